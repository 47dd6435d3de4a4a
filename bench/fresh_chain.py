"""What every benchmark shares: a fresh embedded chain on a free port with the contracts deployed
and a client signing as the deployer (the platform operator), or a fresh geth Clique network with
the same, the breakdown of gas per record, and the report (printed, and written to
``bench/results/<name>.json``)."""

from __future__ import annotations

import json
import socket
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bpost_client import contracts
from bpost_client.client import Client, connect, web3_for
from bpost_client.platform import chain, deployment, signers
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import NetworkDescription, free_base_port

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class FreshChain:
    """A freshly deployed chain: the deployer's client, the node's URL and the deployments
    directory (what ``bpost --url ... --deployments ...`` and ``ape run`` take)."""

    client: Client
    url: str
    deployments: Path


def _deployed(url: str, params_file: str, deployments: Path) -> FreshChain:
    """Deploy the platform at ``url`` as dev account 0 with ``config/deploy/<params_file>``."""
    w3 = web3_for(url)
    admin = signers.dev_account(0, w3.eth.chain_id)
    build = contracts.load_build_artifacts(ROOT / ".build" / "__local__.json")
    params = deployment.load_params(ROOT / "config" / "deploy" / params_file)
    deployment.deploy(w3, admin, build, params, deployments)
    return FreshChain(connect(url, deployments, admin), url, deployments)


@contextmanager
def fresh_chain() -> Iterator[FreshChain]:
    """A freshly deployed chain with its URL and deployments directory; the chain stops and
    its directory is removed when the block ends."""
    with tempfile.TemporaryDirectory() as tmp:
        config = chain.ChainConfig(data_dir=Path(tmp), port=_free_port(), state_interval=600)
        chain.start(config)
        try:
            yield _deployed(config.url, "local.yaml", Path(tmp))
        finally:
            chain.stop(config)


@dataclass(frozen=True)
class FreshNetwork:
    """A freshly deployed geth Clique network: the deployer's client of the member's node, and
    the network's description (its nodes, to stop one or to read them all)."""

    chain: FreshChain
    network: NetworkDescription


@contextmanager
def fresh_network(validators: int = 4, members: int = 1, period: int = 1) -> Iterator[FreshNetwork]:
    """A new network (``bpost network init`` and ``start``'s code) of ``validators`` and
    ``members`` nodes on free loopback ports, the platform deployed through the member's node
    with config/deploy/network.yaml. Every node is stopped when the block ends, also on a
    failure, and its directory removed; a node left running is an error.
    """
    from bpost_client.platform.network.init import init_network
    from bpost_client.platform.network.serving import deployments_dir, serving_node

    with tempfile.TemporaryDirectory() as tmp:
        network = init_network(
            Path(tmp) / "network", validators, members, period=period,
            base_port=free_base_port(validators + members), light_kdf=True,
        )  # fmt: skip
        try:
            lifecycle.start(network)
            node = serving_node(network)
            yield FreshNetwork(
                _deployed(node.url, "network.yaml", deployments_dir(network)), network
            )
        finally:
            lifecycle.stop(network, grace=20)
            left = [n.name for n in network.nodes if lifecycle.running_pid(n) is not None]
            if left:
                raise RuntimeError(f"geth nodes still running after stop: {left}")


@contextmanager
def deployed_chain() -> Iterator[Client]:
    """A client of a freshly deployed chain; the chain stops when the block ends."""
    with fresh_chain() as fresh:
        yield fresh.client


def gas_parts(client: Client, receipts: Sequence[Any], records: int) -> dict[str, int]:
    """Gas per record and its parts: transaction base, calldata, logs, and the remainder
    (storage and execution)."""
    total = calldata = logs = 0
    for receipt in receipts:
        total += receipt["gasUsed"]
        data = bytes(client.w3.eth.get_transaction(receipt["transactionHash"])["input"])
        calldata += sum(4 if b == 0 else 16 for b in data)
        logs += sum(
            375 + 375 * len(log["topics"]) + 8 * len(log["data"]) for log in receipt["logs"]
        )
    base = 21_000 * len(receipts)
    return {
        "total": round(total / records),
        "transaction_base": round(base / records),
        "calldata": round(calldata / records),
        "logs": round(logs / records),
        "storage_and_execution": round((total - base - calldata - logs) / records),
    }


def report(name: str, result: dict[str, Any]) -> None:
    """Write ``bench/results/<name>.json`` and print the figures."""
    (ROOT / "bench" / "results" / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<32} {value}")
