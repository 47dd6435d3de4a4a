"""The network description file: a consortium network's nodes, as `bpost network init` wrote it.

``<DIR>/network.yaml`` names each node (a validator, which seals, or a member's node, which
follows), its account, data directory, ports and enode. ``bpost network`` starts, stops and
watches the nodes from it, and the client and the deployer find a node's URL in it. It is read in
one place, :func:`read_network`, which checks every field and names each one it refuses. Paths in
the file are relative to its directory, so a network's directory can be moved whole::

    version: 1
    chain_id: 20201030
    period: 1                      # seconds between blocks
    dev_accounts: true             # funds the public dev accounts: for development only
    geth: v1.13.15
    genesis: genesis.json
    nodes:
      - name: validator-1
        role: validator            # or member: a node that follows and serves, never seals
        address: "0x..."           # the node's account; a validator's signer
        data_dir: validator-1      # geth's --datadir
        keystore: validator-1/keystore/UTC--...
        password_file: validator-1/password
        host: 127.0.0.1            # the p2p listener, the engine API and the enode's address
        http_host: 127.0.0.1       # JSON-RPC over HTTP and WebSocket binds here (an IP address)
        ports: {http: 8600, ws: 8601, authrpc: 8602, p2p: 8603}
        enode: enode://<node public key>@127.0.0.1:8603
"""

from __future__ import annotations

import ipaddress
import random
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from bpost_client.exceptions import ConfigError
from bpost_client.identifiers import check_address
from bpost_client.platform.chain import DEV_CHAIN_IDS
from bpost_client.platform.network.genesis import check_period
from bpost_client.types import Address

__all__ = [
    "DEFAULT_BASE_PORT",
    "DESCRIPTION_FILE",
    "FORMAT_VERSION",
    "MAX_CHAIN_ID",
    "MAX_NODES",
    "PORT_STRIDE",
    "NetworkDescription",
    "NodeDescription",
    "NodeRole",
    "Ports",
    "check_bind_host",
    "description_path",
    "free_base_port",
    "is_loopback",
    "node_ports",
    "parse_network",
    "read_network",
    "write_network",
]

DESCRIPTION_FILE = "network.yaml"
"""The description's name in the network's directory."""

FORMAT_VERSION = 1
"""The version of the description's layout; a reader refuses another."""

DEFAULT_BASE_PORT = 8700
"""The first node's HTTP port (the embedded chain takes 8545, the explorer 8600)."""

PORT_STRIDE = 10
"""Ports between one node's block and the next's."""

MAX_CHAIN_ID = 2**63 - 1
"""The largest chain id a description takes (a signed 64-bit integer)."""

MAX_NODES = 32
"""Nodes one directory may hold (Clique keeps working with far fewer validators than this)."""

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ENODE = re.compile(r"^enode://([0-9a-f]{128})@([^:@/\s]+):([0-9]{1,5})$")
PORT_NAMES = ("http", "ws", "authrpc", "p2p")


class NodeRole(Enum):
    """What a node does: a validator seals blocks; a member's node follows and serves a client."""

    VALIDATOR = "validator"
    MEMBER = "member"


@dataclass(frozen=True)
class Ports:
    """The loopback ports of one node: JSON-RPC over HTTP and WebSocket, geth's engine API (1.13
    always opens it) and the peer-to-peer listener."""

    http: int
    ws: int
    authrpc: int
    p2p: int

    def all(self) -> tuple[int, ...]:
        """Every port, in the order of :data:`PORT_NAMES`."""
        return (self.http, self.ws, self.authrpc, self.p2p)


@dataclass(frozen=True)
class NodeDescription:
    """One node of the network; its paths are absolute."""

    name: str
    role: NodeRole
    address: Address
    data_dir: Path
    keystore: Path
    password_file: Path
    host: str
    """The address of the node's peer-to-peer listener and engine API, and its enode's."""
    http_host: str
    """The IP address its JSON-RPC over HTTP and WebSocket binds to (``host`` unless told
    otherwise); beyond loopback, the administrative namespaces are left off them
    (``geth.rpc_apis``)."""
    ports: Ports
    enode: str

    @property
    def _rpc_address(self) -> str:
        """Where a client on this machine reaches the JSON-RPC listener: ``host`` when it binds
        every address (``0.0.0.0``, ``::``), else the address it binds."""
        bound = ipaddress.ip_address(self.http_host)
        address = self.host if bound.is_unspecified else self.http_host
        return f"[{address}]" if ":" in address else address

    @property
    def url(self) -> str:
        """The node's JSON-RPC URL over HTTP."""
        return f"http://{self._rpc_address}:{self.ports.http}"

    @property
    def ws_url(self) -> str:
        """The node's JSON-RPC URL over WebSocket."""
        return f"ws://{self._rpc_address}:{self.ports.ws}"

    @property
    def is_validator(self) -> bool:
        """Whether the node seals blocks."""
        return self.role is NodeRole.VALIDATOR


