"""The lending engine in Python and the LendingCalculator contract give exactly the same figures
on random agreements (conventions, positions, prices, dividends, currencies), refuse the same
closes too old to mark a day, and the contract folds a movement history into the position rows
the engine takes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpost_client.lending.engine import calculate
from bpost_client.lending.reference import calculate_reference
from bpost_client.lending.results import StalePriceError
from bpost_client.lending.terms import Agreement, DayCount, DaysCounted, PriceBasis, Rounding
from tests.contracts.reverts import reverts

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


@pytest.mark.parametrize("basis", list(PriceBasis))
def test_stale_price__engine_reference_and_contract__the_same_window(
    calculator: Any, basis: PriceBasis
) -> None:
    """Closes on 1 June and 30 to 33 days later, shares lent from 2 June: the close of 1 June
    marks the days up to the next close's (previous close) or the day before (same-day close),
    and may mark none more than 31 days older: 3 July, the first such day, is refused by all
    three, naming it and 1 June; otherwise all three give the same figures."""
    for gap in (30, 31, 32, 33):
        _same_window(calculator, basis, gap)


def _same_window(calculator: Any, basis: PriceBasis, gap: int) -> None:
    agreement = Agreement(
        agreement_id="A1",
        lender="L",
        borrower="B",
        security="S",
        currency="JPY",
        fee_rate_pct=Decimal("0.5"),
        collateral_rate_pct=Decimal(0),
        price_basis=basis,
    )
    closes = [(START, Decimal(2000)), (START + timedelta(days=gap), Decimal(2100))]
    held = [(START + timedelta(days=1), 10_000, Decimal(0))]
    end = START + timedelta(days=gap + 2)
    positions = pd.DataFrame(
        [("A1", d, q, c) for d, q, c in held],
        columns=["agreement_id", "date", "quantity", "collateral"],
    )
    prices = pd.DataFrame([("S", d, c) for d, c in closes], columns=["security", "date", "close"])
    on_chain = (
        _contract_terms(agreement),
        [(_int(d), q * M, _scaled(c)) for d, q, c in held],
        [(_int(d), _scaled(c)) for d, c in closes],
        [],
        _int(START),
        _int(end),
    )
    oldest = gap if basis is PriceBasis.PREVIOUS_CLOSE else gap - 1  # days, of the last day marked
    if oldest > 31:
        first = START + timedelta(days=32)
        for calculation in (calculate, calculate_reference):
            with pytest.raises(StalePriceError) as refused:
                calculation([agreement], positions, prices, None, START, end)
            stale = [(s.first_day, s.close_date) for s in refused.value.stale]
            assert stale == [(first, START)], f"{calculation.__name__}, {gap} days"
        with reverts(calculator.LendingMathStalePrice, date=_int(first), closeDate=_int(START)):
            calculator.calculate(*on_chain)
        return
    result = calculator.calculate(*on_chain)
    for calculation in (calculate, calculate_reference):
        row = calculation([agreement], positions, prices, None, START, end).iloc[0]
        figures = (int(row["lending_fee"]), row["accrual_days"])
        chain = (result.lendingFee, result.accrualDays)
        assert figures == chain, f"{calculation.__name__}, {gap} days"


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
