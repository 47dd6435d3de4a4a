"""The embedded private chain: anvil run as B-POST's local node.

The chain has the fixed chain id :data:`CHAIN_ID` and runs the ``paris`` hardfork, so the bytecode
deployed on it also runs on the proof-of-authority engines a consortium may use later. Its state is
dumped to ``<data_dir>/state.json`` every ``state_interval`` seconds and on a clean stop, and loaded
again on start, so a restart keeps every block, record and event. ``<data_dir>/anvil.pid`` names the
process this module started, so :func:`stop` ends exactly that one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bpost_client._utils.jsonrpc import call as _rpc
from bpost_client._utils.processes import terminate
from bpost_client.exceptions import ChainError, ConfigError

__all__ = [
    "CHAIN_ID",
    "DEV_CHAIN_IDS",
    "DEV_MNEMONIC",
    "HARDFORK",
    "ChainConfig",
    "ChainStatus",
    "find_anvil",
    "start",
    "status",
    "stop",
]

CHAIN_ID = 20201030
"""Chain id of B-POST's embedded chain (the date of the 2020 pilot report, 30 Oct 2020)."""

DEV_CHAIN_IDS = frozenset({CHAIN_ID, 31337})
"""Chains on which the well-known dev accounts may sign: the embedded chain and Ape's test chain
(``signers`` guards with it; kept here, free of eth-account, for the network's description)."""

HARDFORK = "paris"
"""The EVM rules of the chain and of the compiler: no PUSH0, MCOPY or transient storage."""

DEV_MNEMONIC = "test test test test test test test test test test test junk"
"""The well-known development mnemonic of the embedded chain's funded accounts: local use only."""


@dataclass(frozen=True)
class ChainConfig:
    """Where and how the embedded chain runs."""

    data_dir: Path = Path(".bpost/chain")
    host: str = "127.0.0.1"
    port: int = 8545
    block_time: int = 0
    state_interval: int = 1
    chain_id: int = CHAIN_ID
    accounts: int = 20

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError(f"port {self.port} is not between 1 and 65535")
        if self.block_time < 0:
            raise ConfigError(f"block time {self.block_time} is negative")
        if self.state_interval < 1:
            raise ConfigError(f"state interval {self.state_interval} must be at least 1 second")

    @property
    def url(self) -> str:
        """The JSON-RPC URL of the chain."""
        return f"http://{self.host}:{self.port}"

    @property
    def state_file(self) -> Path:
        """The file the chain's state is dumped to and loaded from."""
        return self.data_dir / "state.json"

    @property
    def pid_file(self) -> Path:
        """The record of the running process."""
        return self.data_dir / "anvil.pid"

    @property
    def log_file(self) -> Path:
        """anvil's output."""
        return self.data_dir / "anvil.log"


@dataclass(frozen=True)
class ChainStatus:
    """What is known of the embedded chain."""

    running: bool
    url: str
    pid: int | None = None
    chain_id: int | None = None
    block: int | None = None


def find_anvil() -> str:
    """The anvil executable: ``$BPOST_ANVIL``, then ``PATH``, then the project's node_modules.

    Raises:
        ChainError: none found (run ``make install``).
    """
    explicit = os.environ.get("BPOST_ANVIL")
    if explicit:
        return explicit
    found = shutil.which("anvil")
    if found:
        return found
    for base in (Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[2]):
        candidate = base / "node_modules" / ".bin" / "anvil"
        if candidate.exists():
            return str(candidate)
    raise ChainError("anvil not found: run 'make install' or set BPOST_ANVIL")


def _alive(pid: int, state_file: Path) -> bool:
    """Whether ``pid`` is an anvil process that uses ``state_file``."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(b"anvil" in part for part in cmdline[:2]) and str(state_file).encode() in cmdline


def _read_pid(config: ChainConfig) -> int | None:
    try:
        record = json.loads(config.pid_file.read_text("utf-8"))
        return int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def status(config: ChainConfig) -> ChainStatus:
    """Whether the chain this config names is running, and its head block if so."""
    pid = _read_pid(config)
    if pid is None or not _alive(pid, config.state_file.resolve()):
        return ChainStatus(running=False, url=config.url)
    try:
        chain_id = int(str(_rpc(config.url, "eth_chainId")), 16)
        block = int(str(_rpc(config.url, "eth_blockNumber")), 16)
    except (requests.RequestException, ChainError):
        return ChainStatus(running=True, url=config.url, pid=pid)
    return ChainStatus(running=True, url=config.url, pid=pid, chain_id=chain_id, block=block)


def start(config: ChainConfig, timeout: float = 30.0) -> ChainStatus:
    """Start the chain unless it already runs; wait until it answers.

    Raises:
        ChainError: the port is taken by another node, or anvil exited or did not answer in time.
    """
    current = status(config)
    if current.running:
        return current
    other: int | None = None
    with contextlib.suppress(requests.RequestException, ChainError, ValueError):
        other = int(str(_rpc(config.url, "eth_chainId", timeout=0.5)), 16)
    if other is not None:
        raise ChainError(f"{config.url} already answers (chain id {other}) and is not this chain")
    config.data_dir.mkdir(parents=True, exist_ok=True)
    state_file = config.state_file.resolve()
    command = [
        find_anvil(),
        "--host", config.host,
        "--port", str(config.port),
        "--chain-id", str(config.chain_id),
        "--hardfork", HARDFORK,
        "--mnemonic", DEV_MNEMONIC,
        "--accounts", str(config.accounts),
        "--block-base-fee-per-gas", "0",
        "--state", str(state_file),
        "--state-interval", str(config.state_interval),
    ]  # fmt: skip
    if config.block_time:
        command += ["--block-time", str(config.block_time)]
    with config.log_file.open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    record = {"pid": process.pid, "url": config.url, "chain_id": config.chain_id}
    config.pid_file.write_text(json.dumps(record) + "\n", "utf-8")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            config.pid_file.unlink(missing_ok=True)
            tail = config.log_file.read_text("utf-8", errors="replace")[-800:]
            raise ChainError(f"anvil exited with code {process.returncode}:\n{tail}")
        with contextlib.suppress(requests.RequestException, ChainError, ValueError):
            chain_id = int(str(_rpc(config.url, "eth_chainId", timeout=0.5)), 16)
            block = int(str(_rpc(config.url, "eth_blockNumber")), 16)
            return ChainStatus(True, config.url, process.pid, chain_id, block)
        time.sleep(0.1)
    terminate(process.pid)
    config.pid_file.unlink(missing_ok=True)
    raise ChainError(f"anvil did not answer at {config.url} within {timeout:.0f} s")


def stop(config: ChainConfig) -> bool:
    """Stop the chain this config started; anvil dumps its state as it exits.

    Returns:
        True when a running chain was stopped, False when none was running.
    """
    pid = _read_pid(config)
    if pid is None or not _alive(pid, config.state_file.resolve()):
        config.pid_file.unlink(missing_ok=True)
        return False
    terminate(pid)
    # The pid is the npm launcher's; the anvil it runs may answer a moment longer, so a chain
    # started at once on the same port would find it taken.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            _rpc(config.url, "eth_chainId", timeout=0.5)
        except (requests.RequestException, ChainError, ValueError):
            break
        time.sleep(0.05)
    config.pid_file.unlink(missing_ok=True)
    return True
