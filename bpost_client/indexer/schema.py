"""The index's tables, in SQLAlchemy Core with portable types (SQLite now, PostgreSQL by URL).

``blocks`` holds every block from the deployment's first, ``transactions`` and ``events`` what
they carry, decoded with the deployment's ABIs, ``records`` the platform's records projected from
their events (:mod:`.domain`), and ``checkpoint`` one row: the last block
indexed, its hash, and the chain and first block the index belongs to. Block and transaction
hashes and addresses are 0x-hex text; arguments are JSON objects whose integers wider than 48 bits
(wei, uint256) are decimal strings and whose bytes are 0x-hex.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Connection, Engine, make_url

from bpost_client.platform.chain import ChainConfig

__all__ = [
    "DEFAULT_DATA_DIR",
    "IndexCheckpoint",
    "blocks",
    "checkpoint",
    "create_schema",
    "default_database_url",
    "events",
    "metadata",
    "open_engine",
    "read_checkpoint",
    "records",
    "transactions",
]

DEFAULT_DATA_DIR = ChainConfig().data_dir.parent / "index"
"""Where the index lives by default: beside the embedded chain's data (``.bpost/index``)."""

HASH = String(66)
ADDRESS = String(42)
NAME = String(128)
ARGUMENTS = JSON(none_as_null=True)

metadata = MetaData()


def _block_number(**options: Any) -> Column[int]:
    """The column of the block a row belongs to; the row goes with the block (a reorganisation
    deletes the blocks it replaces)."""
    return Column(
        "block_number", BigInteger, ForeignKey("blocks.number", ondelete="CASCADE"), **options
    )


blocks = Table(
    "blocks",
    metadata,
    Column("number", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", HASH, nullable=False, unique=True),
    Column("parent_hash", HASH, nullable=False),
    Column("timestamp", BigInteger, nullable=False, comment="seconds since the epoch, UTC"),
)

transactions = Table(
    "transactions",
    metadata,
    Column("hash", HASH, primary_key=True),
    _block_number(nullable=False),
    Column("position", Integer, nullable=False),
    Column("sender", ADDRESS, nullable=False),
    Column("to", ADDRESS, comment="NULL for a contract creation"),
    Column("value", String(78), nullable=False, comment="wei, decimal"),
    Column("contract", NAME, comment="the deployed contract called or created, or NULL"),
    Column("function", NAME, comment="the function called, or NULL when not decodable"),
    Column("arguments", ARGUMENTS),
    Column("status", SmallInteger, nullable=False, comment="1 succeeded, 0 reverted"),
    Column("gas_used", BigInteger, nullable=False),
    Column("error", NAME, comment="the custom error of a failed transaction, when known"),
    Column("error_arguments", ARGUMENTS),
    Index("ix_transactions_block", "block_number", "position"),
    Index("ix_transactions_call", "contract", "function"),
    Index("ix_transactions_sender", "sender", "block_number", "position"),
    Index("ix_transactions_to", "to", "block_number", "position"),
)

events = Table(
    "events",
    metadata,
    _block_number(primary_key=True, autoincrement=False),
    Column("log_index", Integer, primary_key=True, autoincrement=False),
    Column("transaction_hash", HASH, nullable=False),
    Column("address", ADDRESS, nullable=False),
    Column("contract", NAME, comment="the deployed contract that emitted it, or NULL"),
    Column("event", NAME, comment="NULL for a log no deployed ABI describes"),
    Column("arguments", ARGUMENTS, comment="raw topics and data when the event is NULL"),
    Index("ix_events_transaction", "transaction_hash"),
    Index("ix_events_name", "contract", "event"),
)

records = Table(
    "records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    _block_number(nullable=False),
    Column("log_index", Integer, nullable=False),
    Column("transaction_hash", HASH, nullable=False),
    Column("kind", String(16), nullable=False, comment="what the record is: fund, nav, ssi, ..."),
    Column("key", String(80), nullable=False, comment="what it is about: a LEI, a fund code, ..."),
    Column("ref", String(80), comment="a second key: the fund of a code, the owner of an SSI, ..."),
    Column("data", ARGUMENTS, nullable=False),
    Index("ix_records_key", "kind", "key", "block_number", "log_index"),
    Index("ix_records_ref", "kind", "ref"),
    Index("ix_records_block", "block_number"),
)

checkpoint = Table(
    "checkpoint",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("chain_id", BigInteger, nullable=False),
    Column("start_block", BigInteger, nullable=False),
    Column("block_number", BigInteger, nullable=False),
    Column("block_hash", HASH, nullable=False),
)


@dataclass(frozen=True)
class IndexCheckpoint:
    """The index's checkpoint: the chain and first block it belongs to, the last block indexed
    and its hash."""

    chain_id: int
    start_block: int
    block_number: int
    block_hash: str


def read_checkpoint(conn: Connection) -> IndexCheckpoint | None:
    """The index's checkpoint, or None while the index is empty."""
    row = conn.execute(
        select(
            checkpoint.c.chain_id,
            checkpoint.c.start_block,
            checkpoint.c.block_number,
            checkpoint.c.block_hash,
        )
    ).first()
    if row is None:
        return None
    return IndexCheckpoint(int(row[0]), int(row[1]), int(row[2]), str(row[3]))


def default_database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """The SQLite database of the index in ``data_dir``: ``sqlite:///<data_dir>/index.sqlite``."""
    return f"sqlite:///{Path(data_dir) / 'index.sqlite'}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (an explorer) do not block the indexer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_engine(url: str) -> Engine:
    """An engine for the database at ``url``; a SQLite file's directory is made if missing."""
    parsed = make_url(url)
    engine = create_engine(parsed, json_serializer=partial(json.dumps, ensure_ascii=False))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_schema(engine: Engine) -> None:
    """Create the tables that do not exist yet."""
    metadata.create_all(engine)
