"""ConsensusValidators: the platform's record of the chain's validators, written only by
governance (OPERATOR_ROLE: the timelock), each validator named with the active institution that
runs its node; bounded, and written also while the platform is paused."""

from __future__ import annotations

from typing import Any

from eth_utils.address import to_checksum_address

from tests.contracts.conftest import GOVERNANCE_DELAY, KEY, role_id
from tests.contracts.custody import admit, fresh_account
from tests.contracts.reverts import reverts
from tests.helpers import make_lei

SIGNER = to_checksum_address("0x" + "5a" * 20)
OTHER = to_checksum_address("0x" + "5b" * 20)
SUSPENDED = 2  # IParticipantRegistry.InstitutionStatus
OPERATOR_ROLE = role_id("OPERATOR_ROLE")


def _listed(validators: Any) -> dict[str, bytes]:
    signers, leis = validators.validators()
    return {str(s): bytes(lei) for s, lei in zip(signers, leis, strict=True)}


def test_add_and_remove__by_the_operator__recorded_with_the_institution(
    validators: Any, registered: bytes, operator: Any
) -> None:
    tx = validators.addValidator(SIGNER, registered, sender=operator)
    [added] = tx.events.filter(validators.ValidatorAdded)
    assert (added.signer, bytes(added.lei)) == (SIGNER, registered)
    assert validators.isValidator(SIGNER)
    assert bytes(validators.institutionOfValidator(SIGNER)) == registered
    validators.addValidator(OTHER, registered, sender=operator)
    assert _listed(validators) == {SIGNER: registered, OTHER: registered}
    tx = validators.removeValidator(SIGNER, sender=operator)
    [removed] = tx.events.filter(validators.ValidatorRemoved)
    assert (removed.signer, bytes(removed.lei)) == (SIGNER, registered)
    assert _listed(validators) == {OTHER: registered}
    assert not validators.isValidator(SIGNER)
    assert bytes(validators.institutionOfValidator(SIGNER)) == b"\0" * 20


def test_add__through_governance__the_timelock_records_it_after_the_delay(
    validators: Any,
    registered: bytes,
    governance: tuple[Any, Any],
    members: tuple[Any, Any, Any],
    outsider: Any,
    chain: Any,
) -> None:
    _timelock, approvals = governance
    data = validators.addValidator.encode_input(SIGNER, registered)
    tx = approvals.propose([validators.address], [data], "validator-5 joins", sender=members[0])
    [submitted] = tx.events.filter(approvals.ProposalSubmitted)
    approvals.approve(submitted.id, sender=members[1])
    assert not validators.isValidator(SIGNER), "nothing is recorded before the delay"
    chain.mine(1, timestamp=chain.pending_timestamp + GOVERNANCE_DELAY)
    tx = approvals.execute(submitted.id, sender=outsider)
    [added] = tx.events.filter(validators.ValidatorAdded)
    assert added.signer == SIGNER and validators.isValidator(SIGNER)


def test_add_or_remove__by_a_member_or_an_outsider__refused_as_no_operator(
    validators: Any, registered: bytes, operator: Any, members: tuple[Any, Any, Any], outsider: Any
) -> None:
    for caller in (members[0], outsider):
        with reverts(
            validators.PlatformAccessUnauthorized, account=caller.address, role=OPERATOR_ROLE
        ):
            validators.addValidator(SIGNER, registered, sender=caller)
    validators.addValidator(SIGNER, registered, sender=operator)
    with reverts(validators.PlatformAccessUnauthorized, account=outsider.address):
        validators.removeValidator(SIGNER, sender=outsider)
    assert validators.isValidator(SIGNER)


def test_add__twice__refused_naming_the_institution_recorded(
    validators: Any, registered: bytes, operator: Any
) -> None:
    validators.addValidator(SIGNER, registered, sender=operator)
    with reverts(validators.ConsensusValidatorsAlreadyRecorded, signer=SIGNER, lei=registered):
        validators.addValidator(SIGNER.lower(), registered, sender=operator)


def test_add__zero_address__refused(validators: Any, registered: bytes, operator: Any) -> None:
    with reverts(validators.ConsensusValidatorsZeroAddress):
        validators.addValidator("0x" + "00" * 20, registered, sender=operator)


def test_add__unknown_or_suspended_institution__refused_with_its_status(
    validators: Any, registry: Any, operator: Any
) -> None:
    unknown = make_lei(901).encode()
    with reverts(validators.ConsensusValidatorsInstitutionNotActive, lei=unknown, status=0):
        validators.addValidator(SIGNER, unknown, sender=operator)
    lei = make_lei(902).encode()
    admit(registry, operator, lei, 3, "Suspended Trust", KEY, fresh_account())
    registry.suspendInstitution(lei, "licence review", sender=operator)
    with reverts(validators.ConsensusValidatorsInstitutionNotActive, lei=lei, status=SUSPENDED):
        validators.addValidator(SIGNER, lei, sender=operator)


def test_remove__not_recorded__refused_naming_the_signer(validators: Any, operator: Any) -> None:
    with reverts(validators.ConsensusValidatorsNotRecorded, signer=OTHER):
        validators.removeValidator(OTHER, sender=operator)


def test_add__beyond_the_maximum__refused(
    validators: Any, registered: bytes, operator: Any
) -> None:
    most = validators.MAX_VALIDATORS()
    for n in range(most):
        validators.addValidator(f"0x{n + 1:040x}", registered, sender=operator)
    with reverts(validators.ConsensusValidatorsTooMany, count=most + 1, maxCount=most):
        validators.addValidator(SIGNER, registered, sender=operator)
    assert len(_listed(validators)) == most


def test_record__platform_paused__still_written_by_the_operator(
    validators: Any, access: Any, registered: bytes, operator: Any
) -> None:
    access.pause(sender=operator)
    validators.addValidator(SIGNER, registered, sender=operator)
    validators.removeValidator(SIGNER, sender=operator)
    assert access.paused() and not validators.isValidator(SIGNER)
