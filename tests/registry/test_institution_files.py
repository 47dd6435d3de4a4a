"""SSI and corporate tables: bad rows named, idempotent uploads, lossless exports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from eth_utils.crypto import keccak

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.io.tables import write_table
from bpost_client.platform.signers import dev_account
from bpost_client.registry import corporate_files, ssi_files

MANAGER, TRUSTEE, KANDA = "3538000SAKURAAM00151", "3538000FUJITRUST0138", "3538000KANDABANK0193"
KASUMI = "3538000KASUMIOBS0164"


def ssi_row(**changes: str) -> dict[str, str]:
    values = {
        "fund_code": "",
        "market": "XTKS",
        "security_type": "EQUITY",
        "currency": "JPY",
        "settlement_method": "DVP",
        "custodian_bic": "MHCBJPJT",
        "place_of_settlement": "JASDJPJT",
        "account": "0012345678",
        "effective_from": "2026-04-01",
        "effective_to": "",
        "counterparties": f"{MANAGER};{KANDA}",
    }
    values.update(changes)
    return values


def corporate_row(**changes: str) -> dict[str, str]:
    values = {
        "lei": TRUSTEE,
        "registered_address": "1-2-3 Marunouchi, Chiyoda-ku, Tokyo",
        "aml_status": "cleared",
        "next_review_date": "2027-03-31",
        "fatca_status": "participating_ffi",
        "giin": "98Q96B.00000.LE.392",
        "crs_status": "financial_institution",
        "lei_renewal_date": "2027-01-15",
        "kyc_document_hashes": "0x" + keccak(b"articles").hex(),
        "aml_review_details": "EDD 2026-03: no adverse media",
        "kyc_references": "vault://kyc/fuji",
        "share_with": MANAGER,
    }
    values.update(changes)
    return values


def test_ssi_upload__bad_rows__named_and_nothing_sent(trustee: Client) -> None:
    frame = pd.DataFrame(
        [
            ssi_row(),
            ssi_row(security_type="BOND", custodian_bic="MHCBQQJT"),
            ssi_row(security_type="FUND", effective_from="2026-13-01"),
            ssi_row(security_type="ETF", counterparties="3538000SAKURAAM00152"),
            ssi_row(),
            ssi_row(security_type="REIT", counterparties="5493001KJTIIGC8Y1R12"),
        ]
    )
    head = trustee.w3.eth.block_number
    with pytest.raises(ValidationError) as caught:
        ssi_files.upload_ssis(trustee, frame)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "custodian_bic"),
        (4, "effective_from"),
        (5, "counterparties"),
        (6, "market"),
        (7, "counterparties"),
    }
    assert trustee.w3.eth.block_number == head


def test_ssi_upload__twice_then_export__idempotent_and_lossless(
    trustee: Client, tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        [ssi_row(), ssi_row(security_type="BOND", account="0099", effective_to="2030-12-31")]
    )
    first = ssi_files.upload_ssis(trustee, frame)
    assert len(first.items("publish")) == 2 and first.transactions == 1
    again = ssi_files.upload_ssis(trustee, frame)
    assert again.items("publish") == [] and again.unchanged == [2, 3]
    changed = ssi_files.upload_ssis(trustee, pd.DataFrame([ssi_row(account="0012345679")]))
    assert changed.rows("publish") == [2]
    exported = ssi_files.export_ssis(trustee, TRUSTEE, bytes(dev_account(2).key))
    expected = pd.DataFrame([ssi_row(account="0012345679"), frame.iloc[1].to_dict()])
    assert exported[list(ssi_files.SSI_COLUMNS)].equals(expected[list(ssi_files.SSI_COLUMNS)])
    assert list(exported["version"]) == ["2", "1"]
    stranger = ssi_files.export_ssis(trustee, TRUSTEE, bytes(dev_account(3).key))
    assert set(stranger["account"]) == {""}
    path = write_table(exported, tmp_path / "ssi.xlsx")
    assert ssi_files.upload_ssis(trustee, path).items("publish") == []


def test_corporate_upload__bad_rows__named(trustee: Client) -> None:
    frame = pd.DataFrame(
        [
            corporate_row(aml_status="fine"),
            corporate_row(lei=MANAGER, giin="98Q96B-00000.LE.392"),
            corporate_row(lei=KANDA, kyc_document_hashes="0x1234"),
        ]
    )
    with pytest.raises(ValidationError) as caught:
        corporate_files.upload_corporate(trustee, frame)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (2, "aml_status"),
        (3, "giin"),
        (4, "kyc_document_hashes"),
    }


def test_corporate_upload__round_trip_and_idempotent(
    trustee: Client, asset_manager: Client
) -> None:
    key = bytes(dev_account(2).key)
    frame = pd.DataFrame([corporate_row()])
    report = corporate_files.upload_corporate(trustee, frame, private_key=key)
    assert report.rows("publish") == [2]
    assert corporate_files.upload_corporate(trustee, frame, private_key=key).unchanged == [2]
    exported = corporate_files.export_corporate(trustee, key, TRUSTEE)
    columns = [c for c in corporate_files.CORPORATE_COLUMNS if c != "share_with"]
    assert exported[columns].equals(frame[columns])
    assert exported.loc[0, "share_with"] == f"{MANAGER};{KASUMI}", "the observer too"
    assert exported.loc[0, "refused"] == ""
    again = corporate_files.upload_corporate(trustee, exported, private_key=key)
    assert again.unchanged == [2], "the export uploads as it is"
    manager_key = bytes(dev_account(1).key)
    as_manager = corporate_files.export_corporate(asset_manager, manager_key, TRUSTEE, MANAGER)
    assert as_manager.loc[0, "aml_review_details"] == "EDD 2026-03: no adverse media"
    as_kanda = corporate_files.export_corporate(
        asset_manager, bytes(dev_account(4).key), TRUSTEE, KANDA
    )
    assert as_kanda.loc[0, "aml_review_details"] == "", "not shared with Kanda"
    with pytest.raises(exceptions.CorporateRegistryNotAllowed):
        corporate_files.upload_corporate(
            asset_manager, pd.DataFrame([corporate_row(aml_status="escalated")])
        )


def test_corporate_upload__operator_for_several__one_transaction(operator: Client) -> None:
    frame = pd.DataFrame(
        [corporate_row(), corporate_row(lei=KANDA, giin="", fatca_status="active_nffe")]
    )
    report = corporate_files.upload_corporate(operator, frame)
    assert len(report.items("publish")) == 2 and report.transactions == 1
