"""Which security a pair lends stays off the lending contracts (issue 19, docs/privacy.md): Fuji
Trust Bank lends Toyota and Sony to Minato Securities through Nihonbashi, a pair matching per
security; a week is closed, Toyota's statement matches, Sony's breaks on Minato's rounding, is
commented, resolved and both are settled. Every transaction sent to the lending contracts and
every log they emitted, from block 0, holds neither ISIN nor either security index, in any
spelling the scanner knows; the same search finds both in what was sent to the security master,
where they are public (the positive control)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bpost_client.client import Client, connect
from bpost_client.lending import Rounding
from bpost_client.lending import agreements as lending
from bpost_client.lending import pairs as lp
from bpost_client.lending import statements as st
from bpost_client.lending.billing import close_period, review_statement, settlement_items
from bpost_client.lending.matching import MatchUnit
from bpost_client.lending.settlement import net_instructions, statement_references
from bpost_client.platform import mandates
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars, securities
from bpost_client.types import MandateScope
from tests.conftest import Node, rpc
from tests.lending.registered import register_by_agent
from tests.lending.test_billing import (
    AGENT,
    DIVIDENDS,
    FUJI,
    KEYS,
    MINATO,
    PERIOD,
    PRICES,
    SETTLEMENT,
    SONY,
    TOYOTA,
)
from tests.lending.test_billing import AGREEMENTS as BILLING
from tests.privacy.scanner import chain_bytes, found

LENDING = ("LendingAgreements", "LendingCalculator", "LendingPairs", "LendingStatements")
FIRST_INDEX = 61_837
"""The first lent security's index in the master. The master's counter is moved on to it before
the two are registered: a small index would be found as any version, enum or length is."""
COUNT_SLOT = 2
"""SecurityRegistry's storage slot of ``_count`` (low 32 bits) and ``_providerCount``, after the
mappings ``_byIsin`` and ``_isinAt``; checked against ``securityCount()`` before and after."""
AGREEMENTS = [
    replace(BILLING[0], agreement_id=i, security=isin, rounding=rounding)
    for i, isin, rounding in (
        ("SBL-T1", TOYOTA, Rounding.PERIOD_TRUNCATE),
        ("SBL-T2", TOYOTA, Rounding.DAILY_TRUNCATE),
        ("SBL-S", SONY, Rounding.DAILY_TRUNCATE),
    )
]


def _key(lei: str) -> bytes:
    return bytes(dev_account(KEYS[lei]).key)


def _register(isolated: Node) -> dict[str, int]:
    """Kabuto registers Sony and Toyota, the master's counter moved on first; their indices."""
    provider = connect(isolated.url, isolated.deployments, dev_account(6))
    registry = provider.contract("SecurityRegistry")
    count = int(provider.read(registry.functions.securityCount()))
    slot = hex(COUNT_SLOT)
    raw = int(rpc(isolated.url, "eth_getStorageAt", registry.address, slot, "latest"), 16)
    assert raw & 0xFFFFFFFF == count, "the counter's slot moved: update COUNT_SLOT"
    moved = (raw & ~0xFFFFFFFF) | (FIRST_INDEX - 1)
    rpc(isolated.url, "anvil_setStorageAt", registry.address, slot, f"0x{moved:064x}")
    assert int(provider.read(registry.functions.securityCount())) == FIRST_INDEX - 1
    securities.register_securities(
        provider,
        [
            securities.Security(SONY, "Sony Group", "XTKS", "JPY", "6758"),
            securities.Security(TOYOTA, "Toyota Motor", "XTKS", "JPY", "7203"),
        ],
    )
    return {s.isin: s.index for s in securities.list_securities(provider)}


@pytest.fixture
def parties(isolated: Node, operator: Client) -> dict[str, Client]:
    """The 2026 Tokyo calendar; the three agreements proposed by the agent, consented,
    acknowledged, their movements recorded and confirmed; the pair matching per security."""
    calendars.publish_years(
        operator,
        [
            calendars.year_map(
                "XTKS", 2026, calendars.sessions_from_exchange_calendars("XTKS", [2026])
            )
        ],
    )
    clients = {
        lei: connect(isolated.url, isolated.deployments, dev_account(index))
        for lei, index in KEYS.items()
    }
    register_by_agent(clients, AGREEMENTS, PERIOD[0], AGENT)
    mandates.grant_mandate(clients[FUJI], AGENT, MandateScope.LENDING_AGENT, MINATO)
    lp.propose_pair_settings(clients[FUJI], FUJI, MINATO, MatchUnit.SECURITY, agent=AGENT)
    lp.accept_pair_settings(clients[MINATO], FUJI, MINATO, 1, MINATO, _key(MINATO))
    return clients


