"""What a calculation gives back: one row per agreement, exact amounts, and the missing prices.

Both the engine and the per-day reference build their answer here, from integer amounts in the
currency's minor unit, so that they can be compared exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import EXACT

__all__ = [
    "AMOUNT_COLUMNS",
    "RESULT_COLUMNS",
    "MissingPrice",
    "MissingPriceError",
    "result_frame",
]

AMOUNT_COLUMNS = ("lending_fee", "collateral_interest", "dividend_equivalent", "net_amount")
RESULT_COLUMNS = ("agreement_id", "lender", "borrower", "currency", "accrual_days", *AMOUNT_COLUMNS)
"""The columns of a result, in order: also the columns of `bpost lending calc`'s output."""


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
