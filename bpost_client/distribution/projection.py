"""The events of use case 2's contracts as records (see
:mod:`bpost_client.platform.projection`): nav (by platform fund code, one record per NAV of a
batch), notice (by fund code), and a fund's distribution profile (kind fund)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bpost_client.identifiers import fund_code
from bpost_client.platform.projection import (
    MAX_PROJECTED_WORDS,
    Projector,
    Record,
    keyed_by,
    with_event,
)

__all__ = ["NOT_PROJECTED", "PROJECTORS"]

_U64 = (1 << 64) - 1
_U40 = (1 << 40) - 1


def _serial_fund(serial: Any) -> str:
    return str(fund_code(int(serial)))


def _navs(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    if event == "NavsPublished":
        for position, raw in enumerate(args["records"][:MAX_PROJECTED_WORDS]):
            word = int(raw)
            data = {
                "event": event,
                "sender": sender,
                "batchId": args["batchId"],
                "position": position,
                "date": args["date"],
                "nav": str(word >> 32 & _U40),
                "netAssets": str(word >> 72 & _U64),
                "units": str(word >> 136 & _U64),
                "version": 1,
                "publisher": args["publisher"],
            }
            yield Record("nav", _serial_fund(word & 0xFFFFFFFF), None, data)
        return
    yield Record("nav", _serial_fund(args["serial"]), None, with_event(args, event, sender))


def _notice(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("notice", _serial_fund(args["serial"]), None, with_event(args, event, sender))


PROJECTORS: dict[tuple[str, str], Projector] = {
    ("DistributionRegistry", "ProfileSet"): keyed_by("fund", "fundCode"),
    ("DistributionRegistry", "NavsPublished"): _navs,
    ("DistributionRegistry", "NavCorrected"): _navs,
    ("DistributionRegistry", "NavConfirmed"): _navs,
    **{
        ("FundNotices", name): _notice
        for name in (
            "DistributionPublished",
            "DistributionCorrected",
            "NonApplicationDayPublished",
            "NonApplicationDayCorrected",
            "ReportPublished",
            "ReportCorrected",
        )
    },
}

NOT_PROJECTED: dict[tuple[str, str], str] = {
    ("DistributionRegistry", "DelegateSet"): "who may publish for a fund: no page shows it yet",
    ("DistributionRegistry", "FundStateSynced"): "a copy of the FundRegistry's state, whose own "
    "events are the fund's records",
    ("Subscriptions", "Subscribed"): "a distributor's subscriptions, read by its watcher",
    ("Subscriptions", "ReceiptAcknowledged"): "a distributor's receipts, read by its watcher",
}
