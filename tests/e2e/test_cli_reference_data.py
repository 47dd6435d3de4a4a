"""`bpost securities|prices|dividends` against the session chain, as a data provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from tests.conftest import ROOT

CONFIG = ROOT / "config"
PROVIDER = ("--dev-account", "6")


def _reference_data(bpost: Any) -> None:
    for market in ("XTKS", "XNYS", "XHKG", "XLON"):
        assert bpost("calendar", "publish", "--market", market, "--year", "2026").code == 0
    loaded = bpost("--json", *PROVIDER, "securities", "upload", str(CONFIG / "demo-securities.csv"))
    assert loaded.code == 0, loaded.err
    assert loaded.json()["register"] == 7


def test_prices__upload_get_export(bpost: Any, tmp_path: Path) -> None:
    _reference_data(bpost)
    planned = bpost(
        "--json", *PROVIDER, "prices", "upload", "--dry-run", str(CONFIG / "demo-prices.csv")
    )
    assert planned.code == 0, planned.err
    shown = planned.json()
    assert (shown["dry_run"], shown["publish"], shown["correct"], shown["transactions"]) == (
        True,
        45,
        0,
        0,
    ), "a dry run shows what it would send and sends nothing"
    upload = bpost("--json", *PROVIDER, "prices", "upload", str(CONFIG / "demo-prices.csv"))
    assert upload.code == 0, upload.err
    sent = upload.json()
    assert (sent["dry_run"], sent["publish"], sent["bad_rows"]) == (False, 45, [])
    assert sent["transactions"] > 0
    holiday = bpost("--json", "prices", "get", "JP3633400001", "2026-11-23").json()
    expected = pd.read_csv(CONFIG / "demo-prices.csv", dtype=str)
    friday = expected[(expected["isin"] == "JP3633400001") & (expected["date"] == "2026-11-20")]
    close = friday["close"].iloc[0]
    assert holiday["close"] is None and holiday["date"] == "2026-11-23"
    assert holiday["latest_on_or_before"] == {"date": "2026-11-20", "close": close}
    shown = bpost("prices", "get", "JP3633400001", "2026-11-23").out
    assert f"date 2026-11-20; close {close}" in shown and "[" not in shown
    target = tmp_path / "closes.csv"
    assert bpost("prices", "export", str(target), "--from", "2026-11-20").code == 0
    exported = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert set(exported["date"]) == {"2026-11-20", "2026-11-23", "2026-11-24"}
    again = bpost("--json", *PROVIDER, "prices", "upload", str(target)).json()
    assert (again["publish"], again["unchanged"]) == (0, len(exported))


def test_prices__bad_file__rows_reported_exit_one(bpost: Any, tmp_path: Path) -> None:
    _reference_data(bpost)
    bad = tmp_path / "bad.csv"
    bad.write_text("date,isin,close\n2026-11-20,JP3633400001,1\n2026-11-21,JP3633400001,x\n")
    result = bpost(*PROVIDER, "prices", "upload", str(bad))
    assert result.code == 1 and "nothing was sent" in result.err
    assert "row 3, column date: not a business day in XTKS" in result.err
    assert "row 3, column close" in result.err


def test_dividends__upload_list_export(bpost: Any, tmp_path: Path) -> None:
    _reference_data(bpost)
    upload = bpost("--json", *PROVIDER, "dividends", "upload", str(CONFIG / "demo-dividends.csv"))
    assert upload.code == 0, upload.err
    assert upload.json()["record"] == 7
    listed = bpost("--json", "dividends", "list", "--isin", "JP3633400001").json()
    assert [(d["record_date"], d["ex_date"], d["status"]) for d in listed] == [
        ("2026-03-31", "2026-03-30", "paid"),
        ("2026-09-30", "2026-09-29", "declared"),
    ]
    target = tmp_path / "dividends.xlsx"
    assert bpost("dividends", "export", str(target)).code == 0
    again = bpost("--json", *PROVIDER, "dividends", "upload", str(target)).json()
    assert (again["record"], again["unchanged"]) == (0, 7)


def test_prices_upload__progress_bar_only_once_something_is_sent(bpost: Any) -> None:
    _reference_data(bpost)
    prices = str(CONFIG / "demo-prices.csv")
    planned = bpost(*PROVIDER, "prices", "upload", "--dry-run", prices)
    assert planned.code == 0 and "transactions" not in planned.err, "a dry run draws no bar"
    sent = bpost(*PROVIDER, "prices", "upload", prices)
    assert sent.code == 0 and "price file transactions" in sent.err, "the bar, once sending"
