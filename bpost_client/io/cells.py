"""One table row's cells, parsed one by one, collecting an error for every refused cell."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from bpost_client.exceptions import RowError
from bpost_client.io.tables import FIRST_DATA_ROW, WHOLE_ROW, malformed_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cells", "parse_rows", "split_list"]

T = TypeVar("T")


def split_list(cell: str) -> list[str]:
    """A ``;``-separated cell as its non-empty items."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def _text(value: object) -> str:
    """A cell as text: empty for a missing cell (None, or NaN where a column is absent in a row)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


class Cells:
    """The cells of spreadsheet row ``row`` (as text) and the errors found parsing them."""

    def __init__(self, row: int, record: dict[str, object], columns: Iterable[str]) -> None:
        self.row = row
        self.text = {c: _text(record.get(c)) for c in columns}
        self.errors: list[RowError] = []

    def get(self, column: str, parse: Callable[[str], T], *, required: bool = True) -> T | None:
        """The parsed cell; None (with an error when required) when empty or refused."""
        value = self.text.get(column, "")
        if not value:
            if required:
                self.fail(column, "empty")
            return None
        try:
            return parse(value)
        except (ValueError, KeyError) as exc:
            self.fail(column, str(exc))
            return None

    def fail(self, column: str, reason: str) -> None:
        """Record a refusal of ``column``."""
        self.errors.append(RowError(self.row, column, reason))


def parse_rows(
    frame: pd.DataFrame,
    required: Iterable[str],
    columns: Sequence[str],
    parse: Callable[[Cells], T | None],
) -> tuple[list[T], list[RowError]]:
    """What ``parse`` makes of the cells of ``columns`` in each record of ``frame`` (numbered as
    spreadsheet rows: the header is row 1) where it makes something, and every error the cells
    collected (a row :func:`~bpost_client.io.tables.malformed_rows` names is an error of its own,
    not parsed); only the header's errors when a column of ``required`` is missing or a column is
    not one of ``columns`` (a misspelt column would otherwise be read as empty)."""
    header = [RowError(1, c, "required column missing") for c in required if c not in frame.columns]
    for name in frame.columns:
        if str(name) not in columns:
            close = difflib.get_close_matches(str(name), columns, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            header.append(
                RowError(
                    1, str(name), f"unknown column: {hint}the columns are {', '.join(columns)}"
                )
            )
    if header:
        return [], header
    found: list[T] = []
    errors: list[RowError] = []
    malformed = malformed_rows(frame)
    for offset, record in enumerate(frame.to_dict(orient="records")):
        if (row := offset + FIRST_DATA_ROW) in malformed:
            errors.append(RowError(row, WHOLE_ROW, malformed[row]))
            continue
        cells = Cells(row, {str(k): v for k, v in record.items()}, columns)
        value = parse(cells)
        errors.extend(cells.errors)
        if value is not None:
            found.append(value)
    return found, errors
