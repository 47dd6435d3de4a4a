"""Benchmark: the platform's four heavy workloads on a 4-validator geth Clique network with a
1-second period, beside anvil in the same run, against the floor the block period sets.

Each backend is set up the same way, through the same code as the other benchmarks
(bench/workloads.py): the demo roster and the 2026 Tokyo calendar, 6,000 active funds with a
profile (registered, proposed, acknowledged, activated: one transaction per fund and step), a
data provider's 4,000 securities, and the lending pair of Fuji Trust and Minato with Nihonbashi
as agent. Then, timed, four workloads:

- navs: one NAV day of the 6,000 funds (``navs.publish_navs``);
- closes: one day's closes of the 4,000 securities (``prices.publish_closes``);
- funds: 2,000 funds registered from a fund table (``fund_files.upload_funds``: ISIN, ITA code,
  a distributor and a custodian each);
- statements: a month's statements of 500 securities committed by the agent
  (``statements.commit_statements``), then confirmed by the lender and the borrower side by side,
  all matched.

For each: seconds end to end, split into the off-chain part before the first transaction is sent
(validation, planning and gas estimates, sealing) and the chain's part from the first send to
the last receipt; the blocks used and the gas of each against the block's 30M limit; and on the
network, the time from each transaction's send to its receipt being seen on every running
validator (each node's head polled every 50 ms by a process of its own). The floor is (ceil(gas
/ 27M), 27M being 90 % of the block gas limit, + the rounds that must
wait for an earlier receipt) blocks x the period. The target is a chain part within 2x the floor
with every validator up; the network's workloads then run a second time with one validator
stopped (``lifecycle.stop``), within 3x: the stopped signer's turns are sealed out of turn,
after Clique's random wiggle delay. Every node is stopped at the end, also on failure. During
the workloads anvil mines a block as soon as transactions wait (:func:`mined_when_waiting`), not
one per transaction.

``--quick`` (or ``BPOST_BENCH_QUICK=1``) runs small counts to try it out and writes nothing.
Prints the figures and writes ``bench/results/network.json``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import platform
import queue
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import requests
from fresh_chain import FreshChain, fresh_chain, fresh_network, report
from workloads import (
    AGENT,
    LENDING_PARTIES,
    PROVIDER_ACCOUNT,
    apply_demo_roster,
    fund_table,
    lending_statements,
    log,
    nav_day,
    pair_secret,
    publish_tokyo_2026,
    send_at_once,
    set_up_lending,
    set_up_nav_funds,
    set_up_securities,
    with_gas,
)

from bpost_client.client import Client, connect
from bpost_client.distribution import navs
from bpost_client.lending import statements as st
from bpost_client.platform import signers
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import NetworkDescription
from bpost_client.platform.network.geth import GETH_VERSION
from bpost_client.reference import prices
from bpost_client.registry import fund_files


@dataclass(frozen=True)
class Counts:
    """Records of each workload."""

    nav_funds: int
    securities: int
    funds: int
    statements: int


TARGET = Counts(nav_funds=6_000, securities=4_000, funds=2_000, statements=500)
FULL = TARGET
"""The counts run; TARGET unless a setup would not fit the time budget (then say why in
REDUCED)."""
REDUCED = ""
QUICK_COUNTS = Counts(nav_funds=300, securities=400, funds=200, statements=50)
PERIOD = 1
VALIDATORS, MEMBERS = 4, 1
STOPPED = "validator-2"
"""The validator stopped for the second pass."""
TARGET_RATIO = {True: 2.0, False: 3.0}
"""The chain part's target, in floors: all validators up, or one down."""
FLOOR_GAS_SHARE = 0.9
"""The gas a block gives a workload in the floor's count: 27M of the 30M limit, as the issue
defines the floor (the batcher's own share, ``_utils.batching.GAS_SHARE``, is smaller: two batches
a block)."""
NAV_DAYS = (date(2026, 11, 20), date(2026, 11, 24))
CLOSE_DAYS = (date(2026, 11, 20), date(2026, 11, 19))
FUND_TAGS = ("NET", "DOWN")
STATEMENT_PREFIXES = ("SEC", "DOWN")
POLL = 0.05
ANVIL_BLOCK_GAP = 0.2
"""Seconds at least between two of anvil's blocks in the workloads (see mined_when_waiting)."""
"""Seconds between two polls of every watched node's head."""


