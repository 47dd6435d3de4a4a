"""The per-day detail: hand-worked days, the engine's figures recovered from it, its canonical
bytes and their salted commitment."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, given, settings

from bpost_client.currencies import minor_unit
from bpost_client.exceptions import ValidationError
from bpost_client.lending import DaysCounted, MissingPriceError, Rounding, calculate
from bpost_client.lending.detail import (
    DETAIL_COLUMNS,
    canonical_detail,
    daily_detail,
    detail_commitment,
)
from bpost_client.lending.period import Book, calculate_period
from bpost_client.lending.terms import agreements_frame
from tests.lending.books import agreement, daily_closes, day, dividends, positions
from tests.lending.test_parity import books

DOMAIN_MARKS = (2000, 2000, 2000, 2050, 2050, 2030, 2030)
FLAT = daily_closes("7203", day(-5), [100] * 40)
SALT = bytes(range(32))


def domain_book(**terms: Any) -> Book:
    """docs/conventions.md's worked example: 10,000 shares at 0.50%, the seven marks above, and cash
    collateral of 36,500,000 at 0.1% (100 a day)."""
    held = positions(("A1", day(0), 10_000, 36_500_000))
    prices = daily_closes("7203", day(-1), DOMAIN_MARKS)
    frame = agreements_frame([agreement(**{"collateral_rate_pct": Decimal("0.1"), **terms})])
    return Book(frame, held, prices, dividends(("7203", day(3), "35")))


def test_detail__domain_worked_example__each_day_s_exact_fee() -> None:
    detail = daily_detail(domain_book(), day(0), day(6))
    assert list(detail.columns) == list(DETAIL_COLUMNS)
    assert [d.date() for d in detail["date"]] == [day(n) for n in range(7)]
    assert detail["mark_price"].tolist() == [Decimal(p) for p in DOMAIN_MARKS]
    # 10,000 x 2,000 x 0.5% / 365 = 273.97260273972..., to ten decimals toward zero
    assert detail["fee_exact"].tolist() == [
        Decimal("273.9726027397"),
        Decimal("273.9726027397"),
        Decimal("273.9726027397"),
        Decimal("280.8219178082"),
        Decimal("280.8219178082"),
        Decimal("278.0821917808"),
        Decimal("278.0821917808"),
    ]
    assert set(detail["interest_exact"]) == {Decimal(100)}
    assert set(detail["fee_rate_pct"]) == {Decimal("0.5")}
    assert set(detail["quantity"]) == {Decimal(10_000)}
    # the daily truncations add up to the engine's daily_truncate fee, 1,935
    assert sum(int(f) for f in detail["fee_exact"]) == 1935


def test_detail__dividend_line__on_the_record_date_only() -> None:
    detail = daily_detail(domain_book(dividend_rate_pct=Decimal("84.685")), day(0), day(6))
    line = detail[detail["dividend_equivalent"].notna()]
    assert [d.date() for d in line["date"]] == [day(3)]
    assert line[
        ["dividend_quantity", "amount_per_share", "dividend_rate_pct", "dividend_equivalent"]
    ].iloc[0].tolist() == [Decimal(10_000), Decimal(35), Decimal("84.685"), Decimal(296_397)]
    # 10,000 x 35 x 84.685% = 296,397.5, truncated
    assert detail["dividend_rate_pct"].isna().sum() == 6


def test_detail__two_dividends_on_one_day__one_line_summed() -> None:
    held = positions(("A1", day(0), 333, 0))
    paid = dividends(("7203", day(1), "0.015"), ("7203", day(1), "0.015"))
    book = Book(agreements_frame([agreement(currency="USD")]), held, FLAT, paid)
    line = daily_detail(book, day(0), day(2)).iloc[1]
    # each 333 x 0.015 = 4.995 truncated to 4.99: 9.98, as the engine
    assert (line["amount_per_share"], line["dividend_equivalent"]) == (
        Decimal("0.030"),
        Decimal("9.98"),
    )
    assert calculate_period(book, day(0), day(2))["dividend_minor"].tolist() == [998]


def test_detail__not_accruing__no_mark_price_and_zero_fee() -> None:
    held = positions(("A1", day(2), 1000, 0), ("A1", day(4), 0, 0))
    book = Book(agreements_frame([agreement(fee_rate_pct=Decimal("3.65"))]), held, FLAT)
    detail = daily_detail(book, day(0), day(5))
    assert detail["quantity"].tolist() == [0, 0, 1000, 1000, 0, 0]
    assert detail["mark_price"].tolist() == [None, None, 100, 100, None, None]
    assert detail["fee_exact"].tolist() == [0, 0, 10, 10, 0, 0]


def test_detail__both_ends__the_return_day_accrues_the_larger_quantity() -> None:
    held = positions(("A1", day(0), 1000, 0), ("A1", day(2), 400, 0))
    terms = agreement(fee_rate_pct=Decimal("3.65"), days_counted=DaysCounted.BOTH_ENDS)
    detail = daily_detail(Book(agreements_frame([terms]), held, FLAT), day(0), day(3))
    assert detail["quantity"].tolist() == [1000, 1000, 1000, 400]
    assert detail["fee_exact"].tolist() == [10, 10, 10, 4]


def test_detail__rate_change__each_day_under_the_version_in_effect() -> None:
    frame = agreements_frame(
        [agreement(fee_rate_pct=Decimal("3.65")), agreement(fee_rate_pct=Decimal("7.30"))]
    ).assign(effective_from=[day(-10), day(2)])
    held = positions(("A1", day(0), 1000, 0))
    detail = daily_detail(Book(frame, held, FLAT), day(0), day(3))
    assert detail["agreement_id"].tolist() == ["A1"] * 4
    assert detail["fee_rate_pct"].tolist() == [Decimal("3.65")] * 2 + [Decimal("7.3")] * 2
    assert detail["fee_exact"].tolist() == [10, 10, 20, 20]


def test_detail__several_agreements__sorted_by_agreement_then_date() -> None:
    frame = agreements_frame([agreement(agreement_id="B2"), agreement(agreement_id="A1")])
    frame = pd.concat([frame, frame.iloc[[0]].assign(fee_rate_pct=Decimal(2))])
    frame = frame.assign(effective_from=[day(-9), day(-9), day(1)])
    held = positions(("A1", day(0), 10, 0), ("B2", day(0), 10, 0))
    detail = daily_detail(Book(frame, held, FLAT), day(0), day(2))
    assert list(zip(detail["agreement_id"], [d.day for d in detail["date"]], strict=True)) == [
        ("A1", 1),
        ("A1", 2),
        ("A1", 3),
        ("B2", 1),
        ("B2", 2),
        ("B2", 3),
    ]


def test_detail__missing_price__the_engine_s_error() -> None:
    held = positions(("A1", day(0), 1000, 0))
    prices = daily_closes("7203", day(2), [100] * 5)
    book = Book(agreements_frame([agreement()]), held, prices)
    with pytest.raises(MissingPriceError) as caught:
        daily_detail(book, day(0), day(3))
    assert [(m.agreement_id, m.first_day, m.days) for m in caught.value.missing] == [
        ("A1", day(0), 3)
    ]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(books())
def test_detail__random_books__adds_up_to_the_engine_s_figures(book: dict[str, Any]) -> None:
    """Daily truncation is the sum of each day's amount truncated; the period roundings are the
    exact sum's (the ten-decimal days a hair nearer zero); the dividend equivalents and the accrual
    days are the engine's."""
    terms = [t.__class__(**{**vars(t), "minimum_fee": None}) for t in book["agreements"]]
    inputs = Book(agreements_frame(terms), book["positions"], book["prices"], book["dividends"])
    start, end = book["start"], book["end"]
    try:
        expected = calculate(terms, inputs.positions, inputs.prices, inputs.dividends, start, end)
    except MissingPriceError as missing:
        with pytest.raises(MissingPriceError) as caught:
            daily_detail(inputs, start, end)
        assert caught.value.missing == missing.missing
        return
    detail = daily_detail(inputs, start, end)
    assert len(detail) == len(terms) * ((end - start).days + 1)
    for terms_of, row in zip(terms, expected.to_dict(orient="records"), strict=True):
        days = detail[detail["agreement_id"] == terms_of.agreement_id]
        scale = Decimal(10) ** minor_unit(terms_of.currency)
        assert (days["quantity"] > 0).sum() == row["accrual_days"]
        assert (days["mark_price"].isna() == (days["quantity"] == 0)).all()
        for column, total in (
            ("fee_exact", "lending_fee"),
            ("interest_exact", "collateral_interest"),
        ):
            figure = row[total] * scale
            if terms_of.rounding is Rounding.DAILY_TRUNCATE:
                assert sum(int(v * scale) for v in days[column]) == figure, column
            elif terms_of.rounding is Rounding.PERIOD_TRUNCATE:
                # each ten-decimal day is cut toward zero, so their sum is a hair nearer zero
                exact = sum(days[column])
                near = int(exact * scale)
                low, high = (figure - 1, figure) if exact >= 0 else (figure, figure + 1)
                assert low <= near <= high, column
        equivalents = days["dividend_equivalent"].dropna()
        assert sum(equivalents, Decimal(0)) == row["dividend_equivalent"]


