"""LendingStatements: statements committed by the closing party as commitments, confirmed or
disputed with figures' commitments, matched when equal or by every party's signed verdict, broken
otherwise, refused when their opening does not open (a side's figures and an adjusted
resolution's amounts too); breaks resolved by a resolution every party approves, flagged when
overdue; settled when paid. (Pair settings: test_lending_pairs.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client.lending.agreements import agreement_id_of, reference_hash
from bpost_client.platform.custody import STATEMENTS_DOMAIN, Domain, sign_verdict
from bpost_client.reference.calendars import year_map
from tests.contracts.conftest import KEY
from tests.contracts.custody import admit, fresh_account, private_key
from tests.contracts.reverts import reverts
from tests.helpers import make_lei

AGREEMENT_UNIT, SECURITY_UNIT, COUNTERPARTY_UNIT = 0, 1, 2
OPEN, MATCHED, BREAK, RESOLVED, SETTLED, WITHDRAWN, VOIDED, REFUSED = 1, 2, 3, 4, 5, 6, 7, 8
UNOPENABLE, NOT_COMMITTED = 0, 1
LENDER, BORROWER, AGENT = 0, 1, 2
PLATFORM, PARTY, ADJUSTED = 0, 1, 2
SALT = b"\x66" * 32
REFERENCES = {  # reference hashes; ids follow from the proposers' LEIs (make_lei(401), (403))
    name: reference_hash(name, SALT)
    for name in ("SBL-AGENT", "SBL-DIRECT", "SBL-PENDING", "SBL-RIVAL")
}


def _id(proposer: int, reference: str) -> bytes:
    return bytes.fromhex(agreement_id_of(make_lei(proposer), REFERENCES[reference])[2:])


AGENT_AGREEMENT = _id(403, "SBL-AGENT")  # proposed by the lending agent: three parties
DIRECT_AGREEMENT = _id(401, "SBL-DIRECT")  # proposed by the lender: two parties
PENDING_AGREEMENT = _id(401, "SBL-PENDING")  # movements recorded, not confirmed
RIVAL_AGREEMENT = _id(401, "SBL-RIVAL")  # the lender's with another borrower
STATEMENT_SALT = b"\x5a" * 32
TOYOTA = keccak(b"\x11" * 32 + b"JP3633400001")  # keccak256(pair secret || ISIN)
FIGURES = (100_000, 2_000, 30_000)  # fee, collateral interest, dividend equivalent (minor units)
DETAIL = b"\x44" * 32
REFERENCE = b"\x55" * 32
LENDING_AGENT_SCOPE = 1  # IMandates.Scope


@dataclass(frozen=True)
class World:
    """The institutions (account, LEI) and the billing period of the module."""

    lender: tuple[Any, bytes]
    borrower: tuple[Any, bytes]
    agent: tuple[Any, bytes]
    other_agent: tuple[Any, bytes]
    rival: tuple[Any, bytes]
    outsider: Any  # no institution
    start: int
    end: int
    settlement: int
    overdue_after: date


def int_of(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def date_of(day: int) -> date:
    return date(day // 10_000, day // 100 % 100, day % 100)


def business_days_after(day: date, count: int) -> date:
    """The ``count``-th business day after ``day`` on a calendar of weekdays (the 1st is the
    first weekday after it, whatever ``day`` is)."""
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def weekdays(year: int) -> list[date]:
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return [d for d in (first + timedelta(days=i) for i in range(days)) if d.weekday() < 5]


def sealed(*leis: bytes, commitment: bytes = b"\x01" * 32) -> tuple[Any, ...]:
    return (commitment, b"ciphertext", [(lei, b"wrapped") for lei in leis])


NOTHING_SEALED = (b"\0" * 32, b"", [])


def c(amounts: tuple[int, int, int]) -> bytes:
    """The commitment of amounts under the statement's salt."""
    return keccak(encode(["int64", "int64", "int64", "bytes32"], [*amounts, STATEMENT_SALT]))


PLATFORM_AMOUNTS = c(FIGURES)


@pytest.fixture(scope="module")
def world(
    chain: Any,
    registry: Any,
    calendar: Any,
    agreements: Any,
    statements: Any,
    mandates: Any,
    operator: Any,
    accounts: Any,
) -> World:
    """A trust bank lending, a securities company borrowing, its lending agent, another agent and
    another securities company; their agreements; both agents under the lender's lending-agent
    mandate for every borrower; the period is next month, Tokyo's calendar (weekdays) published
    for its year and the next."""
    found = {}
    for name, index, kind, number in (
        ("lender", 17, 3, 401),
        ("borrower", 18, 4, 402),
        ("agent", 16, 7, 403),
        ("other_agent", 19, 7, 404),
        ("rival", 5, 4, 405),
    ):
        lei = make_lei(number).encode()
        admit(registry, operator, lei, kind, name, KEY, accounts[index])
        found[name] = (accounts[index], lei)
    today = datetime.fromtimestamp(chain.pending_timestamp, UTC).date()
    start = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    for year in (start.year, start.year + 1):
        m = year_map("XTKS", year, weekdays(year))
        calendar.publishYears([b"XTKS"], [year], [m.low], [m.high], sender=operator)
    (lender, lender_lei), (borrower, borrower_lei) = found["lender"], found["borrower"]
    (agent, agent_lei), rival_lei = found["agent"], found["rival"][1]
    for agreement_id, reference, proposer, other, agreed in (
        (AGENT_AGREEMENT, "SBL-AGENT", agent, borrower_lei, True),
        (DIRECT_AGREEMENT, "SBL-DIRECT", lender, borrower_lei, True),
        (PENDING_AGREEMENT, "SBL-PENDING", lender, borrower_lei, False),
        (RIVAL_AGREEMENT, "SBL-RIVAL", lender, rival_lei, True),
    ):
        acknowledger = found["rival"][0] if other == rival_lei else borrower
        leis = (lender_lei, other, agent_lei)
        agreements.propose(
            REFERENCES[reference], lender_lei, other, 20260101, sealed(*leis), sender=proposer
        )
        if proposer != lender:  # the agent's proposal binds the lender once it consents
            agreements.consent(agreement_id, 1, sender=lender)
        agreements.acknowledge(agreement_id, 1, sender=acknowledger)
        agreements.recordMovements(agreement_id, sealed(*leis), sender=proposer)
        if agreed:
            agreements.confirmMovements(agreement_id, 1, sender=acknowledger)
    for agent_name in ("agent", "other_agent"):
        mandates.grant(
            found[agent_name][1], LENDING_AGENT_SCOPE, b"\0" * 32, int_of(today), 0, sender=lender
        )
    return World(
        **found,
        outsider=accounts[9],
        start=int_of(start),
        end=int_of(end),
        settlement=int_of(end + timedelta(days=5)),
        overdue_after=business_days_after(end, 14),
    )


def statement_input(w: World, **changes: Any) -> tuple[Any, ...]:
    fields = {
        "lender": w.lender[1],
        "borrower": w.borrower[1],
        "unit": AGREEMENT_UNIT,
        "unitKey": AGENT_AGREEMENT,
        "currency": b"JPY",
        "start": w.start,
        "end": w.end,
        "settlementDate": w.settlement,
        "amounts": PLATFORM_AMOUNTS,
        "detailCommitment": DETAIL,
    } | changes
    return tuple(fields.values())


