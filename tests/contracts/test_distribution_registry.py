"""DistributionRegistry: fund profiles, the NAV publication rules, trustee confirmation,
corrections proven against the batch's Merkle root, and the FundRegistry keeping it current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bpost_client.distribution.merkle import merkle_proof, merkle_root, nav_leaf
from bpost_client.types import MandateScope
from tests.contracts.conftest import KEY
from tests.contracts.custody import admit
from tests.contracts.reverts import reverts
from tests.helpers import make_lei

ACTIVE, SUSPENDED = 3, 4
FRI, SAT, MON_HOLIDAY, TUE, WED = 20261120, 20261121, 20261123, 20261124, 20261125
NOVEMBER = 1 << 10
JUMP = 1 << 200
DELEGATE, LENDING_AGENT = int(MandateScope.DISTRIBUTION_DELEGATE), int(MandateScope.LENDING_AGENT)
ZERO = b"\0" * 32


def pack(serial: int, nav: int, net: int = 10**10, units: int = 10**10, jump: bool = False) -> int:
    return serial | nav << 32 | net << 72 | units << 136 | (JUMP if jump else 0)


def serial_of(code: bytes) -> int:
    from bpost_client.identifiers import ascii_from_bytes

    return int(ascii_from_bytes(code)[2:10], 36)


def test_publish__updates_each_fund_and_commits_the_records_by_their_root(
    distribution: Any, nav_world: dict[str, Any]
) -> None:
    a, b, _ = nav_world["serials"]
    records = [pack(a, 10_512, 3 * 10**9, 28 * 10**8), pack(b, 9_876)]
    tx = distribution.publishNavs(FRI, records, sender=nav_world["manager"])
    event = tx.events.filter(distribution.NavsPublished)[0]
    leaves = [
        nav_leaf(a, FRI, 10_512, 3 * 10**9, 28 * 10**8, 1),
        nav_leaf(b, FRI, 9_876, 10**10, 10**10, 1),
    ]
    assert bytes(event.root) == merkle_root(leaves) == bytes(distribution.batchRoot(event.batchId))
    assert list(event.records) == records
    state = distribution.fundState(a)
    assert (state.lastNavDate, state.lastNav, state.confirmed) == (FRI, 10_512, False)
    proof = merkle_proof(leaves, 1)
    assert distribution.isCurrentNav((b, FRI, 9_876, 10**10, 10**10, 1), event.batchId, proof)
    assert not distribution.isCurrentNav((b, FRI, 9_877, 10**10, 10**10, 1), event.batchId, proof)


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("saturday", "DistributionNotNavDay"),
        ("tokyo holiday", "DistributionNotNavDay"),
        ("before establishment", "DistributionOutsideFundLife"),
        ("after redemption", "DistributionOutsideFundLife"),
        ("draft fund", "DistributionFundNotOpen"),
        ("same day twice", "DistributionNavOutOfOrder"),
        ("jump without flag", "DistributionNavJumpUnconfirmed"),
        ("zero nav", "DistributionInvalidNav"),
        ("not the manager", "DistributionNotPublisher"),
        ("no profile", "DistributionUnknownFund"),
        ("bad date", "DistributionInvalidDate"),
    ],
)
def test_publish__each_rule__refused(
    distribution: Any, nav_world: dict[str, Any], fund_actors: dict[str, Any], case: str, error: str
) -> None:
    a, b, draft = nav_world["serials"]
    manager = nav_world["manager"]
    distribution.publishNavs(FRI, [pack(a, 10_000)], sender=manager)
    date, record, sender = TUE, pack(a, 10_100), manager
    if case == "saturday":
        date = SAT
    elif case == "tokyo holiday":
        date = MON_HOLIDAY
    elif case == "before establishment":
        date, record = 20260331, pack(b, 10_000)
    elif case == "after redemption":
        date, record = WED, pack(b, 10_000)
    elif case == "draft fund":
        record = pack(draft, 10_000)
    elif case == "same day twice":
        date = FRI
    elif case == "jump without flag":
        record = pack(a, 11_001)  # +10.01 %
    elif case == "zero nav":
        record = pack(a, 0)
    elif case == "not the manager":
        sender = fund_actors["rival_manager"][0]
    elif case == "no profile":
        record = pack(a + 100, 10_000)
    elif case == "bad date":
        date = 20261131
    with reverts(getattr(distribution, error)):
        distribution.publishNavs(date, [record], sender=sender)


def today(chain: Any, days: int = 0) -> int:
    """The chain's day (yyyymmdd), ``days`` on."""
    day = datetime.fromtimestamp(chain.blocks.head.timestamp, UTC).date() + timedelta(days=days)
    return day.year * 10000 + day.month * 100 + day.day


