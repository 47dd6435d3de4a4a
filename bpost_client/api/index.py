"""A read model of every distribution record on chain, kept current block by block.

Built from the chain's events by the functions every reader uses (:func:`navs.nav_batches`,
:func:`navs.nav_corrections`, :func:`notices.notice_changes`) and converted to the standard's
records as :mod:`bpost_client.distribution.feed` converts them, so the API shows what a watcher
delivers. Per fund it holds the current version of each NAV, distribution, non-application day and
management report (a correction with its version, reason and replaced values) and the
corrections in chain order, each with its block.

:meth:`DistributionIndex.refresh` follows the chain with
:class:`~bpost_client.platform.follower.Follower` and reads only the blocks after the last it
read. The index cannot take a record's version back, so when the follower finds blocks replaced
(a reorganisation, a reverted test chain), however deep, it reads everything again.
"""

from __future__ import annotations

import threading
from bisect import insort
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from bpost_client.client import Client
from bpost_client.distribution import navs, notices
from bpost_client.distribution.feed import nav_correction_record, nav_record, standard_record
from bpost_client.distribution.standard.records import (
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    Record,
)
from bpost_client.platform.follower import Block, Follower, ReorgTooDeepError, Rollback, extend
from bpost_client.types import FundCode

__all__ = ["BlockListener", "DistributionIndex", "FundRecords", "Indexed", "Shelf"]

R = TypeVar("R", bound=Record)
K = TypeVar("K", date, int)

BlockListener = Callable[[int, int, bool], None]
"""Told of each range of blocks the index read: first, last, and whether it read all again."""


@dataclass(frozen=True)
class Indexed(Generic[R]):
    """A record as the chain recorded it: the current version, its block and log position."""

    record: R
    block: int
    log_index: int


class Shelf(Generic[K, R]):
    """The current entries of one kind of a fund, by key (a date, or a report's period), the keys
    kept sorted."""

    def __init__(self) -> None:
        self._by_key: dict[K, Indexed[R]] = {}
        self._keys: list[K] = []

    def put(self, key: K, entry: Indexed[R]) -> None:
        if key not in self._by_key:
            insort(self._keys, key)
        self._by_key[key] = entry

    def entries(self) -> list[Indexed[R]]:
        """Every entry, by key."""
        return [self._by_key[k] for k in self._keys]

    def last(self) -> Indexed[R] | None:
        return self._by_key[self._keys[-1]] if self._keys else None

    def __len__(self) -> int:
        return len(self._keys)


@dataclass
class FundRecords:
    """What the index holds of one fund."""

    navs: Shelf[date, Nav] = field(default_factory=Shelf)
    distributions: Shelf[date, Distribution] = field(default_factory=Shelf)
    non_application_days: Shelf[date, NonApplicationDay] = field(default_factory=Shelf)
    reports: Shelf[int, ManagementReport] = field(default_factory=Shelf)
    corrections: list[Indexed[Record]] = field(default_factory=list)


def record_key(record: Record) -> Hashable:
    """What identifies a record among all records: its kind and its key."""
    return (record.KIND, *record.key())


