"""A billing period over versions of the terms: segments rounded apart, the minimum fee once,
and, without versions, exactly the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bpost_client.currencies import minor_unit
from bpost_client.exceptions import ValidationError
from bpost_client.lending import (
    RESULT_COLUMNS,
    Agreement,
    DaysCounted,
    MissingPriceError,
    PriceBasis,
    Rounding,
    calculate,
)
from bpost_client.lending.period import (
    MINOR_COLUMNS,
    PERIOD_COLUMNS,
    Book,
    calculate_period,
    period_segments,
)
from bpost_client.lending.reference import calculate_reference
from bpost_client.lending.terms import agreements_frame
from tests.lending.books import agreement, as_text, daily_closes, day, dividends, positions
from tests.lending.test_parity import books

FLAT = daily_closes("7203", day(-40), [100] * 80)
"""A close of 100 every calendar day: 1,000 shares are a loan value of 100,000."""
HELD = positions(("A1", day(-10), 1000, 0))
END = day(29)
"""The period is April 2026: day(0) .. day(29)."""


def versions(*terms: tuple[Agreement, date]) -> pd.DataFrame:
    """Agreements with their effective dates."""
    frame = agreements_frame([t for t, _ in terms])
    return frame.assign(effective_from=[d for _, d in terms])


def period(frame: pd.DataFrame, held: pd.DataFrame = HELD, **inputs: Any) -> dict[str, Any]:
    book = Book(frame, held, inputs.get("prices", FLAT), inputs.get("paid"))
    rows = calculate_period(book, day(0), END).to_dict(orient="records")
    return {r["agreement_id"]: r for r in rows}


def test_period__no_versions__exactly_the_engine_with_minor_units() -> None:
    terms = [
        agreement(),
        agreement(agreement_id="B2", currency="USD", rounding=Rounding.DAILY_TRUNCATE),
        agreement(agreement_id="C3", minimum_fee=Decimal(5000), collateral_rate_pct=Decimal(1)),
    ]
    held = positions(
        ("A1", day(-3), 1000, 0), ("B2", day(4), 333, 5000), ("C3", day(2), 10, 50_000)
    )
    paid = dividends(("7203", day(9), "12.5"))
    book = Book(agreements_frame(terms), held, FLAT, paid)
    result = calculate_period(book, day(0), END)
    engine = calculate(terms, held, FLAT, paid, day(0), END)
    assert list(result.columns) == list(PERIOD_COLUMNS)
    assert as_text(result[list(RESULT_COLUMNS)]) == as_text(engine)
    assert result["security"].tolist() == ["7203"] * 3
    assert result["fee_minor"].tolist() == [
        int(f * 100) if c == "USD" else int(f)
        for f, c in zip(engine["lending_fee"], engine["currency"], strict=True)
    ]
    for row in result.to_dict(orient="records"):
        assert row["net_minor"] == row["fee_minor"] + row["dividend_minor"] - row["interest_minor"]
        assert all(isinstance(row[c], int) for c in MINOR_COLUMNS)


def test_period__one_version_with_an_effective_date__exactly_the_engine() -> None:
    terms = [agreement(minimum_fee=Decimal(900)), agreement(agreement_id="B2")]
    frame = versions((terms[0], day(-30)), (terms[1], day(3)))
    held = positions(("A1", day(0), 1000, 0), ("B2", day(0), 1000, 0))
    result = calculate_period(Book(frame, held, FLAT), day(0), END)
    engine = calculate(terms, held, FLAT, None, day(0), END)
    assert as_text(result[list(RESULT_COLUMNS)]) == as_text(engine)


def test_period__rate_change_on_day_5__each_segment_rounded_apart() -> None:
    """1% for days 0-4: 100,000 x 1% / 365 x 5 = 13.69... -> 13; 2% for days 5-29:
    100,000 x 2% / 365 x 25 = 136.98... -> 136; together 149, where rounding the whole period's
    exact sum (150.68...) would give 150."""
    frame = versions(
        (agreement(fee_rate_pct=Decimal(1)), day(-30)),
        (agreement(fee_rate_pct=Decimal(2)), day(5)),
    )
    row = period(frame)["A1"]
    assert (row["lending_fee"], row["fee_minor"], row["accrual_days"]) == (Decimal(149), 149, 30)
    by_segment = [
        calculate_reference([agreement(fee_rate_pct=rate)], HELD, FLAT, None, first, last)
        for rate, first, last in ((Decimal(1), day(0), day(4)), (Decimal(2), day(5), END))
    ]
    assert [r["lending_fee"].iloc[0] for r in by_segment] == [Decimal(13), Decimal(136)]


def test_period__collateral_rate_change__interest_segmented_too() -> None:
    """36,500,000 of collateral at 0.1% is 100 a day; at 0.2% from day 20, 200 a day."""
    frame = versions(
        (agreement(collateral_rate_pct=Decimal("0.1")), day(-1)),
        (agreement(collateral_rate_pct=Decimal("0.2")), day(20)),
    )
    row = period(frame, positions(("A1", day(-10), 0, 36_500_000)))["A1"]
    assert (row["interest_minor"], row["net_minor"]) == (20 * 100 + 10 * 200, -4000)


@pytest.mark.parametrize(
    ("first_minimum", "last_minimum", "fee"),
    [
        (None, Decimal(200), 200),  # 13 + 136 = 149, raised once to the last version's 200
        (None, Decimal(100), 149),  # above the minimum
        (Decimal(500), None, 149),  # only the last version's minimum counts
        (Decimal(100), Decimal(160), 160),  # not 100 + 160, nor a minimum per segment
    ],
)
def test_period__minimum_fee__applied_once_to_the_period_total(
    first_minimum: Decimal | None, last_minimum: Decimal | None, fee: int
) -> None:
    frame = versions(
        (agreement(fee_rate_pct=Decimal(1), minimum_fee=first_minimum), day(-30)),
        (agreement(fee_rate_pct=Decimal(2), minimum_fee=last_minimum), day(5)),
    )
    assert period(frame)["A1"]["fee_minor"] == fee


def test_period__minimum_fee_with_nothing_accrued__not_applied() -> None:
    frame = versions(
        (agreement(minimum_fee=Decimal(1000)), day(-30)),
        (agreement(fee_rate_pct=Decimal(2), minimum_fee=Decimal(1000)), day(5)),
    )
    row = period(frame, positions(("A1", day(-10), 0, 5000)))["A1"]
    assert (row["fee_minor"], row["accrual_days"]) == (0, 0)


def test_period__versions_outside_the_period__the_one_in_effect_at_its_start() -> None:
    """Versions before the start: the latest holds; versions after the end: ignored."""
    frame = versions(
        (agreement(fee_rate_pct=Decimal(9)), day(-60)),
        (agreement(fee_rate_pct=Decimal("3.65")), day(-20)),
        (agreement(fee_rate_pct=Decimal(7)), day(45)),
    )
    assert period(frame)["A1"]["fee_minor"] == 300  # 10 a day for 30 days
    assert len(period_segments(Book(frame, HELD, FLAT), day(0), END)) == 1


def test_period__first_version_dated_inside_the_period__covers_the_days_before_it() -> None:
    frame = versions(
        (agreement(fee_rate_pct=Decimal("3.65")), day(10)),
        (agreement(fee_rate_pct=Decimal("7.30")), day(20)),
    )
    assert period(frame)["A1"]["fee_minor"] == 20 * 10 + 10 * 20


def test_period__dividend_in_the_second_segment__that_version_s_rate() -> None:
    frame = versions(
        (agreement(dividend_rate_pct=Decimal(100)), day(-30)),
        (agreement(dividend_rate_pct=Decimal("84.685")), day(15)),
    )
    paid = dividends(("7203", day(20), "35"))  # 1,000 x 35 x 84.685% = 29,639.75
    assert period(frame, paid=paid)["A1"]["dividend_minor"] == 29_639


def test_period__daily_truncation_split__same_as_unsplit() -> None:
    """Daily truncation sums each day's truncated amount: a split changes nothing."""
    terms = agreement(fee_rate_pct=Decimal("1.3"), rounding=Rounding.DAILY_TRUNCATE)
    frame = versions((terms, day(-30)), (terms, day(11)))
    whole = calculate([terms], HELD, FLAT, None, day(0), END)["lending_fee"].iloc[0]
    assert period(frame)["A1"]["lending_fee"] == whole


