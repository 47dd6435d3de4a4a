"""The pinned geth: where the binary is, that it is the pinned release, and a node's command line.

geth v1.13.15 is the last release that seals Clique blocks (1.14 removed Clique sealing).
``make geth`` builds it once per machine into ``$BPOST_GETH_DIR`` (by default
``~/.cache/bpost/geth-v1.13.15``, outside the clone) and reuses it after; the Makefile reads the
pin from :data:`GETH_VERSION` below, so the version is written in this one place.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bpost_client.exceptions import ChainError
from bpost_client.platform.network.description import is_loopback
from bpost_client.platform.network.genesis import GAS_LIMIT

if TYPE_CHECKING:
    from bpost_client.platform.network.description import NetworkDescription, NodeDescription

__all__ = [
    "CONFIG_FILE",
    "GETH_DIR_ENV",
    "GETH_VERSION",
    "IPC_FILE",
    "MIN_TIP_WEI",
    "OPERATOR_APIS",
    "RPC_APIS",
    "TXPOOL_SLOTS",
    "config_toml",
    "find_geth",
    "geth_dir",
    "geth_version",
    "ipc_path",
    "node_command",
    "rpc_apis",
]

GETH_VERSION = "v1.13.15"
"""The geth release the network runs: the last that seals Clique blocks (the Makefile reads it)."""

GETH_DIR_ENV = "BPOST_GETH_DIR"
"""The environment variable naming the directory of the pinned geth (``make geth`` honours it)."""


def geth_dir() -> Path:
    """The directory of the pinned geth: ``$BPOST_GETH_DIR``, else
    ``${XDG_CACHE_HOME:-~/.cache}/bpost/geth-<version>``, as the Makefile computes it."""
    explicit = os.environ.get(GETH_DIR_ENV)
    if explicit:
        return Path(explicit)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "bpost" / f"geth-{GETH_VERSION}"


@cache
def geth_version(executable: str) -> str:
    """The release ``executable`` says it is (``1.13.15-stable``).

    Raises:
        ChainError: it does not run or does not say its version.
    """
    try:
        done = subprocess.run(
            [executable, "version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise ChainError(f"cannot run {executable}: {exc}") from exc
    found = re.search(r"^Version: (\S+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or found is None:
        raise ChainError(f"{executable} version did not say its version: {done.stderr.strip()}")
    return found.group(1)


def find_geth() -> str:
    """The pinned geth executable, checked to be :data:`GETH_VERSION`.

    Raises:
        ChainError: none at :func:`geth_dir` (run ``make geth``), or another release there.
    """
    executable = geth_dir() / "geth"
    if not executable.is_file():
        raise ChainError(
            f"geth {GETH_VERSION} not found at {executable}: run 'make geth' (it builds geth "
            f"once per machine) or set {GETH_DIR_ENV} to the directory of a geth {GETH_VERSION}"
        )
    found = geth_version(str(executable))
    if found.split("-")[0] != GETH_VERSION.removeprefix("v"):
        raise ChainError(
            f"{executable} is geth {found}, not the pinned {GETH_VERSION}: run 'make geth' or "
            f"set {GETH_DIR_ENV}"
        )
    return str(executable)


RPC_APIS = "eth,net,web3,clique,txpool"
"""The JSON-RPC namespaces a node serves over HTTP and WebSocket on loopback: no admin, personal,
debug or miner (:func:`rpc_apis` leaves ``clique`` off too beyond loopback)."""

OPERATOR_APIS = frozenset({"admin", "clique", "debug", "miner", "personal"})
"""The namespaces only the node's operator may call: ``clique_propose`` votes for the validator,
``miner_`` starts and stops sealing, ``admin_`` adds peers and exports the chain. geth cannot
serve part of a namespace, so ``clique_getSigners`` goes with ``clique_propose``."""


def rpc_apis(bind_host: str) -> str:
    """The namespaces a node's HTTP and WebSocket listeners bound to ``bind_host`` serve:
    :data:`RPC_APIS` on loopback, where only this machine's users reach them; beyond it, those
    without :data:`OPERATOR_APIS`, which are then served over the node's IPC socket alone (the
    votes, ``miner_start`` and the signer set, read there by ``bpost network``).

    Raises:
        ConfigError: ``bind_host`` is not an IP address.
    """
    if is_loopback(bind_host):
        return RPC_APIS
    return ",".join(n for n in RPC_APIS.split(",") if n not in OPERATOR_APIS)


TXPOOL_SLOTS = {
    "accountslots": 1024,
    "globalslots": 16384,
    "accountqueue": 1024,
    "globalqueue": 4096,
}
"""The transaction pool's room, raised from geth's 16 executable transactions per account so that
a pipelined sender's batch waits in the pool instead of being refused: as many per account as the
sender keeps in flight (``_utils.sender.MAX_IN_FLIGHT``, the same 1,024)."""

MIN_TIP_WEI = 10**9
"""The least tip (priority fee per gas) any node of the network takes: 1 gwei, geth's default
``--miner.gasprice``, below which a validator seals nothing. Every node's pool refuses less
(``--txpool.pricelimit``), and takes no transaction sent to it over RPC as "local" (local ones
skip the pool's price check, so a member's node would keep forever a transaction that no
validator seals, and every later one of its sender behind it)."""

CONFIG_FILE = "config.toml"
"""The node's TOML configuration in its data directory: its listener and its static peers."""


