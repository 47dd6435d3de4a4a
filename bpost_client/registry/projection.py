"""The events of use case 1's contracts as records (see :mod:`bpost_client.platform.projection`):
fund (by platform fund code), corporate (by LEI), ssi (by SSI key; ref: the owner's LEI)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bpost_client.platform.projection import Projector, Record, hex_text, keyed_by, with_event
from bpost_client.registry.funds import FUND_EVENTS

__all__ = ["NOT_PROJECTED", "PROJECTORS"]


def _ssi(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    owner = hex_text(args["owner"])
    yield Record("ssi", str(args["ssiKey"]).lower(), owner, with_event(args, event, sender))


PROJECTORS: dict[tuple[str, str], Projector] = {
    **{("FundRegistry", name): keyed_by("fund", "fundCode") for name in FUND_EVENTS},
    ("CorporateRegistry", "CorporateInfoPublished"): keyed_by("corporate", "lei"),
    ("SsiRegistry", "SsiPublished"): _ssi,
    ("SsiRegistry", "SsiChangeNotified"): _ssi,
}

NOT_PROJECTED: dict[tuple[str, str], str] = {
    ("FundRegistry", "FundListenerSet"): "wiring of the contracts at deployment, no fund's record",
}
