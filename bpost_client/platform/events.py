"""Contract events read in block-range pages into pandas DataFrames."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import pandas as pd
from web3 import Web3
from web3.contract import Contract
from web3.types import EventData

__all__ = ["DEFAULT_PAGE", "block_times", "event_frame", "iter_events"]

DEFAULT_PAGE = 2_000
"""Blocks per ``eth_getLogs`` request: well under the limits public nodes set."""

META_COLUMNS = ["event", "block", "time", "transaction", "log_index", "contract"]


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


def _cell(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [_cell(v) for v in value]
    return value


def block_times(w3: Web3, numbers: Iterable[int]) -> dict[int, pd.Timestamp]:
    """The time (UTC) of each block of ``numbers``, each asked of the node once."""
    return {
        number: pd.Timestamp(int(w3.eth.get_block(number)["timestamp"]), unit="s", tz="UTC")
        for number in set(numbers)
    }


def event_frame(
    contract: Contract,
    event: str,
    from_block: int,
    to_block: int | None = None,
    page: int = DEFAULT_PAGE,
    argument_filters: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """The ``event`` logs as a DataFrame: one column per event argument (bytes as 0x-hex), then
    ``event``, ``block``, ``time`` (UTC timestamp of the block), ``transaction``, ``log_index``
    and ``contract``, in chain order.
    """
    abi = next(
        (
            item
            for item in cast(list[dict[str, Any]], contract.abi)
            if item.get("type") == "event" and item["name"] == event
        ),
        None,
    )
    if abi is None:
        raise ValueError(f"{contract.address} has no event {event}")
    arg_columns = [i["name"] for i in abi["inputs"]]
    logs = list(iter_events(contract, event, from_block, to_block, page, argument_filters))
    times = block_times(contract.w3, (log["blockNumber"] for log in logs))
    rows = []
    for log in logs:
        number = log["blockNumber"]
        row = {name: _cell(log["args"][name]) for name in arg_columns}
        row.update(
            event=event,
            block=number,
            time=times[number],
            transaction="0x" + bytes(log["transactionHash"]).hex(),
            log_index=log["logIndex"],
            contract=log["address"],
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*arg_columns, *META_COLUMNS])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame
