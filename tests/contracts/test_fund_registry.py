"""FundRegistry: codes issued and linked, parties, the lifecycle, the acknowledgment workflow."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpost_client.identifiers import fund_code
from bpost_client.registry.funds import ATTRIBUTES_ABI
from tests.contracts.reverts import reverts

DRAFT, ESTABLISHED, ACTIVE, SUSPENDED, REDEEMING, REDEEMED = range(1, 7)
ESTABLISH, CHANGE, REDEEM = 1, 2, 3
PENDING, DEFINITIVE, REJECTED, WITHDRAWN = 1, 2, 3, 4
DISTRIBUTOR, CUSTODIAN = 3, 4


def b32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def attrs(
    actors: dict[str, Any],
    name: str = "Sakura Japan Equity",
    trustee: str = "fund_trustee",
    established: int = 20260401,
    redeemed: int = 0,
) -> tuple[Any, ...]:
    return ("さくら日本株式", name, actors[trustee][1], 1, b"JPY", established, redeemed)


def registration(
    actors: dict[str, Any],
    manager_code: str,
    codes: list[tuple[str, str]] = (),
    parties: list[tuple[str, int]] | None = None,
    **kw: Any,
) -> tuple[Any, ...]:
    chosen = (
        [("fund_distributor", DISTRIBUTOR), ("fund_custodian", CUSTODIAN)]
        if parties is None
        else parties
    )
    return (
        b32(manager_code),
        attrs(actors, **kw),
        [(b32(ns), b32(v)) for ns, v in codes],
        [(actors[name][1], role, True) for name, role in chosen],
    )


def register(funds: Any, actors: dict[str, Any], *regs: tuple[Any, ...]) -> list[bytes]:
    tx = funds.registerFunds(list(regs), sender=actors["fund_manager"][0])
    return [bytes(e.fundCode) for e in tx.events.filter(funds.FundRegistered)]


def establish(funds: Any, actors: dict[str, Any], code: bytes, **kw: Any) -> int:
    tx = funds.propose(
        code, ESTABLISH, attrs(actors, **kw), 20260401, 20260325, sender=actors["fund_manager"][0]
    )
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    for party in ("fund_trustee", "fund_distributor", "fund_custodian"):
        funds.acknowledge(request, sender=actors[party][0])
    return int(request)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(serial=st.integers(1, 36**8 - 1))
def test_fund_code__on_chain__matches_python(funds: Any, serial: int) -> None:
    assert bytes(funds.fundCodeOf(serial)) == b32(fund_code(serial))


def test_register__issues_the_code_and_links_every_code(
    funds: Any, codes: Any, fund_actors: Any
) -> None:
    before = funds.fundCount()
    [code] = register(
        funds,
        fund_actors,
        registration(fund_actors, "SAKURA-001", [("ISIN", "JP90C000H1T1"), ("ITA", "0331418A")]),
    )
    assert code == b32(fund_code(before + 1))
    manager_ns = b"AM/" + fund_actors["fund_manager"][1] + bytes(9)
    for ns, value in [
        (b32("BPFC"), code),
        (manager_ns, b32("SAKURA-001")),
        (b32("ISIN"), b32("JP90C000H1T1")),
        (b32("ITA"), b32("0331418A")),
    ]:
        target = codes.resolve(ns, value)
        assert (target.kind, bytes(target.recordId)) == (2, code)
    fund = funds.getFund(code)
    assert fund.status == DRAFT and fund.version == 1
    assert bytes(fund.attributesHash) == keccak(encode([ATTRIBUTES_ABI], [attrs(fund_actors)]))
    parties = [(bytes(p.lei), p.role, p.required) for p in funds.partiesOf(code)]
    assert parties == [
        (fund_actors["fund_manager"][1], 1, False),
        (fund_actors["fund_trustee"][1], 2, True),
        (fund_actors["fund_distributor"][1], 3, True),
        (fund_actors["fund_custodian"][1], 4, True),
    ]


def test_register__batch__consecutive_codes(funds: Any, fund_actors: Any) -> None:
    before = funds.fundCount()
    codes = register(funds, fund_actors, *[registration(fund_actors, f"B-{i}") for i in range(3)])
    assert codes == [b32(fund_code(before + i)) for i in (1, 2, 3)]


def test_register__bad_isin__reverts(funds: Any, fund_actors: Any) -> None:
    with reverts(funds.FundRegistryInvalidIsin):
        register(funds, fund_actors, registration(fund_actors, "X", [("ISIN", "JP90C000H1T2")]))


def test_register__code_taken__whole_batch_reverts(
    funds: Any, fund_actors: Any, codes: Any
) -> None:
    register(funds, fund_actors, registration(fund_actors, "FIRST", [("ITA", "0331418A")]))
    count = funds.fundCount()
    with reverts(codes.CodeRegistryCodeTaken):
        register(
            funds,
            fund_actors,
            registration(fund_actors, "NEW"),
            registration(fund_actors, "AGAIN", [("ITA", "0331418A")]),
        )
    assert funds.fundCount() == count


def test_register__without_the_role__reverts(funds: Any, fund_actors: Any) -> None:
    with reverts(funds.PlatformAccessUnauthorized):
        funds.registerFunds([registration(fund_actors, "X")], sender=fund_actors["fund_trustee"][0])


def test_register__role_but_not_an_asset_manager__reverts(
    funds: Any, access: Any, operator: Any, fund_actors: Any
) -> None:
    from tests.contracts.conftest import role_id

    trustee = fund_actors["fund_trustee"][0]
    access.grantRole(role_id("ASSET_MANAGER_ROLE"), trustee, sender=operator)
    with reverts(funds.FundRegistryNotAssetManager):
        funds.registerFunds([registration(fund_actors, "X")], sender=trustee)


def test_register__trustee_not_a_trust_bank__reverts(funds: Any, fund_actors: Any) -> None:
    distributor = fund_actors["fund_distributor"][1]
    with reverts(funds.FundRegistryInvalidInstitution, lei=distributor, expectedKind=3):
        register(funds, fund_actors, registration(fund_actors, "X", trustee="fund_distributor"))


def test_register__suspended_trustee_or_party__refused_as_inactive(
    funds: Any, fund_actors: Any, registry: Any, operator: Any
) -> None:
    """A suspended institution is a state failure, not a wrong kind: its own error."""
    other = fund_actors["other_trustee"][1]
    registry.suspendInstitution(other, "licence review", sender=operator)
    with reverts(funds.FundRegistryInactiveInstitution, lei=other):
        register(funds, fund_actors, registration(fund_actors, "X", trustee="other_trustee"))
    with reverts(funds.FundRegistryInactiveInstitution, lei=other):
        register(funds, fund_actors, registration(fund_actors, "X", parties=[("other_trustee", 4)]))


def test_register__party_twice_the_manager_or_in_the_trustee_role__each_its_own_error(
    funds: Any, fund_actors: Any
) -> None:
    distributor = fund_actors["fund_distributor"][1]
    twice = [("fund_distributor", DISTRIBUTOR), ("fund_distributor", CUSTODIAN)]
    with reverts(funds.FundRegistryDuplicateParty, lei=distributor):
        register(funds, fund_actors, registration(fund_actors, "X", parties=twice))
    custodian = fund_actors["fund_custodian"][1]
    with reverts(funds.FundRegistryInvalidParty, lei=custodian, role=2):
        register(
            funds, fund_actors, registration(fund_actors, "X", parties=[("fund_custodian", 2)])
        )
    manager = fund_actors["fund_manager"][1]
    with reverts(funds.FundRegistryManagerIsParty, lei=manager):
        register(funds, fund_actors, registration(fund_actors, "X", parties=[("fund_manager", 3)]))


def test_register__trustee_also_a_listed_party__reverts_naming_fund_and_lei(
    funds: Any, fund_actors: Any
) -> None:
    """A trustee acknowledges as the trustee only: as a listed party too, its party
    acknowledgment could never be given."""
    trustee = fund_actors["fund_trustee"][1]
    next_code = b32(fund_code(funds.fundCount() + 1))
    with reverts(funds.FundRegistryTrusteeIsParty, fundCode=next_code, lei=trustee):
        register(
            funds,
            fund_actors,
            registration(fund_actors, "X", parties=[("fund_trustee", CUSTODIAN)]),
        )


def test_change__new_trustee_already_a_listed_party__reverts_naming_fund_and_lei(
    funds: Any, fund_actors: Any
) -> None:
    """A trust bank listed as the custodian cannot be made the trustee by a change: it would be
    both, and its custodian acknowledgment of later requests could never be given."""
    parties = [("fund_distributor", DISTRIBUTOR), ("other_trustee", CUSTODIAN)]
    [code] = register(funds, fund_actors, registration(fund_actors, "TRCUST", parties=parties))
    tx = funds.propose(
        code,
        ESTABLISH,
        attrs(fund_actors),
        20260401,
        20260325,
        sender=fund_actors["fund_manager"][0],
    )
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    for party in ("fund_trustee", "fund_distributor", "other_trustee"):
        funds.acknowledge(request, sender=fund_actors[party][0])
    other = fund_actors["other_trustee"][1]
    for kind in (CHANGE, REDEEM):
        with reverts(funds.FundRegistryTrusteeIsParty, fundCode=code, lei=other):
            funds.propose(
                code,
                kind,
                attrs(fund_actors, trustee="other_trustee", redeemed=20301231),
                20301231,
                20301201,
                sender=fund_actors["fund_manager"][0],
            )
    assert funds.getFund(code).openRequest == 0


@pytest.mark.parametrize(
    ("established", "redeemed", "error"),
    [
        (20261301, 0, "FundRegistryInvalidDate"),
        (20260400, 0, "FundRegistryInvalidDate"),
        (20260401, 20260401, "FundRegistryRedemptionNotAfterEstablishment"),
    ],
)
def test_register__bad_dates__revert(
    funds: Any, fund_actors: Any, established: int, redeemed: int, error: str
) -> None:
    with reverts(getattr(funds, error)):
        register(
            funds,
            fund_actors,
            registration(fund_actors, "X", established=established, redeemed=redeemed),
        )


def test_register__bad_attributes__each_refused_with_its_own_error_and_value(
    funds: Any, fund_actors: Any
) -> None:
    good = list(attrs(fund_actors))
    cases = [
        ({0: "", 1: ""}, "FundRegistryNameMissing", {}),
        ({4: b"\0\0\0"}, "FundRegistryInvalidCurrency", {"currency": b"\0\0\0"}),
        ({3: 0}, "FundRegistryInvalidFundType", {"fundType": 0}),
        (
            {6: 20260331},
            "FundRegistryRedemptionNotAfterEstablishment",
            {"establishmentDate": 20260401, "redemptionDate": 20260331},
        ),
    ]
    for changes, error, values in cases:
        bad = tuple(changes.get(i, v) for i, v in enumerate(good))
        reg = registration(fund_actors, "X")
        with reverts(error, **values):
            funds.registerFunds(
                [(reg[0], bad, reg[2], reg[3])], sender=fund_actors["fund_manager"][0]
            )


def test_propose__no_kind__refused_as_an_input_not_a_transition(
    funds: Any, fund_actors: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "NOKIND"))
    with reverts(funds.FundRegistryInvalidRequestKind, kind=0):
        funds.propose(
            code, 0, attrs(fund_actors), 20260401, 20260325, sender=fund_actors["fund_manager"][0]
        )


def test_establish__every_required_party_acknowledges__becomes_definitive(
    funds: Any, fund_actors: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "EST"))
    manager = fund_actors["fund_manager"][0]
    tx = funds.propose(code, ESTABLISH, attrs(fund_actors), 20260401, 20260325, sender=manager)
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    assert funds.getFund(code).openRequest == request
    funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    funds.acknowledge(request, sender=fund_actors["fund_distributor"][0])
    assert funds.getRequest(request).state == PENDING and funds.getFund(code).status == DRAFT
    last = funds.acknowledge(request, sender=fund_actors["fund_custodian"][0])
    assert funds.getRequest(request).state == DEFINITIVE
    fund = funds.getFund(code)
    assert (fund.status, fund.version, fund.openRequest, fund.effectiveDate) == (
        ESTABLISHED,
        2,
        0,
        20260401,
    )
    [changed] = last.events.filter(funds.FundStatusChanged)
    assert (changed.to, changed.version) == (ESTABLISHED, 2)


def test_acknowledge__twice_or_by_an_unrelated_party__reverts(funds: Any, fund_actors: Any) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "ACK"))
    tx = funds.propose(
        code,
        ESTABLISH,
        attrs(fund_actors),
        20260401,
        20260325,
        sender=fund_actors["fund_manager"][0],
    )
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    with reverts(funds.FundRegistryAlreadyAcknowledged):
        funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    for outsider in ("rival_manager", "other_trustee", "fund_manager"):
        with reverts(funds.FundRegistryNotRequiredParty):
            funds.acknowledge(request, sender=fund_actors[outsider][0])


def test_reject__closes_the_request_with_its_reason(funds: Any, fund_actors: Any) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "REJ"))
    manager = fund_actors["fund_manager"][0]
    tx = funds.propose(code, ESTABLISH, attrs(fund_actors), 20260401, 20260325, sender=manager)
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    rejected = funds.reject(request, "wrong trustee fee", sender=fund_actors["fund_distributor"][0])
    assert [e.reason for e in rejected.events.filter(funds.ChangeRejected)] == ["wrong trustee fee"]
    assert funds.getRequest(request).state == REJECTED
    assert funds.getFund(code).status == DRAFT and funds.getFund(code).openRequest == 0
    with reverts(funds.FundRegistryRequestClosed):
        funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    again = funds.propose(code, ESTABLISH, attrs(fund_actors), 20260401, 20260325, sender=manager)
    assert again.events.filter(funds.ChangeProposed)[0].requestId == request + 1


def test_propose__while_one_is_pending__reverts_and_withdraw_frees(
    funds: Any, fund_actors: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "PEND"))
    manager = fund_actors["fund_manager"][0]
    tx = funds.propose(code, ESTABLISH, attrs(fund_actors), 20260401, 20260325, sender=manager)
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    with reverts(funds.FundRegistryRequestPending):
        funds.propose(code, ESTABLISH, attrs(fund_actors), 20260401, 20260325, sender=manager)
    with reverts(funds.FundRegistryNotFundManager):
        funds.withdraw(request, sender=fund_actors["rival_manager"][0])
    funds.withdraw(request, sender=manager)
    assert funds.getRequest(request).state == WITHDRAWN and funds.getFund(code).openRequest == 0


def test_change__new_trustee__replaces_the_trustee_party(funds: Any, fund_actors: Any) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "TRUSTEE"))
    establish(funds, fund_actors, code)
    manager = fund_actors["fund_manager"][0]
    tx = funds.propose(
        code,
        CHANGE,
        attrs(fund_actors, trustee="other_trustee"),
        20261001,
        20260915,
        sender=manager,
    )
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    for party in ("fund_trustee", "fund_distributor", "fund_custodian"):
        funds.acknowledge(request, sender=fund_actors[party][0])
    fund = funds.getFund(code)
    assert bytes(fund.trustee) == fund_actors["other_trustee"][1] and fund.status == ESTABLISHED
    assert bytes(funds.partiesOf(code)[1].lei) == fund_actors["other_trustee"][1]
    assert fund.version == 3 and fund.effectiveDate == 20261001


def test_manage__another_managers_fund__reverts(funds: Any, fund_actors: Any) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "MINE"))
    with reverts(funds.FundRegistryNotFundManager):
        funds.propose(
            code,
            ESTABLISH,
            attrs(fund_actors),
            20260401,
            20260325,
            sender=fund_actors["rival_manager"][0],
        )
    with reverts(funds.FundRegistryUnknownFund):
        funds.getFund(b32("BP00000000X"))


@pytest.fixture(scope="module")
def fund_in(funds: Any, fund_actors: Any) -> dict[int, bytes]:
    """One fund in each status."""
    manager = fund_actors["fund_manager"][0]
    codes = register(
        funds, fund_actors, *[registration(fund_actors, f"LIFE-{s}") for s in range(1, 7)]
    )
    by_status = dict(zip(range(1, 7), codes, strict=True))
    for status, code in by_status.items():
        if status >= ESTABLISHED:
            establish(funds, fund_actors, code)
        if status in (ACTIVE, SUSPENDED, REDEEMING, REDEEMED):
            funds.setStatus(code, ACTIVE, sender=manager)
        if status == SUSPENDED:
            funds.setStatus(code, SUSPENDED, sender=manager)
        if status in (REDEEMING, REDEEMED):
            tx = funds.propose(
                code,
                REDEEM,
                attrs(fund_actors, redeemed=20301231),
                20301231,
                20301201,
                sender=manager,
            )
            request = tx.events.filter(funds.ChangeProposed)[0].requestId
            for party in ("fund_trustee", "fund_distributor", "fund_custodian"):
                funds.acknowledge(request, sender=fund_actors[party][0])
        if status == REDEEMED:
            funds.setStatus(code, REDEEMED, sender=manager)
    assert {s: funds.getFund(c).status for s, c in by_status.items()} == {s: s for s in by_status}
    return by_status


ALLOWED = {
    ("propose", ESTABLISH): {DRAFT},
    ("propose", CHANGE): {ESTABLISHED, ACTIVE, SUSPENDED},
    ("propose", REDEEM): {ESTABLISHED, ACTIVE, SUSPENDED},
    ("setStatus", DRAFT): set(),
    ("setStatus", ESTABLISHED): set(),
    ("setStatus", ACTIVE): {ESTABLISHED, SUSPENDED},
    ("setStatus", SUSPENDED): {ACTIVE},
    ("setStatus", REDEEMING): set(),
    ("setStatus", REDEEMED): {REDEEMING},
}


@pytest.mark.parametrize(
    "status",
    range(1, 7),
    ids=["draft", "established", "active", "suspended", "redeeming", "redeemed"],
)
@pytest.mark.parametrize("action", list(ALLOWED), ids=[f"{a}-{t}" for a, t in ALLOWED])
def test_lifecycle__every_transition__allowed_or_refused(
    funds: Any, fund_actors: Any, fund_in: dict[int, bytes], status: int, action: tuple[str, int]
) -> None:
    kind, target = action
    code = fund_in[status]
    manager = fund_actors["fund_manager"][0]
    redeemed = 20301231 if target == REDEEM else 0
    proposed = attrs(fund_actors, redeemed=redeemed)

    def call() -> None:
        if kind == "propose":
            funds.propose.call(code, target, proposed, 20300101, 20291201, sender=manager)
        else:
            funds.setStatus.call(code, target, sender=manager)

    if status in ALLOWED[action]:
        call()
    else:
        with reverts(funds.FundRegistryInvalidTransition):
            call()


def test_link_codes__by_the_manager__any_number_over_calls(
    funds: Any, codes: Any, fund_actors: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "MORE"))
    manager = fund_actors["fund_manager"][0]
    for batch in range(2):
        pairs = [(b32("ITA"), b32(f"M{batch}{i:06d}")) for i in range(8)]
        funds.linkCodes(code, pairs, sender=manager)
    assert bytes(codes.resolve(b32("ITA"), b32("M1000007")).recordId) == code
    with reverts(funds.FundRegistryNotFundManager):
        funds.linkCodes(code, [(b32("ITA"), b32("X1"))], sender=fund_actors["rival_manager"][0])
    with reverts(funds.FundRegistryInvalidCode):
        funds.linkCodes(code, [(b32("BPFC"), b32("BP000000018"))], sender=manager)
    with reverts(funds.FundRegistryInvalidIsin):
        funds.linkCodes(code, [(b32("ISIN"), b32("JP90C000H1T2"))], sender=manager)
    with reverts(funds.FundRegistryTooManyCodes):
        funds.linkCodes(code, [(b32("ITA"), b32(f"N{i}")) for i in range(9)], sender=manager)


@pytest.fixture
def failing_listener(
    project: Any, funds: Any, access: Any, registry: Any, codes: Any, admin: Any, operator: Any
) -> Any:
    """A listener that reverts on every change: a DistributionRegistry wired to another "fund
    registry" refuses the calls of this one. The listener in place is restored afterwards."""
    before = funds.fundListener()
    hostile = project.DistributionRegistry.deploy(
        access, registry, codes, codes, codes, sender=admin
    )
    funds.setFundListener(hostile, sender=operator)
    yield hostile
    funds.setFundListener(before, sender=operator)


def test_listener__reverting__reported_and_the_transition_completes(
    funds: Any, fund_actors: Any, failing_listener: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "LISTEN"))
    manager = fund_actors["fund_manager"][0]
    tx = funds.propose(code, ESTABLISH, attrs(fund_actors), 20260401, 20260325, sender=manager)
    request = tx.events.filter(funds.ChangeProposed)[0].requestId
    funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    funds.acknowledge(request, sender=fund_actors["fund_distributor"][0])
    last = funds.acknowledge(request, sender=fund_actors["fund_custodian"][0])
    [failed] = last.events.filter(funds.FundListenerFailed)
    selector = keccak(text="DistributionOnlyFundRegistry(address)")[:4]
    assert bytes(failed.fundCode) == code and failed.listener == failing_listener.address
    assert bytes(failed.reason)[:4] == selector, "the listener's revert data is carried"
    assert funds.getFund(code).status == ESTABLISHED
    status = funds.setStatus(code, ACTIVE, sender=manager)
    assert len(status.events.filter(funds.FundListenerFailed)) == 1
    assert funds.getFund(code).status == ACTIVE


def test_listener__without_code__reported_and_the_transition_completes(
    funds: Any, fund_actors: Any, operator: Any, accounts: Any
) -> None:
    before = funds.fundListener()
    funds.setFundListener(accounts[18], sender=operator)  # an account: a call to it would revert
    try:
        [code] = register(funds, fund_actors, registration(fund_actors, "NOCODE"))
        establish(funds, fund_actors, code)
        tx = funds.setStatus(code, ACTIVE, sender=fund_actors["fund_manager"][0])
        [failed] = tx.events.filter(funds.FundListenerFailed)
        assert (failed.listener, bytes(failed.reason)) == (accounts[18].address, b"")
        assert funds.getFund(code).status == ACTIVE
    finally:
        funds.setFundListener(before, sender=operator)


