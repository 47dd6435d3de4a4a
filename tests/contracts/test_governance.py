"""Governance: the platform's powers in a timelock whose only proposer is the members' N-of-M
approvals; guardians pause, suspend and cancel at once, and undo nothing alone."""

from __future__ import annotations

from typing import Any

import pytest

from bpost_client.platform.custody import APPROVALS_DOMAIN, Domain, sign_approval
from tests.contracts.conftest import GOVERNANCE_DELAY, role_id
from tests.contracts.custody import fresh_account, private_key, recovery_signature
from tests.contracts.reverts import reverts

PENDING, SCHEDULED, EXECUTED, CANCELLED = 1, 2, 3, 4  # IConsortiumApprovals.ProposalStatus
PAUSE, SUSPEND, CANCEL = 1, 2, 3  # IConsortiumApprovals.EmergencyAction
NO_LEI, NO_PROPOSAL = b"\0" * 20, b"\0" * 32
THIRD_KEY = bytes.fromhex("02" + "33" * 32)


@pytest.fixture
def approvals(governance: tuple[Any, Any]) -> Any:
    return governance[1]


@pytest.fixture
def timelock(governance: tuple[Any, Any]) -> Any:
    return governance[0]


def _grant_trustee(access: Any, approvals: Any, proposer: Any, account: Any) -> bytes:
    """A proposal granting TRUSTEE_ROLE to ``account``; its id."""
    data = access.grantRole.encode_input(role_id("TRUSTEE_ROLE"), account)
    tx = approvals.propose([access.address], [data], "grant TRUSTEE", sender=proposer)
    [event] = tx.events.filter(approvals.ProposalSubmitted)
    return bytes(event.id)


def _wait(chain: Any, seconds: int = GOVERNANCE_DELAY) -> None:
    chain.mine(1, timestamp=chain.pending_timestamp + seconds)


def test_proposal__below_threshold__cannot_execute(
    access: Any, approvals: Any, members: Any, outsider: Any, chain: Any
) -> None:
    proposal = _grant_trustee(access, approvals, members[0], outsider)
    assert approvals.getProposal(proposal).status == PENDING
    assert approvals.getProposal(proposal).approvals == 1, "the proposer's approval counts"
    _wait(chain)
    with reverts(approvals.ConsortiumApprovalsWrongStatus, id=proposal, status=PENDING):
        approvals.execute(proposal, sender=outsider)
    assert not access.hasRole(role_id("TRUSTEE_ROLE"), outsider)


def test_proposal__at_threshold__waits_its_delay_then_anyone_executes(
    access: Any, approvals: Any, timelock: Any, members: Any, outsider: Any, chain: Any
) -> None:
    proposal = _grant_trustee(access, approvals, members[0], outsider)
    tx = approvals.approve(proposal, sender=members[1])
    [scheduled] = tx.events.filter(approvals.ProposalScheduled)
    assert timelock.isOperationPending(proposal)
    ready_at = scheduled.readyAt
    with reverts(approvals.ConsortiumApprovalsNotReady, id=proposal, readyAt=ready_at):
        approvals.execute(proposal, sender=outsider)
    _wait(chain)
    tx = approvals.execute(proposal, sender=outsider)
    assert access.hasRole(role_id("TRUSTEE_ROLE"), outsider)
    [granted] = tx.events.filter(access.RoleGranted)
    assert granted.sender == timelock.address, "the timelock holds the power, not a member"
    assert approvals.getProposal(proposal).status == EXECUTED
    with reverts(approvals.ConsortiumApprovalsWrongStatus, id=proposal, status=EXECUTED):
        approvals.execute(proposal, sender=outsider)


def test_proposal__by_outsider_or_approved_twice__reverts(
    access: Any, approvals: Any, members: Any, outsider: Any
) -> None:
    data = access.grantRole.encode_input(role_id("TRUSTEE_ROLE"), outsider)
    with reverts(approvals.ConsortiumApprovalsNotMember, account=outsider.address):
        approvals.propose([access.address], [data], "mine", sender=outsider)
    proposal = _grant_trustee(access, approvals, members[0], outsider)
    with reverts(approvals.ConsortiumApprovalsNotMember, account=outsider.address):
        approvals.approve(proposal, sender=outsider)
    with reverts(approvals.ConsortiumApprovalsAlreadyApproved, member=members[0].address):
        approvals.approve(proposal, sender=members[0])


def test_proposal__no_calls_or_mismatched__reverts(
    access: Any, approvals: Any, members: Any
) -> None:
    with reverts(approvals.ConsortiumApprovalsInvalidCalls, targets=0, payloads=0):
        approvals.propose([], [], "nothing", sender=members[0])
    with reverts(approvals.ConsortiumApprovalsInvalidCalls, targets=1, payloads=2):
        approvals.propose([access.address], [b"", b""], "odd", sender=members[0])


