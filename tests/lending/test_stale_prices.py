"""A close too old to mark a day: over 31 calendar days older (the PriceFeed's window) or over
``max_price_age``, refused by the engine and the per-day reference alike, naming the security,
the day and the close's date; the same in a period split at a rate change and in its detail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from bpost_client.exceptions import ValidationError
from bpost_client.lending import (
    MissingPrice,
    MissingPriceError,
    PriceBasis,
    calculate,
)
from bpost_client.lending.detail import daily_detail
from bpost_client.lending.period import Book, calculate_period
from bpost_client.lending.reference import calculate_reference
from bpost_client.lending.results import MAX_PRICE_AGE_DAYS, StalePrice, StalePriceError
from bpost_client.lending.terms import agreements_frame
from tests.lending.books import NO_DIVIDENDS, agreement, closes, day, positions, run

BOTH = [calculate, calculate_reference]
TEN_A_DAY = {"fee_rate_pct": Decimal("3.65")}
"""At a close of 100, 1,000 shares accrue 10 a day (ACT/365F)."""
OLD = closes("7203", {day(-31): 100})
"""One close, on 2026-03-01: 31 days older than day(0), 2026-04-01; 32 than day(1)."""
HELD = positions(("A1", day(0), 1000, 0))

Calculation = Callable[..., pd.DataFrame]


def test_window__the_price_feed_s() -> None:
    assert MAX_PRICE_AGE_DAYS == 31


@pytest.mark.parametrize("calculation", BOTH)
@pytest.mark.parametrize("basis", list(PriceBasis))
def test_window__a_close_31_days_older_marks__32_refused_naming_security_day_and_close(
    calculation: Calculation, basis: PriceBasis
) -> None:
    terms = [agreement(price_basis=basis, **TEN_A_DAY)]
    [row] = run(terms, HELD, OLD, start=day(0), end=day(0))  # the reference agrees
    assert (row["accrual_days"], row["lending_fee"]) == (1, "10")
    with pytest.raises(StalePriceError) as caught:
        calculation(terms, HELD, OLD, NO_DIVIDENDS, day(0), day(2))
    assert caught.value.stale == [StalePrice("A1", "7203", day(1), 2, day(-31), 31)]
    assert caught.value.missing == caught.value.stale, "no mark price either"
    assert (
        "A1: close of 7203 on 2026-03-01 is 32 days older than 2026-04-02, over the 31-day "
        "window (and 1 later day(s))"
    ) in str(caught.value)


@pytest.mark.parametrize("calculation", BOTH)
def test_window__a_newer_close__marks_again(calculation: Calculation) -> None:
    """Previous close: days 1 to 5 are marked by 1 March (32 to 36 days older); day 6 on by the
    close of day 5."""
    prices = closes("7203", {day(-31): 100, day(5): 100})
    with pytest.raises(StalePriceError) as caught:
        calculation([agreement()], HELD, prices, NO_DIVIDENDS, day(0), day(9))
    assert caught.value.stale == [StalePrice("A1", "7203", day(1), 5, day(-31), 31)]


@pytest.mark.parametrize("calculation", BOTH)
def test_window__only_days_that_accrue__need_a_recent_close(calculation: Calculation) -> None:
    returned = positions(("A1", day(0), 1000, 0), ("A1", day(1), 0, 0))
    [row] = run([agreement(**TEN_A_DAY)], returned, OLD, start=day(0), end=day(9))
    assert (row["accrual_days"], row["lending_fee"]) == (1, "10")
    with pytest.raises(StalePriceError):
        calculation([agreement()], HELD, OLD, NO_DIVIDENDS, day(0), day(9))


@pytest.mark.parametrize("calculation", BOTH)
def test_window__a_missing_price__reported_first(calculation: Calculation) -> None:
    """B2 has only an old close, A1 none at all: the missing price is the error."""
    stale = [agreement(agreement_id="B2")]
    held = positions(("A1", day(0), 1000, 0), ("B2", day(0), 1000, 0))
    with pytest.raises(StalePriceError):
        calculation(stale, held[held["agreement_id"] == "B2"], OLD, NO_DIVIDENDS, day(0), day(2))
    with pytest.raises(MissingPriceError) as caught:
        calculation([agreement(security="6758"), *stale], held, OLD, NO_DIVIDENDS, day(0), day(2))
    assert type(caught.value) is MissingPriceError
    assert caught.value.missing == [MissingPrice("A1", "6758", day(0), 3)]


@pytest.mark.parametrize("calculation", BOTH)
def test_max_price_age__narrows_the_window(calculation: Calculation) -> None:
    with pytest.raises(StalePriceError) as caught:
        calculation([agreement()], HELD, OLD, NO_DIVIDENDS, day(0), day(0), max_price_age=30)
    assert caught.value.stale == [StalePrice("A1", "7203", day(0), 1, day(-31), 30)]
    assert "over the 30-day window" in str(caught.value)


@pytest.mark.parametrize("max_price_age", [32, 200])
def test_max_price_age__widens_the_window(max_price_age: int) -> None:
    terms = [agreement(**TEN_A_DAY)]
    figures = [
        calculation(terms, HELD, OLD, NO_DIVIDENDS, day(0), day(1), max_price_age=max_price_age)
        for calculation in BOTH
    ]
    assert figures[0].equals(figures[1])
    assert figures[0]["lending_fee"].tolist() == [Decimal(20)]


@pytest.mark.parametrize("calculation", BOTH)
@pytest.mark.parametrize("bad", [-1, True, 1.5, "31", None])
def test_max_price_age__not_a_number_of_days__refused(calculation: Calculation, bad: Any) -> None:
    with pytest.raises(ValidationError, match="max_price_age"):
        calculation([agreement()], HELD, OLD, NO_DIVIDENDS, day(0), day(0), max_price_age=bad)


def two_versions() -> Book:
    """A1 at 0.50% until day(1), at 0.60% from day(2); 1,000 shares from day(0)."""
    frame = agreements_frame([agreement(), agreement(fee_rate_pct=Decimal("0.60"))])
    frame = frame.assign(effective_from=[date(2026, 1, 1), day(2)])
    return Book(frame, HELD, OLD)


@pytest.mark.parametrize("calculation", [calculate_period, daily_detail])
def test_versions__stale_days_of_both__one_entry_from_the_first(
    calculation: Callable[[Book, date, date], pd.DataFrame],
) -> None:
    """The days of both versions are counted, reported under the agreement's own id, with the
    close that marks its first stale day (day 1, the first version's)."""
    assert len(calculation(two_versions(), day(0), day(0))) == 1, "within the window"
    with pytest.raises(StalePriceError) as caught:
        calculation(two_versions(), day(0), day(5))
    assert caught.value.stale == [StalePrice("A1", "7203", day(1), 5, day(-31), 31)]
