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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.exceptions import BPostError, RowError, ValidationError
from bpost_client.identifiers import check_isin
from bpost_client.io.cells import Cells
from bpost_client.io.tables import FIRST_DATA_ROW, parse_date, read_table
from bpost_client.reference import prices
from bpost_client.reference.calendars import Calendar, load_calendar
from bpost_client.reference.securities import Security, list_securities

__all__ = [
    "PRICE_COLUMNS",
    "PriceRow",
    "PriceUpload",
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


@dataclass
class PriceUpload:
    """What an upload found and did."""

    to_publish: list[PriceRow] = field(default_factory=list)
    to_correct: list[PriceRow] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    transactions: int = 0


def validate_price_table(frame: pd.DataFrame) -> tuple[list[PriceRow], list[RowError]]:
    """The valid rows of a price table and an error for every bad cell (no chain access)."""
    rows, errors, _keys = _parse(frame)
    return rows, errors


def _parse(frame: pd.DataFrame) -> tuple[list[PriceRow], list[RowError], list[_Key]]:
    """Valid rows, errors, and the (row, day, ISIN) of every row whose day and ISIN are valid
    (checked against the chain even when its close is bad, so that a row shows all its errors)."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        return [], [RowError(1, c, "required column missing") for c in missing], []
    rows: list[PriceRow] = []
    errors: list[RowError] = []
    keys: list[_Key] = []
    seen: dict[tuple[date, str], int] = {}
    for offset, record in enumerate(frame.to_dict(orient="records")):
        cells = Cells(
            offset + FIRST_DATA_ROW, {str(k): v for k, v in record.items()}, PRICE_COLUMNS
        )
        day = cells.get("date", parse_date)
        isin = cells.get("isin", check_isin)
        close = cells.get("close", prices.to_units)
        if day is not None and isin is not None:
            if (day, isin) in seen:
                cells.fail(
                    "isin", f"a second close of {isin} on {day} (first in row {seen[day, isin]})"
                )
            seen.setdefault((day, isin), cells.row)
            keys.append((cells.row, day, isin))
        if cells.errors or day is None or isin is None or close is None:
            errors.extend(cells.errors)
            continue
        rows.append(PriceRow(cells.row, day, isin, close, cells.text["reason"]))
    return rows, errors, keys


def _chain_today(client: Client) -> date:
    stamp = int(client.w3.eth.get_block("latest")["timestamp"])
    return datetime.fromtimestamp(stamp, UTC).date()


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
        return f"the {market} calendar of {day.year} is not published"
    if not calendar.is_business_day(day):
        return f"not a business day in {market}"
    return ""


def _check_against_chain(
    client: Client, keys: Iterable[_Key], master: dict[str, Security]
) -> list[RowError]:
    errors = []
    today = _chain_today(client)
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


def upload_prices(
    client: Client,
    source: Path | str | pd.DataFrame,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    on_done: Callable[[TxReceipt], None] | None = None,
) -> PriceUpload:
    """Publish the closes of a file (a data provider) and correct those that differ from the
    published ones where the row gives a reason. Nothing is sent when a row is bad, unless
    ``skip_invalid``.

    Raises:
        ValidationError: bad rows, each with row, column and reason.
    """
    frame = source if isinstance(source, pd.DataFrame) else read_table(source)
    rows, errors, keys = _parse(frame)
    master = {s.isin: s for s in list_securities(client)}
    errors += _check_against_chain(client, keys, master)
    report = PriceUpload(errors=errors)
    bad = {e.row for e in errors}
    published: dict[date, dict[int, int]] = {}
    for row in rows:
        if row.row in bad:
            continue
        index = master[row.isin].index
        if row.day not in published:
            published[row.day] = prices.closes_on(client, row.day, len(master))
        current = published[row.day].get(index)
        if current is None:
            report.to_publish.append(row)
        elif current == row.close:
            report.unchanged.append(row.row)
        elif row.reason:
            report.to_correct.append(row)
        else:
            shown = prices.from_units(current)
            report.errors.append(
                RowError(row.row, "close", f"published as {shown}; a correction needs a reason")
            )
    report.errors.sort(key=lambda e: e.row)
    if report.errors and not skip_invalid:
        raise ValidationError("the price file has bad rows; nothing was sent", report.errors)
    if dry_run:
        return report
    by_day: dict[date, dict[int, int]] = {}
    for row in report.to_publish:
        by_day.setdefault(row.day, {})[master[row.isin].index] = row.close
    for day, closes in sorted(by_day.items()):
        report.transactions += len(prices.publish_closes(client, day, closes, on_done))
    if report.to_correct:
        fixes = [
            prices.CloseCorrection(master[r.isin].index, r.day, r.close, r.reason)
            for r in report.to_correct
        ]
        report.transactions += len(prices.correct_closes(client, fixes, on_done))
    return report


def export_prices(
    client: Client,
    start: date | None = None,
    end: date | None = None,
    isins: Iterable[str] = (),
) -> pd.DataFrame:
    """The published closes from ``start`` to ``end`` (of ``isins``, or all) as the price
    table, by date and security index."""
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