def _opened(client: Client, lei: str) -> list[lending.OpenedAgreement]:
    return [
        lending.open_agreement(client, a.agreement_id, lei, _key(lei))
        for a in lending.agreements_of(client, lei, _key(lei))
    ]


def _run_period(parties: dict[str, Client]) -> dict[str, str]:
    """Close, review, resolve and settle the week; each ISIN's statement id."""
    agent = parties[AGENT]
    opened = {lei: _opened(parties[lei], lei) for lei in KEYS}
    committed = close_period(
        agent, opened[AGENT], PRICES, DIVIDENDS, *PERIOD, SETTLEMENT, AGENT, _key(AGENT)
    )
    by_isin = {figures.key: sid for sid, figures in committed}
    secret = lp.pair_secrets(agent, FUJI, MINATO, AGENT, _key(AGENT)).secret
    for isin, sid in by_isin.items():
        stored = st.get_statement(agent, sid)
        assert (stored.unit, stored.unit_key) == (MatchUnit.SECURITY, lp.security_key(secret, isin))

    agreed = lending.agreed_book(opened[MINATO], PRICES, DIVIDENDS)
    theirs = agreed.agreements.copy()
    theirs.loc[theirs["agreement_id"] == "SBL-S", "rounding"] = Rounding.PERIOD_TRUNCATE.value
    books = {FUJI: agreed, MINATO: replace(agreed, agreements=theirs)}
    for sid in by_isin.values():
        for lei in (FUJI, MINATO):
            review_statement(
                parties[lei], sid, opened[lei], PRICES, DIVIDENDS, books[lei], lei, _key(lei)
            )
    broken = by_isin[SONY]
    assert st.get_statement(agent, by_isin[TOYOTA]).status is st.StatementStatus.MATCHED
    assert st.get_statement(agent, broken).status is st.StatementStatus.BREAK
    st.comment(parties[MINATO], broken, f"we truncate {SONY} per period", [FUJI, MINATO, AGENT])
    st.propose_resolution(agent, broken, st.ResolutionKind.PLATFORM)
    st.approve_resolution(parties[FUJI], broken, 1)
    st.approve_resolution(parties[MINATO], broken, 1)

    dates = {(s, r): p for s, r, p in DIVIDENDS[["security", "record_date", "payment_date"]].values}
    items = [
        item
        for sid, figures in committed
        for item in settlement_items(
            st.get_statement(agent, sid),
            figures,
            st.settled_amounts(agent, sid, AGENT, _key(AGENT)),
            dates,
            st.open_statement(agent, sid, AGENT, _key(AGENT)).salt,
        )
    ]
    for sid, reference in statement_references(net_instructions(items)).items():
        st.confirm_settlement(parties[MINATO], sid, reference)
        st.confirm_settlement(parties[FUJI], sid, reference)
    for sid in by_isin.values():
        assert st.get_statement(agent, sid).status is st.StatementStatus.SETTLED
    return by_isin


def test_lending_chain__no_isin_or_security_index_of_a_lent_security(
    isolated: Node, parties: dict[str, Client]
) -> None:
    indices = _register(isolated)
    assert indices == {SONY: FIRST_INDEX, TOYOTA: FIRST_INDEX + 1}
    assert set(_run_period(parties)) == {SONY, TOYOTA}, "a statement per security"

    w3, manifest = parties[AGENT].w3, parties[AGENT].manifest
    lending_bytes = chain_bytes(w3, 0, addresses=[manifest.address(c) for c in LENDING])
    assert lending_bytes.transactions >= 30 and lending_bytes.logs >= 30, "the whole flow read"
    values: list[int | str] = [TOYOTA, SONY, *indices.values()]
    assert found(lending_bytes, values) == {str(v): [] for v in values}

    # the positive control: the same search finds both where they are public
    master = chain_bytes(w3, 0, addresses=[manifest.address("SecurityRegistry")])
    spotted = found(master, values)
    assert all("ASCII" in spotted[isin] for isin in (SONY, TOYOTA)), spotted
    assert all("minor units: 32-byte word" in spotted[str(i)] for i in indices.values()), spotted
