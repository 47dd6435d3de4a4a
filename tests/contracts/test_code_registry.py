"""CodeRegistry: one record per (namespace, value); namespaces with owners (their linkers, each
for one kind of record and the institution types it links for); permanent namespaces; codes
freed only by the operator, with a reason on the record. The attacks of issue 17 on codes are
tried here, each refused with its custom error."""

from __future__ import annotations

from typing import Any

import pytest

from bpost_client.identifiers import fund_code
from tests.contracts.conftest import KEY, b32, role_id, types_mask
from tests.contracts.custody import admit, bind
from tests.contracts.reverts import reverts
from tests.contracts.test_fund_registry import register, registration

ISIN, BPFC, VENDOR = b32("ISIN"), b32("BPFC"), b32("VENDOR")
NONE, INSTITUTION, FUND, SECURITY = 0, 1, 2, 3  # ICodeRegistry.RecordKind
ASSET_MANAGER, TRUST_BANK, DATA_PROVIDER = 2, 3, 8  # IParticipantRegistry.InstitutionType
TOYOTA, SONY = "JP3633400001", "JP3435000009"
FUND_ISIN = "JP90C000H1T1"


def rid(n: int) -> bytes:
    """A record id (its last byte zero, where the registry keeps the kind)."""
    return bytes([n]) * 31 + b"\0"


def security(isin: str, local: bytes = b"") -> tuple[Any, ...]:
    return (isin.encode(), local.ljust(8, b"\0"), b"XTKS", b"JPY", f"Security {isin}")


@pytest.fixture
def vendor(codes: Any, operator: Any, registrar: Any, registered: bytes) -> bytes:
    """Namespace VENDOR, linked by the registrar's key for funds of asset managers; the LEI of
    the asset manager (active) it links for."""
    linkers = [(registrar, FUND, types_mask(ASSET_MANAGER))]
    codes.registerNamespace(VENDOR, False, "a vendor's fund codes", linkers, sender=operator)
    return registered


# -- linking: one record per code ----------------------------------------------------------


def test_link__resolves_and_names_the_institution(
    codes: Any, registrar: Any, vendor: bytes
) -> None:
    tx = codes.link(VENDOR, b32("V-1"), FUND, rid(1), vendor, sender=registrar)
    target = codes.resolve(VENDOR, b32("V-1"))
    assert target.kind == FUND and bytes(target.recordId) == rid(1)
    [linked] = tx.events.filter(codes.CodeLinked)
    assert (bytes(linked.value), linked.kind, bytes(linked.recordId)) == (b32("V-1"), FUND, rid(1))
    assert bytes(linked.institution) == vendor, "the event names whom the code was linked for"


def test_link__taken_code__reverts_naming_the_holder(
    codes: Any, registrar: Any, vendor: bytes
) -> None:
    codes.link(VENDOR, b32("V-2"), FUND, rid(2), vendor, sender=registrar)
    with reverts(codes.CodeRegistryCodeTaken, kind=FUND, recordId=rid(2)):
        codes.link(VENDOR, b32("V-2"), FUND, rid(3), vendor, sender=registrar)


def test_link__record_id_with_a_last_byte__reverts(
    codes: Any, registrar: Any, vendor: bytes
) -> None:
    with reverts(codes.CodeRegistryInvalidTarget):
        codes.link(VENDOR, b32("LAST"), FUND, b"\x01" * 32, vendor, sender=registrar)


def test_link__unknown_namespace_empty_value_or_no_kind__reverts(
    codes: Any, registrar: Any, vendor: bytes
) -> None:
    with reverts(codes.CodeRegistryUnknownNamespace, namespace=b32("NOPE")):
        codes.link(b32("NOPE"), b32("X"), FUND, rid(1), vendor, sender=registrar)
    with reverts(codes.CodeRegistryEmptyValue):
        codes.link(VENDOR, b"\0" * 32, FUND, rid(1), vendor, sender=registrar)
    with reverts(codes.CodeRegistryNotLinker, kind=NONE):
        codes.link(VENDOR, b32("X"), NONE, rid(1), vendor, sender=registrar)


def test_link_all__one_taken__links_none(codes: Any, registrar: Any, vendor: bytes) -> None:
    codes.link(VENDOR, b32("TAKEN"), FUND, rid(9), vendor, sender=registrar)
    with reverts(codes.CodeRegistryCodeTaken):
        codes.linkAll(
            [(VENDOR, b32("FREE")), (VENDOR, b32("TAKEN"))], FUND, rid(1), vendor, sender=registrar
        )
    with reverts(codes.CodeRegistryUnknownCode):
        codes.resolve(VENDOR, b32("FREE"))


