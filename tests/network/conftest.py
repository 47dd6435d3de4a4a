"""The consortium network of the tests: 4 geth Clique validators and 1 member node, started once
per test session on loopback ports nobody else uses, stopped at its end with no process left.

Built by ``bpost_client.platform.network`` (the code ``bpost network init`` and ``start`` run),
with a 1-second period. Later tests deploy on it and stop, kill and restart its nodes: each
leaves the network running as it found it (every node up).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import (
    PORT_STRIDE,
    NetworkDescription,
    NodeDescription,
)
from tests.conftest import rpc as raw_rpc

VALIDATORS, MEMBERS = 4, 1


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port(nodes: int, start: int = 20_000) -> int:
    """A base port whose whole block for ``nodes`` nodes is free now (a fresh random start each
    session, so two test runs side by side seldom meet)."""
    import random

    span = PORT_STRIDE * nodes
    for _ in range(200):
        base = random.randrange(start, 60_000 - span, PORT_STRIDE)
        if all(_free(base + offset) for offset in range(span)):
            return base
    raise RuntimeError(f"no free block of {span} ports")


def rpc(node: NodeDescription, method: str, *params: Any) -> Any:
    """One JSON-RPC call to ``node``."""
    return raw_rpc(node.url, method, *params)


def head(node: NodeDescription) -> int:
    """The node's head block number."""
    return int(rpc(node, "eth_blockNumber"), 16)


def block_hash(node: NodeDescription, number: int) -> str | None:
    """The hash of the node's block ``number``, None when it has none yet."""
    block = rpc(node, "eth_getBlockByNumber", hex(number), False)
    return None if block is None else str(block["hash"])


def wait_until(
    check: Callable[[], Any],
    timeout: float,
    what: str,
    network: NetworkDescription | None = None,
) -> Any:
    """``check()``'s first truthy value, polled every 0.2 s; fails naming ``what`` after
    ``timeout`` seconds, with each node's head, peers and log's tail when ``network`` is given
    (what a failed run in CI leaves to read)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}{_state(network)}")
        time.sleep(0.2)


def _state(network: NetworkDescription | None) -> str:
    if network is None:
        return ""
    from bpost_client.platform.network import lifecycle

    lines = [""]
    for node in lifecycle.status(network):
        lines.append(f"{node.as_dict()}")
    for node in network.nodes:
        lines.append(f"--- {node.name}'s log:\n{lifecycle.log_tail(node, 1200)}")
    return "\n".join(lines)


def ended(pid: int) -> bool:
    """Whether process ``pid`` has ended (reaped, or a zombie of this process, then reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (OSError, IndexError):
        return True
    if state == "Z":
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return True
    return False


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
