"""The terms of a securities lending agreement: its conventions and the record.

The enums' values are the words of the `bpost lending calc` files (``ACT/365F``, ``one_end``...).
Money is in the agreement's currency, in major units, as :class:`~decimal.Decimal`; rates are in
percent (per annum for the fee and the collateral rate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum

import pandas as pd

__all__ = [
    "AGREEMENT_COLUMNS",
    "REQUIRED_AGREEMENT_COLUMNS",
    "Agreement",
    "DayCount",
    "DaysCounted",
    "PriceBasis",
    "Rounding",
    "agreements_frame",
    "format_minor",
]


class DayCount(StrEnum):
    """The day count: the fee of a day is the annual rate over ``basis`` days."""

    ACT_365F = "ACT/365F"
    ACT_360 = "ACT/360"

    @property
    def basis(self) -> int:
        """Days in the year the rate is divided by: 365 or 360."""
        return 365 if self is DayCount.ACT_365F else 360


class DaysCounted(StrEnum):
    """Which ends of a loan accrue: the start only (片端) or the start and the return (両端)."""

    ONE_END = "one_end"
    BOTH_ENDS = "both_ends"


class PriceBasis(StrEnum):
    """The mark price of day D: the close of the latest business day before D, or on or before D."""

    PREVIOUS_CLOSE = "previous_close"
    SAME_DAY_CLOSE = "same_day_close"


class Rounding(StrEnum):
    """How the fee and the collateral interest of a period come to the currency's minor unit."""

    PERIOD_TRUNCATE = "period_truncate"
    """Truncate the period's exact sum toward zero."""
    DAILY_TRUNCATE = "daily_truncate"
    """Truncate each day's exact amount toward zero, then sum."""
    PERIOD_HALF_UP = "period_half_up"
    """Round the period's exact sum half up (a half away from zero)."""


def format_minor(amount: int, decimals: int) -> str:
    """An amount in minor units written in major units with ``decimals`` decimals:
    ``format_minor(1939, 0) == "1939"``, ``format_minor(-1250, 2) == "-12.50"``."""
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**decimals)
    return f"{sign}{whole}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"


@dataclass(frozen=True)
class Agreement:
    """The terms of one lending agreement."""

    agreement_id: str
    lender: str
    borrower: str
    security: str
    currency: str
    fee_rate_pct: Decimal
    collateral_rate_pct: Decimal
    day_count: DayCount = DayCount.ACT_365F
    days_counted: DaysCounted = DaysCounted.ONE_END
    price_basis: PriceBasis = PriceBasis.PREVIOUS_CLOSE
    rounding: Rounding = Rounding.PERIOD_TRUNCATE
    dividend_rate_pct: Decimal = Decimal(100)
    minimum_fee: Decimal | None = None


AGREEMENT_COLUMNS = tuple(f.name for f in fields(Agreement))
"""The columns of an agreements table, in the order of :class:`Agreement`'s fields."""

REQUIRED_AGREEMENT_COLUMNS = tuple(
    c for c in AGREEMENT_COLUMNS if c not in ("lender", "borrower", "minimum_fee")
)
"""The columns a calculation needs (the parties and the minimum fee may be left out)."""


def agreements_frame(agreements: Iterable[Agreement]) -> pd.DataFrame:
    """Agreements as the table :func:`bpost_client.lending.calculate` takes."""
    rows = [{c: getattr(a, c) for c in AGREEMENT_COLUMNS} for a in agreements]
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS), dtype=object)