def test_link_all__oversize_batch__reverts(codes: Any, registrar: Any, vendor: bytes) -> None:
    batch = [(VENDOR, b32(f"C{i}")) for i in range(33)]
    with reverts(codes.CodeRegistryBatchTooLarge, size=33, maxSize=32):
        codes.linkAll(batch, FUND, rid(1), vendor, sender=registrar)


def test_register_namespace__twice_or_a_bad_name_or_not_the_operator__reverts(
    codes: Any, operator: Any, registrar: Any
) -> None:
    with reverts(codes.CodeRegistryNamespaceExists, namespace=ISIN):
        codes.registerNamespace(ISIN, False, "again", [], sender=operator)
    for name in (b"\0" * 32, b32("AM/3538000SAKURAAM00151"), b32("/X")):
        with reverts(codes.CodeRegistryInvalidNamespace, namespace=name):
            codes.registerNamespace(name, False, "a sub-namespace is opened by its parent", [],
                                    sender=operator)  # fmt: skip
    with reverts(codes.PlatformAccessUnauthorized):
        codes.registerNamespace(b32("MINE"), False, "a registrar's own", [], sender=registrar)
    assert not codes.getNamespace(b32("MINE")).registered


# -- owners: linkers, kinds, institution types, an institution's own namespace --------------


def test_link__by_a_key_that_is_no_linker_of_the_namespace__refused(
    codes: Any, registrar: Any, vendor: bytes
) -> None:
    """A CODE_REGISTRAR key links nowhere it is not named: not in ISIN, whose linkers are the
    security master and the fund registry."""
    with reverts(codes.CodeRegistryNotLinker, namespace=ISIN, kind=FUND):
        codes.link(ISIN, b32(TOYOTA), FUND, rid(1), vendor, sender=registrar)
    with reverts(codes.CodeRegistryNotLinker, namespace=VENDOR, kind=SECURITY):
        codes.link(VENDOR, b32("V-S"), SECURITY, rid(1), vendor, sender=registrar)


def test_link__for_an_institution_of_another_type__refused(
    codes: Any, registrar: Any, vendor: bytes, funds: Any, fund_actors: dict[str, Any]
) -> None:
    trust_bank = fund_actors["fund_trustee"][1]
    with reverts(
        codes.CodeRegistryInstitutionTypeNotAllowed,
        namespace=VENDOR, institution=trust_bank, institutionType=TRUST_BANK,
    ):  # fmt: skip
        codes.link(VENDOR, b32("V-T"), FUND, rid(1), trust_bank, sender=registrar)


def test_link__for_a_suspended_or_unknown_institution__refused(
    codes: Any, registry: Any, operator: Any, registrar: Any, vendor: bytes
) -> None:
    registry.suspendInstitution(vendor, "review", sender=operator)
    with reverts(codes.CodeRegistryInstitutionNotActive, institution=vendor, status=2):
        codes.link(VENDOR, b32("V-X"), FUND, rid(1), vendor, sender=registrar)
    unknown = b"3538000UNKNOWN000000"
    with reverts(codes.CodeRegistryInstitutionNotActive, institution=unknown, status=0):
        codes.linkAll([(VENDOR, b32("V-Y"))], FUND, rid(1), unknown, sender=registrar)


def test_keys_of_a_suspended_institution__neither_link_nor_unlink(
    codes: Any, registry: Any, operator: Any, registrar: Any, vendor: bytes
) -> None:
    """The operator's and the registrar's keys bound to the platform operator's institution:
    once it is suspended, neither links, opens, names a linker nor frees a code."""
    codes.link(VENDOR, b32("V-S"), FUND, rid(1), vendor, sender=registrar)
    platform = b"3538000BPOSTOPER0110"
    admit(registry, operator, platform, 1, "Operator", KEY, operator)
    bind(registry, platform, operator, registrar)
    registry.suspendInstitution(platform, "audit", sender=operator)
    with reverts(codes.PlatformAccessUnauthorized):
        codes.link(VENDOR, b32("V-T"), FUND, rid(1), vendor, sender=registrar)
    with reverts(codes.PlatformAccessUnauthorized):
        codes.openSubNamespace(b32("VENDOR/S"), b"\0" * 20, "suspended", sender=registrar)
    with reverts(codes.PlatformAccessUnauthorized):
        codes.setLinker(VENDOR, registrar, NONE, 0, sender=operator)
    with reverts(codes.PlatformAccessUnauthorized):
        codes.unlink(VENDOR, b32("V-S"), "suspended", sender=operator)


