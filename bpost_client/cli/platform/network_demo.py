"""`bpost network demo`: `make demo`'s walk-through of the three use cases on a consortium
network instead of the embedded chain.

The network (by default 4 validators and 1 member node with a 1-second period, in
``.bpost/network``) is initialised when its directory holds none and started with the code of
``bpost network init`` and ``start``. Then come the steps of ``make demo``, in its order and with
its files (:func:`demo_steps`; a test holds them to the Makefile's ``demo`` recipe): the deployment
(config/deploy/network.yaml: a 3-second timelock, waited in wall-clock time) and the demo roster
through ``bpost --network DIR``, which talks to the member's node and keeps the manifest in
``DIR/deployments``; the Ape scripts with ``--network <member node URL> --deployments
DIR/deployments``; last, the explorer following the member's node, with its index, pid, log and
tokens in ``DIR/explorer`` and its own port, so that it runs beside ``make demo``'s.

Every step plans against the chain, so a second run on the same network sends nothing new;
``--fresh`` stops the network and its explorer and initialises it anew.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from bpost_client.exceptions import BPostError, ConfigError

if TYPE_CHECKING:
    from bpost_client.platform.network.description import NetworkDescription

__all__ = [
    "DEFAULT_DIRECTORY",
    "EXPLORER_PORT",
    "DemoOutcome",
    "Step",
    "demo_steps",
    "explorer_dir",
    "prepare_network",
    "run_demo",
    "run_steps",
    "show",
]

DEFAULT_DIRECTORY = Path(".bpost/network")
"""The demo network's directory, in the clone (beside the embedded chain's ``.bpost/chain``)."""
VALIDATORS, MEMBERS, PERIOD = 4, 1, 1
EXPLORER_PORT = 8601
"""The network demo's explorer: next to the embedded demo's (8600), so both can run."""
EXPLORER_DIR = "explorer"
"""The directory, in the network's, of its explorer's index, pid, log and API tokens."""
OBSERVER = "3538000KASUMIOBS0164"
"""The institution the explorer's API token is issued to, as in ``make demo``."""
NETWORK_PARAMS = "config/deploy/network.yaml"
DEMO_ROSTER = "config/demo-participants.yaml"
CLONE_FILES = (
    "ape-config.yaml",
    ".build/__local__.json",
    "scripts/demo.py",
    "scripts/demo_governance.py",
    "scripts/demo_lending.py",
    NETWORK_PARAMS,
    DEMO_ROSTER,
)
"""What the demo reads from the clone (the current directory): the Ape project and scripts, the
compiled contracts and the demo's files."""


@dataclass(frozen=True)
class Step:
    """One command of the demo: ``bpost ARGS`` (run in this process) or ``ape ARGS``."""

    program: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return " ".join([self.program, *self.args])


@dataclass(frozen=True)
class DemoOutcome:
    """The network the demo ran on and the explorer that follows it."""

    network: NetworkDescription
    serving: str
    """The member node's URL, which the client, the scripts and the explorer talk to."""
    created: bool
    """Whether this run initialised the network (else it found one in the directory)."""
    explorer: dict[str, Any]
    """``bpost --json explorer start``'s answer: its URL, pid, the observer's token."""
    stop: tuple[str, ...]
    """The commands that stop the network and the explorer."""

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON takes it."""
        from bpost_client.platform.network import lifecycle

        return {
            "network": str(self.network.directory),
            "created": self.created,
            "serving": self.serving,
            "deployments": str(self.network.directory / "deployments"),
            "nodes": [s.as_dict() for s in lifecycle.status(self.network)],
            "explorer": self.explorer,
            "stop": list(self.stop),
        }


def explorer_dir(directory: Path) -> Path:
    """Where the network demo's explorer keeps its index, pid, log and API tokens."""
    return Path(directory) / EXPLORER_DIR


