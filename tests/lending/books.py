"""Small books of loans for the lending tests: agreements, positions, closes and dividends."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from bpost_client.lending import Agreement, calculate
from bpost_client.lending.reference import calculate_reference

START = date(2026, 4, 1)
"""A Wednesday."""

BASE = Agreement(
    agreement_id="A1",
    lender="LENDER",
    borrower="BROKER",
    security="7203",
    currency="JPY",
    fee_rate_pct=Decimal("0.50"),
    collateral_rate_pct=Decimal(0),
)


def agreement(**changes: Any) -> Agreement:
    """The base agreement (JPY, 0.50%, ACT/365F, one end, previous close, period truncation)
    with ``changes``."""
    return replace(BASE, **changes)


def day(n: int) -> date:
    """The n-th day from START (0 is START)."""
    return START + timedelta(days=n)


def positions(*rows: tuple[str, date, int, Decimal | int]) -> pd.DataFrame:
    """Positions from (agreement id, date, quantity, collateral) rows."""
    return pd.DataFrame(rows, columns=["agreement_id", "date", "quantity", "collateral"])


def closes(security: str, by_day: Mapping[date, Decimal | int | str]) -> pd.DataFrame:
    """The closes of one security."""
    return pd.DataFrame(
        [(security, d, Decimal(str(c))) for d, c in by_day.items()],
        columns=["security", "date", "close"],
    )


def daily_closes(security: str, first: date, values: Iterable[Decimal | int | str]) -> pd.DataFrame:
    """Closes on consecutive calendar days from ``first``."""
    return closes(security, {first + timedelta(days=n): v for n, v in enumerate(values)})


def dividends(*rows: tuple[str, date, Decimal | str]) -> pd.DataFrame:
    """Dividends from (security, record date, amount per share) rows, paid two months later."""
    return pd.DataFrame(
        [(s, r, r + timedelta(days=60), Decimal(str(a))) for s, r, a in rows],
        columns=["security", "record_date", "payment_date", "amount_per_share"],
    )


NO_DIVIDENDS = dividends()


def run(
    agreements: Iterable[Agreement],
    held: pd.DataFrame,
    prices: pd.DataFrame,
    paid: pd.DataFrame = NO_DIVIDENDS,
    start: date = START,
    end: date | None = None,
) -> list[dict[str, Any]]:
    """The engine's rows as dicts with amounts as text, after checking that the per-day
    reference gives exactly the same."""
    terms = list(agreements)
    last = end or start + timedelta(days=6)
    engine = calculate(terms, held, prices, paid, start, last)
    reference = calculate_reference(terms, held, prices, paid, start, last)
    engine_rows = as_text(engine)
    assert engine_rows == as_text(reference), "the engine and the per-day reference differ"
    return engine_rows


def as_text(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with every amount as its exact text (Decimal('1.50') -> '1.50')."""
    return [
        {k: v if isinstance(v, int) else str(v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]
