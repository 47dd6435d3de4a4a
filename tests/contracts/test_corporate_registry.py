"""CorporateRegistry: who may publish, what stays on chain (a sealed payload, its version,
publisher and time), and a recipient's refusal of a version."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from tests.contracts.reverts import reverts

COMMITMENT = b"\x02" * 32


def sealed(*leis: bytes) -> tuple[Any, ...]:
    return (COMMITMENT, b"ciphertext", [(lei, b"wrapped") for lei in leis])


def hashed(*leis: bytes) -> bytes:
    return keccak(encode(["bytes20[]"], [list(leis)]))


def test_publish__own_institution__versions_publisher_and_commitment(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    _, manager = fund_actors["fund_manager"]
    tx = corporate.publishCorporateInfo([(lei, sealed(lei, manager))], sender=account)
    [event] = tx.events.filter(corporate.CorporateInfoPublished)
    assert (event.version, event.publisher) == (1, account.address)
    assert [r[0] for r in event.info[2]] == [lei, manager]
    corporate.publishCorporateInfo([(lei, sealed(lei))], sender=account)
    state = corporate.getCorporateInfo(lei)
    assert (state.version, state.publisher, state.commitment) == (2, account.address, COMMITMENT)
    assert state.recipientsHash == hashed(lei), "the hash of the latest version's recipients"
    assert state.refusedBy == b"\0" * 20 and state.refusalReason == 0


def test_publish__another_institution__only_the_operator(
    corporate: Any, fund_actors: Any, operator: Any
) -> None:
    account, _ = fund_actors["fund_trustee"]
    _, other = fund_actors["fund_distributor"]
    with reverts(corporate.CorporateRegistryNotAllowed, account=account.address, lei=other):
        corporate.publishCorporateInfo([(other, sealed(other))], sender=account)
    corporate.publishCorporateInfo([(other, sealed(other))], sender=operator)
    assert corporate.getCorporateInfo(other).version == 1


def test_publish__suspended_institution__refused(
    corporate: Any, fund_actors: Any, registry: Any, operator: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    registry.suspendInstitution(lei, "licence review", sender=operator)
    with reverts(corporate.CorporateRegistryNotAllowed, account=account.address):
        corporate.publishCorporateInfo([(lei, sealed(lei))], sender=account)


def test_publish__not_sealed_to_the_owner_or_unknown_institution__each_its_own_error(
    corporate: Any, fund_actors: Any, operator: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    _, manager = fund_actors["fund_manager"]
    with reverts(corporate.CorporateRegistryOwnerNotRecipient, lei=lei):
        corporate.publishCorporateInfo([(lei, sealed(manager))], sender=account)
    unknown = b"5493000UNKNOWN000042"
    with reverts(corporate.CorporateRegistryUnknownInstitution, lei=unknown):
        corporate.publishCorporateInfo([(unknown, sealed(unknown))], sender=operator)


def test_publish__too_many_entries_or_recipients__each_its_own_error(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    with reverts(corporate.CorporateRegistryBatchTooLarge, size=65, maxSize=64):
        corporate.publishCorporateInfo([(lei, sealed(lei))] * 65, sender=account)
    with reverts(corporate.CorporateRegistryTooManyRecipients, lei=lei, count=33, maxCount=32):
        corporate.publishCorporateInfo([(lei, sealed(*[lei] * 33))], sender=account)


def test_publish__event_and_state__carry_no_status_date_or_giin(corporate: Any) -> None:
    """What every member reads: the event's and the state's fields, by name."""
    event = corporate.CorporateInfoPublished.abi
    assert [i.name for i in event.inputs] == ["lei", "version", "publisher", "info"]
    [view] = corporate.getCorporateInfo.abis
    state = view.outputs[0].components or []
    assert {c.name for c in state} == {
        "version", "publisher", "commitment", "recipientsHash", "refusedBy",
        "refusalReason",
    }  # fmt: skip


def test_refuse__by_a_recipient__recorded_once_until_a_new_version(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    manager_account, manager = fund_actors["fund_manager"]
    corporate.publishCorporateInfo([(lei, sealed(lei, manager))], sender=account)
    tx = corporate.refuseCorporateInfo(lei, 1, [lei, manager], 3, sender=manager_account)
    [event] = tx.events.filter(corporate.CorporateInfoRefused)
    assert (event.lei, event.version, event.by, event.reason) == (lei, 1, manager, 3)
    state = corporate.getCorporateInfo(lei)
    assert (state.refusedBy, state.refusalReason) == (manager, 3)
    with reverts(corporate.CorporateRegistryAlreadyRefused, lei=lei, version=1, by=manager):
        corporate.refuseCorporateInfo(lei, 1, [lei, manager], 1, sender=account)
    corporate.publishCorporateInfo([(lei, sealed(lei, manager))], sender=account)
    state = corporate.getCorporateInfo(lei)
    assert (state.version, state.refusedBy, state.refusalReason) == (2, b"\0" * 20, 0)


def test_refuse__by_a_non_recipient__refused_naming_its_institution(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    _, manager = fund_actors["fund_manager"]
    rival_account, rival = fund_actors["rival_manager"]
    corporate.publishCorporateInfo([(lei, sealed(lei, manager))], sender=account)
    with reverts(corporate.CorporateRegistryNotRecipient, lei=lei, version=1, caller=rival):
        corporate.refuseCorporateInfo(lei, 1, [lei, manager], 1, sender=rival_account)
    given = hashed(lei, manager, rival)
    with reverts(
        corporate.CorporateRegistryRecipientsMismatch,
        lei=lei, version=1, given=given, stored=hashed(lei, manager),
    ):  # fmt: skip
        corporate.refuseCorporateInfo(lei, 1, [lei, manager, rival], 1, sender=rival_account)


def test_refuse__suspended_recipient_or_outsider__refused_as_no_institution(
    corporate: Any, fund_actors: Any, registry: Any, operator: Any, outsider: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    manager_account, manager = fund_actors["fund_manager"]
    corporate.publishCorporateInfo([(lei, sealed(lei, manager))], sender=account)
    registry.suspendInstitution(manager, "licence review", sender=operator)
    with reverts(corporate.CorporateRegistryNotInstitution, account=manager_account.address):
        corporate.refuseCorporateInfo(lei, 1, [lei, manager], 1, sender=manager_account)
    with reverts(corporate.CorporateRegistryNotInstitution, account=outsider.address):
        corporate.refuseCorporateInfo(lei, 1, [lei, manager], 1, sender=outsider)


def test_refuse__old_version_unknown_record_or_bad_reason__each_its_own_error(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    manager_account, manager = fund_actors["fund_manager"]
    with reverts(corporate.CorporateRegistryNotPublished, lei=lei):
        corporate.refuseCorporateInfo(lei, 1, [lei, manager], 1, sender=manager_account)
    corporate.publishCorporateInfo([(lei, sealed(lei, manager))] * 2, sender=account)
    with reverts(corporate.CorporateRegistryNotLatestVersion, lei=lei, version=1, latest=2):
        corporate.refuseCorporateInfo(lei, 1, [lei, manager], 1, sender=manager_account)
    for reason in (0, 4):
        with reverts(corporate.CorporateRegistryInvalidRefusalReason, reason=reason):
            corporate.refuseCorporateInfo(lei, 2, [lei, manager], reason, sender=manager_account)


def test_get__never_published__reverts(corporate: Any, fund_actors: Any) -> None:
    with reverts(corporate.CorporateRegistryNotPublished):
        corporate.getCorporateInfo(fund_actors["rival_manager"][1])
