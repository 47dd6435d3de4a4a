"""The limits of the lending calculation that the contracts hold to as well, in a module that
loads neither numpy nor pandas (`bpost lending calc --help` shows them as defaults)."""

from __future__ import annotations

__all__ = ["MAX_PRICE_AGE_DAYS"]

MAX_PRICE_AGE_DAYS = 31
"""How many calendar days a close may be older than the day it marks, by default: the window of
the PriceFeed (``MAX_LOOKBACK_DAYS``) and of LendingMath (``MAX_PRICE_AGE_DAYS``)."""
