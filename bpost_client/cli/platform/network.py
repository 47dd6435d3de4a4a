"""`bpost network init|start|stop|status`: a consortium network of geth Clique nodes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.platform.network.description import (
    DEFAULT_BASE_PORT,
    MAX_NODES,
    read_network,
)
from bpost_client.platform.network.genesis import MAX_PERIOD, MIN_PERIOD

if TYPE_CHECKING:
    from bpost_client.platform.network.lifecycle import NodeStatus

__all__ = ["network"]

_directory = click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
_nodes = click.option(
    "--node",
    "names",
    multiple=True,
    metavar="NAME",
    help="Only this node (validator-1, member-1 ...); repeat for more. Every node by default.",
)

COLUMNS = ("name", "role", "running", "head", "hash", "peers", "mining", "signer", "lag", "url")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text[:10] + ".." + text[-4:] if text.startswith("0x") and len(text) > 18 else text


def _show(ctx: Context, statuses: list[NodeStatus]) -> None:
    """The nodes' statuses: JSON with --json, else a table (``mining``: sealing now,
    ``signer``: in the chain's signer set, ``lag``: blocks behind the highest head)."""
    rows = [s.as_dict() for s in statuses]
    if ctx.as_json:
        emit(ctx, rows)
        return
    cells = [list(COLUMNS), *([_cell(r[c]) for c in COLUMNS] for r in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


@click.group()
def network() -> None:
    """A consortium network: geth Clique validators and members' nodes, on loopback ports."""


@network.command()
@click.option(
    "--validators",
    type=click.IntRange(1, MAX_NODES),
    required=True,
    help="Nodes that seal blocks in turn.",
)
@click.option(
    "--members",
    type=click.IntRange(0, MAX_NODES - 1),
    default=0,
    show_default=True,
    help="Members' nodes: they follow the chain and serve a client, never seal.",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fund the operator addresses of this roster (YAML or CSV) in the genesis; "
    "without it, the embedded chain's dev accounts (public keys: local use only).",
)
@click.option(
    "--period",
    type=click.IntRange(MIN_PERIOD, MAX_PERIOD),
    default=1,
    show_default=True,
    help="Seconds between blocks.",
)
@click.option(
    "--base-port",
    type=click.IntRange(1024, 65535),
    default=DEFAULT_BASE_PORT,
    show_default=True,
    help="The first node's HTTP port; node i (from 0) listens on "
    "base+10i (HTTP), +1 (WebSocket), +2 (engine API), +3 (peer to peer).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the network DIRECTORY holds (its nodes' data is deleted).",
)
@click.option(
    "--light-kdf",
    is_flag=True,
    help="Encrypt the node keystores cheaply (throwaway networks: tests, demos).",
)
@_directory
@pass_context
def init(
    ctx: Context, /, validators: int, members: int, roster: Path | None, period: int,
    base_port: int, force: bool, light_kdf: bool, directory: Path,
) -> None:  # fmt: skip
    """Create a network in DIRECTORY (new or empty): genesis, keys and data directory per node."""
    from bpost_client.platform.network.init import init_network

    created = init_network(
        directory, validators, members, roster=roster, period=period, base_port=base_port,
        force=force, light_kdf=light_kdf,
    )  # fmt: skip
    nodes = [
        {"name": n.name, "role": n.role.value, "address": n.address, "url": n.url,
         "ws_url": n.ws_url, "authrpc_port": n.ports.authrpc, "p2p_port": n.ports.p2p,
         "enode": n.enode, "data_dir": str(n.data_dir)}
        for n in created.nodes
    ]  # fmt: skip
    if ctx.as_json:
        summary = {"description": str(created.path), "genesis": str(created.genesis),
                   "chain_id": created.chain_id, "period": created.period}  # fmt: skip
        emit(ctx, {**summary, "nodes": nodes})
        return
    click.echo(f"network of {validators} validator(s) and {members} member node(s): {created.path}")
    for n in nodes:
        click.echo(f"  {n['name']:<14} {n['role']:<9} {n['address']}  {n['url']}")
    click.echo(f"start it with: bpost network start {directory}")


@network.command()
@_nodes
@click.option(
    "--timeout",
    type=click.FloatRange(1, 600),
    default=60,
    show_default=True,
    help="Seconds a node has to answer over HTTP.",
)
@_directory
@pass_context
def start(ctx: Context, /, names: tuple[str, ...], timeout: float, directory: Path) -> None:
    """Start the network's nodes (those not running) in the background; wait until they answer."""
    from bpost_client.platform.network import lifecycle

    _show(ctx, lifecycle.start(read_network(directory), names, timeout=timeout))


@network.command()
@_nodes
@click.option(
    "--grace",
    type=click.FloatRange(0, 600),
    default=30,
    show_default=True,
    help="Seconds a node has to exit after SIGTERM before it is killed.",
)
@_directory
@pass_context
def stop(ctx: Context, /, names: tuple[str, ...], grace: float, directory: Path) -> None:
    """Stop the network's nodes this directory started (geth writes its state as it exits)."""
    from bpost_client.platform.network import lifecycle

    stopped = lifecycle.stop(read_network(directory), names, grace=grace)
    emit(ctx, {"stopped": stopped})


@network.command()
@_nodes
@_directory
@pass_context
def status(ctx: Context, /, names: tuple[str, ...], directory: Path) -> None:
    """Each node: running, head, peers, sealing, in the signer set, and blocks behind the
    highest head."""
    from bpost_client.platform.network import lifecycle

    _show(ctx, lifecycle.status(read_network(directory), names))
