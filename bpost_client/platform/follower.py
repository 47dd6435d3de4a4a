"""One way to follow the chain: where a reader is, what it reads next, and what a reorganisation
took away. The indexer, the API's distribution index and a distributor's watcher all follow the
chain through it.

A reader keeps a *trail*: blocks it has taken in with their hashes, newest first, the first being
its position. Each step the follower

1. compares the position's hash with the chain's block of that number. On a difference it finds
   the newest block of the trail that is still the chain's and tells the reader to roll back to
   it (:class:`Rollback`): to drop what it took in after that block. It looks no further back
   than ``reorg_depth`` blocks below the position, and raises :class:`ReorgTooDeepError` when
   the chain replaced more (a deep reorganisation is a fault to look into, not to follow);
2. otherwise offers the next range (:class:`Span`): from the block after the position up to the
   head less ``confirmations``, at most ``max_blocks`` blocks, with its last block's hash.

A reader that reads a span by event logs asks :meth:`Follower.unchanged` before taking it in: a
span whose last block changed while it was read is read again at the next step.

The trail of a reader that keeps every block's hash (the indexer) is exact; one that keeps only
the ends of the spans it took in (:func:`extend`, starting from :meth:`Follower.origin`) rolls
back to the end of a span, which may be further back than the reorganisation went: it reads
more again, and loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bpost_client.exceptions import ChainError, ConfigError

if TYPE_CHECKING:  # web3 loads when a follower reads, not when the CLI names a default
    from web3 import Web3

__all__ = [
    "DEFAULT_REORG_DEPTH",
    "Block",
    "Follower",
    "ReorgTooDeepError",
    "Rollback",
    "Span",
    "extend",
    "trail_from_json",
    "trail_to_json",
]


DEFAULT_REORG_DEPTH = 12
"""How many blocks below its position a reader rolls back unless told otherwise."""


class ReorgTooDeepError(ChainError):
    """The chain replaced more of the blocks a reader took in than its reorganisation depth."""


@dataclass(frozen=True)
class Block:
    """A block a reader took in: its number and its hash (0x-hex)."""

    number: int
    hash: str


@dataclass(frozen=True)
class Span:
    """The blocks to read next: ``first`` to ``last.number``, ``last`` with its hash."""

    first: int
    last: Block


@dataclass(frozen=True)
class Rollback:
    """The chain replaced blocks a reader took in: drop everything after ``to`` (``None``: after
    the block before the first followed, so everything). ``dropped`` is how many blocks that is."""

    to: Block | None
    dropped: int


def extend(trail: Sequence[Block], block: Block, reorg_depth: int) -> list[Block]:
    """The trail after taking in the blocks up to ``block``: ``block`` first, then the blocks of
    ``trail`` within ``reorg_depth`` of it and the newest one below those (what a rollback may
    go back to)."""
    floor = block.number - reorg_depth
    kept = [block]
    for older in trail:
        if older.number >= block.number:
            continue
        kept.append(older)
        if older.number < floor:
            break
    return kept


def trail_to_json(trail: Sequence[Block]) -> list[list[Any]]:
    """The trail as JSON lists ``[number, hash]``."""
    return [[b.number, b.hash] for b in trail]


def trail_from_json(data: Any) -> list[Block]:
    """The trail of :func:`trail_to_json`'s form.

    Raises:
        ValueError: not a list of ``[number, hash]`` pairs, newest first.
    """
    if not isinstance(data, list):
        raise ValueError("the trail is not a list")
    trail = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            raise ValueError(f"a trail entry is not [number, hash]: {item!r}")
        trail.append(Block(int(item[0]), item[1]))
    if any(a.number <= b.number for a, b in pairwise(trail)):
        raise ValueError("the trail is not newest first")
    return trail


class Follower:
    """Follows the chain of ``w3`` from ``start_block``.

    Args:
        w3: the node.
        start_block: the first block to read (the deployment's first block).
        confirmations: blocks left below the head before a block is read (0: read the head).
        reorg_depth: the most blocks below the position a rollback may go back.
        max_blocks: the most blocks in one span.

    Raises:
        ConfigError: a negative confirmations or depth, or a span of no block.
    """

    def __init__(
        self,
        w3: Web3,
        start_block: int,
        *,
        confirmations: int = 0,
        reorg_depth: int = DEFAULT_REORG_DEPTH,
        max_blocks: int = 2_000,
    ) -> None:
        if confirmations < 0 or reorg_depth < 0 or max_blocks < 1:
            raise ConfigError(
                "confirmations and the reorganisation depth must be 0 or more, and a span at "
                f"least one block (got {confirmations}, {reorg_depth}, {max_blocks})"
            )
        self.w3 = w3
        self.start_block = start_block
        self.confirmations = confirmations
        self.reorg_depth = reorg_depth
        self.max_blocks = max_blocks

    def hash_of(self, number: int) -> str | None:
        """The hash of the chain's block ``number`` (0x-hex), None past the head."""
        from web3.exceptions import BlockNotFound

        try:
            block = self.w3.eth.get_block(number)
        except BlockNotFound:
            return None
        found = block.get("hash")
        return None if found is None else "0x" + bytes(found).hex()

    def head(self) -> int:
        """The newest block a reader may take in: the head less the confirmations."""
        return int(self.w3.eth.block_number) - self.confirmations

    def rollback(self, trail: Sequence[Block]) -> Rollback | None:
        """What to drop when the trail's position is no longer the chain's, else None.

        Raises:
            ReorgTooDeepError: the chain replaced more than ``reorg_depth`` blocks below the
                position (nothing is to be dropped then).
        """
        if not trail or self._kept(trail[0]):
            return None
        position = trail[0]
        floor = position.number - self.reorg_depth
        for older in trail[1:]:
            if self._kept(older):
                before = older.number < self.start_block
                return Rollback(None if before else older, position.number - older.number)
            if older.number < floor:
                break
        if floor < self.start_block:
            return Rollback(None, position.number - self.start_block + 1)
        raise ReorgTooDeepError(
            f"the chain replaced more than {self.reorg_depth} of the blocks read below "
            f"{position.number} ({position.hash})"
        )

    def origin(self) -> Block:
        """The trail of a reader that has read nothing: the block before the first followed.
        A reader that keeps only the ends of its spans starts from it, so that a rollback of
        its first spans goes back to the start."""
        return Block(self.start_block - 1, "")

    def _kept(self, block: Block) -> bool:
        """Whether the chain still has ``block`` (a block before the first followed counts as
        kept: nothing was read from it)."""
        return block.number < self.start_block or self.hash_of(block.number) == block.hash

    def next_span(self, trail: Sequence[Block], to_block: int | None = None) -> Span | None:
        """The next blocks to read, up to ``to_block`` at most; None when there are none yet."""
        first = trail[0].number + 1 if trail else self.start_block
        last = self.head() if to_block is None else min(to_block, self.head())
        last = min(last, first + self.max_blocks - 1)
        if last < first:
            return None
        found = self.hash_of(last)
        return None if found is None else Span(first, Block(last, found))

    def step(self, trail: Sequence[Block], to_block: int | None = None) -> Rollback | Span | None:
        """A rollback when the chain replaced the position, else the next span, else None.

        Raises:
            ReorgTooDeepError: the chain replaced more than ``reorg_depth`` blocks.
        """
        return self.rollback(trail) or self.next_span(trail, to_block)

    def unchanged(self, span: Span) -> bool:
        """Whether the span's last block is still the chain's (read it again when not)."""
        return self.hash_of(span.last.number) == span.last.hash