CLOSED = 5


@pytest.fixture
def suspend(registry: Any, operator: Any) -> Any:
    """Suspend institutions for one test; each is reinstated afterwards."""
    suspended: list[bytes] = []

    def _suspend(lei: bytes) -> None:
        registry.suspendInstitution(lei, "licence withdrawn", sender=operator)
        suspended.append(lei)

    yield _suspend
    for lei in suspended:
        registry.reinstateInstitution(lei, sender=operator)


def proposed(funds: Any, fund_actors: Any, code: bytes, kind: int = ESTABLISH) -> int:
    tx = funds.propose(
        code,
        kind,
        attrs(fund_actors, redeemed=20301231 if kind == REDEEM else 0),
        20301231 if kind == REDEEM else 20260401,
        20301201 if kind == REDEEM else 20260325,
        sender=fund_actors["fund_manager"][0],
    )
    return int(tx.events.filter(funds.ChangeProposed)[0].requestId)


def test_waive__suspended_party__operator_waives_and_the_request_completes(
    funds: Any, fund_actors: Any, operator: Any, suspend: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "WAIVE"))
    request = proposed(funds, fund_actors, code)
    custodian = fund_actors["fund_custodian"]
    distributor = fund_actors["fund_distributor"][1]
    with reverts(funds.FundRegistryPartyActive, requestId=request, lei=distributor):
        funds.waiveAcknowledgment(request, distributor, "absent", sender=operator)
    funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    funds.acknowledge(request, sender=fund_actors["fund_distributor"][0])
    suspend(custodian[1])
    with reverts(funds.FundRegistryNotInstitution):  # the dead end: it can never acknowledge
        funds.acknowledge(request, sender=custodian[0])
    with reverts(funds.PlatformAccessUnauthorized):
        funds.waiveAcknowledgment(request, custodian[1], "x", sender=fund_actors["fund_manager"][0])
    with reverts(funds.FundRegistryAlreadyAcknowledged, requestId=request, lei=distributor):
        funds.waiveAcknowledgment(request, distributor, "x", sender=operator)
    outsider = fund_actors["rival_manager"][1]
    with reverts(funds.FundRegistryPartyNotRequired, requestId=request, lei=outsider):
        funds.waiveAcknowledgment(request, outsider, "x", sender=operator)
    tx = funds.waiveAcknowledgment(request, custodian[1], "custodian suspended", sender=operator)
    [waived] = tx.events.filter(funds.ChangeAcknowledgmentWaived)
    assert (bytes(waived.lei), waived.reason, waived.by) == (
        custodian[1],
        "custodian suspended",
        operator.address,
    )
    assert funds.getRequest(request).state == DEFINITIVE
    assert funds.getFund(code).status == ESTABLISHED


