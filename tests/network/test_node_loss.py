"""Losing a node loses nothing: a validator killed (``kill -9``) under an upload that sends
through it, the upload going on through another node and writing every record exactly once;
blocks sealed by the other validators meanwhile; the killed node restarted and back on the same
head hash."""

from __future__ import annotations

import os
import secrets
import signal
from typing import Any

from bpost_client.client import connect
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import NetworkDescription
from bpost_client.platform.signers import dev_account
from bpost_client.registry import fund_files, funds
from tests.conftest import Node
from tests.network.conftest import block_hash, ended, head, rpc, wait_until
from tests.registry.test_fund_files import frame, fund_count, row

FUNDS = 60
"""One fund a transaction: more transactions than the sender keeps in flight, so that some are
sent after the kill."""


def test_kill_9_under_an_upload__goes_on_through_another_node__each_fund_once(
    network: NetworkDescription, network_node: Node
) -> None:
    victim, member = network.node("validator-3"), network.node("member-1")
    manager = connect([victim.url, member.url], network_node.deployments, dev_account(1))
    manager.sender.max_in_flight = 12
    tag = secrets.token_hex(3).upper()
    rows = frame(*[row(f"LOSS{tag}-{i:03d}") for i in range(FUNDS)])
    before, first_nonce = fund_count(manager), manager.w3.eth.get_transaction_count(manager.address)
    pid = lifecycle.running_pid(victim)
    assert pid is not None
    killed_at: list[int] = []

    def kill_at_first_receipt(receipt: Any) -> None:
        if not killed_at:
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda: ended(pid), 10, "validator-3 gone")
            killed_at.append(int(receipt["blockNumber"]))

    report = fund_files.upload_funds(manager, rows, on_done=kill_at_first_receipt, max_batch=1)

    assert killed_at, "the node was killed under the upload"
    assert manager.w3.provider.endpoint_uri == member.url  # type: ignore[attr-defined]
    assert len(report.rows("register")) == FUNDS and report.transactions == FUNDS
    assert fund_count(manager) == before + FUNDS, "every fund once, none twice"
    sent = manager.w3.eth.get_transaction_count(manager.address) - first_nonce
    assert sent == FUNDS, f"{sent} transactions mined for {FUNDS} funds: one was sent twice"
    namespace = funds.manager_namespace("3538000SAKURAAM00151")
    codes = {funds.resolve_fund(manager, namespace, f"LOSS{tag}-{i:03d}") for i in range(FUNDS)}
    assert None not in codes and len(codes) == FUNDS
    again = fund_files.upload_funds(manager, rows)
    assert again.rows("register") == [] and len(again.unchanged) == FUNDS

    # The three validators left sealed on: blocks after the kill, out of turn where it was in turn.
    wait_until(lambda: head(member) >= killed_at[0] + 4, 30, "blocks without validator-3", network)
    signers = {rpc(member, "clique_getSigner", hex(n)).lower()
               for n in range(killed_at[0] + 2, head(member) + 1)}  # fmt: skip
    assert victim.address.lower() not in signers

    lifecycle.start(network, ["validator-3"])
    assert rpc(victim, "eth_mining") is True, "sealing again"

    def same_head() -> bool:
        number = head(member)
        return block_hash(victim, number) == block_hash(member, number) is not None

    wait_until(same_head, 30, "validator-3 holds the member's head block", network)
    wait_until(
        lambda: victim.address.lower() in {
            rpc(member, "clique_getSigner", hex(n)).lower()
            for n in range(head(member) - 3, head(member) + 1)
        },
        30, "a block sealed by validator-3 again", network,
    )  # fmt: skip
