"""The `bpost` command line against the session chain: tables, --json, errors in one line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bpost_client.platform.participants import encryption_key_of
from bpost_client.platform.signers import dev_account
from tests.conftest import DEMO_ROSTER, ROOT, Node
from tests.helpers import due_in, fresh_account, make_lei

OPERATOR = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_status__json__names_the_chain_and_the_contracts(bpost: Any) -> None:
    result = bpost("--json", "status")
    assert result.code == 0, result.err
    status = result.json()
    assert status["chain_id"] == 20201030 and status["paused"] is False
    assert {"PlatformAccess", "ParticipantRegistry", "CodeRegistry"} <= set(status)


def test_participants_list__table_and_json(bpost: Any) -> None:
    table = bpost("participants", "list")
    assert table.code == 0 and "Sakura Asset Management Co., Ltd." in table.out
    rows = bpost("--json", "participants", "list").json()
    assert len(rows) == 8 and rows[0]["operators"] == [OPERATOR]


def test_participants_add__then_show(bpost: Any) -> None:
    """The first operator is a dev account, so on the embedded chain its key signs the admission."""
    account = dev_account(16)
    key = "0x" + encryption_key_of(account).hex()
    lei = make_lei(21)
    added = bpost("participants", "add", "--lei", lei, "--name", "Cli Bank", "--type", "custodian",
                  "--encryption-key", key, "--operator", account.address)  # fmt: skip
    assert added.code == 0, added.err
    shown = bpost("--json", "participants", "show", lei).json()
    assert shown["legal_name"] == "Cli Bank" and shown["kind"] == "custodian"
    assert shown["operators"] == [account.address] and shown["encryption_key"] == key
    assert shown["registered_at"].endswith("+00:00"), "a time, not a Unix timestamp"
    text = bpost("participants", "show", lei).out
    assert key in text and account.address in text
    assert "b'" not in text and "('" not in text, "no Python reprs for people"


def test_participants_add__bad_lei__one_line_error_no_traceback(bpost: Any) -> None:
    key = "0x" + encryption_key_of(fresh_account()).hex()
    result = bpost("participants", "add", "--lei", "3538000TEST000002199", "--name", "X",
                   "--type", "custodian", "--encryption-key", key,
                   "--operator", dev_account(16).address)  # fmt: skip
    assert result.code == 1
    assert result.err.startswith("error: ") and "check digits" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_participants_add__not_an_operator__names_the_custom_error(bpost: Any) -> None:
    key = "0x" + encryption_key_of(fresh_account()).hex()
    result = bpost("--dev-account", "5", "participants", "add", "--lei", make_lei(22),
                   "--name", "X", "--type", "custodian", "--encryption-key", key,
                   "--operator", dev_account(16).address)  # fmt: skip
    assert result.code == 1 and "PlatformAccessUnauthorized" in result.err
    assert "role=OPERATOR" in result.err, "a role by its name, not its hash"


def test_participants_add__operator_that_did_not_sign__refused_before_sending(
    bpost: Any,
) -> None:
    key = "0x" + encryption_key_of(fresh_account()).hex()
    stranger = fresh_account().address
    result = bpost("participants", "add", "--lei", make_lei(24), "--name", "X", "--type",
                   "custodian", "--encryption-key", key, "--operator", stranger)  # fmt: skip
    assert result.code == 1 and "must sign the admission" in result.err


def test_debug__shows_the_traceback(bpost: Any) -> None:
    result = bpost("--debug", "participants", "show", make_lei(23))
    assert result.code == 1
    assert "Traceback" in result.err and "ParticipantRegistryUnknownInstitution" in result.err


def test_roles_grant_revoke__change_once(bpost: Any) -> None:
    address = fresh_account().address
    assert bpost("--json", "roles", "grant", "observer", address).json()["changed"] is True
    assert bpost("--json", "roles", "grant", "OBSERVER_ROLE", address).json()["changed"] is False
    holders = bpost("--json", "roles", "list").json()
    assert {"role": "OBSERVER", "account": address} in [
        {"role": h["role"], "account": h["account"]} for h in holders
    ]
    assert bpost("--json", "roles", "revoke", "OBSERVER", address).json()["changed"] is True


def test_roles_grant__unknown_role__refused(bpost: Any) -> None:
    result = bpost("roles", "grant", "KING", fresh_account().address)
    assert result.code == 1 and "unknown role 'KING'" in result.err


def test_roles_apply__demo_roster__nothing_to_change(bpost: Any) -> None:
    result = bpost("--json", "roles", "apply", str(DEMO_ROSTER))
    assert result.code == 0 and result.json()["summary"] == "nothing to change"


def test_roles_apply__many_changes__progress_bar_then_idempotent(
    bpost: Any, tmp_path: Path
) -> None:
    key = "0x" + encryption_key_of(fresh_account()).hex()
    rows = [  # dev accounts: on the embedded chain their keys sign the admissions
        f"{make_lei(30 + i)},Bank {i},custodian,{key},{dev_account(16 + i).address},"
        "CUSTODIAN;OBSERVER"
        for i in range(3)
    ]
    path = tmp_path / "roster.csv"
    path.write_text("lei,legal_name,type,encryption_key,address,roles\n" + "\n".join(rows) + "\n")
    first = bpost("roles", "apply", str(path))
    assert first.code == 0, first.err
    assert "9 change(s) sent" in first.out and "roster" in first.err  # the progress bar
    again = bpost("roles", "apply", str(path))
    assert "nothing to change" in again.out


def test_roles_apply__bad_row__nothing_sent(bpost: Any, tmp_path: Path) -> None:
    key = "0x" + encryption_key_of(fresh_account()).hex()
    path = tmp_path / "roster.csv"
    path.write_text("lei,legal_name,type,encryption_key,address,roles\n"
                    f"{make_lei(40)},Good,custodian,{key},{fresh_account().address},CUSTODIAN\n"
                    f"{make_lei(41)},Bad,custodian,{key},0xnot-an-address,CUSTODIAN\n")  # fmt: skip
    before = bpost("--json", "status").json()["head_block"]
    result = bpost("roles", "apply", str(path))
    assert result.code == 1 and "row 3, column address" in result.err
    assert bpost("--json", "status").json()["head_block"] == before


def test_deploy__live_deployment__refused_or_skipped(bpost: Any) -> None:
    refused = bpost("deploy")
    assert refused.code == 1 and "--force" in refused.err
    skipped = bpost("--json", "deploy", "--skip-if-deployed")
    assert skipped.code == 0 and skipped.json()["already_deployed"] is True


def test_funds__upload_workflow_and_export_through_the_cli(bpost: Any, tmp_path: Path) -> None:
    manager, trustee, kanda, minato = ("--dev-account", "1"), ("--dev-account", "2"), (
        "--dev-account", "4"), ("--dev-account", "3")  # fmt: skip
    uploaded = bpost(*manager, "--json", "funds", "upload", "config/demo-funds.csv")
    assert uploaded.code == 0, uploaded.err
    rows = pd.read_csv(ROOT / "config" / "demo-funds.csv", dtype=str)["manager_code"].tolist()
    codes = {rows[int(row) - 2]: code for row, code in uploaded.json()["outcomes"].items()}
    code = codes["SAKURA-GBD"]
    shown = bpost("--json", "funds", "show", "--namespace", "ITA", "0331A02B").json()
    assert shown["fund_code"] == code and shown["status"] == "draft"
    typed = bpost("--json", "funds", "show", "--namespace", "ita", "0331a02b ").json()
    assert typed["fund_code"] == code, "a namespace and a code as people type them"
    unknown = bpost("funds", "show", "--namespace", "FIGI", "BBG000B9XRY4")
    assert unknown.code == 1 and "no namespace 'FIGI' is open on the platform" in unknown.err
    late = bpost(*manager, "funds", "propose", code, "--kind", "establish",
                 "--effective", "2026-04-01", "--due", "2026-03-25")  # fmt: skip
    assert late.code == 1 and "due date 2026-03-25 is in the past" in late.err
    due = due_in()
    proposed = bpost(*manager, "--json", "funds", "propose", code, "--kind", "establish",
                     "--effective", "2026-04-01", "--due", f"{due:%Y/%m/%d}").json()  # fmt: skip
    request = str(proposed["request_id"])
    after = (due + timedelta(days=1)).isoformat()
    pending = bpost(*trustee, "--json", "funds", "pending", "--today", after).json()
    assert [(p["request_id"], p["overdue"]) for p in pending] == [(int(request), True)]
    assert bpost(*trustee, "funds", "ack", request).code == 0
    assert bpost(*minato, "funds", "ack", request).code == 1  # not a party of this fund
    done = bpost(*kanda, "--json", "funds", "ack", request).json()
    assert done["state"] == "definitive"
    assert bpost(*manager, "funds", "status", code, "active").code == 0
    refused = bpost(*manager, "funds", "status", code, "redeemed")
    assert refused.code == 1 and "FundRegistryInvalidTransition" in refused.err
    assert "from=active, to=redeemed" in refused.err, "contract enums by name"
    closed = bpost(*trustee, "funds", "ack", request)
    assert "FundRegistryRequestClosed" in closed.err and "state=definitive" in closed.err
    history = bpost("--json", "funds", "history", code).json()
    assert [h["event"] for h in history][-2:] == ["FundStatusChanged", "FundStatusChanged"]
    target = tmp_path / "funds.csv"
    assert bpost("funds", "export", str(target)).code == 0
    exported = target.read_text()
    assert code in exported and "active" in exported and "さくら世界債券ファンド" in exported
    listed = bpost("funds", "list")
    assert "Sakura Global Bond Fund" in listed.out


def test_funds_upload__bad_file__rows_named_and_exit_1(bpost: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        Path("config/demo-funds.csv").read_text().replace("JP90C000SK23", "JP90C000SK24")
    )
    result = bpost("--dev-account", "1", "funds", "upload", str(path))
    assert result.code == 1 and "row 3, column isin" in result.err


def test_ssi_and_corporate__through_the_cli(bpost: Any, tmp_path: Path) -> None:
    fuji, sakura, minato = ("--dev-account", "2"), ("--dev-account", "1"), ("--dev-account", "3")
    table = tmp_path / "ssi.csv"
    table.write_text(
        "market,security_type,currency,settlement_method,custodian_bic,place_of_settlement,"
        "account,effective_from,counterparties\n"
        "XTKS,EQUITY,JPY,DVP,MHCBJPJT,JASDJPJT,0012345678,2026-04-01,3538000SAKURAAM00151\n"
    )
    published = bpost(*fuji, "--json", "ssi", "upload", str(table)).json()
    assert (published["publish"], published["dry_run"]) == (1, False)
    assert bpost(*fuji, "--json", "ssi", "upload", str(table)).json()["unchanged"] == 1
    query = ["ssi", "applicable", "3538000FUJITRUST0138", "--market", "XTKS", "--currency", "JPY",
             "--on", "2026-05-01"]  # fmt: skip
    [entitled] = bpost(*sakura, "--json", *query).json()
    assert entitled["account"] == "0012345678" and entitled["custodian_bic"] == "MHCBJPJT"
    [other] = bpost(*minato, "--json", *query).json()
    assert other["account"] == "(not shared with you)"
    notices = bpost(*sakura, "--json", "ssi", "notices").json()
    assert [n["owner"] for n in notices] == ["3538000FUJITRUST0138"]

    info = tmp_path / "corporate.csv"
    info.write_text(
        "lei,registered_address,aml_status,next_review_date,fatca_status,giin,crs_status,"
        "lei_renewal_date,aml_review_details,share_with\n"
        "3538000FUJITRUST0138,Tokyo,cleared,2027-03-31,participating_ffi,98Q96B.00000.LE.392,"
        "financial_institution,2026-01-15,EDD done,3538000SAKURAAM00151\n"
    )
    assert bpost(*fuji, "corporate", "upload", str(info)).code == 0
    shown = bpost(*sakura, "--json", "corporate", "show", "3538000FUJITRUST0138",
                  "--today", "2026-06-01").json()  # fmt: skip
    assert shown["aml_review_details"] == "EDD done" and "LEI renewal lapsed" in shown["warnings"]
    hidden = bpost(*minato, "--json", "corporate", "show", "3538000FUJITRUST0138").json()
    assert hidden["content"] == "(not shared with you)" and "aml_status" not in hidden
    assert "3538000SAKURAAM00151" in hidden["recipients"] and hidden["version"] == 1
    checked = bpost(*sakura, "--json", "corporate", "check", "3538000FUJITRUST0138").json()
    assert (checked["valid"], checked["refusal_sent"]) == (True, False)
    outside = bpost(*minato, "corporate", "check", "3538000FUJITRUST0138")
    assert outside.code == 1 and "not sealed to 3538000MINATOSEC0159" in outside.err


def test_deploy__skip_if_deployed__replaces_other_contract_versions(
    bpost: Any, isolated: Any, tmp_path: Path
) -> None:
    import json

    manifest = json.loads((isolated.deployments / "20201030.json").read_text())
    manifest["contracts"]["CodeRegistry"]["abi_digest"] = "0x" + "00" * 32
    (tmp_path / "20201030.json").write_text(json.dumps(manifest))
    old = manifest["contracts"]["PlatformAccess"]["address"]
    result = main_with(
        bpost, "--deployments", str(tmp_path), "--json", "deploy", "--skip-if-deployed"
    )
    assert result["PlatformAccess"].split()[0] != old
    again = main_with(
        bpost, "--deployments", str(tmp_path), "--json", "deploy", "--skip-if-deployed"
    )
    assert again["already_deployed"] is True


def main_with(bpost: Any, *args: str) -> Any:
    """Run `bpost` with options that override the fixture's (the last --deployments wins)."""
    result = bpost(*args)
    assert result.code == 0, result.err
    return result.json()


