"""`read_movements`: a movements file is read whole or refused with every bad cell's row, column
and reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bpost_client.exceptions import ValidationError
from bpost_client.lending.files import read_movements
from bpost_client.lending.movements import MovementKind, positions_from_movements

HEADER = "agreement_id,date,kind,quantity,collateral\n"


def _file(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "movements.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def _errors(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ValidationError) as caught:
        read_movements(path)
    return [(e.row, e.column, e.reason) for e in caught.value.errors]


def test_read__kinds_signs_and_positions(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "A1,2026-09-01,new_loan,10000,30000000\n"
        "A1,2026-09-10,collateral_change,0,-1500000.50\n"
        "A1,2026-09-20,recall,-4000,-12000000\n"
        "A1,2026-09-25,return,-6000,-16499999.50\n",
    )
    movements = read_movements(path)
    assert [m.kind for m in movements] == [
        MovementKind.NEW_LOAN,
        MovementKind.COLLATERAL_CHANGE,
        MovementKind.RECALL,
        MovementKind.RETURN,
    ]
    positions = positions_from_movements(movements)
    assert positions[["quantity", "collateral"]].values.tolist() == [
        [10000, Decimal(30000000)],
        [10000, Decimal("28499999.50")],
        [6000, Decimal("16499999.50")],
        [0, Decimal("0.00")],
    ]
    assert positions["date"].tolist()[-1] == date(2026, 9, 25)


def test_bad_cells__every_one_with_row_column_reason(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "A1,2026-09-01,new_loan,10000,30000000\n"
        "A1,2026-13-01,new_loan,10,0\n"
        "A1,2026-09-03,lend,10,0\n"
        "A1,2026-09-04,return,1.5,0\n"
        "A1,2026-09-05,return,100,0\n"
        "A1,2026-09-06,collateral_change,0,abc\n"
        ",2026-09-07,new_loan,10,0\n",
    )
    errors = _errors(path)
    assert [(row, column) for row, column, _ in errors] == [
        (8, "movements.csv:agreement_id"),
        (3, "movements.csv:date"),
        (4, "movements.csv:kind"),
        (5, "movements.csv:quantity"),
        (7, "movements.csv:collateral"),
        (6, "movements.csv:quantity"),
    ]
    reasons = dict(((row, column), reason) for row, column, reason in errors)
    assert "lend" in reasons[(4, "movements.csv:kind")]
    assert "must be below 0" in reasons[(6, "movements.csv:quantity")]


def test_position_below_zero__reported_at_its_row(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "A1,2026-09-01,new_loan,100,1000\nB2,2026-09-01,new_loan,5,0\nA1,2026-09-02,return,-150,0\n",
    )
    [(row, column, reason)] = _errors(path)
    assert (row, column) == (4, "movements.csv:quantity")
    assert "-50" in reason


def test_missing_column__nothing_read(tmp_path: Path) -> None:
    path = _file(
        tmp_path, "A1,2026-09-01,10000,30000000\n", header="agreement_id,date,quantity,collateral\n"
    )
    assert _errors(path) == [(1, "movements.csv:kind", "missing column")]
