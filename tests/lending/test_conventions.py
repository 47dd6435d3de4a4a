"""Each convention of the lending calculation against figures worked by hand.

Every case also runs the per-day Decimal reference (``books.run``), which must agree exactly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from bpost_client.exceptions import ValidationError
from bpost_client.lending import (
    Agreement,
    DayCount,
    DaysCounted,
    MissingPrice,
    MissingPriceError,
    PriceBasis,
    Rounding,
    calculate,
)
from bpost_client.lending.reference import calculate_reference
from tests.lending.books import (
    NO_DIVIDENDS,
    agreement,
    closes,
    daily_closes,
    day,
    dividends,
    positions,
    run,
)

DOMAIN_MARKS = (2000, 2000, 2000, 2050, 2050, 2030, 2030)
"""The mark prices of the seven days of docs/conventions.md's worked example."""
FLAT = daily_closes("7203", day(-5), [100] * 40)
"""A close of 100 every calendar day: at 3.65% on ACT/365F, 1,000 shares accrue 10 a day."""
TEN_A_DAY = {"fee_rate_pct": Decimal("3.65")}


def domain_example(**terms: Any) -> dict[str, Any]:
    """10,000 shares at 0.50% p.a., one end, previous close: the closes of the seven days
    before each day are the example's mark prices."""
    held = positions(("A1", day(0), 10_000, 0))
    prices = daily_closes("7203", day(-1), DOMAIN_MARKS)
    return run([agreement(**terms)], held, prices)[0]


@pytest.mark.parametrize(
    ("currency", "rounding", "fee"),
    [
        ("JPY", Rounding.PERIOD_TRUNCATE, "1939"),  # exact 1,939.726...
        ("JPY", Rounding.DAILY_TRUNCATE, "1935"),  # 273 x 3 + 280 x 2 + 278 x 2
        ("JPY", Rounding.PERIOD_HALF_UP, "1940"),
        ("USD", Rounding.PERIOD_TRUNCATE, "1939.72"),
        ("USD", Rounding.DAILY_TRUNCATE, "1939.71"),  # 273.97 x 3 + 280.82 x 2 + 278.08 x 2
        ("USD", Rounding.PERIOD_HALF_UP, "1939.73"),
    ],
)
def test_fee__domain_worked_example__gives_the_documented_figures(
    currency: str, rounding: Rounding, fee: str
) -> None:
    row = domain_example(currency=currency, rounding=rounding)
    assert row["lending_fee"] == fee, f"expected {fee} by {rounding} in {currency}"
    assert row["accrual_days"] == 7
    assert row["net_amount"] == fee


@pytest.mark.parametrize(
    ("day_count", "rounding", "fee"),
    [
        (DayCount.ACT_365F, Rounding.PERIOD_HALF_UP, "1917.81"),  # 1,917.808...
        (DayCount.ACT_365F, Rounding.PERIOD_TRUNCATE, "1917.80"),
        (DayCount.ACT_360, Rounding.PERIOD_HALF_UP, "1944.44"),  # 1,944.444...
        (DayCount.ACT_360, Rounding.PERIOD_TRUNCATE, "1944.44"),
    ],
)
def test_fee__twenty_million_for_seven_days__365_and_360_bases(
    day_count: DayCount, rounding: Rounding, fee: str
) -> None:
    held = positions(("A1", day(0), 10_000, 0))
    terms = agreement(currency="USD", day_count=day_count, rounding=rounding)
    row = run([terms], held, daily_closes("7203", day(-1), [2000] * 7))[0]
    assert row["lending_fee"] == fee, f"expected {fee} on {day_count}"


@pytest.mark.parametrize(
    ("counted", "days", "fee"), [(DaysCounted.ONE_END, 3, "30"), (DaysCounted.BOTH_ENDS, 4, "40")]
)
def test_days_counted__loan_returned_on_day_3__return_day_counts_only_with_both_ends(
    counted: DaysCounted, days: int, fee: str
) -> None:
    held = positions(("A1", day(0), 1000, 0), ("A1", day(3), 0, 0))
    terms = agreement(days_counted=counted, **TEN_A_DAY)
    row = run([terms], held, FLAT, end=day(9))[0]
    assert (row["accrual_days"], row["lending_fee"]) == (days, fee)


