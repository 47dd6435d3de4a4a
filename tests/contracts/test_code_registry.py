"""CodeRegistry: one record per (namespace, value), permanent namespaces, reverse look-up."""

from __future__ import annotations

from typing import Any

from tests.contracts.reverts import reverts

ISIN = b"ISIN".ljust(32, b"\0")
BPFC = b"BPFC".ljust(32, b"\0")
FUND = 2
SECURITY = 3


def rid(n: int) -> bytes:
    """A record id (its last byte zero, where the registry keeps the kind)."""
    return bytes([n]) * 31 + b"\0"


def code(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def test_link__resolves_and_lists_reverse(codes: Any, registrar: Any) -> None:
    fund = rid(1)
    tx = codes.link(ISIN, code("JP90C000H1T1"), FUND, fund, sender=registrar)
    target = codes.resolve(ISIN, code("JP90C000H1T1"))
    assert target.kind == FUND and bytes(target.recordId) == fund
    [linked] = tx.events.filter(codes.CodeLinked)
    assert (bytes(linked.value), linked.kind) == (code("JP90C000H1T1"), FUND)
    assert bytes(linked.recordId) == fund


def test_link__taken_code__reverts_naming_the_holder(codes: Any, registrar: Any) -> None:
    codes.link(ISIN, code("JP3633400001"), SECURITY, rid(2), sender=registrar)
    with reverts(codes.CodeRegistryCodeTaken):
        codes.link(ISIN, code("JP3633400001"), FUND, rid(3), sender=registrar)


def test_link__record_id_with_a_last_byte__reverts(codes: Any, registrar: Any) -> None:
    with reverts(codes.CodeRegistryInvalidTarget):
        codes.link(ISIN, code("LAST"), FUND, b"\x01" * 32, sender=registrar)


def test_link__unknown_namespace_or_empty_value__reverts(codes: Any, registrar: Any) -> None:
    with reverts(codes.CodeRegistryUnknownNamespace):
        codes.link(code("NOPE"), code("X"), FUND, rid(1), sender=registrar)
    with reverts(codes.CodeRegistryEmptyValue):
        codes.link(ISIN, b"\0" * 32, FUND, rid(1), sender=registrar)
    with reverts(codes.CodeRegistryInvalidTarget):
        codes.link(ISIN, code("X"), 0, rid(1), sender=registrar)


def test_unlink__frees_the_code_for_another_record(codes: Any, registrar: Any) -> None:
    first, second = rid(1), rid(2)
    codes.linkAll([(ISIN, code("A")), (ISIN, code("B"))], FUND, first, sender=registrar)
    tx = codes.unlink(ISIN, code("A"), sender=registrar)
    assert len(tx.events.filter(codes.CodeUnlinked)) == 1
    assert bytes(codes.resolve(ISIN, code("B")).recordId) == first
    with reverts(codes.CodeRegistryUnknownCode):
        codes.resolve(ISIN, code("A"))
    codes.link(ISIN, code("A"), FUND, second, sender=registrar)
    assert bytes(codes.resolve(ISIN, code("A")).recordId) == second


def test_unlink__permanent_namespace__reverts(codes: Any, registrar: Any) -> None:
    codes.link(BPFC, code("BP0000001"), FUND, rid(1), sender=registrar)
    with reverts(codes.CodeRegistryPermanentCode):
        codes.unlink(BPFC, code("BP0000001"), sender=registrar)


def test_link_all__one_taken__links_none(codes: Any, registrar: Any) -> None:
    codes.link(ISIN, code("TAKEN"), FUND, rid(9), sender=registrar)
    with reverts(codes.CodeRegistryCodeTaken):
        codes.linkAll([(ISIN, code("FREE")), (ISIN, code("TAKEN"))], FUND, rid(1), sender=registrar)
    with reverts(codes.CodeRegistryUnknownCode):
        codes.resolve(ISIN, code("FREE"))


def test_link_all__oversize_batch__reverts(codes: Any, registrar: Any) -> None:
    batch = [(ISIN, code(f"C{i}")) for i in range(33)]
    with reverts(codes.CodeRegistryBatchTooLarge):
        codes.linkAll(batch, FUND, rid(1), sender=registrar)


def test_register_namespace__twice__reverts(codes: Any, operator: Any) -> None:
    with reverts(codes.CodeRegistryNamespaceExists):
        codes.registerNamespace(ISIN, False, "again", sender=operator)
    namespace = codes.getNamespace(BPFC)
    assert namespace.registered and namespace.permanent