def test_sub_namespace__opened_by_a_parent_linker__linked_for_its_owner_only(
    codes: Any,
    access: Any,
    operator: Any,
    registrar: Any,
    outsider: Any,
    vendor: bytes,
    funds: Any,
    fund_actors: dict[str, Any],
) -> None:
    own = b32("VENDOR/" + vendor.decode())
    tx = codes.openSubNamespace(own, vendor, "the manager's own", sender=registrar)
    assert len(tx.events.filter(codes.NamespaceLinkerSet)) == 1
    namespace = codes.getNamespace(own)
    assert namespace.registered and bytes(namespace.owner) == vendor and not namespace.permanent
    assert codes.linkerOf(own, registrar).kind == FUND
    codes.link(own, b32("MINE-1"), FUND, rid(1), vendor, sender=registrar)
    rival = fund_actors["rival_manager"][1]
    with reverts(codes.CodeRegistryNotNamespaceOwner, namespace=own, owner=vendor,
                 institution=rival):  # fmt: skip
        codes.link(own, b32("MINE-2"), FUND, rid(2), rival, sender=registrar)
    access.grantRole(role_id("CODE_REGISTRAR_ROLE"), outsider, sender=operator)
    with reverts(codes.CodeRegistryNotLinker, namespace=VENDOR, kind=NONE):
        codes.openSubNamespace(b32("VENDOR/X"), b"\0" * 20, "not its parent's", sender=outsider)
    with reverts(codes.CodeRegistryNotLinker, namespace=ISIN, kind=NONE):
        codes.openSubNamespace(b32("ISIN/X"), b"\0" * 20, "not its parent's", sender=registrar)
    with reverts(codes.CodeRegistryNamespaceExists, namespace=own):
        codes.openSubNamespace(own, rival, "taken over", sender=registrar)
    for name in (b32("VENDOR/"), b32("VENDOR")):
        with reverts(codes.CodeRegistryInvalidNamespace, namespace=name):
            codes.openSubNamespace(name, b"\0" * 20, "no suffix", sender=registrar)


def test_fund_registry__opens_the_managers_namespace_owned_by_the_manager(
    codes: Any, funds: Any, fund_actors: dict[str, Any]
) -> None:
    register(funds, fund_actors, registration(fund_actors, "OWNED"))
    manager = fund_actors["fund_manager"][1]
    namespace = codes.getNamespace(b"AM/" + manager + bytes(9))
    assert namespace.registered and bytes(namespace.owner) == manager


def test_set_linker__changes_who_links__by_the_operator_only(
    codes: Any, operator: Any, registrar: Any, vendor: bytes
) -> None:
    tx = codes.setLinker(VENDOR, registrar, NONE, 0, sender=operator)
    [event] = tx.events.filter(codes.NamespaceLinkerSet)
    assert (event.kind, event.institutionTypes) == (NONE, 0)
    with reverts(codes.CodeRegistryNotLinker, namespace=VENDOR, kind=FUND):
        codes.link(VENDOR, b32("V-R"), FUND, rid(1), vendor, sender=registrar)
    with reverts(codes.PlatformAccessUnauthorized):
        codes.setLinker(VENDOR, registrar, FUND, types_mask(ASSET_MANAGER), sender=registrar)
    for kind, types in ((NONE, 4), (FUND, 0), (FUND, 1), (FUND, 1 << 10)):
        with reverts(codes.CodeRegistryInvalidLinker, kind=kind, institutionTypes=types):
            codes.setLinker(VENDOR, registrar, kind, types, sender=operator)


# -- the attacks of issue 17 ----------------------------------------------------------------


def test_isin__a_providers_security__a_manager_cannot_link_it_to_its_fund(
    codes: Any, funds: Any, securities: Any, fund_actors: dict[str, Any], data_providers: Any
) -> None:
    """An asset manager links a data provider's ISIN to its own fund: refused, naming the
    security; the provider's next batch still works."""
    provider = data_providers["provider"][0]
    securities.registerSecurities([security(TOYOTA, b"7203")], sender=provider)
    [fund] = register(funds, fund_actors, registration(fund_actors, "SQUAT-1"))
    held = {"namespace": ISIN, "value": b32(TOYOTA), "heldKind": SECURITY,
            "heldRecordId": b32(TOYOTA), "kind": FUND, "recordId": fund}  # fmt: skip
    manager = fund_actors["fund_manager"][0]
    with reverts(codes.CodeRegistryCodeHeldByOtherKind, **held):
        funds.linkCodes(fund, [(ISIN, b32(TOYOTA))], sender=manager)
    with reverts(codes.CodeRegistryCodeHeldByOtherKind, heldKind=SECURITY, kind=FUND):
        register(funds, fund_actors, registration(fund_actors, "SQUAT-2", [("ISIN", TOYOTA)]))
    securities.registerSecurities([security(SONY, b"6758")], sender=provider)
    assert codes.resolve(ISIN, b32(TOYOTA)).kind == SECURITY
    assert codes.resolve(ISIN, b32(SONY)).kind == SECURITY


