"""`bpost network init|start|stop|status|propose-validator|demo`: a consortium network of geth
Clique nodes, whose validators change by their own vote, and make demo run on one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.cli.platform import network_demo as demo_defaults
from bpost_client.platform.chain import CHAIN_ID
from bpost_client.platform.network.description import (
    DEFAULT_BASE_PORT,
    MAX_CHAIN_ID,
    MAX_NODES,
    read_network,
)
from bpost_client.platform.network.genesis import MAX_PERIOD, MIN_PERIOD

if TYPE_CHECKING:
    from bpost_client.platform.network.description import NetworkDescription
    from bpost_client.platform.network.lifecycle import NodeStatus
    from bpost_client.platform.network.votes import SignerComparison, VoteOutcome

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
    help="Fund the operator addresses of this roster (YAML or CSV) in the genesis: a network "
    "for real members, where the dev accounts never sign. Without it, the embedded chain's dev "
    "accounts (public keys: local use only).",
)
@click.option(
    "--chain-id",
    type=click.IntRange(1, MAX_CHAIN_ID),
    default=CHAIN_ID,
    show_default=True,
    help="The chain id. A consortium's own id (with --roster) keeps the dev accounts off its "
    "chain for good.",
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
    "--http-host",
    metavar="ADDR",
    default="127.0.0.1",
    show_default=True,
    help="The IP address each node's JSON-RPC over HTTP and WebSocket binds to (0.0.0.0: every "
    "interface). Beyond loopback they serve no clique, admin, miner, personal or debug methods "
    "(votes and sealing go over IPC): firewall the ports to the members' clients.",
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
    ctx: Context, /, validators: int, members: int, roster: Path | None, chain_id: int,
    period: int, base_port: int, http_host: str, force: bool, light_kdf: bool, directory: Path,
) -> None:  # fmt: skip
    """Create a network in DIRECTORY (new or empty): genesis, keys and data directory per node."""
    from bpost_client.platform.network.geth import RPC_APIS, rpc_apis
    from bpost_client.platform.network.init import init_network

    created = init_network(
        directory, validators, members, roster=roster, period=period, chain_id=chain_id,
        base_port=base_port, http_host=http_host, force=force, light_kdf=light_kdf,
    )  # fmt: skip
    nodes = [
        {"name": n.name, "role": n.role.value, "address": n.address, "url": n.url,
         "ws_url": n.ws_url, "http_host": n.http_host, "rpc_apis": rpc_apis(n.http_host),
         "authrpc_port": n.ports.authrpc, "p2p_port": n.ports.p2p,
         "enode": n.enode, "data_dir": str(n.data_dir)}
        for n in created.nodes
    ]  # fmt: skip
    if ctx.as_json:
        summary = {"description": str(created.path), "genesis": str(created.genesis),
                   "chain_id": created.chain_id, "period": created.period,
                   "dev_accounts": created.dev_accounts}  # fmt: skip
        emit(ctx, {**summary, "nodes": nodes})
        return
    click.echo(f"network of {validators} validator(s) and {members} member node(s): {created.path}")
    click.echo(
        f"chain {created.chain_id}; "
        + ("for development: the dev accounts (public keys) are funded and sign"
           if created.dev_accounts else "the roster's operators are funded; dev accounts refused")
    )  # fmt: skip
    for n in nodes:
        click.echo(f"  {n['name']:<14} {n['role']:<9} {n['address']}  {n['url']}")
    if any(n["rpc_apis"] != RPC_APIS for n in nodes):
        click.echo(
            f"JSON-RPC binds {http_host}, beyond loopback: it serves {nodes[0]['rpc_apis']} "
            "only (clique, admin and miner over IPC); firewall its ports to the members' clients",
            err=True,
        )
    click.echo(f"start it with: bpost network start {directory}")


@network.command("add-member")
@click.option(
    "--light-kdf",
    is_flag=True,
    help="Encrypt the node's keystore cheaply (throwaway networks: tests, demos).",
)
@_directory
@pass_context
def add_member(ctx: Context, /, light_kdf: bool, directory: Path) -> None:
    """Add a member's node to the network in DIRECTORY: keys, genesis, every node its peer.

    Start it with 'bpost network start --node NAME': it syncs the whole chain from its peers."""
    from bpost_client.platform.network.description import read_network
    from bpost_client.platform.network.init import add_member_node

    node = add_member_node(read_network(directory), light_kdf=light_kdf)
    shown = {"name": node.name, "role": node.role.value, "address": node.address,
             "url": node.url, "p2p_port": node.ports.p2p, "enode": node.enode,
             "data_dir": str(node.data_dir)}  # fmt: skip
    if ctx.as_json:
        emit(ctx, shown)
        return
    click.echo(f"{node.name} added: {node.url}, enode {node.enode}")
    click.echo(f"start it with: bpost network start --node {node.name} {directory}")


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


def _comparison(
    ctx: Context, network: NetworkDescription, statuses: list[NodeStatus], record_url: str | None
) -> SignerComparison:
    """The chain's signers beside the governance record, read through the deployment
    (``--deployments``) of the chain at ``record_url``, by default through the network's own
    deployment (``DIRECTORY/deployments``, where ``bpost --network DIR deploy`` writes it) and
    its first node that answers; a side that cannot be read is not known, with the reason."""
    from bpost_client.exceptions import BPostError
    from bpost_client.platform.network.votes import chain_signers, compare_signers

    try:
        signers = chain_signers(network)
    except BPostError as exc:
        return compare_signers(None, None, f"the chain's signers are not known: {exc}")
    url = record_url or next((s.url for s in statuses if s.head is not None), None)
    if url is None:
        return compare_signers(signers, None, "no node answers to read the governance record")
    from bpost_client.client import connect  # web3: only once a node answers
    from bpost_client.platform.governance import validator_record
    from bpost_client.platform.network.serving import deployments_dir

    deployments = ctx.deployments if record_url is not None else deployments_dir(network)
    try:
        record = validator_record(connect(url, deployments))
    except (BPostError, ValueError) as exc:  # no deployment, another ABI, no code ...
        return compare_signers(signers, None, f"the governance record is not known: {exc}")
    return compare_signers(signers, {str(k): str(v) for k, v in record.items()})


def _show_comparison(comparison: SignerComparison) -> None:
    if comparison.agreed is None:
        click.echo(f"validators: {comparison.reason}")
    elif comparison.agreed:
        count = len(comparison.signers or [])
        click.echo(f"validators: the chain's {count} signer(s) are the governance record's")
    else:
        click.echo("validators: the chain's signers and the governance record differ")
        for signer in comparison.not_recorded:
            click.echo(f"  signing, not recorded by governance: {signer}")
        record = comparison.record or {}
        for recorded in comparison.not_signing:
            click.echo(f"  recorded by governance ({record[recorded]}), not signing: {recorded}")


@network.command()
@_nodes
@click.option(
    "--record-url",
    metavar="URL",
    help="Read the governance record of the validators from the deployment (--deployments) of "
    "the chain at URL. By default, the network's own deployment (DIRECTORY/deployments) through "
    "its first node that answers.",
)
@_directory
@pass_context
def status(
    ctx: Context, /, names: tuple[str, ...], record_url: str | None, directory: Path
) -> None:
    """Each node: running, head, peers, sealing, in the signer set, and blocks behind the
    highest head. Then the chain's signers (who seals) beside the validators governance recorded
    (ConsensusValidators, the platform's side): where they differ, or that the record is not
    known (no deployment)."""
    from bpost_client.platform.network import lifecycle

    network_ = read_network(directory)
    statuses = lifecycle.status(network_, names)
    comparison = _comparison(ctx, network_, statuses, record_url)
    if ctx.as_json:
        emit(ctx, {"nodes": [s.as_dict() for s in statuses], "validators": comparison.as_dict()})
        return
    _show(ctx, statuses)
    _show_comparison(comparison)


def _show_vote(ctx: Context, outcome: VoteOutcome) -> None:
    if ctx.as_json:
        emit(ctx, outcome.as_dict())
        return
    verb = {"add": "to add", "remove": "to remove", "discard": "withdrawn about"}[outcome.action]
    cast = [v.node for v in outcome.votes if v.voted]
    click.echo(f"votes {verb} {outcome.address}: {', '.join(cast)}")
    for vote in outcome.votes:
        if not vote.voted:
            click.echo(f"  {vote.node}: not cast ({vote.error})")
    if outcome.action != "discard":
        click.echo(
            f"the change takes effect once {outcome.needed} of the {len(outcome.signers)} "
            "signers have sealed a block with the vote"
        )
    if outcome.role:
        role = outcome.role
        click.echo(f"{role['node']}: role {role['from']} -> {role['to']} in the description")
    for name in outcome.restarted:
        click.echo(f"{name}: restarted to seal with its account")
    if outcome.warning:
        click.echo(f"warning: {outcome.warning}", err=True)


@network.command("propose-validator")
@click.argument("address")
@click.option("--add", "action", flag_value="add", help="Vote to add ADDRESS as a signer.")
@click.option("--remove", "action", flag_value="remove", help="Vote to remove ADDRESS.")
@click.option("--discard", "action", flag_value="discard", help="Withdraw the votes about ADDRESS.")
@_nodes
@_directory
@pass_context
def propose_validator(
    ctx: Context, /, address: str, action: str | None, names: tuple[str, ...], directory: Path
) -> None:
    """Vote (clique_propose over each node's IPC) to add or remove the signer ADDRESS, from
    every validator of DIRECTORY that is a signer, or the ones named with --node. The change
    takes effect once more than half of the signers sealed a block with the vote. A member node
    of DIRECTORY whose account is added becomes a validator (written back, restarted to seal); a
    validator removed becomes a member node at its next start. Record the same decision on the
    platform's side by a governance proposal (ConsensusValidators addValidator/removeValidator)."""
    from bpost_client.exceptions import ValidationError
    from bpost_client.platform.network.votes import discard_proposal, propose_validator

    if action is None:
        raise ValidationError("say what to vote for: --add, --remove or --discard")
    network_ = read_network(directory)
    if action == "discard":
        outcome = discard_proposal(network_, address, names)
    else:
        outcome = propose_validator(network_, address, action == "add", names)
    _show_vote(ctx, outcome)


@network.command()
@click.option(
    "--validators",
    type=click.IntRange(1, MAX_NODES - 1),
    default=demo_defaults.VALIDATORS,
    show_default=True,
    help="Validators of a network initialised here.",
)
@click.option(
    "--members",
    type=click.IntRange(1, MAX_NODES - 1),
    default=demo_defaults.MEMBERS,
    show_default=True,
    help="Members' nodes of a network initialised here (the client uses the first).",
)
@click.option(
    "--base-port",
    type=click.IntRange(1024, 65535),
    default=None,
    help="The first node's HTTP port of a network initialised here "
    f"[default: {DEFAULT_BASE_PORT}].",
)
@click.option(
    "--explorer-port",
    type=click.IntRange(1, 65535),
    default=demo_defaults.EXPLORER_PORT,
    show_default=True,
    help="The explorer's port (make demo's explorer takes 8600).",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Stop the network in DIRECTORY and its explorer, and initialise it anew.",
)
@click.argument(
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=demo_defaults.DEFAULT_DIRECTORY,
    required=False,
)
@pass_context
def demo(
    ctx: Context, /, validators: int, members: int, base_port: int | None, explorer_port: int,
    fresh: bool, directory: Path,
) -> None:  # fmt: skip
    """Run make demo on a network: initialise one in DIRECTORY (by default .bpost/network in
    the clone) unless it holds one, start it (1-second blocks), deploy the platform with
    config/deploy/network.yaml, apply the demo roster, run the demo of the three use cases
    (governance, calendars, reference data, scripts/demo.py, scripts/demo_lending.py, the lending
    calculation) against the member's node, and serve the explorer following that node. Run it
    in the clone (make demo-network). A second run on the same network sends nothing new; the
    network and the explorer keep running (the end says how to stop them). With --json the steps
    print on stderr and the answer is JSON on stdout."""
    import sys

    from bpost_client.cli.platform.network_demo import run_demo, show

    outcome = run_demo(
        directory, validators=validators, members=members, base_port=base_port,
        explorer_port=explorer_port, fresh=fresh, out=sys.stderr if ctx.as_json else None,
    )  # fmt: skip
    if ctx.as_json:
        emit(ctx, outcome.as_dict())
    else:
        show(outcome)
