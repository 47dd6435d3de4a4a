"""`bpost network init`: a consortium network's directory, every node ready to start.

``DIR`` receives the genesis, the description (``network.yaml``) and one data directory per
node: validators (``validator-1`` ...), which seal, and members' nodes (``member-1`` ...), which
follow. Each data directory holds the node's account in a keystore with its password file (mode
0600), its node key (so every enode is known before any node starts), its ``config.toml`` (the
loopback listener and the other nodes as static peers) and the genesis block, written by
``geth init``. Node ``i`` (from 0, validators first) listens on ``base_port + 10 i`` (HTTP), ``+1``
(WebSocket), ``+2`` (engine API) and ``+3`` (peer to peer), all on loopback.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from eth_account import Account
from eth_keys.datatypes import PrivateKey

from bpost_client.exceptions import ChainError, ConfigError
from bpost_client.platform.chain import CHAIN_ID, DEV_CHAIN_IDS
from bpost_client.platform.network.description import (
    DEFAULT_BASE_PORT,
    DESCRIPTION_FILE,
    MAX_CHAIN_ID,
    MAX_NODES,
    NetworkDescription,
    NodeDescription,
    NodeRole,
    Ports,
    check_bind_host,
    description_path,
    node_ports,
    write_network,
)
from bpost_client.platform.network.genesis import check_period, clique_genesis
from bpost_client.platform.network.geth import CONFIG_FILE, GETH_VERSION, config_toml, find_geth
from bpost_client.types import Address

__all__ = ["GENESIS_FILE", "LIGHT_KDF_ITERATIONS", "add_member_node", "init_network"]

GENESIS_FILE = "genesis.json"

LIGHT_KDF_ITERATIONS = 4096
"""scrypt's cost with ``light_kdf`` (geth's --lightkdf): for throwaway networks, where the
password file beside the keystore protects it anyway; the default is eth-account's 262,144."""


def _prepare(directory: Path, force: bool) -> None:
    """Make ``directory`` empty; refuse one that holds anything but a network (even with force).

    Raises:
        ConfigError: not empty without ``force``, or not empty with no network description.
    """
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} is not a directory")
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise ConfigError(
                f"{directory} is not empty: give an empty or new directory, or --force to "
                "replace the network there (its nodes' data is deleted)"
            )
        if not description_path(directory).is_file():
            raise ConfigError(
                f"{directory} is not empty and holds no {DESCRIPTION_FILE}: it is not a network "
                "and is left alone, even with --force"
            )
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _node(
    directory: Path,
    name: str,
    role: NodeRole,
    ports: Ports,
    hosts: tuple[str, str],
    iterations: int | None,
) -> NodeDescription:
    """A new node's keys on disk: its account's keystore and password, its node key. ``hosts``:
    its address (p2p, engine API, enode) and its JSON-RPC listeners' address."""
    host, http_host = hosts
    data_dir = directory / name
    account = Account.create()
    password = secrets.token_urlsafe(24)
    password_file = data_dir / "password"
    _write_private(password_file, password + "\n")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S.%f000Z")
    keystore = data_dir / "keystore" / f"UTC--{stamp}--{account.address.lower()[2:]}"
    _write_private(
        keystore, json.dumps(Account.encrypt(account.key, password, iterations=iterations))
    )
    node_key = PrivateKey(secrets.token_bytes(32))
    _write_private(data_dir / "geth" / "nodekey", node_key.to_hex().removeprefix("0x"))
    public = node_key.public_key.to_hex().removeprefix("0x")
    enode = f"enode://{public}@{host}:{ports.p2p}"
    address = Address(account.address)
    return NodeDescription(
        name, role, address, data_dir, keystore, password_file, host, http_host, ports, enode
    )


def _funded(roster: Path | None, chain_id: int) -> list[str]:
    """The accounts the genesis funds beside the nodes': the roster's operator addresses, or
    without a roster the embedded chain's dev accounts (public keys: a development network).

    Raises:
        ConfigError: no roster on a chain where the dev accounts never sign.
    """
    if roster is None and chain_id not in DEV_CHAIN_IDS:
        raise ConfigError(
            f"chain {chain_id} takes no dev account (they sign only on "
            f"{', '.join(map(str, sorted(DEV_CHAIN_IDS)))}): give --roster, whose operators "
            "the genesis funds"
        )
    if roster is not None:
        from bpost_client.platform.roster import read_roster

        return [op.address for entry in read_roster(roster).entries for op in entry.operators]
    from bpost_client.platform.signers import DEV_ACCOUNTS_SHOWN, dev_account

    return [dev_account(i).address for i in range(DEV_ACCOUNTS_SHOWN)]


def _geth_init(executable: str, genesis: Path, nodes: Sequence[NodeDescription]) -> None:
    """``geth init`` every node's data directory with the genesis, side by side.

    Raises:
        ChainError: one refused (its output in the message).
    """
    runs = []
    for node in nodes:
        command = [executable, "init", "--datadir", str(node.data_dir), str(genesis)]
        run = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        runs.append((node, run))
    failed = []
    for node, run in runs:
        output, _ = run.communicate(timeout=120)
        if run.returncode != 0:
            failed.append(f"{node.name}: {output.strip()[-800:]}")
    if failed:
        raise ChainError("geth init failed:\n" + "\n".join(failed))