def test_waive__suspended_trustee_reinstated__can_no_longer_acknowledge(
    funds: Any, registry: Any, fund_actors: Any, operator: Any, suspend: Any
) -> None:
    """A waived party is no longer required: back on the platform it cannot acknowledge or reject
    the request (an acknowledgment outside the required parties would keep it pending)."""
    [code] = register(funds, fund_actors, registration(fund_actors, "WAIVET"))
    request = proposed(funds, fund_actors, code)
    trustee = fund_actors["fund_trustee"]
    suspend(trustee[1])
    funds.waiveAcknowledgment(request, trustee[1], "trustee suspended", sender=operator)
    with reverts(funds.FundRegistryPartyNotRequired, requestId=request, lei=trustee[1]):
        funds.waiveAcknowledgment(request, trustee[1], "again", sender=operator)
    registry.reinstateInstitution(trustee[1], sender=operator)
    try:
        with reverts(funds.FundRegistryNotRequiredParty):
            funds.acknowledge(request, sender=trustee[0])
        with reverts(funds.FundRegistryNotRequiredParty):
            funds.reject(request, "late", sender=trustee[0])
    finally:
        registry.suspendInstitution(trustee[1], "again", sender=operator)  # the fixture reinstates
    funds.acknowledge(request, sender=fund_actors["fund_distributor"][0])
    funds.acknowledge(request, sender=fund_actors["fund_custodian"][0])
    assert funds.getRequest(request).state == DEFINITIVE


