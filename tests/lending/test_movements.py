"""Loan movements: each kind's signs, the running position never below zero, and the positions
table they add up to (which the engine takes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.exceptions import ValidationError
from bpost_client.lending import calculate
from bpost_client.lending.movements import Movement, MovementKind, positions_from_movements
from bpost_client.lending.reference import calculate_reference
from tests.lending.books import agreement, as_text, daily_closes, day

NEW, RETURN, RECALL, COLLATERAL = (
    MovementKind.NEW_LOAN,
    MovementKind.RETURN,
    MovementKind.RECALL,
    MovementKind.COLLATERAL_CHANGE,
)


def rows(movements: list[Movement]) -> list[tuple[str, date, int, Decimal]]:
    frame = positions_from_movements(movements)
    return [
        (r.agreement_id, r.date, r.quantity, r.collateral) for r in frame.itertuples(index=False)
    ]


def test_positions__loan_partly_returned_then_recalled__cumulative_rows_per_date() -> None:
    movements = [
        Movement("A1", NEW, day(0), 1000, Decimal(105_000)),
        Movement("A1", RETURN, day(3), -400, Decimal(-42_000)),
        Movement("A1", COLLATERAL, day(3), 0, Decimal(2_000)),  # same day: one row
        Movement("A1", RECALL, day(5), -600, Decimal(-65_000)),
    ]
    assert rows(movements) == [
        ("A1", day(0), 1000, Decimal(105_000)),
        ("A1", day(3), 600, Decimal(65_000)),
        ("A1", day(5), 0, Decimal(0)),
    ]


def test_positions__several_agreements_in_any_order__sorted_by_agreement_and_date() -> None:
    movements = [
        Movement("B2", NEW, day(2), 50, Decimal("10.50")),
        Movement("A1", NEW, day(4), 10, Decimal(0)),
        Movement("A1", NEW, day(1), 5, Decimal(0)),
        Movement("B2", COLLATERAL, day(1), 0, Decimal("3.25")),
    ]
    assert rows(movements) == [
        ("A1", day(1), 5, Decimal(0)),
        ("A1", day(4), 15, Decimal(0)),
        ("B2", day(1), 0, Decimal("3.25")),
        ("B2", day(2), 50, Decimal("13.75")),
    ]


def test_positions__types__int_quantity_and_exact_decimal_collateral() -> None:
    frame = positions_from_movements([Movement("A1", NEW, day(0), 7, Decimal("0.10"))])
    assert list(frame.columns) == ["agreement_id", "date", "quantity", "collateral"]
    assert isinstance(frame["quantity"].iloc[0].item(), int)
    assert frame["collateral"].iloc[0] == Decimal("0.10")
    assert positions_from_movements([]).empty


def test_positions__fed_to_the_engine__the_fee_of_the_loan_as_it_moved() -> None:
    """1,000 shares at a close of 100 and 3.65% accrue 10 a day: 1,000 for days 0-2, 600 for
    days 3-4, none after the recall on day 5: 10 x 3 + 6 x 2."""
    movements = [
        Movement("A1", NEW, day(0), 1000, Decimal(0)),
        Movement("A1", RETURN, day(3), -400, Decimal(0)),
        Movement("A1", RECALL, day(5), -600, Decimal(0)),
    ]
    held = positions_from_movements(movements)
    terms = [agreement(fee_rate_pct=Decimal("3.65"))]
    prices = daily_closes("7203", day(-5), [100] * 20)
    result = calculate(terms, held, prices, None, day(0), day(6))
    assert as_text(result) == as_text(
        calculate_reference(terms, held, prices, None, day(0), day(6))
    )
    assert result["lending_fee"].tolist() == [Decimal(42)]


def test_movement__kind_given_as_its_word__becomes_the_enum() -> None:
    movement = Movement("A1", "return", day(0), -5, Decimal(0))  # type: ignore[arg-type]
    assert movement.kind is MovementKind.RETURN
    assert [k.value for k in MovementKind] == ["new_loan", "return", "recall", "collateral_change"]


@pytest.mark.parametrize(
    ("kind", "quantity", "collateral", "reason"),
    [
        (NEW, 0, Decimal(0), "must be above 0"),
        (NEW, -10, Decimal(0), "must be above 0"),
        (RETURN, 10, Decimal(0), "must be below 0"),
        (RETURN, 0, Decimal(-5), "must be below 0"),
        (RECALL, 1, Decimal(0), "must be below 0"),
        (COLLATERAL, 5, Decimal(100), "must be 0"),
        (COLLATERAL, 0, Decimal(0), "must change the collateral"),
        (NEW, 1.5, Decimal(0), "not a whole number"),
        (NEW, True, Decimal(0), "not a whole number"),
        (NEW, 10, 0.1, "binary float"),
        (NEW, 10, "ten", "not a number"),
        ("lend", 10, Decimal(0), "not one of"),
    ],
)
def test_movement__kind_and_signs_do_not_fit__refused_with_the_reason(
    kind: Any, quantity: Any, collateral: Any, reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        Movement("A1", kind, day(0), quantity, collateral)


def test_positions__return_of_more_than_on_loan__refused_naming_the_movement() -> None:
    movements = [
        Movement("A1", NEW, day(0), 100, Decimal(0)),
        Movement("A1", RETURN, day(2), -150, Decimal(0)),
    ]
    with pytest.raises(ValidationError) as caught:
        positions_from_movements(movements)
    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "quantity")
    assert "return of 'A1' on 2026-04-03 takes the quantity to -50 (only 100 on loan)" in str(error)


def test_positions__every_movement_below_zero__all_listed() -> None:
    movements = [
        Movement("A1", RECALL, day(1), -5, Decimal(0)),  # nothing lent yet
        Movement("B2", NEW, day(0), 10, Decimal(100)),
        Movement("B2", COLLATERAL, day(1), 0, Decimal(-101)),
    ]
    with pytest.raises(ValidationError, match="2 movement") as caught:
        positions_from_movements(movements)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "quantity"), (3, "collateral")]


def test_positions__return_listed_before_the_loan_of_an_earlier_date__applied_in_date_order() -> (
    None
):
    movements = [
        Movement("A1", RETURN, day(3), -10, Decimal(0)),
        Movement("A1", NEW, day(1), 10, Decimal(0)),
    ]
    assert rows(movements)[-1] == ("A1", day(3), 0, Decimal(0))


def test_positions__not_a_movement__refused() -> None:
    with pytest.raises(ValidationError, match="not a Movement"):
        positions_from_movements([("A1", day(0), 10, 0)])  # type: ignore[list-item]


@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(1, 1000), st.integers(0, 10_000)),
        min_size=1,
        max_size=15,
    )
)
def test_positions__loans_and_returns_that_stay_positive__rows_hold_the_running_totals(
    steps: list[tuple[int, int, int]],
) -> None:
    """Each step lends ``n`` shares against ``c`` of collateral and gives half of them back the
    same day; the last row holds the sums."""
    movements = []
    for offset, lent, cash in steps:
        movements.append(Movement("A1", NEW, day(offset), lent, Decimal(cash)))
        back = lent // 2
        if back:
            movements.append(Movement("A1", RETURN, day(offset), -back, Decimal(0)))
    frame = positions_from_movements(movements)
    assert frame["date"].is_monotonic_increasing
    assert not frame["date"].duplicated().any()
    assert frame["quantity"].iloc[-1] == sum(n - n // 2 for _, n, _ in steps)
    assert frame["collateral"].iloc[-1] == sum(Decimal(c) for _, _, c in steps)