def test_approve_by_signature__member_signed_off_chain__counts(
    access: Any, approvals: Any, members: Any, outsider: Any, chain: Any
) -> None:
    proposal = _grant_trustee(access, approvals, members[0], outsider)
    domain = Domain(APPROVALS_DOMAIN, chain.chain_id, approvals.address)
    by_outsider = sign_approval(private_key(outsider), domain, proposal)
    with reverts(approvals.ConsortiumApprovalsInvalidSignature, member=members[1].address,
                 recovered=outsider.address):  # fmt: skip
        approvals.approveBySignature(proposal, members[1], by_outsider, sender=outsider)
    with reverts(approvals.ConsortiumApprovalsNotMember, account=outsider.address):
        approvals.approveBySignature(proposal, outsider, by_outsider, sender=outsider)
    signed = sign_approval(private_key(members[1]), domain, proposal)
    approvals.approveBySignature(proposal, members[1], signed, sender=outsider)
    assert approvals.getProposal(proposal).status == SCHEDULED


def test_member_of_a_suspended_institution__neither_approves_nor_counts(
    access: Any, approvals: Any, registry: Any, registered: bytes, members: Any, operator: Any,
    outsider: Any,
) -> None:  # fmt: skip
    """members[0] is the asset manager's key: its institution suspended, its vote stops."""
    proposal = _grant_trustee(access, approvals, members[0], outsider)
    registry.suspendInstitution(registered, "review", sender=operator)
    with reverts(approvals.ConsortiumApprovalsNotMember, account=members[0].address):
        approvals.approve(
            _grant_trustee(access, approvals, members[1], outsider), sender=members[0]
        )
    approvals.approve(proposal, sender=members[1])
    record = approvals.getProposal(proposal)
    assert record.status == PENDING and record.approvals == 1, (
        "the suspended one's no longer counts"
    )


def test_guardians__pause_at_once__cannot_unpause(
    access: Any, approvals: Any, members: Any, outsider: Any, chain: Any
) -> None:
    tx = approvals.proposeEmergency(PAUSE, NO_LEI, NO_PROPOSAL, "incident", sender=members[0])
    [proposed] = tx.events.filter(approvals.EmergencyProposed)
    assert not access.paused(), "one guardian alone does nothing"
    tx = approvals.approveEmergency(proposed.id, sender=members[1])
    assert access.paused(), "the quorum pauses in the same transaction, without a delay"
    assert len(tx.events.filter(approvals.EmergencyExecuted)) == 1
    for member in members:  # no guardian, nor the guardians' contract, unpauses
        with reverts(access.PlatformAccessUnauthorized, account=member.address):
            access.unpause(sender=member)
    with reverts(approvals.ConsortiumApprovalsEmergencyDone, id=bytes(proposed.id)):
        approvals.approveEmergency(proposed.id, sender=members[2])
    # unpausing is a proposal like any other: approved, then after the delay
    data = access.unpause.encode_input()
    tx = approvals.propose([access.address], [data], "resume", sender=members[0])
    [submitted] = tx.events.filter(approvals.ProposalSubmitted)
    approvals.approve(submitted.id, sender=members[2])
    assert access.paused()
    _wait(chain)
    approvals.execute(submitted.id, sender=outsider)
    assert not access.paused()


def test_guardians__suspend_at_once__reinstatement_waits(
    approvals: Any, registry: Any, funds: Any, members: Any, fund_actors: Any, chain: Any,
    outsider: Any,
) -> None:  # fmt: skip
    lei = fund_actors["rival_manager"][1]
    tx = approvals.proposeEmergency(SUSPEND, lei, NO_PROPOSAL, "leaked key", sender=members[1])
    [proposed] = tx.events.filter(approvals.EmergencyProposed)
    approvals.approveEmergency(proposed.id, sender=members[2])
    assert registry.getInstitution(lei).status == 2
    data = registry.reinstateInstitution.encode_input(lei)
    tx = approvals.propose([registry.address], [data], "reinstate", sender=members[1])
    [submitted] = tx.events.filter(approvals.ProposalSubmitted)
    approvals.approve(submitted.id, sender=members[2])
    assert registry.getInstitution(lei).status == 2, "not before the delay"
    _wait(chain)
    approvals.execute(submitted.id, sender=outsider)
    assert registry.getInstitution(lei).status == 1


def test_emergency__by_outsider_or_without_subject__reverts(
    approvals: Any, members: Any, outsider: Any
) -> None:
    with reverts(approvals.ConsortiumApprovalsNotGuardian, account=outsider.address):
        approvals.proposeEmergency(PAUSE, NO_LEI, NO_PROPOSAL, "x", sender=outsider)
    with reverts(approvals.ConsortiumApprovalsInvalidEmergency, action=SUSPEND):
        approvals.proposeEmergency(SUSPEND, NO_LEI, NO_PROPOSAL, "x", sender=members[0])
    with reverts(approvals.ConsortiumApprovalsInvalidEmergency, action=PAUSE):
        approvals.proposeEmergency(PAUSE, b"\x01" * 20, NO_PROPOSAL, "x", sender=members[0])
    with reverts(approvals.ConsortiumApprovalsUnknownProposal, id=b"\x02" * 32):
        approvals.proposeEmergency(CANCEL, NO_LEI, b"\x02" * 32, "x", sender=members[0])


