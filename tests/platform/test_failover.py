"""A client over several nodes: it connects through the first that answers, moves to the next
when its node is lost (counting the loss), never to a node of another chain, and gives up with
the URLs it tried; the sender sends its in-flight transactions again to the node moved to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bpost_client.client import FailoverProvider, connect, web3_for
from bpost_client.exceptions import ChainError
from bpost_client.platform import chain
from bpost_client.platform.chain import CHAIN_ID
from bpost_client.platform.signers import dev_account
from tests.conftest import Node, free_port, rpc
from tests.helpers import fresh_account


@contextmanager
def anvil(directory: Path, chain_id: int = CHAIN_ID) -> Iterator[chain.ChainConfig]:
    """An anvil of its own on a free port (stopped at the end, if still running)."""
    config = chain.ChainConfig(data_dir=directory, port=free_port(), chain_id=chain_id)
    chain.start(config)
    try:
        yield config
    finally:
        chain.stop(config)


def kill(config: chain.ChainConfig) -> None:
    """``kill -9`` the anvil of ``config`` and wait until it is gone."""
    import json
    import os
    import signal
    import time

    import requests

    pid = int(json.loads(config.pid_file.read_text())["pid"])
    os.killpg(pid, signal.SIGKILL)  # the npm launcher and the anvil it runs, one process group
    deadline = time.monotonic() + 10
    while True:
        try:
            requests.post(config.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
                          timeout=0.5)  # fmt: skip
        except requests.RequestException:
            return
        assert time.monotonic() < deadline, "anvil still answers after SIGKILL"
        time.sleep(0.05)


def test_connect__first_node_down__the_next_answers(node: Node) -> None:
    w3 = web3_for([f"http://127.0.0.1:{free_port()}", node.url])
    assert w3.eth.chain_id == CHAIN_ID
    assert isinstance(w3.provider, FailoverProvider) and w3.provider.url == node.url
    assert w3.provider.losses == 0, "a node down at connection is no node lost under it"


def test_node_lost__moves_to_the_next__counts_the_loss(node: Node, tmp_path: Path) -> None:
    with anvil(tmp_path / "lost") as lost:
        w3 = web3_for([lost.url, node.url])
        assert w3.eth.block_number == 0, "the first node's own chain"
        kill(lost)
        assert w3.eth.block_number == int(w3.eth.get_block("latest")["number"]) > 0
    assert isinstance(w3.provider, FailoverProvider)
    assert w3.provider.losses == 1 and w3.provider.url == node.url


def test_node_lost__next_is_another_chain__skipped_then_none_answers(
    node: Node, tmp_path: Path
) -> None:
    with anvil(tmp_path / "lost") as lost, anvil(tmp_path / "other", chain_id=31337) as other:
        w3 = web3_for([lost.url, other.url])
        provider = w3.provider
        assert isinstance(provider, FailoverProvider)
        provider.reconnect_timeout = 1.0
        kill(lost)
        with pytest.raises(ChainError, match=r"no node answers \(for 1 s\)") as refused:
            w3.eth.block_number  # noqa: B018
        assert f"{lost.url}: connection refused or lost" in str(refused.value)
        assert f"{other.url}: chain 31337, not {CHAIN_ID}: skipped" in str(refused.value)


def test_sender__node_lost_with_transactions_in_flight__sent_again_mined_once(
    isolated: Node, tmp_path: Path
) -> None:
    """Transactions sent to a node that is then lost with its pool are sent again, byte for
    byte, to the next node: each mined there once."""
    with anvil(tmp_path / "lost") as lost:
        rpc(lost.url, "evm_setAutomine", False)
        account = fresh_account()  # nonce 0 on both chains
        for url in (lost.url, isolated.url):
            rpc(url, "anvil_setBalance", account.address, hex(10**18))
        client = connect([lost.url, isolated.url], isolated.deployments, account, check_code=False)
        w3, sender = client.w3, client.sender
        sender.timeout, sender.drop_check_after = 15.0, 60.0  # no drop check: only the resend
        first = w3.eth.get_transaction_count(account.address)
        pending = [sender.submit({"to": dev_account(18).address, "value": 1, "gas": 21_000})
                   for _ in range(3)]  # fmt: skip
        assert isinstance(w3.provider, FailoverProvider) and w3.provider.losses == 0
        kill(lost)  # never mined there: its pool is lost with it
        receipts = [sender.wait(p) for p in pending]
    assert [r["status"] for r in receipts] == [1, 1, 1]
    assert w3.eth.get_transaction_count(account.address) == first + 3, "each mined once"
    assert [bytes(r["transactionHash"]) for r in receipts] == [bytes(p.tx_hash) for p in pending]
