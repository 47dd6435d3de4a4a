"""NAVs through the client: profiles, a day's NAVs in one transaction, reading the batches
back, trustee confirmation, corrections proven against the batch root."""

from __future__ import annotations

from datetime import date

import pytest

from bpost_client.client import Client
from bpost_client.distribution import navs
from bpost_client.exceptions import ContractRevert

FRI, HOLIDAY, TUE = date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24)


def records(codes: list[str], day: date, base: int = 10_000) -> list[navs.NavRecord]:
    return [
        navs.NavRecord(code, day, base + i, (base + i) * 10**6, 10**10 + i)
        for i, code in enumerate(codes)
    ]


@pytest.mark.both_backends
def test_publish__one_transaction__read_back_from_the_batch(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    published = records(nav_funds, FRI)
    assert len(navs.publish_navs(asset_manager, published)) == 1
    [batch] = navs.nav_batches(asset_manager)
    assert batch.records == tuple(published) and batch.day == FRI
    assert batch.publisher == "3538000SAKURAAM00151"
    state = navs.fund_state(asset_manager, nav_funds[0])
    assert (state.last_nav_date, state.last_nav, state.status) == (FRI, 10_000, 3)


def test_publish__tokyo_holiday__refused_with_the_rule(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    with pytest.raises(ContractRevert) as refused:
        navs.publish_navs(asset_manager, records(nav_funds, HOLIDAY))
    assert refused.value.error_name == "DistributionNotNavDay"


def test_confirm__by_the_trustee(
    asset_manager: Client, trustee: Client, nav_funds: list[str]
) -> None:
    published = records(nav_funds, FRI)
    navs.publish_navs(asset_manager, published)
    navs.confirm_navs(trustee, published[:2])
    assert [navs.fund_state(trustee, c).confirmed for c in nav_funds] == [True, True, False]


def test_correct__twice__current_version_and_replaced_values(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    navs.publish_navs(asset_manager, records(nav_funds, FRI))
    navs.publish_navs(asset_manager, records(nav_funds, TUE, 10_100))
    fund = nav_funds[1]
    fix = navs.NavCorrection(fund, FRI, 10_002, 10_002 * 10**6, 10**10 + 1, "stale price")
    navs.correct_navs(asset_manager, [fix])
    again = navs.NavCorrection(fund, FRI, 10_003, 10_003 * 10**6, 10**10 + 1, "second look")
    navs.correct_navs(asset_manager, [again])
    current = navs.current_navs(asset_manager)
    assert (current[fund, FRI].nav, current[fund, FRI].version) == (10_003, 3)
    assert current[fund, TUE].nav == 10_101  # the later day is untouched
    assert navs.fund_state(asset_manager, fund).last_nav == 10_101