def test_calendar__publish_and_ask_through_the_cli(bpost: Any) -> None:
    published = bpost("--json", "calendar", "publish", "--market", "XTKS", "--year", "2026")
    assert published.code == 0, published.err
    assert (
        bpost("--json", "calendar", "publish", "--market", "XTKS", "--year", "2026").json()[
            "transactions"
        ]
        == 0
    )
    assert (
        bpost("--json", "calendar", "is-business-day", "XTKS", "2026-05-04").json()["business_day"]
        is False
    )
    assert (
        bpost("--json", "calendar", "add-business-days", "XTKS", "2026-04-30", "2").json()["date"]
        == "2026-05-07"
    )
    shown = bpost("--json", "calendar", "show", "XTKS", "--year", "2026").json()
    assert "2026-01-02" in shown["holidays"] and shown["version"] == 1
    unpublished = bpost("calendar", "is-business-day", "XTKS", "2027-01-04")
    assert unpublished.code == 1 and "not published" in unpublished.err
    assert "bpost calendar publish --market XTKS --year 2027" in unpublished.err


def test_funds_show__wrong_check_character__one_line_in_words(bpost: Any) -> None:
    result = bpost("funds", "show", "BP000000019")
    assert result.code == 1 and result.err.startswith("error: ")
    assert "ValueError" not in result.err and "BP000000019" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_upload__xlsx_that_is_not_excel__file_named(bpost: Any, tmp_path: Path) -> None:
    fake = tmp_path / "securities.xlsx"
    fake.write_text("isin,local_code,name,market,currency\n")
    result = bpost("--dev-account", "6", "securities", "upload", "--dry-run", str(fake))
    assert result.code == 1
    assert f"{fake} is not an Excel (.xlsx) workbook" in result.err
    assert "BadZipFile" not in result.err