def test_period_segments__agreements_grouped_by_their_change_dates() -> None:
    frame = versions(
        (agreement(agreement_id="A1"), day(-30)),
        (agreement(agreement_id="A1", fee_rate_pct=Decimal(2)), day(5)),
        (agreement(agreement_id="B2"), day(-30)),
        (agreement(agreement_id="B2", fee_rate_pct=Decimal(3)), day(5)),
        (agreement(agreement_id="C3"), day(-1)),
        (agreement(agreement_id="C3", fee_rate_pct=Decimal(4)), day(10)),
        (agreement(agreement_id="D4"), day(-1)),
    )
    held = positions(*((a, day(-5), 100, 0) for a in ("A1", "B2", "C3", "D4")))
    segments = period_segments(Book(frame, held, FLAT), day(0), END)
    found = {(s.start, s.end): (s.agreements["agreement_id"].tolist(), s.whole) for s in segments}
    assert found == {
        (day(0), day(4)): (["A1", "B2"], False),
        (day(5), END): (["A1", "B2"], False),
        (day(0), day(9)): (["C3"], False),
        (day(10), END): (["C3"], False),
        (day(0), END): (["D4"], True),
    }
    result = calculate_period(Book(frame, held, FLAT), day(0), END)
    assert result["agreement_id"].tolist() == ["A1", "B2", "C3", "D4"]  # the book's order


