"""Fixtures of the contract tests: Ape's in-process chain, the contracts, the actors."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils.crypto import keccak

LEIS = {
    "operator": "3538000BPOSTOPER0110",
    "asset_manager": "3538000SAKURAAM00151",
    "trustee": "3538000FUJITRUST0138",
}
KEY = bytes.fromhex("02" + "11" * 32)
OTHER_KEY = bytes.fromhex("03" + "22" * 32)


def role_id(name: str) -> bytes:
    """The on-chain identifier of a role name."""
    return keccak(text=name)


@pytest.fixture(scope="session")
def admin(accounts: Any) -> Any:
    return accounts[0]


@pytest.fixture(scope="session")
def operator(accounts: Any) -> Any:
    return accounts[1]


@pytest.fixture(scope="session")
def asset_manager(accounts: Any) -> Any:
    return accounts[2]


@pytest.fixture(scope="session")
def trustee(accounts: Any) -> Any:
    return accounts[3]


@pytest.fixture(scope="session")
def registrar(accounts: Any) -> Any:
    return accounts[4]


@pytest.fixture(scope="session")
def outsider(accounts: Any) -> Any:
    return accounts[9]


@pytest.fixture(scope="session")
def access(project: Any, admin: Any, operator: Any, registrar: Any) -> Any:
    contract = project.PlatformAccess.deploy(0, admin, sender=admin)
    contract.grantRole(role_id("OPERATOR_ROLE"), operator, sender=admin)
    contract.grantRole(role_id("CODE_REGISTRAR_ROLE"), registrar, sender=admin)
    return contract


@pytest.fixture(scope="session")
def registry(project: Any, access: Any, admin: Any) -> Any:
    return project.ParticipantRegistry.deploy(access, sender=admin)


@pytest.fixture(scope="session")
def codes(project: Any, access: Any, admin: Any, operator: Any) -> Any:
    contract = project.CodeRegistry.deploy(access, sender=admin)
    contract.registerNamespace(b"ISIN".ljust(32, b"\0"), False, "ISO 6166", sender=operator)
    contract.registerNamespace(
        b"BPFC".ljust(32, b"\0"), True, "platform fund code", sender=operator
    )
    return contract


@pytest.fixture(scope="session")
def registered(registry: Any, operator: Any, asset_manager: Any) -> bytes:
    """The asset manager's institution, registered with one operator address."""
    lei = LEIS["asset_manager"].encode()
    registry.registerInstitution(
        lei, 2, "Sakura Asset Management", KEY, [asset_manager], sender=operator
    )
    return lei