def test_interrupted__exit_130_in_one_line(bpost: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from bpost_client.cli._context import Context

    def interrupt(self: Context, signing: bool = False) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Context, "client", interrupt)
    result = bpost("status")
    assert (result.code, result.err.strip()) == (130, "interrupted")


def test_run_from_another_folder__says_where_it_looked_and_how_to_point(
    isolated: Node, tmp_path: Path
) -> None:
    from tests.e2e.conftest import run_process

    result = run_process("bpost", "--url", isolated.url, "status", cwd=tmp_path)
    assert result.code == 1
    assert str(tmp_path / "deployments") in result.err, "the path searched, in full"
    assert "--deployments DIR" in result.err and "BPOST_DEPLOYMENTS" in result.err


def test_global_option_after_the_command__told_where_it_goes(bpost: Any) -> None:
    result = bpost("funds", "list", "--json")
    assert result.code == 2
    assert "--json is an option of bpost itself" in result.err
    assert "(bpost --json --url " in result.err and result.err.endswith(" funds list)\n")


def test_dash_as_out__standard_output_not_a_file_named_dash(
    bpost: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = str(ROOT / "config" / "demo-distribution" / "sakura-funds.xml")
    converted = bpost("distribution", "convert", "--from", "xml", "--to", "json", source, "-")
    assert converted.code == 0, converted.err
    assert json.loads(converted.out)["navs"], "the standard's JSON on standard output"
    lending = ROOT / "config" / "demo-lending"
    inputs = ["--agreements", str(lending / "agreements.csv"), "--positions",
              str(lending / "positions.csv"), "--prices", str(lending / "prices.csv"),
              "--dividends", str(lending / "dividends.csv"), "--from", "2026-09-01",
              "--to", "2026-09-30", "--out", "-"]  # fmt: skip
    calculated = bpost("lending", "calc", *inputs)
    assert calculated.code == 0, calculated.err
    assert calculated.out.startswith("agreement_id,lender,borrower,")
    rows = bpost("--json", "lending", "calc", *inputs).json()
    assert rows and rows[0]["agreement_id"] == "SBL-2026-001"
    assert not (tmp_path / "-").exists()


def test_participants_list__dev_accounts__as_the_readme_lists_them(bpost: Any) -> None:
    rows = bpost("--json", "participants", "list").json()
    listed = {(r["dev_account"], r["lei"], r["legal_name"]) for r in rows}
    readme = (ROOT / "README.md").read_text("utf-8")
    table = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in readme.splitlines()
        if line.startswith("| ") and line.count("|") == 5 and line[2:3].isdigit()
    ]
    assert len(table) == 8
    assert {(int(n), lei, name) for n, name, lei, _ in table} == listed
    shown = bpost("participants", "list").out
    assert "dev_account" in shown and "None" not in shown


