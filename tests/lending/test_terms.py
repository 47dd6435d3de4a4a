"""The conventions' words, the currencies' minor units and how amounts are written."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.currencies import MINOR_UNITS, minor_unit
from bpost_client.lending import DayCount, DaysCounted, PriceBasis, Rounding
from bpost_client.lending.reference import divide
from bpost_client.lending.terms import agreements_frame, format_minor
from tests.lending.books import agreement


def test_conventions__values__the_words_of_the_files() -> None:
    assert [d.value for d in DayCount] == ["ACT/365F", "ACT/360"]
    assert [d.basis for d in DayCount] == [365, 360]
    assert [d.value for d in DaysCounted] == ["one_end", "both_ends"]
    assert [p.value for p in PriceBasis] == ["previous_close", "same_day_close"]
    assert [r.value for r in Rounding] == ["period_truncate", "daily_truncate", "period_half_up"]


@pytest.mark.parametrize(
    ("currency", "decimals"),
    [
        *(("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("GBP", 2), ("HKD", 2), ("SGD", 2)),
        *(("AUD", 2), ("CNY", 2), ("TWD", 2), ("KWD", 3), ("CLF", 4)),
    ],
)
def test_minor_unit__iso_4217__decimals(currency: str, decimals: int) -> None:
    assert minor_unit(currency) == decimals


def test_minor_unit__unknown_code__refused() -> None:
    with pytest.raises(ValueError, match="unknown currency 'XYZ'"):
        minor_unit("XYZ")
    assert "jpy" not in MINOR_UNITS


@pytest.mark.parametrize(
    ("minor", "decimals", "text"),
    [
        (1939, 0, "1939"),
        (196666, 2, "1966.66"),
        (-1250, 2, "-12.50"),
        (0, 2, "0.00"),
        (5, 3, "0.005"),
        (-7, 0, "-7"),
        (10**30, 2, "1" + "0" * 28 + ".00"),
    ],
)
def test_format_minor__amounts__major_units_with_the_currency_decimals(
    minor: int, decimals: int, text: str
) -> None:
    assert format_minor(minor, decimals) == text


@given(st.integers(-(10**30), 10**30), st.integers(1, 10**6))
def test_divide__any_integers__truncation_toward_zero_and_half_away_from_zero(
    numerator: int, denominator: int
) -> None:
    exact = Fraction(numerator, denominator)
    sign = -1 if exact < 0 else 1
    truncated = divide(Decimal(numerator), Decimal(denominator), Rounding.PERIOD_TRUNCATE)
    half_up = divide(Decimal(numerator), Decimal(denominator), Rounding.PERIOD_HALF_UP)
    assert truncated == int(exact), f"{exact} truncated toward zero"
    assert half_up == sign * math.floor(abs(exact) + Fraction(1, 2)), f"{exact} half up"


def test_agreements_frame__records__one_row_each_with_every_field() -> None:
    frame = agreements_frame([agreement(), agreement(agreement_id="B2", minimum_fee=Decimal(5))])
    assert frame["agreement_id"].tolist() == ["A1", "B2"]
    assert frame["minimum_fee"].tolist() == [None, Decimal(5)]
    assert frame["day_count"].tolist() == ["ACT/365F", "ACT/365F"]
