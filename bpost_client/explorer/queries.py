"""The chain pages' reads of the index: blocks, transactions and events, each query through an
index and bounded by LIMIT, lists paged by keyset (never OFFSET, never a count of a big table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, select
from sqlalchemy.engine import Connection

from bpost_client.indexer.schema import blocks, events, transactions

__all__ = [
    "BlockRow",
    "EventRow",
    "TransactionPage",
    "TxRow",
    "address_transactions",
    "block",
    "block_number_of",
    "block_transactions",
    "recent_blocks",
    "recent_transactions",
    "timestamps",
    "transaction",
    "transaction_events",
    "transaction_exists",
]


@dataclass(frozen=True)
class BlockRow:
    """A block, with the number of its transactions when counted."""

    number: int
    hash: str
    parent_hash: str
    timestamp: int
    transactions: int | None = None


@dataclass(frozen=True)
class TxRow:
    """A transaction; ``arguments`` and ``error_arguments`` are None in lists."""

    hash: str
    block_number: int
    position: int
    sender: str
    to: str | None
    value: str
    contract: str | None
    function: str | None
    status: int
    gas_used: int
    error: str | None
    arguments: dict[str, Any] | None = None
    error_arguments: dict[str, Any] | None = None
    timestamp: int | None = None

    @property
    def succeeded(self) -> bool:
        """Whether the transaction succeeded (status 1)."""
        return self.status == 1

    @property
    def call(self) -> str:
        """``Contract.function`` as far as known."""
        if self.contract and self.function:
            return f"{self.contract}.{self.function}"
        if self.contract:
            return f"{self.contract} (unknown function)" if self.to else f"create {self.contract}"
        return "contract creation" if self.to is None else "(unknown call)"


@dataclass(frozen=True)
class EventRow:
    """An event of a transaction, decoded (``event`` None: no deployed ABI describes it)."""

    log_index: int
    address: str
    contract: str | None
    event: str | None
    arguments: dict[str, Any]


@dataclass(frozen=True)
class TransactionPage:
    """One page of a keyset-paged list: the rows, and the key of the next page (None: last)."""

    rows: list[TxRow]
    next_key: tuple[int, int] | None


_LIST_COLUMNS = (
    transactions.c.hash,
    transactions.c.block_number,
    transactions.c.position,
    transactions.c.sender,
    transactions.c.to,
    transactions.c.value,
    transactions.c.contract,
    transactions.c.function,
    transactions.c.status,
    transactions.c.gas_used,
    transactions.c.error,
)
_NEWEST_FIRST = (transactions.c.block_number.desc(), transactions.c.position.desc())


def _tx(row: Sequence[Any], stamps: dict[int, int] | None = None) -> TxRow:
    number = int(row[1])
    return TxRow(
        hash=str(row[0]),
        block_number=number,
        position=int(row[2]),
        sender=str(row[3]),
        to=None if row[4] is None else str(row[4]),
        value=str(row[5]),
        contract=row[6],
        function=row[7],
        status=int(row[8]),
        gas_used=int(row[9]),
        error=row[10],
        timestamp=None if stamps is None else stamps.get(number),
    )


def timestamps(conn: Connection, numbers: Iterable[int]) -> dict[int, int]:
    """The timestamps of the blocks ``numbers`` (primary-key lookups)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    query = select(blocks.c.number, blocks.c.timestamp).where(blocks.c.number.in_(wanted))
    return {int(n): int(t) for n, t in conn.execute(query)}


def recent_blocks(conn: Connection, limit: int = 20) -> list[BlockRow]:
    """The newest ``limit`` blocks, newest first, with their transaction counts."""
    rows = conn.execute(select(blocks).order_by(blocks.c.number.desc()).limit(limit)).all()
    if not rows:
        return []
    low, high = int(rows[-1].number), int(rows[0].number)
    counts: dict[int, int] = dict(
        conn.execute(
            select(transactions.c.block_number, func.count())
            .where(transactions.c.block_number.between(low, high))
            .group_by(transactions.c.block_number)
        ).all()
    )
    return [
        BlockRow(
            int(r.number), r.hash, r.parent_hash, int(r.timestamp), int(counts.get(r.number, 0))
        )
        for r in rows
    ]


def block(conn: Connection, number: int) -> BlockRow | None:
    """Block ``number``, or None when the index does not hold it."""
    row = conn.execute(select(blocks).where(blocks.c.number == number)).first()
    if row is None:
        return None
    return BlockRow(int(row.number), row.hash, row.parent_hash, int(row.timestamp))


