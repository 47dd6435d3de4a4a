"""Contract events read in block-range pages, and the times of their blocks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd
from web3 import Web3
from web3.contract import Contract
from web3.types import EventData

__all__ = ["DEFAULT_PAGE", "block_times", "iter_events"]

DEFAULT_PAGE = 2_000
"""Blocks per ``eth_getLogs`` request: well under the limits public nodes set."""


def iter_events(
    contract: Contract,
    event: str,
    from_block: int,
    to_block: int | None = None,
    page: int = DEFAULT_PAGE,
    argument_filters: dict[str, Any] | None = None,
) -> Iterator[EventData]:
    """Yield the decoded ``event`` logs of ``contract`` from ``from_block`` to ``to_block``.

    Pages of ``page`` blocks keep each ``eth_getLogs`` answer bounded.
    """
    if page < 1:
        raise ValueError("page must be at least one block")
    w3: Web3 = contract.w3
    last = w3.eth.block_number if to_block is None else to_block
    event_type = contract.events[event]
    start = from_block
    while start <= last:
        end = min(start + page - 1, last)
        yield from event_type.get_logs(
            from_block=start, to_block=end, argument_filters=argument_filters
        )
        start = end + 1


def block_times(w3: Web3, numbers: Iterable[int]) -> dict[int, pd.Timestamp]:
    """The time (UTC) of each block of ``numbers``, each asked of the node once."""
    return {
        number: pd.Timestamp(int(w3.eth.get_block(number)["timestamp"]), unit="s", tz="UTC")
        for number in set(numbers)
    }
