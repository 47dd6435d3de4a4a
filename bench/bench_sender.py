"""Benchmark: pipelined transaction sending against send-and-wait, on the embedded chain.

Grants a role to N fresh addresses twice on a fresh anvil: once through ``Sender.send_all``
(signed locally, up to ``MAX_IN_FLIGHT`` in flight, here all N) and once the naive way (send one,
wait for its receipt, send the next). Prints records per second, gas per record and the ratio,
and writes ``bench/results/sender.json``.
"""

from __future__ import annotations

import platform
import time

from eth_account import Account
from fresh_chain import deployed_chain, report

from bpost_client.types import Role

N = 500


def main() -> None:
    with deployed_chain() as client:
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
    report("sender", result)


if __name__ == "__main__":
    main()
