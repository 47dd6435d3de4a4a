"""ParticipantRegistry: admission, validation, operators, keys, suspension, events."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpost_client.identifiers import lei_is_valid
from tests.contracts.conftest import KEY, LEIS, OTHER_KEY
from tests.contracts.reverts import reverts

TRUST_BANK = 3


def test_register__valid__stores_the_record_and_binds_operators(
    registry: Any, registered: bytes, asset_manager: Any
) -> None:
    record = registry.getInstitution(registered)
    assert bytes(record.lei) == registered
    assert record.kind == 2 and record.status == 1 and record.version == 1
    assert record.legalName == "Sakura Asset Management"
    assert bytes(record.encryptionKey) == KEY
    assert registry.operatorsOf(registered) == [asset_manager.address]
    assert bytes(registry.institutionOf(asset_manager)) == registered
    assert registry.isActiveOperator(asset_manager)
    count = registry.institutionCount()
    assert bytes(registry.institutionAt(count - 1)) == registered, "the latest registration"


def test_register__emits_registered_and_operator_added(
    registry: Any, operator: Any, trustee: Any
) -> None:
    lei = LEIS["trustee"].encode()
    tx = registry.registerInstitution(
        lei, TRUST_BANK, "Fuji Trust", KEY, [trustee], sender=operator
    )
    registered = tx.events.filter(registry.InstitutionRegistered)
    added = tx.events.filter(registry.OperatorAdded)
    assert [bytes(e.lei) for e in registered] == [lei]
    assert [(bytes(e.lei), e.account) for e in added] == [(lei, trustee.address)]


def test_register__twice__reverts(registry: Any, registered: bytes, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryAlreadyRegistered):
        registry.registerInstitution(registered, 2, "Again", KEY, [], sender=operator)


def test_register__bad_check_digits__reverts(registry: Any, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryInvalidLei):
        registry.registerInstitution(
            b"3538000FUJITRUST0139", TRUST_BANK, "Fuji", KEY, [], sender=operator
        )


def test_register__type_none__reverts(registry: Any, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryInvalidType):
        registry.registerInstitution(LEIS["trustee"].encode(), 0, "Fuji", KEY, [], sender=operator)


def test_register__empty_or_long_name__reverts(registry: Any, operator: Any) -> None:
    lei = LEIS["trustee"].encode()
    with reverts(registry.ParticipantRegistryInvalidName):
        registry.registerInstitution(lei, TRUST_BANK, "", KEY, [], sender=operator)
    with reverts(registry.ParticipantRegistryInvalidName):
        registry.registerInstitution(lei, TRUST_BANK, "x" * 201, KEY, [], sender=operator)


def test_register__uncompressed_key__reverts(registry: Any, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryInvalidEncryptionKey):
        registry.registerInstitution(
            LEIS["trustee"].encode(),
            TRUST_BANK,
            "Fuji",
            b"\x04" + b"\x11" * 64,
            [],
            sender=operator,
        )


def test_register__operator_of_another__reverts(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any
) -> None:
    with reverts(registry.ParticipantRegistryOperatorTaken):
        registry.registerInstitution(
            LEIS["trustee"].encode(), TRUST_BANK, "Fuji", KEY, [asset_manager], sender=operator
        )


def test_register__seventeen_operators__reverts(
    registry: Any, operator: Any, accounts: Any
) -> None:
    many = [accounts[i % 10].address for i in range(17)]
    with reverts(registry.ParticipantRegistryTooManyOperators):
        registry.registerInstitution(
            LEIS["trustee"].encode(), TRUST_BANK, "Fuji", KEY, many, sender=operator
        )


def test_remove_operator__unbinds_and_keeps_the_rest(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any, trustee: Any, outsider: Any
) -> None:
    registry.addOperator(registered, trustee, sender=operator)
    registry.addOperator(registered, outsider, sender=operator)
    tx = registry.removeOperator(registered, asset_manager, sender=operator)
    assert len(tx.events.filter(registry.OperatorRemoved)) == 1
    assert sorted(registry.operatorsOf(registered)) == sorted([trustee.address, outsider.address])
    assert bytes(registry.institutionOf(asset_manager)) == b"\0" * 20
    with reverts(registry.ParticipantRegistryNotOperatorOf):
        registry.removeOperator(registered, asset_manager, sender=operator)


def test_set_key__by_own_operator__bumps_version(
    registry: Any, registered: bytes, asset_manager: Any
) -> None:
    tx = registry.setEncryptionKey(registered, OTHER_KEY, sender=asset_manager)
    record = registry.getInstitution(registered)
    assert bytes(record.encryptionKey) == OTHER_KEY and record.version == 2
    assert [e.version for e in tx.events.filter(registry.EncryptionKeyChanged)] == [2]


def test_set_key__by_unrelated_party__reverts(
    registry: Any, registered: bytes, trustee: Any
) -> None:
    with reverts(registry.ParticipantRegistryNotAllowed):
        registry.setEncryptionKey(registered, OTHER_KEY, sender=trustee)


def test_suspend__blocks_own_key_rotation_until_reinstated(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any
) -> None:
    tx = registry.suspendInstitution(registered, "AML review", sender=operator)
    assert [e.reason for e in tx.events.filter(registry.InstitutionSuspended)] == ["AML review"]
    assert registry.getInstitution(registered).status == 2
    assert not registry.isActiveOperator(asset_manager)
    with reverts(registry.ParticipantRegistryAlreadySuspended):
        registry.suspendInstitution(registered, "again", sender=operator)
    with reverts(registry.ParticipantRegistryNotAllowed):
        registry.setEncryptionKey(registered, OTHER_KEY, sender=asset_manager)
    registry.reinstateInstitution(registered, sender=operator)
    assert registry.isActiveOperator(asset_manager)
    with reverts(registry.ParticipantRegistryNotSuspended):
        registry.reinstateInstitution(registered, sender=operator)


def test_get__unknown_lei__reverts(registry: Any) -> None:
    with reverts(registry.ParticipantRegistryUnknownInstitution):
        registry.getInstitution(LEIS["trustee"].encode())


LEI_CHARS = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=18, max_size=18)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=LEI_CHARS, check=st.integers(0, 99))
def test_lei_check__on_chain__agrees_with_python(
    registry: Any, operator: Any, prefix: str, check: int
) -> None:
    lei = f"{prefix}{check:02d}"
    call = registry.registerInstitution.call
    if lei_is_valid(lei):
        call(lei.encode(), TRUST_BANK, "Probe", KEY, [], sender=operator)
    else:
        with reverts(registry.ParticipantRegistryInvalidLei):
            call(lei.encode(), TRUST_BANK, "Probe", KEY, [], sender=operator)