def demo_steps(directory: Path, url: str, explorer_port: int = EXPLORER_PORT) -> list[Step]:
    """``make demo``'s commands after ``bpost chain start``, on the network in ``directory``
    served at ``url``: ``bpost`` with ``--network DIR``, the Ape scripts with the node's URL and
    the network's manifest directory; deployed and rostered by ``bpost`` (the same library calls
    as ``ape run deploy`` and ``ape run roles``), with the network's parameters."""
    from bpost_client.platform.network.serving import DEPLOYMENTS_DIR

    on = ("--network", str(directory))
    ape = ("--network", url, "--deployments", str(Path(directory) / DEPLOYMENTS_DIR))
    provider = (*on, "--dev-account", "6")
    explorer = explorer_dir(directory)
    lending = ("--agreements", "config/demo-lending/agreements.csv",
               "--positions", "config/demo-lending/positions.csv",
               "--prices", "config/demo-lending/prices.csv",
               "--dividends", "config/demo-lending/dividends.csv",
               "--from", "2026-09-01", "--to", "2026-09-30",
               "--out", ".bpost/demo/lending-2026-09.csv")  # fmt: skip
    return [
        Step("bpost", (*on, "deploy", "--params", NETWORK_PARAMS, "--skip-if-deployed")),
        Step("bpost", (*on, "roles", "apply", DEMO_ROSTER)),
        Step("ape", ("run", "demo_governance", *ape)),
        Step("bpost", (*on, "calendar", "publish", "--year", "2025", "--year", "2026")),
        Step("bpost", (*provider, "securities", "upload", "config/demo-securities.csv")),
        Step("bpost", (*provider, "prices", "upload", "config/demo-prices.csv")),
        Step("bpost", (*provider, "dividends", "upload", "config/demo-dividends.csv")),
        Step("bpost", (*on, "status")),
        Step("bpost", (*on, "participants", "list")),
        Step("ape", ("run", "demo", *ape)),
        Step("ape", ("run", "demo_lending", *ape)),
        Step("bpost", ("lending", "calc", *lending)),
        Step("bpost", (*on, "--json", "explorer", "start", "--token-for", OBSERVER,
                       "--port", str(explorer_port), "--data-dir", str(explorer),
                       "--database", f"sqlite:///{explorer.absolute() / 'index.sqlite'}")),
    ]  # fmt: skip


def _check_clone(root: Path) -> None:
    """Refuse to run outside the clone: the demo reads its scripts and files from there."""
    missing = [name for name in CLONE_FILES if not (root / name).is_file()]
    if missing:
        raise ConfigError(
            f"{root} is not a built B-POST clone (missing {', '.join(missing)}): run "
            "'make demo-network' in the clone"
        )


def _stop_explorer(directory: Path, unless_port: int | None = None) -> int | None:
    """Stop the explorer of the network in ``directory`` (on whatever port its pid file names)
    unless it serves on ``unless_port``; returns the port it served on when it was stopped."""
    from urllib.parse import urlsplit

    from bpost_client.explorer.service import ExplorerService, stop

    data_dir = explorer_dir(directory)
    try:
        url = json.loads((data_dir / "explorer.pid").read_text("utf-8"))["url"]
        port = urlsplit(url).port
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if port is None or port == unless_port:
        return None
    return port if stop(ExplorerService(data_dir=data_dir, port=port)) else None


