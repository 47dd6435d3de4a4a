"""Dividends to and from files: the dividend table, its validation, upload and export.

Columns: ``isin``, ``record_date``, ``ex_date`` (may be left empty for a Tokyo security: it is the
XTKS business day before the record date), ``payment_date``, ``amount_per_share`` (in
``currency``, at most six decimals; 0 only when cancelled), ``currency``, ``status`` (forecast,
declared, paid, cancelled), ``reason`` (needed to change a declared or paid dividend's figures).
Export writes the same columns, so an exported file uploads as "unchanged".

The whole file is checked before anything is sent, against the chain too (the security is in the
master, the Tokyo ex-date agrees with the calendar, the status change is allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

import pandas as pd

from bpost_client.client import Client
from bpost_client.currencies import check_currency
from bpost_client.exceptions import BPostError, RowError
from bpost_client.identifiers import check_isin
from bpost_client.io.cells import Cells, parse_rows
from bpost_client.io.tables import parse_date
from bpost_client.io.upload import OnDone, Upload, UploadReport, run_upload
from bpost_client.platform.participants import institution_of
from bpost_client.reference.calendars import Calendar, load_calendar
from bpost_client.reference.dividends import (
    TOKYO,
    Dividend,
    DividendStatus,
    change_error,
    list_dividends,
    record_dividends,
    tokyo_ex_date,
)
from bpost_client.reference.prices import from_units, to_units
from bpost_client.reference.securities import Security, list_securities

__all__ = [
    "DIVIDEND_COLUMNS",
    "DIVIDEND_UPLOAD",
    "DividendRow",
    "export_dividends",
    "upload_dividends",
    "validate_dividend_table",
]

DIVIDEND_COLUMNS = (
    "isin",
    "record_date",
    "ex_date",
    "payment_date",
    "amount_per_share",
    "currency",
    "status",
    "reason",
)
REQUIRED = ("isin", "record_date", "payment_date", "amount_per_share", "currency", "status")


@dataclass(frozen=True)
class DividendRow:
    """A row whose cells are valid; ``ex_date`` is None when left for the calendar to give."""

    row: int
    isin: str
    record_date: date
    ex_date: date | None
    payment_date: date
    amount_per_share: int
    currency: str
    status: DividendStatus
    reason: str


def _amount(text: str) -> int:
    try:
        zero = Decimal(text.replace(",", "")) == 0
    except InvalidOperation:
        zero = False
    return 0 if zero else to_units(text)


def validate_dividend_table(frame: pd.DataFrame) -> tuple[list[DividendRow], list[RowError]]:
    """The rows of a dividend table whose cells are valid and an error for every bad cell (no
    chain access)."""
    seen: dict[tuple[str, date], int] = {}

    def row(cells: Cells) -> DividendRow | None:
        isin = cells.get("isin", check_isin)
        record_date = cells.get("record_date", parse_date)
        ex_date = cells.get("ex_date", parse_date, required=False)
        payment_date = cells.get("payment_date", parse_date)
        amount = cells.get("amount_per_share", _amount)
        currency = cells.get("currency", check_currency)
        status = cells.get("status", DividendStatus.parse)
        if amount == 0 and status not in (None, DividendStatus.CANCELLED):
            cells.fail("amount_per_share", "zero, but the dividend is not cancelled")
        if record_date is not None and ex_date is not None and ex_date > record_date:
            cells.fail("ex_date", "after the record date")
        if record_date is not None and payment_date is not None and payment_date < record_date:
            cells.fail("payment_date", "before the record date")
        if isin is not None and record_date is not None:
            if (isin, record_date) in seen:
                first = seen[isin, record_date]
                cells.fail("record_date", f"a second dividend of {isin} on it (row {first})")
            seen.setdefault((isin, record_date), cells.row)
        if (
            cells.errors
            or isin is None
            or record_date is None
            or payment_date is None
            or amount is None
            or currency is None
            or status is None
        ):
            return None
        return DividendRow(
            cells.row,
            isin,
            record_date,
            ex_date,
            payment_date,
            amount,
            currency,
            status,
            cells.text["reason"],
        )

    return parse_rows(frame, REQUIRED, DIVIDEND_COLUMNS, row)


def _tokyo_calendar(client: Client, cache: dict[str, Calendar | None]) -> Calendar | None:
    if TOKYO not in cache:
        try:
            cache[TOKYO] = load_calendar(client, TOKYO)
        except BPostError:
            cache[TOKYO] = None
    return cache[TOKYO]


def _resolve(
    client: Client, row: DividendRow, security: Security, cache: dict[str, Calendar | None]
) -> Dividend | RowError:
    """The dividend of a row, its ex-date settled, or why it cannot be."""
    ex_date = row.ex_date
    if security.market == TOKYO:
        calendar = _tokyo_calendar(client, cache)
        try:
            if calendar is None:
                raise BPostError("no XTKS calendar is published")
            expected = tokyo_ex_date(calendar, row.record_date)
        except BPostError as exc:
            return RowError(row.row, "record_date", f"cannot give the Tokyo ex-date: {exc}")
        if ex_date is not None and ex_date != expected:
            return RowError(
                row.row, "ex_date", f"the XTKS business day before the record date is {expected}"
            )
        ex_date = expected
    elif ex_date is None:
        return RowError(row.row, "ex_date", "empty (only Tokyo ex-dates are derived)")
    return Dividend(
        row.isin,
        row.record_date,
        ex_date,
        row.payment_date,
        row.amount_per_share,
        row.currency,
        row.status,
        row.reason,
    )


def _plan(client: Client, rows: list[DividendRow], report: UploadReport[Dividend]) -> None:
    """File the dividends not on chain as they are (``record``), their ex-dates settled; a
    security not in the master, a status change the contract refuses or a change to a dividend
    another institution recorded (the chain's publisher of it) is an error."""
    own = institution_of(client, client.address)
    master = {s.isin: s for s in list_securities(client)}
    latest = {(d.isin, d.record_date): d for d in list_dividends(client)}
    calendars: dict[str, Calendar | None] = {}
    for row in rows:
        security = master.get(row.isin)
        if security is None:
            report.errors.append(RowError(row.row, "isin", "not in the security master"))
            continue
        resolved = _resolve(client, row, security, calendars)
        if isinstance(resolved, RowError):
            report.errors.append(resolved)
            continue
        current = latest.get((row.isin, row.record_date))
        if current is not None and current.same_figures(resolved):
            report.unchanged.append(row.row)
        elif current is not None and current.publisher != own:
            why = f"recorded by {current.publisher}: only that institution changes this dividend"
            report.errors.append(RowError(row.row, "isin", why))
        elif current is not None and (why := change_error(current, resolved)):
            report.errors.append(RowError(row.row, "status", why))
        else:
            report.plan("record", row.row, resolved)


def _send(client: Client, report: UploadReport[Dividend], _context: None, on_done: OnDone) -> int:
    return len(record_dividends(client, report.items("record"), on_done))


DIVIDEND_UPLOAD: Upload[DividendRow, Dividend, None] = Upload(
    "dividend file", ("record",), validate_dividend_table, _plan, _send
)
"""The dividends of a file (a data provider), recorded when not on chain as they are."""


upload_dividends = partial(run_upload, DIVIDEND_UPLOAD)
"""``upload_dividends(client, source, skip_invalid=, dry_run=, on_done=)``: record the dividends
of a file (a data provider) that are not on chain as they are."""


def export_dividends(client: Client, isin: str | None = None) -> pd.DataFrame:
    """The latest version of every dividend (of ``isin`` if given) as the dividend table."""
    rows = [
        {
            "isin": d.isin,
            "record_date": d.record_date.isoformat(),
            "ex_date": d.ex_date.isoformat(),
            "payment_date": d.payment_date.isoformat(),
            "amount_per_share": str(from_units(d.amount_per_share)),
            "currency": d.currency,
            "status": d.status.label,
            "reason": d.reason,
        }
        for d in list_dividends(client, isin)
    ]
    return pd.DataFrame(rows, columns=list(DIVIDEND_COLUMNS))
