"""The shared reference data as the explorer shows it: securities with their closing prices and
dividends, and market calendars with each year's holidays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import (
    Row,
    keys_of,
    member_label,
    rows_by_ref,
    rows_of,
)
from bpost_client.reference.prices import from_units
from bpost_client.reference.projection import (
    DayClose,
    dividend_of,
    fold_closes,
    security_of,
    year_of,
)

__all__ = [
    "CalendarYear",
    "DividendLine",
    "SecurityPage",
    "calendar_years",
    "load_security",
    "market_list",
    "security_list",
]

PRICE_ROWS = 250
"""The most recent closes a security's page shows."""


@dataclass(frozen=True)
class DividendLine:
    """A dividend as it stands (its latest version)."""

    record_date: date | None
    ex_date: date | None
    payment_date: date | None
    amount_per_share: Decimal
    currency: str
    version: int
    status: str
    reason: str
    provider: str
    transaction: str


@dataclass
class SecurityPage:
    """A security of the security master, its closes and its dividends."""

    isin: str
    index: int
    local_code: str
    market: str
    currency: str
    name: str
    registered: Row
    closes: list[DayClose[Row]] = field(default_factory=list)
    dividends: list[DividendLine] = field(default_factory=list)


def _security(row: Row) -> SecurityPage:
    registered = security_of(row)
    return SecurityPage(
        isin=registered.isin,
        index=registered.index,
        local_code=registered.local_code,
        market=registered.market,
        currency=registered.currency,
        name=registered.name,
        registered=row,
    )


def _dividends(rows: list[Row]) -> list[DividendLine]:
    latest: dict[date, DividendLine] = {}
    for row in rows:
        recorded = dividend_of(row)
        latest[recorded.record_date] = DividendLine(
            record_date=recorded.record_date,
            ex_date=recorded.ex_date,
            payment_date=recorded.payment_date,
            amount_per_share=from_units(recorded.amount_per_share),
            currency=recorded.currency,
            version=recorded.version,
            status=member_label(recorded.status),
            reason=recorded.reason,
            provider=str(row.data["provider"]),
            transaction=row.transaction_hash,
        )
    return [latest[key] for key in sorted(latest, reverse=True)]


def load_security(conn: Connection, isin: str) -> SecurityPage | None:
    """The security ``isin`` with its latest closes and its dividends, or None."""
    rows = rows_of(conn, "security", isin, limit=1)
    if not rows:
        return None
    security = _security(rows[0])
    recent = rows_of(conn, "price", str(security.index), newest_first=True, limit=PRICE_ROWS)
    security.closes = fold_closes(reversed(recent))
    security.dividends = _dividends(rows_of(conn, "dividend", isin))
    return security


def security_list(conn: Connection, after: str | None, limit: int) -> list[SecurityPage]:
    """The securities in ISIN order from the first after ``after``, at most ``limit``."""
    found = []
    for isin in keys_of(conn, "security", after=after, limit=limit):
        rows = rows_of(conn, "security", isin, limit=1)
        if rows:
            found.append(_security(rows[0]))
    return found


def security_by_index(conn: Connection, index: int) -> str | None:
    """The ISIN of the security with index ``index``."""
    rows = rows_by_ref(conn, "security", str(index), limit=1)
    return rows[0].key if rows else None


@dataclass(frozen=True)
class CalendarYear:
    """A market's year as its latest version says: business days and weekday holidays."""

    market: str
    year: int
    version: int
    business_days: int
    holidays: list[date]
    changed_days: list[date]
    row: Row


def _days(year: int, bits: int) -> list[date]:
    first = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - first).days
    return [first + timedelta(days=i) for i in range(length) if bits >> i & 1]


def calendar_years(conn: Connection, market: str) -> list[CalendarYear]:
    """Each year of ``market``'s calendar as it stands, newest year first."""
    latest = {year_of(row)[0].year: row for row in rows_of(conn, "calendar", market)}
    years = []
    for number in sorted(latest, reverse=True):
        row = latest[number]
        year, changed = year_of(row)
        open_days = set(_days(number, year.bits))
        every_day = _days(number, (1 << 366) - 1)
        years.append(
            CalendarYear(
                market=market,
                year=number,
                version=year.version,
                business_days=len(open_days),
                holidays=[d for d in every_day if d.weekday() < 5 and d not in open_days],
                changed_days=_days(number, changed),
                row=row,
            )
        )
    return years


def market_list(conn: Connection) -> list[str]:
    """The markets with a published calendar."""
    return keys_of(conn, "calendar", limit=1000)