def test_version__the_package_version(bpost: Any) -> None:
    from bpost_client import __version__

    result = bpost("--version")
    assert (result.code, result.out.strip()) == (0, f"bpost {__version__}")


def test_calendar__lower_case_mic_and_t_minus_one(bpost: Any, nav_funds: list[str]) -> None:
    shown = bpost("--json", "calendar", "show", "xtks", "--year", "2026").json()
    assert shown["market"] == "XTKS" and "2026-11-23" in shown["holidays"]
    before = bpost("--json", "calendar", "add-business-days", "xtks", "2026-11-24", "-1").json()
    assert before["date"] == "2026-11-20", "T-1 of the day after a holiday is the Friday"
    after = bpost("--json", "calendar", "add-business-days", "XTKS", "2026-11-20", "2").json()
    assert after["date"] == "2026-11-25"


def test_prices_export__to_before_from__refused_in_words(bpost: Any) -> None:
    result = bpost("prices", "export", "-", "--from", "2026-11-24", "--to", "2026-11-20")
    assert result.code == 1
    assert "ends (2026-11-20) before it starts (2026-11-24)" in result.err


def test_funds_upload__misspelt_column__refused_with_the_right_name(
    bpost: Any, tmp_path: Path
) -> None:
    text = (ROOT / "config" / "demo-funds.csv").read_text("utf-8")
    misspelt = tmp_path / "funds.csv"
    misspelt.write_text(text.replace(",distributors,", ",distributers,", 1), "utf-8")
    result = bpost("--dev-account", "1", "funds", "upload", "--dry-run", str(misspelt))
    assert result.code == 1, "a misspelt column is not read as an empty one"
    assert "row 1, column distributers: unknown column: did you mean distributors?" in result.err


