"""The lending engine in Python and the LendingCalculator contract give exactly the same figures
on random agreements (conventions, positions, prices, dividends, currencies)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpost_client.lending.engine import calculate
from bpost_client.lending.terms import Agreement, DayCount, DaysCounted, PriceBasis, Rounding

M = 10**6
START = date(2026, 6, 1)
MINOR = {"JPY": 0, "USD": 2}


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal(high), places=places, allow_nan=False)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    currency = draw(st.sampled_from(sorted(MINOR)))
    days = draw(st.integers(1, 31))
    end = START + timedelta(days=days - 1)
    minimum = draw(st.none() | decimals("0", "5000", MINOR[currency]))
    agreement = Agreement(
        agreement_id="A1",
        lender="L",
        borrower="B",
        security="S",
        currency=currency,
        fee_rate_pct=draw(decimals("0", "5", 4)),
        collateral_rate_pct=draw(decimals("-0.5", "2", 4)),
        day_count=draw(st.sampled_from(list(DayCount))),
        days_counted=draw(st.sampled_from(list(DaysCounted))),
        price_basis=draw(st.sampled_from(list(PriceBasis))),
        rounding=draw(st.sampled_from(list(Rounding))),
        dividend_rate_pct=draw(st.sampled_from([Decimal(100), Decimal("84.685")])),
        minimum_fee=minimum,
    )
    offsets = sorted(set(draw(st.lists(st.integers(-5, days), min_size=1, max_size=4))))
    positions = [
        (
            START + timedelta(days=o),
            draw(st.integers(0, 10**6)),
            draw(decimals("0", "100000000", 2)),
        )
        for o in offsets
    ]
    business = [
        START + timedelta(days=o)
        for o in range(-10, days)
        if (START + timedelta(days=o)).weekday() < 5
    ]
    closes = [(d, draw(decimals("1", "100000", 2))) for d in business]
    dividends = [
        (START + timedelta(days=draw(st.integers(-3, days + 3))), draw(decimals("0", "500", 3)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {
        "agreement": agreement,
        "positions": positions,
        "closes": closes,
        "dividends": dividends,
        "end": end,
    }


def _int(d: date) -> int:
    return d.year * 10_000 + d.month * 100 + d.day


def _scaled(value: Decimal) -> int:
    scaled = value * M
    assert scaled == scaled.to_integral_value()
    return int(scaled)


def _contract_terms(a: Agreement) -> tuple[Any, ...]:
    minor = MINOR[a.currency]
    minimum = a.minimum_fee
    return (
        _scaled(a.fee_rate_pct),
        _scaled(a.collateral_rate_pct),
        _scaled(a.dividend_rate_pct),
        list(DayCount).index(a.day_count),
        list(DaysCounted).index(a.days_counted),
        list(PriceBasis).index(a.price_basis),
        list(Rounding).index(a.rounding),
        minor,
        minimum is not None,
        int((minimum or Decimal(0)).scaleb(minor)),
    )


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_engine_and_contract__exactly_equal(calculator: Any, case: dict[str, Any]) -> None:
    agreement = case["agreement"]
    positions = pd.DataFrame(
        [("A1", d, q, c) for d, q, c in case["positions"]],
        columns=["agreement_id", "date", "quantity", "collateral"],
    )
    prices = pd.DataFrame(
        [("S", d, c) for d, c in case["closes"]], columns=["security", "date", "close"]
    )
    dividends = pd.DataFrame(
        [("S", d, a) for d, a in case["dividends"]],
        columns=["security", "record_date", "amount_per_share"],
    )
    [row] = calculate([agreement], positions, prices, dividends, START, case["end"]).to_dict(
        orient="records"
    )
    result = calculator.calculate(
        _contract_terms(agreement),
        [(_int(d), q * M, _scaled(c)) for d, q, c in case["positions"]],
        [(_int(d), _scaled(c)) for d, c in case["closes"]],
        [(_int(d), _scaled(a)) for d, a in case["dividends"]],
        _int(START),
        _int(case["end"]),
    )
    minor = MINOR[agreement.currency]
    engine = [
        int(row[k].scaleb(minor))
        for k in ("lending_fee", "collateral_interest", "dividend_equivalent", "net_amount")
    ]
    chain = [
        result.lendingFee,
        result.collateralInterest,
        result.dividendEquivalent,
        result.netAmount,
    ]
    assert (engine, row["accrual_days"]) == (chain, result.accrualDays)
