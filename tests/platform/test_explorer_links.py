"""Explorer links: building them, configuring them, and the line a client logs per transaction."""

from __future__ import annotations

import logging

import pytest
from eth_account import Account
from hexbytes import HexBytes
from web3.types import TxReceipt

from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.platform import roles
from bpost_client.platform.explorer_links import (
    EXPLORER_URL_ENV,
    TRANSACTIONS_LOGGER,
    check_explorer_url,
    explorer_url_from_env,
    tx_link,
)
from bpost_client.platform.signers import dev_account
from bpost_client.types import Role
from tests.conftest import Node, rpc
from tests.helpers import fresh_account

EXPLORER = "http://explorer.test:8600/"
HASH = "0x" + "ab" * 32


@pytest.fixture(autouse=True)
def no_explorer_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients of these tests get an explorer URL only where a test gives one."""
    monkeypatch.delenv(EXPLORER_URL_ENV, raising=False)


@pytest.fixture
def linked(isolated: Node) -> Client:
    """The operator, with an explorer URL."""
    return connect(isolated.url, isolated.deployments, dev_account(0), explorer_url=EXPLORER)


def transaction_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages logged on the transactions logger so far, in order."""
    return [r.getMessage() for r in caplog.records if r.name == TRANSACTIONS_LOGGER]


def hex_hash(receipt: TxReceipt) -> str:
    return "0x" + bytes(receipt["transactionHash"]).hex()


# tx_link and the URL checks (no chain)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:9", "http://127.0.0.1:9/tx/" + HASH),
        ("http://127.0.0.1:9/", "http://127.0.0.1:9/tx/" + HASH),
        ("https://example.org/explorer//", "https://example.org/explorer/tx/" + HASH),
        ("http://[::1]:8080/", "http://[::1]:8080/tx/" + HASH),
    ],
)
def test_tx_link__base_with_or_without_slash__one_slash_before_tx(base: str, expected: str) -> None:
    assert tx_link(base, HASH) == expected