def test_close__request_awaiting_a_suspended_party__operator_closes_it(
    funds: Any, fund_actors: Any, operator: Any, suspend: Any
) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "CLOSE"))
    request = proposed(funds, fund_actors, code)
    with reverts(funds.FundRegistryRequiredPartiesActive, requestId=request):
        funds.closeRequest(request, "stuck", sender=operator)
    distributor = fund_actors["fund_distributor"]
    funds.acknowledge(request, sender=distributor[0])
    suspend(distributor[1])
    with reverts(funds.FundRegistryRequiredPartiesActive, requestId=request):
        funds.closeRequest(request, "acknowledged before", sender=operator)
    with reverts(funds.PlatformAccessUnauthorized):
        funds.closeRequest(request, "x", sender=fund_actors["fund_trustee"][0])
    suspend(fund_actors["fund_custodian"][1])
    tx = funds.closeRequest(request, "custodian suspended", sender=operator)
    [closed] = tx.events.filter(funds.ChangeClosed)
    assert (closed.requestId, closed.reason, closed.by) == (
        request,
        "custodian suspended",
        operator.address,
    )
    assert funds.getRequest(request).state == CLOSED
    assert funds.getFund(code).openRequest == 0 and funds.getFund(code).status == DRAFT
    with reverts(funds.FundRegistryRequestClosed, requestId=request, state=CLOSED):
        funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    with reverts(funds.FundRegistryRequestClosed):
        funds.closeRequest(request, "again", sender=operator)
    assert proposed(funds, fund_actors, code) == request + 1, "the fund is free again"


