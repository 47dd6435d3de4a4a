"""The index: new blocks picked up between requests by reading only those blocks, the same
records as an index read from scratch, and everything read again when the chain went back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bpost_client.api.index import DistributionIndex
from bpost_client.client import Client, connect
from bpost_client.distribution import navs, notices
from tests.api.conftest import World
from tests.conftest import Node, rpc

MON, TUE = date(2026, 11, 16), date(2026, 11, 17)


def day_navs(world: World, day: date, base: int = 10_200) -> list[navs.NavRecord]:
    return [navs.NavRecord(f, day, base + i, 10**10, 10**10) for i, f in enumerate(world.funds)]


def snapshot_of(index: DistributionIndex, world: World) -> dict[str, Any]:
    """Everything an index holds of the world's funds."""
    return {
        code: (
            index.navs(code),
            index.distributions(code),
            index.non_application_days(code),
            index.reports(code),
            index.counts(code),
        )
        for code in world.funds
    } | {"corrections": index.corrections()}


def test_index__new_blocks_between_requests__read_alone_and_shown(
    http: TestClient,
    kanda: dict[str, str],
    world: World,
    asset_manager: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ranges: list[tuple[int, int]] = []
    original = navs.nav_batches

    def recorded(client: Client, start: int | None = None, end: int | None = None) -> Any:
        assert start is not None and end is not None
        ranges.append((start, end))
        return original(client, start, end)

    monkeypatch.setattr(navs, "nav_batches", recorded)
    path = f"/funds/{world.funds[0]}/navs"
    before = http.get(path, headers=kanda).json()
    assert http.get(path, headers=kanda).json() == before
    assert len(ranges) == 1, "the head did not move: nothing read"
    navs.publish_navs(asset_manager, day_navs(world, MON))
    after = http.get(path, headers=kanda).json()
    assert after["navs"][-1]["date"] == MON.isoformat() and len(after["navs"]) == 10
    assert after["as_of_block"] > before["as_of_block"]
    assert ranges[1] == (before["as_of_block"] + 1, after["as_of_block"]), "only the new blocks"


def test_index__refreshed_step_by_step__same_as_read_at_once(
    isolated: Node, world: World, asset_manager: Client
) -> None:
    reader = connect(isolated.url, isolated.deployments)
    stepwise = DistributionIndex(reader)
    stepwise.refresh()
    navs.publish_navs(asset_manager, day_navs(world, MON))
    stepwise.refresh()
    fix = navs.NavCorrection(world.funds[2], MON, 10_290, 10**10, 10**10, "late trade")
    navs.correct_navs(asset_manager, [fix])
    year_end = notices.NonApplicationNotice(
        world.funds[1], date(2026, 12, 25), notices.Reason.OTHER, note="year end"
    )
    notices.publish(asset_manager, [year_end])
    stepwise.refresh()
    navs.publish_navs(asset_manager, day_navs(world, TUE))
    stepwise.refresh()
    whole = DistributionIndex(reader)
    whole.refresh()
    assert snapshot_of(stepwise, world) == snapshot_of(whole, world)
    assert [e.record.version for e in stepwise.navs(world.funds[2])][-2:] == [2, 1]


def test_index__chain_went_back__read_again(
    isolated: Node, world: World, asset_manager: Client
) -> None:
    index = DistributionIndex(connect(isolated.url, isolated.deployments))
    index.refresh()
    fork = rpc(isolated.url, "evm_snapshot")
    navs.publish_navs(asset_manager, day_navs(world, MON, base=10_200))
    head = index.refresh()
    first = index.latest_nav(world.funds[0])
    assert first is not None and first.record.nav_per_10000_units == 10_200
    rpc(isolated.url, "evm_revert", fork)
    other = connect(isolated.url, isolated.deployments, asset_manager.account)
    navs.publish_navs(other, day_navs(world, MON, base=10_300))
    assert index.refresh() == head, "the same height, another block"
    latest = index.latest_nav(world.funds[0])
    assert latest is not None and latest.record.nav_per_10000_units == 10_300
    assert len(index.navs(world.funds[0])) == 10
