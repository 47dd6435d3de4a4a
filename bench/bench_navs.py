"""Benchmark: one business day's NAVs of 6,000 investment trusts (use case 2), batched with the
rules checked per fund on chain, against one transaction per NAV; and a subscriber catching up
from a cold start.

On a fresh anvil with the demo institutions and the 2026 Tokyo calendar, the asset manager
(Sakura, dev 1) registers 6,000 funds (trustee Fuji Trust, dev 2; no distributors), proposes
each one's establishment, the trustee acknowledges it, the manager sets it Active and gives it a
profile (Tokyo NAV days). The per-fund steps are one transaction each, sent pipelined with the
gas of the first estimate (setup, not timed but reported). Then:

- batched: the NAVs of Friday 2026-11-20 for every fund through ``navs.publish_navs``, read back
  from the batches' events (every record exactly) and the funds' rule slots;
- naive: one ``publishNavs`` per NAV on the next NAV day (2026-11-24; the 23rd is a Tokyo
  holiday) for a sample of 300 funds, pipelined (under automine, a block per transaction, whose
  time on anvil grows with the state: see ``workloads.pipelined``);
- catch-up: 20 more NAV days of every fund (the XTKS calendar's next business days), then a
  subscriber connects cold and reads every NAV batch since deployment with ``navs.nav_batches``:
  the 20 days, the batched day and the naive sample.

Prints the figures and writes ``bench/results/navs.json``.
"""

from __future__ import annotations

import platform
import random
import time
from datetime import date
from typing import Any

from fresh_chain import deployed_chain, gas_parts, report
from workloads import apply_demo_roster, log, nav_day, publish_tokyo_2026, set_up_nav_funds

from bpost_client import dates
from bpost_client.client import Client, connect
from bpost_client.distribution import navs
from bpost_client.platform import signers
from bpost_client.reference import calendars

FUNDS_TARGET = 6_000
FUNDS = 6_000
"""Funds set up and published; FUNDS_TARGET unless the setup would not fit the time budget."""
NAIVE_SAMPLE = 300
CATCH_UP_DAYS = 20
BATCHED_DAY = date(2026, 11, 20)
NAIVE_DAY = date(2026, 11, 24)


def _setup(operator: Client, manager: Client, trustee: Client) -> tuple[list[str], dict[str, Any]]:
    """The demo roster, the 2026 Tokyo calendar and FUNDS active funds with a profile; returns
    their codes and the seconds of each step."""
    start = time.perf_counter()
    apply_demo_roster(operator)
    publish_tokyo_2026(operator)
    steps: dict[str, Any] = {"roster_and_calendar": time.perf_counter() - start}
    codes, fund_steps = set_up_nav_funds(manager, trustee, FUNDS)
    return codes, {**steps, **fund_steps}


