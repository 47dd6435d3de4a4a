"""A vendor's daily NAV CSV: UTF-8 with a BOM, English headers, many funds, one row per fund per
day.

Columns ``Fund Code,Date,NAV per 10000 Units,Net Assets (JPY),Units Outstanding,Distribution per
10000 Units,Fiscal Period``:

- Fund Code: a platform fund code (``BP`` ..., 11 characters) or an 8-character ITA code.
- Date: written ``2026-04-01``; ``2026/04/01`` (and the other forms of
  :func:`~.text_values.parse_date`) are read too.
- NAV per 10000 Units, Net Assets (JPY), Units Outstanding: whole numbers (yen, yen, units);
  thousands separators are read, never written. Units Outstanding may be empty.
- Distribution per 10000 Units and Fiscal Period: both empty on days without a distribution; a
  row with them is also a ``distribution`` record of that day.

Read as UTF-8 (BOM optional), else CP932; written as UTF-8 with a BOM and CRLF line ends.

What the format does not carry: non-application days, management reports, and corrections'
history (the current values are written; version, reason and replaced values are dropped). A
distribution on a day without a NAV cannot be written.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from bpost_client.distribution.standard import _csv
from bpost_client.distribution.standard._files import (
    CsvRecords,
    checked,
    limit_to_fund,
    load,
    nav_row_orphans,
    write_atomic,
)
from bpost_client.distribution.standard.records import (
    Dataset,
    Distribution,
    Nav,
    check_fund,
)
from bpost_client.distribution.standard.text_values import normalize, parse_date, parse_whole
from bpost_client.exceptions import ValidationError
from bpost_client.io.cells import Cells

__all__ = ["CARRIES", "HEADER", "read", "to_bytes", "write"]

HEADER = (
    "Fund Code",
    "Date",
    "NAV per 10000 Units",
    "Net Assets (JPY)",
    "Units Outstanding",
    "Distribution per 10000 Units",
    "Fiscal Period",
)
"""The columns, as written."""
FUND, DATE, NAV, NET_ASSETS, UNITS, AMOUNT, PERIOD = HEADER
CARRIES = frozenset({"navs", "distributions", "units_outstanding"})
"""What the format holds: NAVs with units outstanding, distributions; no corrections."""

_COLUMNS = {
    "fund": FUND,
    "date": DATE,
    "nav_per_10000_units": NAV,
    "net_assets": NET_ASSETS,
    "units_outstanding": UNITS,
    "amount_per_10000_units": AMOUNT,
    "period": PERIOD,
}


def _spelling(name: str) -> str:
    return re.sub(r"\s+", " ", normalize(name)).lower()


def _recognised(text: str) -> bool:
    known = {_spelling(n) for n in HEADER}
    return any(_spelling(c) in known for c in _csv.first_row(text))


def _column(name: str) -> str:
    return _COLUMNS.get(name, name)


def read(source: Path | bytes, fund: str | None = None) -> Dataset:
    """The NAVs and distributions of the vendor CSV ``source`` (a path or the file's bytes), of
    ``fund`` alone when given.

    Raises:
        ValidationError: an unreadable file, bad rows (every bad cell listed with its
            spreadsheet row, the header being row 1, and its column), or none of ``fund``.
    """
    raw, name = load(source)
    text = _csv.decode(raw, ("utf-8-sig", "cp932"), name, _recognised)
    rows, errors = _csv.split(text, HEADER, _spelling)
    found = CsvRecords(errors, _column, PERIOD)
    for number, record in rows:
        cells = Cells(number, dict(record), HEADER)
        code = cells.get(FUND, check_fund)
        day = cells.get(DATE, parse_date)
        nav = cells.get(NAV, checked("nav_per_10000_units", parse_whole))
        assets = cells.get(NET_ASSETS, checked("net_assets", parse_whole))
        units = cells.get(UNITS, checked("units_outstanding", parse_whole), required=False)
        amount = cells.get(AMOUNT, checked("amount_per_10000_units", parse_whole), required=False)
        period = cells.get(PERIOD, checked("period", parse_whole), required=False)
        found.require_pair(cells, AMOUNT)
        found.errors.extend(cells.errors)
        if cells.errors or code is None or day is None or nav is None or assets is None:
            continue
        found.add(
            number,
            partial(
                Nav,
                fund=code,
                date=day,
                nav_per_10000_units=nav,
                net_assets=assets,
                units_outstanding=units,
            ),
            None
            if amount is None or period is None
            else partial(
                Distribution, fund=code, date=day, period=period, amount_per_10000_units=amount
            ),
        )
    return limit_to_fund(found.dataset(f"{name}: the vendor CSV"), fund, name)


def to_bytes(dataset: Dataset, fund: str | None = None) -> bytes:
    """The vendor CSV of ``dataset`` (of ``fund`` alone when given): UTF-8 with a BOM.

    Raises:
        ValidationError: a distribution on a day without a NAV of its fund, or no record of
            ``fund``.
    """
    data = limit_to_fund(dataset, fund, "the dataset")
    if orphans := nav_row_orphans(data):
        raise ValidationError(
            "the vendor CSV writes a distribution on its day's NAV row, and there is no NAV of "
            + ", ".join(f"{fund} on {day.isoformat()}" for fund, day in orphans)
        )
    paid = {(d.fund, d.date): d for d in data.distributions}
    rows = []
    for nav in data.navs:
        distribution = paid.get((nav.fund, nav.date))
        rows.append(
            [
                nav.fund,
                nav.date.isoformat(),
                str(nav.nav_per_10000_units),
                str(nav.net_assets),
                "" if nav.units_outstanding is None else str(nav.units_outstanding),
                "" if distribution is None else str(distribution.amount_per_10000_units),
                "" if distribution is None else str(distribution.period),
            ]
        )
    return _csv.BOM + _csv.render(HEADER, rows).encode("utf-8")


def write(dataset: Dataset, target: Path, fund: str | None = None) -> Path:
    """Write ``dataset`` (of ``fund`` alone when given) to ``target`` as a vendor CSV, atomically.

    Raises:
        ValidationError: as :func:`to_bytes`, or the target cannot be written.
    """
    return write_atomic(target, to_bytes(dataset, fund))
