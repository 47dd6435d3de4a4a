"""The indexer: follows the chain from the deployment's first block and writes blocks,
transactions and events, decoded, into the database, batch by batch.

Each batch of blocks is written in one database transaction together with the checkpoint (the
last block written and its hash), so an indexer killed at any point resumes at the checkpoint
having lost nothing and written nothing twice.

The chain is followed by :class:`~bpost_client.platform.follower.Follower`, the trail being the
indexed blocks within the reorganisation depth of the checkpoint. When the chain replaced indexed
blocks, everything above the newest block still on the chain is deleted (in one transaction with
the checkpoint moving back there) and indexing goes on from there; a batch whose first block is
not the child of the checkpoint's (the chain changed while it was read) is not written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from eth_utils.address import to_checksum_address
from sqlalchemy import delete, func, insert, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from web3.types import TxParams, Wei

from bpost_client.client import Client
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.indexer._rpc import BlockReader, RawBlock
from bpost_client.indexer.domain import project
from bpost_client.indexer.schema import (
    blocks,
    checkpoint,
    create_schema,
    events,
    read_checkpoint,
    records,
    transactions,
)
from bpost_client.platform.decode import Call, Decoder
from bpost_client.platform.follower import (
    DEFAULT_REORG_DEPTH,
    Block,
    Follower,
    ReorgTooDeepError,
    Rollback,
)

__all__ = [
    "IndexStatus",
    "Indexer",
    "IndexerError",
    "ReorgTooDeepError",
    "SyncReport",
]

_ROW = 1
"""The id of the checkpoint's single row."""


class IndexerError(BPostError, RuntimeError):
    """The index cannot go on: another indexer writes to it, or the chain left it behind."""


@dataclass(frozen=True)
class SyncReport:
    """What one sync (or a whole follow) did: rows written, blocks dropped by reorganisations,
    and the last block indexed (None while the index is empty)."""

    blocks: int = 0
    transactions: int = 0
    events: int = 0
    reorged_blocks: int = 0
    indexed_to: int | None = None

    def __add__(self, later: SyncReport) -> SyncReport:
        return SyncReport(
            self.blocks + later.blocks,
            self.transactions + later.transactions,
            self.events + later.events,
            self.reorged_blocks + later.reorged_blocks,
            later.indexed_to,
        )


@dataclass(frozen=True)
class IndexStatus:
    """What the database holds: its row counts and its checkpoint."""

    blocks: int
    transactions: int
    events: int
    block_number: int | None
    block_hash: str | None


@dataclass(frozen=True)
class _Rows:
    blocks: list[dict[str, Any]]
    transactions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    records: list[dict[str, Any]]