@pytest.mark.parametrize(
    ("counted", "fee"), [(DaysCounted.ONE_END, "52"), (DaysCounted.BOTH_ENDS, "58")]
)
def test_days_counted__partial_return__both_ends_accrues_the_larger_quantity_on_the_day(
    counted: DaysCounted, fee: str
) -> None:
    held = positions(("A1", day(0), 1000, 0), ("A1", day(2), 400, 0))
    row = run([agreement(days_counted=counted, **TEN_A_DAY)], held, FLAT, end=day(9))[0]
    # one end: 10 + 10 + 8 x 4; both ends: day 2 accrues on 1,000
    assert row["lending_fee"] == fee


WEEKEND = closes(
    "7203",
    {date(2026, 4, 2): 90, date(2026, 4, 3): 100, date(2026, 4, 6): 110, date(2026, 4, 7): 120},
)
HOLIDAY = closes("7203", {date(2026, 4, 28): 200, date(2026, 4, 30): 210})  # 4/29: Showa Day


@pytest.mark.parametrize(
    ("prices", "start", "end", "basis", "fee"),
    [
        # Sat, Sun, Mon take Friday's close; Tue takes Monday's
        (WEEKEND, date(2026, 4, 4), date(2026, 4, 7), PriceBasis.PREVIOUS_CLOSE, "41"),
        # Sat, Sun carry Friday's close; Mon and Tue their own
        (WEEKEND, date(2026, 4, 4), date(2026, 4, 7), PriceBasis.SAME_DAY_CLOSE, "43"),
        # the holiday and the day after both take Tuesday's close
        (HOLIDAY, date(2026, 4, 29), date(2026, 4, 30), PriceBasis.PREVIOUS_CLOSE, "40"),
        (HOLIDAY, date(2026, 4, 29), date(2026, 4, 30), PriceBasis.SAME_DAY_CLOSE, "41"),
    ],
)
def test_mark_price__weekend_and_holiday_gaps__previous_or_same_day_close(
    prices: pd.DataFrame, start: date, end: date, basis: PriceBasis, fee: str
) -> None:
    held = positions(("A1", date(2026, 4, 1), 1000, 0))
    row = run([agreement(price_basis=basis, **TEN_A_DAY)], held, prices, start=start, end=end)[0]
    assert row["lending_fee"] == fee, f"expected {fee} with {basis}"


@pytest.mark.parametrize(
    ("currency", "day_count", "rounding", "interest"),
    [
        ("JPY", DayCount.ACT_365F, Rounding.PERIOD_TRUNCATE, "191"),  # 27.397... x 7 = 191.78
        ("JPY", DayCount.ACT_365F, Rounding.DAILY_TRUNCATE, "189"),  # 27 x 7
        ("JPY", DayCount.ACT_365F, Rounding.PERIOD_HALF_UP, "192"),
        ("USD", DayCount.ACT_360, Rounding.PERIOD_TRUNCATE, "194.44"),  # 27.777... x 7
        ("USD", DayCount.ACT_360, Rounding.DAILY_TRUNCATE, "194.39"),  # 27.77 x 7
        ("USD", DayCount.ACT_360, Rounding.PERIOD_HALF_UP, "194.44"),
    ],
)
def test_collateral_interest__every_calendar_day__same_rounding_as_the_fee(
    currency: str, day_count: DayCount, rounding: Rounding, interest: str
) -> None:
    """10,000,000 of cash collateral at 0.1% with nothing on loan: interest, no fee."""
    held = positions(("A1", day(0), 0, 10_000_000))
    terms = agreement(
        currency=currency,
        day_count=day_count,
        rounding=rounding,
        collateral_rate_pct=Decimal("0.1"),
    )
    row = run([terms], held, FLAT)[0]
    assert row["collateral_interest"] == interest
    assert row["accrual_days"] == 0
    assert row["lending_fee"] == ("0" if currency == "JPY" else "0.00")
    assert row["net_amount"] == f"-{interest}"


