"""Markets by ISO 10383 MIC: the ones the platform knows, and the check of a market typed in.

The platform knows a market when it can give it a calendar: the exchanges whose sessions the
``exchange_calendars`` package holds (the operator publishes calendars from it), the Japanese
exchanges, and ``XOFF`` for what settles off exchange. A MIC is four letters or digits; one the
platform does not know is refused rather than stored as typed (``XXXX``, ``XTSK``).
"""

from __future__ import annotations

import re

__all__ = ["KNOWN_MICS", "check_mic"]

# fmt: off
KNOWN_MICS = frozenset((
    "AIXK", "ARCX", "ASEX", "BATS", "BVMF", "IEPA", "XAMS", "XASE", "XASX", "XBDA", "XBEL",
    "XBKK", "XBOG", "XBOM", "XBRA", "XBRU", "XBSE", "XBUD", "XBUE", "XCBF", "XCSE", "XCYS",
    "XDUB", "XDUS", "XEEE", "XETR", "XEUR", "XFKA", "XFRA", "XHAM", "XHEL", "XHKG", "XICE",
    "XIDX", "XIST", "XJSE", "XKAR", "XKLS", "XKRX", "XLIM", "XLIS", "XLIT", "XLJU", "XLON",
    "XLUX", "XMAD", "XMEX", "XMIL", "XMOS", "XNAS", "XNGO", "XNYS", "XNZE", "XOFF", "XOSE",
    "XOSL", "XPAR", "XPHS", "XPRA", "XRIS", "XSAP", "XSAU", "XSES", "XSGO", "XSHG", "XSTO",
    "XSTU", "XSWX", "XTAE", "XTAI", "XTAL", "XTKS", "XTSE", "XTSX", "XWAR", "XWBO", "XZAG",
))
"""The MICs the platform knows: exchanges with a calendar, Tokyo, Osaka, Nagoya, Fukuoka and
Sapporo, and XOFF (off exchange)."""
# fmt: on

_MIC = re.compile(r"^[A-Z0-9]{4}$")


def check_mic(text: str) -> str:
    """``text`` as a market's MIC, stripped and upper-cased (``xtks`` is ``XTKS``).

    Raises:
        ValueError: not four letters or digits, or not a market the platform knows.
    """
    code = text.strip().upper()
    if not _MIC.match(code):
        raise ValueError(f"{text.strip()!r} is not a MIC (ISO 10383: 4 letters or digits)")
    if code not in KNOWN_MICS:
        raise ValueError(f"{code} is not a market the platform knows (XTKS, XNYS, XOFF...)")
    return code