def test_publish__jump_with_flag_and_delegate__accepted(
    distribution: Any,
    mandates: Any,
    nav_world: dict[str, Any],
    fund_actors: dict[str, Any],
    chain: Any,
) -> None:
    a = nav_world["serials"][0]
    distribution.publishNavs(FRI, [pack(a, 10_000)], sender=nav_world["manager"])
    delegate, lei = fund_actors["rival_manager"]
    mandates.grant(
        lei, DELEGATE, nav_world["codes"][0], today(chain), 0, sender=nav_world["manager"]
    )
    distribution.publishNavs(TUE, [pack(a, 12_000, jump=True)], sender=delegate)
    assert distribution.fundState(a).lastNav == 12_000


def test_delegate__without_the_managers_mandate_in_force__refused(
    distribution: Any,
    mandates: Any,
    notices: Any,
    registry: Any,
    operator: Any,
    accounts: Any,
    nav_world: dict[str, Any],
    fund_actors: dict[str, Any],
    chain: Any,
) -> None:
    """Before, a delegate was a flag the asset manager set per fund (``setDelegate``), with no
    dates and kept while the manager was suspended. Now a delegate publishes (NAVs, corrections,
    notices) only under the manager's DistributionDelegate mandate in force for the fund or all
    its funds: no mandate, one for another fund, another manager's, another scope's, a revoked
    or expired one, or one whose manager is suspended is refused."""
    (manager, manager_lei), (delegate, lei) = (
        fund_actors["fund_manager"],
        fund_actors["rival_manager"],
    )
    (a, b, _), (code_a, code_b, _) = nav_world["serials"], nav_world["codes"]
    distribution.publishNavs(FRI, [pack(a, 10_000), pack(b, 10_000)], sender=manager)
    now = today(chain)

    def refused() -> None:
        with reverts(distribution.DistributionNotPublisher, lei=lei, serial=a):
            distribution.publishNavs(TUE, [pack(a, 10_100)], sender=delegate)
        assert not distribution.canPublish(a, lei)
        assert list(distribution.checkNavs(delegate, TUE, [pack(a, 10_100)])) == [2]
        with reverts(notices.FundNoticesNotPublisher, lei=lei, serial=a):
            notices.publishReports(
                [(a, 12, 20261210, b"\xab" * 32, "r", "pdf", 1)], sender=delegate
            )

    refused()  # no mandate
    mandates.grant(lei, DELEGATE, code_b, now, 0, sender=manager)
    refused()  # for another fund
    assert distribution.canPublish(b, lei)
    other_lei = fund_actors["other_trustee"][1]  # a mandate for fund A from another manager
    mandates.grant(other_lei, DELEGATE, code_a, now, 0, sender=delegate)
    assert not distribution.canPublish(a, other_lei), "only fund A's manager mandates for it"
    agent, agent_lei = accounts[16], make_lei(601).encode()
    admit(registry, operator, agent_lei, 7, "lending agent", KEY, agent)
    mandates.grant(agent_lei, LENDING_AGENT, ZERO, now, 0, sender=manager)
    with reverts(distribution.DistributionNotPublisher, lei=agent_lei, serial=a):
        distribution.publishNavs(TUE, [pack(a, 10_100)], sender=agent)  # another scope's
    whole = mandates.mandateIdOf(manager_lei, lei, DELEGATE, ZERO)
    mandates.grant(lei, DELEGATE, ZERO, now, 0, sender=manager)
    assert distribution.canPublish(a, lei), "a mandate for all the manager's funds"
    mandates.revoke(whole, sender=manager)
    refused()  # revoked
    mandates.grant(lei, DELEGATE, ZERO, now, now, sender=manager)
    chain.mine(timestamp=chain.blocks.head.timestamp + 86_400)
    refused()  # expired
    mandates.grant(lei, DELEGATE, code_a, today(chain), 0, sender=manager)
    registry.suspendInstitution(manager_lei, "review", sender=operator)
    refused()  # the manager suspended
    registry.reinstateInstitution(manager_lei, sender=operator)
    registry.suspendInstitution(lei, "review", sender=operator)
    with reverts(distribution.DistributionNotInstitution, account=delegate.address):
        distribution.publishNavs(TUE, [pack(a, 10_100)], sender=delegate)  # itself suspended
    registry.reinstateInstitution(lei, sender=operator)
    tx = distribution.publishNavs(TUE, [pack(a, 10_100)], sender=delegate)
    assert bytes(tx.events.filter(distribution.NavsPublished)[0].publisher) == lei


