"""The events of the reference-data contracts as records (see
:mod:`bpost_client.platform.projection`): security (by ISIN; ref: its index), price (by security
index, one record per close), dividend (by ISIN), calendar (by market)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bpost_client.platform.projection import (
    MAX_PROJECTED_WORDS,
    Projector,
    Record,
    hex_text,
    keyed_by,
    with_event,
)
from bpost_client.reference.prices import LANES

__all__ = ["NOT_PROJECTED", "PROJECTORS"]

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
