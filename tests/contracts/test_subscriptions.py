"""Subscriptions: only a fund's distributors subscribe; receipts per block range, no gaps."""

from __future__ import annotations

from typing import Any

from tests.contracts.reverts import reverts


def test_subscribe__distributor_only__idempotent(
    subscriptions: Any, nav_world: dict[str, Any], fund_actors: dict[str, Any], outsider: Any
) -> None:
    code = nav_world["codes"][0]
    distributor, lei = fund_actors["fund_distributor"]
    tx = subscriptions.subscribe([code], sender=distributor)
    assert [bytes(e.lei) for e in tx.events.filter(subscriptions.Subscribed)] == [lei]
    again = subscriptions.subscribe([code], sender=distributor)
    assert list(again.events.filter(subscriptions.Subscribed)) == []
    assert subscriptions.isSubscribed(code, lei)
    with reverts(subscriptions.SubscriptionsNotDistributor):
        subscriptions.subscribe([code], sender=fund_actors["fund_custodian"][0])
    with reverts(subscriptions.SubscriptionsNotInstitution):
        subscriptions.subscribe([code], sender=outsider)
    tx = subscriptions.unsubscribe([code], sender=distributor)
    [ended] = tx.events.filter(subscriptions.Unsubscribed)
    assert (bytes(ended.lei), bytes(ended.fundCode)) == (lei, bytes(code))
    assert not subscriptions.isSubscribed(code, lei)


def test_receipts__contiguous_ranges(
    subscriptions: Any, chain: Any, fund_actors: dict[str, Any]
) -> None:
    distributor, lei = fund_actors["fund_distributor"]
    head = chain.blocks.head.number
    subscriptions.acknowledgeReceipt(1, head - 5, 10, b"\x01" * 32, sender=distributor)
    assert subscriptions.receivedUpTo(lei) == head - 5
    with reverts(subscriptions.SubscriptionsGap):
        subscriptions.acknowledgeReceipt(head - 3, head - 2, 1, b"\x02" * 32, sender=distributor)
    subscriptions.acknowledgeReceipt(head - 5, head - 1, 1, b"\x02" * 32, sender=distributor)
    assert subscriptions.receivedUpTo(lei) == head - 1
    with reverts(subscriptions.SubscriptionsInvalidRange):
        subscriptions.acknowledgeReceipt(head, head + 10, 1, b"\x03" * 32, sender=distributor)
