"""The public daily-NAV CSV of a Japanese investment trust: one file per fund.

Columns ``年月日,基準価額(円),純資産総額(百万円),分配金,決算期``, one row per business day:

- 年月日: the day. Read in any form of :func:`~.text_values.parse_date` (``2026年04月01日``,
  ``2026/04/01``, ``令和8年4月1日``, ``R8.4.1`` ...); written ``2026年04月01日``.
- 基準価額(円): NAV per 10,000 units, whole yen.
- 純資産総額(百万円): net assets in millions of yen; decimals read exactly (``1234.5`` is
  1,234,500,000 yen). Written as an integer when a whole number of millions, else as the exact
  decimal, so no value is rounded.
- 分配金 and 決算期: the distribution per 10,000 units and the fiscal period's number (``12`` or
  ``第12期``), both empty on days without a distribution; a row with them is also a
  ``distribution`` record of that day.

Full-width digits and punctuation, thousands separators and a header with full-width
parentheses are read; output always uses the header above with half-width parentheses.

Read as CP932 (Shift_JIS as Windows writes it), else as UTF-8 with or without a BOM; written
as CP932 with CRLF line ends.

What the format does not carry: the fund (give it to :func:`read`), units outstanding,
non-application days, management reports, and corrections' history (the current values are
written; version, reason and replaced values are dropped). Writing a dataset drops these; reading
gives records of version 1 without units outstanding. A distribution on a day without a NAV
cannot be written.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from bpost_client.distribution.standard import _csv
from bpost_client.distribution.standard._files import (
    CsvRecords,
    checked,
    fund_argument,
    limit_to_fund,
    load,
    nav_row_orphans,
    write_atomic,
)
from bpost_client.distribution.standard.records import Dataset, Distribution, Nav
from bpost_client.distribution.standard.text_values import (
    format_date_ja,
    format_scaled,
    normalize,
    parse_date,
    parse_scaled,
    parse_whole,
)
from bpost_client.exceptions import ValidationError
from bpost_client.io.cells import Cells

__all__ = ["CARRIES", "ENCODING", "HEADER", "parse_period", "read", "to_bytes", "write"]

HEADER = ("年月日", "基準価額(円)", "純資産総額(百万円)", "分配金", "決算期")
"""The columns, as written."""
DATE, NAV, NET_ASSETS, AMOUNT, PERIOD = HEADER
ENCODING = "cp932"
"""The encoding written (and tried first when reading)."""
CARRIES = frozenset({"navs", "distributions"})
"""The record lists the format holds (without units outstanding and corrections)."""

_MILLION = 1_000_000
_COLUMNS = {
    "date": DATE,
    "nav_per_10000_units": NAV,
    "net_assets": NET_ASSETS,
    "amount_per_10000_units": AMOUNT,
    "period": PERIOD,
}
_PERIOD = re.compile(r"^第?([0-9,]+)期?$")


def _spelling(name: str) -> str:
    return re.sub(r"\s+", "", normalize(name))


def _recognised(text: str) -> bool:
    return any(_spelling(c) in HEADER for c in _csv.first_row(text))


def _column(name: str) -> str:
    return _COLUMNS.get(name, name)


def parse_period(text: str) -> int:
    """A fiscal period's number written ``12`` or ``第12期``.

    Raises:
        ValueError: neither.
    """
    found = _PERIOD.match(normalize(text))
    if not found:
        raise ValueError(f"{text!r} is not a fiscal period number (12 or 第12期)")
    return parse_whole(found.group(1))


def _millions(text: str) -> int:
    return parse_scaled(text, _MILLION, "million yen")


def read(source: Path | bytes, fund: str | None = None) -> Dataset:
    """The NAVs and distributions of the ITA CSV ``source`` (a path or the file's bytes), as
    records of ``fund``, which the format does not carry.

    Raises:
        ValidationError: no ``fund``, a bad fund code, an unreadable file, or bad rows: every bad
            cell is listed with its spreadsheet row (the header is row 1) and column.
    """
    if fund is None:
        raise ValidationError("the ITA CSV does not carry the fund: give the fund's code")
    code = fund_argument(fund)
    raw, name = load(source)
    text = _csv.decode(raw, (ENCODING, "utf-8-sig"), name, _recognised)
    rows, errors = _csv.split(text, HEADER, _spelling)
    found = CsvRecords(errors, _column, PERIOD)
    for number, record in rows:
        cells = Cells(number, dict(record), HEADER)
        day = cells.get(DATE, parse_date)
        nav = cells.get(NAV, checked("nav_per_10000_units", parse_whole))
        assets = cells.get(NET_ASSETS, checked("net_assets", _millions))
        amount = cells.get(AMOUNT, checked("amount_per_10000_units", parse_whole), required=False)
        period = cells.get(PERIOD, checked("period", parse_period), required=False)
        found.require_pair(cells, AMOUNT)
        found.errors.extend(cells.errors)
        if cells.errors or day is None or nav is None or assets is None:
            continue
        found.add(
            number,
            partial(Nav, fund=code, date=day, nav_per_10000_units=nav, net_assets=assets),
            None
            if amount is None or period is None
            else partial(
                Distribution, fund=code, date=day, period=period, amount_per_10000_units=amount
            ),
        )
    return found.dataset(f"{name}: the ITA CSV")


def _one_fund(dataset: Dataset, fund: str | None) -> Dataset:
    limited = limit_to_fund(dataset, fund, "the dataset")
    funds = limited.funds()
    if len(funds) > 1:
        raise ValidationError(
            f"the ITA CSV holds one fund and the dataset has {len(funds)} ({', '.join(funds)}): "
            "choose one"
        )
    return limited


def to_bytes(dataset: Dataset, fund: str | None = None) -> bytes:
    """The ITA CSV of ``dataset`` (of ``fund`` alone when given), encoded in CP932.

    Raises:
        ValidationError: the dataset has several funds and none is chosen, has none of
            ``fund``, or has a distribution on a day without a NAV.
    """
    data = _one_fund(dataset, fund)
    if orphans := nav_row_orphans(data):
        raise ValidationError(
            "the ITA CSV writes a distribution on its day's NAV row, and there is no NAV on "
            + ", ".join(day.isoformat() for _, day in orphans)
        )
    paid = {d.date: d for d in data.distributions}
    rows = []
    for nav in data.navs:
        distribution = paid.get(nav.date)
        rows.append(
            [
                format_date_ja(nav.date),
                str(nav.nav_per_10000_units),
                format_scaled(nav.net_assets, _MILLION),
                "" if distribution is None else str(distribution.amount_per_10000_units),
                "" if distribution is None else str(distribution.period),
            ]
        )
    return _csv.render(HEADER, rows).encode(ENCODING)


def write(dataset: Dataset, target: Path, fund: str | None = None) -> Path:
    """Write ``dataset`` (of ``fund`` alone when given) to ``target`` as an ITA CSV, atomically.

    Raises:
        ValidationError: as :func:`to_bytes`, or the target cannot be written.
    """
    return write_atomic(target, to_bytes(dataset, fund))
