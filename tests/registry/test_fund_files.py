"""Fund upload and export: every bad row named, nothing half-written, resume, round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import fund_code
from bpost_client.io.tables import read_table, write_table
from bpost_client.platform import codes
from bpost_client.platform.signers import dev_account
from bpost_client.registry import fund_files
from bpost_client.registry.fund_table import FUND_COLUMNS

TRUSTEE = "3538000FUJITRUST0138"
DISTRIBUTOR = "3538000KANDABANK0193"
CUSTODIAN = "3538000MINATOSEC0159"
ISINS = ["JP90C000H1T1", "US0378331005", "JP3633400001"]


def row(code: str, **changes: str) -> dict[str, str]:
    values = {
        "manager_code": code, "name_ja": f"さくらファンド{code}", "name_en": f"Sakura Fund {code}",
        "trustee_lei": TRUSTEE, "fund_type": "equity", "currency": "JPY",
        "establishment_date": "2026-04-01", "redemption_date": "", "isin": "", "ita_code": "",
        "other_codes": "", "distributors": DISTRIBUTOR, "custodians": "",
    }  # fmt: skip
    values.update(changes)
    return values


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(FUND_COLUMNS))


def fund_count(client: Client) -> int:
    return int(client.contract("FundRegistry").functions.fundCount().call())


def test_upload__bad_rows__each_named_and_nothing_sent(asset_manager: Client) -> None:
    bad = frame(
        row("OK-1"),
        row("BAD-LEI", trustee_lei="3538000FUJITRUST0139"),
        row("BAD-DATE", establishment_date="2026-02-30"),
        row("BAD-ISIN", isin="JP90C000H1T2"),
        row("BAD-TYPE", fund_type="crypto", currency="yen"),
        row("OK-1"),
        row("BAD-PARTY", distributors=f"{DISTRIBUTOR};{DISTRIBUTOR}"),
        row("BAD-ORDER", redemption_date="2026-03-31"),
        row("", name_ja="", name_en=""),
    )
    head = asset_manager.w3.eth.block_number
    with pytest.raises(ValidationError) as caught:
        fund_files.upload_funds(asset_manager, bad)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "trustee_lei"), (4, "establishment_date"), (5, "isin"), (6, "fund_type"),
        (6, "currency"), (7, "manager_code"), (8, "distributors"), (9, "redemption_date"),
        (10, "manager_code"), (10, "name_ja"),
    }  # fmt: skip
    assert asset_manager.w3.eth.block_number == head


def test_upload__refusals_only_the_chain_knows__named_before_sending(asset_manager: Client) -> None:
    first = fund_files.upload_funds(asset_manager, frame(row("FIRST", isin=ISINS[0])))
    [fund_code_of_first] = first.outcomes.values()
    head = asset_manager.w3.eth.block_number
    with pytest.raises(ValidationError) as caught:
        fund_files.upload_funds(asset_manager, frame(
            row("TAKEN", isin=ISINS[0]),
            row("NOT-A-TRUSTEE", trustee_lei=CUSTODIAN),
            row("NO-NAMESPACE", other_codes="VENDORX:123"),
            row("NOT-FOR-FUNDS", other_codes="LEI:3538000FUJITRUST0138"),
        ))  # fmt: skip
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (2, "isin"),
        (3, "trustee_lei"),
        (4, "other_codes"),
        (5, "other_codes"),
    }
    reasons = {e.row: e.reason for e in caught.value.errors}
    assert reasons[2] == f"ISIN {ISINS[0]} already points to fund {fund_code_of_first}"
    assert "namespace LEI takes no fund codes" in reasons[5], "institutions' codes, not funds'"
    assert asset_manager.w3.eth.block_number == head


def test_upload__skip_invalid__sends_the_good_rows_and_reports_the_rest(
    asset_manager: Client,
) -> None:
    before = fund_count(asset_manager)
    report = fund_files.upload_funds(
        asset_manager,
        frame(row("GOOD-1"), row("BAD", currency="yen"), row("GOOD-2")),
        skip_invalid=True,
    )
    assert [(r.row, r.registration.manager_code) for r in report.items("register")] == [
        (2, "GOOD-1"),
        (4, "GOOD-2"),
    ]
    assert [(e.row, e.column) for e in report.errors] == [(3, "currency")]
    assert fund_count(asset_manager) == before + 2


def test_upload__killed_half_way__resumes_without_duplicates(asset_manager: Client) -> None:
    before = fund_count(asset_manager)
    rows = frame(*[row(f"RESUME-{i:02d}", ita_code=f"RES{i:05d}") for i in range(40)])
    batches = 0

    def kill_after_two(_receipt: Any) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise KeyboardInterrupt("killed")

    asset_manager.sender.max_in_flight = 1  # the kill lands between two transactions
    with pytest.raises(KeyboardInterrupt):
        fund_files.upload_funds(asset_manager, rows, on_done=kill_after_two, max_batch=8)
    written = fund_count(asset_manager) - before
    assert written == 16, "two batches of eight"
    resumed = fund_files.upload_funds(asset_manager, rows, max_batch=8)
    assert len(resumed.unchanged) == written and len(resumed.rows("register")) == 40 - written
    assert fund_count(asset_manager) == before + 40
    again = fund_files.upload_funds(asset_manager, rows)
    assert again.rows("register") == [] and len(again.unchanged) == 40


def test_export__round_trip_through_excel_is_lossless(
    asset_manager: Client, tmp_path: Path
) -> None:
    source = frame(
        row("RT-1", isin=ISINS[1], ita_code="0331418A", other_codes="ISIN2:X1;VENDOR:V-9",
            custodians=CUSTODIAN, redemption_date="2036-03-31"),
        row("RT-2", fund_type="reit", currency="USD", distributors=""),
    )  # fmt: skip
    operator = asset_manager.with_account(dev_account(0))
    by_funds = codes.parse_linker(operator, "FundRegistry:fund:asset_manager")
    for ns in ("ISIN2", "VENDOR"):
        codes.register_namespace(operator, ns, description=ns, linkers=[by_funds])
    path = write_table(source, tmp_path / "funds.xlsx")
    report = fund_files.upload_funds(asset_manager, path)
    exported = fund_files.export_funds(asset_manager, "3538000SAKURAAM00151")
    mine = exported[exported["manager_code"].isin(["RT-1", "RT-2"])].reset_index(drop=True)
    assert mine[list(FUND_COLUMNS)].equals(source)
    assert list(mine["fund_code"]) == [report.outcomes[r] for r in report.rows("register")]
    assert list(mine["status"]) == ["draft", "draft"] and list(mine["version"]) == ["1", "1"]
    write_table(mine, tmp_path / "export.xlsx")
    again = fund_files.upload_funds(asset_manager, tmp_path / "export.xlsx")
    assert again.rows("register") == [] and len(again.unchanged) == 2


def test_upload__cp932_csv__names_survive(asset_manager: Client, tmp_path: Path) -> None:
    path = tmp_path / "funds.csv"
    frame(row("SJIS-1", name_ja="日本株式オープン")).to_csv(path, index=False, encoding="cp932")
    assert read_table(path).loc[0, "name_ja"] == "日本株式オープン"
    report = fund_files.upload_funds(asset_manager, path)
    [code] = report.outcomes.values()
    exported = fund_files.export_funds(asset_manager)
    assert exported.set_index("fund_code").loc[code, "name_ja"] == "日本株式オープン"


def test_upload__fund_code_column_must_match_the_chain(asset_manager: Client) -> None:
    [code] = fund_files.upload_funds(asset_manager, frame(row("FC-1"))).outcomes.values()
    wrong = fund_code(int(code[2:10], 36) + 999)
    with pytest.raises(ValidationError, match="row 2, column fund_code"):
        fund_files.upload_funds(asset_manager, pd.DataFrame([{**row("FC-1"), "fund_code": wrong}]))
    same = fund_files.upload_funds(
        asset_manager, pd.DataFrame([{**row("FC-1"), "fund_code": code}])
    )
    assert (same.unchanged, same.outcomes) == ([2], {2: code})
