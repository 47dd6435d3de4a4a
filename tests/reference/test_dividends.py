"""Dividends through the client: Tokyo ex-dates from the on-chain calendar, statuses,
corrections with versions, every validation rule with a bad row, idempotent re-runs, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bpost_client.client import Client, connect
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import isin_with_check_digit
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars, dividend_files, dividends, security_files
from bpost_client.reference.dividends import DividendStatus
from bpost_client.reference.prices import to_units
from tests.conftest import ROOT, Node

TOYOTA, IBM = "JP3633400001", "US4592001014"
COLUMNS = dividend_files.DIVIDEND_COLUMNS
DEMO = ROOT / "config" / "demo-dividends.csv"


@pytest.fixture
def provider(isolated: Node, operator: Client) -> Client:
    """Kabuto Market Data with the demo security master and the 2026 Tokyo calendar on chain."""
    tokyo = calendars.sessions_from_exchange_calendars("XTKS", [2026])
    calendars.publish_years(operator, [calendars.year_map("XTKS", 2026, tokyo)])
    client = connect(isolated.url, isolated.deployments, dev_account(6))
    security_files.upload_securities(client, ROOT / "config" / "demo-securities.csv")
    return client


def row(**cells: str) -> dict[str, str]:
    base = {
        "isin": TOYOTA,
        "record_date": "2026-09-30",
        "ex_date": "",
        "payment_date": "2026-11-26",
        "amount_per_share": "45",
        "currency": "JPY",
        "status": "declared",
        "reason": "",
    }
    return {**base, **cells}


def table(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(COLUMNS))


def test_demo_file__tokyo_ex_dates_derived__again_unchanged(provider: Client) -> None:
    report = dividend_files.upload_dividends(provider, DEMO)
    assert len(report.items("record")) == 7 and report.transactions == 1
    recorded = {(d.isin, d.record_date): d for d in dividends.list_dividends(provider)}
    toyota = recorded[TOYOTA, date(2026, 9, 30)]
    assert (toyota.ex_date, toyota.amount_per_share, toyota.status) == (
        date(2026, 9, 29),
        to_units("45"),
        DividendStatus.DECLARED,
    )
    assert recorded[TOYOTA, date(2026, 3, 31)].ex_date == date(2026, 3, 30)
    assert recorded[IBM, date(2026, 11, 10)].ex_date == date(2026, 11, 10)  # as given
    again = dividend_files.upload_dividends(provider, DEMO)
    assert (again.items("record"), len(again.unchanged), again.transactions) == ([], 7, 0)


def test_tokyo_ex_date__skips_the_september_holidays(provider: Client) -> None:
    dividend_files.upload_dividends(provider, table(row(record_date="2026-09-24")))
    [stored] = dividends.list_dividends(provider, TOYOTA)
    assert stored.ex_date == date(2026, 9, 18)  # 21, 22, 23 September are holidays


def test_lifecycle_and_correction__versions_keep_replaced_values(provider: Client) -> None:
    forecast = row(amount_per_share="40", status="forecast")
    dividend_files.upload_dividends(provider, table(forecast))
    dividend_files.upload_dividends(provider, table(row()))  # declared at 45: no reason needed
    with pytest.raises(ValidationError) as refused:
        dividend_files.upload_dividends(provider, table(row(amount_per_share="46")))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "status")]
    assert "needs a reason" in refused.value.errors[0].reason
    corrected = row(amount_per_share="46", reason="issuer's notice of 2026-10-01")
    dividend_files.upload_dividends(provider, table(corrected))
    dividend_files.upload_dividends(provider, table({**corrected, "status": "paid"}))
    history = dividends.dividend_history(provider, TOYOTA)
    assert [(d.version, d.status.label, str(d.amount)) for d in history] == [
        (1, "forecast", "40"),
        (2, "declared", "45"),
        (3, "declared", "46"),
        (4, "paid", "46"),
    ]
    assert history[2].reason == "issuer's notice of 2026-10-01"
    exported = dividend_files.export_dividends(provider)
    assert exported.to_dict(orient="records") == [
        {**corrected, "ex_date": "2026-09-29", "status": "paid"}
    ]


BAD_ROWS = [
    (row(isin="JP3633400002"), "isin", "check digit"),
    (row(isin=isin_with_check_digit("JP999999999")), "isin", "not in the security master"),
    (row(record_date="2026-02-30"), "record_date", "not a calendar date"),
    (row(payment_date=""), "payment_date", "empty"),
    (row(payment_date="2026-09-01"), "payment_date", "before the record date"),
    (row(ex_date="2026-10-01"), "ex_date", "after the record date"),
    (row(ex_date="2026-09-28"), "ex_date", "business day before the record date is 2026-09-29"),
    (row(record_date="2027-03-31", payment_date="2027-06-01"), "record_date", "2027"),
    (row(isin=IBM, record_date="2026-11-10", currency="USD"), "ex_date", "only Tokyo"),
    (row(amount_per_share="0"), "amount_per_share", "not cancelled"),
    (row(amount_per_share="-1"), "amount_per_share", "not a positive"),
    (row(amount_per_share="1.0000001"), "amount_per_share", "more than 6 decimals"),
    (row(amount_per_share="x"), "amount_per_share", "not a number"),
    (row(currency="yen"), "currency", "ISO 4217"),
    (row(status="announced"), "status", "not a status"),
]


@pytest.mark.parametrize(("bad", "column", "reason"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_bad_row__reported_with_row_column_reason__nothing_written(
    provider: Client, bad: dict[str, str], column: str, reason: str
) -> None:
    good = row(isin="JP3435000009", amount_per_share="12.5")
    with pytest.raises(ValidationError) as refused:
        dividend_files.upload_dividends(provider, table(good, bad))
    errors = refused.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason
    assert dividends.list_dividends(provider) == []


def test_bad_rows__duplicate_missing_column_and_refused_transition(provider: Client) -> None:
    with pytest.raises(ValidationError) as twice:
        dividend_files.upload_dividends(provider, table(row(), row()))
    assert [(e.row, e.column) for e in twice.value.errors] == [(3, "record_date")]
    with pytest.raises(ValidationError) as missing:
        dividend_files.upload_dividends(provider, table(row()).drop(columns=["status"]))
    assert [(e.row, e.column) for e in missing.value.errors] == [(1, "status")]
    dividend_files.upload_dividends(provider, table(row(status="paid")))
    with pytest.raises(ValidationError) as refused:
        dividend_files.upload_dividends(provider, table(row(status="cancelled", reason="r")))
    assert "cannot become cancelled" in refused.value.errors[0].reason


def test_cancelled_with_zero_amount__recorded(provider: Client) -> None:
    dividend_files.upload_dividends(provider, table(row(status="forecast")))
    dividend_files.upload_dividends(provider, table(row(status="cancelled", amount_per_share="0")))
    [stored] = dividends.list_dividends(provider)
    assert (stored.status, stored.amount_per_share, stored.version) == (
        DividendStatus.CANCELLED,
        0,
        2,
    )


def test_export__cp932_round_trip(provider: Client, tmp_path: Path) -> None:
    dividend_files.upload_dividends(provider, DEMO)
    target = tmp_path / "dividends.csv"
    dividend_files.export_dividends(provider).to_csv(target, index=False, encoding="cp932")
    again = dividend_files.upload_dividends(provider, target)
    assert again.items("record") == [] and len(again.unchanged) == 7


KABUTO = "3538000KABUTODATA165"


def test_rival__correcting_anothers_dividend__refused_in_the_plan_naming_the_publisher(
    provider: Client, rival: Client
) -> None:
    dividend_files.upload_dividends(provider, table(row()))
    [recorded] = dividends.list_dividends(rival, TOYOTA)
    assert (recorded.publisher, recorded.version) == (KABUTO, 1)  # what the chain says
    fix = table(row(amount_per_share="46", reason="issuer notice"))
    with pytest.raises(ValidationError) as refused:
        dividend_files.upload_dividends(rival, fix)
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "isin")
    assert KABUTO in error.reason
    same = dividend_files.upload_dividends(rival, table(row()))
    assert (same.unchanged, same.transactions) == ([2], 0)
    assert [d.version for d in dividends.dividend_history(provider, TOYOTA)] == [1]
    assert len(dividend_files.upload_dividends(provider, fix).items("record")) == 1
    [changed] = dividends.list_dividends(provider, TOYOTA)
    assert (changed.version, changed.amount_per_share, changed.publisher) == (
        2,
        to_units("46"),
        KABUTO,
    )
