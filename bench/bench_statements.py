"""Benchmark: the on-chain part of matching, billing statements committed and confirmed.

On a fresh embedded chain with the demo institutions registered and the 2026 Tokyo calendar
published, Fuji Trust Bank and Minato Securities agree to match per security with Nihonbashi as
their agent. Nihonbashi commits a month's statements of N securities (the commitments of the
amounts and of the detail under each statement's salt, the salt and the amounts sealed to the
three parties, each security keyed by the pair's secret) pipelined with ``commit_statements``;
Fuji and Minato
confirm each (pipelined), and every statement is matched. The naive way, measured in the same run
on a sample: each statement committed and confirmed by sending one transaction and waiting for its
receipt before the next. Prints statements per second, gas per statement (commit, and each
confirmation) and the ratio, and writes ``bench/results/statements.json``.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from fresh_chain import ROOT, deployed_chain, gas_parts, report
from workloads import (
    AGENT,
    LENDING_PARTIES,
    MINATO,
    TRUSTEE,
    apply_demo_roster,
    lending_statements,
    pair_secret,
    publish_tokyo_2026,
    set_up_lending,
)

from bpost_client.client import Client
from bpost_client.lending import statements as st

N = 500
NAIVE = 50


def _set_up(operator: Client) -> dict[str, Client]:
    apply_demo_roster(operator)
    publish_tokyo_2026(operator)
    return set_up_lending(operator)


def main() -> None:
    with deployed_chain() as operator:
        clients = _set_up(operator)
        agent, fuji, minato = clients[AGENT], clients[TRUSTEE], clients[MINATO]
        statements = agent.contract("LendingStatements").functions
        secret = pair_secret(agent)

        commits: list = []  # type: ignore[type-arg]
        start = time.perf_counter()
        ids = st.commit_statements(
            agent, lending_statements("SEC", N, secret), LENDING_PARTIES, on_done=commits.append
        )
        lender = fuji.sender.send_all([statements.confirm(bytes.fromhex(i[2:])) for i in ids])
        borrower = minato.sender.send_all([statements.confirm(bytes.fromhex(i[2:])) for i in ids])
        pipelined = time.perf_counter() - start
        matched = sum(st.get_statement(agent, i).status is st.StatementStatus.MATCHED for i in ids)

        start = time.perf_counter()
        for statement, detail in lending_statements("NAIVE", NAIVE, secret):
            found, _ = st.commit_statement(agent, statement, detail, LENDING_PARTIES)
            fuji.sender.send(statements.confirm(bytes.fromhex(found[2:])))
            minato.sender.send(statements.confirm(bytes.fromhex(found[2:])))
        naive = time.perf_counter() - start

        report(
            "statements",
            {
                "name": "statements",
                "statements": N,
                "matched": matched,
                "transactions": len(commits) + len(lender) + len(borrower),
                "seconds": round(pipelined, 2),
                "statements_per_second": round(N / pipelined, 1),
                "naive_sample": NAIVE,
                "naive_statements_per_second": round(NAIVE / naive, 1),
                "ratio": round((N / pipelined) / (NAIVE / naive), 1),
                "gas_per_commit": gas_parts(agent, commits, N),
                "gas_per_confirmation": round(sum(r["gasUsed"] for r in lender) / N),
                "gas_per_statement": round(
                    sum(r["gasUsed"] for r in (*commits, *lender, *borrower)) / N
                ),
                "machine": f"{platform.machine()}, CPython {platform.python_version()}",
            },
        )


if __name__ == "__main__":
    Path(ROOT / "bench" / "results").mkdir(exist_ok=True)
    main()