def test_collateral_interest__both_ends__collateral_in_effect_not_the_larger() -> None:
    held = positions(("A1", day(0), 1000, 36_500_000), ("A1", day(3), 0, 0))
    terms = agreement(
        days_counted=DaysCounted.BOTH_ENDS, collateral_rate_pct=Decimal("0.1"), **TEN_A_DAY
    )
    row = run([terms], held, FLAT)[0]
    # fee 4 days x 10 (the return day counts); interest 3 days x 100
    assert (row["lending_fee"], row["collateral_interest"], row["net_amount"]) == (
        "40",
        "300",
        "-260",
    )


def usd(**terms: Any) -> Agreement:
    """The base agreement in dollars on ACT/360."""
    return agreement(currency="USD", day_count=DayCount.ACT_360, **terms)


@pytest.mark.parametrize(
    ("rounding", "fee", "interest", "net"),
    [
        (Rounding.PERIOD_HALF_UP, "0.01", "-0.01", "0.02"),
        (Rounding.PERIOD_TRUNCATE, "0.00", "0.00", "0.00"),
        (Rounding.DAILY_TRUNCATE, "0.00", "0.00", "0.00"),
    ],
)
def test_rounding__exact_half_cents__half_up_away_from_zero_on_both_signs(
    rounding: Rounding, fee: str, interest: str, net: str
) -> None:
    """360 dollars at 0.5% for a day is 0.005; 3,600 of collateral at -0.05% is -0.005."""
    held = positions(("A1", day(0), 10, 3600))
    terms = usd(rounding=rounding, collateral_rate_pct=Decimal("-0.05"))
    row = run([terms], held, daily_closes("7203", day(-1), [36]), end=day(0))[0]
    assert (row["lending_fee"], row["collateral_interest"], row["net_amount"]) == (
        fee,
        interest,
        net,
    )


def test_rounding__just_under_a_half__half_up_rounds_toward_zero() -> None:
    held = positions(("A1", day(0), 10, 3599))
    terms = usd(rounding=Rounding.PERIOD_HALF_UP, collateral_rate_pct=Decimal("-0.05"))
    row = run([terms], held, daily_closes("7203", day(-1), [Decimal("35.99")]), end=day(0))[0]
    # fee 359.9 x 0.5% / 360 = 0.0049986..., interest -0.0049986...
    assert (row["lending_fee"], row["collateral_interest"]) == ("0.00", "0.00")


def test_net__collateral_interest_above_the_fee__negative_net_in_cents() -> None:
    held = positions(("A1", day(0), 100, 90_000))
    terms = usd(rounding=Rounding.PERIOD_HALF_UP, collateral_rate_pct=Decimal(5))
    row = run([terms], held, daily_closes("7203", day(-1), [36] * 3), end=day(2))[0]
    # fee 3,600 x 0.5% / 360 = 0.05 a day; interest 90,000 x 5% / 360 = 12.50 a day
    assert (row["lending_fee"], row["collateral_interest"], row["net_amount"]) == (
        "0.15",
        "37.50",
        "-37.35",
    )


@pytest.mark.parametrize(
    ("minimum", "held", "fee", "days"),
    [
        (Decimal(1000), [("A1", day(0), 1000, 0), ("A1", day(3), 0, 0)], "1000", 3),
        (Decimal(20), [("A1", day(0), 1000, 0), ("A1", day(3), 0, 0)], "30", 3),
        (Decimal(1000), [("A1", day(10), 1000, 0)], "0", 0),  # starts after the period
        (Decimal(1000), [("A1", day(-3), 0, 5000)], "0", 0),  # nothing lent
        (None, [("A1", day(0), 1000, 0), ("A1", day(3), 0, 0)], "30", 3),
    ],
)
def test_minimum_fee__applies_only_when_some_day_accrued(
    minimum: Decimal | None, held: list[tuple[str, date, int, int]], fee: str, days: int
) -> None:
    row = run([agreement(minimum_fee=minimum, **TEN_A_DAY)], positions(*held), FLAT)[0]
    assert (row["lending_fee"], row["accrual_days"]) == (fee, days)


