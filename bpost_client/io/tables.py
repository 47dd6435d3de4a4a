"""Tables in and out: CSV (UTF-8, with or without BOM, or CP932) and Excel (.xlsx), as strings."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from bpost_client import dates
from bpost_client.exceptions import ValidationError

__all__ = ["ENCODINGS", "FIRST_DATA_ROW", "parse_date", "read_table", "write_table"]

ENCODINGS = ("utf-8-sig", "cp932")
"""CSV encodings tried in order: UTF-8 (a BOM is dropped), then Shift_JIS as Windows writes it."""


FIRST_DATA_ROW = 2
"""The spreadsheet row number of a table's first record: row 1 holds the header."""


def read_table(path: Path | str) -> pd.DataFrame:
    """Every cell of a CSV or .xlsx file as a stripped string ('' for an empty cell).

    Raises:
        ValidationError: unknown extension, unreadable file, an encoding other than UTF-8 or
            CP932, or a header with an empty or repeated column.
    """
    source = Path(path)
    suffix = source.suffix.lower()
    try:
        if suffix == ".csv":
            raw = source.read_bytes()
            text = _decode(raw, source)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        elif suffix == ".xlsx":
            try:
                frame = pd.read_excel(source, dtype=str, keep_default_na=False, engine="openpyxl")
            except (zipfile.BadZipFile, KeyError) as exc:  # not an Office Open XML package
                raise ValidationError(f"{source} is not an Excel (.xlsx) workbook: {exc}") from exc
        else:
            raise ValidationError(f"{source}: a table is a .csv or .xlsx file")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"cannot read {source}: {exc}") from exc
    columns = [str(c).strip() for c in frame.columns]
    if any(not c or c.startswith("Unnamed:") for c in columns) or len(set(columns)) != len(columns):
        raise ValidationError(f"{source}: the header row has an empty or repeated column")
    frame.columns = columns
    return frame.map(lambda v: "" if v is None else str(v).strip())


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