def test_ssi_upload__unknown_fund__named_by_the_dry_run(bpost: Any, tmp_path: Path) -> None:
    text = (ROOT / "config" / "demo-ssi.csv").read_text("utf-8").splitlines()
    header, first = text[0], text[1]
    rows = tmp_path / "ssis.csv"
    rows.write_text(f"{header}\nBP000000018{first}\n", "utf-8")  # well formed, not registered
    result = bpost("--dev-account", "2", "ssi", "upload", "--dry-run", str(rows))
    assert result.code == 1, "found by the dry run, not at send time"
    assert "row 2, column fund_code: BP000000018 is not a registered fund" in result.err


def test_ssi_upload__codes_outside_their_vocabulary__each_named(bpost: Any, tmp_path: Path) -> None:
    header = (ROOT / "config" / "demo-ssi.csv").read_text("utf-8").splitlines()[0]
    rows = tmp_path / "ssis.csv"
    rows.write_text(
        f"{header}\n"
        ",XXXX,EQUITY,JPY,DVP,MHCBJPJT,JASDJPJT,1,2026-04-01,,\n"
        ",XTKS,EQUTY,JPY,DVP,MHCBJPJT,JASDJPJT,2,2026-04-01,,\n"
        ",XTKS,EQUITY,JPN,DVP,MHCBJPJT,JASDJPJT,3,2026-04-01,,\n"
        ",XTKS,EQUITY,JPY,DVPP,MHCBJPJT,JASDJPJT,4,2026-04-01,,\n"
        ",xtks,bond,jpy,dvp,MHCBJPJT,JASDJPJT,5,2026-04-01,,\n",
        "utf-8",
    )
    result = bpost("--dev-account", "2", "ssi", "upload", "--dry-run", str(rows))
    assert result.code == 1
    for line in (
        "row 2, column market: XXXX is not a market the platform knows",
        "row 3, column security_type: 'EQUTY' is not a security type (one of EQUITY,",
        "row 4, column currency: 'JPN' is not an ISO 4217 currency code",
        "row 5, column settlement_method: 'DVPP' is not a settlement method (one of DVP,",
    ):
        assert line in result.err, result.err
    assert "row 6" not in result.err, "lower case is read as upper case"