def prepare_network(
    directory: Path,
    *,
    validators: int = VALIDATORS,
    members: int = MEMBERS,
    base_port: int | None = None,
    explorer_port: int = EXPLORER_PORT,
    fresh: bool = False,
    say: Callable[[str], None] = click.echo,
) -> tuple[NetworkDescription, bool]:
    """The network in ``directory``, running: initialised when the directory holds none (or,
    with ``fresh``, anew after its nodes and its explorer are stopped), started when stopped.
    Its explorer is stopped when it serves on another port than ``explorer_port`` (the demo
    starts it again there). Returns the network and whether it was initialised here.

    Raises:
        ConfigError: ``directory`` holds something that is not a network, or (without
            ``fresh``) a network without a member node, or ``base_port`` is given for a
            network that exists.
        ChainError: a node did not start (the nodes of this directory are stopped again).
    """
    from bpost_client.platform.network import lifecycle
    from bpost_client.platform.network.description import (
        DEFAULT_BASE_PORT,
        description_path,
        read_network,
    )
    from bpost_client.platform.network.init import init_network

    directory = Path(directory)
    exists = description_path(directory).is_file()
    stopped_on = _stop_explorer(directory, None if fresh else explorer_port)
    if stopped_on is not None:  # --fresh, or it served on another port than asked
        say(f"stopped the explorer of {directory} on port {stopped_on}")
    if exists and fresh:
        stopped = lifecycle.stop(read_network(directory))
        say(f"--fresh: stopped {len(stopped)} node(s); the network in {directory} is replaced")
    if exists and not fresh:
        network = read_network(directory)
        if base_port is not None and network.nodes[0].ports.http != base_port:
            raise ConfigError(
                f"{directory} holds a network on ports from {network.nodes[0].ports.http}, not "
                f"{base_port}: run without --base-port, or with --fresh to replace it"
            )
        if all(n.is_validator for n in network.nodes):
            raise ConfigError(
                f"{directory} holds a network without a member node, whose node the demo's "
                "client uses: run with --fresh to replace it"
            )
        count = len(network.validators)
        say(f"the network in {directory}: {count} validator(s), "
            f"{len(network.nodes) - count} member node(s), period {network.period} s")  # fmt: skip
        created = False
    else:
        network = init_network(
            directory, validators, members, period=PERIOD,
            base_port=DEFAULT_BASE_PORT if base_port is None else base_port,
            force=fresh, light_kdf=True,
        )  # fmt: skip
        first = network.nodes[0].ports.http
        say(f"initialised a network of {validators} validator(s) and {members} member node(s) "
            f"in {directory} (period {PERIOD} s, ports from {first})")  # fmt: skip
        created = True
    running = {n.name for n in network.nodes if lifecycle.running_pid(n) is not None}
    try:
        lifecycle.start(network)
    except BPostError:
        started = [n.name for n in network.nodes if n.name not in running]
        if started:  # no geth left behind by a start that failed; the nodes running before run
            lifecycle.stop(network, started)
        raise
    return network, created


def _ape() -> str:
    beside = Path(sys.executable).parent / "ape"
    found = str(beside) if beside.exists() else shutil.which("ape")
    if found is None:
        raise ConfigError("the ape command is not installed: run 'make install'")
    return found


def _run_ape(step: Step, root: Path, out: TextIO) -> None:
    """``ape ARGS`` in ``root`` with the project's settings (as the Makefile exports them), its
    output to ``out``."""
    env = dict(os.environ)
    env.setdefault("APE_DATA_FOLDER", str(root.absolute() / ".bpost" / "ape"))
    bins = [str(Path(sys.executable).parent), str(root.absolute() / "node_modules" / ".bin")]
    env["PATH"] = os.pathsep.join([*bins, env.get("PATH", "")])
    out.flush()
    try:
        target: Any = out.fileno()
    except (OSError, ValueError, AttributeError):  # a stream of this process only (a capture)
        target = subprocess.PIPE
    done = subprocess.run(
        [_ape(), *step.args], cwd=root, env=env, stdout=target, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, text=True, check=False,
    )  # fmt: skip
    if done.stdout:
        out.write(done.stdout)
    if done.returncode != 0:
        raise BPostError(f"'{step}' exited with {done.returncode} (its output is above)")


def _run_bpost(step: Step, out: TextIO) -> None:
    """``bpost ARGS`` in this process, printing to ``out``."""
    from bpost_client.cli import main

    with contextlib.redirect_stdout(out):
        code = main(list(step.args))
    if code != 0:
        raise BPostError(f"'{step}' exited with {code} (its error is above)")


