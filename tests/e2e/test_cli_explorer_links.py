"""`bpost --explorer-url`: a link on stderr for every transaction sent, and a bad URL refused."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bpost_client.client import web3_for
from bpost_client.platform.explorer_links import EXPLORER_URL_ENV, TRANSACTIONS_LOGGER
from tests.conftest import Node
from tests.helpers import fresh_account

LINK_BASE = "http://127.0.0.1:9/tx/"


@pytest.fixture(autouse=True)
def no_explorer_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EXPLORER_URL_ENV, raising=False)


def sent_hash(node: Node, block: int) -> str:
    """The hash of the one transaction of ``block`` (anvil mines each transaction alone)."""
    (tx_hash,) = web3_for(node.url).eth.get_block(block)["transactions"]
    return "0x" + bytes(tx_hash).hex()  # type: ignore[arg-type]


def link_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if LINK_BASE in line]


def test_roles_grant__explorer_url__stderr_has_the_link_of_the_transaction(
    bpost: Any, isolated: Node
) -> None:
    address = fresh_account().address
    result = bpost("--explorer-url", "http://127.0.0.1:9/", "--json", "roles", "grant",
                   "observer", address)  # fmt: skip
    assert result.code == 0, result.err
    answer = result.json()  # stdout stays plain JSON
    tx_hash = sent_hash(isolated, answer["block"])
    assert link_lines(result.err) == [
        f"grant OBSERVER to {address}: {tx_hash} {LINK_BASE}{tx_hash}"
    ]
    assert LINK_BASE not in result.out


def test_roles_grant_then_revoke__one_line_per_run_and_logger_restored(
    bpost: Any, isolated: Node
) -> None:
    address = fresh_account().address
    for command in ("grant", "revoke"):
        result = bpost("--explorer-url", "http://127.0.0.1:9", "--json", "roles", command,
                       "observer", address)  # fmt: skip
        assert result.code == 0, result.err
        tx_hash = sent_hash(isolated, result.json()["block"])
        assert link_lines(result.err) == [
            f"{command} OBSERVER {'to' if command == 'grant' else 'from'} {address}: "
            f"{tx_hash} {LINK_BASE}{tx_hash}"
        ], "exactly one line: no handler left over from the run before"
    logger = logging.getLogger(TRANSACTIONS_LOGGER)
    assert logger.handlers == [] and logger.propagate, "the CLI put the logger back as it was"


def test_roles_grant__explorer_url_from_env__stderr_has_the_link(
    bpost: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXPLORER_URL_ENV, "http://127.0.0.1:9/")
    result = bpost("roles", "grant", "observer", fresh_account().address)
    assert result.code == 0, result.err
    assert len(link_lines(result.err)) == 1


def test_roles_grant__no_explorer_url__no_link(bpost: Any) -> None:
    result = bpost("roles", "grant", "observer", fresh_account().address)
    assert result.code == 0, result.err
    assert "/tx/0x" not in result.err


def test_roles_grant__nothing_to_send__no_link(bpost: Any) -> None:
    address = fresh_account().address
    assert bpost("roles", "grant", "observer", address).code == 0
    again = bpost("--explorer-url", "http://127.0.0.1:9/", "roles", "grant", "observer", address)
    assert again.code == 0, again.err
    assert link_lines(again.err) == [], "no transaction, no link"


def test_roles_grant__refused_by_the_contract__no_link_and_logger_restored(bpost: Any) -> None:
    result = bpost("--explorer-url", "http://127.0.0.1:9/", "--dev-account", "5", "roles",
                   "grant", "observer", fresh_account().address)  # fmt: skip
    assert result.code == 1 and "AccessControlUnauthorizedAccount" in result.err
    assert link_lines(result.err) == [], "nothing was sent"
    logger = logging.getLogger(TRANSACTIONS_LOGGER)
    assert logger.handlers == [] and logger.propagate, "put back after a failure too"


@pytest.mark.parametrize("url", ["ftp://x", "127.0.0.1:9", "http://h/?page=1"])
def test_explorer_url__not_an_http_base_url__refused_before_anything_runs(
    bpost: Any, url: str
) -> None:
    result = bpost("--explorer-url", url, "roles", "grant", "observer", fresh_account().address)
    assert result.code == 2, "a usage error"
    assert "Invalid value for '--explorer-url'" in result.err and repr(url) in result.err
    assert "Traceback" not in result.err


def test_explorer_url__bad_env_value__refused(bpost: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXPLORER_URL_ENV, "ftp://x")
    result = bpost("status")
    assert result.code == 2
    assert "'ftp://x' is not an http:// or https:// URL" in result.err
