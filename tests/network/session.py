"""The session's consortium network and its deployment, a plugin of the whole test suite
(``pytest_plugins`` in tests/conftest.py), so that client tests anywhere run on it too.

``network``: 4 geth Clique validators and 1 member node, started once per test session on
loopback ports nobody else uses, stopped at its end with no process left. Built by
``bpost_client.platform.network`` (the code ``bpost network init`` and ``start`` run), with a
1-second period. Tests that stop, kill and restart its nodes leave it running as they found it.

``network_node``: the platform deployed on it once per session the way an operator does it,
through the CLI (``bpost --network DIR deploy`` with config/deploy/network.yaml, then ``bpost
--network DIR roles apply`` with the demo roster), talking to the member node. The tests marked
``both_backends`` run on it as well as on anvil (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import NetworkDescription, free_base_port
from tests.conftest import DEMO_ROSTER, ROOT, Node
from tests.network.conftest import MEMBERS, VALIDATORS, rpc, wait_until

NETWORK_PARAMS = ROOT / "config" / "deploy" / "network.yaml"


@pytest.fixture(scope="session")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkDescription]:
    """The session's network, running; every node is stopped at the end and none is left."""
    from bpost_client.platform.network.init import init_network

    directory = tmp_path_factory.mktemp("network")
    described = init_network(
        directory, VALIDATORS, MEMBERS, base_port=free_base_port(VALIDATORS + MEMBERS),
        light_kdf=True,
    )  # fmt: skip
    try:
        lifecycle.start(described)
        yield described
    finally:
        lifecycle.stop(described, grace=20)
        left = [n.name for n in described.nodes if lifecycle.running_pid(n) is not None]
        assert not left, f"nodes still running after stop: {left}"


def bpost_on(network: NetworkDescription, *args: str) -> Any:
    """Run ``bpost --network DIR --json ARGS`` in-process and return its JSON output; fail the
    test with its output unless it exits 0."""
    import contextlib
    import io
    import json

    from bpost_client.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--network", str(network.directory), "--json", *args])
    assert code == 0, f"bpost {' '.join(args)} exited {code}:\n{out.getvalue()}{err.getvalue()}"
    return json.loads(out.getvalue())


@pytest.fixture(scope="session")
def network_node(network: NetworkDescription) -> Node:
    """The platform deployed on the session network (once) and seeded with the demo roster,
    served by the member node."""
    from bpost_client.platform.network.serving import deployments_dir, serving_node

    bpost_on(network, "deploy", "--params", str(NETWORK_PARAMS))
    bpost_on(network, "roles", "apply", str(DEMO_ROSTER))
    member = serving_node(network)
    assert not member.is_validator, "the client talks to the member's node"
    assert_replicated(network, 0, timeout=60)  # every node holds the deployment before tests
    return Node(member.url, network.directory, deployments_dir(network), member.ports.http, network)


def assert_replicated(network: NetworkDescription, since: int, timeout: float = 30) -> int:
    """Every node holds the serving node's head block with the same hash, and every transaction
    of blocks ``since`` to that head with the same receipt (block hash, status, logs); returns
    the number of transactions checked."""
    nodes = network.nodes
    last = int(rpc(nodes[-1], "eth_blockNumber"), 16)

    def same_head() -> bool:
        hashes = {n.name: (rpc(n, "eth_getBlockByNumber", hex(last), False) or {}).get("hash")
                  for n in nodes}  # fmt: skip
        return None not in hashes.values() and len(set(hashes.values())) == 1

    wait_until(same_head, timeout, f"every node holds block {last} with one hash")
    checked = 0
    for number in range(since, last + 1):
        block = rpc(nodes[0], "eth_getBlockByNumber", hex(number), False)
        for tx_hash in block["transactions"]:
            receipts: list[Any] = [
                wait_until(lambda n=n, h=tx_hash: rpc(n, "eth_getTransactionReceipt", h), 10,
                           f"{n.name} has the receipt of {tx_hash}")
                for n in nodes
            ]  # fmt: skip
            seen = {(r["blockHash"], r["status"], len(r["logs"])) for r in receipts}
            assert len(seen) == 1, f"{tx_hash}: the nodes' receipts differ: {seen}"
            checked += 1
    return checked


def wait_for_chain_time(network: NetworkDescription, seconds: float) -> None:
    """Wait until the member node's head block is ``seconds`` later than its head now (geth's
    clock cannot be moved: a timelock's delay passes in wall-clock time)."""
    node = network.nodes[-1]
    start = int(rpc(node, "eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    wait_until(
        lambda: (
            int(rpc(node, "eth_getBlockByNumber", "latest", False)["timestamp"], 16)
            >= start + seconds
        ),
        seconds + 30,
        f"a block {seconds} s after {start}",
    )
