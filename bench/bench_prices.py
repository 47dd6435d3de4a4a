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
import random
import time
from datetime import date
from decimal import Decimal
from typing import Any

import coincurve
from fresh_chain import deployed_chain, report

from bpost_client.client import Client
from bpost_client.identifiers import check_lei, isin_with_check_digit
from bpost_client.platform.participants import (
    InstitutionSpec,
    admission_of,
    register_institution,
)
from bpost_client.reference import prices
from bpost_client.reference.securities import Security, list_securities, register_securities
from bpost_client.types import Address, InstitutionType, Role

SECURITIES = 4_000
NAIVE_SAMPLE = 400
BATCHED_DAY = date(2026, 11, 20)
NAIVE_DAY = date(2026, 11, 19)
TX_BASE_GAS = 21_000
PROVIDER_LEI = "3538000KABUTODATA165"
NEW_SLOT_GAS = 22_100
"""SSTORE of a non-zero value into a zero slot, cold (20,000 + 2,100 for the cold access)."""


def _securities() -> list[Security]:
    return [
        Security(
            isin=isin_with_check_digit(f"JP9{i:08d}"),
            name=f"Bench Security {i}",
            market="XTKS",
            currency="JPY",
            local_code=f"{1300 + i}",
        )
        for i in range(1, SECURITIES + 1)
    ]


def _setup(client: Client) -> dict[int, int]:
    """Bind the deployer to a data-provider institution, grant it DATA_PROVIDER, register the
    securities, and return a close for each security index, in units."""
    assert client.account is not None
    key = coincurve.PrivateKey(bytes(client.account.key)).public_key.format(compressed=True)
    spec = InstitutionSpec(
        check_lei(PROVIDER_LEI),
        "Bench Market Data",
        InstitutionType.DATA_PROVIDER,
        key,
        (Address(client.sender.address),),
    )
    register_institution(client, spec, admission_of(client, client.account, spec))
    access = client.contract("PlatformAccess")
    grant = access.functions.grantRole(Role.DATA_PROVIDER.id, client.sender.address)
    client.sender.send_all([(grant, "grant DATA_PROVIDER to the deployer")])
    wanted = _securities()
    register_securities(client, wanted)
    isins = {s.isin for s in wanted}
    indexes = sorted(s.index for s in list_securities(client) if s.isin in isins)
    assert len(indexes) == SECURITIES, f"{len(indexes)} securities registered"
    rng = random.Random(11)
    return {i: prices.to_units(Decimal(rng.randrange(1_000, 10_000_000)) / 10) for i in indexes}


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
    closes = _setup(client)

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