def test_isin__a_funds_isin__a_provider_cannot_register_it_as_a_security(
    codes: Any, funds: Any, securities: Any, fund_actors: dict[str, Any], data_providers: Any
) -> None:
    """The reverse: a data provider registers a security under a fund's ISIN: refused, naming
    the fund; the security master does not take it."""
    [fund] = register(funds, fund_actors, registration(fund_actors, "OWN", [("ISIN", FUND_ISIN)]))
    held = {"namespace": ISIN, "value": b32(FUND_ISIN), "heldKind": FUND, "heldRecordId": fund,
            "kind": SECURITY, "recordId": b32(FUND_ISIN)}  # fmt: skip
    with reverts(codes.CodeRegistryCodeHeldByOtherKind, **held):
        securities.registerSecurities([security(FUND_ISIN)], sender=data_providers["provider"][0])
    with reverts(securities.SecurityRegistryUnknownSecurity):
        securities.getSecurity(FUND_ISIN.encode())
    assert bytes(codes.resolve(ISIN, b32(FUND_ISIN)).recordId) == fund


def test_isin__squatted_before_registration__operator_unlinks_with_reason_then_batch_works(
    codes: Any,
    funds: Any,
    securities: Any,
    operator: Any,
    fund_actors: dict[str, Any],
    data_providers: Any,
) -> None:
    """A manager links an ISIN no security holds yet; the provider's batch is refused naming
    the fund; the operator frees the code with a reason on the record; the batch then works
    and the manager cannot take the ISIN back."""
    [fund] = register(funds, fund_actors, registration(fund_actors, "SQUATTER"))
    manager = fund_actors["fund_manager"][0]
    funds.linkCodes(fund, [(ISIN, b32(SONY))], sender=manager)
    provider = data_providers["provider"][0]
    batch = [security(TOYOTA), security(SONY, b"6758")]
    with reverts(codes.CodeRegistryCodeHeldByOtherKind, value=b32(SONY), heldKind=FUND,
                 heldRecordId=fund, kind=SECURITY):  # fmt: skip
        securities.registerSecurities(batch, sender=provider)
    reason = "squatted: Sony Group's ISIN, not this fund's (ticket 42)"
    tx = codes.unlink(ISIN, b32(SONY), reason, sender=operator)
    [event] = tx.events.filter(codes.CodeUnlinked)
    assert (event.kind, bytes(event.recordId), event.by, event.reason) == (
        FUND,
        fund,
        operator.address,
        reason,
    ), "the unlink names the record, who freed the code and why"
    securities.registerSecurities(batch, sender=provider)
    assert bytes(codes.resolve(ISIN, b32(SONY)).recordId) == b32(SONY)
    with reverts(codes.CodeRegistryCodeHeldByOtherKind, heldKind=SECURITY, kind=FUND):
        funds.linkCodes(fund, [(ISIN, b32(SONY))], sender=manager)


def test_unlink__by_anyone_but_the_operator__refused(
    codes: Any,
    funds: Any,
    securities: Any,
    operator: Any,
    registrar: Any,
    outsider: Any,
    fund_actors: dict[str, Any],
    data_providers: Any,
) -> None:
    provider = data_providers["provider"][0]
    securities.registerSecurities([security(TOYOTA)], sender=provider)
    for who in (registrar, fund_actors["fund_manager"][0], provider, outsider):
        with reverts(codes.PlatformAccessUnauthorized):
            codes.unlink(ISIN, b32(TOYOTA), "mine now", sender=who)
    with reverts(codes.CodeRegistryEmptyReason, namespace=ISIN, value=b32(TOYOTA)):
        codes.unlink(ISIN, b32(TOYOTA), "", sender=operator)
    with reverts(codes.CodeRegistryUnknownCode, namespace=ISIN, value=b32(SONY)):
        codes.unlink(ISIN, b32(SONY), "never linked", sender=operator)
    [fund] = register(funds, fund_actors, registration(fund_actors, "PERMANENT"))
    with reverts(codes.CodeRegistryPermanentCode, namespace=BPFC, value=fund):
        codes.unlink(BPFC, fund, "a platform fund code is never freed", sender=operator)
    assert codes.resolve(ISIN, b32(TOYOTA)).kind == SECURITY