# --- what is watched: sends and the nodes' heads ----------------------------------------------


class Sends:
    """When each transaction was sent (its hash to ``time.monotonic()`` when the node took
    it), for every client recorded."""

    def __init__(self) -> None:
        self.at: dict[bytes, float] = {}

    def record(self, client: Client) -> Client:
        """Note the time of each transaction ``client``'s sender sends from now on."""
        sender = client.sender
        submit = sender.submit

        def recorded(call: Any, label: str = "") -> Any:
            pending = submit(call, label)
            self.at[bytes(pending.tx_hash)] = time.monotonic()
            return pending

        setattr(sender, "submit", recorded)  # noqa: B010 - instrumenting the instance only
        return client


def _poll_heads(urls: dict[str, str], out: Any, halted: Any) -> None:
    """In a process of its own (the benchmark's threads hold the GIL while they sign): each
    node's head every :data:`POLL` seconds, sent as (node, block, ``time.monotonic()``) for each
    block first seen (a block skipped between two polls counts as seen at the second).
    ``time.monotonic()`` is the system's monotonic clock, the same in every process."""
    session = requests.Session()
    last = {name: -1 for name in urls}
    while not halted.is_set():
        for name, url in urls.items():
            try:
                number = int(_post(session, url, "eth_blockNumber", timeout=1.0), 16)
            except (requests.RequestException, RuntimeError, KeyError, ValueError):
                continue
            now = time.monotonic()
            first = number if last[name] < 0 else last[name] + 1
            for block in range(first, number + 1):
                out.put((name, block, now))
            last[name] = max(last[name], number)
        halted.wait(POLL)


class Heads:
    """When each watched node first answered with each block number, polled by
    :func:`_poll_heads` in a process of its own."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = dict(urls)
        self.seen: dict[str, dict[int, float]] = {name: {} for name in urls}
        self._queue: Any = multiprocessing.Queue()
        self._halted = multiprocessing.Event()
        self._process = multiprocessing.Process(
            target=_poll_heads, args=(self.urls, self._queue, self._halted), daemon=True
        )

    def start(self) -> None:
        """Start polling."""
        self._process.start()

    def _drain(self) -> None:
        while True:
            try:
                name, block, at = self._queue.get_nowait()
            except queue.Empty:
                return
            self.seen[name].setdefault(block, at)

    def forget(self, name: str) -> None:
        """No longer wait for node ``name`` (stopped)."""
        self.urls.pop(name, None)

    def seen_by_all(self, block: int, timeout: float = 30.0) -> float:
        """When every watched node had seen ``block`` (waits for them, at most ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            self._drain()
            times = [self.seen[name].get(block) for name in self.urls]
            if all(t is not None for t in times):
                return max(t for t in times if t is not None)
            if time.monotonic() > deadline:
                missing = [n for n in self.urls if self.seen[n].get(block) is None]
                raise RuntimeError(f"block {block} not seen within {timeout:.0f} s by {missing}")
            time.sleep(POLL)

    def head_at(self, moment: float) -> int:
        """The highest block any watched node had at ``moment``."""
        self._drain()
        return max(
            (b for name in self.urls for b, at in self.seen[name].items() if at <= moment),
            default=-1,
        )

    def halt(self) -> None:
        """End the polling (its process is ended, killed if it does not end in 5 s)."""
        self._halted.set()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


@contextmanager
def watching(urls: dict[str, str]) -> Iterator[Heads]:
    """Heads of ``urls`` polled while the block runs."""
    heads = Heads(urls)
    heads.start()
    try:
        yield heads
    finally:
        heads.halt()


def _post(
    session: requests.Session, url: str, method: str, *params: Any, timeout: float = 30
) -> Any:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    answer = session.post(url, json=body, timeout=timeout).json()
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


# --- the backends' parties and state ----------------------------------------------------------


@dataclass
class Backend:
    """One chain set up for the workloads: its name, period (0: anvil's automine), the parties'
    clients (the lender and borrower connected apart, to confirm side by side) and the state
    the workloads continue from."""

    name: str
    period: int
    chain: FreshChain
    operator: Client
    provider: Client
    manager: Client
    agent: Client
    lender: Client
    borrower: Client
    codes: list[str]
    closes: dict[int, int]
    secret: bytes
    setup: dict[str, float]
    sends: Sends = field(default_factory=Sends)
    last_navs: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(2))


