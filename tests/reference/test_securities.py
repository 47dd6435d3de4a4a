"""The security master through the client: batched, idempotent, found by any code."""

from __future__ import annotations

import pandas as pd
import pytest

from bpost_client.client import Client, connect
from bpost_client.exceptions import ValidationError
from bpost_client.io.tables import read_table
from bpost_client.platform.codes import resolve_code
from bpost_client.platform.signers import dev_account
from bpost_client.reference import securities, security_files
from bpost_client.types import RecordKind
from tests.conftest import ROOT, Node

MASTER = [
    securities.Security("JP3633400001", "Toyota Motor", "XTKS", "JPY", "7203"),
    securities.Security("US0378331005", "Apple", "XNAS", "USD", "AAPL"),
]


@pytest.fixture
def provider(isolated: Node) -> Client:
    """Kabuto Market Data, the demo data provider."""
    return connect(isolated.url, isolated.deployments, dev_account(6))


def test_register__then_again__registers_once(provider: Client) -> None:
    assert len(securities.register_securities(provider, MASTER)) == 1
    assert securities.register_securities(provider, MASTER) == []
    listed = securities.list_securities(provider)
    assert [(s.isin, s.index, s.local_code) for s in listed] == [
        ("JP3633400001", 1, "7203"),
        ("US0378331005", 2, "AAPL"),
    ]
    target = resolve_code(provider, "LOCAL/XTKS", "7203")
    assert target is not None and target.kind is RecordKind.SECURITY


def test_security__bad_isin__refused_before_sending() -> None:
    with pytest.raises(ValueError, match="check digit"):
        securities.Security("JP3633400002", "Toyota", "XTKS", "JPY")


DEMO = ROOT / "config" / "demo-securities.csv"
COLUMNS = list(security_files.SECURITY_COLUMNS)


def test_table__demo_file__registered_once_and_exported(provider: Client) -> None:
    report = security_files.upload_securities(provider, DEMO)
    assert len(report.items("register")) == 7 and report.transactions == 1
    again = security_files.upload_securities(provider, DEMO)
    assert (again.items("register"), len(again.unchanged)) == ([], 7)
    exported = security_files.export_securities(provider)
    assert exported[COLUMNS].astype(str).values.tolist() == read_table(DEMO).values.tolist()
    assert exported["index"].tolist() == list(range(1, 8))


SECURITY_BAD_ROWS = [
    (["JP3633400002", "7203", "Toyota", "XTKS", "JPY"], "isin", "check digit"),
    (["JP3633400001", "7203", "", "XTKS", "JPY"], "name", "empty"),
    (["JP3633400001", "7203", "Toyota", "", "JPY"], "market", "empty"),
    (["JP3633400001", "7203", "Toyota", "XTKSX", "JPY"], "market", "4 letters or digits"),
    (["JP3633400001", "7203", "Toyota", "XTSK", "JPY"], "market", "not a market the platform"),
    (["JP3633400001", "7203", "Toyota", "XTKS", "yen"], "currency", "not an ISO 4217 currency"),
    (["JP3633400001", "720300000", "Toyota", "XTKS", "JPY"], "local_code", "8"),
    (["JP3435000009", "6759", "Sony again", "XTKS", "JPY"], "isin", "repeats row 2"),
    (["JP3633400001", "6758", "Toyota", "XTKS", "JPY"], "local_code", "repeats row 2"),
]


@pytest.mark.parametrize(
    ("bad", "column", "reason"), SECURITY_BAD_ROWS, ids=[b[2] for b in SECURITY_BAD_ROWS]
)
def test_table__bad_row__reported__nothing_written(
    provider: Client, bad: list[str], column: str, reason: str
) -> None:
    frame = pd.DataFrame([["JP3435000009", "6758", "Sony", "XTKS", "JPY"], bad], columns=COLUMNS)
    with pytest.raises(ValidationError) as refused:
        security_files.upload_securities(provider, frame)
    errors = refused.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason
    assert securities.list_securities(provider) == []


def test_table__local_code_taken_on_chain__refused(provider: Client) -> None:
    securities.register_securities(provider, MASTER[:1])  # Toyota is 7203 in XTKS
    frame = pd.DataFrame([["JP3435000009", "7203", "Sony", "XTKS", "JPY"]], columns=COLUMNS)
    held = "LOCAL/XTKS 7203 already points to security JP3633400001"
    with pytest.raises(ValidationError, match=held):
        security_files.upload_securities(provider, frame)
