"""Publishing a dataset of the standard: planned against the chain, every bad record reported
with the contract's own verdict before anything is sent, re-runs publish nothing twice, a record
marked as a correction corrects."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from bpost_client.cli import main
from bpost_client.client import Client
from bpost_client.distribution import navs, notices
from bpost_client.distribution.publication import plan_publication, publish_dataset
from bpost_client.distribution.standard import ita_csv
from bpost_client.distribution.standard.records import (
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    NonApplicationReason,
)
from bpost_client.exceptions import ValidationError
from tests.conftest import Node

MON, TUE, HOLIDAY = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 23)
REPORT_HASH = "0x" + hashlib.sha256(b"report").hexdigest()


def week(codes: list[str]) -> list[Nav]:
    return [
        Nav(
            fund=c,
            date=d,
            nav_per_10000_units=10_000 + i,
            net_assets=10**9,
            units_outstanding=10**9,
        )
        for i, c in enumerate(codes)
        for d in (MON, TUE)
    ]


def test_publish__everything_then_again__nothing_twice(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    fund = nav_funds[0]
    dataset = Dataset.of(
        [
            *week(nav_funds),
            Distribution(fund=fund, date=date(2026, 7, 15), period=12, amount_per_10000_units=150),
            NonApplicationDay(
                fund=fund,
                date=date(2026, 11, 26),
                reason=NonApplicationReason.MARKET_HOLIDAY,
                market="XNYS",
            ),
            ManagementReport(
                fund=fund,
                period=12,
                date=date(2026, 8, 20),
                content_hash=REPORT_HASH,
                location="https://sakura.example/12.pdf",
                format="pdf",
            ),
        ]
    )
    plan = publish_dataset(asset_manager, dataset)
    assert (len(plan.new_navs), len(plan.new_notices)) == (6, 3)
    assert navs.current_navs(asset_manager)[fund, TUE].nav == 10_000
    assert len(notices.notice_changes(asset_manager)) == 3
    again = publish_dataset(asset_manager, dataset)
    assert (again.unchanged, again.transactions) == (9, 0)


def test_bad_records__every_one_reported__nothing_sent(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    navs.publish_navs(asset_manager, [navs.NavRecord(nav_funds[0], MON, 10_000, 10**9, 10**9)])
    dataset = Dataset.of(
        [
            Nav(fund=nav_funds[0], date=MON, nav_per_10000_units=10_001, net_assets=10**9),
            Nav(fund=nav_funds[1], date=HOLIDAY, nav_per_10000_units=10_000, net_assets=1),
            Nav(fund=nav_funds[0], date=TUE, nav_per_10000_units=12_000, net_assets=1),
            Nav(fund="0331418A", date=TUE, nav_per_10000_units=10_000, net_assets=1),
            Nav(fund=nav_funds[2], date=TUE, nav_per_10000_units=10_000, net_assets=1),
        ]
    )
    with pytest.raises(ValidationError) as refused:
        publish_dataset(asset_manager, dataset)
    reasons = {(e.row, e.column): e.reason for e in refused.value.errors}
    assert len(reasons) == 4, reasons
    positions = {(n.fund, n.date): i for i, n in enumerate(dataset.navs, start=1)}
    assert "published as 10000" in reasons[positions[nav_funds[0], MON], "navs.nav_per_10000_units"]
    assert "not a NAV day" in reasons[positions[nav_funds[1], HOLIDAY], "navs.date"]
    assert "threshold" in reasons[positions[nav_funds[0], TUE], "navs.date"]
    assert "not a fund" in reasons[positions["0331418A", TUE], "navs.fund"]
    assert len(navs.nav_batches(asset_manager)) == 1, "nothing was sent"
    plan = plan_publication(asset_manager, Dataset.of([dataset.navs[-1]]))
    assert not plan.errors and len(plan.new_navs) == 1


def test_correction_record__corrects_the_published_nav(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    navs.publish_navs(asset_manager, [navs.NavRecord(nav_funds[0], MON, 10_000, 10**9, 10**9)])
    corrected = Nav(
        fund=nav_funds[0],
        date=MON,
        nav_per_10000_units=10_010,
        net_assets=10**9,
        units_outstanding=10**9,
        version=2,
        correction_reason="late dividend",
        previous={"nav_per_10000_units": 10_000},
    )
    plan = publish_dataset(asset_manager, Dataset.of([corrected]))
    assert len(plan.nav_corrections) == 1
    current = navs.current_navs(asset_manager)[nav_funds[0], MON]
    assert (current.nav, current.version) == (10_010, 2)


def test_cli_publish__ita_csv_file(
    isolated: Node,
    asset_manager: Client,
    nav_funds: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "nav.csv"
    source.write_bytes(ita_csv.to_bytes(Dataset.of(week(nav_funds[:1])), nav_funds[0]))
    connection = ["--url", isolated.url, "--deployments", str(isolated.deployments)]
    command = ["distribution", "publish", str(source), "--format", "ita-csv"]
    args = [*connection, "--dev-account", "1", "--json", *command, "--fund", nav_funds[0]]
    assert main(args) == 0, capsys.readouterr().err
    assert '"navs": 2' in capsys.readouterr().out
    assert main(args) == 0
    assert '"unchanged": 2' in capsys.readouterr().out


def test_cli__profile_mandated_delegate_confirm(
    isolated: Node,
    asset_manager: Client,
    nav_funds: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connection = ["--url", isolated.url, "--deployments", str(isolated.deployments)]
    manager, trustee = [*connection, "--dev-account", "1"], [*connection, "--dev-account", "2"]
    fund = nav_funds[0]
    profile = ["distribution", "profile", fund, "--closing-month", "3", "--closing-day", "31"]
    profile += ["--holiday-market", "XLON", "--threshold-bps", "500"]
    assert main([*manager, *profile]) == 0, capsys.readouterr().err
    state = navs.fund_state(asset_manager, fund)
    assert state.threshold_bps == 500
    registry = asset_manager.contract("DistributionRegistry").functions
    assert not registry.canPublish(navs.serial_of(fund), b"3538000MINATOSEC0159").call()
    capsys.readouterr()
    grant = ["mandates", "grant", "3538000MINATOSEC0159", "--scope", "distribution-delegate"]
    assert main([*manager, "--json", *grant, "--subject", fund]) == 0, capsys.readouterr().err
    granted = json.loads(capsys.readouterr().out)
    assert (granted["principal"], granted["scope"], granted["subject"]) == (
        "3538000SAKURAAM00151",
        "distribution-delegate",
        fund,
    )
    assert registry.canPublish(navs.serial_of(fund), b"3538000MINATOSEC0159").call()
    assert main([*manager, "mandates", "revoke", granted["mandate_id"]]) == 0
    assert not registry.canPublish(navs.serial_of(fund), b"3538000MINATOSEC0159").call()
    navs.publish_navs(asset_manager, [navs.NavRecord(fund, MON, 10_000, 10**9, 10**9)])
    computed = tmp_path / "trustee.csv"
    computed.write_bytes(ita_csv.to_bytes(Dataset.of(week([fund])[:1]), fund))
    confirm = ["distribution", "confirm", str(computed), "--format", "ita-csv", "--fund", fund]
    assert main([*trustee, *confirm]) == 0, capsys.readouterr().err
    assert navs.fund_state(asset_manager, fund).confirmed
    bad = ["distribution", "profile", fund, "--closing-month", "3", "--closing-day", "15"]
    bad += ["--nav-market", "TOOLONG"]
    assert main([*manager, *bad]) == 1
    assert "market" in capsys.readouterr().err


def test_bad_notices__reported_from_the_contracts_views(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    fund = nav_funds[0]
    dataset = Dataset.of(
        [
            Distribution(fund=fund, date=date(2026, 7, 16), period=12, amount_per_10000_units=1),
            NonApplicationDay(
                fund=fund,
                date=date(2026, 11, 27),
                reason=NonApplicationReason.MARKET_HOLIDAY,
                market="XNYS",
            ),
            NonApplicationDay(
                fund=fund,
                date=date(2026, 11, 26),
                reason=NonApplicationReason.MARKET_HOLIDAY,
                market="XLON",
            ),
        ]
    )
    with pytest.raises(ValidationError) as refused:
        publish_dataset(asset_manager, dataset)
    found = sorted((e.column, e.reason) for e in refused.value.errors)
    assert found == [
        ("distributions.date", "not a fiscal closing date of the fund"),
        ("non_application_days.date", "XNYS is open that day"),
        ("non_application_days.market", "not one of the fund's holiday markets (XNYS)"),
    ]
    assert notices.notice_changes(asset_manager) == []
