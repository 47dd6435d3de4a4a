"""Whom an institution deals with in securities lending: the lender, the borrower and the agent
of every agreement it is a party of, as the agreements' records tell them. The corporate
information (:mod:`bpost_client.registry.corporate`) is sealed to them."""

from __future__ import annotations

from typing import Any

from bpost_client.client import Client
from bpost_client.identifiers import check_lei
from bpost_client.lending.projection import PROJECTORS, agreement_of
from bpost_client.platform.projection import records_of
from bpost_client.types import Lei

__all__ = ["agreement_counterparties"]


def agreement_counterparties(client: Client, lei: str) -> set[Lei]:
    """The lender, borrower and agent of every lending agreement ``lei`` is one of, ``lei``
    left out."""
    own = check_lei(lei)
    rows: dict[str, list[Any]] = {}
    for entry in records_of(client, "LendingAgreements", PROJECTORS, ["AgreementProposed"]):
        rows.setdefault(entry.record.key, []).append(entry)
    found: set[Lei] = set()
    for key, agreement_rows in rows.items():
        agreement = agreement_of(key, agreement_rows)
        if agreement is None:
            continue
        parties = {Lei(p) for p in (agreement.lender, agreement.borrower, agreement.agent) if p}
        if own in parties:
            found |= parties
    found.discard(own)
    return found
