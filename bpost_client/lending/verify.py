"""The same calculation by the platform's ``LendingCalculator`` contract, run by ``eth_call`` on
any party's own node with the plaintext inputs: a figure verified without trusting anyone's
software, and without writing the terms on chain.

The contract takes every decimal input as a numerator over 10^6 (:data:`SCALE`), so an input with
more decimals cannot be verified this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from bpost_client.client import Client
from bpost_client.currencies import minor_unit
from bpost_client.dates import int_from_date
from bpost_client.lending.terms import DayCount, DaysCounted, PriceBasis, Rounding

__all__ = ["SCALE", "calculate_on_chain", "calculator_arguments", "scaled"]

CONTRACT = "LendingCalculator"
SCALE = 10**6
"""The contract's decimal inputs are numerators over 10^6."""


def scaled(value: Any, what: str) -> int:
    """``value`` (a Decimal, int or decimal text) as the contracts' numerator over 10^6.

    Raises:
        ValueError: more than 6 decimals.
    """
    numerator = Decimal(str(value)) * SCALE
    if numerator != numerator.to_integral_value():
        raise ValueError(f"{what} {value} has more than 6 decimals: the calculator cannot take it")
    return int(numerator)


def _index(kind: type[DayCount | DaysCounted | PriceBasis | Rounding], value: Any) -> int:
    return list(kind).index(kind(value))


def calculator_arguments(
    agreement: Mapping[str, Any],
    positions: pd.DataFrame,
    prices: pd.DataFrame,
    dividends: pd.DataFrame,
    start: date,
    end: date,
) -> tuple[Any, ...]:
    """The arguments of ``LendingCalculator.calculate`` for one agreement: its terms, its position
    rows, its security's closes and dividends (tables as the engine takes them)."""
    minor = minor_unit(str(agreement["currency"]))
    minimum = agreement.get("minimum_fee")
    has_minimum = minimum is not None and minimum == minimum  # NaN: none
    terms = (
        scaled(agreement["fee_rate_pct"], "fee rate"),
        scaled(agreement["collateral_rate_pct"], "collateral rate"),
        scaled(agreement["dividend_rate_pct"], "dividend rate"),
        _index(DayCount, agreement["day_count"]),
        _index(DaysCounted, agreement["days_counted"]),
        _index(PriceBasis, agreement["price_basis"]),
        _index(Rounding, agreement["rounding"]),
        minor,
        has_minimum,
        int(Decimal(str(minimum)).scaleb(minor)) if has_minimum else 0,
    )
    own = positions[positions["agreement_id"] == agreement["agreement_id"]].sort_values("date")
    security = prices[prices["security"] == agreement["security"]].sort_values("date")
    paid = dividends[dividends["security"] == agreement["security"]]
    return (
        terms,
        [
            (
                int_from_date(r.date),
                scaled(r.quantity, "quantity"),
                scaled(r.collateral, "collateral"),
            )
            for r in own.itertuples()
        ],
        [(int_from_date(r.date), scaled(r.close, "close")) for r in security.itertuples()],
        [
            (int_from_date(r.record_date), scaled(r.amount_per_share, "amount per share"))
            for r in paid.itertuples()
        ],
        int_from_date(start),
        int_from_date(end),
    )


def calculate_on_chain(
    client: Client,
    agreements: pd.DataFrame,
    positions: pd.DataFrame,
    prices: pd.DataFrame,
    dividends: pd.DataFrame,
    start: date,
    end: date,
) -> pd.DataFrame:
    """The contract's figures for each agreement (one ``eth_call`` each): ``agreement_id``,
    ``accrual_days`` and the four amounts as Decimal in major units, as the engine gives them."""
    calculator = client.contract(CONTRACT).functions
    rows = []
    for record in agreements.to_dict(orient="records"):
        agreement = {str(k): v for k, v in record.items()}
        args = calculator_arguments(agreement, positions, prices, dividends, start, end)
        fee, interest, dividend, net, days = client.read(calculator.calculate(*args))
        minor = minor_unit(str(agreement["currency"]))
        rows.append(
            {
                "agreement_id": agreement["agreement_id"],
                "accrual_days": int(days),
                "lending_fee": Decimal(int(fee)).scaleb(-minor),
                "collateral_interest": Decimal(int(interest)).scaleb(-minor),
                "dividend_equivalent": Decimal(int(dividend)).scaleb(-minor),
                "net_amount": Decimal(int(net)).scaleb(-minor),
            }
        )
    return pd.DataFrame(rows)
