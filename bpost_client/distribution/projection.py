"""The events of use case 2's contracts as records (see
:mod:`bpost_client.platform.projection`): nav (by platform fund code, one record per NAV of a
batch), notice (by fund code), and a fund's distribution profile (kind fund); the packed NAV word
of ``publishNavs`` and ``NavsPublished``; and a fund's NAVs folded from its records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, NamedTuple, TypeVar

from bpost_client.dates import date_from_int
from bpost_client.identifiers import fund_code
from bpost_client.platform.projection import (
    MAX_PROJECTED_WORDS,
    Projector,
    Record,
    Recorded,
    hex_text,
    keyed_by,
    with_event,
)

__all__ = ["NOT_PROJECTED", "PROJECTORS", "NavState", "NavWord", "fold_navs", "nav_word"]

U40 = (1 << 40) - 1
"""The largest NAV per 10,000 units a NAV word holds."""
U64 = (1 << 64) - 1
"""The largest net assets or units a NAV word holds."""
JUMP = 1 << 200
"""The NAV word's flag: the publisher confirms a jump past the fund's profile."""


class NavWord(NamedTuple):
    """A NAV as one packed word holds it: bits 0-31 the fund's serial, 32-71 the NAV per
    10,000 units, 72-135 net assets, 136-199 units, bit 200 a confirmed jump."""

    serial: int
    nav: int
    net_assets: int
    units: int
    confirm_jump: bool

    def packed(self) -> int:
        """The word."""
        return (
            self.serial
            | self.nav << 32
            | self.net_assets << 72
            | self.units << 136
            | (JUMP if self.confirm_jump else 0)
        )


def nav_word(word: int) -> NavWord:
    """The fields of a packed NAV word."""
    return NavWord(
        word & 0xFFFFFFFF, word >> 32 & U40, word >> 72 & U64, word >> 136 & U64, bool(word & JUMP)
    )


def _serial_fund(serial: Any) -> str:
    return str(fund_code(int(serial)))


def _navs(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    if event == "NavsPublished":
        for position, raw in enumerate(args["records"][:MAX_PROJECTED_WORDS]):
            word = nav_word(int(raw))
            data = {
                "event": event,
                "sender": sender,
                "batchId": args["batchId"],
                "position": position,
                "date": args["date"],
                "nav": str(word.nav),
                "netAssets": str(word.net_assets),
                "units": str(word.units),
                "version": 1,
                "publisher": args["publisher"],
                "root": args["root"],
                "confirmJump": word.confirm_jump,
            }
            yield Record("nav", _serial_fund(word.serial), None, data)
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
    ("DistributionRegistry", "FundStateSynced"): "a copy of the FundRegistry's state, whose own "
    "events are the fund's records",
    ("Subscriptions", "Subscribed"): "a distributor's subscriptions, read by its watcher",
    ("Subscriptions", "Unsubscribed"): "a distributor's subscriptions, read by its watcher",
    ("Subscriptions", "ReceiptAcknowledged"): "a distributor's receipts, read by its watcher",
}


# --- a fund's NAVs, folded from its records --------------------------------------------------

R = TypeVar("R", bound=Recorded)


@dataclass(frozen=True)
class NavState(Generic[R]):
    """A fund's NAV of a day as its records tell it: the current version's figures (per 10,000
    units and net assets in yen, units), the record that made it, and the trustee that
    confirmed the day's NAV ('' when none has)."""

    day: date
    nav: int
    net_assets: int
    units: int
    version: int
    record: R
    confirmed_by: str = ""


def fold_navs(rows: Iterable[R]) -> list[NavState[R]]:
    """A fund's NAVs by day from its nav records in chain order: each day's latest version
    (published or corrected) and who confirmed it. A record of no calendar day is passed over."""
    by_day: dict[date, NavState[R]] = {}
    confirmed: dict[date, str] = {}
    for row in rows:
        data = row.data
        try:
            when = date_from_int(int(data["date"] or 0))
        except ValueError:
            when = None
        if when is None:
            continue
        if row.event == "NavConfirmed":
            confirmed[when] = hex_text(data["trustee"])
            continue
        figures = data["current"] if row.event == "NavCorrected" else data
        by_day[when] = NavState(
            day=when,
            nav=int(figures["nav"]),
            net_assets=int(figures["netAssets"]),
            units=int(figures["units"]),
            version=int(figures["version"]),
            record=row,
        )
    return [
        replace(state, confirmed_by=confirmed.get(when, ""))
        for when, state in sorted(by_day.items())
    ]
