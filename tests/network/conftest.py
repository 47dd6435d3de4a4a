"""Helpers of the network tests. The session's network itself, the fixture ``network`` (4 geth
Clique validators and 1 member node, started once per test session), and its deployment,
``network_node``, are in tests/network/session.py, a plugin of the whole suite, so that client
tests elsewhere run on the network too (the marker ``both_backends``)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bpost_client.platform.network.description import (
    NetworkDescription,
    NodeDescription,
)
from tests.conftest import rpc as raw_rpc

VALIDATORS, MEMBERS = 4, 1


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