# --- the canonical bytes and the commitment ------------------------------------------------------


def test_canonical__same_inputs__same_bytes_whatever_the_row_order() -> None:
    book = domain_book()
    detail = daily_detail(book, day(0), day(6))
    again = daily_detail(book, day(0), day(6))
    shuffled = detail.sample(frac=1, random_state=3)
    assert canonical_detail(detail) == canonical_detail(again) == canonical_detail(shuffled)
    lines = canonical_detail(detail).decode("utf-8").splitlines()
    assert lines[0] == ",".join(DETAIL_COLUMNS)
    assert lines[1] == "A1,2026-04-01,10000,2000,0.5,273.9726027397,36500000,0.1,100,,,,"
    assert lines[4].endswith(",10000,35,100,350000")
    assert canonical_detail(detail).endswith(b"\n")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12.3400"), "12.34"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.00"), "0"),
        (Decimal("0E-10"), "0"),
        (Decimal("-1.50"), "-1.5"),
        (7, "7"),
        ("0.1000", "0.1"),
        (None, ""),
    ],
)
def test_canonical__numbers__normalised_text(value: object, text: str) -> None:
    detail = daily_detail(domain_book(), day(0), day(0))
    detail["fee_exact"] = pd.Series([value], dtype=object)
    assert canonical_detail(detail).decode().splitlines()[1].split(",")[5] == text


