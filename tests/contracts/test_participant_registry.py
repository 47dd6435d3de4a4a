"""ParticipantRegistry: admission signed by the institution, validation, operators and keys
changed only with the institution's own signature, recovery by governance, suspension."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpost_client.identifiers import lei_is_valid
from bpost_client.platform.custody import (
    key_change_signer,
    sign_admission,
    sign_key_change,
    sign_operator_binding,
)
from tests.contracts.conftest import KEY, LEIS, OTHER_KEY
from tests.contracts.custody import (
    admit,
    bind,
    change_key,
    domain,
    fresh_account,
    private_key,
    recovery_signature,
)
from tests.contracts.reverts import reverts

TRUST_BANK = 3
THIRD_KEY = bytes.fromhex("02" + "33" * 32)


def test_register__valid__stores_the_record_and_binds_its_operator(
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
    assert registered in [bytes(registry.institutionAt(i)) for i in range(count)], "enumerated"


def test_register__emits_registered_and_operator_added(
    registry: Any, operator: Any, trustee: Any
) -> None:
    lei = LEIS["trustee"].encode()
    tx = admit(registry, operator, lei, TRUST_BANK, "Fuji Trust", KEY, trustee)
    registered = tx.events.filter(registry.InstitutionRegistered)
    added = tx.events.filter(registry.OperatorAdded)
    assert [bytes(e.lei) for e in registered] == [lei]
    assert [(bytes(e.lei), e.account) for e in added] == [(lei, trustee.address)]


def test_register__operator_binds_an_address_that_did_not_sign__reverts(
    registry: Any, operator: Any, trustee: Any, outsider: Any
) -> None:
    """The operator cannot bind a rival's address (or its own) to an institution: the address
    named must have signed the admission, for this LEI, type and key."""
    lei = LEIS["trustee"].encode()
    signed_by_trustee = sign_admission(private_key(trustee), domain(registry), lei, 3, KEY)
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=outsider.address,
                 recovered=trustee.address):  # fmt: skip
        registry.registerInstitution(
            lei, 3, "Fuji", KEY, outsider, signed_by_trustee, sender=operator
        )
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=trustee.address):
        registry.registerInstitution(  # the operator's own key swapped in for the signed one
            lei, 3, "Fuji", OTHER_KEY, trustee, signed_by_trustee, sender=operator
        )
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=trustee.address):
        registry.registerInstitution(lei, 3, "Fuji", KEY, trustee, b"\x01" * 65, sender=operator)


def test_register__twice__reverts(registry: Any, registered: bytes, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryAlreadyRegistered):
        admit(registry, operator, registered, 2, "Again", KEY)


def test_register__bad_check_digits__reverts(registry: Any, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryInvalidLei):
        admit(registry, operator, b"3538000FUJITRUST0139", TRUST_BANK, "Fuji", KEY)


def test_register__type_none__reverts(registry: Any, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryInvalidType):
        admit(registry, operator, LEIS["trustee"].encode(), 0, "Fuji", KEY)


def test_register__empty_or_long_name__reverts(registry: Any, operator: Any) -> None:
    lei = LEIS["trustee"].encode()
    with reverts(registry.ParticipantRegistryInvalidName):
        admit(registry, operator, lei, TRUST_BANK, "", KEY)
    with reverts(registry.ParticipantRegistryInvalidName):
        admit(registry, operator, lei, TRUST_BANK, "x" * 201, KEY)


def test_register__uncompressed_key__reverts(registry: Any, operator: Any) -> None:
    with reverts(registry.ParticipantRegistryInvalidEncryptionKey):
        admit(registry, operator, LEIS["trustee"].encode(), TRUST_BANK, "Fuji",
              b"\x04" + b"\x11" * 64)  # fmt: skip


def test_register__operator_of_another__reverts(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any
) -> None:
    with reverts(registry.ParticipantRegistryOperatorTaken):
        admit(registry, operator, LEIS["trustee"].encode(), TRUST_BANK, "Fuji", KEY, asset_manager)


def test_add_operator__by_the_institution_with_consent__binds(
    registry: Any, registered: bytes, asset_manager: Any, trustee: Any
) -> None:
    tx = bind(registry, registered, asset_manager, trustee)
    assert [e.account for e in tx.events.filter(registry.OperatorAdded)] == [trustee.address]
    assert bytes(registry.institutionOf(trustee)) == registered


def test_add_operator__by_the_platform_operator__reverts(
    registry: Any, registered: bytes, operator: Any, outsider: Any
) -> None:
    """The operator cannot bind even a consenting address to an institution that is not its own."""
    version = registry.getInstitution(registered).version
    consent = sign_operator_binding(private_key(outsider), domain(registry), registered, version)
    with reverts(registry.ParticipantRegistryNotAllowed, account=operator.address,
                 lei=registered):  # fmt: skip
        registry.addOperator(registered, outsider, consent, sender=operator)


def test_add_operator__address_that_did_not_consent__reverts(
    registry: Any, registered: bytes, asset_manager: Any, trustee: Any, outsider: Any
) -> None:
    """An institution cannot claim a rival's address: the address itself must consent."""
    version = registry.getInstitution(registered).version
    by_outsider = sign_operator_binding(
        private_key(outsider), domain(registry), registered, version
    )
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=trustee.address):
        registry.addOperator(registered, trustee, by_outsider, sender=asset_manager)


