"""Benchmark: calendar questions, on chain by ``eth_call`` and in Python from cached chain data.

Publishes the nine calendars for 2025-2026 on a fresh anvil, then asks "is D a business day in
XTKS" 10,000 times each way (the naive way being a contract call per question). Prints the
figures and writes ``bench/results/calendar.json``.
"""

from __future__ import annotations

import platform
import random
import time
from datetime import date, timedelta

from fresh_chain import deployed_chain, report

from bpost_client.reference import calendars

QUERIES = 10_000
YEARS = (2025, 2026)


def main() -> None:
    with deployed_chain() as client:
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
    report("calendar", result)


if __name__ == "__main__":
    main()