@dataclass(frozen=True)
class NetworkDescription:
    """A network: its chain, its genesis and its nodes (validators first)."""

    path: Path
    chain_id: int
    period: int
    geth: str
    genesis: Path
    nodes: tuple[NodeDescription, ...]
    dev_accounts: bool
    """Whether the network is for development: its genesis funds the embedded chain's dev
    accounts, whose keys are public, and they may sign on it. False for a network of real
    members (its genesis funds a roster's operators), where the client refuses them."""

    @property
    def directory(self) -> Path:
        """The network's directory, where the description lies."""
        return self.path.parent

    @property
    def validators(self) -> tuple[NodeDescription, ...]:
        """The nodes that seal."""
        return tuple(n for n in self.nodes if n.is_validator)

    def node(self, name: str) -> NodeDescription:
        """The node called ``name``.

        Raises:
            ConfigError: no such node (the message lists the network's nodes).
        """
        for candidate in self.nodes:
            if candidate.name == name:
                return candidate
        known = ", ".join(n.name for n in self.nodes)
        raise ConfigError(f"no node {name!r} in {self.path} (its nodes: {known})")

    def select(self, names: Iterable[str] = ()) -> tuple[NodeDescription, ...]:
        """The nodes called ``names``, in the network's order; every node when none is named.

        Raises:
            ConfigError: a name that is no node's.
        """
        wanted = {self.node(name).name for name in names}
        return tuple(n for n in self.nodes if not wanted or n.name in wanted)


def _free(port: int, host: str) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _ephemeral_start() -> int:
    """The first port the kernel hands out to outgoing connections (Linux: 32768 by default)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_base_port(nodes: int, start: int = 20_000, host: str = "127.0.0.1") -> int:
    """A base port whose whole block of ports for ``nodes`` nodes is free on ``host`` now, from
    a random start, so that networks started side by side (tests, benchmarks) seldom meet. The
    block lies below the ports the kernel gives outgoing connections: a node's port free when
    checked could otherwise be taken by a connection's before the node binds it (geth then
    exits at start).

    Raises:
        ConfigError: no free block found in 200 tries.
    """
    span = PORT_STRIDE * nodes
    end = max(_ephemeral_start(), start + 100 * span)
    for _ in range(200):
        base = random.randrange(start, end - span, PORT_STRIDE)
        if all(_free(base + offset, host) for offset in range(span)):
            return base
    raise ConfigError(f"no free block of {span} ports on {host}")


def node_ports(base_port: int, index: int) -> Ports:
    """The loopback ports of node ``index`` (from 0) of a network whose first port is
    ``base_port``."""
    first = base_port + PORT_STRIDE * index
    return Ports(http=first, ws=first + 1, authrpc=first + 2, p2p=first + 3)


def check_bind_host(text: str) -> str:
    """``text`` when it is an IP address (v4 or v6), as a node's listener binds to.

    Raises:
        ConfigError: a host name or anything else: a name resolves to whatever the resolver
            says when geth starts, so what the node exposes would not be known here.
    """
    try:
        return str(ipaddress.ip_address(str(text).strip()))
    except ValueError:
        raise ConfigError(
            f"{text!r} is not an IP address: a node binds to an address literal "
            "(127.0.0.1, 10.0.0.5, 0.0.0.0 for every interface), not a name"
        ) from None


def is_loopback(host: str) -> bool:
    """Whether the IP address ``host`` is a loopback one (127.0.0.0/8, ::1): reachable only
    from this machine. The unspecified 0.0.0.0 and :: bind every interface, so are not.

    Raises:
        ConfigError: ``host`` is not an IP address.
    """
    return ipaddress.ip_address(check_bind_host(host)).is_loopback


def description_path(location: Path) -> Path:
    """The description file of ``location``: the file itself, or ``network.yaml`` in a
    directory."""
    return location / DESCRIPTION_FILE if location.is_dir() else location


class _Problems:
    """The fields refused while reading, each named by its place in the file."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, reason: str) -> None:
        self.found.append(f"{where}: {reason}")

    def text(self, where: str, raw: Any) -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            self.add(where, "missing" if raw is None else f"{raw!r} is not text")
            return None
        return raw.strip()

    def integer(self, where: str, raw: Any, low: int, high: int) -> int | None:
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.add(where, "missing" if raw is None else f"{raw!r} is not a whole number")
            return None
        if not low <= raw <= high:
            self.add(where, f"{raw} is not between {low} and {high}")
            return None
        return raw

    def path(self, where: str, raw: Any, base: Path) -> Path | None:
        text = self.text(where, raw)
        if text is None:
            return None
        relative = Path(text)
        return relative if relative.is_absolute() else base / relative


