"""Loans an agent registers on chain for the lending tests: each agreement proposed by the agent,
consented by the lender, acknowledged by the borrower, and the same two movements (10,000 lent on
1 June 2026, 4,000 returned on 6 June) recorded by the agent and confirmed by the borrower."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from bpost_client.client import Client
from bpost_client.lending import Agreement
from bpost_client.lending import agreements as lending
from bpost_client.lending.movements import Movement, MovementKind

__all__ = ["register_by_agent"]


def register_by_agent(
    clients: Mapping[str, Client],
    agreements: Sequence[Agreement],
    effective_from: date,
    agent: str,
) -> None:
    """Register ``agreements`` (lender and borrower as they name them) through ``agent``: each
    party acts with its own client in ``clients`` (by LEI)."""
    for terms in agreements:
        i = terms.agreement_id
        made = lending.propose(clients[agent], terms, effective_from=effective_from, agent=agent)
        lending.consent(clients[terms.lender], made.agreement_id, 1)
        lending.acknowledge(clients[terms.borrower], made.agreement_id, 1)
        moves = [
            Movement(i, MovementKind.NEW_LOAN, date(2026, 6, 1), 10_000, Decimal(20_000_000)),
            Movement(i, MovementKind.RETURN, date(2026, 6, 6), -4_000, Decimal(-8_000_000)),
        ]
        lending.record_movements(clients[agent], made, moves, [terms.lender, terms.borrower, agent])
        lending.confirm_movements(clients[terms.borrower], made.agreement_id, 1)
