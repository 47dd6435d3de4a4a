"""Benchmark: calendar questions, on chain by ``eth_call`` and in Python from cached chain data.

Publishes the nine calendars for 2025-2026 on a fresh anvil, then asks "is D a business day in
XTKS" 10,000 times each way (the naive way being a contract call per question). Prints the
figures and writes ``bench/results/calendar.json``.
"""

from __future__ import annotations

import json
import platform
import random
import socket
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bpost_client import calendars, chain, contracts, deployment, signers
from bpost_client.client import connect, web3_for

ROOT = Path(__file__).resolve().parents[1]
QUERIES = 10_000
YEARS = (2025, 2026)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = chain.ChainConfig(data_dir=Path(tmp), port=_port(), state_interval=600)
        chain.start(config)
        try:
            w3 = web3_for(config.url)
            admin = signers.dev_account(0, w3.eth.chain_id)
            build = contracts.load_build_artifacts(ROOT / ".build" / "__local__.json")
            params = deployment.load_params(ROOT / "config" / "deploy" / "local.yaml")
            deployment.deploy(w3, admin, build, params, Path(tmp))
            client = connect(config.url, Path(tmp), admin)
            maps = [
                calendars.year_map(m, y, calendars.sessions_from_exchange_calendars(m, YEARS))
                for m in calendars.MARKETS
                for y in YEARS
            ]
            start = time.perf_counter()
            receipts = calendars.publish_years(client, maps)
            publish_seconds = time.perf_counter() - start
            gas = sum(r["gasUsed"] for r in receipts)

            rng = random.Random(7)
            days = [date(2025, 1, 1) + timedelta(days=rng.randrange(730)) for _ in range(QUERIES)]
            start = time.perf_counter()
            tokyo = calendars.load_calendar(client, "XTKS")
            python_answers = [tokyo.is_business_day(d) for d in days]
            python_seconds = time.perf_counter() - start
            start = time.perf_counter()
            chain_answers = [calendars.on_chain_is_business_day(client, "XTKS", d) for d in days]
            chain_seconds = time.perf_counter() - start
            assert python_answers == chain_answers
        finally:
            chain.stop(config)
    result = {
        "name": "calendar",
        "market_years_published": len(maps),
        "publish_transactions": len(receipts),
        "publish_seconds": round(publish_seconds, 2),
        "gas_per_market_year": round(gas / len(maps)),
        "queries": QUERIES,
        "python_queries_per_second": round(QUERIES / python_seconds),
        "eth_call_queries_per_second": round(QUERIES / chain_seconds),
        "ratio_python_to_eth_call": round(chain_seconds / python_seconds, 1),
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }
    (ROOT / "bench" / "results" / "calendar.json").write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<32} {value}")


if __name__ == "__main__":
    main()