def test_confirm__trustee_agrees_or_is_refused(
    distribution: Any, nav_world: dict[str, Any], fund_actors: dict[str, Any]
) -> None:
    a = nav_world["serials"][0]
    distribution.publishNavs(FRI, [pack(a, 10_000)], sender=nav_world["manager"])
    trustee = fund_actors["fund_trustee"][0]
    with reverts(distribution.DistributionNavMismatch):
        distribution.confirmNavs([a | FRI << 32 | 10_001 << 64], sender=trustee)
    with reverts(distribution.DistributionNotTrustee):
        distribution.confirmNavs([a | FRI << 32 | 10_000 << 64], sender=nav_world["manager"])
    tx = distribution.confirmNavs([a | FRI << 32 | 10_000 << 64], sender=trustee)
    assert tx.events.filter(distribution.NavConfirmed)[0].nav == 10_000
    assert distribution.fundState(a).confirmed


def test_correct__original_by_proof_then_again__versions_and_replaced_values(
    distribution: Any, nav_world: dict[str, Any]
) -> None:
    a, b, _ = nav_world["serials"]
    manager = nav_world["manager"]
    tx = distribution.publishNavs(FRI, [pack(a, 10_000), pack(b, 9_000)], sender=manager)
    batch = tx.events.filter(distribution.NavsPublished)[0].batchId
    net = units = 10**10
    leaves = [nav_leaf(a, FRI, 10_000, net, units, 1), nav_leaf(b, FRI, 9_000, net, units, 1)]
    original = (b, FRI, 9_000, net, units, 1)
    with reverts(distribution.DistributionReasonRequired):
        distribution.correctNavs(
            [(original, batch, merkle_proof(leaves, 1), 9_010, net, units, "")], sender=manager
        )
    with reverts(distribution.DistributionUnchanged):
        distribution.correctNavs(
            [(original, batch, merkle_proof(leaves, 1), 9_000, net, units, "r")], sender=manager
        )
    with reverts(distribution.DistributionNotCurrent):
        distribution.correctNavs(
            [(original, batch, merkle_proof(leaves, 0), 9_010, net, units, "r")], sender=manager
        )
    tx = distribution.correctNavs(
        [(original, batch, merkle_proof(leaves, 1), 9_010, net, units, "price of one holding")],
        sender=manager,
    )
    event = tx.events.filter(distribution.NavCorrected)[0]
    assert (event.previous[2], event.current[2], event.current[5]) == (
        9_000,
        9_010,
        2,
    )  # nav, version
    assert event.reason == "price of one holding"
    assert distribution.fundState(b).lastNav == 9_010
    assert not distribution.isCurrentNav(original, batch, merkle_proof(leaves, 1))
    second = (b, FRI, 9_010, net, units, 2)
    tx = distribution.correctNavs([(second, 0, [], 9_011, net, units, "again")], sender=manager)
    assert tx.events.filter(distribution.NavCorrected)[0].current[5] == 3


