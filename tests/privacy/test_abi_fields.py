"""A structural walk of the lending and corporate contracts' ABIs (issue 19, docs/privacy.md): no
input of a transaction and no field of an event carries an ISIN, a security index, a status, an
amount or a reference in clear. Each field is classified by its name and type
(tests/privacy/abi_fields.py lists every allowance with its reason); the walker flags a made-up
ABI that does (the positive control)."""

from __future__ import annotations

from typing import Any

import pytest

from bpost_client.contracts import DEPLOYED_CONTRACTS, load_abi
from tests.privacy.abi_fields import (
    ALLOWED_NAMES,
    ENUMS,
    INTEGERS,
    OPAQUE,
    abi_fields,
    classify,
    leaks,
    sensitive,
)

WALKED = ("LendingAgreements", "LendingStatements", "LendingPairs", "CorporateRegistry")
EXEMPT = {
    "LendingCalculator": (
        "read by eth_call only: its functions are view or pure and it emits no event, so nothing "
        "of it reaches the chain (the node it is called on sees its inputs: docs/privacy.md)"
    ),
}


def test_lending_contracts__each_walked_or_exempt() -> None:
    """A new lending contract is walked or exempted here, not forgotten."""
    lending = {c for c in DEPLOYED_CONTRACTS if c.startswith("Lending")}
    assert lending == {c for c in (*WALKED, *EXEMPT) if c.startswith("Lending")}


@pytest.mark.parametrize("contract", WALKED)
def test_abi__no_input_or_event_field_in_clear_says_a_secret(contract: str) -> None:
    abi = load_abi(contract)
    fields = abi_fields(abi)
    assert any(f.member.startswith("event") for f in fields), "the walk reaches the events"
    assert any(f.member.startswith("function") for f in fields), "and the transactions"
    assert leaks(abi) == []


def test_abi__every_allowance_in_use() -> None:
    """Each allowance matches a field of the walked ABIs: none is left behind when a field goes."""
    fields = [f for c in WALKED for f in abi_fields(load_abi(c))]
    assert set(ALLOWED_NAMES) <= {(f.name, f.kind) for f in fields}
    assert set(ENUMS) <= {f.kind for f in fields}
    assert set(INTEGERS) <= {f.name for f in fields}
    assert set(OPAQUE) <= {f.name for f in fields}


def test_lending_calculator__exempt__no_transaction_and_no_event() -> None:
    """Exempt because nothing of it reaches the chain; this keeps that true."""
    abi = load_abi("LendingCalculator")
    members = [i for i in abi if i.get("type") in ("function", "event", "fallback", "receive")]
    assert members, "it has functions"
    assert [i for i in members if i.get("stateMutability") not in ("view", "pure")] == []
    assert abi_fields(abi) == []


def _param(name: str, kind: str, internal: str = "", **more: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "internalType": internal or kind, **more}


SEALED = _param(
    "figures", "tuple", "struct IConfidential.Sealed",
    components=[
        _param("commitment", "bytes32"), _param("ciphertext", "bytes"),
        _param("recipients", "tuple[]", "struct IConfidential.Recipient[]",
               components=[_param("lei", "bytes20"), _param("wrappedKey", "bytes")]),
    ],
)  # fmt: skip
LEAKY: list[dict[str, Any]] = [
    {
        "type": "function", "name": "lend", "stateMutability": "nonpayable", "outputs": [],
        "inputs": [
            _param("isin", "string"),
            _param("terms", "tuple", "struct T", components=[_param("quantity", "uint64")]),
            _param("code", "bytes12"),
            _param("notional", "uint128"),
            _param("note", "bytes"),
            _param("amlStatus", "uint8", "enum X.AmlStatus"),
            _param("securityIndex", "bytes32"),
            SEALED,
        ],
    },
    {
        "type": "event", "name": "Lent", "anonymous": False,
        "inputs": [_param("fee", "int64", indexed=False), _param("rates", "uint32[]")],
    },
    {
        "type": "function", "name": "quote", "stateMutability": "view",
        "inputs": [_param("price", "uint256")], "outputs": [_param("fee", "int64")],
    },
]  # fmt: skip


def test_walker__an_abi_carrying_secrets_in_clear__each_flagged() -> None:
    """The positive control: an ISIN string, a fee in an event, and each other way a secret
    could go in clear are flagged; the Sealed tuple, whatever its name, and a view are not."""
    flagged = {line.split(":")[0] for line in leaks(LEAKY)}
    assert flagged == {
        "function lend isin string",
        "function lend terms.quantity uint64",
        "function lend code bytes12",
        "function lend notional uint128",
        "function lend note bytes",
        "function lend amlStatus uint8",
        "function lend securityIndex bytes32",
        "event Lent fee int64",
        "event Lent rates uint32[]",
    }
    broken = dict(SEALED, components=SEALED["components"][:2])
    [field] = abi_fields([{"type": "event", "name": "E", "inputs": [broken]}])
    assert classify(field)[0] is False, "a Sealed tuple not of the Sealed shape"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("isin", True), ("ISIN", True), ("securityIndex", True), ("security_index", True),
        ("amlStatus", True), ("statuses", True), ("feeRatePct", True), ("collateralInterest", True),
        ("dividendEquivalent", True), ("quantities", True), ("closePrice", True),
        ("settlementReference", True), ("tolerance", True), ("securities", True),
        ("unitKey", False), ("agreementId", False), ("settlementDate", False), ("lei", False),
        ("separate", False), ("version", False),
    ],
)  # fmt: skip
def test_sensitive__by_words_of_the_name(name: str, says: bool) -> None:
    assert sensitive(name) is says
