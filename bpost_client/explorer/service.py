"""The explorer as a background service beside the embedded chain: ``bpost explorer start`` runs
``bpost explorer serve`` detached (its indexer following the chain), records its process in
``<data_dir>/explorer.pid`` and waits until it answers; ``bpost explorer stop`` ends it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

from bpost_client._utils.processes import terminate
from bpost_client.exceptions import BPostError
from bpost_client.platform.chain import ChainConfig

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_PORT",
    "ExplorerService",
    "ServiceError",
    "ServiceStatus",
    "start",
    "status",
    "stop",
]

DEFAULT_DATA_DIR = ChainConfig().data_dir.parent / "explorer"
"""Where the background explorer keeps its pid, log and API tokens (``.bpost/explorer``)."""
DEFAULT_PORT = 8600


class ServiceError(BPostError, RuntimeError):
    """The explorer could not be started: the port is taken, or it exited or did not answer."""


@dataclass(frozen=True)
class ExplorerService:
    """Where a background explorer listens and keeps its files."""

    data_dir: Path = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT

    @property
    def url(self) -> str:
        """The explorer's address, ending in ``/``."""
        return f"http://{self.host}:{self.port}/"

    @property
    def pid_file(self) -> Path:
        """The file naming the running explorer's process."""
        return self.data_dir / "explorer.pid"

    @property
    def log_file(self) -> Path:
        """What the explorer prints."""
        return self.data_dir / "explorer.log"

    @property
    def tokens_file(self) -> Path:
        """The API tokens it accepts (``bpost api token --tokens`` writes them)."""
        return self.data_dir / "tokens.yaml"


@dataclass(frozen=True)
class ServiceStatus:
    """Whether the explorer runs, where, and as which process."""

    running: bool
    url: str
    pid: int | None = None


def _bpost() -> str:
    beside = Path(sys.executable).parent / "bpost"
    if beside.exists():
        return str(beside)
    found = shutil.which("bpost")
    if found is None:
        raise ServiceError("the bpost command is not installed: run 'make install'")
    return found


def _read_pid(service: ExplorerService) -> int | None:
    try:
        return int(json.loads(service.pid_file.read_text("utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int, service: ExplorerService) -> bool:
    """Whether ``pid`` is an explorer serving on this service's port."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"explorer" in cmdline and str(service.port).encode() in cmdline


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}login", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def status(service: ExplorerService) -> ServiceStatus:
    """Whether the explorer of ``service`` runs."""
    pid = _read_pid(service)
    if pid is None or not _alive(pid, service):
        return ServiceStatus(False, service.url)
    return ServiceStatus(True, service.url, pid)


def start(
    service: ExplorerService, options: Sequence[str] = (), timeout: float = 60.0
) -> ServiceStatus:
    """Start ``bpost [options] explorer serve`` in the background unless it already runs, and
    wait until it answers. ``options`` are the global ``bpost`` options (node URL,
    deployments); the index database comes from ``BPOST_INDEX_DATABASE`` or the default.

    Raises:
        ServiceError: the port answers already, or the explorer exited or did not answer.
    """
    current = status(service)
    if current.running:
        return current
    if _listening(service.host, service.port):
        raise ServiceError(
            f"{service.url} already answers and is not this explorer: choose another --port"
        )
    service.data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        _bpost(),
        *options,
        "explorer",
        "serve",
        "--host",
        service.host,
        "--port",
        str(service.port),
        "--tokens",
        str(service.tokens_file.resolve()),
    ]
    with service.log_file.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    service.pid_file.write_text(json.dumps({"pid": process.pid, "url": service.url}) + "\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            service.pid_file.unlink(missing_ok=True)
            tail = service.log_file.read_text("utf-8", errors="replace")[-1200:]
            raise ServiceError(f"the explorer exited with code {process.returncode}:\n{tail}")
        if _answers(service.url):
            return ServiceStatus(True, service.url, process.pid)
        time.sleep(0.2)
    terminate(process.pid)
    service.pid_file.unlink(missing_ok=True)
    raise ServiceError(f"the explorer did not answer at {service.url} within {timeout:.0f} s")


def stop(service: ExplorerService) -> bool:
    """Stop the background explorer; True when one was running."""
    pid = _read_pid(service)
    if pid is None or not _alive(pid, service):
        service.pid_file.unlink(missing_ok=True)
        return False
    terminate(pid)
    service.pid_file.unlink(missing_ok=True)
    return True