def test_fund_registry__tells_of_status_changes(
    distribution: Any, funds: Any, nav_world: dict[str, Any]
) -> None:
    code, serial = nav_world["codes"][0], nav_world["serials"][0]
    tx = funds.setStatus(code, SUSPENDED, sender=nav_world["manager"])
    synced = tx.events.filter(distribution.FundStateSynced)
    assert [e.status for e in synced] == [SUSPENDED]
    assert distribution.fundState(serial).status == SUSPENDED
    with reverts(distribution.DistributionOnlyFundRegistry):
        distribution.onFundChanged(code, funds.getFund(code), sender=nav_world["manager"])


def test_closing_date__moves_to_the_next_nav_day(
    distribution: Any, nav_world: dict[str, Any]
) -> None:
    a = nav_world["serials"][0]
    assert not distribution.isClosingDate(a, 20261115)  # a Sunday
    assert distribution.isClosingDate(a, 20261116)
    assert not distribution.isClosingDate(a, 20261016)
    assert distribution.isNavDay(a, FRI) and not distribution.isNavDay(a, MON_HOLIDAY)


def test_profile__refusals(
    distribution: Any, nav_world: dict[str, Any], fund_actors: dict[str, Any]
) -> None:
    code = nav_world["codes"][0]
    with reverts(distribution.DistributionNotFundManager):
        distribution.setProfiles([code], ([], [], 1, 15, 0), sender=fund_actors["rival_manager"][0])
    for profile, error, values in [
        (([], [], 0, 15, 0), "DistributionInvalidClosingMonths", {"closingMonths": 0}),
        (([], [], 1 << 12, 15, 0), "DistributionInvalidClosingMonths", {"closingMonths": 4096}),
        (([], [], 1, 32, 0), "DistributionInvalidClosingDay", {"closingDay": 32}),
        (([], [], 1, 0, 0), "DistributionInvalidClosingDay", {"closingDay": 0}),
        (([b"XTKS", b"\0\0\0\0"], [], 1, 15, 0), "DistributionEmptyNavMarket", {"index": 1}),
        (([], [b"\0\0\0\0"], 1, 15, 0), "DistributionEmptyHolidayMarket", {"index": 0}),
        (([b"XTKS"] * 4, [], 1, 15, 0), "DistributionTooManyNavMarkets",
         {"count": 4, "maxCount": 3}),
        (([], [b"XNYS"] * 4, 1, 15, 0), "DistributionTooManyHolidayMarkets",
         {"count": 4, "maxCount": 3}),
    ]:  # fmt: skip
        with reverts(error, fundCode=bytes(code), **values):
            distribution.setProfiles([code], profile, sender=nav_world["manager"])


def test_check_navs__a_code_per_record__same_rules_as_publish(
    distribution: Any, nav_world: dict[str, Any], fund_actors: dict[str, Any]
) -> None:
    a, b, draft = nav_world["serials"]
    manager = nav_world["manager"]
    distribution.publishNavs(FRI, [pack(a, 10_000)], sender=manager)
    records = [
        pack(a, 10_100),  # fine
        pack(a + 100, 1),  # no profile
        pack(draft, 1),  # not open
        pack(a, 0),  # zero
        pack(a, 12_000),  # jump without the flag
        pack(a, 12_000, jump=True),  # with it
    ]
    assert list(distribution.checkNavs(manager, TUE, records)) == [0, 1, 3, 7, 8, 0]
    assert list(distribution.checkNavs(manager, FRI, [pack(a, 1)])) == [5]
    assert list(distribution.checkNavs(manager, MON_HOLIDAY, [pack(b, 1)])) == [6]
    assert list(distribution.checkNavs(manager, WED, [pack(b, 1)])) == [4]
    rival = fund_actors["rival_manager"][0]
    assert list(distribution.checkNavs(rival, TUE, [pack(a, 1)])) == [2]
