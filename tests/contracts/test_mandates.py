"""Mandates: a principal grants an agent a mandate with a scope, a subject and dates, and
revokes it; the mandate is in force only within its dates, until revoked, while both
institutions are active, and only for its scope and subject (or every subject)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bpost_client.types import MandateScope
from tests.contracts.conftest import KEY
from tests.contracts.custody import admit
from tests.contracts.reverts import reverts
from tests.helpers import make_lei

LENDING_AGENT, DISTRIBUTION_DELEGATE = (
    int(MandateScope.LENDING_AGENT),
    int(MandateScope.DISTRIBUTION_DELEGATE),
)
TRUST_BANK, SECURITIES_COMPANY, LENDING_AGENT_KIND = 3, 4, 7
FUND = b"BP000000018".ljust(32, b"\0")
OTHER_FUND = b"BP00000002B".ljust(32, b"\0")


def subject(lei: bytes) -> bytes:
    """A borrower's LEI as a lending agent's mandate names it: left-aligned in 32 bytes."""
    return lei.ljust(32, b"\0")


def yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def today(chain: Any) -> date:
    """The chain's day, as the contract reads it (the latest block's time, in UTC)."""
    return datetime.fromtimestamp(chain.blocks.head.timestamp, UTC).date()


@pytest.fixture(scope="module")
def actors(
    registry: Any, operator: Any, accounts: Any, funds: Any, fund_actors: dict[str, Any]
) -> dict[str, tuple[Any, bytes]]:
    """A trust bank (a lender), a securities company (a borrower), two lending agents, each
    with one address, and the fund tests' asset manager."""
    found = {"manager": fund_actors["fund_manager"]}
    for name, index, kind, number in (
        ("lender", 17, TRUST_BANK, 501),
        ("borrower", 18, SECURITIES_COMPANY, 502),
        ("agent", 16, LENDING_AGENT_KIND, 503),
        ("other_agent", 19, LENDING_AGENT_KIND, 504),
    ):
        lei = make_lei(number).encode()
        admit(registry, operator, lei, kind, name, KEY, accounts[index])
        found[name] = (accounts[index], lei)
    return found


def test_grant__in_force_for_its_scope_and_subject_within_its_dates(
    mandates: Any, actors: dict[str, tuple[Any, bytes]], chain: Any
) -> None:
    (lender, lender_lei), (_, agent_lei) = actors["lender"], actors["agent"]
    borrower_lei, other_lei = actors["borrower"][1], actors["other_agent"][1]
    now = today(chain)
    until = yyyymmdd(now + timedelta(days=30))
    tx = mandates.grant(
        agent_lei, LENDING_AGENT, subject(borrower_lei), yyyymmdd(now), until, sender=lender
    )
    [granted] = tx.events.filter(mandates.MandateGranted)
    expected_id = mandates.mandateIdOf(lender_lei, agent_lei, LENDING_AGENT, subject(borrower_lei))
    assert bytes(granted.mandateId) == bytes(expected_id)
    assert (bytes(granted.principal), bytes(granted.agent), granted.scope) == (
        lender_lei,
        agent_lei,
        LENDING_AGENT,
    )
    assert (bytes(granted.subject), granted.validFrom, granted.validUntil) == (
        subject(borrower_lei),
        yyyymmdd(now),
        until,
    )
    stored = mandates.getMandate(expected_id)
    assert (bytes(stored.principal), bytes(stored.agent), stored.revoked) == (
        lender_lei,
        agent_lei,
        False,
    )
    assert mandates.isMandated(lender_lei, agent_lei, LENDING_AGENT, subject(borrower_lei))
    assert not mandates.isMandated(lender_lei, agent_lei, LENDING_AGENT, subject(other_lei)), (
        "a mandate for one borrower is none for another"
    )
    assert not mandates.isMandated(lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32), (
        "a mandate for one borrower is none for every borrower"
    )
    assert not mandates.isMandated(agent_lei, lender_lei, LENDING_AGENT, subject(borrower_lei)), (
        "a mandate runs one way"
    )
    mandates.grant(other_lei, LENDING_AGENT, b"\0" * 32, yyyymmdd(now), 0, sender=lender)
    assert mandates.isMandated(lender_lei, other_lei, LENDING_AGENT, subject(borrower_lei)), (
        "a mandate for every subject (zero) covers each"
    )


