"""`bpost network start|stop|status`: a network's nodes as background processes.

Each node runs as a process of its own session, its output in ``<data_dir>/geth.log`` and its
process named in ``<data_dir>/geth.pid``, so that :func:`stop` ends exactly the node it started
(a pid is taken as the node's only while its command line is geth's with that data directory).
Stopping sends SIGTERM, on which geth writes its state and exits, and SIGKILL after a grace
period.

A validator seals only once it is connected: :func:`start` waits (a bounded time) until each node
it started has every running node as a peer, and only then turns sealing on (``miner_start`` over
the node's IPC socket), the validator in turn first (:func:`_connect_then_seal`). Validators that
seal apart from the start each build a chain of their own, and two such chains of equal
difficulty, each signer having "signed recently" on its side, stall Clique for good (geth keeps
its own blocks on a tie, and a node not yet synced drops the blocks it is sent). The status
of a node is read over its JSON-RPC: the head, the peers, whether it seals and how far it is
behind the highest head of the network.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

from bpost_client._utils.jsonrpc import batch, call, ipc_call
from bpost_client._utils.processes import terminate
from bpost_client.exceptions import ChainError
from bpost_client.platform.network.description import NetworkDescription, NodeDescription
from bpost_client.platform.network.geth import find_geth, ipc_path, node_command, rpc_apis

__all__ = [
    "LOG_FILE",
    "PID_FILE",
    "NodeStatus",
    "log_tail",
    "node_call",
    "running_pid",
    "start",
    "status",
    "stop",
]

PID_FILE = "geth.pid"
LOG_FILE = "geth.log"


@dataclass(frozen=True)
class NodeStatus:
    """What is known of one node: whether it runs, and when it answers, its head, its peers,
    whether it seals and how many blocks it is behind the highest head of the network."""

    name: str
    role: str
    url: str
    running: bool
    pid: int | None = None
    head: int | None = None
    hash: str | None = None
    peers: int | None = None
    mining: bool | None = None
    signer: bool | None = None
    lag: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The status as JSON takes it."""
        return asdict(self)


