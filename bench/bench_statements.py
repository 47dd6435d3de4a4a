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
from datetime import date
from pathlib import Path

from fresh_chain import ROOT, deployed_chain, gas_parts, report

from bpost_client.client import Client
from bpost_client.lending import pairs
from bpost_client.lending import statements as st
from bpost_client.lending.matching import MatchUnit
from bpost_client.platform import roster, signers
from bpost_client.platform.mandates import grant_mandate
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars
from bpost_client.types import MandateScope

N = 500
NAIVE = 50
FUJI, MINATO, AGENT = "3538000FUJITRUST0138", "3538000MINATOSEC0159", "3538000NIHONLEND0172"
PARTIES = [FUJI, MINATO, AGENT]
START, END, SETTLEMENT = date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 9)


def _statements(prefix: str, count: int, secret: bytes) -> list[tuple[st.StatementInput, bytes]]:
    return [
        (
            st.StatementInput(
                FUJI,
                MINATO,
                MatchUnit.SECURITY,
                f"{prefix}{i:06d}",
                "JPY",
                START,
                END,
                SETTLEMENT,
                st.Amounts(10_000 + i, 30 + i % 7, 0 if i % 4 else 45_000),
                secret,
            ),
            f"detail of {prefix}{i}".encode(),
        )
        for i in range(count)
    ]


def _set_up(operator: Client) -> dict[str, Client]:
    demo = roster.read_roster(ROOT / "config/demo-participants.yaml")
    plan = roster.plan_roster(operator, demo, signers.dev_accounts(operator.chain_id))
    roster.apply_plan(operator, plan)
    sessions = calendars.sessions_from_exchange_calendars("XTKS", [2026])
    calendars.publish_years(operator, [calendars.year_map("XTKS", 2026, sessions)])
    clients = {
        lei: operator.with_account(dev_account(i))
        for lei, i in ((FUJI, 2), (MINATO, 3), (AGENT, 5))
    }
    grant_mandate(clients[FUJI], AGENT, MandateScope.LENDING_AGENT, MINATO)
    pairs.propose_pair_settings(clients[FUJI], FUJI, MINATO, MatchUnit.SECURITY, agent=AGENT)
    pairs.accept_pair_settings(clients[MINATO], FUJI, MINATO, 1, MINATO, _key(3))
    return clients


def _key(index: int) -> bytes:
    return bytes(dev_account(index).key)


def main() -> None:
    with deployed_chain() as operator:
        clients = _set_up(operator)
        agent, fuji, minato = clients[AGENT], clients[FUJI], clients[MINATO]
        statements = agent.contract("LendingStatements").functions
        secret = pairs.pair_secrets(agent, FUJI, MINATO, AGENT, _key(5)).secret

        commits: list = []  # type: ignore[type-arg]
        start = time.perf_counter()
        ids = st.commit_statements(
            agent, _statements("SEC", N, secret), PARTIES, on_done=commits.append
        )
        lender = fuji.sender.send_all([statements.confirm(bytes.fromhex(i[2:])) for i in ids])
        borrower = minato.sender.send_all([statements.confirm(bytes.fromhex(i[2:])) for i in ids])
        pipelined = time.perf_counter() - start
        matched = sum(st.get_statement(agent, i).status is st.StatementStatus.MATCHED for i in ids)

        start = time.perf_counter()
        for statement, detail in _statements("NAIVE", NAIVE, secret):
            found, _ = st.commit_statement(agent, statement, detail, PARTIES)
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