def test_scope__a_mandate_of_one_scope_serves_no_other(
    mandates: Any, actors: dict[str, tuple[Any, bytes]], chain: Any
) -> None:
    (manager, manager_lei), (_, agent_lei) = actors["manager"], actors["agent"]
    (lender, lender_lei) = actors["lender"]
    now = yyyymmdd(today(chain))
    mandates.grant(agent_lei, DISTRIBUTION_DELEGATE, FUND, now, 0, sender=manager)
    assert mandates.isMandated(manager_lei, agent_lei, DISTRIBUTION_DELEGATE, FUND)
    assert not mandates.isMandated(manager_lei, agent_lei, DISTRIBUTION_DELEGATE, OTHER_FUND)
    assert not mandates.isMandated(manager_lei, agent_lei, LENDING_AGENT, FUND)
    assert not mandates.isMandated(manager_lei, agent_lei, LENDING_AGENT, b"\0" * 32)
    mandates.grant(agent_lei, LENDING_AGENT, b"\0" * 32, now, 0, sender=lender)
    assert not mandates.isMandated(lender_lei, agent_lei, DISTRIBUTION_DELEGATE, FUND)
    assert not mandates.isMandated(lender_lei, agent_lei, 0, b"\0" * 32), "no scope, no mandate"


def test_dates__not_yet_valid_then_in_force_then_expired(
    mandates: Any, actors: dict[str, tuple[Any, bytes]], chain: Any
) -> None:
    (lender, lender_lei), (_, agent_lei) = actors["lender"], actors["agent"]
    now = today(chain)
    start, end = now + timedelta(days=2), now + timedelta(days=4)
    mandates.grant(
        agent_lei, LENDING_AGENT, b"\0" * 32, yyyymmdd(start), yyyymmdd(end), sender=lender
    )
    held = (lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32)
    assert not mandates.isMandated(*held), "before its first day"
    chain.mine(timestamp=int(datetime.combine(start, datetime.min.time(), UTC).timestamp()) + 60)
    assert mandates.isMandated(*held), "on its first day"
    chain.mine(timestamp=int(datetime.combine(end, datetime.max.time(), UTC).timestamp()) - 60)
    assert mandates.isMandated(*held), "on its last day"
    chain.mine(timestamp=int(datetime.combine(end, datetime.max.time(), UTC).timestamp()) + 60)
    assert not mandates.isMandated(*held), "expired after its last day"


def test_revoke__by_anyone_but_the_principal__refused_then_revoked_and_granted_anew(
    mandates: Any, actors: dict[str, tuple[Any, bytes]], chain: Any
) -> None:
    (lender, lender_lei), (agent, agent_lei) = actors["lender"], actors["agent"]
    (borrower, borrower_lei) = actors["borrower"]
    now = yyyymmdd(today(chain))
    mandates.grant(agent_lei, LENDING_AGENT, b"\0" * 32, now, 0, sender=lender)
    found = mandates.mandateIdOf(lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32)
    for rival, rival_lei in ((agent, agent_lei), (borrower, borrower_lei)):
        with reverts(
            mandates.MandatesNotPrincipal,
            mandateId=bytes(found),
            principal=lender_lei,
            caller=rival_lei,
        ):
            mandates.revoke(found, sender=rival)
    assert mandates.isMandated(lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32)
    tx = mandates.revoke(found, sender=lender)
    [revoked] = tx.events.filter(mandates.MandateRevoked)
    assert (bytes(revoked.mandateId), bytes(revoked.principal), bytes(revoked.agent)) == (
        bytes(found),
        lender_lei,
        agent_lei,
    )
    assert not mandates.isMandated(lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32)
    assert mandates.getMandate(found).revoked
    with reverts(mandates.MandatesAlreadyRevoked, mandateId=bytes(found)):
        mandates.revoke(found, sender=lender)
    mandates.grant(agent_lei, LENDING_AGENT, b"\0" * 32, now, 0, sender=lender)
    assert mandates.isMandated(lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32), "granted anew"
    unknown = b"\x77" * 32  # no hex digit: Ape shows the bytes of a read as text
    with reverts(mandates.MandatesUnknown, mandateId=unknown):
        mandates.revoke(unknown, sender=lender)
    with reverts(mandates.MandatesUnknown, mandateId=unknown):
        mandates.getMandate(unknown)


