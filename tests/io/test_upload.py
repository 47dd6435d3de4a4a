"""The upload pipeline's own rules, over a small in-memory upload (no chain): validate, plan,
refuse with every bad row or send only the good ones, a dry run that sends nothing, one report."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from bpost_client.exceptions import RowError, ValidationError
from bpost_client.io.upload import OnDone, Upload, UploadReport, run_upload

ON_CHAIN = {"A": 1}
"""What the pretend chain holds: name -> value."""


def _validate(frame: pd.DataFrame) -> tuple[list[tuple[int, str, int]], list[RowError]]:
    rows, errors = [], []
    for offset, record in enumerate(frame.to_dict(orient="records")):
        row = offset + 2
        try:
            rows.append((row, str(record["name"]), int(record["value"])))
        except ValueError:
            errors.append(RowError(row, "value", "not a whole number"))
    return rows, errors


def _plan(
    _client: Any, rows: list[tuple[int, str, int]], report: UploadReport[str]
) -> dict[str, int]:
    for row, name, value in rows:
        if ON_CHAIN.get(name) == value:
            report.unchanged.append(row)
        elif name == "REFUSED":
            report.errors.append(RowError(row, "name", "the chain refuses it"))
        else:
            report.plan("publish" if name not in ON_CHAIN else "correct", row, name)
    return {name: value for _row, name, value in rows}


SENT: list[list[str]] = []


def _send(_client: Any, report: UploadReport[str], values: dict[str, int], _on_done: OnDone) -> int:
    SENT.append(report.items("publish") + report.items("correct"))
    return 1


UPLOAD: Upload[tuple[int, str, int], str, dict[str, int]] = Upload(
    "test file", ("publish", "correct"), _validate, _plan, _send
)


def _frame(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "value"])


def _run(frame: pd.DataFrame, **options: Any) -> UploadReport[str]:
    SENT.clear()
    read_only = SimpleNamespace(account=None)  # the steps here never read the chain
    return run_upload(UPLOAD, read_only, frame, **options)  # type: ignore[arg-type]


def test_good_file__planned_rows_sent__report_by_action() -> None:
    report = _run(_frame(("A", "1"), ("B", "2"), ("A", "3")))
    assert SENT == [["B", "A"]]
    assert (report.rows("publish"), report.rows("correct"), report.unchanged) == ([3], [4], [2])
    assert report.summary() == {
        "file": "table", "dry_run": False, "publish": 1, "correct": 1, "unchanged": 1,
        "transactions": 1, "bad_rows": [], "outcomes": {},
    }  # fmt: skip


def test_bad_rows__every_one_reported_in_row_order__nothing_sent() -> None:
    with pytest.raises(ValidationError) as refused:
        _run(_frame(("REFUSED", "1"), ("B", "x"), ("C", "3")))
    assert SENT == []
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "name"), (3, "value")]
    assert "test file has bad rows; nothing was sent" in str(refused.value)


def test_skip_invalid__good_rows_sent__bad_ones_reported() -> None:
    report = _run(_frame(("B", "x"), ("C", "3")), skip_invalid=True)
    assert SENT == [["C"]] and [e.row for e in report.errors] == [2]


def test_dry_run__the_plan_shown__nothing_sent() -> None:
    report = _run(_frame(("B", "2")), dry_run=True)
    assert SENT == []
    summary = report.summary()
    assert (summary["dry_run"], summary["publish"], summary["transactions"]) == (True, 1, 0)


def test_all_unchanged__nothing_sent__every_action_still_listed() -> None:
    report = _run(_frame(("A", "1")))
    assert SENT == [] and report.summary()["publish"] == 0 and report.summary()["correct"] == 0
