"""What the chain holds for a distributor in a block range, as records of the standard.

The NAV batches, NAV corrections, distributions, non-application days and reports of the funds
an institution subscribes to, converted to :mod:`bpost_client.distribution.standard.records`:
an original is version 1; a correction carries its version, its reason and the values it
replaced, so every subscriber sees it as a correction. Units outstanding of 0 on chain mean "not
given" (a file without them was published) and are left out. A non-application day withdrawn on
chain is the standard's ``cancelled`` day, with the reason, market and note the chain holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bpost_client.client import Client
from bpost_client.distribution import navs, notices, subscriptions
from bpost_client.distribution.standard.records import (
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    NonApplicationReason,
    Record,
    Value,
)
from bpost_client.types import FundCode

__all__ = ["Delivery", "collect", "nav_correction_record", "nav_record", "standard_record"]


@dataclass(frozen=True)
class Delivery:
    """The records of a block range for one institution, in chain order per key."""

    from_block: int
    to_block: int
    dataset: Dataset

    @property
    def count(self) -> int:
        return sum(self.dataset.counts().values())


def nav_record(record: navs.NavRecord) -> Nav:
    """A published NAV (version 1) as a record of the standard."""
    return Nav(
        fund=record.fund,
        date=record.day,
        nav_per_10000_units=record.nav,
        net_assets=record.net_assets,
        units_outstanding=record.units or None,
    )


def _nav_values(record: navs.NavRecord) -> dict[str, Value]:
    return {
        "nav_per_10000_units": record.nav,
        "net_assets": record.net_assets,
        "units_outstanding": record.units or None,
    }


def _non_application(day: notices.NonApplicationNotice) -> dict[str, Value]:
    return {
        "reason": NonApplicationReason(day.reason.label),
        "market": day.market or None,
        "note": day.note or None,
        "cancelled": day.cancelled,
    }


def _notice_values(notice: notices.Notice) -> dict[str, Value]:
    if isinstance(notice, notices.DistributionNotice):
        return {"period": notice.period, "amount_per_10000_units": notice.amount_per_10000_units}
    if isinstance(notice, notices.NonApplicationNotice):
        return _non_application(notice)
    return {
        "date": notice.day,
        "content_hash": "0x" + notice.content_hash.hex(),
        "location": notice.location,
        "format": notice.format,
    }


def _replaced(notice: notices.Notice, previous: notices.Notice) -> dict[str, Value]:
    """The values a correction replaced: all of them, but ``cancelled`` only where it changed."""
    values = _notice_values(previous)
    if (
        isinstance(notice, notices.NonApplicationNotice)
        and isinstance(previous, notices.NonApplicationNotice)
        and notice.cancelled == previous.cancelled
    ):
        del values["cancelled"]
    return values


def standard_record(
    notice: notices.Notice, previous: notices.Notice | None = None, reason: str = ""
) -> Record:
    """A distribution, non-application day or report as a record of the standard."""
    version = notice.version if previous is not None else 1
    why = reason if previous is not None else None
    replaced = _replaced(notice, previous) if previous is not None else None
    if isinstance(notice, notices.DistributionNotice):
        return Distribution(
            fund=notice.fund,
            date=notice.day,
            period=notice.period,
            amount_per_10000_units=notice.amount_per_10000_units,
            version=version,
            correction_reason=why,
            previous=replaced,
        )
    if isinstance(notice, notices.NonApplicationNotice):
        return NonApplicationDay(
            fund=notice.fund,
            date=notice.day,
            reason=NonApplicationReason(notice.reason.label),
            market=notice.market or None,
            note=notice.note or None,
            cancelled=notice.cancelled,
            version=version,
            correction_reason=why,
            previous=replaced,
        )
    return ManagementReport(
        fund=notice.fund,
        period=notice.period,
        date=notice.day,
        content_hash="0x" + notice.content_hash.hex(),
        location=notice.location,
        format=notice.format,
        version=version,
        correction_reason=why,
        previous=replaced,
    )


def nav_correction_record(change: navs.NavChange) -> Nav:
    """A NAV correction as a record of the standard: its version, reason and replaced values."""
    return replace(
        nav_record(change.current),
        version=change.current.version,
        correction_reason=change.reason,
        previous=_nav_values(change.previous),
    )


def _latest(ordered: Iterable[tuple[int, int, Record]]) -> list[Record]:
    """One record per key: the last in chain order (a correction carries what it replaced)."""
    latest: dict[tuple[str, tuple[object, ...]], Record] = {}
    for _block, _index, record in sorted(ordered, key=lambda item: (item[0], item[1])):
        latest[type(record).KIND, record.key()] = record
    return list(latest.values())


def collect(
    client: Client,
    lei: str,
    from_block: int,
    to_block: int,
    funds: set[FundCode] | None = None,
) -> Delivery:
    """The records of ``lei``'s subscriptions (``funds``, when the caller keeps them) published
    or corrected in a block range."""
    if funds is None:
        funds = subscriptions.subscribed_funds(client, lei, to_block)
    found: list[tuple[int, int, Record]] = []
    if funds:
        for batch in navs.nav_batches(client, from_block, to_block):
            found.extend(
                (batch.block, batch.log_index, nav_record(r))
                for r in batch.records
                if r.fund in funds
            )
        for change in navs.nav_corrections(client, from_block, to_block):
            if change.current.fund in funds:
                found.append((change.block, change.log_index, nav_correction_record(change)))
        for notice in notices.notice_changes(client, from_block, to_block):
            if notice.record.fund in funds:
                record = standard_record(notice.record, notice.previous, notice.reason)
                found.append((notice.block, notice.log_index, record))
    return Delivery(from_block, to_block, Dataset.of(_latest(found)))
