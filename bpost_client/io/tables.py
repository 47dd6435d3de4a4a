"""Tables in and out: CSV (UTF-8, with or without BOM, or CP932) and Excel (.xlsx), as strings."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from bpost_client import dates
from bpost_client.exceptions import ValidationError

__all__ = [
    "ENCODINGS",
    "FIRST_DATA_ROW",
    "WHOLE_ROW",
    "malformed_rows",
    "parse_date",
    "read_table",
    "write_table",
]

ENCODINGS = ("utf-8-sig", "cp932")
"""CSV encodings tried in order: UTF-8 (a BOM is dropped), then Shift_JIS as Windows writes it."""


FIRST_DATA_ROW = 2
"""The spreadsheet row number of a table's first record: row 1 holds the header."""

WHOLE_ROW = "(whole row)"
"""The column named by an error about a whole row (more cells than the header has)."""

_MALFORMED = "bpost_malformed_rows"


def malformed_rows(frame: pd.DataFrame) -> dict[int, str]:
    """The rows of a table :func:`read_table` could not split into its columns (row number ->
    why), kept in the table as empty records so that every other row keeps its number; the
    readers of a table report them with its bad cells and read nothing else from them."""
    found: dict[int, str] = frame.attrs.get(_MALFORMED, {})
    return found


def read_table(path: Path | str) -> pd.DataFrame:
    """Every cell of a CSV or .xlsx file as a stripped string ('' for an empty cell); a CSV
    record with more cells than the header is kept empty and named by :func:`malformed_rows`.

    Raises:
        ValidationError: unknown extension, unreadable file, an encoding other than UTF-8 or
            CP932, or a header with an empty or repeated column.
    """
    source = Path(path)
    suffix = source.suffix.lower()
    try:
        if suffix == ".csv":
            raw = source.read_bytes()
            frame, malformed = _csv_frame(_decode(raw, source), source)
        elif suffix == ".xlsx":
            malformed = {}
            try:
                frame = pd.read_excel(source, dtype=str, keep_default_na=False, engine="openpyxl")
            except (zipfile.BadZipFile, KeyError) as exc:  # not an Office Open XML package
                raise ValidationError(f"{source} is not an Excel (.xlsx) workbook: {exc}") from exc
        else:
            raise ValidationError(f"{source}: a table is a .csv or .xlsx file")
    except (OSError, ValueError, csv.Error) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"cannot read {source}: {exc}") from exc
    columns = [str(c).strip() for c in frame.columns]
    if any(not c or c.startswith("Unnamed:") for c in columns) or len(set(columns)) != len(columns):
        raise ValidationError(f"{source}: the header row has an empty or repeated column")
    frame.columns = columns
    cells = frame.map(lambda v: "" if v is None else str(v).strip())
    cells.attrs[_MALFORMED] = malformed
    return cells


def _csv_frame(text: str, source: Path) -> tuple[pd.DataFrame, dict[int, str]]:
    """The records of a CSV text as a table of strings (a short record padded with empty
    cells, empty lines skipped, as pandas reads them), and the records with more cells than the
    header: an unquoted comma splits a value (``0,25``) and nothing says which column it
    shifted."""
    records = [record for record in csv.reader(io.StringIO(text, newline="")) if record]
    if not records:
        raise ValidationError(f"{source}: no header row")
    header, body = records[0], records[1:]
    width = len(header)
    malformed: dict[int, str] = {}
    rows: list[list[str]] = []
    for offset, record in enumerate(body):
        if len(record) > width:
            malformed[offset + FIRST_DATA_ROW] = (
                f"{len(record)} cells where the header has {width}: a comma inside a value? "
                'write 0.25 rather than 0,25, or quote the value ("0,25")'
            )
            record = []
        rows.append(record + [""] * (width - len(record)))
    return pd.DataFrame(rows, columns=header, dtype=str), malformed


def _decode(raw: bytes, source: Path) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"{source}: neither UTF-8 nor CP932 (Shift_JIS)")


def write_table(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write ``frame`` as CSV (UTF-8) or .xlsx by the extension of ``path``."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(target, index=False, encoding="utf-8")
    elif suffix == ".xlsx":
        frame.to_excel(target, index=False, engine="openpyxl")
    else:
        raise ValidationError(f"{target}: a table is a .csv or .xlsx file")
    return target


def parse_date(text: str) -> date:
    """A date in any form people write one (:func:`bpost_client.dates.parse_date`: 2026-04-01,
    2026/4/1, 20260401, 令和8年4月1日, full-width digits...), or as Excel gives it (with a time).

    Raises:
        ValueError: none of those, or not a calendar date.
    """
    try:
        return dates.parse_date(text)
    except ValueError:
        day_part = text.strip().split(" ")[0].split("T")[0]  # Excel's "2026-04-01 00:00:00"
        if day_part == text.strip():
            raise
        return dates.parse_date(day_part)
