"""Values as the field formats write them: dates (also Japanese eras), numbers, empty cells."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.distribution.standard.text_values import (
    ERAS,
    format_date_ja,
    format_scaled,
    is_blank,
    parse_date,
    parse_iso_date,
    parse_scaled,
    parse_whole,
)

APRIL_FIRST = [
    "2026年04月01日",
    "2026年4月1日",
    "2026/04/01",
    "2026/4/1",
    "2026-04-01",
    "20260401",
    "令和8年4月1日",
    "令和8年04月01日",
    "R8.4.1",
    "r8.04.01",
    "R8/4/1",
    "２０２６年０４月０１日",
    "２０２６／０４／０１",
    "令和８年４月１日",
    "Ｒ８．４．１",
    " 2026-04-01\u3000",
]


@pytest.mark.parametrize("text", APRIL_FIRST)
def test_parse_date__every_accepted_form__reads_1_april_2026(text: str) -> None:
    assert parse_date(text) == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("H1.1.8", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
    ],
)
def test_parse_date__era_boundaries__read_the_western_day(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-30", "not a calendar date"),
        ("2026年13月01日", "not a calendar date"),
        ("令和元年4月30日", "before the first day of 令和"),
        ("平成31年5月1日", "after the end of 平成"),
        ("平成元年1月7日", "before the first day of 平成"),
        ("R0.5.1", "starts at 1"),
        ("April 1, 2026", "not a date"),
        ("2026.04.01", "not a date"),
        ("令和8年4月1", "not a date"),
        ("", "not a date"),
    ],
)
def test_parse_date__bad_text__names_the_fault(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_parse_iso_date__other_forms__refused() -> None:
    assert parse_iso_date("2026-04-01") == date(2026, 4, 1)
    for text in ("20260401", "2026/04/01", "2026-4-1", "2026-W14-3"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_iso_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345", 12345),
        ("12,345", 12345),
        ("1,234,567", 1234567),
        ("１２，３４５", 12345),
        ("１２３４５", 12345),
        ("12345.00", 12345),
        ("0", 0),
        ("-12", -12),
        ("\u221212", -12),
        (" 7 ", 7),
    ],
)
def test_parse_whole__accepted_forms(text: str, expected: int) -> None:
    assert parse_whole(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12345.5", "fractional part"),
        ("12,34", "not a number"),
        ("1,2345", "not a number"),
        ("12 345", "not a number"),
        ("1e5", "not a number"),
        ("abc", "not a number"),
        ("", "not a number"),
    ],
)
def test_parse_whole__bad_text__names_the_fault(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_whole(text)


def test_parse_scaled__millions__exact_yen() -> None:
    assert parse_scaled("1234.5", 1_000_000, "million yen") == 1_234_500_000
    assert parse_scaled("1,234.567891", 1_000_000, "million yen") == 1_234_567_891
    assert parse_scaled("１２３４．５", 1_000_000, "million yen") == 1_234_500_000
    with pytest.raises(ValueError, match="not a whole number of yen"):
        parse_scaled("1234.5678901", 1_000_000, "million yen")


def test_format_scaled__whole_and_fractional_millions() -> None:
    assert format_scaled(1_234_000_000, 1_000_000) == "1234"
    assert format_scaled(1_234_500_000, 1_000_000) == "1234.5"
    assert format_scaled(1_234_000_001, 1_000_000) == "1234.000001"
    assert format_scaled(500, 1_000_000) == "0.0005"
    assert format_scaled(0, 1_000_000) == "0"


@given(st.integers(min_value=0, max_value=10**18))
def test_format_scaled__read_back__is_the_same_yen(yen: int) -> None:
    assert parse_scaled(format_scaled(yen, 1_000_000), 1_000_000, "million yen") == yen


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_format_date_ja__read_back__is_the_same_day(day: date) -> None:
    assert parse_date(format_date_ja(day)) == day


@given(st.dates(min_value=date(1926, 12, 25), max_value=date(2200, 12, 31)))
def test_era_date__any_day_of_an_era__reads_as_that_day(day: date) -> None:
    kanji, initial, first = next((k, i, f) for k, i, f in ERAS if day >= f)
    year = day.year - first.year + 1
    year_text = "元" if year == 1 else str(year)
    assert parse_date(f"{kanji}{year_text}年{day.month}月{day.day}日") == day
    assert parse_date(f"{initial}{year}.{day.month}.{day.day}") == day


def test_is_blank__spaces_and_full_width_spaces() -> None:
    assert is_blank(None)
    assert is_blank("")
    assert is_blank(" \u3000 ")
    assert not is_blank("0")