class Indexer:
    """Writes the chain of ``client``'s deployment into the database of ``engine``.

    Args:
        client: a client of the deployment (read-only is enough).
        engine: the database; its tables are created on first use.
        reorg_depth: the most blocks a reorganisation may replace; deeper raises.
        batch_blocks: blocks fetched and written per database transaction.

    Raises:
        ConfigError: a bad setting, or a database that indexes another chain or deployment.
    """

    def __init__(
        self,
        client: Client,
        engine: Engine,
        *,
        reorg_depth: int = DEFAULT_REORG_DEPTH,
        batch_blocks: int = 200,
    ) -> None:
        if reorg_depth < 0 or batch_blocks < 1:
            raise ConfigError("reorg_depth must be 0 or more and batch_blocks 1 or more")
        self.client = client
        self.engine = engine
        self.reorg_depth = reorg_depth
        self.batch_blocks = batch_blocks
        self.start_block = client.manifest.start_block
        self.decoder = Decoder(client.manifest)
        self._reader = BlockReader(client.w3)
        self.follower = Follower(
            client.w3, self.start_block, reorg_depth=reorg_depth, max_blocks=batch_blocks
        )
        had_records = inspect(engine).has_table(records.name)
        create_schema(engine)
        self._check_owner()
        if not had_records:
            self._project_stored()

    def _project_stored(self) -> int:
        """Project the records of the transactions already in the database (an index made
        before the ``records`` table existed); returns how many were written."""
        written = 0
        with self.engine.begin() as conn:
            stored = (
                conn.execute(
                    select(transactions).order_by(
                        transactions.c.block_number, transactions.c.position
                    )
                )
                .mappings()
                .all()
            )
            for transaction in stored:
                logged = (
                    conn.execute(
                        select(events)
                        .where(events.c.transaction_hash == transaction["hash"])
                        .order_by(events.c.log_index)
                    )
                    .mappings()
                    .all()
                )
                rows = project(dict(transaction), [dict(event) for event in logged])
                if rows:
                    conn.execute(insert(records), rows)
                    written += len(rows)
        return written

    def _check_owner(self) -> None:
        with self.engine.connect() as conn:
            found = read_checkpoint(conn)
        if found is not None and (found.chain_id, found.start_block) != (
            self.client.chain_id,
            self.start_block,
        ):
            raise ConfigError(
                f"the database {self.engine.url.render_as_string()} indexes chain "
                f"{found.chain_id} from block {found.start_block}, not chain "
                f"{self.client.chain_id} from block {self.start_block}: use another database"
            )

    def _position(self, conn: Connection | None = None) -> Block | None:
        if conn is None:
            with self.engine.connect() as own:
                return self._position(own)
        found = read_checkpoint(conn)
        return None if found is None else Block(found.block_number, found.block_hash)

    def status(self) -> IndexStatus:
        """The database's row counts and checkpoint."""
        with self.engine.connect() as conn:
            counts = [
                int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for table in (blocks, transactions, events)
            ]
            position = self._position(conn)
        return IndexStatus(
            blocks=counts[0],
            transactions=counts[1],
            events=counts[2],
            block_number=None if position is None else position.number,
            block_hash=None if position is None else position.hash,
        )

    def sync(self, to_block: int | None = None) -> SyncReport:
        """Index from the checkpoint (or the deployment's first block) up to ``to_block``
        (default and at most: the chain's head), following any reorganisation on the way.

        Raises:
            ReorgTooDeepError: the chain replaced more than ``reorg_depth`` indexed blocks.
            IndexerError: another indexer wrote to the database meanwhile.
        """
        head = self.follower.head()
        target = head if to_block is None else min(to_block, head)
        report = SyncReport()
        while True:
            trail = self._trail()
            try:
                step = self.follower.step(trail, target)
            except ReorgTooDeepError as exc:
                raise ReorgTooDeepError(
                    f"{exc}: rebuild the index, or index with a larger reorganisation depth"
                ) from None
            if step is None:
                break
            if isinstance(step, Rollback):
                self._rewind(trail[0], step)
                report = replace(report, reorged_blocks=report.reorged_blocks + step.dropped)
                continue
            fetched = self._reader.read(step.first, step.last.number)
            if not fetched or (trail and fetched[0].block["parentHash"] != trail[0].hash):
                break  # the chain is changing as it is read: the next sync goes on
            rows = self._rows(fetched)
            self._write(rows, trail[0] if trail else None)
            report += SyncReport(len(rows.blocks), len(rows.transactions), len(rows.events))
        position = self._position()
        return replace(report, indexed_to=None if position is None else position.number)

    def _trail(self) -> list[Block]:
        """The indexed blocks within the reorganisation depth of the checkpoint, newest first."""
        with self.engine.connect() as conn:
            position = self._position(conn)
            if position is None:
                return []
            rows = conn.execute(
                select(blocks.c.number, blocks.c.hash)
                .where(blocks.c.number >= position.number - self.reorg_depth)
                .where(blocks.c.number <= position.number)
                .order_by(blocks.c.number.desc())
            ).all()
        return [Block(int(number), str(hash_)) for number, hash_ in rows]

    def follow(
        self,
        poll_seconds: float = 2.0,
        stop: threading.Event | None = None,
        on_sync: Callable[[SyncReport], None] | None = None,
    ) -> SyncReport:
        """Sync, then again every ``poll_seconds``, until ``stop`` is set (for ever without one);
        ``on_sync`` sees each sync that changed the index. Returns the sum of the syncs."""
        total = SyncReport()
        while stop is None or not stop.is_set():
            report = self.sync()
            total += report
            if on_sync is not None and (report.blocks or report.reorged_blocks):
                on_sync(report)
            if stop is None:
                time.sleep(poll_seconds)
            else:
                stop.wait(poll_seconds)
        return total

    def _rewind(self, position: Block, rollback: Rollback) -> None:
        """Delete the indexed blocks above the rollback's block, and move the checkpoint back
        there (or delete it when nothing is left), in one transaction."""
        ancestor = self.start_block - 1 if rollback.to is None else rollback.to.number
        with self.engine.begin() as conn:
            for column in (
                records.c.block_number,
                events.c.block_number,
                transactions.c.block_number,
                blocks.c.number,
            ):
                conn.execute(delete(column.table).where(column > ancestor))
            if rollback.to is None:
                conn.execute(delete(checkpoint))
            else:
                moved = conn.execute(
                    update(checkpoint)
                    .where(checkpoint.c.block_number == position.number)
                    .values(block_number=ancestor, block_hash=rollback.to.hash)
                )
                _check_moved(moved.rowcount)

    def _rows(self, fetched: Sequence[RawBlock]) -> _Rows:
        rows = _Rows([], [], [], [])
        for raw in fetched:
            block = raw.block
            number = int(block["number"], 16)
            rows.blocks.append(
                {
                    "number": number,
                    "hash": block["hash"],
                    "parent_hash": block["parentHash"],
                    "timestamp": int(block["timestamp"], 16),
                }
            )
            by_hash = {r["transactionHash"]: r for r in raw.receipts}
            for tx in block["transactions"]:
                receipt = by_hash[tx["hash"]]
                transaction = self._transaction(number, tx, receipt)
                rows.transactions.append(transaction)
                first_event = len(rows.events)
                for log in receipt["logs"]:
                    address = _address(log["address"])
                    topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
                    decoded = self.decoder.log(address, topics, bytes.fromhex(log["data"][2:]))
                    rows.events.append(
                        {
                            "block_number": number,
                            "log_index": int(log["logIndex"], 16),
                            "transaction_hash": tx["hash"],
                            "address": address,
                            "contract": decoded.contract,
                            "event": decoded.event,
                            "arguments": decoded.arguments,
                        }
                    )
                rows.records.extend(project(transaction, rows.events[first_event:]))
        return rows

    def _transaction(
        self, number: int, tx: dict[str, Any], receipt: dict[str, Any]
    ) -> dict[str, Any]:
        sender = _address(tx["from"])
        to = _address(tx["to"]) if tx.get("to") else None
        value = int(tx.get("value") or "0x0", 16)
        if to is None:
            created = receipt.get("contractAddress")
            call = Call(self.decoder.contract_name(created), None, None)
        else:
            call = self.decoder.call(to, bytes.fromhex(tx["input"][2:]))
        status = int(receipt["status"], 16)
        failure = None
        if status == 0 and to is not None:
            replay: TxParams = {
                "from": sender,
                "to": to,
                "data": tx["input"],
                "value": Wei(value),
                "gas": int(tx["gas"], 16),
            }
            failure = self.decoder.failure(self.client.w3, replay, number)
        return {
            "hash": tx["hash"],
            "block_number": number,
            "position": int(tx["transactionIndex"], 16),
            "sender": sender,
            "to": to,
            "value": str(value),
            "contract": call.contract,
            "function": call.function,
            "arguments": call.arguments,
            "status": status,
            "gas_used": int(receipt["gasUsed"], 16),
            "error": None if failure is None else failure.name,
            "error_arguments": None if failure is None else failure.arguments,
        }

    def _write(self, rows: _Rows, position: Block | None) -> None:
        """Append a batch and move the checkpoint to its last block, in one transaction."""
        last = rows.blocks[-1]
        moved_to = {"block_number": last["number"], "block_hash": last["hash"]}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(blocks), rows.blocks)
                if rows.transactions:
                    conn.execute(insert(transactions), rows.transactions)
                if rows.events:
                    conn.execute(insert(events), rows.events)
                if rows.records:
                    conn.execute(insert(records), rows.records)
                if position is None:
                    owner = {"chain_id": self.client.chain_id, "start_block": self.start_block}
                    conn.execute(insert(checkpoint).values(id=_ROW, **owner, **moved_to))
                else:
                    moved = conn.execute(
                        update(checkpoint)
                        .where(checkpoint.c.block_number == position.number)
                        .values(**moved_to)
                    )
                    _check_moved(moved.rowcount)
        except IntegrityError as exc:
            raise IndexerError(
                f"the blocks from {rows.blocks[0]['number']} are already in the database: "
                "another indexer writes to it"
            ) from exc


@lru_cache(maxsize=4096)
def _address(text: str) -> str:
    return to_checksum_address(text)


def _check_moved(rowcount: int) -> None:
    if rowcount != 1:
        raise IndexerError("the checkpoint moved meanwhile: another indexer writes to the database")
