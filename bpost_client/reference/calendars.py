"""Market calendars: business days per market and year, published on chain as 366-bit maps
with a version, and answered in Python from the same on-chain data.

Seeded from ``exchange_calendars`` (sessions of each exchange, weekends and holidays excluded).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.dates import int_from_date
from bpost_client.exceptions import BPostError, ValidationError
from bpost_client.platform.projection import records_of

__all__ = [
    "MARKETS",
    "Calendar",
    "YearMap",
    "calendar_changes",
    "load_calendar",
    "not_published",
    "on_chain_is_business_day",
    "publish_years",
    "sessions_from_exchange_calendars",
    "year_map",
]

CONTRACT = "MarketCalendar"
MARKETS = ("XTKS", "XHKG", "XSES", "XSHG", "XKRX", "XTAI", "XASX", "XNYS", "XLON")
"""Tokyo, the Asian markets Japanese funds commonly invest in, New York and London (MICs)."""
MAX_BATCH = 64


@dataclass(frozen=True)
class YearMap:
    """One market-year: bit i of the 366-bit map is day i + 1 of the year."""

    market: str
    year: int
    bits: int
    version: int = 0

    @property
    def low(self) -> int:
        return self.bits & ((1 << 256) - 1)

    @property
    def high(self) -> int:
        return self.bits >> 256

    def business_days(self) -> list[date]:
        """The business days of the year, in order."""
        first = date(self.year, 1, 1)
        return [first + timedelta(days=i) for i in range(366) if self.bits >> i & 1]


def year_map(market: str, year: int, business_days: Iterable[date]) -> YearMap:
    """The map of ``year`` from a set of business days (days of other years are ignored)."""
    bits = 0
    first = date(year, 1, 1)
    for day in business_days:
        if day.year == year:
            bits |= 1 << (day - first).days
    return YearMap(market, year, bits)


def sessions_from_exchange_calendars(market: str, years: Sequence[int]) -> list[date]:
    """The sessions of ``market`` in ``years`` according to ``exchange_calendars``.

    Raises:
        ValidationError: an unknown market, or years the library does not cover.
    """
    import exchange_calendars as xcals

    try:
        calendar = xcals.get_calendar(
            market, start=f"{min(years)}-01-01", end=f"{max(years)}-12-31"
        )
    except (ValueError, KeyError, xcals.errors.InvalidCalendarName) as exc:
        raise ValidationError(
            f"exchange_calendars cannot give {market} for {list(years)}: {exc}"
        ) from exc
    first = date(min(years), 1, 1)
    return [d.date() for d in calendar.sessions if d.date() >= first and d.year in years]


def publish_years(client: Client, maps: Sequence[YearMap]) -> list[TxReceipt]:
    """Publish market-years (the operator); years already on chain as they are are skipped."""
    registry = client.contract(CONTRACT)
    changed = []
    for year_map_ in maps:
        low, high, version = client.read(
            registry.functions.getYear(year_map_.market.encode(), year_map_.year)
        )
        if version == 0 or (low, high) != (year_map_.low, year_map_.high):
            changed.append(year_map_)
    calls = []
    for start in range(0, len(changed), MAX_BATCH):
        chunk = changed[start : start + MAX_BATCH]
        call = registry.functions.publishYears(
            [m.market.encode() for m in chunk],
            [m.year for m in chunk],
            [m.low for m in chunk],
            [m.high for m in chunk],
        )
        calls.append((call, f"publish {len(chunk)} calendar years"))
    return client.sender.send_all(calls)


def not_published(market: str, year: int | None = None) -> str:
    """Why a calendar cannot be used, and the command that publishes it (the operator's)."""
    which = f"the {market} calendar of {year}" if year else f"no calendar of {market}"
    verb = "is not published" if year else "is published"
    return (
        f"{which} {verb}: the platform operator publishes it with "
        f"bpost calendar publish --market {market} --year {year or 'YEAR'}"
    )


class Calendar:
    """A market's business days, read once from the chain, answered in Python."""

    def __init__(self, market: str, years: dict[int, YearMap]) -> None:
        self.market = market
        self.years = years

    def _year(self, year: int) -> YearMap:
        found = self.years.get(year)
        if found is None:
            raise BPostError(not_published(self.market, year))
        return found

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a business day of the market."""
        return bool(self._year(day.year).bits >> (day - date(day.year, 1, 1)).days & 1)

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (0: ``day`` itself or the next one), or
        before it for a negative ``count`` (-1: T-1, the business day before ``day``)."""
        step = timedelta(days=1 if count >= 0 else -1)
        if count >= 0:
            while not self.is_business_day(day):
                day += step
        found = 0
        while found < abs(count):
            day += step
            found += self.is_business_day(day)
        return day

    def holidays(self, year: int) -> list[date]:
        """Weekdays of ``year`` that are not business days."""
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        return [
            first + timedelta(days=i)
            for i in range(days)
            if (first + timedelta(days=i)).weekday() < 5 and not self._year(year).bits >> i & 1
        ]


def _published(client: Client, market: str) -> list[tuple[YearMap, int]]:
    """Every published version of ``market``'s years, in chain order, with the days each
    changed."""
    from bpost_client.reference.projection import PROJECTORS, year_of  # it builds on this module

    where = {"market": market.encode("ascii")}
    return [
        year_of(e) for e in records_of(client, CONTRACT, PROJECTORS, ["CalendarPublished"], where)
    ]


def load_calendar(client: Client, market: str) -> Calendar:
    """The latest version of every published year of ``market`` (a MIC, in any case), from the
    calendar records."""
    market = market.strip().upper()
    years = {year.year: year for year, _ in _published(client, market)}
    if not years:
        raise BPostError(not_published(market))
    return Calendar(market, years)


def calendar_changes(client: Client, market: str) -> pd.DataFrame:
    """The days each new version of a market-year changed: market, year, version, date, now
    (True: became a business day; False: became a holiday)."""
    market = market.strip().upper()
    rows = []
    for year, changed in _published(client, market):
        first = date(year.year, 1, 1)
        for i in range(366):
            if changed >> i & 1:
                rows.append(
                    {
                        "market": market,
                        "year": year.year,
                        "version": year.version,
                        "date": first + timedelta(days=i),
                        "business_day": bool(year.bits >> i & 1),
                    }
                )
    return pd.DataFrame(rows, columns=["market", "year", "version", "date", "business_day"])


def on_chain_is_business_day(client: Client, market: str, day: date) -> bool:
    """The contract's answer, by ``eth_call``."""
    call = client.contract(CONTRACT).functions.isBusinessDay(
        market.encode("ascii"), int_from_date(day)
    )
    return bool(client.read(call))
