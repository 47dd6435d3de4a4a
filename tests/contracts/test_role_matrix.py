"""Every restricted function called by every actor: allowed, or refused with the right error.

Calls are made with ``eth_call`` so one prepared state serves the whole matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bpost_client.platform.custody import sign_admission, sign_key_change, sign_operator_binding
from tests.contracts.conftest import KEY, LEIS, OTHER_KEY, b32, role_id
from tests.contracts.custody import (
    admit,
    bind,
    domain,
    fresh_account,
    private_key,
    recovery_signature,
)
from tests.contracts.reverts import reverts

ACTORS = ["admin", "operator", "registrar", "asset_manager", "trustee", "outsider"]
SUSPENDED_LEI = LEIS["operator"].encode()
MATRIX = b32("MATRIX")  # a namespace the registrar's key links in, for asset managers' funds
RECORD = b"\x01" * 31 + b"\0"  # a record id: its last byte holds the kind in the registry


@dataclass(frozen=True)
class Case:
    contract: str
    function: str
    args: Callable[[dict[str, Any]], list[Any]]
    allowed: frozenset[str]
    refusal: str


def _cases() -> list[Case]:
    am = LEIS["asset_manager"].encode()
    new = LEIS["trustee"].encode()
    operator_only = frozenset({"operator"})
    registrar_only = frozenset({"registrar"})
    admin_only = frozenset({"admin"})
    own_institution = frozenset({"asset_manager"})
    unauthorized = "PlatformAccessUnauthorized"
    return [
        Case("access", "grantRole", lambda a: [role_id("OBSERVER_ROLE"), a["outsider"]],
             operator_only, "AccessControlUnauthorizedAccount"),
        Case("access", "grantRole", lambda a: [role_id("GUARDIAN_ROLE"), a["outsider"]],
             admin_only, "AccessControlUnauthorizedAccount"),
        Case("access", "revokeRole", lambda a: [role_id("OPERATOR_ROLE"), a["operator"]],
             admin_only, "AccessControlUnauthorizedAccount"),
        Case("access", "beginDefaultAdminTransfer", lambda a: [a["outsider"]], admin_only,
             "AccessControlUnauthorizedAccount"),
        Case("access", "pause", lambda a: [], operator_only, unauthorized),
        Case("registry", "registerInstitution",
             lambda a: [new, 3, "Fuji", KEY, a["newcomer"].address, a["admission"]], operator_only,
             unauthorized),
        Case("registry", "renameInstitution", lambda a: [am, "Renamed"], operator_only,
             unauthorized),
        Case("registry", "addOperator", lambda a: [am, a["outsider"], a["consent"]],
             own_institution, "ParticipantRegistryNotAllowed"),
        Case("registry", "removeOperator", lambda a: [am, a["second_key"].address],
             own_institution, "ParticipantRegistryNotAllowed"),
        Case("registry", "suspendInstitution", lambda a: [am, "review"], operator_only,
             "ParticipantRegistryNotOperatorOrGuardian"),
        Case("registry", "recoverInstitution",
             lambda a: [am, a["newcomer"].address, OTHER_KEY, a["recovery"], "lost"],
             operator_only, unauthorized),
        Case("registry", "reinstateInstitution", lambda a: [SUSPENDED_LEI], operator_only,
             unauthorized),
        Case("registry", "setEncryptionKey",  # the signature is the authority: anyone sends it
             lambda a: [am, OTHER_KEY, a["asset_manager"].address, a["key_change"]],
             frozenset(ACTORS), "ParticipantRegistryNotAllowed"),
        Case("codes", "registerNamespace", lambda a: [b32("BIC"), False, "BIC", []],
             operator_only, unauthorized),
        Case("codes", "openSubNamespace", lambda a: [b32("MATRIX/X"), bytes(20), "X"],
             registrar_only, unauthorized),
        Case("codes", "setLinker", lambda a: [MATRIX, a["outsider"], 2, 4], operator_only,
             unauthorized),
        Case("codes", "link", lambda a: [MATRIX, b32("JP1"), 2, RECORD, am], registrar_only,
             unauthorized),
        Case("codes", "linkAll", lambda a: [[(MATRIX, b32("JP2"))], 2, RECORD, am],
             registrar_only, unauthorized),
        Case("codes", "unlink", lambda a: [MATRIX, b32("LINKED"), "squatted"], operator_only,
             unauthorized),
    ]  # fmt: skip


CASES = _cases()


@pytest.fixture(scope="module")
def world(
    access: Any,
    registry: Any,
    codes: Any,
    registered: bytes,
    admin: Any,
    operator: Any,
    registrar: Any,
    asset_manager: Any,
    trustee: Any,
    outsider: Any,
) -> dict[str, Any]:
    admit(registry, operator, SUSPENDED_LEI, 1, "Operator", KEY)
    registry.suspendInstitution(SUSPENDED_LEI, "matrix", sender=operator)
    am = registered
    second_key, newcomer = fresh_account(), fresh_account()
    bind(registry, am, asset_manager, second_key)
    version = registry.getInstitution(am).version
    signed = {
        "second_key": second_key,
        "newcomer": newcomer,
        "admission": sign_admission(
            private_key(newcomer), domain(registry), LEIS["trustee"].encode(), 3, KEY
        ),
        "consent": sign_operator_binding(private_key(outsider), domain(registry), am, version),
        "key_change": sign_key_change(
            private_key(asset_manager), domain(registry), am, OTHER_KEY, version
        ),
        "recovery": recovery_signature(registry, am, newcomer, OTHER_KEY),
    }
    codes.registerNamespace(MATRIX, False, "matrix", [(registrar, 2, 4)], sender=operator)
    codes.link(MATRIX, b32("LINKED"), 2, RECORD, registered, sender=registrar)
    access.grantRole(role_id("ASSET_MANAGER_ROLE"), asset_manager, sender=operator)
    access.grantRole(role_id("TRUSTEE_ROLE"), trustee, sender=operator)
    return {
        **signed,
        "access": access, "registry": registry, "codes": codes, "admin": admin,
        "operator": operator, "registrar": registrar, "asset_manager": asset_manager,
        "trustee": trustee, "outsider": outsider,
    }  # fmt: skip


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=[f"{c.contract}.{c.function}" for c in CASES])
def test_restricted_function__by_each_actor__allowed_or_refused(
    world: dict[str, Any], case: Case, actor: str
) -> None:
    contract = world[case.contract]
    method = getattr(contract, case.function)
    args = case.args(world)
    sender = world[actor]
    if actor in case.allowed:
        method.call(*args, sender=sender)
    else:
        with reverts(getattr(contract, case.refusal)):
            method.call(*args, sender=sender)


@pytest.mark.parametrize("actor", ACTORS)
def test_unpause__by_each_actor__only_operator(world: dict[str, Any], actor: str) -> None:
    access = world["access"]
    access.pause(sender=world["operator"])
    if actor == "operator":
        access.unpause.call(sender=world[actor])
    else:
        with reverts(access.PlatformAccessUnauthorized):
            access.unpause.call(sender=world[actor])


PAUSABLE = [c for c in CASES if c.contract != "access" and c.function != "suspendInstitution"]


@pytest.mark.parametrize("case", PAUSABLE, ids=[f"{c.contract}.{c.function}" for c in PAUSABLE])
def test_restricted_function__while_paused__refused(world: dict[str, Any], case: Case) -> None:
    world["access"].pause(sender=world["operator"])
    contract = world[case.contract]
    allowed = world[sorted(case.allowed)[0]]
    with reverts(contract.PlatformAccessPaused):
        getattr(contract, case.function).call(*case.args(world), sender=allowed)


def test_suspend__while_paused__allowed_as_incident_response(world: dict[str, Any]) -> None:
    """A pause stops every change but a suspension: the incident may be that institution."""
    world["access"].pause(sender=world["operator"])
    world["registry"].suspendInstitution.call(LEIS["asset_manager"].encode(), "incident",
                                              sender=world["operator"])  # fmt: skip