def test_minimum_fee__in_dollars__raises_the_rounded_fee() -> None:
    held = positions(("A1", day(0), 10, 0))
    terms = usd(minimum_fee=Decimal("25.00"))
    assert run([terms], held, FLAT)[0]["lending_fee"] == "25.00"


def test_minimum_fee__finer_than_the_minor_unit__refused() -> None:
    held = positions(("A1", day(0), 10, 0))
    with pytest.raises(ValidationError, match="minor unit"):
        calculate([agreement(minimum_fee=Decimal("0.5"))], held, FLAT, None, day(0), day(1))


@pytest.mark.parametrize(
    ("rate", "equivalent"),
    [(Decimal(100), "35000"), (Decimal("84.685"), "29639")],  # 29,639.75 truncated
)
def test_dividend_equivalent__rate_100_and_net_of_withholding__truncated(
    rate: Decimal, equivalent: str
) -> None:
    held = positions(("A1", day(0), 1000, 0))
    paid = dividends(("7203", day(2), "35"))
    row = run([agreement(dividend_rate_pct=rate, **TEN_A_DAY)], held, FLAT, paid)[0]
    assert row["dividend_equivalent"] == equivalent
    assert row["net_amount"] == str(70 + int(equivalent))


def test_dividend_equivalent__position_changes_on_the_record_date__the_new_quantity() -> None:
    held = positions(("A1", day(0), 1000, 0), ("A1", day(2), 3000, 0))
    paid = dividends(("7203", day(2), "35"))
    assert run([agreement()], held, FLAT, paid)[0]["dividend_equivalent"] == "105000"


def test_dividend_equivalent__returned_on_the_record_date_with_both_ends__none() -> None:
    held = positions(("A1", day(0), 1000, 0), ("A1", day(2), 0, 0))
    paid = dividends(("7203", day(2), "35"))
    terms = agreement(days_counted=DaysCounted.BOTH_ENDS, **TEN_A_DAY)
    row = run([terms], held, FLAT, paid)[0]
    # the return day accrues a fee on 1,000 shares, but the record-date position is 0
    assert (row["lending_fee"], row["dividend_equivalent"]) == ("30", "0")


def test_dividend_equivalent__two_dividends__each_truncated_to_the_cent() -> None:
    held = positions(("A1", day(0), 333, 0))
    paid = dividends(
        ("7203", day(1), "0.015"),  # 4.995
        ("7203", day(4), "0.015"),  # 4.995
        ("7203", day(9), "1"),  # after the period
        ("6758", day(1), "1"),  # another security
    )
    assert run([usd()], held, FLAT, paid)[0]["dividend_equivalent"] == "9.98"


def test_positions__several_rows__each_holds_until_the_next() -> None:
    held = positions(("A1", day(0), 1000, 0), ("A1", day(2), 2500, 0), ("A1", day(5), 500, 0))
    row = run([agreement(**TEN_A_DAY)], held, FLAT)[0]
    assert (row["lending_fee"], row["accrual_days"]) == ("105", 7)  # 20 + 75 + 10


@pytest.mark.parametrize(
    ("counted", "days", "fee"), [(DaysCounted.ONE_END, 0, "0"), (DaysCounted.BOTH_ENDS, 1, "10")]
)
def test_positions__returned_on_the_first_day__day_before_the_period_counts_with_both_ends(
    counted: DaysCounted, days: int, fee: str
) -> None:
    held = positions(("A1", day(-20), 1000, 0), ("A1", day(0), 0, 0))
    row = run([agreement(days_counted=counted, **TEN_A_DAY)], held, FLAT)[0]
    assert (row["accrual_days"], row["lending_fee"]) == (days, fee)


def test_positions__opened_before_the_period__holds_through_it() -> None:
    held = positions(("A1", day(-20), 1000, 0), ("A1", day(-10), 2000, 0))
    assert run([agreement(**TEN_A_DAY)], held, FLAT)[0]["lending_fee"] == "140"


