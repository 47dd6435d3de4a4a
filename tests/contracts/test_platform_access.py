"""PlatformAccess: powers granted by the default admin, business roles by the operator, a
two-step admin handover, a pause by an operator or a guardian, an unpause by an operator only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.conftest import KEY, role_id
from tests.contracts.custody import admit
from tests.contracts.reverts import reverts
from tests.helpers import make_lei

ROLE_NAMES = [
    "OPERATOR_ROLE", "CODE_REGISTRAR_ROLE", "ASSET_MANAGER_ROLE", "TRUSTEE_ROLE",
    "DISTRIBUTOR_ROLE", "SECURITIES_COMPANY_ROLE", "CUSTODIAN_ROLE", "LENDING_AGENT_ROLE",
    "DATA_PROVIDER_ROLE", "OBSERVER_ROLE", "GUARDIAN_ROLE",
]  # fmt: skip


@pytest.mark.parametrize("name", ROLE_NAMES)
def test_role_constant__matches_keccak_of_its_name(access: Any, name: str) -> None:
    assert bytes(getattr(access, name)()) == role_id(name)
    assert access.isKnownRole(role_id(name))


def test_grant__unknown_role__reverts(access: Any, admin: Any, outsider: Any) -> None:
    with reverts(access.PlatformAccessUnknownRole):
        access.grantRole(role_id("NOT_A_ROLE"), outsider, sender=admin)


@pytest.mark.parametrize("name", ["OPERATOR_ROLE", "GUARDIAN_ROLE"])
def test_grant_power__by_operator__reverts_as_only_the_admin_grants_powers(
    access: Any, operator: Any, outsider: Any, name: str
) -> None:
    with reverts(access.AccessControlUnauthorizedAccount, account=operator.address):
        access.grantRole(role_id(name), outsider, sender=operator)


def test_grant_business_role__by_admin__reverts_as_the_operator_grants_them(
    access: Any, admin: Any, outsider: Any
) -> None:
    with reverts(access.AccessControlUnauthorizedAccount, account=admin.address):
        access.grantRole(role_id("TRUSTEE_ROLE"), outsider, sender=admin)


def test_grant__by_operator__emits_and_holds(access: Any, operator: Any, outsider: Any) -> None:
    tx = access.grantRole(role_id("TRUSTEE_ROLE"), outsider, sender=operator)
    assert access.hasRole(role_id("TRUSTEE_ROLE"), outsider)
    assert [e.account for e in tx.events.filter(access.RoleGranted)] == [outsider.address]


def test_admin_handover__takes_two_steps(
    access: Any, admin: Any, outsider: Any, chain: Any
) -> None:
    access.beginDefaultAdminTransfer(outsider, sender=admin)
    assert access.defaultAdmin() == admin.address
    chain.mine(1, timestamp=chain.pending_timestamp + 1)
    access.acceptDefaultAdminTransfer(sender=outsider)
    assert access.defaultAdmin() == outsider.address
    assert not access.hasRole(b"\0" * 32, admin)


def test_admin_handover__accepted_by_another__reverts(
    access: Any, admin: Any, outsider: Any, operator: Any
) -> None:
    access.beginDefaultAdminTransfer(outsider, sender=admin)
    with reverts(access.AccessControlInvalidDefaultAdmin):
        access.acceptDefaultAdminTransfer(sender=operator)


def test_grant_default_admin__directly__reverts(access: Any, admin: Any, outsider: Any) -> None:
    with reverts(access.AccessControlEnforcedDefaultAdminRules):
        access.grantRole(b"\0" * 32, outsider, sender=admin)


def test_pause__by_operator__stops_every_registry(
    access: Any, registry: Any, operator: Any, asset_manager: Any
) -> None:
    tx = access.pause(sender=operator)
    assert access.paused()
    assert len(tx.events.filter(access.Paused)) == 1
    with reverts(registry.PlatformAccessPaused):
        admit(registry, operator, b"3538000FUJITRUST0138", 3, "Fuji", KEY)
    access.unpause(sender=operator)
    assert not access.paused()


def test_pause__by_outsider__reverts(access: Any, outsider: Any) -> None:
    with reverts(access.PlatformAccessUnauthorized, account=outsider.address):
        access.pause(sender=outsider)


def test_guardian__pauses_at_once__cannot_unpause(
    access: Any, admin: Any, operator: Any, outsider: Any
) -> None:
    access.grantRole(role_id("GUARDIAN_ROLE"), outsider, sender=admin)
    access.pause(sender=outsider)
    assert access.paused()
    with reverts(access.PlatformAccessUnauthorized, account=outsider.address):
        access.unpause(sender=outsider)
    access.unpause(sender=operator)
    assert not access.paused()


DATA_PROVIDER_KIND = 8


def test_suspended_institution__all_its_roles_stop__reinstated_they_return(
    access: Any,
    registry: Any,
    prices: Any,
    admin: Any,
    operator: Any,
    accounts: Any,
) -> None:
    """A suspended data provider publishes no close (before, its role still worked); a key of no
    institution (a registry contract, the platform's own) keeps its roles."""
    provider = accounts[8]
    lei = make_lei(251).encode()
    admit(registry, operator, lei, DATA_PROVIDER_KIND, "Feed Co", KEY, provider)
    access.grantRole(role_id("DATA_PROVIDER_ROLE"), provider, sender=operator)
    assert access.hasRole(role_id("DATA_PROVIDER_ROLE"), provider)
    registry.suspendInstitution(lei, "late feeds", sender=operator)
    assert not access.hasRole(role_id("DATA_PROVIDER_ROLE"), provider)
    with reverts(access.PlatformAccessUnauthorized, account=provider.address):
        prices.publishCloses(20260601, 0, [1], sender=provider)
    assert access.hasRole(role_id("OPERATOR_ROLE"), operator), "a platform key keeps its role"
    registry.reinstateInstitution(lei, sender=operator)
    assert access.hasRole(role_id("DATA_PROVIDER_ROLE"), provider)


def test_participant_registry__wired_once_by_an_operator(
    access: Any, registry: Any, operator: Any, outsider: Any
) -> None:
    with reverts(access.PlatformAccessUnauthorized, account=outsider.address):
        access.setParticipantRegistry(outsider, sender=outsider)
    with reverts(access.PlatformAccessRegistryAlreadySet, registry=registry.address):
        access.setParticipantRegistry(outsider, sender=operator)
