"""A non-application day withdrawn on chain: the correction that cancels it reaches a subscriber
as the standard's ``cancelled`` day (version 2, ``previous`` holding ``cancelled`` false), and a
dataset carrying such a correction publishes it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from bpost_client.client import Client, connect
from bpost_client.distribution import feed, notices, subscriptions
from bpost_client.distribution.publication import publish_dataset
from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.records import SPEC_VERSION, NonApplicationReason
from bpost_client.platform.signers import dev_account
from tests.conftest import Node

DISTRIBUTOR = "3538000KANDABANK0193"
THANKSGIVING = date(2026, 11, 26)


@pytest.fixture
def distributor(isolated: Node, nav_funds: list[str]) -> Client:
    """Kanda Bank (dev account 4), subscribed to the first fund."""
    client = connect(isolated.url, isolated.deployments, dev_account(4))
    subscriptions.subscribe(client, nav_funds[:1])
    return client


def thanksgiving(fund: str) -> notices.NonApplicationNotice:
    return notices.NonApplicationNotice(fund, THANKSGIVING, notices.Reason.MARKET_HOLIDAY, "XNYS")


def test_cancel__published_day__delivered_as_cancelled_version_2(
    asset_manager: Client, distributor: Client, nav_funds: list[str]
) -> None:
    start = distributor.w3.eth.block_number + 1
    day = thanksgiving(nav_funds[0])
    notices.publish(asset_manager, [day])
    receipt = notices.correct(asset_manager, day, replace(day, cancelled=True), "published twice")
    corrected_in = int(receipt["blockNumber"])
    [change] = [c for c in notices.notice_changes(asset_manager) if c.previous is not None]
    assert (change.record.cancelled, change.record.version) == (True, 2)

    for first in (start, corrected_in):  # with the original in the range, and without it
        delivery = feed.collect(distributor, DISTRIBUTOR, first, corrected_in)
        [withdrawn] = delivery.dataset.non_application_days
        assert withdrawn.cancelled is True, "the withdrawal is the standard's cancelled"
        assert (withdrawn.version, withdrawn.correction_reason) == (2, "published twice")
        assert (withdrawn.reason, withdrawn.market, withdrawn.note) == (
            NonApplicationReason.MARKET_HOLIDAY,
            "XNYS",
            None,
        ), "the day keeps its reason, market and note"
        assert withdrawn.previous is not None and withdrawn.previous["cancelled"] is False
        assert delivery.count == 1


def test_publish_dataset__cancelling_correction__published_once(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    fund = nav_funds[0]
    original = {
        "fund": fund,
        "date": THANKSGIVING.isoformat(),
        "reason": "market_holiday",
        "market": "XNYS",
        "version": 1,
    }
    withdrawal = {
        **original,
        "cancelled": True,
        "version": 2,
        "correction_reason": "published twice",
        "previous": {"cancelled": False},
    }

    def dataset_of(day: dict[str, object], version: str = SPEC_VERSION) -> bytes:
        return json.dumps({"spec_version": version, "non_application_days": [day]}).encode()

    first = publish_dataset(asset_manager, standard_json.read(dataset_of(original, "1.0.0")))
    assert len(first.new_notices) == 1

    plan = publish_dataset(asset_manager, standard_json.read(dataset_of(withdrawal)))
    assert (len(plan.notice_corrections), plan.transactions) == (1, 1)
    [change] = [c for c in notices.notice_changes(asset_manager) if c.previous is not None]
    assert change.record == replace(thanksgiving(fund), cancelled=True, version=2)
    assert change.previous == thanksgiving(fund) and change.reason == "published twice"

    again = publish_dataset(asset_manager, standard_json.read(dataset_of(withdrawal)))
    assert (again.unchanged, again.transactions) == (1, 0), "the withdrawal is not sent twice"
    before = publish_dataset(asset_manager, standard_json.read(dataset_of(original, "1.0.0")))
    assert (before.unchanged, before.transactions) == (1, 0), "the older file is superseded"