def test_period__nothing_in_it__a_row_of_zeros_in_the_given_order() -> None:
    terms = [
        agreement(agreement_id="B2", currency="USD", minimum_fee=Decimal(25)),
        agreement(agreement_id="A1"),
        agreement(agreement_id="C3"),
    ]
    held = positions(("A1", day(10), 1000, 100), ("C3", day(-5), 0, 0))
    rows = run(terms, held, FLAT)
    assert [r["agreement_id"] for r in rows] == ["B2", "A1", "C3"]
    assert rows[0] == {
        "agreement_id": "B2",
        "lender": "LENDER",
        "borrower": "BROKER",
        "currency": "USD",
        "accrual_days": 0,
        "lending_fee": "0.00",
        "collateral_interest": "0.00",
        "dividend_equivalent": "0.00",
        "net_amount": "0.00",
    }
    assert rows[1]["net_amount"] == rows[2]["net_amount"] == "0"


def test_missing_price__a_day_that_accrues__names_the_agreement_and_first_day() -> None:
    held = positions(("A1", day(0), 1000, 0), ("B2", day(3), 1000, 0))
    prices = daily_closes("7203", day(2), [100] * 10)
    terms = [agreement(), agreement(agreement_id="B2")]
    expected = [MissingPrice("A1", "7203", day(0), 3)]  # days 0, 1, 2 (previous close)
    for calculation in (calculate, calculate_reference):
        with pytest.raises(MissingPriceError) as caught:
            calculation(terms, held, prices, NO_DIVIDENDS, day(0), day(6))
        assert caught.value.missing == expected, calculation.__name__


def test_missing_price__days_without_a_quantity__need_no_price() -> None:
    held = positions(("A1", day(0), 0, 1000), ("A1", day(3), 1000, 1000))
    prices = daily_closes("7203", day(2), [100] * 10)
    assert run([agreement(**TEN_A_DAY)], held, prices)[0]["lending_fee"] == "40"


def test_inputs__binary_float__refused() -> None:
    held = positions(("A1", day(0), 1000, 0))
    prices = pd.DataFrame({"security": ["7203"], "date": [day(-1)], "close": [100.1]})
    with pytest.raises(ValidationError, match="float"):
        calculate([agreement()], held, prices, None, day(0), day(0))


@pytest.mark.parametrize(
    ("held", "reason"),
    [
        (positions(("Z9", day(0), 1000, 0)), "not among the agreements"),
        (positions(("A1", day(0), 1000, 0), ("A1", day(0), 5, 0)), "two rows"),
        (positions(("A1", day(0), -1, 0)), "negative"),
    ],
)
def test_inputs__inconsistent_positions__refused(held: pd.DataFrame, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        calculate([agreement()], held, FLAT, None, day(0), day(3))


def test_inputs__unknown_currency_or_convention__refused() -> None:
    held = positions(("A1", day(0), 1000, 0))
    with pytest.raises(ValidationError, match="currency"):
        calculate([agreement(currency="XXX")], held, FLAT, None, day(0), day(3))
    frame = pd.DataFrame([vars(agreement())]).assign(rounding="banker")
    with pytest.raises(ValidationError, match="banker"):
        calculate(frame, held, FLAT, None, day(0), day(3))


def test_inputs__agreements_as_a_table_with_text__same_as_records() -> None:
    held = positions(("A1", day(0), 10_000, 0))
    prices = daily_closes("7203", day(-1), DOMAIN_MARKS)
    frame = pd.DataFrame(
        [
            {
                "agreement_id": "A1",
                "lender": "L",
                "borrower": "B",
                "security": "7203",
                "currency": "JPY",
                "fee_rate_pct": "0.50",
                "collateral_rate_pct": "0",
                "day_count": "ACT/365F",
                "days_counted": "one_end",
                "price_basis": "previous_close",
                "rounding": "daily_truncate",
                "dividend_rate_pct": "100",
                "minimum_fee": "",
            }
        ]
    )
    result = calculate(frame, held, prices, None, day(0), day(6))
    assert result["lending_fee"].tolist() == [Decimal(1935)]
