"""The security master through the client: batched, idempotent, found by any code."""

from __future__ import annotations

import pytest

from bpost_client import securities
from bpost_client.client import Client, connect
from bpost_client.codes import resolve_code
from bpost_client.signers import dev_account
from bpost_client.types import RecordKind
from tests.conftest import Node

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
