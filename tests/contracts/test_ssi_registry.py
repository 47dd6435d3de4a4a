"""SsiRegistry: versions per key, validation, counterparties notified, only the owner publishes."""

from __future__ import annotations

from typing import Any

from tests.contracts.reverts import reverts

FUND = 2


def terms(**changes: Any) -> tuple[Any, ...]:
    values = {
        "fund": b"\0" * 32,
        "market": b"XTKS",
        "kind": b"EQUITY".ljust(8, b"\0"),
        "currency": b"JPY",
        "method": b"DVP".ljust(8, b"\0"),
        "bic": b"MHCBJPJT".ljust(11, b"\0"),
        "place": b"JASDJPJT".ljust(11, b"\0"),
        "start": 20260401,
        "end": 0,
    }
    values.update(changes)
    return tuple(values.values())


def sealed(*leis: bytes) -> tuple[Any, ...]:
    return (b"\x01" * 32, b"ciphertext", [(lei, b"wrapped") for lei in leis])


def test_publish__stores_the_version_and_notifies_each_counterparty(
    ssis: Any, fund_actors: Any
) -> None:
    owner_account, owner = fund_actors["fund_custodian"]
    counterparties = [fund_actors["fund_manager"][1], fund_actors["fund_distributor"][1]]
    tx = ssis.publishSsis([(terms(), sealed(owner, *counterparties))], sender=owner_account)
    [published] = tx.events.filter(ssis.SsiPublished)
    key = ssis.ssiKeyOf(
        owner, b"\0" * 32, b"XTKS", b"EQUITY".ljust(8, b"\0"), b"JPY", b"DVP".ljust(8, b"\0")
    )
    assert bytes(published.ssiKey) == bytes(key) and published.version == 1
    notified = [bytes(e.counterparty) for e in tx.events.filter(ssis.SsiChangeNotified)]
    assert notified == counterparties
    again = ssis.publishSsis([(terms(start=20261001), sealed(owner))], sender=owner_account)
    state = ssis.getSsi(key)
    assert (state.version, state.effectiveFrom, bytes(state.owner)) == (2, 20261001, owner)
    assert not again.events.filter(ssis.SsiChangeNotified)


def test_publish__not_an_operator__reverts(ssis: Any, accounts: Any, fund_actors: Any) -> None:
    with reverts(ssis.SsiRegistryNotAnOperator):
        ssis.publishSsis([(terms(), sealed(fund_actors["fund_custodian"][1]))], sender=accounts[19])


def test_publish__owner_not_a_recipient__reverts(ssis: Any, fund_actors: Any) -> None:
    account, _ = fund_actors["fund_custodian"]
    with reverts(ssis.SsiRegistryOwnerNotRecipient):
        ssis.publishSsis([(terms(), sealed(fund_actors["fund_manager"][1]))], sender=account)


def test_publish__unknown_recipient__reverts(ssis: Any, fund_actors: Any) -> None:
    account, owner = fund_actors["fund_custodian"]
    with reverts(ssis.SsiRegistryUnknownRecipient):
        ssis.publishSsis([(terms(), sealed(owner, b"5493001KJTIIGC8Y1R12"))], sender=account)


def test_publish__bad_terms__each_refused_with_its_own_error_and_value(
    ssis: Any, fund_actors: Any
) -> None:
    account, owner = fund_actors["fund_custodian"]
    bad_fund = b"BP00000000X".ljust(32, b"\0")
    cases = [
        (terms(bic=b"MHCB1PJT".ljust(11, b"\0")), "SsiRegistryInvalidBic", {}),
        (terms(bic=b"MHCBJPJTX".ljust(11, b"\0")), "SsiRegistryInvalidBic", {}),
        (terms(place=b"JASD".ljust(11, b"\0")), "SsiRegistryInvalidBic", {}),
        (terms(market=b"\0" * 4), "SsiRegistryInvalidMarket", {"market": b"\0" * 4}),
        (
            terms(kind=b"\0" * 8),
            "SsiRegistryInvalidSecurityType",
            {"securityType": b"\0" * 8},
        ),
        (terms(currency=b"\0" * 3), "SsiRegistryInvalidCurrency", {"currency": b"\0" * 3}),
        (
            terms(method=b"\0" * 8),
            "SsiRegistryInvalidSettlementMethod",
            {"settlementMethod": b"\0" * 8},
        ),
        (terms(start=20261332), "SsiRegistryInvalidDate", {"date": 20261332}),
        (terms(end=20261332), "SsiRegistryInvalidDate", {"date": 20261332}),
        (
            terms(start=20260401, end=20260331),
            "SsiRegistryEndBeforeStart",
            {"effectiveFrom": 20260401, "effectiveTo": 20260331},
        ),
        (terms(fund=bad_fund), "SsiRegistryUnknownFund", {"fundCode": bad_fund}),
    ]
    for bad, error, values in cases:
        with reverts(error, **values):
            ssis.publishSsis([(bad, sealed(owner))], sender=account)


def test_publish__per_fund__needs_a_registered_fund(
    ssis: Any, funds: Any, fund_actors: Any
) -> None:
    from tests.contracts.test_fund_registry import register, registration

    [code] = register(funds, fund_actors, registration(fund_actors, "SSI-FUND"))
    account, owner = fund_actors["fund_custodian"]
    tx = ssis.publishSsis([(terms(fund=code), sealed(owner))], sender=account)
    assert bytes(tx.events.filter(ssis.SsiPublished)[0].terms[0]) == code


def test_get__unknown_key__reverts(ssis: Any) -> None:
    with reverts(ssis.SsiRegistryUnknownSsi):
        ssis.getSsi(b"\x07" * 32)
