"""Benchmark: one day's closing prices of 4,000 securities, packed four per slot and batched,
against one transaction per price.

On a fresh anvil the deployer is made the operator of a data-provider institution (closes are
owned by the institution that registered the security), is granted DATA_PROVIDER and registers
4,000 Tokyo securities (setup, not timed). Then the closes of one day go through
``prices.publish_closes`` (date-major, four 64-bit closes per storage slot, batched under the gas
and calldata limits) and are read back with ``prices.closes_on``. The naive way, on another day,
is one ``publishCloses`` per price (a single-lane word): sending 4,000 of them takes too long, so
a sample of securities 1..400 is sent pipelined, each slot shared by four transactions as it
would be. ``one_slot_per_price_floor_gas`` is the least a layout of one fresh slot per price could
cost in its own transaction (21,000 base and a 22,100 new-slot store). Prints the figures and
writes ``bench/results/prices.json``.
"""

from __future__ import annotations

import platform
import time
from datetime import date
from typing import Any

from fresh_chain import deployed_chain, report
from workloads import make_data_provider, set_up_securities

from bpost_client.client import Client
from bpost_client.reference import prices

SECURITIES = 4_000
NAIVE_SAMPLE = 400
BATCHED_DAY = date(2026, 11, 20)
NAIVE_DAY = date(2026, 11, 19)
TX_BASE_GAS = 21_000
NEW_SLOT_GAS = 22_100
"""SSTORE of a non-zero value into a zero slot, cold (20,000 + 2,100 for the cold access)."""


def _calldata_bytes(client: Client, receipts: list[Any]) -> int:
    return sum(
        len(bytes(client.w3.eth.get_transaction(r["transactionHash"])["input"])) for r in receipts
    )


def _naive_calls(client: Client, closes: dict[int, int]) -> list[tuple[Any, str]]:
    """One ``publishCloses`` per price: the security's slot with only its lane filled."""
    feed = client.contract("PriceFeed")
    when = int(NAIVE_DAY.strftime("%Y%m%d"))
    calls = []
    for index, units in closes.items():
        word, lane = divmod(index - 1, prices.LANES)
        call = feed.functions.publishCloses(when, word, [units << (64 * lane)])
        calls.append((call, f"close of security {index} on {NAIVE_DAY}"))
    return calls


def _run(client: Client) -> dict[str, Any]:
    make_data_provider(client)
    closes = set_up_securities(client, SECURITIES)

    start = time.perf_counter()
    receipts = prices.publish_closes(client, BATCHED_DAY, closes)
    seconds = time.perf_counter() - start
    assert prices.closes_on(client, BATCHED_DAY, max(closes)) == closes
    gas = sum(r["gasUsed"] for r in receipts)

    sample = dict(sorted(closes.items())[:NAIVE_SAMPLE])
    calls = _naive_calls(client, sample)
    start = time.perf_counter()
    naive_receipts = client.sender.send_all(calls)
    naive_seconds = time.perf_counter() - start
    assert prices.closes_on(client, NAIVE_DAY, max(sample)) == sample
    naive_gas = sum(r["gasUsed"] for r in naive_receipts)

    per_price, naive_per_price = gas / len(closes), naive_gas / len(sample)
    rate, naive_rate = len(closes) / seconds, len(sample) / naive_seconds
    return {
        "name": "prices",
        "securities": len(closes),
        "transactions": len(receipts),
        "gas_per_price": round(per_price),
        "seconds": round(seconds, 2),
        "prices_per_second": round(rate),
        "calldata_bytes_per_price": round(_calldata_bytes(client, receipts) / len(closes), 1),
        "naive_sample": len(sample),
        "naive_transactions": len(naive_receipts),
        "naive_gas_per_price": round(naive_per_price),
        "naive_seconds": round(naive_seconds, 2),
        "naive_prices_per_second": round(naive_rate, 1),
        "naive_calldata_bytes_per_price": round(
            _calldata_bytes(client, naive_receipts) / len(sample), 1
        ),
        "one_slot_per_price_floor_gas": TX_BASE_GAS + NEW_SLOT_GAS,
        "ratio_gas_per_price": round(naive_per_price / per_price, 1),
        "ratio_prices_per_second": round(rate / naive_rate, 1),
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }


def main() -> None:
    with deployed_chain() as client:
        result = _run(client)
    report("prices", result)


if __name__ == "__main__":
    main()
