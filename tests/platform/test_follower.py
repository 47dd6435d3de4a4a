"""The one chain follower on a real node: spans up to the head less the confirmations, a
rollback to the newest block still on the chain when blocks were replaced, a refusal past the
depth, and the trails kept by readers that store only the ends of their spans."""

from __future__ import annotations

import time

import pytest

from bpost_client.client import Client
from bpost_client.exceptions import ConfigError
from bpost_client.platform.follower import (
    Block,
    Follower,
    ReorgTooDeepError,
    Rollback,
    Span,
    extend,
    trail_from_json,
    trail_to_json,
)
from tests.conftest import Node, rpc


def mine(node: Node, blocks: int) -> None:
    """``blocks`` blocks of a transfer each (so a block replaced by an empty one is another)."""
    first, second = rpc(node.url, "eth_accounts")[:2]
    for _ in range(blocks):
        sent = rpc(node.url, "eth_sendTransaction", {"from": first, "to": second, "value": "0x1"})
        deadline = time.monotonic() + 10
        while rpc(node.url, "eth_getTransactionReceipt", sent) is None:  # mined: the head moved
            assert time.monotonic() < deadline, f"{sent} was not mined"
            time.sleep(0.01)


def trail_to(follower: Follower, last: int, first: int) -> list[Block]:
    """An exact trail: every block from ``last`` down to ``first``, as the chain has them."""
    found = [Block(n, follower.hash_of(n) or "") for n in range(last, first - 1, -1)]
    assert all(b.hash for b in found)
    return found


def test_next_span__leaves_the_confirmations_and_caps_its_length(
    isolated: Node, reader: Client
) -> None:
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 9, confirmations=2, max_blocks=5)
    span = follower.next_span([])
    assert span is not None and (span.first, span.last.number) == (head - 9, head - 5)
    assert span.last.hash == follower.hash_of(head - 5) and follower.unchanged(span)
    after = follower.next_span([span.last])
    assert after is not None and (after.first, after.last.number) == (head - 4, head - 2)
    assert follower.next_span([after.last]) is None, "the last 2 blocks wait for confirmations"
    assert follower.next_span([], to_block=head - 8) == Span(
        head - 9, Block(head - 8, follower.hash_of(head - 8) or "")
    )


def test_step__blocks_replaced_at_the_same_height__rolls_back_to_the_newest_kept(
    isolated: Node, reader: Client
) -> None:
    mine(isolated, 6)
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 5, reorg_depth=4)
    trail = trail_to(follower, head, head - 5)
    assert follower.step(trail) is None, "nothing new, nothing replaced"
    rpc(isolated.url, "anvil_reorg", 2, [])
    assert follower.step(trail) == Rollback(trail[2], 2)
    assert not follower.unchanged(Span(head, trail[0]))


def test_step__chain_went_back__rolls_back_below_the_head(isolated: Node, reader: Client) -> None:
    snapshot = rpc(isolated.url, "evm_snapshot")
    mine(isolated, 3)
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 10)
    trail = trail_to(follower, head, head - 4)
    rpc(isolated.url, "evm_revert", snapshot)
    assert follower.step(trail) == Rollback(trail[3], 3)


def test_step__replaced_deeper_than_the_depth__raises(isolated: Node, reader: Client) -> None:
    mine(isolated, 5)
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 4, reorg_depth=2)
    trail = trail_to(follower, head, head - 2)
    rpc(isolated.url, "anvil_reorg", 3, [])
    with pytest.raises(ReorgTooDeepError, match=f"more than 2 of the blocks read below {head}"):
        follower.step(trail)


def test_step__every_block_replaced_within_the_depth__rolls_back_everything(
    isolated: Node, reader: Client
) -> None:
    mine(isolated, 3)
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 1, reorg_depth=4)
    trail = trail_to(follower, head, head - 1)
    rpc(isolated.url, "anvil_reorg", 2, [])
    assert follower.step(trail) == Rollback(None, 2)


def test_step__coarse_trail__rolls_back_to_the_end_of_an_earlier_span(
    isolated: Node, reader: Client
) -> None:
    mine(isolated, 30)
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 29, reorg_depth=5, max_blocks=10)
    trail = [follower.origin()]
    while (span := follower.next_span(trail)) is not None:
        trail = extend(trail, span.last, follower.reorg_depth)
    assert [b.number for b in trail] == [head, head - 10], "the position and one end below"
    rpc(isolated.url, "anvil_reorg", 3, [])
    assert follower.step(trail) == Rollback(trail[1], 10)


def test_step__coarse_trail_first_span_replaced__rolls_back_to_the_start(
    isolated: Node, reader: Client
) -> None:
    mine(isolated, 20)
    head = reader.w3.eth.block_number
    follower = Follower(reader.w3, head - 19, reorg_depth=5)
    first = follower.next_span([follower.origin()])
    assert first is not None and first.last.number == head
    trail = extend([follower.origin()], first.last, follower.reorg_depth)
    assert follower.step(trail) is None
    rpc(isolated.url, "anvil_reorg", 2, [])
    assert follower.step(trail) == Rollback(None, 20)


def test_extend__keeps_the_depth_and_one_block_below() -> None:
    trail: list[Block] = []
    for number in (10, 20, 25, 28, 30):
        trail = extend(trail, Block(number, f"0x{number:02x}"), reorg_depth=6)
    assert [b.number for b in trail] == [30, 28, 25, 20]
    assert trail_from_json(trail_to_json(trail)) == trail


@pytest.mark.parametrize(
    "data",
    ["30", [[30]], [[30, 7]], [[20, "0x14"], [30, "0x1e"]], [["x", "0x1e"]]],
)
def test_trail_from_json__malformed__refused(data: object) -> None:
    with pytest.raises(ValueError):
        trail_from_json(data)


def test_follower__negative_settings__refused(reader: Client) -> None:
    with pytest.raises(ConfigError, match="got -1, 12, 2000"):
        Follower(reader.w3, 0, confirmations=-1)
    with pytest.raises(ConfigError):
        Follower(reader.w3, 0, max_blocks=0)
