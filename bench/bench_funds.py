"""Benchmark: use case 1 registration end to end, batched against one transaction per record.

On a fresh anvil with the demo institutions: 2,000 funds from a CSV (ISIN and ITA code each, a
distributor and a custodian) through ``fund_files.upload_funds``, and one SSI per institution
through ``ssi.publish_ssis``; then the naive way, one transaction per record, each awaited, on
200 funds of the same shape. Then reading back the latest definitive record of every fund:
``fund_files.export_funds`` (events in block pages) against ``funds.get_fund`` one fund at a
time (timed on 200 funds). Prints the figures and writes ``bench/results/funds.json``.
"""

from __future__ import annotations

import platform
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from fresh_chain import deployed_chain, gas_parts, report
from workloads import TRUSTEE, apply_demo_roster, fund_table, institution_clients

from bpost_client.client import Client
from bpost_client.platform import signers
from bpost_client.registry import fund_files, funds, ssi

FUNDS = 2_000
NAIVE_FUNDS = 200


def _terms(tag: str) -> ssi.SsiTerms:
    return ssi.SsiTerms(
        market="XTKS",
        security_type=tag,
        currency="JPY",
        settlement_method="DVP",
        custodian_bic="MHCBJPJT",
        place_of_settlement="JASDJPJT",
        effective_from=date(2026, 4, 1),
    )


def main() -> None:
    with deployed_chain() as operator, tempfile.TemporaryDirectory() as tmp:
        result = _run(operator, Path(tmp))
    report("funds", result)


def _run(operator: Client, tmp: Path) -> dict[str, Any]:
    apply_demo_roster(operator)
    manager = operator.with_account(signers.dev_account(1))
    institutions = institution_clients(operator)
    csv = tmp / "funds.csv"
    fund_table(0, FUNDS, "BENCH").to_csv(csv, index=False)

    receipts: list[Any] = []
    start = time.perf_counter()
    report = fund_files.upload_funds(manager, csv, on_done=receipts.append)
    for client in institutions:
        receipts += ssi.publish_ssis(client, [(_terms("EQUITY"), "0011223344")], [TRUSTEE])
    batched = time.perf_counter() - start
    records = len(report.rows("register")) + len(institutions)
    gas = gas_parts(manager, receipts, records)

    naive_table = fund_table(FUNDS, NAIVE_FUNDS, "NAIVE")
    manager.sender.max_in_flight = 1
    naive_receipts: list[Any] = []
    start = time.perf_counter()
    fund_files.upload_funds(manager, naive_table, on_done=naive_receipts.append, max_batch=1)
    for client in institutions:
        client.sender.max_in_flight = 1
        naive_receipts += ssi.publish_ssis(client, [(_terms("BOND"), "0011223344")], [TRUSTEE])
    naive = time.perf_counter() - start
    naive_records = NAIVE_FUNDS + len(institutions)
    naive_gas = gas_parts(manager, naive_receipts, naive_records)

    start = time.perf_counter()
    exported = fund_files.export_funds(manager)
    bulk_read = time.perf_counter() - start
    codes = list(exported["fund_code"])
    start = time.perf_counter()
    for code in codes[:NAIVE_FUNDS]:
        funds.get_fund(manager, code)
    one_by_one = (time.perf_counter() - start) / NAIVE_FUNDS * len(codes)

    rate, naive_rate = records / batched, naive_records / naive
    return {
        "name": "funds",
        "records": records,
        "transactions": len(receipts),
        "batched_records_per_second": round(rate, 1),
        "naive_records_per_second": round(naive_rate, 1),
        "ratio_to_naive": round(rate / naive_rate, 1),
        "gas_per_record": gas,
        "naive_gas_per_record": naive_gas,
        "read_back_funds": len(codes),
        "read_back_seconds_events": round(bulk_read, 2),
        "read_back_seconds_one_by_one_projected": round(one_by_one, 1),
        "read_back_ratio": round(one_by_one / bulk_read, 1),
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }


if __name__ == "__main__":
    main()
