"""Closing prices to and from files: the price table, its validation, upload and export.

Columns: ``date`` (the trading day), ``isin``, ``close`` (in the security's currency, at most six
decimals), ``reason`` (optional: a row whose close differs from the published one is a correction
and needs it). Export writes the same columns, so an exported file uploads as "unchanged".

The whole file is checked before anything is sent: each cell on its own, then against the chain
(the security is in the master, the day is a business day of its market and not after today).
Rows whose close is already published as it is are skipped, so a re-run or a resumed upload
publishes nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd

from bpost_client.client import Client
from bpost_client.exceptions import BPostError, RowError, ValidationError
from bpost_client.identifiers import check_isin
from bpost_client.io.cells import Cells, parse_rows
from bpost_client.io.tables import parse_date
from bpost_client.io.upload import OnDone, Upload, UploadReport, run_upload
from bpost_client.platform.participants import institution_of
from bpost_client.reference import prices
from bpost_client.reference.calendars import Calendar, load_calendar, not_published
from bpost_client.reference.securities import Security, list_securities

__all__ = [
    "PRICE_COLUMNS",
    "PRICE_UPLOAD",
    "PriceRow",
    "export_prices",
    "upload_prices",
    "validate_price_table",
]

PRICE_COLUMNS = ("date", "isin", "close", "reason")
REQUIRED = ("date", "isin", "close")

_Key = tuple[int, date, str]


@dataclass(frozen=True)
class PriceRow:
    """A valid row: the close in the contract's units."""

    row: int
    day: date
    isin: str
    close: int
    reason: str = ""


def validate_price_table(frame: pd.DataFrame) -> tuple[list[PriceRow], list[RowError]]:
    """The valid rows of a price table and an error for every bad cell (no chain access)."""
    checked, errors = _parse(frame)
    return [row for _key, row in checked if row is not None], errors


_Checked = tuple[_Key, PriceRow | None]
"""A row whose day and ISIN are valid, with the row itself when every cell of it is."""


def _parse(frame: pd.DataFrame) -> tuple[list[_Checked], list[RowError]]:
    """The (row, day, ISIN) of every row whose day and ISIN are valid, with its PriceRow when
    the whole row is (the day and ISIN are checked against the chain even when the close is bad,
    so that a row shows all its errors), and an error for every bad cell."""
    seen: dict[tuple[date, str], int] = {}

    def check(cells: Cells) -> _Checked | None:
        day = cells.get("date", parse_date)
        isin = cells.get("isin", check_isin)
        close = cells.get("close", prices.to_units)
        if day is None or isin is None:
            return None
        if (day, isin) in seen:
            cells.fail(
                "isin", f"a second close of {isin} on {day} (first in row {seen[day, isin]})"
            )
        seen.setdefault((day, isin), cells.row)
        row = None
        if close is not None and not cells.errors:
            row = PriceRow(cells.row, day, isin, close, cells.text["reason"])
        return (cells.row, day, isin), row

    return parse_rows(frame, REQUIRED, PRICE_COLUMNS, check)


def _calendar_error(
    calendars: dict[str, Calendar | None], client: Client, market: str, day: date
) -> str:
    """Why ``day`` cannot carry a close in ``market``, or '' when it can."""
    if market not in calendars:
        try:
            calendars[market] = load_calendar(client, market)
        except BPostError:
            calendars[market] = None
    calendar = calendars[market]
    if calendar is None or day.year not in calendar.years:
        return not_published(market, day.year)
    if not calendar.is_business_day(day):
        return f"not a business day in {market}"
    return ""


def _check_against_chain(
    client: Client, keys: Iterable[_Key], master: dict[str, Security]
) -> list[RowError]:
    errors = []
    today = client.today()
    calendars: dict[str, Calendar | None] = {}
    for row, day, isin in keys:
        security = master.get(isin)
        if security is None:
            errors.append(RowError(row, "isin", "not in the security master"))
            continue
        if day > today:
            errors.append(RowError(row, "date", f"after today ({today})"))
        elif reason := _calendar_error(calendars, client, security.market, day):
            errors.append(RowError(row, "date", reason))
    return errors


