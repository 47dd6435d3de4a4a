"""The vectorised engine against the per-day Decimal reference on random books: exactly equal
figures, or the same missing or stale prices; and exact where int64 would overflow."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest.mock import patch

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bpost_client.currencies import minor_unit
from bpost_client.lending import (
    Agreement,
    DayCount,
    DaysCounted,
    MissingPriceError,
    PriceBasis,
    Rounding,
    calculate,
    kernel,
)
from bpost_client.lending.reference import calculate_reference
from tests.lending.books import agreement, as_text, daily_closes, day, dividends, positions

SECURITIES = ("7203", "6758", "AAPL")
CURRENCIES = ("JPY", "USD", "EUR", "KWD", "KRW")


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals from ``low`` to ``high`` with up to ``places`` decimals."""
    return st.builds(
        lambda n, p: Decimal(n).scaleb(-p),
        st.integers(low * 10**places, high * 10**places),
        st.just(places),
    ) | st.integers(low, high).map(Decimal)


@st.composite
def books(draw: st.DrawFn) -> dict[str, Any]:
    start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 360)))
    days = draw(st.integers(1, 31))
    end = start + timedelta(days=days - 1)
    huge = draw(st.booleans()) and draw(st.booleans())  # a quarter of the books
    terms = []
    for n in range(draw(st.integers(1, 4))):
        currency = draw(st.sampled_from(CURRENCIES))
        minimum = draw(st.none() | st.integers(0, 5000))
        terms.append(
            Agreement(
                agreement_id=f"A{n}",
                lender="L",
                borrower="B",
                security=draw(st.sampled_from(SECURITIES)),
                currency=currency,
                fee_rate_pct=draw(decimals(-1, 12, draw(st.integers(0, 6)))),
                collateral_rate_pct=draw(decimals(-2, 8, draw(st.integers(0, 6)))),
                day_count=draw(st.sampled_from(DayCount)),
                days_counted=draw(st.sampled_from(DaysCounted)),
                price_basis=draw(st.sampled_from(PriceBasis)),
                rounding=draw(st.sampled_from(Rounding)),
                dividend_rate_pct=draw(st.sampled_from([Decimal(100), Decimal("84.685")]))
                if draw(st.booleans())
                else draw(decimals(0, 150, 4)),
                minimum_fee=None
                if minimum is None
                else Decimal(minimum).scaleb(-minor_unit(currency)),
            )
        )
    quantity = st.integers(0, 10**16 if huge else 2_000_000)
    money = decimals(0, 10**18 if huge else 10**9, draw(st.integers(0, 4)))
    rows = []
    for terms_of in terms:
        dated = draw(st.lists(st.integers(-40, days + 3), max_size=5, unique=True).map(sorted))
        for offset in dated:
            held = draw(st.sampled_from([0, draw(quantity)]) if draw(st.booleans()) else quantity)
            rows.append((terms_of.agreement_id, start + timedelta(days=offset), held, draw(money)))
    covered = draw(st.integers(0, 9)) > 0  # most books have a close before the period
    closes = []
    for security in SECURITIES:
        offsets = draw(st.lists(st.integers(-12, days + 1), max_size=days + 14, unique=True))
        if covered:
            offsets.append(-20)
        places = draw(st.integers(0, 6))
        for offset in set(offsets):
            price = draw(decimals(1, 10**9 if huge else 100_000, places))
            closes.append((security, start + timedelta(days=offset), max(price, Decimal(1))))
    paid = [
        (
            draw(st.sampled_from(SECURITIES)),
            start + timedelta(days=draw(st.integers(-3, days + 3))),
            str(draw(decimals(0, 500, 4))),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return {
        "agreements": terms,
        "positions": positions(*rows),
        "prices": pd.DataFrame(closes, columns=["security", "date", "close"]),
        "dividends": dividends(*paid),
        "start": start,
        "end": end,
    }


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    books(),
    st.sampled_from([kernel.INT64_LIMIT, 2.0**40, 0.0]),
    st.sampled_from([31, 31, 31, 7, 1]),
)
def test_engine__random_books__exactly_the_per_day_reference(
    book: dict[str, Any], int64_limit: float, max_price_age: int
) -> None:
    """With the int64 path's bound as it is, lowered, or at 0 (all in Python integers); with
    the PriceFeed's window of 31 days for a close, or narrower (a stale price more often)."""
    try:
        expected = as_text(calculate_reference(**book, max_price_age=max_price_age))
    except MissingPriceError as missing:  # or StalePriceError
        event(type(missing).__name__)
        with pytest.raises(MissingPriceError) as caught:
            calculate(**book, max_price_age=max_price_age)
        assert type(caught.value) is type(missing), "a missing against a stale price"
        assert caught.value.missing == missing.missing, "different missing or stale prices"
        return
    event("figures compared")
    with patch.object(kernel, "INT64_LIMIT", int64_limit):
        assert as_text(calculate(**book, max_price_age=max_price_age)) == expected


def exact_fee(quantity: int, close: Decimal, rate: Decimal, days: int, basis: int) -> Fraction:
    """The exact fee of ``days`` days at a constant quantity and close, in major units."""
    return Fraction(quantity) * Fraction(close) * Fraction(rate) / 100 / basis * days


def test_engine__products_beyond_int64__exact_in_python_integers() -> None:
    """10**15 shares at 99,999.999999 and 123.456789%: each day's numerator is ~10**33."""
    close, rate = Decimal("99999.999999"), Decimal("123.456789")
    huge = agreement(agreement_id="BIG", currency="KWD", fee_rate_pct=rate)
    small = agreement(agreement_id="SMALL", rounding=Rounding.DAILY_TRUNCATE)
    held = positions(("BIG", day(0), 10**15, 10**20), ("SMALL", day(0), 100, 0))
    prices = daily_closes("7203", day(-1), [close] * 8)
    huge_collateral = agreement(
        agreement_id="CASH",
        collateral_rate_pct=Decimal("7.123456"),
        rounding=Rounding.PERIOD_HALF_UP,
    )
    held = pd.concat([held, positions(("CASH", day(0), 0, 10**20))], ignore_index=True)
    terms = [huge, small, huge_collateral]
    result = calculate(terms, held, prices, None, day(0), day(6))
    assert as_text(result) == as_text(
        calculate_reference(terms, held, prices, None, day(0), day(6))
    )
    fee = exact_fee(10**15, close, rate, 7, 365) * 1000  # fils, truncated
    assert result["lending_fee"][0] == Decimal(int(fee)) / 1000
    assert (
        result["lending_fee"][1] == Decimal(int(exact_fee(100, close, Decimal("0.5"), 1, 365))) * 7
    )
    interest = Fraction(10**20) * Fraction(Decimal("7.123456")) / 100 / 365 * 7
    assert result["collateral_interest"][2] == Decimal(round(interest))


def test_engine__int64_product_would_wrap__still_exact() -> None:
    """10**10 shares at a close of 10**9: one day's loan value is 10**19, over 2**63."""
    held = positions(("A1", day(0), 10**10, 0))
    prices = daily_closes("7203", day(-1), [10**9] * 3)
    terms = [agreement(fee_rate_pct=Decimal("3.65"))]
    result = calculate(terms, held, prices, None, day(0), day(2))
    assert result["lending_fee"][0] == Decimal(3 * 10**19 // 10**4)


def test_engine__large_values_within_int64__not_wrapped() -> None:
    """Numerators just under and over 2**63 across many days: both paths, one answer."""
    prices = daily_closes("7203", day(-1), [Decimal("92233.720368")] * 40)
    for shares in (10**8, 10**9, 10**10):
        held = positions(("A1", day(0), shares, shares * 10**5))
        terms = [agreement(fee_rate_pct=Decimal("9.999999"), collateral_rate_pct=Decimal("1.5"))]
        engine = calculate(terms, held, prices, None, day(0), day(30))
        reference = calculate_reference(terms, held, prices, None, day(0), day(30))
        assert as_text(engine) == as_text(reference), f"{shares} shares"


def test_engine__huge_quantity_and_a_zero_dividend__python_integers_not_an_overflow() -> None:
    held = positions(("A1", day(-3), 10**30, 10**25))
    prices = daily_closes("7203", day(-5), [1] * 20)
    paid = dividends(("7203", day(1), "0"), ("7203", day(2), "0.0000001"))
    terms = [agreement(collateral_rate_pct=Decimal("0.000001"))]
    result = calculate(terms, held, prices, paid, day(0), day(3))
    assert as_text(result) == as_text(
        calculate_reference(terms, held, prices, paid, day(0), day(3))
    )
    assert result["dividend_equivalent"][0] == Decimal(10**23)
