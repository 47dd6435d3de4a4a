"""The lending engine in Python and the LendingCalculator contract give exactly the same figures
on random agreements (conventions, positions, prices, dividends, currencies), and the contract
folds a movement history into the position rows the engine takes."""

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


NEW_LOAN, RETURN, RECALL, COLLATERAL_CHANGE = 0, 1, 2, 3
CENT = 10**4  # a hundredth over 10^6


@st.composite
def movement_histories(draw: st.DrawFn) -> list[tuple[int, date, int, int]]:
    """Valid movements (kinds fitting their signs, never below zero), dates ascending with
    several movements on some dates; quantities and collateral over 10^6."""
    quantity = collateral = 0
    day = START - timedelta(days=draw(st.integers(0, 5)))
    history = []
    for _ in range(draw(st.integers(1, 8))):
        day += timedelta(days=draw(st.sampled_from([0, 0, 1, 3, 7])))
        kinds = [NEW_LOAN, COLLATERAL_CHANGE] + ([RETURN, RECALL] if quantity else [])
        kind = draw(st.sampled_from(kinds))
        if kind == NEW_LOAN:
            change = draw(st.integers(1, 10**6)) * M
        elif kind == COLLATERAL_CHANGE:
            change = 0
        else:
            change = -draw(st.integers(1, quantity // M)) * M
        cents = st.integers(-(collateral // CENT), 10**10)  # never below zero in total
        if kind == COLLATERAL_CHANGE:
            cents = cents.filter(bool)  # a collateral change moves some collateral
        moved = draw(cents) * CENT
        quantity += change
        collateral += moved
        history.append((kind, day, change, moved))
    return history


def fold(history: list[tuple[int, date, int, int]]) -> list[tuple[int, int, int]]:
    """The position rows of a movement history: one per date, running sums."""
    rows: dict[int, tuple[int, int, int]] = {}
    quantity = collateral = 0
    for _, day, change, moved in history:
        quantity, collateral = quantity + change, collateral + moved
        rows[_int(day)] = (_int(day), quantity, collateral)
    return list(rows.values())


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=movement_histories(), case=cases())
def test_movements__fold_into_the_engines_positions(
    calculator: Any, history: list[tuple[int, date, int, int]], case: dict[str, Any]
) -> None:
    movements = [(kind, _int(day), change, moved) for kind, day, change, moved in history]
    rows = [tuple(row) for row in calculator.positionsOf(movements)]
    assert rows == fold(history), "one row per date, the running quantity and collateral"
    agreement = case["agreement"]
    positions = pd.DataFrame(
        [
            ("A1", date(d // 10_000, d // 100 % 100, d % 100), q // M, Decimal(c) / M)
            for d, q, c in rows
        ],
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
        rows,
        [(_int(d), _scaled(c)) for d, c in case["closes"]],
        [(_int(d), _scaled(a)) for d, a in case["dividends"]],
        _int(START),
        _int(case["end"]),
    )
    minor = MINOR[agreement.currency]
    assert int(row["net_amount"].scaleb(minor)) == result.netAmount
    assert row["accrual_days"] == result.accrualDays
