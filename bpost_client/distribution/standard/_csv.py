"""What the two CSV formats share: decoding, the header, the data rows as named cells, output."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from bpost_client.distribution.standard.text_values import is_blank
from bpost_client.exceptions import RowError, ValidationError

__all__ = ["BOM", "HEADER_ROW", "Row", "decode", "first_row", "render", "split"]

HEADER_ROW = 1
"""The spreadsheet row number of the header; data rows follow from 2."""

BOM = b"\xef\xbb\xbf"

Row = tuple[int, dict[str, str]]
"""A data row: its spreadsheet row number and its cells by the format's column names."""


def decode(
    raw: bytes, encodings: Sequence[str], name: str, recognised: Callable[[str], bool]
) -> str:
    """``raw`` decoded by the first of ``encodings`` that decodes it into a text whose header
    ``recognised`` accepts (UTF-8 first when there is a BOM), else by the first that decodes it.

    Shift_JIS and UTF-8 overlap: many UTF-8 texts decode as CP932 without error, into nonsense;
    the header tells which reading is the right one.

    Raises:
        ValidationError: no encoding decodes it.
    """
    order = list(encodings)
    if raw.startswith(BOM) and "utf-8-sig" in order:
        order.remove("utf-8-sig")
        order.insert(0, "utf-8-sig")
    readable: list[str] = []
    for encoding in order:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if recognised(text):
            return text
        readable.append(text)
    if readable:
        return readable[0]
    shown = " or ".join(e.replace("utf-8-sig", "UTF-8").upper() for e in encodings)
    raise ValidationError(f"{name}: not {shown} text")


def first_row(text: str) -> list[str]:
    """The cells of the first row of a CSV text."""
    return next(csv.reader(io.StringIO(text, newline="")), [])


def split(
    text: str, header: Sequence[str], spelling: Callable[[str], str]
) -> tuple[list[Row], list[RowError]]:
    """The data rows of a CSV text whose columns are ``header`` (in any order), skipping empty
    rows; ``spelling`` reduces a header cell to the form compared with ``header``'s.

    Returns the rows and an error for every header fault (a missing, unknown or repeated
    column) and every non-empty cell beyond the header's columns.
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [], [RowError(HEADER_ROW, header[0], "the file is empty: no header row")]
    wanted = {spelling(name): name for name in header}
    position: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(rows[0]):
        name = wanted.get(spelling(cell))
        if name is None:
            if not is_blank(cell):
                errors.append(RowError(HEADER_ROW, cell, "not a column of this format"))
        elif name in position:
            errors.append(RowError(HEADER_ROW, cell, "repeated column"))
        else:
            position[name] = index
    errors.extend(
        RowError(HEADER_ROW, name, "required column missing")
        for name in header
        if name not in position
    )
    if errors:
        return [], errors
    width = len(rows[0])
    found: list[Row] = []
    for number, cells in enumerate(rows[1:], start=HEADER_ROW + 1):
        if all(is_blank(c) for c in cells):
            continue
        errors.extend(
            RowError(number, str(index + 1), f"a value beyond the header's {width} columns")
            for index in range(width, len(cells))
            if not is_blank(cells[index])
        )
        found.append((number, {n: cells[i] if i < len(cells) else "" for n, i in position.items()}))
    return found, errors


def render(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV text with CRLF line ends (as Windows tools write), every line ended."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
