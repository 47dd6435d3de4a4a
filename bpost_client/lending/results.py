"""What a calculation gives back: one row per agreement, exact amounts, and the missing prices.

Both the engine and the per-day reference build their answer here, from integer amounts in the
currency's minor unit, so that they can be compared exactly; and both take here the rule of a
close too old to mark a day (:func:`too_old`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import EXACT
from bpost_client.lending.limits import MAX_PRICE_AGE_DAYS

__all__ = [
    "AMOUNT_COLUMNS",
    "MAX_PRICE_AGE_DAYS",
    "RESULT_COLUMNS",
    "MissingPrice",
    "MissingPriceError",
    "StalePrice",
    "StalePriceError",
    "as_price_age",
    "result_frame",
    "too_old",
]

AMOUNT_COLUMNS = ("lending_fee", "collateral_interest", "dividend_equivalent", "net_amount")
RESULT_COLUMNS = ("agreement_id", "lender", "borrower", "currency", "accrual_days", *AMOUNT_COLUMNS)
"""The columns of a result, in order: also the columns of `bpost lending calc`'s output."""


def as_price_age(days: object) -> int:
    """``days`` as a window of calendar days (a whole number, not negative).

    Raises:
        ValidationError: anything else (a bool, a float, a negative number).
    """
    if isinstance(days, bool) or not isinstance(days, int | np.integer) or days < 0:
        raise ValidationError(f"max_price_age: {days!r} is not a number of days (0 or more)")
    return int(days)


@overload
def too_old(age: int, max_age: int) -> bool: ...
@overload
def too_old(age: npt.NDArray[np.int64], max_age: int) -> npt.NDArray[np.bool_]: ...
def too_old(age: int | npt.NDArray[np.int64], max_age: int) -> bool | npt.NDArray[np.bool_]:
    """Whether a close ``age`` calendar days older than the day it marks is too old to mark it
    (an int, or an array of them element-wise): over ``max_age`` days. The one rule of the engine
    and the reference; LendingMath's at :data:`MAX_PRICE_AGE_DAYS`."""
    return age > max_age


@dataclass(frozen=True)
class MissingPrice:
    """An agreement accrues on ``days`` days without a mark price, the first being ``first_day``."""

    agreement_id: str
    security: str
    first_day: date
    days: int


class MissingPriceError(ValidationError):
    """Days that accrue a fee have no mark price; ``missing`` has one entry per agreement."""

    def __init__(self, missing: Sequence[MissingPrice]) -> None:
        self.missing = list(missing)
        shown = "; ".join(
            f"{m.agreement_id} ({m.security}) from {m.first_day.isoformat()}, {m.days} day(s)"
            for m in self.missing[:5]
        )
        more = f"; and {len(self.missing) - 5} more agreements" if len(self.missing) > 5 else ""
        super().__init__(f"no mark price for days that accrue a fee: {shown}{more}")


@dataclass(frozen=True)
class StalePrice(MissingPrice):
    """An agreement accrues on ``days`` days whose latest close is over ``max_age`` calendar days
    older than the day; on ``first_day``, the first of them, it is the close of ``close_date``."""

    close_date: date
    max_age: int

    @property
    def age(self) -> int:
        """How many calendar days the close is older than ``first_day``."""
        return (self.first_day - self.close_date).days


class StalePriceError(MissingPriceError):
    """Days that accrue a fee have only closes too old to mark them (:func:`too_old`): no mark
    price either, so a :class:`MissingPriceError`; ``missing`` has one entry per agreement."""

    def __init__(self, stale: Sequence[StalePrice]) -> None:
        self.missing = list(stale)
        self.stale = list(stale)
        shown = "; ".join(
            f"{s.agreement_id}: close of {s.security} on {s.close_date.isoformat()} is {s.age} "
            f"days older than {s.first_day.isoformat()}, over the {s.max_age}-day window"
            + (f" (and {s.days - 1} later day(s))" if s.days > 1 else "")
            for s in self.stale[:5]
        )
        more = f"; and {len(self.stale) - 5} more agreements" if len(self.stale) > 5 else ""
        ValidationError.__init__(
            self, f"stale mark price for days that accrue a fee: {shown}{more}"
        )


def result_frame(
    agreements: pd.DataFrame,
    decimals: Sequence[int],
    accrual_days: Sequence[int],
    fee: Sequence[int],
    collateral_interest: Sequence[int],
    dividend_equivalent: Sequence[int],
) -> pd.DataFrame:
    """The result table: amounts given in minor units become :class:`Decimal` in major units
    with the currency's decimals (``Decimal('1939')`` yen, ``Decimal('-12.50')`` dollars); the
    net is fee + dividend equivalent - collateral interest."""
    net = [f + d - c for f, d, c in zip(fee, dividend_equivalent, collateral_interest, strict=True)]

    def major(amounts: Sequence[int]) -> list[Decimal]:
        # exact: EXACT traps any rounding (Decimal(1250).scaleb(-2) is Decimal('12.50'))
        return [
            Decimal(int(a)).scaleb(-int(m), EXACT) for a, m in zip(amounts, decimals, strict=True)
        ]

    def text(column: str) -> list[str]:
        if column not in agreements.columns:
            return [""] * len(agreements)
        return ["" if v is None or v != v else str(v) for v in agreements[column].tolist()]

    return pd.DataFrame(
        {
            "agreement_id": text("agreement_id"),
            "lender": text("lender"),
            "borrower": text("borrower"),
            "currency": text("currency"),
            "accrual_days": [int(n) for n in accrual_days],
            "lending_fee": major(fee),
            "collateral_interest": major(collateral_interest),
            "dividend_equivalent": major(dividend_equivalent),
            "net_amount": major(net),
        },
        columns=list(RESULT_COLUMNS),
    )
