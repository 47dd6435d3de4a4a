"""MarketCalendar: date arithmetic, publication and versions, business-day questions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpost_client.dates import int_from_date
from bpost_client.reference.calendars import year_map
from tests.contracts.reverts import reverts

WEEKDAYS_2026 = [
    date(2026, 1, 1) + timedelta(days=i)
    for i in range(365)
    if (date(2026, 1, 1) + timedelta(days=i)).weekday() < 5
]
HOLIDAYS = {date(2026, 1, 1), date(2026, 1, 2), date(2026, 5, 4), date(2026, 12, 31)}


def publish(
    calendar: Any, operator: Any, year: int, days: list[date], market: bytes = b"XTKS"
) -> Any:
    m = year_map(market.decode(), year, days)
    return calendar.publishYears([market], [year], [m.low], [m.high], sender=operator)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(min_value=date(1971, 1, 1), max_value=date(2199, 12, 31)))
def test_dates__round_trip_through_day_numbers(calendar: Any, operator: Any, day: date) -> None:
    year = day.year
    publish(calendar, operator, year, [day], b"TEST")
    assert calendar.isBusinessDay(b"TEST", int_from_date(day))
    assert calendar.addBusinessDays(b"TEST", int_from_date(date(year, 1, 1)), 0) == int_from_date(
        day
    )


def test_publish__versions_and_changed_bits(calendar: Any, operator: Any) -> None:
    days = [d for d in WEEKDAYS_2026 if d not in HOLIDAYS]
    first = publish(calendar, operator, 2026, days)
    [event] = first.events.filter(calendar.CalendarPublished)
    assert event.version == 1
    again = publish(calendar, operator, 2026, days)
    assert not again.events.filter(calendar.CalendarPublished), "an unchanged year is skipped"
    extraordinary = [d for d in days if d != date(2026, 6, 15)]
    [changed] = publish(calendar, operator, 2026, extraordinary).events.filter(
        calendar.CalendarPublished
    )
    assert changed.version == 2
    index = (date(2026, 6, 15) - date(2026, 1, 1)).days
    assert changed.changedLow | changed.changedHigh << 256 == 1 << index
    assert not calendar.isBusinessDay(b"XTKS", 20260615)
    assert calendar.getYear(b"XTKS", 2026).version == 2


def test_add_business_days__skips_weekends_and_holidays_across_years(
    calendar: Any, operator: Any
) -> None:
    publish(calendar, operator, 2026, [d for d in WEEKDAYS_2026 if d not in HOLIDAYS])
    weekdays_2027 = [date(2027, 1, 1) + timedelta(days=i) for i in range(365)]
    publish(
        calendar,
        operator,
        2027,
        [d for d in weekdays_2027 if d.weekday() < 5 and (d.month > 1 or d.day > 3)],
    )
    assert calendar.addBusinessDays(b"XTKS", 20260501, 1) == 20260505  # Fri -> Tue (Mon holiday)
    assert calendar.addBusinessDays(b"XTKS", 20260502, 0) == 20260505  # Saturday -> next one
    assert calendar.addBusinessDays(b"XTKS", 20261230, 1) == 20270104
    with reverts(calendar.MarketCalendarNotPublished):
        calendar.addBusinessDays(b"XTKS", 20271230, 5)
    with reverts(calendar.MarketCalendarTooFar):
        calendar.addBusinessDays(b"XTKS", 20260105, 1001)


def test_publish__refusals(calendar: Any, operator: Any, outsider: Any) -> None:
    with reverts(calendar.PlatformAccessUnauthorized):
        calendar.publishYears([b"XTKS"], [2026], [1], [0], sender=outsider)
    with reverts(calendar.MarketCalendarInvalidBitmap):
        calendar.publishYears(
            [b"XTKS"], [2026], [1], [1 << 109], sender=operator
        )  # day 366 of 2026
    with reverts(calendar.MarketCalendarInvalidYear):
        calendar.publishYears([b"XTKS"], [1969], [1], [0], sender=operator)
    with reverts(calendar.MarketCalendarInvalidMarket):
        calendar.publishYears([b"\0\0\0\0"], [2026], [1], [0], sender=operator)
    with reverts(calendar.MarketCalendarNotPublished):
        calendar.isBusinessDay(b"XLON", 20260105)
    with reverts(calendar.MarketCalendarInvalidDate):
        calendar.isBusinessDay(b"XTKS", 20260230 + 10)


def test_publish__lists_of_different_lengths__refused_naming_each_length(
    calendar: Any, operator: Any
) -> None:
    """Not a batch that is too large: a mismatch of its four lists, an error of its own."""
    with reverts(calendar.MarketCalendarLengthMismatch, markets=2, yearList=2, lows=1, highs=2):
        calendar.publishYears([b"XTKS", b"XNYS"], [2026, 2026], [1], [0, 0], sender=operator)
