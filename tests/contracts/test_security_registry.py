"""SecurityRegistry: securities by ISIN with an index; ISIN and local code in the code registry."""

from __future__ import annotations

from typing import Any

from tests.contracts.reverts import reverts

SECURITY = 3


def security(
    isin: str = "JP3633400001", local: bytes = b"7203", name: str = "Toyota Motor"
) -> tuple[Any, ...]:
    return (isin.encode(), local.ljust(8, b"\0"), b"XTKS", b"JPY", name)


def test_register__indexes_and_links_isin_and_local_code(
    securities: Any, codes: Any, accounts: Any
) -> None:
    tx = securities.registerSecurities(
        [security(), security("US0378331005", b"", "Apple")], sender=accounts[6]
    )
    events = tx.events.filter(securities.SecurityRegistered)
    assert [e.index for e in events] == [1, 2]
    toyota = securities.getSecurity(b"JP3633400001")
    assert (toyota.index, bytes(toyota.market), bytes(toyota.currency)) == (1, b"XTKS", b"JPY")
    assert bytes(securities.securityAt(2).isin) == b"US0378331005"
    target = codes.resolve(b"ISIN".ljust(32, b"\0"), b"JP3633400001".ljust(32, b"\0"))
    assert (target.kind, bytes(target.recordId)) == (SECURITY, b"JP3633400001".ljust(32, b"\0"))
    local = codes.resolve(b"LOCAL/XTKS".ljust(32, b"\0"), b"7203".ljust(32, b"\0"))
    assert bytes(local.recordId) == b"JP3633400001".ljust(32, b"\0")


def test_register__refusals(securities: Any, codes: Any, accounts: Any) -> None:
    provider = accounts[6]
    with reverts(securities.PlatformAccessUnauthorized):
        securities.registerSecurities([security()], sender=accounts[19])
    with reverts(securities.SecurityRegistryInvalidIsin):
        securities.registerSecurities([security("JP3633400002")], sender=provider)
    with reverts(securities.SecurityRegistryNameMissing, isin=b"JP3633400001"):
        securities.registerSecurities([security(name="")], sender=provider)
    no_market = (b"JP3633400001", b"7203".ljust(8, b"\0"), b"\0" * 4, b"JPY", "Toyota")
    with reverts(securities.SecurityRegistryInvalidMarket, market=b"\0" * 4):
        securities.registerSecurities([no_market], sender=provider)
    no_currency = (b"JP3633400001", b"7203".ljust(8, b"\0"), b"XTKS", b"\0" * 3, "Toyota")
    with reverts(securities.SecurityRegistryInvalidCurrency, currency=b"\0" * 3):
        securities.registerSecurities([no_currency], sender=provider)
    securities.registerSecurities([security()], sender=provider)
    with reverts(securities.SecurityRegistryAlreadyRegistered, isin=b"JP3633400001", index=1):
        securities.registerSecurities([security()], sender=provider)
    with reverts(codes.CodeRegistryCodeTaken):  # another ISIN, Toyota's local code
        securities.registerSecurities([security("JP3435000009")], sender=provider)
    with reverts(securities.SecurityRegistryUnknownSecurity):
        securities.getSecurity(b"US0378331005")


def test_register__isin_code_freed_by_the_operator__the_master_keeps_it_once(
    securities: Any, codes: Any, accounts: Any, operator: Any
) -> None:
    """A security whose ISIN code the operator freed (a squat undone, or a mistake) is still in
    the master: registering it again is refused, so its index and provider never change."""
    provider = accounts[6]
    securities.registerSecurities([security()], sender=provider)
    codes.unlink(
        b"ISIN".ljust(32, b"\0"), b"JP3633400001".ljust(32, b"\0"), "test", sender=operator
    )
    with reverts(securities.SecurityRegistryAlreadyRegistered, isin=b"JP3633400001", index=1):
        securities.registerSecurities([security()], sender=accounts[7])
    assert securities.getSecurity(b"JP3633400001").index == 1
