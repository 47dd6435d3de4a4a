"""Distributions, non-application days and management reports of funds on chain (use case 2),
published by the asset manager or a delegate, corrected by new versions that name the record
they replace, and read back from events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.dates import day_from_int, int_from_date
from bpost_client.distribution.navs import serial_of
from bpost_client.distribution.projection import PROJECTORS
from bpost_client.identifiers import fixed_code, fund_code
from bpost_client.platform.projection import hex_text, records_of
from bpost_client.reference.calendars import Calendar
from bpost_client.types import FundCode

__all__ = [
    "DistributionNotice",
    "NonApplicationNotice",
    "NoticeChange",
    "Reason",
    "ReportNotice",
    "correct",
    "non_application_days_from_calendars",
    "notice_changes",
    "publish",
]

CONTRACT = "FundNotices"
MAX_BATCH = 256


class Reason(IntEnum):
    """Why a fund takes no applications on a day."""

    MARKET_HOLIDAY = 1
    BANK_HOLIDAY = 2
    OTHER = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class DistributionNotice:
    """A distribution per 10,000 units in yen on a fiscal closing date."""

    fund: FundCode
    day: date
    period: int
    amount_per_10000_units: int
    version: int = 1

    def to_abi(self) -> tuple[Any, ...]:
        return (
            serial_of(self.fund),
            int_from_date(self.day),
            self.period,
            self.amount_per_10000_units,
            self.version,
        )


@dataclass(frozen=True)
class NonApplicationNotice:
    """A NAV day on which the fund takes no subscriptions or redemptions."""

    fund: FundCode
    day: date
    reason: Reason
    market: str = ""
    note: str = ""
    cancelled: bool = False
    version: int = 1

    def to_abi(self) -> tuple[Any, ...]:
        market = fixed_code(self.market, 4, "market") if self.market else bytes(4)
        return (
            serial_of(self.fund),
            int_from_date(self.day),
            int(self.reason),
            market,
            self.note,
            self.cancelled,
            self.version,
        )


@dataclass(frozen=True)
class ReportNotice:
    """A management report of a fiscal period: its SHA-256, where it is, its format."""

    fund: FundCode
    period: int
    day: date
    content_hash: bytes
    location: str
    format: str
    version: int = 1

    def to_abi(self) -> tuple[Any, ...]:
        if len(self.content_hash) != 32:
            raise ValueError("a content hash is 32 bytes")
        return (
            serial_of(self.fund),
            self.period,
            int_from_date(self.day),
            self.content_hash,
            self.location,
            self.format,
            self.version,
        )


Notice = DistributionNotice | NonApplicationNotice | ReportNotice

_FUNCTIONS = {
    DistributionNotice: ("publishDistributions", "correctDistribution"),
    NonApplicationNotice: ("publishNonApplicationDays", "correctNonApplicationDay"),
    ReportNotice: ("publishReports", "correctReport"),
}


def publish(
    client: Client,
    notices: Sequence[Notice],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Publish records (version 1) of any of the three kinds, batched per kind.

    Raises:
        ContractRevert: a rule refused a record, e.g. ``FundNoticesNotClosingDate``.
    """
    contract = client.contract(CONTRACT)
    calls = []
    for kind, (function, _) in _FUNCTIONS.items():
        items = [n.to_abi() for n in notices if isinstance(n, kind)]
        for start in range(0, len(items), MAX_BATCH):
            chunk = items[start : start + MAX_BATCH]
            call = contract.functions[function](chunk)
            calls.append((call, f"{len(chunk)} {kind.__name__} records"))
    return client.sender.send_all(calls, on_done)


def correct(client: Client, previous: Notice, current: Notice, reason: str) -> TxReceipt:
    """Replace ``previous`` (the current version on chain) by ``current`` with a reason; the
    version of ``current`` is set to the next one."""
    if type(previous) is not type(current):
        raise ValueError("a correction replaces a record by one of the same kind")
    following = replace(current, version=previous.version + 1)
    function = _FUNCTIONS[type(previous)][1]
    call = client.contract(CONTRACT).functions[function](
        previous.to_abi(), following.to_abi(), reason
    )
    return client.sender.send(call, f"correct {type(previous).__name__}")


def non_application_days_from_calendars(
    fund: str,
    nav_calendar: Calendar,
    holiday_calendars: Iterable[Calendar],
    start: date,
    end: date,
) -> list[NonApplicationNotice]:
    """The NAV days from ``start`` to ``end`` on which one of the holiday markets is closed, one
    record per day (the first closed market named)."""
    found = []
    markets = list(holiday_calendars)
    day = start
    while day <= end:
        if day.weekday() < 5 and nav_calendar.is_business_day(day):
            closed = [c.market for c in markets if not c.is_business_day(day)]
            if closed:
                found.append(
                    NonApplicationNotice(FundCode(fund), day, Reason.MARKET_HOLIDAY, closed[0])
                )
        day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class NoticeChange:
    """A record as the chain recorded it: ``previous`` and ``reason`` are set for a correction."""

    record: Notice
    block: int
    log_index: int
    publisher: str
    previous: Notice | None = None
    reason: str = ""


def _distribution(raw: Any) -> DistributionNotice:
    return DistributionNotice(
        fund=fund_code(int(raw["serial"])),
        day=day_from_int(int(raw["date"])),
        period=int(raw["period"]),
        amount_per_10000_units=int(raw["amountPer10000Units"]),
        version=int(raw["version"]),
    )


def _non_application_day(raw: Any) -> NonApplicationNotice:
    return NonApplicationNotice(
        fund=fund_code(int(raw["serial"])),
        day=day_from_int(int(raw["date"])),
        reason=Reason(int(raw["reason"])),
        market=hex_text(raw["market"]),
        note=str(raw["note"]),
        cancelled=bool(raw["cancelled"]),
        version=int(raw["version"]),
    )


def _report(raw: Any) -> ReportNotice:
    return ReportNotice(
        fund=fund_code(int(raw["serial"])),
        period=int(raw["period"]),
        day=day_from_int(int(raw["date"])),
        content_hash=bytes.fromhex(str(raw["contentHash"]).removeprefix("0x")),
        location=str(raw["location"]),
        format=str(raw["format"]),
        version=int(raw["version"]),
    )


_EVENTS: dict[str, Callable[[Any], Notice]] = {
    "Distribution": _distribution,
    "NonApplicationDay": _non_application_day,
    "Report": _report,
}


def notice_changes(
    client: Client, from_block: int | None = None, to_block: int | None = None
) -> list[NoticeChange]:
    """Every record published or corrected in a block range, in chain order."""
    events = [f"{name}{change}" for name in _EVENTS for change in ("Published", "Corrected")]
    changes = []
    for entry in records_of(client, CONTRACT, PROJECTORS, events, None, from_block, to_block):
        data = entry.data
        parse = _EVENTS[entry.event.removesuffix("Published").removesuffix("Corrected")]
        corrected = entry.event.endswith("Corrected")
        changes.append(
            NoticeChange(
                parse(data["current" if corrected else "record"]),
                entry.block_number,
                entry.log_index,
                hex_text(data["publisher"]),
                previous=parse(data["previous"]) if corrected else None,
                reason=str(data["reason"]) if corrected else "",
            )
        )
    return changes