def init_network(
    directory: Path,
    validators: int,
    members: int = 0,
    *,
    roster: Path | None = None,
    period: int = 1,
    chain_id: int = CHAIN_ID,
    base_port: int = DEFAULT_BASE_PORT,
    host: str = "127.0.0.1",
    http_host: str | None = None,
    force: bool = False,
    light_kdf: bool = False,
) -> NetworkDescription:
    """Create a Clique network of ``validators`` sealing nodes and ``members`` following nodes
    in ``directory``, each node initialised and ready to start.

    Args:
        directory: a new or empty directory (or, with ``force``, one holding a network).
        validators: the sealing nodes, 1 or more.
        members: the nodes that follow without sealing (an institution's own node).
        roster: a roster file whose operator addresses the genesis funds; without it, the dev
            accounts, and the description marks the network as for development
            (``dev_accounts: true``), the only kind on which the client lets them sign.
        period: seconds between blocks, 1 to 5.
        chain_id: the chain id (the embedded chain's by default); a consortium's own id keeps
            the dev accounts off its chain for good (:data:`~bpost_client.platform.signers.
            DEV_CHAIN_IDS`), and needs a ``roster``.
        base_port: the first node's HTTP port; see :func:`node_ports`.
        host: the address every node listens on (loopback unless told otherwise).
        http_host: the IP address every node's JSON-RPC over HTTP and WebSocket binds to,
            ``host`` by default; beyond loopback, they serve no ``clique``, ``admin``,
            ``miner``, ``personal`` or ``debug`` (``geth.rpc_apis``): those go over IPC only.
        force: replace the network ``directory`` holds (its nodes' data is deleted).
        light_kdf: encrypt the keystores cheaply (tests, demos).

    Raises:
        ConfigError: bad counts, period, chain id or ports, an ``http_host`` that is not an IP
            address, a directory that is not empty, or
            no roster on a chain where the dev accounts never sign.
        ChainError: no pinned geth, or ``geth init`` refused the genesis.
        ValidationError: a roster with bad rows.
    """
    check_period(period)
    if isinstance(chain_id, bool) or not 1 <= chain_id <= MAX_CHAIN_ID:
        raise ConfigError(f"a chain id is 1 to {MAX_CHAIN_ID}, not {chain_id}")
    hosts = (host, check_bind_host(host if http_host is None else http_host))
    if validators < 1:
        raise ConfigError(f"a network needs at least one validator, not {validators}")
    if members < 0 or validators + members > MAX_NODES:
        raise ConfigError(f"a network has 1 to {MAX_NODES} nodes, not {validators + members}")
    last = node_ports(base_port, validators + members - 1).p2p
    if base_port < 1024 or last > 65535:
        raise ConfigError(
            f"ports {base_port} to {last} are needed: the base port is 1024 or more and the last "
            "at most 65535"
        )
    executable = find_geth()
    funded_others = _funded(roster, chain_id)
    directory = Path(directory).absolute()
    _prepare(directory, force)
    iterations = LIGHT_KDF_ITERATIONS if light_kdf else None
    names = [(f"validator-{n}", NodeRole.VALIDATOR) for n in range(1, validators + 1)]
    names += [(f"member-{n}", NodeRole.MEMBER) for n in range(1, members + 1)]
    nodes = tuple(
        _node(directory, name, role, node_ports(base_port, i), hosts, iterations)
        for i, (name, role) in enumerate(names)
    )
    funded = list(dict.fromkeys(a.lower() for a in [*(n.address for n in nodes), *funded_others]))
    genesis = clique_genesis(
        [n.address for n in nodes if n.is_validator], funded, period=period, chain_id=chain_id
    )
    genesis_file = directory / GENESIS_FILE
    genesis_file.write_text(json.dumps(genesis, indent=2) + "\n", "utf-8")
    for node in nodes:
        (node.data_dir / CONFIG_FILE).write_text(config_toml(node, nodes), "utf-8")
    _geth_init(executable, genesis_file, nodes)
    network = NetworkDescription(
        directory / DESCRIPTION_FILE, chain_id, period, GETH_VERSION, genesis_file, nodes,
        dev_accounts=roster is None,
    )  # fmt: skip
    write_network(network)
    return network


def add_member_node(network: NetworkDescription, *, light_kdf: bool = False) -> NodeDescription:
    """Add a member's node to ``network``: the next ``member-N``, on the next block of ports,
    with its own keys, the network's genesis (``geth init``) and every node as its static peer.
    The description is written with it; every other node's ``config.toml`` lists it too, which
    a running node reads at its next start (the new node dials the running ones itself). It
    syncs the whole chain from its peers when started (``bpost network start --node NAME``).

    Raises:
        ConfigError: the network has :data:`MAX_NODES` nodes, or the ports run past 65535.
        ChainError: no pinned geth, or ``geth init`` refused the genesis.
    """
    if len(network.nodes) >= MAX_NODES:
        raise ConfigError(f"a network has at most {MAX_NODES} nodes; {network.path} has them")
    first = network.nodes[0]
    ports = node_ports(first.ports.http, len(network.nodes))
    if ports.p2p > 65535:
        raise ConfigError(f"the next node's ports ({ports.http} to {ports.p2p}) pass 65535")
    taken = {int(n.name.removeprefix("member-")) for n in network.nodes
             if n.name.removeprefix("member-").isdigit()}  # fmt: skip
    name = f"member-{max(taken, default=0) + 1}"
    executable = find_geth()
    iterations = LIGHT_KDF_ITERATIONS if light_kdf else None
    node = _node(
        network.directory, name, NodeRole.MEMBER, ports, (first.host, first.http_host), iterations
    )
    nodes = (*network.nodes, node)
    try:
        (node.data_dir / CONFIG_FILE).write_text(config_toml(node, nodes), "utf-8")
        _geth_init(executable, network.genesis, [node])
    except (ChainError, OSError):
        shutil.rmtree(node.data_dir, ignore_errors=True)  # nothing half-written is left
        raise
    write_network(dataclasses.replace(network, nodes=nodes))
    for each in network.nodes:
        (each.data_dir / CONFIG_FILE).write_text(config_toml(each, nodes), "utf-8")
    return node