def test_suspended__principal_or_agent__no_mandate_in_force_and_no_grant_or_revoke(
    mandates: Any, registry: Any, operator: Any, actors: dict[str, tuple[Any, bytes]], chain: Any
) -> None:
    (lender, lender_lei), agent_lei = actors["lender"], actors["agent"][1]
    now = yyyymmdd(today(chain))
    mandates.grant(agent_lei, LENDING_AGENT, b"\0" * 32, now, 0, sender=lender)
    held = (lender_lei, agent_lei, LENDING_AGENT, b"\0" * 32)
    found = mandates.mandateIdOf(*held)
    for lei in (agent_lei, lender_lei):
        registry.suspendInstitution(lei, "review", sender=operator)
        assert not mandates.isMandated(*held), "a suspended party: the mandate is not in force"
        registry.reinstateInstitution(lei, sender=operator)
        assert mandates.isMandated(*held), "reinstated: in force again"
    registry.suspendInstitution(lender_lei, "review", sender=operator)
    with reverts(mandates.MandatesNotInstitution, account=lender.address):
        mandates.grant(agent_lei, LENDING_AGENT, b"\0" * 32, now, 0, sender=lender)
    with reverts(mandates.MandatesNotInstitution, account=lender.address):
        mandates.revoke(found, sender=lender)


def test_grant__bad_scope_self_unknown_wrong_types_or_dates__refused(
    mandates: Any, actors: dict[str, tuple[Any, bytes]], accounts: Any, chain: Any
) -> None:
    (lender, lender_lei), (_, agent_lei) = actors["lender"], actors["agent"]
    manager_lei, borrower_lei = actors["manager"][1], actors["borrower"][1]
    now = today(chain)
    first = yyyymmdd(now)
    zero = b"\0" * 32
    with reverts(mandates.MandatesInvalidScope, scope=0):
        mandates.grant(agent_lei, 0, zero, first, 0, sender=lender)
    with reverts(mandates.MandatesSelfGranted, lei=lender_lei):
        mandates.grant(lender_lei, LENDING_AGENT, zero, first, 0, sender=lender)
    unknown = make_lei(599).encode()
    with reverts(mandates.MandatesUnknownAgent, agent=unknown):
        mandates.grant(unknown, LENDING_AGENT, zero, first, 0, sender=lender)
    with reverts(
        mandates.MandatesWrongAgentType,
        agent=borrower_lei,
        kind=SECURITIES_COMPANY,
        scope=LENDING_AGENT,
    ):  # a lending agent's mandate goes to a lending agent only
        mandates.grant(borrower_lei, LENDING_AGENT, zero, first, 0, sender=lender)
    with reverts(
        mandates.MandatesWrongPrincipalType,
        principal=lender_lei,
        kind=TRUST_BANK,
        scope=DISTRIBUTION_DELEGATE,
    ):  # a delegate publishes for an asset manager only
        mandates.grant(agent_lei, DISTRIBUTION_DELEGATE, FUND, first, 0, sender=lender)
    yesterday = yyyymmdd(now - timedelta(days=1))
    for start, end in (
        (20261301, 0),  # no date
        (20260230, 0),  # no day of the calendar
        (first, yesterday),  # ends before it starts, and is past
        (yyyymmdd(now - timedelta(days=5)), yesterday),  # past
        (first, 20261232),
    ):
        with reverts(mandates.MandatesInvalidDates, validFrom=start, validUntil=end, today=first):
            mandates.grant(agent_lei, LENDING_AGENT, zero, start, end, sender=lender)
    with reverts(mandates.MandatesNotInstitution, account=accounts[9].address):
        mandates.grant(agent_lei, LENDING_AGENT, zero, first, 0, sender=accounts[9])
    assert not mandates.isMandated(manager_lei, agent_lei, DISTRIBUTION_DELEGATE, FUND)