def id_of(statement: tuple[Any, ...]) -> bytes:
    keys = statement[:7]
    types = ["bytes20", "bytes20", "uint8", "bytes32", "bytes3", "uint32", "uint32"]
    return keccak(encode(types, list(keys)))


def parties_of(w: World, statement: tuple[Any, ...]) -> tuple[bytes, ...]:
    agent = () if statement[3] == DIRECT_AGREEMENT else (w.agent[1],)
    return (statement[0], statement[1], *agent)


def commit(statements: Any, w: World, sender: Any = None, **changes: Any) -> tuple[bytes, Any]:
    """Commit a statement (by default the agent's, on the agent's agreement); its id and tx."""
    statement = statement_input(w, **changes)
    tx = statements.commitStatement(
        statement, sealed(*parties_of(w, statement)), sender=sender or w.agent[0]
    )
    return id_of(statement), tx


def submit(statements: Any, w: World, statement_id: bytes, who: Any, amounts: Any) -> Any:
    """``who`` submits the commitment of ``amounts`` (a tuple) under the statement's salt."""
    leis = (w.lender[1], w.borrower[1], w.agent[1])
    return statements.submitFigures(statement_id, c(amounts), sealed(*leis), sender=who)


def status_of(statements: Any, statement_id: bytes) -> int:
    return int(statements.getStatement(statement_id).status)


def broken(statements: Any, w: World) -> bytes:
    """An agent-closed statement the borrower disputes (fee two yen off)."""
    statement_id, _ = commit(statements, w)
    submit(statements, w, statement_id, w.borrower[0], (FIGURES[0] + 2, *FIGURES[1:]))
    return statement_id


def settings(
    pairs: Any,
    w: World,
    unit: int,
    agent: bytes,
    market: bytes,
    days: int,
    months: int,
    *,
    sender: Any,
) -> Any:
    """``sender`` (the lender or the borrower) proposes the pair's settings, its secrets sealed to
    the pair's parties."""
    leis = (w.lender[1], w.borrower[1], *([agent] if any(agent) else []))
    return pairs.proposePairSettings(
        w.lender[1], w.borrower[1], unit, agent, market, days, months, sealed(*leis), sender=sender
    )


def propose(statements: Any, statement_id: bytes, kind: int, party: int = 0, *, sender: Any) -> Any:
    """Propose a resolution of kind Platform or Party (no adjusted amounts)."""
    return statements.proposeResolution(
        statement_id, kind, party, b"\0" * 32, NOTHING_SEALED, sender=sender
    )


def reach(statements: Any, w: World, status: int) -> bytes:
    """An agent-closed statement in ``status``."""
    if status == OPEN:
        return commit(statements, w)[0]
    if status in (MATCHED, SETTLED):
        statement_id, _ = commit(statements, w)
        statements.confirm(statement_id, sender=w.lender[0])
        statements.confirm(statement_id, sender=w.borrower[0])
    else:
        statement_id = broken(statements, w)
        if status == RESOLVED:
            propose(statements, statement_id, PLATFORM, sender=w.lender[0])
            statements.approveResolution(statement_id, 1, sender=w.borrower[0])
            statements.approveResolution(statement_id, 1, sender=w.agent[0])
    if status == SETTLED:
        statements.confirmSettlement(statement_id, REFERENCE, sender=w.lender[0])
        statements.confirmSettlement(statement_id, REFERENCE, sender=w.borrower[0])
    assert status_of(statements, statement_id) == status
    return statement_id


# Commit --------------------------------------------------------------------------------------


def test_commit__agreement_unit__open_with_the_closer_agreed(statements: Any, world: World) -> None:
    statement = statement_input(world)
    statement_id, tx = commit(statements, world)
    assert statements.statementIdOf(*statement[:7]) == statement_id
    [event] = tx.events.filter(statements.StatementCommitted)
    assert bytes(event.statementId) == statement_id
    assert (bytes(event.agent), bytes(event.closer)) == (world.agent[1], world.agent[1])
    assert event.overdueAfter == int_of(world.overdue_after)
    stored = statements.getStatement(statement_id)
    assert (stored.status, stored.agreed, stored.disputed) == (OPEN, 1 << AGENT, 0)
    assert bytes(stored.agent) == world.agent[1], "the agreement's agent"
    assert (stored.start, stored.end, stored.overdueAfter) == (
        world.start,
        world.end,
        int_of(world.overdue_after),
    )
    assert (bytes(stored.platform), bytes(stored.settled)) == (PLATFORM_AMOUNTS, b"\0" * 32)
    assert stored.settingsVersion == 0, "the defaults"
    assert (bytes(stored.unitKey), bytes(stored.detailCommitment)) == (AGENT_AGREEMENT, DETAIL)
    assert not statements.isOverdue(statement_id)
    with reverts(statements.LendingStatementsExists):
        commit(statements, world)
    with reverts(statements.LendingStatementsOverlap):  # starts within the committed period
        commit(statements, world, start=world.end, end=world.end)
    following = int_of(date_of(world.end) + timedelta(days=1))
    commit(statements, world, start=following, end=following, settlementDate=99991231)
    # The lender closes its direct agreement: two parties, no agent.
    direct_id, _ = commit(statements, world, sender=world.lender[0], unitKey=DIRECT_AGREEMENT)
    direct = statements.getStatement(direct_id)
    assert (bytes(direct.agent), direct.agreed) == (b"\0" * 20, 1 << LENDER)
    with reverts(statements.LendingStatementsUnknown):
        statements.getStatement(b"\x99" * 32)