def test_add_operator__seventeenth__reverts(
    registry: Any, registered: bytes, asset_manager: Any
) -> None:
    for _ in range(15):
        bind(registry, registered, asset_manager, fresh_account())
    with reverts(registry.ParticipantRegistryTooManyOperators, count=17, maxCount=16):
        bind(registry, registered, asset_manager, fresh_account())


def test_remove_operator__by_the_institution__unbinds_and_keeps_the_last(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any, trustee: Any
) -> None:
    bind(registry, registered, asset_manager, trustee)
    with reverts(registry.ParticipantRegistryNotAllowed, account=operator.address):
        registry.removeOperator(registered, asset_manager, sender=operator)
    tx = registry.removeOperator(registered, asset_manager, sender=trustee)
    assert len(tx.events.filter(registry.OperatorRemoved)) == 1
    assert registry.operatorsOf(registered) == [trustee.address]
    assert bytes(registry.institutionOf(asset_manager)) == b"\0" * 20
    with reverts(registry.ParticipantRegistryNotOperatorOf):
        registry.removeOperator(registered, asset_manager, sender=trustee)
    with reverts(registry.ParticipantRegistryLastOperator, lei=registered, account=trustee.address):
        registry.removeOperator(registered, trustee, sender=trustee)


def test_set_key__signed_by_own_operator__sent_by_anyone__bumps_version(
    registry: Any, registered: bytes, asset_manager: Any, outsider: Any
) -> None:
    tx = change_key(registry, registered, asset_manager, OTHER_KEY, sender=outsider)
    record = registry.getInstitution(registered)
    assert bytes(record.encryptionKey) == OTHER_KEY and record.version == 2
    [event] = tx.events.filter(registry.EncryptionKeyChanged)
    assert event.version == 2 and event.signer == asset_manager.address
    signer = key_change_signer(domain(registry), registered, OTHER_KEY, 1, bytes(event.signature))
    assert signer == asset_manager.address, "any client checks the signature on its own"


def test_set_key__without_the_institutions_signature__reverts(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any
) -> None:
    """The platform operator cannot replace an institution's key: its own signature is not the
    institution's, and a signature of the institution is bound to one key and one version."""
    version = registry.getInstitution(registered).version
    by_operator = sign_key_change(private_key(operator), domain(registry), registered, THIRD_KEY,
                                  version)  # fmt: skip
    with reverts(registry.ParticipantRegistryNotAllowed, account=operator.address):
        registry.setEncryptionKey(registered, THIRD_KEY, operator, by_operator, sender=operator)
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=asset_manager.address):
        registry.setEncryptionKey(registered, THIRD_KEY, asset_manager, by_operator,
                                  sender=operator)  # fmt: skip
    signed = sign_key_change(private_key(asset_manager), domain(registry), registered, OTHER_KEY,
                             version)  # fmt: skip
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=asset_manager.address):
        registry.setEncryptionKey(registered, THIRD_KEY, asset_manager, signed, sender=operator)
    registry.setEncryptionKey(registered, OTHER_KEY, asset_manager, signed, sender=operator)
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=asset_manager.address):
        registry.setEncryptionKey(registered, OTHER_KEY, asset_manager, signed, sender=operator)


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
        change_key(registry, registered, asset_manager, OTHER_KEY)
    registry.reinstateInstitution(registered, sender=operator)
    assert registry.isActiveOperator(asset_manager)
    with reverts(registry.ParticipantRegistryNotSuspended):
        registry.reinstateInstitution(registered, sender=operator)


