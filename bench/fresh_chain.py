"""What every benchmark shares: a fresh embedded chain on a free port with the contracts deployed
and a client signing as the deployer (the platform operator), the breakdown of gas per record,
and the report (printed, and written to ``bench/results/<name>.json``)."""

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


@contextmanager
def fresh_chain() -> Iterator[FreshChain]:
    """A freshly deployed chain with its URL and deployments directory; the chain stops and
    its directory is removed when the block ends."""
    with tempfile.TemporaryDirectory() as tmp:
        config = chain.ChainConfig(data_dir=Path(tmp), port=_free_port(), state_interval=600)
        chain.start(config)
        try:
            w3 = web3_for(config.url)
            admin = signers.dev_account(0, w3.eth.chain_id)
            build = contracts.load_build_artifacts(ROOT / ".build" / "__local__.json")
            params = deployment.load_params(ROOT / "config" / "deploy" / "local.yaml")
            deployment.deploy(w3, admin, build, params, Path(tmp))
            yield FreshChain(connect(config.url, Path(tmp), admin), config.url, Path(tmp))
        finally:
            chain.stop(config)


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