def test_commit__pair_units__the_pairs_agent_closes(
    statements: Any, pairs: Any, world: World
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = world.lender, world.borrower
    pair = (lender_lei, borrower_lei)
    settings(pairs, world, SECURITY_UNIT, world.other_agent[1], b"XTKS", 3, 1, sender=borrower)
    with reverts(statements.LendingStatementsUnitMismatch):  # Agreement until accepted ...
        commit(statements, world, unit=SECURITY_UNIT, unitKey=TOYOTA, sender=world.lender[0])
    pairs.acceptPairSettings(*pair, 1, sender=lender)
    with reverts(statements.LendingStatementsUnitMismatch):  # ... and no longer after
        commit(statements, world)
    with reverts(statements.LendingStatementsNotParty):  # the agreement's agent is not the pair's
        commit(statements, world, unit=SECURITY_UNIT, unitKey=TOYOTA)
    statement = statement_input(world, unit=SECURITY_UNIT, unitKey=TOYOTA)
    leis = (*pair, world.other_agent[1])
    with reverts(statements.LendingStatementsRecipientMissing, lei=world.other_agent[1]):
        statements.commitStatement(statement, sealed(*pair), sender=world.other_agent[0])
    statements.commitStatement(statement, sealed(*leis), sender=world.other_agent[0])
    stored = statements.getStatement(id_of(statement))
    assert (bytes(stored.agent), stored.agreed) == (world.other_agent[1], 1 << AGENT)
    assert stored.overdueAfter == int_of(business_days_after(date_of(world.end), 3))
    assert stored.settingsVersion == 1
    with reverts(statements.LendingStatementsInvalidUnitKey, unit=SECURITY_UNIT):  # no key
        statements.commitStatement(
            statement_input(world, unit=SECURITY_UNIT, unitKey=b"\0" * 32),
            sealed(*leis),
            sender=world.other_agent[0],
        )


def test_pair_agent__acts_only_under_the_lenders_mandate(
    statements: Any, pairs: Any, mandates: Any, world: World
) -> None:
    """The attack: an agent the lender never mandated, or no longer mandates, acts as the
    pair's agent (named by the borrower, or kept after the lender revoked it). Settings name an
    agent only while it holds the lender's mandate, and it closes the pair's periods only while
    the mandate is in force; the lender revokes it alone."""
    (lender, lender_lei), (borrower, borrower_lei) = world.lender, world.borrower
    pair = (lender_lei, borrower_lei)
    agent, agent_lei = world.other_agent
    mandate = mandates.mandateIdOf(lender_lei, agent_lei, LENDING_AGENT_SCOPE, b"\0" * 32)
    settings(pairs, world, SECURITY_UNIT, agent_lei, b"XTKS", 3, 1, sender=borrower)
    pairs.acceptPairSettings(*pair, 1, sender=lender)
    statement = statement_input(world, unit=SECURITY_UNIT, unitKey=TOYOTA)
    leis = (*pair, agent_lei)
    mandates.revoke(mandate, sender=lender)
    with reverts(statements.LendingStatementsAgentNotMandated, agent=agent_lei):
        statements.commitStatement(statement, sealed(*leis), sender=agent)
    statements.commitStatement(statement, sealed(*leis), sender=lender)  # the lender still may
    with reverts(pairs.LendingPairsAgentNotMandated, lender=lender_lei):
        # the borrower names it again
        settings(pairs, world, SECURITY_UNIT, agent_lei, b"XTKS", 3, 1, sender=borrower)
    settings(pairs, world, SECURITY_UNIT, world.agent[1], b"XTKS", 3, 1, sender=borrower)
    mandates.revoke(
        mandates.mandateIdOf(lender_lei, world.agent[1], LENDING_AGENT_SCOPE, b"\0" * 32),
        sender=lender,
    )
    with reverts(pairs.LendingPairsAgentNotMandated, agent=world.agent[1]):
        pairs.acceptPairSettings(*pair, 2, sender=lender)  # revoked before acceptance


@pytest.mark.parametrize(
    ("error", "changes"),
    [
        ("LendingStatementsUnknownAgreement", lambda w: {"unitKey": b"\x77" * 32}),
        ("LendingStatementsAgreementOfOthers", lambda w: {"unitKey": RIVAL_AGREEMENT}),
        ("LendingStatementsInvalidUnitKey", lambda w: {"unitKey": b"\0" * 32}),
        ("LendingStatementsAgreementNotAgreed", lambda w: {"unitKey": PENDING_AGREEMENT}),
        ("LendingStatementsUnitMismatch", lambda w: {"unit": COUNTERPARTY_UNIT}),
        ("LendingStatementsInvalidPeriod", lambda w: {"start": 20261301}),
        ("LendingStatementsInvalidPeriod", lambda w: {"end": 20261232}),
        ("LendingStatementsInvalidPeriod", lambda w: {"start": w.end, "end": w.start}),
        ("LendingStatementsInvalidSettlementDate", lambda w: {"settlementDate": w.end}),
        ("LendingStatementsNoCurrency", lambda w: {"currency": b"\0" * 3}),
        ("LendingStatementsNoDetail", lambda w: {"detailCommitment": b"\0" * 32}),
        ("LendingStatementsEmptyCommitment", lambda w: {"amounts": b"\0" * 32}),
    ],
    ids=[
        "unknown-agreement",
        "another-pairs-agreement",
        "no-agreement",
        "movements-not-confirmed",
        "unit",
        "start",
        "end",
        "start-after-end",
        "settlement-date",
        "currency",
        "detail-commitment",
        "amounts-commitment",
    ],
)
def test_commit__bad_inputs__refused(
    statements: Any, world: World, error: str, changes: Any
) -> None:
    with reverts(error):
        commit(statements, world, **changes(world))


def test_commit__settings__the_pairs_accepted_version_not_the_closers(
    statements: Any, pairs: Any, world: World
) -> None:
    """The attack: the closing party makes a statement follow settings (a wide tolerance) the
    other party never accepted. A statement takes the version of the pair's accepted settings,
    whose sealed tolerance every party's verdict applies; a pending proposal does not count."""
    settings(pairs, world, AGREEMENT_UNIT, b"\0" * 20, b"XTKS", 14, 1, sender=world.lender[0])
    statement_id, tx = commit(statements, world)
    [event] = tx.events.filter(statements.StatementCommitted)
    assert event.settingsVersion == 0
    assert statements.getStatement(statement_id).settingsVersion == 0, "the defaults"
    pairs.acceptPairSettings(world.lender[1], world.borrower[1], 1, sender=world.borrower[0])
    following = int_of(date_of(world.end) + timedelta(days=1))
    later = {"start": following, "end": following, "settlementDate": 99991231}
    later_id, tx = commit(statements, world, **later)
    assert tx.events.filter(statements.StatementCommitted)[0].settingsVersion == 1
    assert statements.getStatement(later_id).settingsVersion == 1, "the pair agreed to it"


def test_commit__period_beyond_the_pairs_billing_period__refused(
    statements: Any, pairs: Any, world: World
) -> None:
    """The attack: the closer commits a period of decades, so that the pair's later periods
    overlap it and can never be closed. A period spans at most the pair's billing months."""
    decades = {"end": 20991231, "settlementDate": 99991231}
    with reverts(statements.LendingStatementsPeriodTooLong, start=world.start, billingMonths=1):
        commit(statements, world, **decades)
    next_month_end = int_of(
        (date_of(world.end) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    )
    two_months = {"end": next_month_end, "settlementDate": 99991231}
    with reverts(statements.LendingStatementsPeriodTooLong, end=next_month_end):
        commit(statements, world, **two_months)
    billing(pairs, world, months=2)
    statement_id, _ = commit(statements, world, **two_months)
    assert statements.getStatement(statement_id).end == next_month_end
    with reverts(statements.LendingStatementsPeriodTooLong, billingMonths=2):
        commit(statements, world, start=20990101, end=20990331, settlementDate=99991231)


def test_commit__counterparty_unit__two_parties_on_the_pairs_calendar(
    statements: Any, pairs: Any, world: World
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = world.lender, world.borrower
    pair = (lender_lei, borrower_lei)
    settings(pairs, world, COUNTERPARTY_UNIT, b"\0" * 20, b"XLON", 5, 1, sender=lender)
    pairs.acceptPairSettings(*pair, 1, sender=borrower)
    unit = {"unit": COUNTERPARTY_UNIT, "sender": borrower}
    with reverts(statements.LendingStatementsInvalidUnitKey):  # the pair itself has no key
        commit(statements, world, unitKey=TOYOTA, **unit)
    with reverts("MarketCalendarNotPublished"):  # London's calendar is not published
        commit(statements, world, unitKey=b"\0" * 32, **unit)
    settings(pairs, world, COUNTERPARTY_UNIT, b"\0" * 20, b"XTKS", 5, 1, sender=lender)
    pairs.acceptPairSettings(*pair, 2, sender=borrower)
    statement_id, tx = commit(statements, world, unitKey=b"\0" * 32, **unit)
    [event] = tx.events.filter(statements.StatementCommitted)
    assert (bytes(event.agent), bytes(event.closer)) == (b"\0" * 20, borrower_lei)
    stored = statements.getStatement(statement_id)
    assert (stored.agreed, stored.overdueAfter) == (
        1 << BORROWER,
        int_of(business_days_after(date_of(world.end), 5)),
    )
    with reverts(statements.LendingStatementsNotParty):  # the pair has no agent
        commit(
            statements,
            world,
            unit=COUNTERPARTY_UNIT,
            unitKey=b"\0" * 32,
            start=20991201,
            end=20991231,
            settlementDate=99991231,
        )


def test_commit__callers_and_recipients__refused(statements: Any, world: World) -> None:
    statement = statement_input(world)
    leis = parties_of(world, statement)
    with reverts(statements.LendingStatementsNotParty):
        statements.commitStatement(statement, sealed(*leis), sender=world.rival[0])
    with reverts(statements.LendingStatementsNotParty):  # an agent, not this agreement's
        statements.commitStatement(statement, sealed(*leis), sender=world.other_agent[0])
    with reverts(statements.LendingStatementsNotInstitution):
        statements.commitStatement(statement, sealed(*leis), sender=world.outsider)
    for missing in leis:
        recipients = [lei for lei in leis if lei != missing]
        with reverts(statements.LendingStatementsRecipientMissing, lei=missing):
            statements.commitStatement(statement, sealed(*recipients), sender=world.agent[0])
    with reverts(statements.LendingStatementsTooManyRecipients, count=9, max=8):
        statements.commitStatement(statement, sealed(*leis, *[leis[0]] * 6), sender=world.agent[0])
    with reverts(statements.LendingStatementsEmptySealed):
        statements.commitStatement(
            statement, sealed(*leis, commitment=b"\0" * 32), sender=world.agent[0]
        )


def test_commit__while_paused__refused(
    statements: Any, world: World, access: Any, operator: Any
) -> None:
    access.pause(sender=operator)
    with reverts("PlatformAccessPaused"):
        commit(statements, world)


# Matching ------------------------------------------------------------------------------------


def test_confirm__every_party__matched_with_the_platforms_figures_settled(
    statements: Any, world: World
) -> None:
    statement_id, _ = commit(statements, world)
    tx = statements.confirm(statement_id, sender=world.lender[0])
    [event] = tx.events.filter(statements.StatementConfirmed)
    assert (bytes(event.by), event.role, event.status) == (world.lender[1], LENDER, OPEN)
    tx = statements.confirm(statement_id, sender=world.borrower[0])
    [event] = tx.events.filter(statements.StatementConfirmed)
    assert (bytes(event.by), event.role, event.status) == (world.borrower[1], BORROWER, MATCHED)
    stored = statements.getStatement(statement_id)
    assert (stored.status, stored.agreed, bytes(stored.settled)) == (MATCHED, 7, PLATFORM_AMOUNTS)


def billing(pairs: Any, w: World, months: int = 1) -> int:
    """The lender proposes, and the borrower accepts, the pair's settings (per agreement, no
    agent) with a billing period of ``months``; their version."""
    pair = (w.lender[1], w.borrower[1])
    settings(pairs, w, AGREEMENT_UNIT, b"\0" * 20, b"XTKS", 14, months, sender=w.lender[0])
    version = pairs.pairSettings(*pair).version + 1
    pairs.acceptPairSettings(*pair, version, sender=w.borrower[0])
    return version


def test_submit__equal_commitment__counts_as_agreeing(statements: Any, world: World) -> None:
    statement_id, _ = commit(statements, world)
    tx = submit(statements, world, statement_id, world.borrower[0], FIGURES)
    [event] = tx.events.filter(statements.FiguresSubmitted)
    assert (bytes(event.by), event.role, event.equal, event.status) == (
        world.borrower[1],
        BORROWER,
        True,
        OPEN,
    )
    assert bytes(event.amounts) == PLATFORM_AMOUNTS
    submitted, amounts, verdicts = statements.submittedFigures(statement_id, BORROWER)
    assert (submitted, bytes(amounts), verdicts) == (True, PLATFORM_AMOUNTS, 0)
    assert not statements.submittedFigures(statement_id, LENDER)[0]
    tx = submit(statements, world, statement_id, world.lender[0], FIGURES)
    assert tx.events.filter(statements.FiguresSubmitted)[0].status == MATCHED
    assert bytes(statements.getStatement(statement_id).settled) == PLATFORM_AMOUNTS


@pytest.mark.parametrize("amount", [0, 1, 2], ids=["fee", "collateralInterest", "dividend"])
def test_submit__different_commitment__break__then_the_disputing_party_confirms(
    statements: Any, world: World, amount: int
) -> None:
    statement_id, _ = commit(statements, world)
    off = list(FIGURES)
    off[amount] -= 1
    tx = submit(statements, world, statement_id, world.borrower[0], tuple(off))
    [event] = tx.events.filter(statements.FiguresSubmitted)
    assert (event.equal, event.status) == (False, BREAK)
    stored = statements.getStatement(statement_id)
    assert (stored.agreed, stored.disputed) == (1 << AGENT, 1 << BORROWER)
    statements.confirm(statement_id, sender=world.lender[0])
    assert status_of(statements, statement_id) == BREAK, "the borrower still disputes"
    tx = statements.confirm(statement_id, sender=world.borrower[0])
    assert tx.events.filter(statements.StatementConfirmed)[0].status == MATCHED
    assert statements.getStatement(statement_id).disputed == 0


def test_break__the_disputing_party_confirms_first__back_to_open(
    statements: Any, world: World
) -> None:
    statement_id = broken(statements, world)
    tx = statements.confirm(statement_id, sender=world.borrower[0])
    assert tx.events.filter(statements.StatementConfirmed)[0].status == OPEN
    tx = submit(statements, world, statement_id, world.lender[0], (0, 0, 0))
    assert tx.events.filter(statements.FiguresSubmitted)[0].status == BREAK, "the lender disputes"
    tx = submit(statements, world, statement_id, world.lender[0], FIGURES)
    assert tx.events.filter(statements.FiguresSubmitted)[0].status == MATCHED


@pytest.mark.parametrize("status", [MATCHED, RESOLVED, SETTLED])
def test_confirm_and_submit__after_matching__refused(
    statements: Any, world: World, status: int
) -> None:
    statement_id = reach(statements, world, status)
    with reverts(statements.LendingStatementsWrongStatus):
        statements.confirm(statement_id, sender=world.borrower[0])
    with reverts(statements.LendingStatementsWrongStatus):
        submit(statements, world, statement_id, world.borrower[0], FIGURES)


def test_confirm_and_submit__outsiders_and_recipients__refused(
    statements: Any, world: World
) -> None:
    statement_id, _ = commit(statements, world)
    with reverts(statements.LendingStatementsNotParty):
        statements.confirm(statement_id, sender=world.rival[0])
    with reverts(statements.LendingStatementsNotParty):
        submit(statements, world, statement_id, world.other_agent[0], FIGURES)
    with reverts(statements.LendingStatementsUnknown):
        statements.confirm(b"\x99" * 32, sender=world.lender[0])
    with reverts(statements.LendingStatementsRecipientMissing, lei=world.agent[1]):
        statements.submitFigures(
            statement_id,
            PLATFORM_AMOUNTS,
            sealed(world.lender[1], world.borrower[1]),
            sender=world.borrower[0],
        )
    with reverts(statements.LendingStatementsEmptyCommitment):
        statements.submitFigures(
            statement_id,
            b"\0" * 32,
            sealed(world.lender[1], world.borrower[1], world.agent[1]),
            sender=world.borrower[0],
        )


# Resolution ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "party", "expected"),
    [
        (PLATFORM, 0, FIGURES),
        (PARTY, BORROWER, (FIGURES[0] + 2, *FIGURES[1:])),
        (ADJUSTED, 0, (FIGURES[0] + 1, 1_999, 30_000)),
    ],
    ids=["platform", "party", "adjusted"],
)
def test_resolution__every_party_approves__resolved_with_its_commitment(
    statements: Any, world: World, kind: int, party: int, expected: tuple[int, int, int]
) -> None:
    statement_id = broken(statements, world)
    leis = (world.lender[1], world.borrower[1], world.agent[1])
    adjusted, sealed_amounts = (
        (c(expected), sealed(*leis)) if kind == ADJUSTED else (b"\0" * 32, NOTHING_SEALED)
    )
    tx = statements.proposeResolution(
        statement_id, kind, party, adjusted, sealed_amounts, sender=world.lender[0]
    )
    [proposed] = tx.events.filter(statements.ResolutionProposed)
    assert proposed.resolution == 1
    kind_, _, amounts, by, approved = proposed.proposal
    assert (kind_, bytes(amounts), bytes(by), approved) == (kind, c(expected), world.lender[1], 1)
    assert bytes(proposed.adjusted[0]) == bytes(sealed_amounts[0])
    resolution = statements.getResolution(statement_id, 1)
    assert (resolution.approved, resolution.party, bytes(resolution.amounts)) == (
        1 << LENDER,
        party,
        c(expected),
    )
    tx = statements.approveResolution(statement_id, 1, sender=world.borrower[0])
    [approved] = tx.events.filter(statements.ResolutionApproved)
    assert (bytes(approved.by), approved.status) == (world.borrower[1], BREAK)
    tx = statements.approveResolution(statement_id, 1, sender=world.agent[0])
    [approved] = tx.events.filter(statements.ResolutionApproved)
    assert (bytes(approved.by), approved.status) == (world.agent[1], RESOLVED)
    stored = statements.getStatement(statement_id)
    assert (stored.status, bytes(stored.settled), stored.resolutions) == (
        RESOLVED,
        c(expected),
        1,
    )
    with reverts(statements.LendingStatementsWrongStatus):
        statements.approveResolution(statement_id, 1, sender=world.borrower[0])
    with reverts(statements.LendingStatementsWrongStatus):
        propose(statements, statement_id, PLATFORM, sender=world.lender[0])


def test_resolution__refusals(statements: Any, world: World) -> None:
    statement_id, _ = commit(statements, world)
    with reverts(statements.LendingStatementsWrongStatus):  # no break to resolve
        propose(statements, statement_id, PLATFORM, sender=world.lender[0])
    submit(statements, world, statement_id, world.borrower[0], (0, 0, 0))
    with reverts(statements.LendingStatementsNoFigures):  # the lender submitted none
        propose(statements, statement_id, PARTY, LENDER, sender=world.borrower[0])
    with reverts(statements.LendingStatementsNotParty):
        propose(statements, statement_id, PLATFORM, sender=world.rival[0])
    with reverts(statements.LendingStatementsStaleResolution):  # none proposed yet
        statements.approveResolution(statement_id, 0, sender=world.lender[0])
    leis = (world.lender[1], world.borrower[1], world.agent[1])
    with reverts(statements.LendingStatementsUnexpectedAmounts, kind=PLATFORM):
        statements.proposeResolution(
            statement_id, PLATFORM, 0, c(FIGURES), NOTHING_SEALED, sender=world.lender[0]
        )
    with reverts(statements.LendingStatementsUnexpectedAmounts, kind=PARTY):
        statements.proposeResolution(
            statement_id, PARTY, BORROWER, b"\0" * 32, sealed(*leis), sender=world.lender[0]
        )
    with reverts(statements.LendingStatementsEmptyCommitment):
        statements.proposeResolution(
            statement_id, ADJUSTED, 0, b"\0" * 32, sealed(*leis), sender=world.lender[0]
        )
    with reverts(statements.LendingStatementsRecipientMissing, lei=world.agent[1]):
        statements.proposeResolution(
            statement_id, ADJUSTED, 0, c(FIGURES), sealed(*leis[:2]), sender=world.lender[0]
        )
    propose(statements, statement_id, PLATFORM, sender=world.lender[0])
    tx = propose(statements, statement_id, PARTY, BORROWER, sender=world.borrower[0])
    assert tx.events.filter(statements.ResolutionProposed)[0].resolution == 2
    with reverts(statements.LendingStatementsStaleResolution):  # superseded
        statements.approveResolution(statement_id, 1, sender=world.agent[0])
    with reverts(statements.LendingStatementsStaleResolution):
        statements.approveResolution(statement_id, 3, sender=world.agent[0])
    with reverts(statements.LendingStatementsNotParty):
        statements.approveResolution(statement_id, 2, sender=world.other_agent[0])
    with reverts(statements.LendingStatementsNotInstitution):
        statements.approveResolution(statement_id, 2, sender=world.outsider)
    for unknown in (0, 3):
        with reverts(statements.LendingStatementsUnknownResolution, resolution=unknown, count=2):
            statements.getResolution(statement_id, unknown)
    statements.approveResolution(statement_id, 2, sender=world.agent[0])
    assert status_of(statements, statement_id) == BREAK, "the lender has not approved"
    statements.approveResolution(statement_id, 2, sender=world.lender[0])
    assert bytes(statements.getStatement(statement_id).settled) == c((0, 0, 0))
    assert status_of(statements, statement_id) == RESOLVED


# Verdicts ------------------------------------------------------------------------------------


def verdict(
    chain: Any,
    statements: Any,
    account: Any,
    statement_id: bytes,
    submitted: bytes,
    version: int = 0,
    platform: bytes = PLATFORM_AMOUNTS,
) -> bytes:
    """``account``'s EIP-712 verdict that ``submitted`` is within the tolerance."""
    domain = Domain(STATEMENTS_DOMAIN, chain.chain_id, statements.address)
    return sign_verdict(private_key(account), domain, statement_id, platform, submitted, version)


def test_verdicts__every_party_signs__the_submitters_figures_count_as_agreeing(
    chain: Any, statements: Any, pairs: Any, world: World
) -> None:
    """Figures one yen off the platform's break on chain (the contract cannot see the
    tolerance); every party's verdict, signed off chain and sent by one of them, makes them
    agree."""
    version = billing(pairs, world)
    statement_id, _ = commit(statements, world, unitKey=DIRECT_AGREEMENT, sender=world.lender[0])
    near = (FIGURES[0] + 1, *FIGURES[1:])
    submit(statements, world, statement_id, world.borrower[0], near)
    assert status_of(statements, statement_id) == BREAK
    lender, borrower = world.lender[0], world.borrower[0]
    tx = statements.recordVerdicts(
        statement_id,
        BORROWER,
        [verdict(chain, statements, lender, statement_id, c(near), version)],
        sender=borrower,
    )
    [recorded] = tx.events.filter(statements.VerdictRecorded)
    assert (recorded.submitter, bytes(recorded.by), recorded.signer) == (
        BORROWER,
        world.lender[1],
        lender.address,
    )
    assert not tx.events.filter(statements.FiguresAccepted), "the borrower's verdict is missing"
    assert statements.submittedFigures(statement_id, BORROWER)[2] == 1 << LENDER
    tx = statements.recordVerdicts(
        statement_id,
        BORROWER,
        [verdict(chain, statements, borrower, statement_id, c(near), version)],
        sender=lender,
    )
    [accepted] = tx.events.filter(statements.FiguresAccepted)
    assert (accepted.submitter, accepted.status) == (BORROWER, MATCHED)
    stored = statements.getStatement(statement_id)
    assert (stored.status, bytes(stored.settled)) == (MATCHED, PLATFORM_AMOUNTS), "the platform's"


def test_verdicts__forged_stale_or_foreign__refused(
    chain: Any, statements: Any, pairs: Any, world: World, registry: Any, operator: Any
) -> None:
    """The attacks: a party forges the other's verdict with a key of its own, replays a
    verdict given on other figures or another settings version, or has a rival sign; or sends
    verdicts on figures no one disputes."""
    version = billing(pairs, world)
    statement_id = broken(statements, world)  # three parties: the borrower disputes
    near = c((FIGURES[0] + 2, *FIGURES[1:]))
    lender, borrower, agent = world.lender[0], world.borrower[0], world.agent[0]
    stranger = fresh_account()
    for signer, submitted, signed_version in (
        (stranger, near, version),  # no institution's operator
        (world.rival[0], near, version),  # an institution, not a party
        (lender, c(FIGURES), version),  # other figures
        (lender, near, version + 1),  # another settings version
    ):
        signature = verdict(chain, statements, signer, statement_id, submitted, signed_version)
        with reverts(statements.LendingStatementsInvalidVerdict):
            statements.recordVerdicts(statement_id, BORROWER, [signature], sender=borrower)
    with reverts(statements.LendingStatementsInvalidVerdict):  # malformed
        statements.recordVerdicts(statement_id, BORROWER, [b"\x01" * 65], sender=borrower)
    good = [verdict(chain, statements, a, statement_id, near, version) for a in (lender, agent)]
    with reverts(statements.LendingStatementsTooManyVerdicts, count=4, max=3):
        statements.recordVerdicts(statement_id, BORROWER, good * 2, sender=borrower)
    with reverts(statements.LendingStatementsNotDisputed, role=LENDER):  # it submitted none
        statements.recordVerdicts(statement_id, LENDER, good, sender=borrower)
    with reverts(statements.LendingStatementsNotParty, lei=world.rival[1]):
        statements.recordVerdicts(statement_id, BORROWER, good, sender=world.rival[0])
    statements.recordVerdicts(statement_id, BORROWER, good, sender=borrower)
    assert status_of(statements, statement_id) == BREAK, "the borrower has not signed"
    # A fresh submission starts the count again: the old verdicts were on other figures.
    submit(statements, world, statement_id, borrower, (FIGURES[0] + 3, *FIGURES[1:]))
    assert statements.submittedFigures(statement_id, BORROWER)[2] == 0


# Refusal -------------------------------------------------------------------------------------


def test_refuse__a_party_that_cannot_open_it__blocks_matching_until_withdrawn(
    statements: Any, world: World
) -> None:
    """A party whose client cannot open the statement's opening (or finds it is not what was
    committed) refuses it on chain: nobody can confirm, submit or settle it; the closer
    withdraws it and commits the period anew."""
    statement_id, _ = commit(statements, world)
    with reverts(statements.LendingStatementsCloserRefused, lei=world.agent[1]):
        statements.refuseStatement(statement_id, UNOPENABLE, sender=world.agent[0])
    with reverts(statements.LendingStatementsNotParty):
        statements.refuseStatement(statement_id, UNOPENABLE, sender=world.rival[0])
    tx = statements.refuseStatement(statement_id, NOT_COMMITTED, sender=world.borrower[0])
    [event] = tx.events.filter(statements.StatementRefused)
    assert (bytes(event.by), event.role, event.reason) == (world.borrower[1], BORROWER, 1)
    assert status_of(statements, statement_id) == REFUSED
    with reverts(statements.LendingStatementsWrongStatus, status=REFUSED):
        statements.confirm(statement_id, sender=world.lender[0])
    with reverts(statements.LendingStatementsWrongStatus, status=REFUSED):
        submit(statements, world, statement_id, world.lender[0], FIGURES)
    with reverts(statements.LendingStatementsWrongStatus, status=REFUSED):
        statements.refuseStatement(statement_id, UNOPENABLE, sender=world.lender[0])
    with reverts(statements.LendingStatementsWrongStatus, status=REFUSED):
        statements.confirmSettlement(statement_id, REFERENCE, sender=world.lender[0])
    statements.withdrawStatement(statement_id, sender=world.agent[0])
    again, _ = commit(statements, world)
    assert again == statement_id and status_of(statements, again) == OPEN


def test_refuse__once_matched_or_broken__refused(statements: Any, world: World) -> None:
    statement_id = reach(statements, world, BREAK)
    with reverts(statements.LendingStatementsWrongStatus, status=BREAK):
        statements.refuseStatement(statement_id, UNOPENABLE, sender=world.lender[0])


FIGURES_PAYLOAD, RESOLUTION_PAYLOAD = 0, 1  # ILendingStatements.Payload


def test_refuse_figures__by_another_party__blocks_verdicts_until_submitted_again(
    chain: Any, statements: Any, pairs: Any, world: World
) -> None:
    """A party whose client cannot open a side's figures (or finds them not what was
    committed) refuses them on chain: no verdict accepts them and no resolution settles on them;
    the submitter's next submission clears the refusal and the verdicts count again."""
    version = billing(pairs, world)
    statement_id = broken(statements, world)  # the borrower disputes: fee two yen off
    near = (FIGURES[0] + 2, *FIGURES[1:])
    lender, borrower, agent = world.lender[0], world.borrower[0], world.agent[0]
    tx = statements.refusePayload(statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=agent)
    [event] = tx.events.filter(statements.PayloadRefused)
    assert (bytes(event.by), event.role, event.payload, event.index, event.reason) == (
        world.agent[1],
        AGENT,
        FIGURES_PAYLOAD,
        BORROWER,
        UNOPENABLE,
    )
    assert status_of(statements, statement_id) == BREAK
    signed = [verdict(chain, statements, a, statement_id, c(near), version) for a in (lender,)]
    with reverts(
        statements.LendingStatementsFiguresRefused, statementId=statement_id, submitter=BORROWER
    ):
        statements.recordVerdicts(statement_id, BORROWER, signed, sender=borrower)
    with reverts(statements.LendingStatementsFiguresRefused, submitter=BORROWER):
        propose(statements, statement_id, PARTY, BORROWER, sender=lender)
    submit(statements, world, statement_id, borrower, near)  # sealed anew: the refusal cleared
    good = [
        verdict(chain, statements, a, statement_id, c(near), version)
        for a in (lender, borrower, agent)
    ]
    tx = statements.recordVerdicts(statement_id, BORROWER, good, sender=borrower)
    assert tx.events.filter(statements.FiguresAccepted)[0].status == OPEN, "accepted"
    statements.confirm(statement_id, sender=lender)
    assert status_of(statements, statement_id) == MATCHED


def test_refuse_figures__own_outsider_suspended_absent_twice__each_its_error(
    statements: Any, world: World, registry: Any, operator: Any
) -> None:
    """The attacks and mistakes: the submitter refuses its own figures, a rival or an address
    of no institution refuses them, a suspended party does; figures never submitted or a side
    that does not exist; figures refused already; a statement no longer open to figures."""
    statement_id = broken(statements, world)
    refuse = statements.refusePayload
    with reverts(
        statements.LendingStatementsOwnPayload,
        lei=world.borrower[1],
        payload=FIGURES_PAYLOAD,
        index=BORROWER,
    ):
        refuse(statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=world.borrower[0])
    with reverts(statements.LendingStatementsNotParty, lei=world.rival[1]):
        refuse(statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=world.rival[0])
    with reverts(statements.LendingStatementsNotInstitution, account=world.outsider.address):
        refuse(statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=world.outsider)
    registry.suspendInstitution(world.lender[1], "review", sender=operator)
    with reverts(statements.LendingStatementsNotInstitution, account=world.lender[0].address):
        refuse(statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=world.lender[0])
    registry.reinstateInstitution(world.lender[1], sender=operator)
    for absent in (LENDER, 3):
        with reverts(statements.LendingStatementsNoPayload, payload=FIGURES_PAYLOAD, index=absent):
            refuse(statement_id, FIGURES_PAYLOAD, absent, UNOPENABLE, sender=world.agent[0])
    with reverts(statements.LendingStatementsUnknown):
        refuse(b"\x99" * 32, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=world.lender[0])
    refuse(statement_id, FIGURES_PAYLOAD, BORROWER, NOT_COMMITTED, sender=world.lender[0])
    for again in (world.lender[0], world.agent[0]):
        with reverts(statements.LendingStatementsFiguresRefused, submitter=BORROWER):
            refuse(statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=again)


def test_refuse_figures__once_matched__refused(statements: Any, world: World) -> None:
    statement_id, _ = commit(statements, world)
    submit(statements, world, statement_id, world.borrower[0], FIGURES)
    statements.confirm(statement_id, sender=world.lender[0])
    assert status_of(statements, statement_id) == MATCHED
    with reverts(statements.LendingStatementsWrongStatus, status=MATCHED):
        statements.refusePayload(
            statement_id, FIGURES_PAYLOAD, BORROWER, UNOPENABLE, sender=world.lender[0]
        )


def adjusted(statements: Any, w: World, statement_id: bytes, amounts: Any, sender: Any) -> Any:
    """``sender`` proposes an adjusted resolution settling on ``amounts``, sealed to the parties."""
    leis = (w.lender[1], w.borrower[1], w.agent[1])
    return statements.proposeResolution(
        statement_id, ADJUSTED, 0, c(amounts), sealed(*leis), sender=sender
    )


def test_refuse_resolution__adjusted_amounts__not_approved_until_superseded(
    statements: Any, world: World
) -> None:
    """A party that cannot open an adjusted resolution's amounts refuses it: nobody approves it;
    a new resolution supersedes it and is approved. Voided and committed anew, the statement's
    first resolution is no longer refused."""
    statement_id = broken(statements, world)
    lender, borrower, agent = world.lender[0], world.borrower[0], world.agent[0]
    adjusted(statements, world, statement_id, (FIGURES[0] + 1, *FIGURES[1:]), lender)
    tx = statements.refusePayload(statement_id, RESOLUTION_PAYLOAD, 1, NOT_COMMITTED, sender=agent)
    [event] = tx.events.filter(statements.PayloadRefused)
    assert (bytes(event.by), event.role, event.payload, event.index, event.reason) == (
        world.agent[1],
        AGENT,
        RESOLUTION_PAYLOAD,
        1,
        NOT_COMMITTED,
    )
    for approver in (borrower, agent):
        with reverts(
            statements.LendingStatementsResolutionRefused, statementId=statement_id, resolution=1
        ):
            statements.approveResolution(statement_id, 1, sender=approver)
    adjusted(statements, world, statement_id, (FIGURES[0] + 1, *FIGURES[1:]), borrower)
    statements.approveResolution(statement_id, 2, sender=lender)
    statements.approveResolution(statement_id, 2, sender=agent)
    assert status_of(statements, statement_id) == RESOLVED
    for party in (lender, borrower, agent):
        statements.approveVoid(statement_id, sender=party)
    again = broken(statements, world)
    assert again == statement_id
    adjusted(statements, world, statement_id, FIGURES, lender)
    statements.approveResolution(statement_id, 1, sender=borrower)
    statements.approveResolution(statement_id, 1, sender=agent)
    assert status_of(statements, statement_id) == RESOLVED, "the old refusal is gone"


def test_refuse_resolution__own_outsider_suspended_absent_twice__each_its_error(
    statements: Any, world: World, registry: Any, operator: Any
) -> None:
    """The proposer refuses its own resolution, a rival, an address of no institution or a
    suspended party refuses it; a resolution not proposed, superseded, or sealing nothing (the
    platform's figures); one refused already."""
    statement_id = broken(statements, world)
    lender, borrower, agent = world.lender[0], world.borrower[0], world.agent[0]
    refuse = statements.refusePayload
    propose(statements, statement_id, PLATFORM, sender=lender)  # resolution 1: nothing sealed
    with reverts(statements.LendingStatementsNoPayload, payload=RESOLUTION_PAYLOAD, index=1):
        refuse(statement_id, RESOLUTION_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    adjusted(statements, world, statement_id, FIGURES, lender)  # resolution 2
    with reverts(
        statements.LendingStatementsOwnPayload,
        lei=world.lender[1],
        payload=RESOLUTION_PAYLOAD,
        index=2,
    ):
        refuse(statement_id, RESOLUTION_PAYLOAD, 2, UNOPENABLE, sender=lender)
    with reverts(statements.LendingStatementsNotParty, lei=world.rival[1]):
        refuse(statement_id, RESOLUTION_PAYLOAD, 2, UNOPENABLE, sender=world.rival[0])
    with reverts(statements.LendingStatementsNotInstitution, account=world.outsider.address):
        refuse(statement_id, RESOLUTION_PAYLOAD, 2, UNOPENABLE, sender=world.outsider)
    registry.suspendInstitution(world.borrower[1], "review", sender=operator)
    with reverts(statements.LendingStatementsNotInstitution, account=borrower.address):
        refuse(statement_id, RESOLUTION_PAYLOAD, 2, UNOPENABLE, sender=borrower)
    registry.reinstateInstitution(world.borrower[1], sender=operator)
    for stale in (0, 1, 3):
        with reverts(statements.LendingStatementsStaleResolution, resolution=stale, current=2):
            refuse(statement_id, RESOLUTION_PAYLOAD, stale, UNOPENABLE, sender=borrower)
    refuse(statement_id, RESOLUTION_PAYLOAD, 2, UNOPENABLE, sender=borrower)
    for again in (borrower, agent):
        with reverts(statements.LendingStatementsResolutionRefused, resolution=2):
            refuse(statement_id, RESOLUTION_PAYLOAD, 2, UNOPENABLE, sender=again)


# Settlement ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [MATCHED, RESOLVED])
def test_settlement__both_sides_confirm_the_same_reference__settled(
    statements: Any, world: World, status: int
) -> None:
    statement_id = reach(statements, world, status)
    with reverts(statements.LendingStatementsNotParty):
        statements.confirmSettlement(statement_id, REFERENCE, sender=world.rival[0])
    with reverts(statements.LendingStatementsEmptySettlementReference):
        statements.confirmSettlement(statement_id, b"\0" * 32, sender=world.borrower[0])
    tx = statements.confirmSettlement(statement_id, REFERENCE, sender=world.borrower[0])
    [event] = tx.events.filter(statements.SettlementConfirmed)
    assert (bytes(event.by), event.role, event.status) == (world.borrower[1], 1, status)
    assert not tx.events.filter(statements.StatementSettled), "one side alone settles nothing"
    assert status_of(statements, statement_id) == status
    assert statements.settlementConfirmations(statement_id) == 2
    with reverts(statements.LendingStatementsSettlementConfirmed, role=1):
        statements.confirmSettlement(statement_id, REFERENCE, sender=world.borrower[0])
    other = b"\x42" * 32
    with reverts(statements.LendingStatementsSettlementMismatch, given=other):
        statements.confirmSettlement(statement_id, other, sender=world.lender[0])
    tx = statements.confirmSettlement(statement_id, REFERENCE, sender=world.lender[0])
    [event] = tx.events.filter(statements.StatementSettled)
    assert (bytes(event.by), bytes(event.settlementReference)) == (world.lender[1], REFERENCE)
    stored = statements.getStatement(statement_id)
    assert (stored.status, bytes(stored.settlementReference)) == (SETTLED, REFERENCE)
    with reverts(statements.LendingStatementsWrongStatus):
        statements.confirmSettlement(statement_id, REFERENCE, sender=world.borrower[0])


def test_settlement__the_agent_cannot_confirm_it(statements: Any, world: World) -> None:
    """Before, any single party (the agent, or the payer itself) marked a statement settled."""
    statement_id = reach(statements, world, MATCHED)
    with reverts(statements.LendingStatementsNotSettlingParty, lei=world.agent[1]):
        statements.confirmSettlement(statement_id, REFERENCE, sender=world.agent[0])


@pytest.mark.parametrize("status", [OPEN, BREAK])
def test_settlement__open_or_break__refused(statements: Any, world: World, status: int) -> None:
    statement_id = reach(statements, world, status)
    with reverts(statements.LendingStatementsWrongStatus):
        statements.confirmSettlement(statement_id, REFERENCE, sender=world.lender[0])


# Withdrawal and voiding ----------------------------------------------------------------------


def test_withdraw__the_closer_withdraws_an_open_statement__period_committed_anew(
    statements: Any, world: World
) -> None:
    """Before, a statement could not be withdrawn: a wrong one blocked its period for good."""
    statement_id, _ = commit(statements, world)
    with reverts(statements.LendingStatementsNotCloser, lei=world.lender[1]):
        statements.withdrawStatement(statement_id, sender=world.lender[0])
    tx = statements.withdrawStatement(statement_id, sender=world.agent[0])
    [event] = tx.events.filter(statements.StatementWithdrawn)
    assert (bytes(event.by), event.periodReleased) == (world.agent[1], True)
    assert status_of(statements, statement_id) == WITHDRAWN
    with reverts(statements.LendingStatementsWrongStatus):
        statements.confirm(statement_id, sender=world.lender[0])
    again, _ = commit(statements, world, amounts=c((FIGURES[0] + 1, *FIGURES[1:])))
    assert again == statement_id and status_of(statements, again) == OPEN, "a fresh record"
    assert bytes(statements.getStatement(again).platform) == c((FIGURES[0] + 1, *FIGURES[1:]))


@pytest.mark.parametrize("status", [MATCHED, BREAK])
def test_withdraw__once_others_answered__refused(
    statements: Any, world: World, status: int
) -> None:
    statement_id = reach(statements, world, status)
    with reverts(statements.LendingStatementsWrongStatus):
        statements.withdrawStatement(statement_id, sender=world.agent[0])


def test_void__every_party_approves__voided_and_its_period_released(
    statements: Any, world: World
) -> None:
    statement_id = reach(statements, world, RESOLVED)
    statements.approveVoid(statement_id, sender=world.lender[0])
    with reverts(statements.LendingStatementsVoidApproved, role=0):
        statements.approveVoid(statement_id, sender=world.lender[0])
    with reverts(statements.LendingStatementsNotParty):
        statements.approveVoid(statement_id, sender=world.rival[0])
    tx = statements.approveVoid(statement_id, sender=world.borrower[0])
    [event] = tx.events.filter(statements.VoidApproved)
    assert (event.status, event.periodReleased) == (RESOLVED, False), "the agent has not yet"
    tx = statements.approveVoid(statement_id, sender=world.agent[0])
    [event] = tx.events.filter(statements.VoidApproved)
    assert (event.status, event.periodReleased) == (VOIDED, True)
    again, _ = commit(statements, world)
    assert again == statement_id and status_of(statements, again) == OPEN


def test_void__settled__refused(statements: Any, world: World) -> None:
    statement_id = reach(statements, world, SETTLED)
    with reverts(statements.LendingStatementsWrongStatus):
        statements.approveVoid(statement_id, sender=world.lender[0])


# Comments ------------------------------------------------------------------------------------


def test_comment__any_party_any_status(statements: Any, world: World) -> None:
    statement_id = reach(statements, world, SETTLED)
    leis = (world.lender[1], world.borrower[1], world.agent[1])
    tx = statements.comment(statement_id, sealed(*leis), sender=world.borrower[0])
    [event] = tx.events.filter(statements.StatementCommented)
    assert bytes(event.by) == world.borrower[1]
    with reverts(statements.LendingStatementsNotParty):
        statements.comment(statement_id, sealed(*leis), sender=world.rival[0])
    with reverts(statements.LendingStatementsRecipientMissing, lei=world.agent[1]):
        statements.comment(statement_id, sealed(*leis[:2]), sender=world.borrower[0])
    with reverts(statements.LendingStatementsUnknown):
        statements.comment(b"\x99" * 32, sealed(*leis), sender=world.borrower[0])


# Overdue -------------------------------------------------------------------------------------


def noon(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp())


def test_flag_overdue__a_break_after_its_overdue_date__by_a_party(
    chain: Any, statements: Any, world: World
) -> None:
    statement_id = broken(statements, world)
    open_id, _ = commit(statements, world, sender=world.lender[0], unitKey=DIRECT_AGREEMENT)
    with reverts(statements.LendingStatementsNotOverdue):
        statements.flagOverdue(statement_id, sender=world.borrower[0])
    chain.mine(timestamp=noon(world.overdue_after))
    assert not statements.isOverdue(statement_id), "overdue after the date, not on it"
    with reverts(statements.LendingStatementsNotOverdue):
        statements.flagOverdue(statement_id, sender=world.borrower[0])
    chain.mine(timestamp=noon(world.overdue_after + timedelta(days=1)))
    assert statements.isOverdue(statement_id)
    assert not statements.isOverdue(open_id), "only a break is overdue"
    with reverts(statements.LendingStatementsWrongStatus):
        statements.flagOverdue(open_id, sender=world.lender[0])
    with reverts(statements.LendingStatementsNotInstitution):
        statements.flagOverdue(statement_id, sender=world.outsider)
    with reverts(statements.LendingStatementsNotParty, lei=world.rival[1]):
        statements.flagOverdue(statement_id, sender=world.rival[0])
    tx = statements.flagOverdue(statement_id, sender=world.borrower[0])
    [event] = tx.events.filter(statements.StatementFlaggedOverdue)
    assert (event.overdueAfter, bytes(event.flaggedBy)) == (
        int_of(world.overdue_after),
        world.borrower[1],
    )
    assert statements.getStatement(statement_id).overdue
    with reverts(statements.LendingStatementsFlaggedAlready):
        statements.flagOverdue(statement_id, sender=world.lender[0])
    statements.confirm(statement_id, sender=world.borrower[0])
    assert not statements.isOverdue(statement_id), "no longer a break"