def test_period__many_agreements_and_change_dates__each_equals_its_segments_by_reference() -> None:
    """Twelve agreements with changes on assorted days: each agreement's fee is the sum of its
    segments' figures by the per-day reference (the minimum fee aside)."""
    rows, held = [], []
    for n in range(12):
        base = agreement(
            agreement_id=f"X{n}",
            fee_rate_pct=Decimal(n + 1) / 7,
            collateral_rate_pct=Decimal(n) / 13,
            rounding=list(Rounding)[n % 3],
        )
        rows.append((base, day(-40)))
        change = day(1 + (n * 7) % 29)
        rows.append((agreement(**{**vars(base), "fee_rate_pct": Decimal(n + 2) / 3}), change))
        held += [
            (f"X{n}", day(-3), 10_000 * (n + 1), 123_457 * n),
            (f"X{n}", day(n + 2), 7_777, 99_999),
        ]
    closes = daily_closes("7203", day(-40), [Decimal(100 + (k * 37) % 11) / 3 for k in range(80)])
    frame, held_frame = versions(*rows), positions(*held)
    result = calculate_period(Book(frame, held_frame, closes), day(0), END)
    for n in range(12):
        change = day(1 + (n * 7) % 29)
        fee = interest = 0
        for terms, first, last in (
            (rows[2 * n][0], day(0), change - timedelta(days=1)),
            (rows[2 * n + 1][0], change, END),
        ):
            figures = calculate_reference([terms], held_frame, closes, None, first, last)
            fee += int(figures["lending_fee"].iloc[0])  # yen: the amount is the minor unit
            interest += int(figures["collateral_interest"].iloc[0])
        got = (result["fee_minor"].iloc[n], result["interest_minor"].iloc[n])
        assert got == (fee, interest), f"X{n}: expected {(fee, interest)}"
        assert fee > 0, f"X{n}: a fee to compare"


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (versions((agreement(), day(0)), (agreement(fee_rate_pct=Decimal(1)), day(0))), "two"),
        (versions((agreement(), day(0)), (agreement(currency="USD"), day(5))), "currency"),
        (versions((agreement(), day(0)), (agreement(security="6758"), day(5))), "security"),
    ],
)
def test_period__inconsistent_versions__refused(frame: pd.DataFrame, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        calculate_period(Book(frame, HELD, FLAT), day(0), END)


def test_period__position_of_an_unknown_agreement__refused() -> None:
    frame = versions((agreement(), day(-30)), (agreement(fee_rate_pct=Decimal(2)), day(5)))
    held = positions(("A1", day(0), 10, 0), ("Z9", day(0), 10, 0))
    with pytest.raises(ValidationError, match="'Z9' is not among the agreements"):
        calculate_period(Book(frame, held, FLAT), day(0), END)


def test_period__ends_before_it_starts__refused() -> None:
    with pytest.raises(ValidationError, match="before it starts"):
        calculate_period(Book(versions((agreement(), day(0))), HELD, FLAT), day(3), day(2))


def test_book_within__only_closes_that_can_mark__same_figures() -> None:
    frame = versions((agreement(), day(-30)), (agreement(fee_rate_pct=Decimal(2)), day(5)))
    book = Book(frame, HELD, FLAT)
    trimmed = book.within(day(0), END)
    assert trimmed.prices["date"].min() == day(-1)
    assert trimmed.prices["date"].max() == END
    assert as_text(calculate_period(trimmed, day(0), END)) == as_text(
        calculate_period(book, day(0), END)
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(books(), st.data())
def test_period__random_versions__the_sum_of_the_engine_over_each_segment(
    book: dict[str, Any], data: st.DataObject
) -> None:
    """Each agreement gets a second version (other rates and conventions) from a random day;
    the figures are the engine's over each segment (no minimum fee), summed, with the last
    version's minimum fee applied once."""
    start, end = book["start"], book["end"]
    if end == start:
        return
    rows, expected_parts = [], []
    for terms in book["agreements"]:
        change = start + timedelta(days=data.draw(st.integers(1, (end - start).days)))
        later = replace(
            terms,
            fee_rate_pct=terms.fee_rate_pct + Decimal("0.37"),
            collateral_rate_pct=terms.collateral_rate_pct / 2,
            dividend_rate_pct=data.draw(st.sampled_from([Decimal(100), Decimal("84.685")])),
            rounding=data.draw(st.sampled_from(Rounding)),
            price_basis=data.draw(st.sampled_from(PriceBasis)),
            days_counted=data.draw(st.sampled_from(DaysCounted)),
        )
        rows += [(replace(terms, minimum_fee=None), start - timedelta(days=3)), (later, change)]
        expected_parts.append(
            (
                (replace(terms, minimum_fee=None), start, change - timedelta(days=1)),
                (replace(later, minimum_fee=None), change, end),
                later.minimum_fee,
            )
        )
    inputs = Book(versions(*rows), book["positions"], book["prices"], book["dividends"])
    try:
        expected = []
        for first, second, minimum in expected_parts:
            figures = [
                calculate(
                    [t],
                    inputs.positions[inputs.positions["agreement_id"] == t.agreement_id],
                    inputs.prices,
                    inputs.dividends,
                    a,
                    b,
                ).iloc[0]
                for t, a, b in (first, second)
            ]
            places = Decimal(10) ** minor_unit(first[0].currency)
            fee = sum(int(f["lending_fee"] * places) for f in figures)
            days = sum(int(f["accrual_days"]) for f in figures)
            if minimum is not None and days:
                fee = max(fee, int(minimum * places))
            expected.append(
                (
                    days,
                    fee,
                    sum(int(f["collateral_interest"] * places) for f in figures),
                    sum(int(f["dividend_equivalent"] * places) for f in figures),
                )
            )
    except MissingPriceError:
        event("a day without a mark price")
        with pytest.raises(MissingPriceError):
            calculate_period(inputs, start, end)
        return
    event("figures compared")
    result = calculate_period(inputs, start, end)
    got = list(
        zip(
            result["accrual_days"],
            result["fee_minor"],
            result["interest_minor"],
            result["dividend_minor"],
            strict=True,
        )
    )
    assert got == expected