def chain_today(chain: Any) -> date:
    return datetime.fromtimestamp(chain.blocks.head.timestamp, UTC).date()


def as_int(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


def redemption(funds: Any, fund_actors: Any, code: bytes, due: int) -> int:
    tx = funds.propose(
        code,
        REDEEM,
        attrs(fund_actors, redeemed=20301231),
        20301231,
        due,
        sender=fund_actors["fund_manager"][0],
    )
    return int(tx.events.filter(funds.ChangeProposed)[0].requestId)


def test_redeem__other_parties_reject__refused_only_the_trustee_may(
    funds: Any, fund_actors: Any
) -> None:
    """A redemption is the manager's and the trustee's decision: a distributor or custodian
    acknowledges its receipt and cannot block it by rejecting."""
    [code] = register(funds, fund_actors, registration(fund_actors, "REDREJ"))
    establish(funds, fund_actors, code)
    request = redemption(funds, fund_actors, code, 20301201)
    for party in ("fund_distributor", "fund_custodian"):
        lei = fund_actors[party][1]
        with reverts(funds.FundRegistryRedemptionNotRejectable, requestId=request, lei=lei):
            funds.reject(request, "we still sell it", sender=fund_actors[party][0])
    funds.acknowledge(request, sender=fund_actors["fund_distributor"][0])
    funds.reject(request, "the trust deed says otherwise", sender=fund_actors["fund_trustee"][0])
    assert funds.getRequest(request).state == REJECTED


def test_redeem__due_date_before_today__refused(chain: Any, funds: Any, fund_actors: Any) -> None:
    [code] = register(funds, fund_actors, registration(fund_actors, "REDLATE"))
    establish(funds, fund_actors, code)
    today = as_int(chain_today(chain))
    yesterday = as_int(chain_today(chain) - timedelta(days=1))
    with reverts(funds.FundRegistryDueDatePassed, fundCode=code, dueDate=yesterday, today=today):
        redemption(funds, fund_actors, code, yesterday)


def test_redeem__a_party_silent_past_the_due_date__manager_completes_with_the_trustee(
    chain: Any, funds: Any, fund_actors: Any
) -> None:
    """The dead end: a distributor that never acknowledges held a redemption for ever. After the
    due date the manager completes it with the trustee's acknowledgment."""
    manager = fund_actors["fund_manager"][0]
    silent, untrusted, changed = register(
        funds, fund_actors, *[registration(fund_actors, f"REDDUE-{i}") for i in range(3)]
    )
    for code in (silent, untrusted, changed):
        establish(funds, fund_actors, code)
    today = chain_today(chain)
    due = as_int(today)
    request = redemption(funds, fund_actors, silent, due)
    no_trustee = redemption(funds, fund_actors, untrusted, due)
    change = (
        funds.propose(
            changed, CHANGE, attrs(fund_actors, name="New"), 20301231, due, sender=manager
        )
        .events.filter(funds.ChangeProposed)[0]
        .requestId
    )
    funds.acknowledge(request, sender=fund_actors["fund_trustee"][0])
    funds.acknowledge(request, sender=fund_actors["fund_custodian"][0])
    with reverts(funds.FundRegistryNotPastDue, requestId=request, dueDate=due, today=due):
        funds.completeRedemption(request, sender=manager)

    tomorrow = today + timedelta(days=1)
    chain.mine(
        timestamp=int(
            datetime(tomorrow.year, tomorrow.month, tomorrow.day, 12, tzinfo=UTC).timestamp()
        )
    )
    with reverts(funds.FundRegistryNotFundManager):
        funds.completeRedemption(request, sender=fund_actors["rival_manager"][0])
    with reverts(funds.PlatformAccessUnauthorized):
        funds.completeRedemption(request, sender=fund_actors["fund_trustee"][0])
    trustee = fund_actors["fund_trustee"][1]
    with reverts(funds.FundRegistryTrusteeNotAcknowledged, requestId=no_trustee, trustee=trustee):
        funds.completeRedemption(no_trustee, sender=manager)
    with reverts(funds.FundRegistryNotRedemption, requestId=change, kind=CHANGE):
        funds.completeRedemption(change, sender=manager)

    tx = funds.completeRedemption(request, sender=manager)
    [completed] = tx.events.filter(funds.RedemptionCompletedPastDue)
    assert completed.unacknowledgedMask == 0b10, "the distributor (party 0, bit 1) was silent"
    assert funds.getRequest(request).state == DEFINITIVE
    fund = funds.getFund(silent)
    assert (fund.status, fund.redemptionDate, fund.openRequest) == (REDEEMING, 20301231, 0)
    with reverts(funds.FundRegistryRequestClosed):
        funds.completeRedemption(request, sender=manager)
