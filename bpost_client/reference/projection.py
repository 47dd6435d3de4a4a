"""The events of the reference-data contracts as records (see
:mod:`bpost_client.platform.projection`): security (by ISIN; ref: its index), price (by security
index, one record per close), dividend (by ISIN), calendar (by market); and the security,
dividend and close correction each record holds (:func:`security_of`, :func:`dividend_of`,
:func:`correction_of`), the market-year a calendar record publishes (:func:`year_of`) and a
security's closes folded from its records (:func:`fold_closes`), which the client's reads and
the explorer share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from bpost_client.dates import day_from_int
from bpost_client.platform.projection import (
    MAX_PROJECTED_WORDS,
    Projector,
    Record,
    Recorded,
    hex_text,
    keyed_by,
    with_event,
)
from bpost_client.reference.calendars import YearMap
from bpost_client.reference.dividends import Dividend, DividendStatus
from bpost_client.reference.prices import LANES, CloseCorrection, from_units
from bpost_client.reference.securities import Security

__all__ = [
    "NOT_PROJECTED",
    "PROJECTORS",
    "DayClose",
    "correction_of",
    "dividend_of",
    "fold_closes",
    "security_of",
    "year_of",
]

_U64 = (1 << 64) - 1


def _security(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = with_event(args, event, sender)
    yield Record("security", hex_text(args["isin"]), str(args["index"]), data)


def _closes(
    event: str, args: Mapping[str, Any], sender: str, call: Mapping[str, Any] | None
) -> Iterator[Record]:
    if event == "CloseCorrected":
        yield Record("price", str(args["index"]), None, with_event(args, event, sender))
        return
    if call is None or "words" not in call:
        return  # sent through another contract: the closes are not in this call's arguments
    first = int(args["firstWord"])
    for offset, raw in enumerate(call["words"][:MAX_PROJECTED_WORDS]):
        word = int(raw)
        for lane in range(LANES):
            close = word >> (64 * lane) & _U64
            if close:
                index = (first + offset) * LANES + lane + 1
                data = {"event": event, "sender": sender, "date": args["date"]}
                yield Record("price", str(index), None, {**data, "close": str(close)})


PROJECTORS: dict[tuple[str, str], Projector] = {
    ("SecurityRegistry", "SecurityRegistered"): _security,
    ("PriceFeed", "ClosesPublished"): _closes,
    ("PriceFeed", "CloseCorrected"): _closes,
    ("DividendRegistry", "DividendRecorded"): keyed_by("dividend", "isin"),
    ("MarketCalendar", "CalendarPublished"): keyed_by("calendar", "market"),
}

NOT_PROJECTED: dict[tuple[str, str], str] = {}


def security_of(row: Recorded) -> Security:
    """The security a ``SecurityRegistered`` record registers."""
    data = row.data
    return Security(
        isin=hex_text(data["isin"]),
        name=str(data["name"]),
        market=hex_text(data["market"]),
        currency=hex_text(data["currency"]),
        local_code=hex_text(data["localCode"]),
        index=int(data["index"]),
        provider=hex_text(data.get("provider")),
    )


def dividend_of(row: Recorded) -> Dividend:
    """The dividend version a ``DividendRecorded`` record holds."""
    data = row.data
    return Dividend(
        isin=hex_text(data["isin"]),
        record_date=day_from_int(int(data["recordDate"])),
        ex_date=day_from_int(int(data["exDate"])),
        payment_date=day_from_int(int(data["paymentDate"])),
        amount_per_share=int(data["amountPerShare"]),
        currency=hex_text(data["currency"]),
        status=DividendStatus(int(data["status"])),
        reason=str(data["reason"]),
        version=int(data["version"]),
        block=row.block_number,
        publisher=hex_text(data.get("publisher")),
    )


def correction_of(row: Recorded) -> CloseCorrection:
    """The correction a ``CloseCorrected`` record makes, with the close it replaced."""
    data = row.data
    return CloseCorrection(
        index=int(data["index"]),
        day=day_from_int(int(data["date"])),
        close=int(data["close"]),
        reason=str(data["reason"]),
        previous=int(data["previous"]),
        block=row.block_number,
    )


R = TypeVar("R", bound=Recorded)


@dataclass(frozen=True)
class DayClose(Generic[R]):
    """A security's close of a day as it stands, in units: the one published or, once
    corrected, the latest correction's (with its reason); and the record that put it there."""

    day: date
    close: int
    record: R
    corrected: bool = False
    reason: str = ""

    @property
    def price(self) -> Decimal:
        """The close as a Decimal in the security's currency."""
        return from_units(self.close)


def fold_closes(rows: Iterable[R]) -> list[DayClose[R]]:
    """A security's closes as they stand from its ``price`` records in chain order, newest day
    first: a correction replaces the close of its day, a close published again keeps the
    first."""
    by_day: dict[date, DayClose[R]] = {}
    for row in rows:
        if row.event == "CloseCorrected":
            fix = correction_of(row)
            by_day[fix.day] = DayClose(fix.day, fix.close, row, corrected=True, reason=fix.reason)
            continue
        when = day_from_int(int(row.data["date"]))
        if when not in by_day:
            by_day[when] = DayClose(when, int(row.data["close"]), row)
    return [by_day[when] for when in sorted(by_day, reverse=True)]


def year_of(row: Recorded) -> tuple[YearMap, int]:
    """The market-year a calendar record publishes, and the days this version changed against
    the version before (bit i: day i + 1 of the year, as in the map); none for a first version,
    which has no version before (the event's changed bits of it are every business day)."""
    data = row.data
    bits = int(data["low"]) | int(data["high"]) << 256
    year = YearMap(hex_text(data["market"]), int(data["year"]), bits, int(data["version"]))
    if year.version == 1:
        return year, 0
    return year, int(data["changedLow"]) | int(data["changedHigh"]) << 256