def _plan(
    client: Client, checked: list[_Checked], report: UploadReport[PriceRow]
) -> dict[str, Security]:
    """Check every row's day and ISIN against the chain, then file the closes not published
    (``publish``), published otherwise with a reason (``correct``) or as they are (unchanged).
    A close to publish or correct of a security another institution provides (the chain's
    provider of it) is an error: only its provider publishes and corrects its closes."""
    own = institution_of(client, client.address)
    master = {s.isin: s for s in list_securities(client)}
    report.errors += _check_against_chain(client, [key for key, _row in checked], master)
    bad = report.bad_rows
    published: dict[date, dict[int, int]] = {}
    for _key, row in checked:
        if row is None or row.row in bad:
            continue
        index = master[row.isin].index
        if row.day not in published:
            published[row.day] = prices.closes_on(client, row.day, len(master))
        current = published[row.day].get(index)
        provider = master[row.isin].provider
        if current == row.close:
            report.unchanged.append(row.row)
        elif provider != own:
            why = f"{row.isin} is provided by {provider}: only it publishes and corrects its closes"
            report.errors.append(RowError(row.row, "isin", why))
        elif current is None:
            report.plan("publish", row.row, row)
        elif row.reason:
            report.plan("correct", row.row, row)
        else:
            shown = prices.from_units(current)
            report.errors.append(
                RowError(row.row, "close", f"published as {shown}; a correction needs a reason")
            )
    return master


def _send(
    client: Client, report: UploadReport[PriceRow], master: dict[str, Security], on_done: OnDone
) -> int:
    sent = 0
    by_day: dict[date, dict[int, int]] = {}
    for row in report.items("publish"):
        by_day.setdefault(row.day, {})[master[row.isin].index] = row.close
    for day, closes in sorted(by_day.items()):
        sent += len(prices.publish_closes(client, day, closes, on_done))
    fixes = [
        prices.CloseCorrection(master[r.isin].index, r.day, r.close, r.reason)
        for r in report.items("correct")
    ]
    if fixes:
        sent += len(prices.correct_closes(client, fixes, on_done))
    return sent


PRICE_UPLOAD: Upload[_Checked, PriceRow, dict[str, Security]] = Upload(
    "price file", ("publish", "correct"), _parse, _plan, _send
)
"""The closes of a file (a data provider): published when new, corrected where the row differs
from the published close and gives a reason."""


upload_prices = partial(run_upload, PRICE_UPLOAD)
"""``upload_prices(client, source, skip_invalid=, dry_run=, on_done=)``: publish the closes of a
file (a data provider) and correct those that differ from the published ones where the row gives
a reason; nothing is sent when a row is bad, unless ``skip_invalid``. Raises ValidationError with
every bad row."""


def export_prices(
    client: Client,
    start: date | None = None,
    end: date | None = None,
    isins: Iterable[str] = (),
) -> pd.DataFrame:
    """The published closes from ``start`` to ``end`` (of ``isins``, or all) as the price
    table, by date and security index.

    Raises:
        ValidationError: ``end`` is before ``start``.
    """
    if start is not None and end is not None and end < start:
        raise ValidationError(f"the period ends ({end}) before it starts ({start})")
    securities = list_securities(client)
    by_index = {s.index: s.isin for s in securities}
    wanted = {check_isin(i) for i in isins}
    rows = []
    for day in prices.published_dates(client, start, end):
        for index, units in sorted(prices.closes_on(client, day, len(securities)).items()):
            isin = by_index[index]
            if not wanted or isin in wanted:
                close = str(prices.from_units(units))
                rows.append({"date": day.isoformat(), "isin": isin, "close": close, "reason": ""})
    return pd.DataFrame(rows, columns=list(PRICE_COLUMNS))