def block_number_of(conn: Connection, block_hash: str) -> int | None:
    """The number of the block whose hash is ``block_hash`` (lowercase 0x-hex), or None when
    the index holds no such block."""
    query = select(blocks.c.number).where(blocks.c.hash == block_hash)
    number = conn.execute(query).scalar()
    return None if number is None else int(number)


def block_transactions(
    conn: Connection, number: int, after: int | None = None, limit: int = 100
) -> tuple[list[TxRow], int | None]:
    """The transactions of block ``number`` in order, from position ``after + 1``, at most
    ``limit``; and the position to continue after (None: no more)."""
    query = select(*_LIST_COLUMNS).where(transactions.c.block_number == number)
    if after is not None:
        query = query.where(transactions.c.position > after)
    rows = conn.execute(query.order_by(transactions.c.position).limit(limit + 1)).all()
    found = [_tx(r) for r in rows[:limit]]
    return found, (found[-1].position if len(rows) > limit else None)


def recent_transactions(conn: Connection, limit: int = 20) -> list[TxRow]:
    """The newest ``limit`` transactions, newest first, with their blocks' timestamps."""
    rows = conn.execute(select(*_LIST_COLUMNS).order_by(*_NEWEST_FIRST).limit(limit)).all()
    stamps = timestamps(conn, (int(r[1]) for r in rows))
    return [_tx(r, stamps) for r in rows]


def transaction(conn: Connection, tx_hash: str) -> TxRow | None:
    """The transaction ``tx_hash`` (lowercase 0x-hex) in full, or None."""
    row = conn.execute(select(transactions).where(transactions.c.hash == tx_hash)).first()
    if row is None:
        return None
    stamps = timestamps(conn, [int(row.block_number)])
    return TxRow(
        hash=row.hash,
        block_number=int(row.block_number),
        position=int(row.position),
        sender=row.sender,
        to=row.to,
        value=str(row.value),
        contract=row.contract,
        function=row.function,
        status=int(row.status),
        gas_used=int(row.gas_used),
        error=row.error,
        arguments=row.arguments,
        error_arguments=row.error_arguments,
        timestamp=stamps.get(int(row.block_number)),
    )


def transaction_exists(conn: Connection, tx_hash: str) -> bool:
    """Whether the index holds the transaction ``tx_hash`` (lowercase 0x-hex)."""
    query = select(transactions.c.hash).where(transactions.c.hash == tx_hash)
    return conn.execute(query).first() is not None


def transaction_events(conn: Connection, tx_hash: str) -> list[EventRow]:
    """The events of the transaction ``tx_hash``, in log order."""
    query = (
        select(events.c.log_index, events.c.address, events.c.contract, events.c.event)
        .add_columns(events.c.arguments)
        .where(events.c.transaction_hash == tx_hash)
        .order_by(events.c.log_index)
    )
    return [
        EventRow(int(r[0]), str(r[1]), r[2], r[3], dict(r[4] or {})) for r in conn.execute(query)
    ]


def _older(before: tuple[int, int | None] | None) -> list[ColumnElement[bool]]:
    """The conditions of rows older than ``before`` (a block, or a block and position)."""
    if before is None:
        return []
    number, position = before
    if position is None:
        return [transactions.c.block_number < number]
    return [
        transactions.c.block_number <= number,
        not_(and_(transactions.c.block_number == number, transactions.c.position >= position)),
    ]


def address_transactions(
    conn: Connection, address: str, before: tuple[int, int | None] | None = None, limit: int = 50
) -> TransactionPage:
    """The transactions ``address`` sent or received, newest first, older than ``before``,
    at most ``limit``; each side read through its own index and the two merged."""
    found: dict[str, TxRow] = {}
    for column in (transactions.c.sender, transactions.c.to):
        query = (
            select(*_LIST_COLUMNS)
            .where(column == address, *_older(before))
            .order_by(*_NEWEST_FIRST)
            .limit(limit + 1)
        )
        for row in conn.execute(query):
            tx = _tx(row)
            found[tx.hash] = tx
    ordered = sorted(found.values(), key=lambda t: (t.block_number, t.position), reverse=True)
    shown = ordered[:limit]
    stamps = timestamps(conn, (t.block_number for t in shown))
    rows = [replace(t, timestamp=stamps.get(t.block_number)) for t in shown]
    more = len(ordered) > limit
    return TransactionPage(
        rows, (rows[-1].block_number, rows[-1].position) if more and rows else None
    )
