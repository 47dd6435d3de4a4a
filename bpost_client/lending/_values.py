"""Input values as exact numbers and dates: what the engine and the reference accept alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded, localcontext
from functools import wraps
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd

from bpost_client.exceptions import ValidationError

__all__ = ["EXACT", "as_date", "as_decimal", "exactly", "is_missing"]

EXACT = Context(prec=1000, Emax=10**6, Emin=-(10**6), traps=[Inexact, Rounded, InvalidOperation])
"""Decimal arithmetic that raises rather than round: products, sums and scalings of inputs stay
exact (up to 1,000 digits)."""

P = ParamSpec("P")
T = TypeVar("T")


def exactly(function: Callable[P, T]) -> Callable[P, T]:
    """``function`` run in the :data:`EXACT` context, whatever the caller's."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with localcontext(EXACT):
            return function(*args, **kwargs)

    return run


def is_missing(value: object) -> bool:
    """None, NaN, NaT or an empty string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def as_decimal(value: object, what: str) -> Decimal:
    """``value`` (Decimal, int or decimal text) as a finite Decimal.

    Raises:
        ValidationError: a binary float (inexact by nature), missing, not a number or not finite.
    """
    if isinstance(value, bool | float | np.floating):
        raise ValidationError(f"{what}: {value!r} is a binary float; give a Decimal, int or text")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | np.integer):
        number = Decimal(int(value))
    elif isinstance(value, str) and value.strip():
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise ValidationError(f"{what}: {value!r} is not a number") from None
    else:
        raise ValidationError(f"{what}: {value!r} is not a number")
    if not number.is_finite():
        raise ValidationError(f"{what}: {value!r} is not a finite number")
    return number


def as_date(value: object, what: str) -> date:
    """``value`` (date, datetime, pandas Timestamp, numpy datetime64 or ISO text) as a date.

    Raises:
        ValidationError: missing or not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, np.datetime64) and not np.isnat(value):
        return pd.Timestamp(value).date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"{what}: {value!r} is not a date")