def test_canonical__ids_with_commas_or_quotes__quoted() -> None:
    detail = daily_detail(domain_book(), day(0), day(0)).assign(agreement_id='A,"1"')
    assert canonical_detail(detail).decode().splitlines()[1].startswith('"A,""1""",2026-04-01')


def test_canonical__binary_float_or_duplicate_row__refused() -> None:
    detail = daily_detail(domain_book(), day(0), day(1))
    with pytest.raises(ValidationError, match="float"):
        canonical_detail(detail.assign(fee_exact=[0.5, 0.25]))
    with pytest.raises(ValidationError, match="two rows"):
        canonical_detail(pd.concat([detail, detail.iloc[[0]]]))


def changed(detail: pd.DataFrame, column: str) -> pd.DataFrame:
    """The detail with one field of one row changed."""
    copy = detail.copy()
    row = 3  # the record date's row: every column has a value
    value = copy.at[row, column]
    if column == "agreement_id":
        copy.at[row, column] = "A2"
    elif column == "date":
        copy.at[row, column] = pd.Timestamp(day(40))
    else:
        copy.at[row, column] = value + Decimal("0.0000000001")
    return copy


@pytest.mark.parametrize("column", DETAIL_COLUMNS)
def test_commitment__any_one_field_changed__a_different_commitment(column: str) -> None:
    book = domain_book()
    detail = daily_detail(book, day(0), day(6)).reset_index(drop=True)
    committed = detail_commitment(SALT, canonical_detail(detail))
    assert detail_commitment(SALT, canonical_detail(changed(detail, column))) != committed