def test_recover__by_governance__replaces_every_operator_and_the_key_visibly(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any, trustee: Any
) -> None:
    bind(registry, registered, asset_manager, trustee)
    new = fresh_account()
    signature = recovery_signature(registry, registered, new, THIRD_KEY)
    tx = registry.recoverInstitution(registered, new.address, THIRD_KEY, signature, "keys lost",
                                     sender=operator)  # fmt: skip
    [event] = tx.events.filter(registry.InstitutionRecovered)
    assert (event.operator, bytes(event.encryptionKey), event.reason) == (
        new.address,
        THIRD_KEY,
        "keys lost",
    )
    removed = {e.account for e in tx.events.filter(registry.OperatorRemoved)}
    assert removed == {asset_manager.address, trustee.address}
    assert registry.operatorsOf(registered) == [new.address]
    assert bytes(registry.getInstitution(registered).encryptionKey) == THIRD_KEY


def test_recover__new_address_did_not_sign__reverts(
    registry: Any, registered: bytes, operator: Any, outsider: Any
) -> None:
    """Governance cannot hand an institution to an address it does not hold the key of."""
    signature = recovery_signature(registry, registered, fresh_account(), THIRD_KEY)
    with reverts(registry.ParticipantRegistryInvalidSignature, signer=outsider.address):
        registry.recoverInstitution(registered, outsider, THIRD_KEY, signature, "x",
                                    sender=operator)  # fmt: skip


def test_get__unknown_lei__reverts(registry: Any) -> None:
    with reverts(registry.ParticipantRegistryUnknownInstitution):
        registry.getInstitution(LEIS["trustee"].encode())


LEI_CHARS = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=18, max_size=18)
PROBE = fresh_account()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=LEI_CHARS, check=st.integers(0, 99))
def test_lei_check__on_chain__agrees_with_python(
    registry: Any, operator: Any, prefix: str, check: int
) -> None:
    lei = f"{prefix}{check:02d}".encode()
    signature = sign_admission(private_key(PROBE), domain(registry), lei, TRUST_BANK, KEY)
    call = registry.registerInstitution.call
    if lei_is_valid(lei.decode()):
        call(lei, TRUST_BANK, "Probe", KEY, PROBE.address, signature, sender=operator)
    else:
        with reverts(registry.ParticipantRegistryInvalidLei):
            call(lei, TRUST_BANK, "Probe", KEY, PROBE.address, signature, sender=operator)


def test_key_version__follows_key_changes_and_recovery_not_other_changes(
    registry: Any, registered: bytes, operator: Any, asset_manager: Any, trustee: Any
) -> None:
    """The version of the current key is the record version that set it: a rename, a suspension
    or an operator binding moves the record's version, not the key's."""
    assert registry.encryptionKeyVersion(registered) == 1, "set at admission"
    assert registry.encryptionKeyVersion(LEIS["trustee"].encode()) == 0, "unknown"
    registry.renameInstitution(registered, "Sakura AM", sender=operator)
    bind(registry, registered, asset_manager, trustee)
    assert registry.encryptionKeyVersion(registered) == 1
    tx = change_key(registry, registered, asset_manager, OTHER_KEY)
    [event] = tx.events.filter(registry.EncryptionKeyChanged)
    assert registry.encryptionKeyVersion(registered) == event.version == 4
    registry.suspendInstitution(registered, "review", sender=operator)
    registry.reinstateInstitution(registered, sender=operator)
    assert registry.encryptionKeyVersion(registered) == 4
    new = fresh_account()
    signature = recovery_signature(registry, registered, new, THIRD_KEY)
    tx = registry.recoverInstitution(registered, new.address, THIRD_KEY, signature, "keys lost",
                                     sender=operator)  # fmt: skip
    [recovered] = tx.events.filter(registry.InstitutionRecovered)
    assert registry.encryptionKeyVersion(registered) == recovered.version == 7