def test_fund_code_namespace__no_code_registrar_links_in_it__registration_goes_on(
    codes: Any, funds: Any, operator: Any, registrar: Any, vendor: bytes, fund_actors: Any
) -> None:
    """A CODE_REGISTRAR key links the next platform fund code: refused, so fund registration
    is never bricked; the operator can neither name another linker of BPFC nor register a
    permanent namespace a key links in."""
    following = b32(fund_code(funds.fundCount() + 1))
    with reverts(codes.CodeRegistryNotLinker, namespace=BPFC, kind=FUND):
        codes.link(BPFC, following, FUND, following, vendor, sender=registrar)
    with reverts(codes.CodeRegistryPermanentNamespace, namespace=BPFC):
        codes.setLinker(BPFC, registrar, FUND, types_mask(ASSET_MANAGER), sender=operator)
    one_key = [(registrar, FUND, types_mask(ASSET_MANAGER))]
    with reverts(codes.CodeRegistryPermanentLinker, namespace=b32("KEYED")):
        codes.registerNamespace(b32("KEYED"), True, "a key's", one_key, sender=operator)
    two = [(funds, FUND, types_mask(ASSET_MANAGER))] * 2
    with reverts(codes.CodeRegistryPermanentLinker, namespace=b32("TWICE")):
        codes.registerNamespace(b32("TWICE"), True, "two linkers", two, sender=operator)
    assert register(funds, fund_actors, registration(fund_actors, "NEXT")) == [following]
    assert codes.linkerOf(BPFC, funds).kind == FUND and codes.linkerOf(BPFC, registrar).kind == 0


def test_link_codes__a_manager_into_lei_bic_or_local_namespaces__refused(
    codes: Any,
    funds: Any,
    securities: Any,
    operator: Any,
    fund_actors: dict[str, Any],
    data_providers: Any,
) -> None:
    """An asset manager links any value of LEI, BIC or LOCAL/<MIC> to its fund: refused, the
    fund registry links in none of them; the provider's local codes stay its own."""
    for name in ("LEI", "BIC"):  # institutions' codes: no linker yet
        codes.registerNamespace(b32(name), False, name, [], sender=operator)
    provider = data_providers["provider"][0]
    securities.registerSecurities([security(TOYOTA, b"7203")], sender=provider)
    [fund] = register(funds, fund_actors, registration(fund_actors, "GREEDY"))
    manager = fund_actors["fund_manager"][0]
    trustee_lei = fund_actors["fund_trustee"][1].decode()
    for namespace, value in (("LEI", trustee_lei), ("BIC", "FUJIJPJT"), ("LOCAL/XTKS", "6758")):
        with reverts(codes.CodeRegistryNotLinker, namespace=b32(namespace), kind=FUND):
            funds.linkCodes(fund, [(b32(namespace), b32(value))], sender=manager)
    securities.registerSecurities([security(SONY, b"6758")], sender=provider)
    assert bytes(codes.resolve(b32("LOCAL/XTKS"), b32("6758")).recordId) == b32(SONY)


def test_ita__a_rival_managers_code__refused_naming_the_fund(
    codes: Any, funds: Any, fund_actors: dict[str, Any]
) -> None:
    [fund] = register(funds, fund_actors, registration(fund_actors, "ITA-1", [("ITA", "0331418A")]))
    rival = fund_actors["rival_manager"][0]
    tx = funds.registerFunds([registration(fund_actors, "RIVAL")], sender=rival)
    [theirs] = [bytes(e.fundCode) for e in tx.events.filter(funds.FundRegistered)]
    with reverts(codes.CodeRegistryCodeTaken, namespace=b32("ITA"), value=b32("0331418A"),
                 kind=FUND, recordId=fund):  # fmt: skip
        funds.linkCodes(theirs, [(b32("ITA"), b32("0331418A"))], sender=rival)


def test_security_registry__a_data_provider_key_of_another_institution_type__refused(
    codes: Any, securities: Any, funds: Any, access: Any, operator: Any, fund_actors: dict[str, Any]
) -> None:
    """DATA_PROVIDER granted to a trust bank's key: its securities' codes are refused, ISIN and
    LOCAL being linked for data providers only."""
    trustee, lei = fund_actors["fund_trustee"]
    access.grantRole(role_id("DATA_PROVIDER_ROLE"), trustee, sender=operator)
    with reverts(codes.CodeRegistryInstitutionTypeNotAllowed, namespace=ISIN, institution=lei,
                 institutionType=TRUST_BANK):  # fmt: skip
        securities.registerSecurities([security(TOYOTA)], sender=trustee)