def with_close(book: Book, close: int) -> Book:
    prices = book.prices.copy()
    prices.at[2, "close"] = Decimal(close)
    return Book(book.agreements, book.positions, prices, book.dividends)


@pytest.mark.parametrize(
    "change",
    [
        lambda: domain_book(fee_rate_pct=Decimal("0.51")),
        lambda: domain_book(collateral_rate_pct=Decimal("0.11")),
        lambda: domain_book(dividend_rate_pct=Decimal(99)),
        lambda: domain_book(day_count="ACT/360"),
        lambda: domain_book(price_basis="same_day_close"),
        lambda: Book(
            domain_book().agreements,
            positions(("A1", day(0), 10_001, 36_500_000)),
            domain_book().prices,
            domain_book().dividends,
        ),
        lambda: with_close(domain_book(), 2001),
        lambda: Book(
            domain_book().agreements,
            domain_book().positions,
            domain_book().prices,
            dividends(("7203", day(3), "36")),
        ),
    ],
    ids=[
        "fee_rate",
        "collateral_rate",
        "dividend_rate",
        "day_count",
        "price_basis",
        "quantity",
        "close",
        "dividend",
    ],
)
def test_commitment__one_input_changed__a_different_commitment(change: Any) -> None:
    def commitment(book: Book) -> bytes:
        return detail_commitment(SALT, canonical_detail(daily_detail(book, day(0), day(6))))

    assert commitment(change()) != commitment(domain_book())


def test_commitment__salted_keccak__another_salt_another_commitment() -> None:
    data = canonical_detail(daily_detail(domain_book(), day(0), day(6)))
    assert detail_commitment(SALT, data) == keccak(SALT + data)
    other = bytes(random.Random(1).randrange(256) for _ in range(32))
    assert detail_commitment(other, data) != detail_commitment(SALT, data)
    with pytest.raises(ValidationError, match="32 random bytes"):
        detail_commitment(b"short", data)


def test_detail__a_month_of_many_agreements__rows_and_bytes(benchmark_book: Book) -> None:
    detail = daily_detail(benchmark_book, date(2026, 4, 1), date(2026, 4, 30))
    assert len(detail) == 30 * benchmark_book.agreements["agreement_id"].nunique()
    assert len(canonical_detail(detail).splitlines()) == len(detail) + 1


@pytest.fixture
def benchmark_book() -> Book:
    """500 agreements on 20 securities, with a rate change for every tenth."""
    rng = random.Random(7)
    terms, held = [], []
    for n in range(500):
        terms.append(
            agreement(
                agreement_id=f"L{n:04d}",
                security=f"{1300 + n % 20}",
                fee_rate_pct=Decimal(rng.randrange(10, 500)) / 100,
                rounding=list(Rounding)[n % 3],
            )
        )
        held.append((f"L{n:04d}", day(-rng.randrange(1, 40)), 100 * rng.randrange(1, 90), n))
    frame = agreements_frame(terms).assign(effective_from=day(-60))
    changes = frame.iloc[::10].assign(fee_rate_pct=Decimal(1), effective_from=day(12))
    prices = pd.concat(
        [daily_closes(f"{1300 + s}", day(-50), [100 + s] * 90) for s in range(20)],
        ignore_index=True,
    )
    return Book(pd.concat([frame, changes], ignore_index=True), positions(*held), prices)