def set_up(name: str, period: int, fresh: FreshChain, counts: Counts) -> Backend:
    """The roster, calendar, NAV funds, securities and lending pair on ``fresh``'s chain, with
    the seconds of each step."""
    operator = fresh.client
    manager = operator.with_account(signers.dev_account(1))
    trustee = operator.with_account(signers.dev_account(2))
    steps: dict[str, float] = {}
    start = time.perf_counter()
    apply_demo_roster(operator)
    publish_tokyo_2026(operator)
    steps["roster_and_calendar"] = time.perf_counter() - start
    codes, fund_steps = set_up_nav_funds(manager, trustee, counts.nav_funds)
    steps.update({f"nav_funds_{k}": v for k, v in fund_steps.items()})
    mark = time.perf_counter()
    provider = operator.with_account(signers.dev_account(PROVIDER_ACCOUNT))
    closes = set_up_securities(provider, counts.securities)
    steps["securities"] = time.perf_counter() - mark
    mark = time.perf_counter()
    clients = set_up_lending(operator)
    steps["lending_pair"] = time.perf_counter() - mark
    steps["total"] = time.perf_counter() - start
    log(f"{name}: set up in {steps['total']:.1f} s")
    rng = random.Random(2)
    backend = Backend(
        name, period, fresh, operator, provider, manager, clients[AGENT],
        # the lender and borrower confirm side by side: each its own connection
        connect(fresh.url, fresh.deployments, signers.dev_account(2)),
        connect(fresh.url, fresh.deployments, signers.dev_account(3)),
        codes, closes, pair_secret(clients[AGENT]),
        {k: round(v, 1) for k, v in steps.items()},
        last_navs={code: rng.randrange(5_000, 40_000) for code in codes}, rng=rng,
    )  # fmt: skip
    for client in (backend.provider, backend.manager, backend.agent, backend.lender,
                   backend.borrower):  # fmt: skip
        backend.sends.record(client)
    return backend