def _toml_string(text: str) -> str:
    if any(c in text for c in '"\\\n'):
        raise ChainError(f"{text!r} cannot be written in the node's configuration")
    return f'"{text}"'


def config_toml(node: NodeDescription, peers: Sequence[NodeDescription]) -> str:
    """The node's geth configuration: the peer-to-peer listener on its host (loopback) with
    discovery off, and the other nodes as static and trusted peers (so they are dialled, and
    kept even when the peer limit is reached)."""
    enodes = ", ".join(_toml_string(p.enode) for p in peers if p.name != node.name)
    return (
        "# Written by `bpost network init`; the flags `bpost network start` adds are in\n"
        "# bpost_client/platform/network/geth.py (node_command).\n"
        "[Node.P2P]\n"
        "NoDiscovery = true\n"
        f"ListenAddr = {_toml_string(f'{node.host}:{node.ports.p2p}')}\n"
        f"StaticNodes = [{enodes}]\n"
        f"TrustedNodes = [{enodes}]\n"
    )


IPC_FILE = "geth.ipc"
"""The node's IPC socket in its data directory: the administrative methods (``miner_start``),
reachable only by the user running the node."""

IPC_PATH_MAX = 100
"""The longest IPC socket path the system takes (108 bytes on Linux, less elsewhere)."""


def ipc_path(node: NodeDescription) -> Path:
    """The node's IPC socket.

    Raises:
        ChainError: its path is too long for a Unix socket (move the network's directory).
    """
    path = node.data_dir.absolute() / IPC_FILE
    if len(str(path).encode()) > IPC_PATH_MAX:
        raise ChainError(
            f"{path} is longer than a Unix socket path may be ({IPC_PATH_MAX} bytes): put the "
            "network in a directory with a shorter path"
        )
    return path


def node_command(executable: str, network: NetworkDescription, node: NodeDescription) -> list[str]:
    """geth's command line for ``node``: full sync, JSON-RPC on its ``http_host`` (loopback
    unless told otherwise, and without the operator's namespaces beyond it: :func:`rpc_apis`),
    the engine API on a port of its own (1.13 always opens it), IPC in the data directory, no NAT
    probing, no discovery, no profiler. A validator's account is unlocked and named as the
    sealer, but it does not seal until told over IPC (see ``lifecycle.start``)."""
    data_dir = str(node.data_dir.absolute())
    apis = rpc_apis(node.http_host)
    command = [
        executable,
        "--config", str(node.data_dir.absolute() / CONFIG_FILE),
        "--datadir", data_dir,
        "--networkid", str(network.chain_id),
        "--syncmode", "full",
        "--nodiscover", "--nat", "none", "--ipcpath", str(ipc_path(node)),
        "--http", "--http.addr", node.http_host, "--http.port", str(node.ports.http),
        "--http.api", apis,
        "--ws", "--ws.addr", node.http_host, "--ws.port", str(node.ports.ws), "--ws.api", apis,
        "--authrpc.addr", node.host, "--authrpc.port", str(node.ports.authrpc),
        "--miner.gaslimit", str(GAS_LIMIT),
    ]  # fmt: skip
    for name, value in TXPOOL_SLOTS.items():
        command += [f"--txpool.{name}", str(value)]
    command += [
        "--txpool.nolocals", "--txpool.pricelimit", str(MIN_TIP_WEI),
        "--miner.gasprice", str(MIN_TIP_WEI),
    ]  # fmt: skip
    if node.is_validator:
        command += [
            "--miner.etherbase", node.address,
            "--unlock", node.address, "--password", str(node.password_file.absolute()),
            "--allow-insecure-unlock",
        ]  # fmt: skip
    return command
