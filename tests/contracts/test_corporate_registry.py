"""CorporateRegistry: who may publish, validation of the public part, versions."""

from __future__ import annotations

from typing import Any

from tests.contracts.reverts import reverts


def info(**changes: Any) -> tuple[Any, ...]:
    values = {
        "address": "1-1 Nihonbashi, Chuo-ku, Tokyo",
        "aml": 3,
        "review": 20270331,
        "fatca": 1,
        "giin": b"98Q96B.00000.LE.392",
        "crs": 1,
        "renewal": 20270101,
        "documents": [b"\x05" * 32],
    }
    values.update(changes)
    return tuple(values.values())


def sealed(lei: bytes) -> tuple[Any, ...]:
    return (b"\x02" * 32, b"ciphertext", [(lei, b"wrapped")])


def test_publish__own_institution__versions_and_state(corporate: Any, fund_actors: Any) -> None:
    account, lei = fund_actors["fund_trustee"]
    tx = corporate.publishCorporateInfo([(lei, info(), sealed(lei))], sender=account)
    [event] = tx.events.filter(corporate.CorporateInfoPublished)
    assert event.version == 1 and event.info[0].startswith("1-1")
    corporate.publishCorporateInfo([(lei, info(aml=2), sealed(lei))], sender=account)
    state = corporate.getCorporateInfo(lei)
    assert (state.version, state.amlStatus, state.nextReviewDate) == (2, 2, 20270331)


def test_publish__another_institution__only_the_operator(
    corporate: Any, fund_actors: Any, operator: Any
) -> None:
    account, _ = fund_actors["fund_trustee"]
    _, other = fund_actors["fund_distributor"]
    with reverts(corporate.CorporateRegistryNotAllowed):
        corporate.publishCorporateInfo([(other, info(), sealed(other))], sender=account)
    corporate.publishCorporateInfo([(other, info(), sealed(other))], sender=operator)
    assert corporate.getCorporateInfo(other).version == 1


def test_publish__bad_fields__each_refused_with_its_own_error_and_value(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    cases = [
        (info(address=""), "CorporateRegistryEmptyAddress", {"lei": lei}),
        (info(aml=5), "CorporateRegistryInvalidAmlStatus", {"lei": lei, "status": 5}),
        (info(fatca=0), "CorporateRegistryInvalidFatcaStatus", {"lei": lei, "status": 0}),
        (info(crs=4), "CorporateRegistryInvalidCrsStatus", {"lei": lei, "status": 4}),
        (info(review=20271340), "CorporateRegistryInvalidReviewDate", {"date": 20271340}),
        (info(renewal=20270000), "CorporateRegistryInvalidLeiRenewalDate", {"date": 20270000}),
        (
            info(documents=[b"\x05" * 32] * 33),
            "CorporateRegistryTooManyDocuments",
            {"lei": lei, "count": 33, "maxCount": 32},
        ),
        (
            info(giin=b"98Q96B-00000.LE.392"),
            "CorporateRegistryInvalidGiin",
            {"giin": b"98Q96B-00000.LE.392"},
        ),
    ]
    for bad, error, values in cases:
        with reverts(error, **values):
            corporate.publishCorporateInfo([(lei, bad, sealed(lei))], sender=account)
    with reverts(corporate.CorporateRegistryOwnerNotRecipient, lei=lei):
        corporate.publishCorporateInfo(
            [(lei, info(), sealed(fund_actors["fund_manager"][1]))], sender=account
        )


def test_publish__too_many_entries_or_recipients__each_its_own_error(
    corporate: Any, fund_actors: Any
) -> None:
    account, lei = fund_actors["fund_trustee"]
    with reverts(corporate.CorporateRegistryBatchTooLarge, size=65, maxSize=64):
        corporate.publishCorporateInfo([(lei, info(), sealed(lei))] * 65, sender=account)
    crowded = (b"\x02" * 32, b"ciphertext", [(lei, b"wrapped")] * 33)
    with reverts(corporate.CorporateRegistryTooManyRecipients, lei=lei, count=33, maxCount=32):
        corporate.publishCorporateInfo([(lei, info(), crowded)], sender=account)


def test_get__never_published__reverts(corporate: Any, fund_actors: Any) -> None:
    with reverts(corporate.CorporateRegistryNotPublished):
        corporate.getCorporateInfo(fund_actors["rival_manager"][1])