def _ports(problems: _Problems, where: str, raw: Any) -> Ports | None:
    if not isinstance(raw, dict):
        problems.add(where, f"a mapping of {', '.join(PORT_NAMES)} is needed")
        return None
    unknown = set(raw) - set(PORT_NAMES)
    if unknown:
        problems.add(where, f"unknown ports {sorted(map(str, unknown))}")
    values = [problems.integer(f"{where}.{name}", raw.get(name), 1, 65535) for name in PORT_NAMES]
    if None in values:
        return None
    http, ws, authrpc, p2p = (int(v) for v in values if v is not None)
    return Ports(http=http, ws=ws, authrpc=authrpc, p2p=p2p)


def _http_host(problems: _Problems, where: str, raw: Any, host: str | None) -> str | None:
    """The JSON-RPC listeners' address: ``http_host``, or when missing (a description written
    before the field) the node's ``host``; an IP address either way."""
    text = host if raw is None else problems.text(where, raw)
    if text is None:
        return None
    try:
        return check_bind_host(text)
    except ConfigError as exc:
        problems.add(where, str(exc) if raw is not None else f"missing, and the host: {exc}")
        return None


def _node(problems: _Problems, where: str, raw: Any, base: Path) -> NodeDescription | None:
    if not isinstance(raw, dict):
        problems.add(where, "a node is a mapping")
        return None
    before = len(problems.found)
    name = problems.text(f"{where}.name", raw.get("name"))
    if name is not None and not NAME.match(name):
        problems.add(f"{where}.name", f"{name!r} is not lower-case letters, digits and dashes")
    role_text = problems.text(f"{where}.role", raw.get("role"))
    role = None
    if role_text is not None:
        try:
            role = NodeRole(role_text)
        except ValueError:
            problems.add(f"{where}.role", f"{role_text!r} is neither validator nor member")
    address = None
    address_text = problems.text(f"{where}.address", raw.get("address"))
    if address_text is not None:
        try:
            address = check_address(address_text)
        except ValueError as exc:
            problems.add(f"{where}.address", str(exc))
    data_dir = problems.path(f"{where}.data_dir", raw.get("data_dir"), base)
    keystore = problems.path(f"{where}.keystore", raw.get("keystore"), base)
    password_file = problems.path(f"{where}.password_file", raw.get("password_file"), base)
    host = problems.text(f"{where}.host", raw.get("host"))
    http_host = _http_host(problems, f"{where}.http_host", raw.get("http_host"), host)
    ports = _ports(problems, f"{where}.ports", raw.get("ports"))
    enode = problems.text(f"{where}.enode", raw.get("enode"))
    if enode is not None:
        parts = ENODE.match(enode)
        if parts is None:
            problems.add(f"{where}.enode", f"{enode!r} is not enode://<128 hex digits>@host:port")
        elif ports is not None and int(parts.group(3)) != ports.p2p:
            problems.add(f"{where}.enode", f"its port {parts.group(3)} is not the p2p {ports.p2p}")
    if len(problems.found) > before:
        return None
    assert name and role and address and data_dir and keystore and password_file
    assert host and http_host and ports and enode
    return NodeDescription(
        name, role, address, data_dir, keystore, password_file, host, http_host, ports, enode
    )


