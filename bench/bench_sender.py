"""Benchmark: pipelined transaction sending against send-and-wait, on the embedded chain.

Grants a role to N fresh addresses twice on a fresh anvil: once through ``Sender.send_all``
(signed locally, up to 64 in flight) and once the naive way (send one, wait for its receipt, send
the next). Prints records per second, gas per record and the ratio, and writes
``bench/results/sender.json``.
"""

from __future__ import annotations

import json
import platform
import socket
import tempfile
import time
from pathlib import Path

from eth_account import Account

from bpost_client import chain, contracts, deployment, signers
from bpost_client.client import connect, web3_for
from bpost_client.types import Role

ROOT = Path(__file__).resolve().parents[1]
N = 500


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = chain.ChainConfig(data_dir=Path(tmp), port=_port(), state_interval=60)
        chain.start(config)
        try:
            w3 = web3_for(config.url)
            admin = signers.dev_account(0, w3.eth.chain_id)
            deployment.deploy(
                w3, admin, contracts.load_build_artifacts(ROOT / ".build" / "__local__.json"),
                deployment.load_params(ROOT / "config" / "deploy" / "local.yaml"), Path(tmp),
            )  # fmt: skip
            client = connect(config.url, Path(tmp), admin)
            access = client.contract("PlatformAccess")

            def calls() -> list:  # type: ignore[type-arg]
                addresses = [Account.create().address for _ in range(N)]
                return [access.functions.grantRole(Role.OBSERVER.id, a) for a in addresses]

            batch = calls()
            start = time.perf_counter()
            receipts = client.sender.send_all(batch)
            pipelined = time.perf_counter() - start
            gas = sum(r["gasUsed"] for r in receipts) / N

            batch = calls()
            start = time.perf_counter()
            for call in batch:
                client.sender.send(call)
            naive = time.perf_counter() - start
        finally:
            chain.stop(config)
    result = {
        "name": "sender",
        "records": N,
        "pipelined_records_per_second": round(N / pipelined, 1),
        "naive_records_per_second": round(N / naive, 1),
        "ratio_to_naive": round(naive / pipelined, 2),
        "gas_per_record": round(gas),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
    }
    out = ROOT / "bench" / "results" / "sender.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<32} {value}")


if __name__ == "__main__":
    main()