def test_guardians__cancel_a_scheduled_proposal_before_it_executes(
    access: Any, approvals: Any, timelock: Any, members: Any, outsider: Any, chain: Any
) -> None:
    proposal = _grant_trustee(access, approvals, members[0], outsider)
    approvals.approve(proposal, sender=members[1])
    tx = approvals.proposeEmergency(CANCEL, NO_LEI, proposal, "not agreed", sender=members[2])
    [proposed] = tx.events.filter(approvals.EmergencyProposed)
    approvals.approveEmergency(proposed.id, sender=members[0])
    assert approvals.getProposal(proposal).status == CANCELLED
    assert not timelock.isOperation(proposal)
    _wait(chain)
    with reverts(approvals.ConsortiumApprovalsWrongStatus, id=proposal, status=CANCELLED):
        approvals.execute(proposal, sender=outsider)


def test_key_recovery__through_governance__visible_in_an_event(
    approvals: Any, registry: Any, registered: bytes, members: Any, outsider: Any, chain: Any,
    asset_manager: Any,
) -> None:  # fmt: skip
    new = fresh_account()
    signature = recovery_signature(registry, registered, new, THIRD_KEY)
    data = registry.recoverInstitution.encode_input(
        registered, new.address, THIRD_KEY, signature, "keys lost in a fire"
    )
    tx = approvals.propose([registry.address], [data], "recover Sakura", sender=members[1])
    [submitted] = tx.events.filter(approvals.ProposalSubmitted)
    approvals.approve(submitted.id, sender=members[2])
    assert registry.operatorsOf(registered) == [asset_manager.address]
    _wait(chain)
    tx = approvals.execute(submitted.id, sender=outsider)
    [event] = tx.events.filter(registry.InstitutionRecovered)
    assert (event.operator, bytes(event.encryptionKey)) == (new.address, THIRD_KEY)
    assert registry.operatorsOf(registered) == [new.address]


def test_thresholds__changed_by_the_timelock_only__never_below_two(
    approvals: Any, members: Any, outsider: Any, chain: Any
) -> None:
    with reverts(approvals.ConsortiumApprovalsNotTimelock, account=members[0].address):
        approvals.setThresholds(3, 3, sender=members[0])
    data = approvals.setThresholds.encode_input(1, 2)
    tx = approvals.propose([approvals.address], [data], "one key rules", sender=members[0])
    [submitted] = tx.events.filter(approvals.ProposalSubmitted)
    approvals.approve(submitted.id, sender=members[1])
    _wait(chain)
    with reverts(approvals.ConsortiumApprovalsInvalidThreshold, threshold=1, members=3):
        approvals.execute(submitted.id, sender=outsider)


def test_constructor__threshold_of_one__reverts(
    project: Any, access: Any, registry: Any, admin: Any, members: Any
) -> None:
    with reverts(project.ConsortiumApprovals.ConsortiumApprovalsInvalidThreshold):
        project.ConsortiumApprovals.deploy(
            admin, access, registry, list(members), list(members), 1, 2, sender=admin
        )


def test_timelock__zero_delay__refused_and_delay_never_below_its_floor(
    project: Any, admin: Any, approvals: Any, timelock: Any, members: Any, outsider: Any,
    chain: Any,
) -> None:  # fmt: skip
    with reverts(project.PlatformTimelock.PlatformTimelockZeroDelay):
        project.PlatformTimelock.deploy(0, [admin], [admin], sender=admin)
    data = timelock.updateDelay.encode_input(1)
    tx = approvals.propose([timelock.address], [data], "shorten", sender=members[0])
    [submitted] = tx.events.filter(approvals.ProposalSubmitted)
    approvals.approve(submitted.id, sender=members[1])
    _wait(chain)
    approvals.execute(submitted.id, sender=outsider)
    assert timelock.getMinDelay() == GOVERNANCE_DELAY


def test_timelock__no_one_schedules_around_the_approvals(
    access: Any, timelock: Any, members: Any, admin: Any
) -> None:
    data = access.grantRole.encode_input(role_id("OPERATOR_ROLE"), admin)
    for account in (*members, admin):
        with reverts(timelock.AccessControlUnauthorizedAccount, account=account.address):
            timelock.schedule(access.address, 0, data, NO_PROPOSAL, NO_PROPOSAL,
                              GOVERNANCE_DELAY, sender=account)  # fmt: skip