def parse_network(data: Any, path: Path) -> NetworkDescription:
    """Check the description ``data`` read from ``path``.

    Raises:
        ConfigError: naming every field refused (``nodes[2].ports.http: ...``).
    """
    problems = _Problems()
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a network description is a mapping with a list of nodes")
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise ConfigError(
            f"{path}: description version {version!r}, this client reads {FORMAT_VERSION}"
        )
    base = path.parent
    chain_id = problems.integer("chain_id", data.get("chain_id"), 1, MAX_CHAIN_ID)
    period = problems.integer("period", data.get("period"), 0, 2**31)
    if period is not None:
        try:
            check_period(period)
        except ConfigError as exc:
            problems.add("period", str(exc))
    geth = problems.text("geth", data.get("geth"))
    genesis = problems.path("genesis", data.get("genesis"), base)
    dev_accounts = _dev_accounts(problems, data.get("dev_accounts", False), chain_id)
    raw_nodes = data.get("nodes")
    nodes: list[NodeDescription] = []
    if not isinstance(raw_nodes, list) or not raw_nodes:
        problems.add("nodes", "a list of at least one node is needed")
        raw_nodes = []
    for n, raw in enumerate(raw_nodes, start=1):
        node = _node(problems, f"nodes[{n}]", raw, base)
        if node is not None:
            nodes.append(node)
    if nodes and len(nodes) == len(raw_nodes):
        _check_distinct(problems, nodes)
        if not any(n.is_validator for n in nodes):
            problems.add("nodes", "no validator: a network needs at least one node that seals")
    if problems.found:
        detail = "".join(f"\n  {p}" for p in problems.found)
        raise ConfigError(f"{path}: the network description is refused:{detail}")
    assert chain_id is not None and period is not None and geth and genesis
    return NetworkDescription(path, chain_id, period, geth, genesis, tuple(nodes), dev_accounts)


def _dev_accounts(problems: _Problems, raw: Any, chain_id: int | None) -> bool:
    """The ``dev_accounts`` flag: false when missing (a description written before the field,
    or by hand, is taken as a network of real members), true only on a chain where the dev
    accounts may sign at all."""
    if not isinstance(raw, bool):
        problems.add("dev_accounts", f"{raw!r} is neither true nor false")
        return False
    flag: bool = raw
    if flag and chain_id is not None and chain_id not in DEV_CHAIN_IDS:
        problems.add(
            "dev_accounts",
            f"true on chain {chain_id}, where the dev accounts never sign (only on "
            f"{', '.join(map(str, sorted(DEV_CHAIN_IDS)))})",
        )
    return flag


def _check_distinct(problems: _Problems, nodes: list[NodeDescription]) -> None:
    """Names, accounts, data directories, enodes and ports are each one node's."""
    seen: dict[object, str] = {}
    for n, node in enumerate(nodes, start=1):
        keys: list[tuple[str, object]] = [
            ("name", node.name), ("address", node.address.lower()),
            ("data_dir", node.data_dir), ("enode", node.enode.split("@")[0]),
        ]  # fmt: skip
        ports = zip(PORT_NAMES, node.ports.all(), strict=True)
        keys += [(f"ports.{n}", f"{node.host}:{p}") for n, p in ports]
        for field, value in keys:
            key = (field.split(".")[0], value)
            if key in seen:
                problems.add(f"nodes[{n}].{field}", f"{value} is also {seen[key]}'s")
            seen[key] = f"nodes[{n}]"


def read_network(location: Path) -> NetworkDescription:
    """Read and check the network description at ``location`` (its file or its directory).

    Raises:
        ConfigError: missing, not YAML, or a field refused (every one named).
    """
    path = description_path(Path(location)).absolute()
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(
            f"no network description at {path} ({exc.strerror}): create one with "
            "'bpost network init'"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    return parse_network(data, path)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def write_network(network: NetworkDescription) -> Path:
    """Write ``network`` to its path, its paths relative to the file's directory."""
    base = network.directory
    data = {
        "version": FORMAT_VERSION,
        "chain_id": network.chain_id,
        "period": network.period,
        "geth": network.geth,
        "genesis": _relative(network.genesis, base),
        "dev_accounts": network.dev_accounts,
        "nodes": [
            {
                "name": n.name,
                "role": n.role.value,
                "address": n.address,
                "data_dir": _relative(n.data_dir, base),
                "keystore": _relative(n.keystore, base),
                "password_file": _relative(n.password_file, base),
                "host": n.host,
                "http_host": n.http_host,
                "ports": dict(zip(PORT_NAMES, n.ports.all(), strict=True)),
                "enode": n.enode,
            }
            for n in network.nodes
        ],
    }
    header = (
        "# A B-POST consortium network, written by `bpost network init`: `bpost network\n"
        "# start|stop|status` run its nodes; the client and the deployer find the nodes here.\n"
    )
    network.path.write_text(header + yaml.safe_dump(data, sort_keys=False), "utf-8")
    return network.path
