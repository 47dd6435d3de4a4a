"""What the adapters share: reading a source, writing a target atomically, limiting to a fund,
and turning a refused record into the row errors of a file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

from bpost_client._utils import files
from bpost_client.distribution.standard.records import (
    Dataset,
    Distribution,
    Nav,
    Record,
    RecordError,
    check_fund,
    check_value,
    find_duplicates,
)
from bpost_client.exceptions import RowError, ValidationError
from bpost_client.io.cells import Cells

__all__ = [
    "CsvRecords",
    "checked",
    "duplicate_errors",
    "fund_argument",
    "limit_to_fund",
    "load",
    "nav_row_orphans",
    "record_errors",
    "write_atomic",
]

T = TypeVar("T")


def checked(name: str, parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse``, then the record's check of the field ``name`` on the value (a negative amount
    is named at its cell even when another cell of the row is bad too)."""

    def run(text: str) -> T:
        value = parse(text)
        check_value(name, value)
        return value

    return run


def load(source: Path | bytes) -> tuple[bytes, str]:
    """The bytes of ``source`` and a name for it in messages.

    Raises:
        ValidationError: the file cannot be read.
    """
    if isinstance(source, bytes | bytearray):
        return bytes(source), "the input"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from exc


def write_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``, so a
    reader sees the old file or the whole new one, never a part.

    Raises:
        ValidationError: the target's directory cannot be written.
    """
    try:
        return files.write_atomic(target, data)
    except OSError as exc:
        raise ValidationError(f"cannot write {target}: {exc.strerror or exc}") from exc


def nav_row_orphans(dataset: Dataset) -> list[tuple[str, date]]:
    """The funds and days of the distributions with no NAV of their fund that day, sorted: a
    CSV format writes a distribution on its day's NAV row, so it cannot write these."""
    days = {(n.fund, n.date) for n in dataset.navs}
    return sorted({(d.fund, d.date) for d in dataset.distributions} - days)


def fund_argument(fund: str) -> str:
    """A fund code given by the caller (not read from a file).

    Raises:
        ValidationError: not a platform or ITA fund code.
    """
    try:
        return check_fund(fund)
    except ValueError as exc:
        raise ValidationError(f"fund: {exc}") from exc


def limit_to_fund(dataset: Dataset, fund: str | None, where: str) -> Dataset:
    """``dataset`` limited to ``fund`` when one is given.

    Raises:
        ValidationError: a bad fund code, or a dataset with records but none of the fund.
    """
    if fund is None:
        return dataset
    code = fund_argument(fund)
    limited = dataset.only(code)
    if len(dataset) and not len(limited):
        held = ", ".join(dataset.funds())
        raise ValidationError(f"{where} holds no record of fund {code} (it holds {held})")
    return limited


def record_errors(
    row: int,
    exc: RecordError,
    column: Callable[[str], str],
    rows: Callable[[str], int] | None = None,
) -> list[RowError]:
    """The row errors of a refused record: ``column`` names a field as the format does and
    ``rows`` (when given) gives the row of a field that sits elsewhere than ``row``."""
    return [
        RowError(rows(name) if rows else row, column(name), reason) for name, reason in exc.problems
    ]


def duplicate_errors(
    entries: Iterable[tuple[int, Record]], column: Callable[[str], str]
) -> list[RowError]:
    """A row error for each record repeating a unique field of an earlier one."""
    return [RowError(row, column(name), reason) for row, name, reason in find_duplicates(entries)]


class CsvRecords:
    """The NAVs and distributions built from the rows of a CSV format, and every error found
    (cells, records, repeated keys): what the two CSV formats share when reading."""

    def __init__(self, errors: list[RowError], column: Callable[[str], str], period: str) -> None:
        self.errors = errors
        self._column = column
        self._period = period
        self._navs: list[tuple[int, Record]] = []
        self._distributions: list[tuple[int, Record]] = []

    def require_pair(self, cells: Cells, amount: str) -> None:
        """A distribution amount and its fiscal period come together or not at all."""
        if cells.text[amount] and not cells.text[self._period]:
            cells.fail(self._period, f"empty, but the row has a distribution ({amount})")
        if cells.text[self._period] and not cells.text[amount]:
            cells.fail(amount, f"empty, but the row has a fiscal period ({self._period})")

    def add(
        self, row: int, nav: Callable[[], Nav], distribution: Callable[[], Distribution] | None
    ) -> None:
        """Build the row's NAV and distribution (when it has one), or record why not."""
        for build, into in ((nav, self._navs), (distribution, self._distributions)):
            if build is None:
                continue
            try:
                into.append((row, build()))
            except RecordError as exc:
                self.errors.extend(record_errors(row, exc, self._column))

    def dataset(self, what: str) -> Dataset:
        """The records read.

        Raises:
            ValidationError: every error, in row order.
        """
        errors = [*self.errors, *duplicate_errors(self._navs, self._column)]
        # A repeated day repeats its distribution's day too: report the repeated period alone.
        repeated = duplicate_errors(self._distributions, self._column)
        errors.extend(e for e in repeated if e.column == self._period)
        if errors:
            raise ValidationError(f"{what} has bad rows", sorted(errors, key=lambda e: e.row))
        return Dataset.of(r for _, r in (*self._navs, *self._distributions))
