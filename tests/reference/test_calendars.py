"""Calendars published from exchange_calendars, answered from the chain, checked day by day."""

from __future__ import annotations

from datetime import date, timedelta

import exchange_calendars as xcals
import pytest

from bpost_client.client import Client
from bpost_client.exceptions import BPostError
from bpost_client.reference import calendars

YEARS = (2025, 2026)


@pytest.fixture
def published(operator: Client) -> Client:
    maps = [
        calendars.year_map(market, year, calendars.sessions_from_exchange_calendars(market, YEARS))
        for market in calendars.MARKETS
        for year in YEARS
    ]
    calendars.publish_years(operator, maps)
    return operator


def test_every_day__python_from_chain__agrees_with_exchange_calendars(published: Client) -> None:
    for market in calendars.MARKETS:
        from_chain = calendars.load_calendar(published, market)
        reference = xcals.get_calendar(market, start="2025-01-01", end="2026-12-31")
        sessions = {d.date() for d in reference.sessions}
        day = date(2025, 1, 1)
        while day <= date(2026, 12, 31):
            assert from_chain.is_business_day(day) == (day in sessions), (market, day)
            day += timedelta(days=1)


def test_every_day_of_2026__contract_agrees_for_tokyo(published: Client) -> None:
    sessions = {
        d.date() for d in xcals.get_calendar("XTKS", start="2026-01-01", end="2026-12-31").sessions
    }
    day = date(2026, 1, 1)
    while day <= date(2026, 12, 31):
        assert calendars.on_chain_is_business_day(published, "XTKS", day) == (day in sessions), day
        day += timedelta(days=1)


def test_add_business_days__matches_the_contract_and_t_plus_2(published: Client) -> None:
    tokyo = calendars.load_calendar(published, "XTKS")
    registry = published.contract("MarketCalendar").functions
    for start in (date(2025, 12, 29), date(2026, 4, 28), date(2026, 5, 1), date(2026, 9, 18)):
        for count in (0, 1, 2, 10):
            on_chain = registry.addBusinessDays(
                b"XTKS", int(start.strftime("%Y%m%d")), count
            ).call()
            assert int(tokyo.add_business_days(start, count).strftime("%Y%m%d")) == on_chain
    assert tokyo.add_business_days(date(2026, 4, 30), 2) == date(2026, 5, 7)  # Golden Week
    assert date(2026, 1, 2) in tokyo.holidays(2026) and date(2026, 1, 5) not in tokyo.holidays(2026)


def test_extraordinary_holiday__new_version_and_the_change_shown(published: Client) -> None:
    tokyo = calendars.load_calendar(published, "XTKS")
    days = [d for d in tokyo.years[2026].business_days() if d != date(2026, 6, 15)]
    calendars.publish_years(published, [calendars.year_map("XTKS", 2026, days)])
    assert calendars.publish_years(published, [calendars.year_map("XTKS", 2026, days)]) == []
    changes = calendars.calendar_changes(published, "XTKS")
    assert changes.to_dict(orient="records") == [
        {
            "market": "XTKS",
            "year": 2026,
            "version": 2,
            "date": date(2026, 6, 15),
            "business_day": False,
        }
    ]
    assert not calendars.load_calendar(published, "XTKS").is_business_day(date(2026, 6, 15))


def test_unpublished_year__refused(published: Client) -> None:
    with pytest.raises(BPostError, match="2027"):
        calendars.load_calendar(published, "XTKS").is_business_day(date(2027, 1, 4))
