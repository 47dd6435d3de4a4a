"""Every restricted function called by every actor: allowed, or refused with the right error.

Calls are made with ``eth_call`` so one prepared state serves the whole matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.contracts.conftest import KEY, LEIS, OTHER_KEY, b32, role_id
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
    unauthorized = "PlatformAccessUnauthorized"
    return [
        Case("access", "grantRole", lambda a: [role_id("OBSERVER_ROLE"), a["outsider"]], admin_only,
             "AccessControlUnauthorizedAccount"),
        Case("access", "revokeRole", lambda a: [role_id("OPERATOR_ROLE"), a["operator"]],
             admin_only, "AccessControlUnauthorizedAccount"),
        Case("access", "beginDefaultAdminTransfer", lambda a: [a["outsider"]], admin_only,
             "AccessControlUnauthorizedAccount"),
        Case("access", "pause", lambda a: [], operator_only, unauthorized),
        Case("registry", "registerInstitution", lambda a: [new, 3, "Fuji", KEY, []], operator_only,
             unauthorized),
        Case("registry", "renameInstitution", lambda a: [am, "Renamed"], operator_only,
             unauthorized),
        Case("registry", "addOperator", lambda a: [am, a["outsider"]], operator_only, unauthorized),
        Case("registry", "removeOperator", lambda a: [am, a["asset_manager"]], operator_only,
             unauthorized),
        Case("registry", "suspendInstitution", lambda a: [am, "review"], operator_only,
             unauthorized),
        Case("registry", "reinstateInstitution", lambda a: [SUSPENDED_LEI], operator_only,
             unauthorized),
        Case("registry", "setEncryptionKey", lambda a: [am, OTHER_KEY],
             frozenset({"operator", "asset_manager"}), "ParticipantRegistryNotAllowed"),
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
    registry.registerInstitution(SUSPENDED_LEI, 1, "Operator", KEY, [], sender=operator)
    registry.suspendInstitution(SUSPENDED_LEI, "matrix", sender=operator)
    codes.registerNamespace(MATRIX, False, "matrix", [(registrar, 2, 4)], sender=operator)
    codes.link(MATRIX, b32("LINKED"), 2, RECORD, registered, sender=registrar)
    access.grantRole(role_id("ASSET_MANAGER_ROLE"), asset_manager, sender=admin)
    access.grantRole(role_id("TRUSTEE_ROLE"), trustee, sender=admin)
    return {
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


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.contract != "access"],
    ids=[f"{c.contract}.{c.function}" for c in CASES if c.contract != "access"],
)
def test_restricted_function__while_paused__refused(world: dict[str, Any], case: Case) -> None:
    world["access"].pause(sender=world["operator"])
    contract = world[case.contract]
    allowed = world[sorted(case.allowed)[0]]
    with reverts(contract.PlatformAccessPaused):
        getattr(contract, case.function).call(*case.args(world), sender=allowed)
