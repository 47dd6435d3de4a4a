"""Reading tables: a CSV record split by an unquoted comma is named with its row, the other
rows keep their numbers and are all checked."""

from __future__ import annotations

from pathlib import Path

from bpost_client.io.cells import Cells, parse_rows
from bpost_client.io.tables import WHOLE_ROW, malformed_rows, read_table


def _close(cells: Cells) -> str | None:
    def number(text: str) -> str:
        float(text)  # the form only: this test reads no money
        return text

    return cells.get("close", number)


def test_csv__a_row_with_a_cell_too_many__named_and_every_other_row_read(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(
        "isin,date,close\n"
        "JP3633400001,2026-11-19,2825\n"
        "JP3633400001,2026-11-20,2,825\n"  # row 3: four cells
        "\n"  # an empty line is skipped, as pandas does
        "JP3633400001,2026-11-24,x\n"  # row 4
        "JP3633400001,2026-11-25\n",  # row 5: short, its close empty
        encoding="utf-8",
    )
    frame = read_table(path)
    assert list(frame.columns) == ["isin", "date", "close"] and len(frame) == 4
    assert set(malformed_rows(frame)) == {3}
    found, errors = parse_rows(frame, ["isin", "date", "close"], ["isin", "date", "close"], _close)
    assert found == ["2825"]
    assert [(e.row, e.column) for e in errors] == [(3, WHOLE_ROW), (4, "close"), (5, "close")]
    assert "4 cells where the header has 3" in errors[0].reason
    assert 'quote the value ("0,25")' in errors[0].reason
