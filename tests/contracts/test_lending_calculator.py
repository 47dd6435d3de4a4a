"""LendingCalculator: the lending calculation by eth_call, against hand-worked figures
(docs/conventions.md's example and the 365/360 comparison)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.contracts.reverts import reverts

M = 10**6  # decimal inputs are numerators over 10^6
ACT365, ACT360 = 0, 1
ONE_END, BOTH_ENDS = 0, 1
PREVIOUS, SAME_DAY = 0, 1
PERIOD_TRUNCATE, DAILY_TRUNCATE, PERIOD_HALF_UP = 0, 1, 2


def terms(
    fee: str = "0.5",
    collateral: str = "0",
    dividend: str = "100",
    day_count: int = ACT365,
    days: int = ONE_END,
    basis: int = SAME_DAY,
    rounding: int = PERIOD_TRUNCATE,
    minor: int = 0,
    minimum: int | None = None,
) -> tuple[Any, ...]:
    def scaled(text: str) -> int:
        return int(Decimal(text) * M)

    rates = (scaled(fee), scaled(collateral), scaled(dividend))
    return (*rates, day_count, days, basis, rounding, minor, minimum is not None, minimum or 0)


# docs/conventions.md: 10,000 shares, 0.50 %, ACT/365F, one end, seven days of mark prices.
SEVEN_DAYS = [(20260601 + i, p) for i, p in enumerate([2000, 2000, 2000, 2050, 2050, 2030, 2030])]
CLOSES = [(day, price * M) for day, price in SEVEN_DAYS]
POSITIONS = [(20260601, 10_000 * M, 0), (20260608, 0, 0)]


def test_domain_example__period_and_daily_truncation(calculator: Any) -> None:
    period = calculator.calculate(terms(), POSITIONS, CLOSES, [], 20260601, 20260607)
    assert (period.lendingFee, period.accrualDays) == (1939, 7)
    daily = calculator.calculate(
        terms(rounding=DAILY_TRUNCATE), POSITIONS, CLOSES, [], 20260601, 20260607
    )
    assert daily.lendingFee == 1935


@pytest.mark.parametrize(("day_count", "cents"), [(ACT365, 191781), (ACT360, 194444)])
def test_day_count__365_and_360(calculator: Any, day_count: int, cents: int) -> None:
    closes = [(20260601, 2000 * M)]
    result = calculator.calculate(
        terms(day_count=day_count, minor=2, rounding=PERIOD_HALF_UP),
        POSITIONS,
        closes,
        [],
        20260601,
        20260607,
    )
    assert result.lendingFee == cents  # 20,000,000 x 0.5 % x 7 / basis, to the cent


def test_both_ends__return_day_accrues_on_the_previous_quantity(calculator: Any) -> None:
    one = calculator.calculate(terms(), POSITIONS, CLOSES, [], 20260601, 20260610)
    both = calculator.calculate(terms(days=BOTH_ENDS), POSITIONS, CLOSES, [], 20260601, 20260610)
    assert (one.accrualDays, both.accrualDays) == (7, 8)


def test_previous_close__needs_a_close_before_the_first_day(calculator: Any) -> None:
    with reverts(calculator.LendingMathMissingPrice):
        calculator.calculate(terms(basis=PREVIOUS), POSITIONS, CLOSES, [], 20260601, 20260607)
    closes = [(20260529, 1990 * M), *CLOSES]
    result = calculator.calculate(terms(basis=PREVIOUS), POSITIONS, closes, [], 20260601, 20260607)
    exact = 10_000 * (1990 + 2000 + 2000 + 2000 + 2050 + 2050 + 2030) * 0.005 / 365
    assert result.lendingFee == int(exact)


@pytest.mark.parametrize("basis", [PREVIOUS, SAME_DAY])
def test_stale_price__a_close_over_31_days_older__reverts_with_the_day_and_its_date(
    calculator: Any, basis: int
) -> None:
    """The one close is of 1 May: 31 days older than 1 June, which it marks, and 32 than the
    2nd, which it may not (the PriceFeed's window, the client's default max_price_age)."""
    closes = [(20260501, 2000 * M)]
    held = [(20260601, 10_000 * M, 0)]
    within = calculator.calculate(terms(basis=basis), held, closes, [], 20260601, 20260601)
    assert (within.lendingFee, within.accrualDays) == (273, 1)  # 20,000,000 x 0.5 % / 365
    with reverts(calculator.LendingMathStalePrice, date=20260602, closeDate=20260501):
        calculator.calculate(terms(basis=basis), held, closes, [], 20260601, 20260602)
    returned = [*held, (20260602, 0, 0)]  # a day that does not accrue needs no mark price
    after = calculator.calculate(terms(basis=basis), returned, closes, [], 20260601, 20260630)
    assert after.accrualDays == 1


def test_collateral_half_up_negative_net_and_minimum_fee(calculator: Any) -> None:
    positions = [(20260601, 10_000 * M, 30_000_000 * M), (20260608, 0, 0)]
    chosen = terms(collateral="0.1", rounding=PERIOD_HALF_UP, minimum=5_000)
    result = calculator.calculate(chosen, positions, CLOSES, [], 20260601, 20260607)
    assert result.collateralInterest == 575  # 30,000,000 x 0.1 % x 7 / 365 = 575.34
    assert result.lendingFee == 5_000  # the minimum fee raises 1,940
    assert result.netAmount == 5_000 - 575


def test_dividend_equivalent__record_date_position_and_rate(calculator: Any) -> None:
    dividends = [(20260603, 45 * M), (20260701, 99 * M)]
    result = calculator.calculate(
        terms(dividend="84.685"), POSITIONS, CLOSES, dividends, 20260601, 20260630
    )
    assert result.dividendEquivalent == int(10_000 * 45 * 0.84685)  # 381,082


def test_refusals(calculator: Any) -> None:
    with reverts(calculator.LendingMathInvalidPeriod):
        calculator.calculate(terms(), POSITIONS, CLOSES, [], 20260607, 20260601)
    with reverts(calculator.LendingMathPositionsUnsorted, index=1):
        calculator.calculate(terms(), POSITIONS[::-1], CLOSES, [], 20260601, 20260607)
    with reverts(calculator.LendingMathClosesUnsorted, index=1):
        calculator.calculate(terms(), POSITIONS, CLOSES[::-1], [], 20260601, 20260607)
    with reverts(calculator.LendingMathInvalidMinorUnits, minorUnits=5, max=4):
        calculator.calculate(terms(minor=5), POSITIONS, CLOSES, [], 20260601, 20260607)


NEW_LOAN, RETURN, RECALL, COLLATERAL_CHANGE = 0, 1, 2, 3


def test_positions_of__movements_summed_one_row_per_date(calculator: Any) -> None:
    movements = [
        (NEW_LOAN, 20260601, 6_000 * M, 12_000_000 * M),
        (NEW_LOAN, 20260601, 4_000 * M, 8_000_000 * M),  # same date: one row
        (COLLATERAL_CHANGE, 20260603, 0, -1_000_000 * M),
        (RECALL, 20260605, -3_000 * M, 0),
        (RETURN, 20260608, -7_000 * M, -19_000_000 * M),
    ]
    assert [tuple(row) for row in calculator.positionsOf(movements)] == [
        (20260601, 10_000 * M, 20_000_000 * M),
        (20260603, 10_000 * M, 19_000_000 * M),
        (20260605, 7_000 * M, 19_000_000 * M),
        (20260608, 0, 0),
    ]
    assert calculator.positionsOf([]) == []


@pytest.mark.parametrize(
    ("movements", "error", "carried"),
    [
        (
            [(NEW_LOAN, 20260602, M, 0), (NEW_LOAN, 20260601, M, 0)],  # a date going backwards
            "LendingCalculatorMovementDate",
            {"index": 1, "date": 20260601, "previous": 20260602},
        ),
        ([(NEW_LOAN, 20261301, M, 0)], "LendingCalculatorMovementDate", {"date": 20261301}),
        ([(NEW_LOAN, 20260601, 0, M)], "LendingCalculatorMovementSigns", {"index": 0}),
        ([(NEW_LOAN, 20260601, -M, 0)], "LendingCalculatorMovementSigns", {"quantity": -M}),
        (  # a return takes them back
            [(NEW_LOAN, 20260601, M, 0), (RETURN, 20260602, M, 0)],
            "LendingCalculatorMovementSigns",
            {"index": 1, "kind": RETURN},
        ),
        (
            [(NEW_LOAN, 20260601, M, 0), (RECALL, 20260602, 0, 0)],
            "LendingCalculatorMovementSigns",
            {"index": 1},
        ),
        (  # a collateral change moves no shares
            [(COLLATERAL_CHANGE, 20260601, M, M)],
            "LendingCalculatorMovementSigns",
            {"quantity": M, "collateral": M},
        ),
        ([(COLLATERAL_CHANGE, 20260601, 0, 0)], "LendingCalculatorMovementSigns", {}),
        (  # below zero shares
            [(NEW_LOAN, 20260601, M, 0), (RETURN, 20260602, -2 * M, 0)],
            "LendingCalculatorNegativeQuantity",
            {"index": 1, "quantity": -M},
        ),
        (  # ... collateral
            [(NEW_LOAN, 20260601, M, M), (COLLATERAL_CHANGE, 20260602, 0, -2 * M)],
            "LendingCalculatorNegativeCollateral",
            {"index": 1, "collateral": -M},
        ),
    ],
    ids=[
        "backwards",
        "not-a-date",
        "loan-without-shares",
        "loan-negative",
        "return-positive",
        "recall-zero",
        "collateral-with-shares",
        "collateral-zero",
        "negative-quantity",
        "negative-collateral",
    ],
)
def test_positions_of__refusals(
    calculator: Any, movements: list[Any], error: str, carried: dict[str, Any]
) -> None:
    with reverts(error, **carried):
        calculator.positionsOf(movements)