def test_ssi_applicable__codes_in_lower_case(bpost: Any) -> None:
    assert bpost("--dev-account", "2", "ssi", "upload", "config/demo-ssi.csv").code == 0
    query = ["ssi", "applicable", "3538000FUJITRUST0138", "--on", "2026-05-01"]
    upper = bpost("--json", *query, "--market", "XTKS", "--currency", "JPY").json()
    lower = bpost("--json", *query, "--market", "xtks", "--currency", "jpy").json()
    assert len(upper) == 2 and lower == upper
    refused = bpost(*query, "--market", "XTKS", "--currency", "JPN")
    assert refused.code == 1 and "'JPN' is not an ISO 4217 currency code" in refused.err


def test_dates_as_people_write_them__command_line_and_uploads(
    bpost: Any, nav_funds: list[str], tmp_path: Path
) -> None:
    forms = ("2026-11-20", "2026/11/20", "20261120", "令和8年11月20日", "２０２６／１１／２０")
    for written in forms:
        answer = bpost("--json", "calendar", "is-business-day", "XTKS", written).json()
        assert answer["date"] == "2026-11-20", written
    securities = tmp_path / "securities.csv"
    securities.write_text(
        "isin,local_code,name,market,currency\nJP3633400001,7203,Toyota,XTKS,JPY\n"
    )
    assert bpost("--dev-account", "6", "securities", "upload", str(securities)).code == 0
    closes = tmp_path / "closes.csv"
    closes.write_text("date,isin,close,reason\n令和8年11月20日,JP3633400001,2825,\n", "utf-8")
    planned = bpost("--json", "--dev-account", "6", "prices", "upload", "--dry-run", str(closes))
    assert planned.code == 0, planned.err
    assert planned.json()["publish"] == 1


def test_upload_summary__for_people__no_python_reprs(bpost: Any, tmp_path: Path) -> None:
    securities = tmp_path / "securities.csv"
    securities.write_text(
        "isin,local_code,name,market,currency\nJP3633400001,7203,Toyota,XTKS,JPY\n"
    )
    shown = bpost("--dev-account", "6", "securities", "upload", "--dry-run", str(securities)).out
    lines = {line.split()[0]: line.split(None, 1)[1] for line in shown.splitlines() if line.split()}
    assert lines["bad_rows"] == "none" and lines["dry_run"] == "True"
    assert "[]" not in shown and "{}" not in shown
