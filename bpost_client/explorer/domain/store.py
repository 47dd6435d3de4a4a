"""Reading the index's ``records`` table: the rows of one thing, the things of one kind, and the
values the pages show (dates, LEIs, amounts) turned from the chain's encodings into text.

Every query filters on ``(kind, key)`` or ``(kind, ref)``, both indexed, so a page reads only
the rows it shows however large the index grows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum, IntEnum
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from bpost_client.explorer.render import utc_time
from bpost_client.indexer.schema import blocks, records
from bpost_client.platform.projection import hex_text

__all__ = [
    "Row",
    "day",
    "kept_of",
    "keys_of",
    "label",
    "latest_of",
    "lei",
    "member_label",
    "record_path",
    "rows_by_ref",
    "rows_of",
]


@dataclass(frozen=True)
class Row:
    """One record with where it came from: block, time and transaction."""

    block_number: int
    log_index: int
    timestamp: int
    transaction_hash: str
    kind: str
    key: str
    ref: str | None
    data: dict[str, Any]

    @property
    def event(self) -> str:
        """The name of the event the record came from."""
        return str(self.data["event"])

    @property
    def time(self) -> str:
        """When its block was made, as UTC text."""
        return utc_time(self.timestamp)


_COLUMNS = (
    records.c.block_number,
    records.c.log_index,
    blocks.c.timestamp,
    records.c.transaction_hash,
    records.c.kind,
    records.c.key,
    records.c.ref,
    records.c.data,
)
_JOINED = records.join(blocks, blocks.c.number == records.c.block_number)


def _rows(conn: Connection, where: Any, *, newest_first: bool, limit: int | None) -> list[Row]:
    order = (records.c.block_number, records.c.log_index, records.c.id)
    query = select(*_COLUMNS).select_from(_JOINED).where(where)
    query = query.order_by(*(c.desc() for c in order) if newest_first else order)
    if limit is not None:
        query = query.limit(limit)
    return [Row(*row) for row in conn.execute(query).all()]


def rows_of(
    conn: Connection, kind: str, key: str, *, newest_first: bool = False, limit: int | None = None
) -> list[Row]:
    """The records of ``kind`` about ``key``, in chain order (or newest first)."""
    where = and_(records.c.kind == kind, records.c.key == key)
    return _rows(conn, where, newest_first=newest_first, limit=limit)


def rows_by_ref(conn: Connection, kind: str, ref: str, *, limit: int | None = None) -> list[Row]:
    """The records of ``kind`` whose second key is ``ref``, in chain order."""
    where = and_(records.c.kind == kind, records.c.ref == ref)
    return _rows(conn, where, newest_first=False, limit=limit)


def record_path(kind: str, key: str) -> str:
    """The explorer page of the record of ``kind`` about ``key`` (``/fund/BP000000018``)."""
    return f"/{kind}/{quote(key, safe='')}"


def keys_of(
    conn: Connection, kind: str, *, after: str | None = None, limit: int = 100
) -> list[str]:
    """The distinct keys of ``kind`` in order, from the first after ``after``, at most
    ``limit``."""
    query = select(records.c.key).where(records.c.kind == kind)
    if after is not None:
        query = query.where(records.c.key > after)
    query = query.group_by(records.c.key).order_by(records.c.key).limit(limit)
    return [str(key) for key in conn.execute(query).scalars()]


T = TypeVar("T")


def kept_of(
    conn: Connection,
    kind: str,
    load: Callable[[str], T | None],
    *,
    after: str | None = None,
    limit: int = 100,
) -> list[T]:
    """The records of ``kind`` in key order from the first after ``after``, each as ``load``
    reads it from its key, those it reads as None left out, at most ``limit``: keys are read a
    page at a time until ``limit`` records are kept or none is left, so a page of a list the
    reader sees only in part is as long as a full one."""
    found: list[T] = []
    cursor = after
    while len(found) < limit:
        keys = keys_of(conn, kind, after=cursor, limit=limit)
        for key in keys:
            record = load(key)
            if record is not None:
                found.append(record)
                if len(found) == limit:
                    return found
        if len(keys) < limit:
            return found
        cursor = keys[-1]
    return found


def latest_of(conn: Connection, kind: str, key: str) -> Row | None:
    """The newest record of ``kind`` about ``key``."""
    found = rows_of(conn, kind, key, newest_first=True, limit=1)
    return found[0] if found else None


def label(enum: type[IntEnum], value: Any) -> str:
    """The name of ``value`` in a Solidity-mirrored ``enum``, in lower case with spaces
    (``FundStatus 3`` -> ``active``); the value itself when the enum has no such member."""
    try:
        return enum(int(value)).name.replace("_", " ").lower()
    except ValueError:
        return str(value)


def member_label(member: Enum) -> str:
    """An enum member in lower case with spaces, as :func:`label` names values
    (``FundStatus.ACTIVE`` -> ``active``)."""
    return member.name.replace("_", " ").lower()


def day(value: Any) -> date | None:
    """A yyyymmdd number as a date (None for 0 or nonsense)."""
    number = int(value or 0)
    if number <= 0:
        return None
    try:
        return date(number // 10_000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def lei(value: Any) -> str:
    """A bytes20 LEI as its text ('' for none)."""
    return hex_text(value)