def _start_explorer(step: Step) -> dict[str, Any]:
    """``bpost --json explorer start ...`` in this process; returns its answer."""
    from bpost_client.cli import main

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        code = main(list(step.args))
    if code != 0:
        raise BPostError(f"'{step}' exited with {code} (its error is above)")
    answer: dict[str, Any] = json.loads(captured.getvalue())
    return answer


def run_steps(steps: list[Step], root: Path, out: TextIO) -> dict[str, Any]:
    """Run ``steps`` in order in the clone ``root``, each announced and printing to ``out``;
    returns the explorer's answer (empty when no step starts it).

    Raises:
        BPostError: a step failed (the steps after it are not run).
    """
    explorer: dict[str, Any] = {}
    for step in steps:
        click.echo(f"$ {step}", file=out)
        if step.program == "ape":
            _run_ape(step, root, out)
        elif "explorer" in step.args:
            explorer = _start_explorer(step)
        else:
            _run_bpost(step, out)
    return explorer


def run_demo(
    directory: Path = DEFAULT_DIRECTORY,
    *,
    validators: int = VALIDATORS,
    members: int = MEMBERS,
    base_port: int | None = None,
    explorer_port: int = EXPLORER_PORT,
    fresh: bool = False,
    out: TextIO | None = None,
    root: Path | None = None,
    leave_out: Collection[str] = (),
) -> DemoOutcome:
    """Run ``make demo``'s steps on the network in ``directory`` (initialised and started as
    needed, see :func:`prepare_network`), then start its explorer following the member's node.
    The steps print to ``out`` (stdout by default) as they run; the Ape scripts named in
    ``leave_out`` are not run (a test leaves out ``demo``, whose use cases 1 and 2 take two
    minutes of blocks).

    Raises:
        ConfigError: not run in a built clone, or a directory the demo cannot use.
        BPostError: a step failed (the network keeps running; the message says so).
    """
    from bpost_client.platform.network.serving import serving_node

    out = sys.stdout if out is None else out
    root = Path.cwd() if root is None else root
    _check_clone(root)

    def say(text: str) -> None:
        click.echo(text, file=out)

    network, created = prepare_network(
        directory, validators=validators, members=members, base_port=base_port,
        explorer_port=explorer_port, fresh=fresh, say=say,
    )  # fmt: skip
    node = serving_node(network)
    say(f"the client talks to {node.name} at {node.url}")
    stop = (
        f"bpost network stop {directory}",
        f"bpost explorer stop --port {explorer_port} --data-dir {explorer_dir(directory)}",
    )
    try:
        steps = demo_steps(directory, node.url, explorer_port)
        kept = [s for s in steps if not (s.program == "ape" and s.args[1] in leave_out)]
        explorer = run_steps(kept, root, out)
    except BPostError as exc:
        raise BPostError(f"{exc}; the network keeps running: '{stop[0]}' ends it") from exc
    return DemoOutcome(network, node.url, created, explorer, stop)


def show(outcome: DemoOutcome, out: TextIO | None = None) -> None:
    """What a person needs after the demo: where the explorer is, how to sign in, how to stop."""
    explorer = outcome.explorer
    lines = [
        f"explorer: {explorer.get('url')} (process {explorer.get('pid')}), its indexer "
        f"following {outcome.serving}",
    ]
    if explorer.get("token"):
        lines.append(f"sign in with the API token of {explorer.get('token_for')}: "
                     f"{explorer['token']}")  # fmt: skip
    lines.append(f"any command on the network: bpost --network {outcome.network.directory} ...")
    lines.append("The network and the explorer keep running; stop them with:")
    lines += [f"  {command}" for command in outcome.stop]
    for line in lines:
        click.echo(line, file=out)