class DistributionIndex:
    """Every distribution record on chain, by fund; safe to use from several threads.

    Args:
        client: a (read-only) client of the deployment.
        on_blocks: told of every range of blocks read (:data:`BlockListener`).
    """

    def __init__(self, client: Client, on_blocks: BlockListener | None = None) -> None:
        self._client = client
        self._on_blocks = on_blocks
        self._follower = Follower(client.w3, client.manifest.start_block)
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self._funds: dict[FundCode, FundRecords] = {}
        self._corrections: list[Indexed[Record]] = []
        self._trail: list[Block] = [self._follower.origin()]

    @property
    def synced_to(self) -> int:
        """The last block read."""
        return self._trail[0].number

    def refresh(self) -> int:
        """Read the blocks added since the last refresh; return the head now reflected."""
        with self._lock:
            head = self._follower.head()
            rebuilt = False
            while True:
                try:
                    step = self._follower.step(self._trail, head)
                except ReorgTooDeepError:
                    step = Rollback(None, self.synced_to)
                if step is None:
                    return self.synced_to
                if isinstance(step, Rollback):
                    self._reset()
                    rebuilt = True
                    continue
                found = self._read(step.first, step.last.number)
                if not self._follower.unchanged(step):
                    continue  # replaced while read: the next step rolls back
                if self._on_blocks is not None:  # first: if it fails, the range is read again
                    self._on_blocks(step.first, step.last.number, rebuilt)
                self._apply(found)
                self._trail = extend(self._trail, step.last, self._follower.reorg_depth)
                rebuilt = False

    def _read(self, start: int, end: int) -> list[tuple[int, int, Record]]:
        """The records of a block range, in chain order (read whole before anything changes)."""
        found: list[tuple[int, int, Record]] = []
        if start > end:
            return found
        for batch in navs.nav_batches(self._client, start, end):
            found.extend((batch.block, batch.log_index, nav_record(r)) for r in batch.records)
        for change in navs.nav_corrections(self._client, start, end):
            found.append((change.block, change.log_index, nav_correction_record(change)))
        for notice in notices.notice_changes(self._client, start, end):
            record = standard_record(notice.record, notice.previous, notice.reason)
            found.append((notice.block, notice.log_index, record))
        found.sort(key=lambda item: (item[0], item[1]))  # stable: a batch keeps its order
        return found

    def _apply(self, found: list[tuple[int, int, Record]]) -> None:
        for block, log_index, record in found:
            held = self._funds.setdefault(FundCode(record.fund), FundRecords())
            if isinstance(record, Nav):
                held.navs.put(record.date, Indexed(record, block, log_index))
            elif isinstance(record, Distribution):
                held.distributions.put(record.date, Indexed(record, block, log_index))
            elif isinstance(record, NonApplicationDay):
                held.non_application_days.put(record.date, Indexed(record, block, log_index))
            else:
                held.reports.put(record.period, Indexed(record, block, log_index))
            if record.version > 1:
                entry: Indexed[Record] = Indexed(record, block, log_index)
                held.corrections.append(entry)
                self._corrections.append(entry)

    def funds(self) -> list[FundCode]:
        """The funds with at least one record, by code."""
        with self._lock:
            return sorted(self._funds)

    def navs(
        self, code: str, start: date | None = None, end: date | None = None
    ) -> list[Indexed[Nav]]:
        """A fund's current NAVs by date, from ``start`` to ``end`` (both included) when given."""
        with self._lock:
            held = self._funds.get(FundCode(code))
            entries = held.navs.entries() if held else []
        return [
            e
            for e in entries
            if (start is None or e.record.date >= start) and (end is None or e.record.date <= end)
        ]

    def latest_nav(self, code: str) -> Indexed[Nav] | None:
        """A fund's NAV of its last day, or None."""
        with self._lock:
            held = self._funds.get(FundCode(code))
            return held.navs.last() if held else None

    def distributions(self, code: str) -> list[Indexed[Distribution]]:
        """A fund's current distributions by date."""
        with self._lock:
            held = self._funds.get(FundCode(code))
            return held.distributions.entries() if held else []

    def non_application_days(self, code: str) -> list[Indexed[NonApplicationDay]]:
        """A fund's current non-application days by date."""
        with self._lock:
            held = self._funds.get(FundCode(code))
            return held.non_application_days.entries() if held else []

    def reports(self, code: str) -> list[Indexed[ManagementReport]]:
        """A fund's current management reports by period."""
        with self._lock:
            held = self._funds.get(FundCode(code))
            return held.reports.entries() if held else []

    def corrections(
        self, codes: Callable[[str], bool] | None = None, since_block: int = 0
    ) -> list[Indexed[Record]]:
        """The corrections from ``since_block`` on, of the funds ``codes`` accepts (all when
        None), in chain order."""
        with self._lock:
            every = list(self._corrections)
        return [
            e for e in every if e.block >= since_block and (codes is None or codes(e.record.fund))
        ]

    def counts(self, code: str) -> dict[str, int]:
        """How many records of each kind a fund has, and its number of corrections."""
        with self._lock:
            held = self._funds.get(FundCode(code)) or FundRecords()
            return {
                "navs": len(held.navs),
                "distributions": len(held.distributions),
                "non_application_days": len(held.non_application_days),
                "management_reports": len(held.reports),
                "corrections": len(held.corrections),
            }