# --- the workloads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """A workload: its records, the rounds that must wait for an earlier round's receipts, and
    the run (returns every receipt) with its check afterwards (untimed)."""

    name: str
    records: int
    rounds_waiting: int
    run: Callable[[], list[Any]]
    check: Callable[[], None]


def nav_workload(backend: Backend, run: int) -> Workload:
    day = nav_day(backend.codes, NAV_DAYS[run], backend.last_navs, backend.rng)

    def check() -> None:
        for record in (day[0], day[-1]):
            state = navs.fund_state(backend.manager, record.fund)
            assert (state.last_nav_date, state.last_nav) == (record.day, record.nav), state

    return Workload("navs", len(day), 0, lambda: navs.publish_navs(backend.manager, day), check)


def closes_workload(backend: Backend, run: int) -> Workload:
    day = CLOSE_DAYS[run]

    def check() -> None:
        on_chain = prices.closes_on(backend.provider, day, max(backend.closes))
        assert on_chain == backend.closes, "other closes on chain"

    return Workload(
        "closes", len(backend.closes), 0,
        lambda: prices.publish_closes(backend.provider, day, backend.closes), check,
    )  # fmt: skip


def funds_workload(backend: Backend, run: int, count: int) -> Workload:
    table = fund_table(run * count, count, FUND_TAGS[run])
    registered: list[int] = []

    def go() -> list[Any]:
        receipts: list[Any] = []
        done = fund_files.upload_funds(backend.manager, table, on_done=receipts.append)
        registered.append(len(done.rows("register")))
        return receipts

    def check() -> None:
        assert registered == [count], f"{registered} funds registered of {count}"

    return Workload("funds", count, 0, go, check)


def statements_workload(backend: Backend, run: int, count: int) -> Workload:
    """Commits by the agent, then the lender's and the borrower's confirmations side by side
    (each waits for the commits' receipts: one round), with one gas estimate for each party's
    confirmations, doubled since the second confirmation of a statement also matches it."""
    batch = lending_statements(STATEMENT_PREFIXES[run], count, backend.secret)
    ids: list[str] = []

    def go() -> list[Any]:
        commits: list[Any] = []
        ids.extend(st.commit_statements(backend.agent, batch, LENDING_PARTIES, commits.append))

        def confirm(client: Client) -> list[Any]:
            functions = client.contract("LendingStatements").functions
            calls = [(functions.confirm(bytes.fromhex(i[2:])), f"confirm {i}") for i in ids]
            return send_at_once(client, with_gas(client, calls, factor=2.0))

        with ThreadPoolExecutor(2) as pool:
            lender = pool.submit(confirm, backend.lender)
            borrower = pool.submit(confirm, backend.borrower)
            return commits + lender.result() + borrower.result()

    def check() -> None:
        for statement_id in (ids[0], ids[-1]):
            found = st.get_statement(backend.agent, statement_id).status
            assert found is st.StatementStatus.MATCHED, found

    return Workload("statements", count, 1, go, check)


def workloads(backend: Backend, run: int, counts: Counts) -> list[Workload]:
    return [
        nav_workload(backend, run),
        closes_workload(backend, run),
        funds_workload(backend, run, counts.funds),
        statements_workload(backend, run, counts.statements),
    ]


# --- measuring --------------------------------------------------------------------------------


def _block(client: Client, number: int) -> Any:
    return client.w3.eth.get_block(number)


def measure(backend: Backend, workload: Workload, heads: Heads, all_up: bool) -> dict[str, Any]:
    """Run ``workload`` on ``backend`` and measure it against the floor."""
    client = backend.operator
    backend.sends.at.clear()
    start = time.monotonic()
    receipts = workload.run()
    end = time.monotonic()
    workload.check()
    sent = [backend.sends.at[bytes(r["transactionHash"])] for r in receipts]
    first_send = min(sent)
    numbers = [int(r["blockNumber"]) for r in receipts]
    first, last = min(numbers), max(numbers)
    blocks = [_block(client, n) for n in range(first, last + 1)]
    limit = int(blocks[0]["gasLimit"])
    gas = sum(int(r["gasUsed"]) for r in receipts)
    used = [int(b["gasUsed"]) / limit * 100 for b in blocks]
    seen = [heads.seen_by_all(n) - s for n, s in zip(numbers, sent, strict=True)]
    chain_seconds = end - first_send
    head_at_send = heads.head_at(first_send)
    result: dict[str, Any] = {
        "backend": backend.name,
        "validators_up": (len(heads.urls) if backend.period else None),
        "workload": workload.name,
        "records": workload.records,
        "transactions": len(receipts),
        "gas": gas,
        "seconds_end_to_end": round(end - start, 2),
        "off_chain_seconds": round(first_send - start, 2),
        "chain_seconds": round(chain_seconds, 2),
        "blocks_used": last - first + 1,
        "blocks_with_transactions": len(set(numbers)),
        "gas_per_block_percent_of_limit": {
            "mean": round(statistics.fmean(used), 1),
            "max": round(max(used), 1),
        },
        "block_gas_limit": limit,
        "blocks_before_first_inclusion": first - head_at_send - 1,
        "blocks": [[len(b["transactions"]), round(u)] for b, u in zip(blocks, used, strict=True)],
        "receipt_on_all_validators_seconds" if backend.period else "receipt_on_node_seconds": {
            "median": round(statistics.median(seen), 2),
            "max": round(max(seen), 2),
        },
    }
    if backend.period:
        floor_blocks = math.ceil(gas / (limit * FLOOR_GAS_SHARE)) + workload.rounds_waiting
        floor = floor_blocks * backend.period
        span = int(blocks[-1]["timestamp"]) - int(_block(client, first - 1)["timestamp"])
        result.update(
            floor_blocks=floor_blocks,
            floor_seconds=floor,
            block_seconds_mean=round(span / len(blocks), 2),
            ratio_to_floor=round(chain_seconds / floor, 2),
            target_ratio=TARGET_RATIO[all_up],
            within_target=chain_seconds / floor <= TARGET_RATIO[all_up],
        )
    log(
        f"{backend.name} {workload.name}: {end - start:.1f} s "
        f"(off chain {first_send - start:.1f} s), {len(receipts)} tx in {last - first + 1} "
        f"blocks" + (f", {result['ratio_to_floor']}x the floor" if backend.period else "")
    )
    return result


def run_all(backend: Backend, run: int, counts: Counts, heads: Heads, up: bool) -> list[Any]:
    return [measure(backend, w, heads, up) for w in workloads(backend, run, counts)]


@contextmanager
def mined_when_waiting(url: str) -> Iterator[None]:
    """anvil without automine, a block mined as soon as transactions wait in its pool (as many
    a block as its gas limit takes), at most one every :data:`ANVIL_BLOCK_GAP` seconds, and
    automine back at the end. anvil keeps a copy of the state for each recent block, and its
    time per block grows with the state: under automine's block per transaction, with the
    set-up state, the 1,500 transactions of the statements took it past 20 GB of memory, and
    a block as soon as one waits made 469 blocks of them in 94 s (8 GB)."""
    session = requests.Session()
    halted = threading.Event()

    def mine() -> None:
        while not halted.is_set():
            mark = time.monotonic()
            if int(_post(session, url, "txpool_status")["pending"], 16):
                _post(session, url, "evm_mine")
            halted.wait(max(ANVIL_BLOCK_GAP - (time.monotonic() - mark), 0.01))

    _post(session, url, "evm_setAutomine", False)
    miner = threading.Thread(target=mine, daemon=True)
    miner.start()
    try:
        yield
    finally:
        halted.set()
        miner.join(timeout=30)
        _post(session, url, "evm_setAutomine", True)


def on_anvil(counts: Counts) -> tuple[dict[str, float], list[Any]]:
    with fresh_chain() as fresh:
        backend = set_up("anvil", 0, fresh, counts)
        with watching({"anvil": fresh.url}) as heads, mined_when_waiting(fresh.url):
            return backend.setup, run_all(backend, 0, counts, heads, True)


def on_network(counts: Counts) -> tuple[dict[str, float], list[Any]]:
    with fresh_network(VALIDATORS, MEMBERS, PERIOD) as fresh:
        network: NetworkDescription = fresh.network
        backend = set_up("network", PERIOD, fresh.chain, counts)
        validators = {n.name: n.url for n in network.nodes if n.is_validator}
        with watching(validators) as heads:
            results = run_all(backend, 0, counts, heads, True)
            lifecycle.stop(network, [STOPPED], grace=20)
            heads.forget(STOPPED)
            log(f"network: {STOPPED} stopped")
            results += run_all(backend, 1, counts, heads, False)
        return backend.setup, results


def _row(result: dict[str, Any]) -> str:
    up = result["validators_up"]
    where = "anvil" if up is None else f"network, {up} of {VALIDATORS} validators"
    floor = (
        f"floor {result['floor_blocks']} blocks = {result['floor_seconds']} s, "
        f"{result['ratio_to_floor']}x (target {result['target_ratio']}x)"
        if up is not None
        else "no floor (automine)"
    )
    seen = result.get("receipt_on_all_validators_seconds") or result["receipt_on_node_seconds"]
    return (
        f"{result['workload']:<11} {where:<28} {result['seconds_end_to_end']:>7.2f} s "
        f"(off chain {result['off_chain_seconds']:.2f}, chain {result['chain_seconds']:.2f}) "
        f"{result['transactions']} tx, {result['blocks_used']} blocks, gas/block mean "
        f"{result['gas_per_block_percent_of_limit']['mean']} %, receipt everywhere median "
        f"{seen['median']} s max {seen['max']} s | {floor}"
    )


def main(argv: Sequence[str]) -> None:
    quick = "--quick" in argv or os.environ.get("BPOST_BENCH_QUICK") == "1"
    counts = QUICK_COUNTS if quick else FULL
    load = os.getloadavg()
    anvil_setup, anvil = on_anvil(counts)
    network_setup, network = on_network(counts)
    result: dict[str, Any] = {
        "name": "network",
        "quick": quick,
        "counts": counts.__dict__,
        "counts_target": TARGET.__dict__,
        "reduced": REDUCED or None,
        "validators": VALIDATORS,
        "member_nodes": MEMBERS,
        "period_seconds": PERIOD,
        "stopped_for_second_pass": STOPPED,
        "setup_seconds": {"anvil": anvil_setup, "network": network_setup},
        "workloads": anvil + network,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPython "
        f"{platform.python_version()}, geth {GETH_VERSION}",
        "load_average_at_start": [round(x, 1) for x in load],
    }
    for row in result["workloads"]:
        print(_row(row))
    if quick:
        print(f"setup seconds: {result['setup_seconds']}")
    else:
        report("network", result)


if __name__ == "__main__":
    main(sys.argv[1:])
