"""Closing prices through the client: upload, look-ups across weekends and holidays,
corrections, every validation rule with a bad row, idempotent re-runs and export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from bpost_client.client import Client, connect
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import isin_with_check_digit
from bpost_client.io.tables import read_table
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars, price_files, prices, security_files
from bpost_client.reference.securities import Security, list_securities, register_securities
from tests.conftest import ROOT, Node

TOYOTA, SONY, IBM = "JP3633400001", "JP3435000009", "US4592001014"
FRI, SAT, SUN, MON_HOLIDAY, TUE = (date(2026, 11, d) for d in (20, 21, 22, 23, 24))


@pytest.fixture
def provider(isolated: Node, operator: Client) -> Client:
    """Kabuto Market Data with the demo security master and the 2026 calendars on chain."""
    calendars.publish_years(
        operator,
        [
            calendars.year_map(m, 2026, calendars.sessions_from_exchange_calendars(m, [2026]))
            for m in ("XTKS", "XNYS", "XHKG", "XLON")
        ],
    )
    client = connect(isolated.url, isolated.deployments, dev_account(6))
    security_files.upload_securities(client, ROOT / "config" / "demo-securities.csv")
    return client


def table(
    *rows: tuple[str, ...], columns: tuple[str, ...] = ("date", "isin", "close")
) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def index_of(client: Client, isin: str) -> int:
    return int(client.contract("SecurityRegistry").functions.getSecurity(isin.encode()).call()[3])


def test_demo_file__published_then_read_and_latest_across_holiday(provider: Client) -> None:
    report = price_files.upload_prices(provider, ROOT / "config" / "demo-prices.csv")
    assert len(report.items("publish")) == 45 and not report.errors
    toyota, ibm = index_of(provider, TOYOTA), index_of(provider, IBM)
    friday = prices.close_of(provider, toyota, FRI)
    assert friday is not None and prices.close_of(provider, toyota, MON_HOLIDAY) is None
    # Saturday, Sunday and the Labour Thanksgiving holiday carry Friday's close forward.
    for day in (SAT, SUN, MON_HOLIDAY):
        assert prices.latest_close(provider, toyota, day) == (FRI, friday)
    assert prices.latest_close(provider, toyota, TUE) == (
        TUE,
        prices.close_of(provider, toyota, TUE),
    )
    # New York trades on 23 November: its latest close on the 23rd is the 23rd's.
    monday_ibm = prices.close_of(provider, ibm, MON_HOLIDAY)
    assert monday_ibm is not None
    assert prices.latest_close(provider, ibm, MON_HOLIDAY) == (MON_HOLIDAY, monday_ibm)
    assert prices.latest_close(provider, toyota, date(2026, 11, 13)) is None


def test_upload__again__unchanged_and_nothing_sent(provider: Client) -> None:
    source = ROOT / "config" / "demo-prices.csv"
    price_files.upload_prices(provider, source)
    again = price_files.upload_prices(provider, source)
    assert (len(again.items("publish")), len(again.unchanged), again.transactions) == (0, 45, 0)


def test_upload__resumed_after_a_partial_run__publishes_only_the_rest(provider: Client) -> None:
    frame = read_table(ROOT / "config" / "demo-prices.csv")
    price_files.upload_prices(provider, frame.iloc[:20])
    resumed = price_files.upload_prices(provider, frame)
    assert (len(resumed.unchanged), len(resumed.items("publish"))) == (20, 25)
    exported = price_files.export_prices(provider)
    assert len(exported) == 45 and not exported.duplicated(["date", "isin"]).any()


def test_correction__needs_a_reason__keeps_the_replaced_value(provider: Client) -> None:
    price_files.upload_prices(provider, table(("2026-11-20", TOYOTA, "2900")))
    with pytest.raises(ValidationError) as refused:
        price_files.upload_prices(provider, table(("2026-11-20", TOYOTA, "2905")))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "close")]
    assert "published as 2900" in refused.value.errors[0].reason
    report = price_files.upload_prices(
        provider,
        table(
            ("2026-11-20", TOYOTA, "2905", "exchange revised the closing auction"),
            columns=("date", "isin", "close", "reason"),
        ),
    )
    assert len(report.items("correct")) == 1
    index = index_of(provider, TOYOTA)
    assert prices.close_of(provider, index, FRI) == prices.to_units("2905")
    [fix] = prices.corrections(provider, [index])
    assert (fix.previous, fix.close, fix.reason) == (
        prices.to_units("2900"),
        prices.to_units("2905"),
        "exchange revised the closing auction",
    )
    assert price_files.export_prices(provider)["close"].tolist() == ["2905"]


BAD_ROWS = [
    (("2026-13-01", TOYOTA, "1"), "date", "not a calendar date"),
    (("", TOYOTA, "1"), "date", "empty"),
    (("2026-11-20", "JP3633400002", "1"), "isin", "check digit"),
    (("2026-11-20", "TOYOTA", "1"), "isin", "not an ISIN"),
    (
        ("2026-11-20", isin_with_check_digit("JP999999999"), "1"),
        "isin",
        "not in the security master",
    ),
    (("2026-11-20", TOYOTA, "abc"), "close", "not a number"),
    (("2026-11-20", TOYOTA, "0"), "close", "not a positive price"),
    (("2026-11-20", TOYOTA, "-5"), "close", "not a positive price"),
    (("2026-11-20", TOYOTA, "1.1234567"), "close", "more than 6 decimals"),
    (("2026-11-20", TOYOTA, "99999999999999"), "close", "too large"),
    (("2026-11-20", TOYOTA, ""), "close", "empty"),
    (("2026-11-21", TOYOTA, "1"), "date", "not a business day in XTKS"),
    (("2026-11-23", TOYOTA, "1"), "date", "not a business day in XTKS"),
    (("2025-11-20", TOYOTA, "1"), "date", "calendar of 2025 is not published"),
    (("2026-12-30", TOYOTA, "1"), "date", "after today"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_bad_row__reported_with_row_column_reason__nothing_written(
    provider: Client, row: tuple[str, ...], column: str, reason: str
) -> None:
    good = ("2026-11-20", SONY, "3700")
    with pytest.raises(ValidationError) as refused:
        price_files.upload_prices(provider, table(good, row))
    errors = refused.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason
    assert prices.published_dates(provider) == []


def test_bad_file__missing_column_and_duplicate_row(provider: Client) -> None:
    with pytest.raises(ValidationError) as missing:
        price_files.upload_prices(provider, pd.DataFrame({"date": ["2026-11-20"], "isin": [SONY]}))
    assert [(e.row, e.column) for e in missing.value.errors] == [(1, "close")]
    with pytest.raises(ValidationError) as twice:
        price_files.upload_prices(
            provider, table(("2026-11-20", SONY, "1"), ("2026-11-20", SONY, "1"))
        )
    assert [(e.row, e.column) for e in twice.value.errors] == [(3, "isin")]


def test_skip_invalid__publishes_the_good_rows(provider: Client) -> None:
    report = price_files.upload_prices(
        provider,
        table(("2026-11-20", SONY, "3700"), ("2026-11-21", TOYOTA, "1")),
        skip_invalid=True,
    )
    assert len(report.items("publish")) == 1 and [e.row for e in report.errors] == [3]
    assert prices.close_of(provider, index_of(provider, SONY), FRI) == prices.to_units("3700")


def test_cp932_file_and_export_round_trip(provider: Client, tmp_path: Path) -> None:
    source = tmp_path / "closes.csv"
    source.write_bytes("date,isin,close,reason\n2026-11-20,JP3435000009,3700,\n".encode("cp932"))
    price_files.upload_prices(provider, source)
    price_files.upload_prices(provider, ROOT / "config" / "demo-prices.csv", skip_invalid=True)
    exported = tmp_path / "export.csv"
    price_files.export_prices(provider).to_csv(exported, index=False)
    again = price_files.upload_prices(provider, exported)
    assert again.items("publish") == [] and len(again.unchanged) == len(pd.read_csv(exported))


def test_publish_closes__many_securities__packed_and_read_back(provider: Client) -> None:
    master = [
        Security(isin_with_check_digit(f"JP{n:09d}"), f"Test {n}", "XTKS", "JPY")
        for n in range(1, 201)
    ]
    register_securities(provider, master)
    closes = {i: 1_000_000 * i + 7 for i in range(1, 208) if i % 3}  # gaps in every slot
    closes[300] = 5  # unknown index: refused, nothing written
    with pytest.raises(Exception, match="PriceFeedUnknownSecurity"):
        prices.publish_closes(provider, FRI, closes)
    del closes[300]
    receipts = prices.publish_closes(provider, FRI, closes)
    assert len(receipts) == 1
    assert prices.closes_on(provider, FRI, 207) == closes
    assert prices.from_units(closes[1]) == Decimal("1.000007")


KABUTO = "3538000KABUTODATA165"


def test_rival__correcting_anothers_close__refused_in_the_plan_naming_the_provider(
    provider: Client, rival: Client
) -> None:
    price_files.upload_prices(provider, table(("2026-11-20", TOYOTA, "2900")))
    toyota = next(s for s in list_securities(rival) if s.isin == TOYOTA)
    assert toyota.provider == KABUTO  # what the chain says: the institution that registered it
    columns = ("date", "isin", "close", "reason")
    fix = table(("2026-11-20", TOYOTA, "2905", "exchange revised the close"), columns=columns)
    with pytest.raises(ValidationError) as refused:
        price_files.upload_prices(rival, fix)
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "isin")
    assert KABUTO in error.reason and TOYOTA in error.reason
    with pytest.raises(ValidationError) as new_close:  # nor publish a close of its security
        price_files.upload_prices(rival, table(("2026-11-24", TOYOTA, "2950")))
    assert KABUTO in new_close.value.errors[0].reason
    same = price_files.upload_prices(rival, table(("2026-11-20", TOYOTA, "2900")))
    assert (same.unchanged, same.transactions) == ([2], 0)  # harmless: nothing to send
    assert prices.corrections(provider) == []
    assert len(price_files.upload_prices(provider, fix).items("correct")) == 1  # its provider
    assert prices.close_of(provider, toyota.index, FRI) == prices.to_units("2905")
