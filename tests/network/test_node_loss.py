"""Losing a node loses nothing: a validator killed (``kill -9``) under an upload that sends
through it, the upload going on through another node and writing every record exactly once;
blocks sealed by the other validators meanwhile; the killed node restarted and back on the same
head hash. The indexer follows a node through its kill and restart; a member's node that joins
late syncs the whole chain with every event; and the chain's records are the same read from
every node."""

from __future__ import annotations

import os
import secrets
import signal
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bpost_client.client import connect
from bpost_client.indexer import Indexer, open_engine
from bpost_client.indexer.schema import blocks, events, records, transactions
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import NetworkDescription, read_network
from bpost_client.platform.signers import dev_account
from bpost_client.registry import fund_files, funds
from tests.conftest import Node
from tests.e2e.conftest import run_process
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


def indexed(urls: str | list[str], deployments: Path, database: Path, to_block: int) -> Any:
    """Every block, transaction, event and platform record of the deployment up to
    ``to_block``, indexed from the node at ``urls`` into a new SQLite file, as sorted rows."""
    engine = open_engine(f"sqlite:///{database}")
    Indexer(connect(urls, deployments), engine).sync(to_block)
    return contents(engine)


def contents(engine: Any) -> dict[str, list[tuple[str, ...]]]:
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(map(str, row)) for row in conn.execute(select(table)))
            for table in (blocks, transactions, events, records)
        }


def register(through: str, deployments: Path, funds_count: int) -> None:
    """``funds_count`` funds registered by Sakura (dev account 1), sent through ``through``."""
    manager = connect(through, deployments, dev_account(1))
    tag = secrets.token_hex(3).upper()
    fund_files.upload_funds(manager, frame(*[row(f"IDX{tag}-{i}") for i in range(funds_count)]))


def test_indexer__follows_a_node_through_kill_9_and_restart__nothing_lost_or_doubled(
    network: NetworkDescription, network_node: Node, tmp_path: Path
) -> None:
    member, validator = network.node("member-1"), network.node("validator-1")
    engine = open_engine(f"sqlite:///{tmp_path / 'followed.db'}")
    indexer = Indexer(connect(member.url, network_node.deployments), engine)
    stop, failures = threading.Event(), []

    def follow() -> None:
        try:
            indexer.follow(poll_seconds=0.3, stop=stop)
        except Exception as exc:  # the test fails on it below
            failures.append(exc)

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    try:
        register(validator.url, network_node.deployments, 3)
        pid = lifecycle.running_pid(member)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: ended(pid), 10, "member-1 gone")
        register(validator.url, network_node.deployments, 3)  # written while it is down
        lifecycle.start(network, ["member-1"])
        target = head(validator)
        wait_until(lambda: head(member) >= target, 60, "member-1 caught up", network)
        wait_until(
            lambda: (indexer.status().block_number or 0) >= target or failures,
            60, f"the index at block {target}",
        )  # fmt: skip
    finally:
        stop.set()
        follower.join(30)
    assert not failures, failures
    position = indexer.status().block_number
    assert position is not None
    followed = contents(engine)
    fresh = indexed(validator.url, network_node.deployments, tmp_path / "fresh.db", position)
    assert followed == fresh, "the followed index differs from one read afresh from a validator"


def test_late_member__syncs_the_whole_chain__every_event__records_same_from_every_node(
    network: NetworkDescription, network_node: Node, tmp_path: Path
) -> None:
    directory = str(network.directory)
    added = run_process("bpost", "--json", "network", "add-member", "--light-kdf", directory)
    assert added.code == 0, added.err
    name = added.json()["name"]
    grown = read_network(network.directory)
    late = grown.node(name)
    assert [n.name for n in grown.nodes] == [*(n.name for n in network.nodes), name]
    try:
        lifecycle.start(grown, [name])
        member = network.node("member-1")
        target = head(member)
        wait_until(lambda: head(late) >= target, 90, f"{name} synced", grown)
        assert block_hash(late, target) == block_hash(member, target)
        assert rpc(late, "eth_mining") is False

        def logs(node: Any) -> list[Any]:
            found = rpc(node, "eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(target)})
            return [(g["blockHash"], g["transactionHash"], g["logIndex"], g["address"],
                     g["topics"], g["data"]) for g in found]  # fmt: skip

        every_event = logs(member)
        assert len(every_event) > 100, "the session's chain holds the tests' records"
        assert logs(late) == every_event

        deployments = network_node.deployments
        read = {node.name: indexed(node.url, deployments, tmp_path / f"{node.name}.db", target)
                for node in grown.nodes}  # fmt: skip
        assert read[name]["records"], "platform records were indexed"
        different = [node for node, found in read.items() if found != read["member-1"]]
        assert not different, f"records read from {different} differ from member-1's"
    finally:
        lifecycle.stop(grown, [name])
    assert lifecycle.running_pid(late) is None