@pytest.mark.parametrize(
    "tx_hash", [HASH.upper().replace("0X", "0x"), HASH[2:], bytes.fromhex(HASH[2:]), HexBytes(HASH)]
)
def test_tx_link__hash_as_text_or_bytes__lowercase_0x_hash(tx_hash: str | bytes) -> None:
    assert tx_link("http://h", tx_hash) == "http://h/tx/" + HASH


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://x", "not an http:// or https:// URL"),
        ("explorer.test:8600", "not an http:// or https:// URL"),
        ("http://", "names no host"),
        ("http://h:99999", "bad port"),
        ("http://h/?page=1", "query or a fragment"),
        ("http://h/#top", "query or a fragment"),
        ("", "empty or contains whitespace"),
        (" http://h", "empty or contains whitespace"),
    ],
)
def test_tx_link__bad_explorer_url__config_error_naming_it(url: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason) as caught:
        tx_link(url, HASH)
    assert repr(url) in str(caught.value), "the message quotes the refused URL"
    assert isinstance(caught.value, BPostError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("tx_hash", "reason"),
    [("0x12", "has 1 bytes"), (bytes(31), "has 31 bytes"), ("0xzz", "not hexadecimal")],
)
def test_tx_link__not_a_32_byte_hash__config_error(tx_hash: str | bytes, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        tx_link("http://h", tx_hash)


def test_check_explorer_url__good_url__trailing_slashes_removed() -> None:
    assert check_explorer_url("https://example.org/explorer/") == "https://example.org/explorer"


@pytest.mark.parametrize("value", [None, ""])
def test_explorer_url_from_env__unset_or_empty__none(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is not None:
        monkeypatch.setenv(EXPLORER_URL_ENV, value)
    assert explorer_url_from_env() is None


def test_explorer_url_from_env__http_url__checked_and_trimmed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(EXPLORER_URL_ENV, EXPLORER)
    assert explorer_url_from_env() == "http://explorer.test:8600"


def test_explorer_url_from_env__ftp_url__config_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(EXPLORER_URL_ENV, "ftp://x")
    with pytest.raises(ConfigError, match=rf"^{EXPLORER_URL_ENV}: explorer URL 'ftp://x' is not"):
        explorer_url_from_env()


# the client's explorer URL


def test_connect__explorer_url_from_env__carried_by_with_account(
    isolated: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXPLORER_URL_ENV, EXPLORER)
    client = connect(isolated.url, isolated.deployments)
    assert client.explorer_url == "http://explorer.test:8600"
    assert client.with_account(dev_account(1)).explorer_url == "http://explorer.test:8600"
    assert Client(client.w3, client.manifest).explorer_url == "http://explorer.test:8600"


def test_connect__explorer_url_argument__wins_over_env(
    isolated: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXPLORER_URL_ENV, "http://other.test")
    client = connect(isolated.url, isolated.deployments, explorer_url=EXPLORER)
    assert client.explorer_url == "http://explorer.test:8600"


def test_connect__bad_explorer_url__config_error(isolated: Node) -> None:
    with pytest.raises(ConfigError, match="'ftp://x' is not an http:// or https:// URL"):
        connect(isolated.url, isolated.deployments, explorer_url="ftp://x")


def test_client__no_explorer_url_anywhere__none(operator: Client) -> None:
    assert operator.explorer_url is None and operator.sender.explorer_url is None


# the line logged per transaction


def test_send__with_explorer_url__logs_label_hash_and_link(
    linked: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=TRANSACTIONS_LOGGER)
    address = fresh_account().address
    receipt = roles.grant_role(linked, Role.OBSERVER, address)
    tx_hash = hex_hash(receipt)
    expected = f"grant OBSERVER to {address}: {tx_hash} http://explorer.test:8600/tx/{tx_hash}"
    assert transaction_lines(caplog) == [expected]
    (record,) = [r for r in caplog.records if r.name == TRANSACTIONS_LOGGER]
    assert record.levelno == logging.INFO


def test_send__without_explorer_url__logs_nothing(
    operator: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=TRANSACTIONS_LOGGER)
    receipt = roles.grant_role(operator, Role.OBSERVER, fresh_account().address)
    assert receipt["status"] == 1
    assert transaction_lines(caplog) == [], "no explorer URL: no line"


def test_send_all__three_calls__one_line_each_in_order(
    linked: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=TRANSACTIONS_LOGGER)
    access = linked.contract("PlatformAccess")
    targets = [fresh_account().address for _ in range(3)]
    calls = [(access.functions.grantRole(Role.OBSERVER.id, a), f"grant {a}") for a in targets]
    receipts = linked.sender.send_all(calls)
    assert transaction_lines(caplog) == [
        f"grant {a}: {hex_hash(r)} http://explorer.test:8600/tx/{hex_hash(r)}"
        for a, r in zip(targets, receipts, strict=True)
    ]


def test_send__would_revert__nothing_sent_nothing_logged(
    isolated: Node, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=TRANSACTIONS_LOGGER)
    outsider = connect(isolated.url, isolated.deployments, dev_account(15), explorer_url=EXPLORER)
    with pytest.raises(BPostError):
        roles.grant_role(outsider, Role.OBSERVER, fresh_account().address)
    assert transaction_lines(caplog) == []


def test_wait__dropped_and_sent_again__still_one_line(
    linked: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=TRANSACTIONS_LOGGER)
    url = linked.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    rpc(url, "evm_setAutomine", False)
    sender = linked.sender
    sender.drop_check_after = 0.2
    call = linked.contract("PlatformAccess").functions.grantRole(
        Role.OBSERVER.id, fresh_account().address
    )
    pending = sender.submit(call, "grant")
    rpc(url, "anvil_dropTransaction", "0x" + pending.tx_hash.hex())
    rpc(url, "evm_setIntervalMining", 1)
    receipt = sender.wait(pending)
    assert pending.rebroadcasts >= 1, "the same signed bytes were sent again"
    assert transaction_lines(caplog) == [
        f"grant: {hex_hash(receipt)} http://explorer.test:8600/tx/{hex_hash(receipt)}"
    ]


def test_wait__nonce_taken_by_another_call__the_new_transaction_gets_its_own_line(
    linked: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=TRANSACTIONS_LOGGER)
    url = linked.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    rpc(url, "evm_setAutomine", False)
    sender = linked.sender
    sender.drop_check_after = 0.1
    access = linked.contract("PlatformAccess")
    pending = sender.submit(access.functions.grantRole(Role.OBSERVER.id, fresh_account().address))
    other = access.functions.grantRole(Role.OBSERVER.id, fresh_account().address)
    signed = Account.sign_transaction(
        {
            "to": access.address, "data": other._encode_transaction_data(),
            "nonce": pending.nonce, "chainId": linked.chain_id, "gas": 300_000,
            "maxFeePerGas": 50 * 10**9, "maxPriorityFeePerGas": 20 * 10**9, "value": 0,
        },
        dev_account(0).key,
    )  # fmt: skip
    linked.w3.eth.send_raw_transaction(signed.raw_transaction)
    rpc(url, "evm_mine")
    rpc(url, "evm_setAutomine", True)
    receipt = sender.wait(pending)
    first = "0x" + bytes(pending.tx_hash).hex()
    assert transaction_lines(caplog) == [
        f"transaction: {first} http://explorer.test:8600/tx/{first}",
        f"transaction: {hex_hash(receipt)} http://explorer.test:8600/tx/{hex_hash(receipt)}",
    ]