def log_tail(node: NodeDescription, chars: int = 1500) -> str:
    """The end of the node's log."""
    try:
        return (node.data_dir / LOG_FILE).read_text("utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def _alive(pid: int, node: NodeDescription) -> bool:
    """Whether ``pid`` is a geth process running ``node``'s data directory."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (OSError, IndexError):
        return False
    data_dir = str(node.data_dir.absolute()).encode()
    return state != "Z" and cmdline[0].endswith(b"geth") and data_dir in cmdline


def running_pid(node: NodeDescription) -> int | None:
    """The pid of the node's process when it runs, else None."""
    try:
        pid = int(json.loads((node.data_dir / PID_FILE).read_text("utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if _alive(pid, node) else None


def node_call(node: NodeDescription, method: str, *params: Any, timeout: float = 2.0) -> Any:
    """The result of ``method`` at ``node``: over HTTP when its listener serves the method's
    namespace, else over its IPC socket (a node bound beyond loopback serves no ``clique_`` over
    HTTP: :func:`~bpost_client.platform.network.geth.rpc_apis`).

    Raises:
        ChainError: the node answered with an error, or no answer over IPC.
        requests.RequestException: no answer over HTTP.
    """
    if method.split("_")[0] in rpc_apis(node.http_host).split(","):
        return call(node.url, method, *params, timeout=timeout)
    return ipc_call(ipc_path(node), method, *params, timeout=timeout)


def _answers(url: str) -> bool:
    with contextlib.suppress(requests.RequestException, ChainError, ValueError):
        call(url, "eth_blockNumber", timeout=0.5)
        return True
    return False


def _launch(
    executable: str, network: NetworkDescription, node: NodeDescription
) -> subprocess.Popen[bytes]:
    if _answers(node.url):
        raise ChainError(f"{node.url} already answers and is not {node.name}: is a port taken?")
    with (node.data_dir / LOG_FILE).open("ab") as log:
        process = subprocess.Popen(
            node_command(executable, network, node), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    record = {"pid": process.pid, "url": node.url}
    (node.data_dir / PID_FILE).write_text(json.dumps(record) + "\n", "utf-8")
    return process


def _connect_then_seal(
    network: NetworkDescription, nodes: Sequence[NodeDescription], timeout: float
) -> None:
    """Wait up to ``timeout`` seconds until each of ``nodes`` has every other running node as a
    peer, then turn the validators' sealing on, the one in turn for the next block first.

    Sealing apart is what splits a Clique network for good, so a node that does not reach every
    running node in time is an error, not a start. On a new chain the validator in turn seals
    block 1 alone and every node syncs it first (:func:`_first_block`): validators turned on
    together race out of turn for the first blocks, and on a busy machine two forks of equal
    difficulty, each signer having "signed recently" on its side, never resolve. Then each
    validator is turned on once it holds the head (:func:`_wait_for_head`), the one in turn for
    the next block first.

    Raises:
        ChainError: a node did not connect to every running node within ``timeout`` seconds
            (nothing seals; the message names each with its peer count), or block 1 of a new
            chain was not sealed or synced in time.
    """
    running = [n for n in network.nodes if running_pid(n) is not None]
    deadline = time.monotonic() + timeout
    peers: dict[str, int | None] = {n.name: None for n in nodes}
    while time.monotonic() < deadline:
        for node in nodes:
            with contextlib.suppress(requests.RequestException, ChainError, ValueError):
                peers[node.name] = int(call(node.url, "net_peerCount"), 16)
        if all(count is not None and count >= len(running) - 1 for count in peers.values()):
            break
        time.sleep(0.1)
    else:
        short = ", ".join(
            f"{name} ({count if count is not None else 'no answer'} of {len(running) - 1} peers)"
            for name, count in peers.items()
            if count is None or count < len(running) - 1
        )
        exited = [f"{n.name} exited:\n{log_tail(n)}" for n in nodes if running_pid(n) is None]
        raise ChainError(
            f"not connected within {timeout:.0f} s, so not sealing: {short}; see each node's "
            f"{LOG_FILE}" + "".join(f"\n{line}" for line in exited)
        )
    validators = [n for n in nodes if n.is_validator]
    if validators and all(_head(n) == 0 for n in running):
        _first_block(validators, running, network.period)
    # Each validator waits for the head of every node that already follows the chain: member
    # nodes, validators sealing before (a restart), and those turned on before it here (a node
    # that is not synced drops the blocks broadcast to it, so its head may lag theirs).
    following = [n for n in running if n.name not in {v.name for v in validators}]
    for node in _in_turn_first(validators):
        _wait_for_head(node, following)
        ipc_call(ipc_path(node), "miner_start")
        following.append(node)


FIRST_BLOCK_FILE = "block-1.rlp"
"""Where the first sealer exports block 1 for the other nodes to import."""
CATCH_UP_FILE = "catch-up.rlp"
"""Where a node exports the blocks that a node behind it imports (:func:`_copy_blocks`)."""
CATCH_UP_AFTER = 2.0
"""How long a node behind waits for its own sync before it is given the missing blocks."""
SYNC_WAIT = 25.0
"""How long a node behind the others' head may go without its head moving. A node takes blocks
broadcast to it only once it has synced (or sealing was turned on in it); it syncs when a peer's
total difficulty, as the handshake or the broadcast of a block's child tells it, is above its
own, on geth's forced sync cycle (every 10 s while it has fewer than 5 peers)."""


def _head(node: NodeDescription) -> int | None:
    with contextlib.suppress(requests.RequestException, ChainError, ValueError):
        return int(call(node.url, "eth_blockNumber", timeout=1.0), 16)
    return None


def _wait_for_head(node: NodeDescription, others: Sequence[NodeDescription]) -> None:
    """Bring ``node`` to the highest head of ``others`` as it is now, not as it was when the
    wait began: a validator sealing behind the chain seals a fork of its own (its block's
    parent is old, so Clique lets it seal at once).

    A node that is not synced drops the blocks broadcast to it and syncs only on geth's forced
    cycle (10 s), so one that is behind for :data:`CATCH_UP_AFTER` seconds is given the missing
    blocks directly: the node with the highest head exports them and it imports them, over IPC
    (as for block 1, :func:`_first_block`).

    Raises:
        ChainError: the node's head did not move for :data:`SYNC_WAIT` seconds while behind.
    """
    last, moved_at = _head(node), time.monotonic()
    while True:
        heads = [(h, n) for n in others if (h := _head(n)) is not None]
        target, source = max(heads, key=lambda pair: pair[0], default=(0, None))
        current = _head(node) or 0
        if current >= target:
            return
        now = time.monotonic()
        if current != last:
            last, moved_at = current, now
        elif now - moved_at > SYNC_WAIT:
            raise ChainError(
                f"{node.name} is at block {current}, the network at {target}, and did not move "
                f"for {SYNC_WAIT:.0f} s: it runs and follows, but does not seal; start it again "
                f"('bpost network start --node {node.name}') once it has synced (see its "
                f"{LOG_FILE})"
            )
        elif source is not None and now - moved_at > CATCH_UP_AFTER:
            _copy_blocks(source, node, current + 1, target)
            moved_at = time.monotonic()
        time.sleep(0.1)


def _copy_blocks(source: NodeDescription, node: NodeDescription, first: int, last: int) -> None:
    """Blocks ``first`` to ``last`` of ``source`` imported into ``node``: exported to a file in
    the source's directory and imported, both over IPC. A block the node holds already is
    skipped by it; one of another fork makes the heavier chain win, as a sync would."""
    exported = source.data_dir / CATCH_UP_FILE
    ipc_call(ipc_path(source), "admin_exportChain", str(exported), first, last, timeout=SYNC_WAIT)
    try:
        ipc_call(ipc_path(node), "admin_importChain", str(exported), timeout=SYNC_WAIT)
    finally:
        exported.unlink(missing_ok=True)


def _in_turn_first(validators: Sequence[NodeDescription]) -> list[NodeDescription]:
    """``validators`` with the one in turn for the next block first (Clique: the signer at the
    block's number modulo their count, in address order), when the chain tells it."""
    if not validators:
        return []
    with contextlib.suppress(requests.RequestException, ChainError, ValueError, TypeError):
        head = int(call(validators[0].url, "eth_blockNumber"), 16)
        signers = sorted(str(s).lower() for s in node_call(validators[0], "clique_getSigners"))
        turn = signers[(head + 1) % len(signers)]
        return sorted(validators, key=lambda n: n.address.lower() != turn)
    return list(validators)


def _first_block(
    validators: Sequence[NodeDescription], running: Sequence[NodeDescription], period: int
) -> None:
    """Seal block 1 with the validator in turn alone, and have every running node import it
    before any other validator seals.

    The nodes of a new chain are not synced, so they drop the blocks broadcast to them; a
    broadcast tells a peer's difficulty only up to the block's parent, so block 1 alone does not
    make them sync either, and geth does not dial a peer again for 35 s after a disconnect. So
    the sealer exports block 1 (``admin_exportChain``) and every other node imports it
    (``admin_importChain``), both over IPC. Then the chain is one from its first block; a
    validator is marked synced when its sealing is turned on, a member node on its first sync.

    Raises:
        ChainError: block 1 was not sealed, or a node did not import it.
    """
    [first, *_] = _in_turn_first(validators)
    ipc_call(ipc_path(first), "miner_start")
    deadline = time.monotonic() + 2 * period + 5
    while (_head(first) or 0) < 1:
        if time.monotonic() > deadline:
            raise ChainError(f"{first.name} did not seal block 1; see its {LOG_FILE}")
        time.sleep(0.1)
    exported = first.data_dir / FIRST_BLOCK_FILE
    ipc_call(ipc_path(first), "admin_exportChain", str(exported), 1, 1)
    for node in running:
        if node.name != first.name:
            ipc_call(ipc_path(node), "admin_importChain", str(exported), timeout=SYNC_WAIT)
            if (_head(node) or 0) < 1:
                raise ChainError(
                    f"{node.name} did not import block 1 of {first.name}; see its {LOG_FILE}"
                )


def start(
    network: NetworkDescription,
    names: Iterable[str] = (),
    timeout: float = 60.0,
    peer_timeout: float = 30.0,
) -> list[NodeStatus]:
    """Start the nodes called ``names`` (every node when none), those not running yet, side by
    side; wait until each answers over HTTP, then until it is connected to the running nodes (at
    most ``peer_timeout`` seconds), and turn the validators' sealing on, the one in turn first.

    Raises:
        ChainError: a node's port answers for another process, a node exited or did not
            answer within ``timeout`` seconds (it is stopped; the message has its log's tail),
            or the nodes did not connect within ``peer_timeout`` seconds (they run, nothing
            seals).
    """
    nodes = network.select(names)
    executable = find_geth()
    started: dict[str, subprocess.Popen[bytes]] = {}
    for node in nodes:
        if running_pid(node) is None:
            started[node.name] = _launch(executable, network, node)
    waiting = {n.name: n for n in nodes if n.name in started}
    deadline = time.monotonic() + timeout
    failed: list[str] = []
    while waiting and time.monotonic() < deadline:
        for name, node in list(waiting.items()):
            # the child's own exit status: /proc may not show the new command line at once
            if started[name].poll() is not None:
                (node.data_dir / PID_FILE).unlink(missing_ok=True)
                failed.append(f"{name} exited:\n{log_tail(node)}")
                del waiting[name]
            elif _answers(node.url):
                del waiting[name]
        time.sleep(0.1)
    for name, node in waiting.items():
        terminate(started[name].pid)
        (node.data_dir / PID_FILE).unlink(missing_ok=True)
        failed.append(
            f"{name} did not answer at {node.url} within {timeout:.0f} s:\n{log_tail(node)}"
        )
    if failed:
        raise ChainError("\n".join(failed))
    _connect_then_seal(network, nodes, peer_timeout)
    return status(network, names)


def stop(network: NetworkDescription, names: Iterable[str] = (), grace: float = 30.0) -> list[str]:
    """Stop the nodes called ``names`` (every node when none) that this directory started: all
    are sent SIGTERM at once, then each is waited for, and killed after ``grace`` seconds.

    Returns:
        The names of the nodes that were running and are stopped.
    """
    pids = {}
    for node in network.select(names):
        pid = running_pid(node)
        if pid is not None:
            pids[node.name] = pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        (node.data_dir / PID_FILE).unlink(missing_ok=True)
    for pid in pids.values():
        terminate(pid, grace)
    return list(pids)


HEAD_CALLS: Sequence[tuple[str, Sequence[Any]]] = (
    ("eth_getBlockByNumber", ("latest", False)),
    ("net_peerCount", ()),
    ("eth_mining", ()),
    ("clique_getSigners", ("latest",)),
)


def _read(node: NodeDescription, pid: int) -> NodeStatus:
    base = NodeStatus(node.name, node.role.value, node.url, True, pid)
    try:
        block, peers, mining, signers = batch(node.url, HEAD_CALLS)
    except (requests.RequestException, ChainError, ValueError):
        return base
    if isinstance(signers, ChainError):  # no clique_ over HTTP beyond loopback: over IPC
        with contextlib.suppress(ChainError, requests.RequestException):
            signers = node_call(node, "clique_getSigners", "latest")
    head = block if isinstance(block, dict) else {}
    in_set = None
    if isinstance(signers, list):
        in_set = node.address.lower() in {str(s).lower() for s in signers}
    return NodeStatus(
        node.name, node.role.value, node.url, True, pid,
        head=int(head["number"], 16) if "number" in head else None,
        hash=head.get("hash"),
        peers=int(peers, 16) if isinstance(peers, str) else None,
        mining=mining if isinstance(mining, bool) else None,
        signer=in_set,
    )  # fmt: skip


def status(network: NetworkDescription, names: Iterable[str] = ()) -> list[NodeStatus]:
    """The status of the nodes called ``names`` (every node when none); a node's lag is counted
    from the highest head any node of the network answers with."""
    every = []
    for node in network.nodes:
        pid = running_pid(node)
        if pid is None:
            every.append(NodeStatus(node.name, node.role.value, node.url, False))
        else:
            every.append(_read(node, pid))
    heads = [s.head for s in every if s.head is not None]
    highest = max(heads, default=None)
    wanted = {n.name for n in network.select(names)}
    return [
        NodeStatus(**{**s.as_dict(), "lag": highest - s.head})
        if s.head is not None and highest is not None
        else s
        for s in every
        if s.name in wanted
    ]
