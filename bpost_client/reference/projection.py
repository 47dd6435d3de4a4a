"""The events of the reference-data contracts as records (see
:mod:`bpost_client.platform.projection`): security (by ISIN; ref: its index), price (by security
index, one record per close), dividend (by ISIN), calendar (by market); and the security and
dividend each record holds (:func:`security_of`, :func:`dividend_of`), which the client's reads
and the explorer share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

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
from bpost_client.reference.dividends import Dividend, DividendStatus
from bpost_client.reference.prices import LANES
from bpost_client.reference.securities import Security

__all__ = ["NOT_PROJECTED", "PROJECTORS", "dividend_of", "security_of"]

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
    )