def _run(operator: Client) -> dict[str, Any]:
    manager = operator.with_account(signers.dev_account(1))
    trustee = operator.with_account(signers.dev_account(2))
    start = time.perf_counter()
    codes, steps = _setup(operator, manager, trustee)
    setup_seconds = time.perf_counter() - start
    log(f"setup: {FUNDS} funds ready in {setup_seconds:.1f} s")

    rng = random.Random(2)
    last = {code: rng.randrange(5_000, 40_000) for code in codes}

    day = nav_day(codes, BATCHED_DAY, last, rng)
    start = time.perf_counter()
    receipts = navs.publish_navs(manager, day)
    seconds = time.perf_counter() - start
    batches = navs.nav_batches(manager)
    assert [r for b in batches for r in b.records] == day, "the batches hold other records"
    assert all(b.day == BATCHED_DAY and b.publisher == "3538000SAKURAAM00151" for b in batches)
    for record in (day[0], day[len(day) // 2], day[-1]):
        state = navs.fund_state(manager, record.fund)
        assert (state.last_nav_date, state.last_nav) == (BATCHED_DAY, record.nav), state
    gas = gas_parts(manager, receipts, len(day))
    log(f"batched: {len(day)} NAVs in {len(receipts)} transactions, {seconds:.2f} s")

    sample = nav_day(codes[:NAIVE_SAMPLE], NAIVE_DAY, last, rng)
    registry = manager.contract("DistributionRegistry")
    when = dates.int_from_date(NAIVE_DAY)
    calls = [
        (registry.functions.publishNavs(when, [navs.pack_nav(r)]), f"NAV of {r.fund}")
        for r in sample
    ]
    start = time.perf_counter()
    naive_receipts = manager.sender.send_all(calls)
    naive_seconds = time.perf_counter() - start
    naive_batches = navs.nav_batches(manager, from_block=naive_receipts[0]["blockNumber"])
    assert [r for b in naive_batches for r in b.records] == sample
    naive_gas = gas_parts(manager, naive_receipts, len(sample))
    log(f"naive: {len(sample)} NAVs in {naive_seconds:.2f} s")

    tokyo = calendars.load_calendar(manager, "XTKS")
    days = [tokyo.add_business_days(NAIVE_DAY, n) for n in range(1, CATCH_UP_DAYS + 1)]
    published: list[navs.NavRecord] = []
    catch_up_receipts: list[Any] = []
    start = time.perf_counter()
    for when_day in days:
        records = nav_day(codes, when_day, last, rng)
        catch_up_receipts += navs.publish_navs(manager, records)
        published += records
    publish_seconds = time.perf_counter() - start
    catch_up_gas = sum(r["gasUsed"] for r in catch_up_receipts)
    log(f"catch-up: {len(published)} NAVs of {len(days)} days in {publish_seconds:.1f} s")

    url = str(getattr(operator.w3.provider, "endpoint_uri", ""))
    start = time.perf_counter()
    subscriber = connect(url, operator.manifest)
    everything = navs.nav_batches(subscriber)
    catch_up_seconds = time.perf_counter() - start
    read = [r for b in everything for r in b.records]
    assert read == day + sample + published, "the subscriber read other records"
    scanned = subscriber.w3.eth.block_number - subscriber.manifest.start_block + 1

    per_nav, naive_per_nav = gas["total"], naive_gas["total"]
    rate, naive_rate = len(day) / seconds, len(sample) / naive_seconds
    return {
        "name": "navs",
        "funds_target": FUNDS_TARGET,
        "funds": FUNDS,
        "transactions": len(receipts),
        "gas_per_nav": per_nav,
        "gas_per_nav_parts": gas,
        "seconds": round(seconds, 2),
        "navs_per_second": round(rate),
        "naive_sample": len(sample),
        "naive_transactions": len(naive_receipts),
        "naive_gas_per_nav": naive_per_nav,
        "naive_gas_per_nav_parts": naive_gas,
        "naive_seconds": round(naive_seconds, 2),
        "naive_navs_per_second": round(naive_rate, 1),
        "ratio_gas_per_nav": round(naive_per_nav / per_nav, 1),
        "ratio_navs_per_second": round(rate / naive_rate, 1),
        "catch_up_days": len(days),
        "catch_up_publish_transactions": len(catch_up_receipts),
        "catch_up_publish_seconds": round(publish_seconds, 1),
        "catch_up_publish_gas_per_nav": round(catch_up_gas / len(published)),
        "catch_up_batches": len(everything),
        "catch_up_blocks_scanned": scanned,
        "catch_up_records": len(read),
        "catch_up_seconds": round(catch_up_seconds, 2),
        "catch_up_records_per_second": round(len(read) / catch_up_seconds),
        "setup_seconds": round(setup_seconds, 1),
        "setup_step_seconds": {k: round(v, 1) for k, v in steps.items()},
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }


def main() -> None:
    with deployed_chain() as client:
        result = _run(client)
    report("navs", result)


if __name__ == "__main__":
    main()
