"""What a competitor reads: every byte a member's node serves of the chain, and a search of it for
values in each way a contract or a client could write them.

A member reads every block: each transaction's input and each log's topics and data, from the
first block to the head. :func:`chain_bytes` gathers them; :func:`encodings` spells a value the
ways it could sit there (a 32-byte ABI word; 8- and 16-byte big-endian integers, as a packed
word ends with them; in minor units, times 100 and times 10^6; as ASCII decimal);
:func:`found` says which of them occur.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from web3 import Web3

__all__ = ["ChainBytes", "chain_bytes", "encodings", "found"]

SCALES = {"minor units": 1, "x100": 100, "x10^6": 10**6}


@dataclass(frozen=True)
class ChainBytes:
    """Everything of blocks ``first`` to ``last`` a member reads: inputs, topics and log data."""

    first: int
    last: int
    transactions: int
    logs: int
    data: bytes


def chain_bytes(w3: Web3, first: int = 0, last: int | None = None) -> ChainBytes:
    """Read every transaction input and every log of blocks ``first``..``last`` (default: head)."""
    head = w3.eth.block_number if last is None else last
    parts: list[bytes] = []
    transactions = logs = 0
    for number in range(first, head + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        for tx in block["transactions"]:
            transactions += 1
            parts.append(bytes(tx["input"]))  # type: ignore[index]
            receipt = w3.eth.get_transaction_receipt(tx["hash"])  # type: ignore[index]
            for log in receipt["logs"]:
                logs += 1
                parts.append(b"".join(bytes(t) for t in log["topics"]) + bytes(log["data"]))
    return ChainBytes(first, head, transactions, logs, b"\x00".join(parts))


def encodings(value: int | Decimal) -> dict[str, bytes]:
    """The ways ``value`` (an amount in minor units, or a rate) could be written on chain, by
    name: for each scale, the 32-byte word, the 16- and 8-byte big-endian integers (a packed
    word's last bytes), and ASCII decimal."""
    found: dict[str, bytes] = {}
    for scale_name, scale in SCALES.items():
        scaled = Decimal(value) * scale
        if scaled != scaled.to_integral_value() or scaled < 0:
            continue
        number = int(scaled)
        found[f"{scale_name}: 32-byte word"] = number.to_bytes(32, "big")
        for size in (16, 8):
            if number < 2 ** (8 * size):
                found[f"{scale_name}: {size}-byte integer"] = number.to_bytes(size, "big")
        found[f"{scale_name}: ASCII decimal"] = str(number).encode("ascii")
    return found


def found(haystack: ChainBytes, values: Iterable[int | Decimal]) -> dict[str, list[str]]:
    """For each value (as text), the encodings of it that occur in ``haystack``."""
    return {
        str(value): [name for name, raw in encodings(value).items() if raw in haystack.data]
        for value in values
    }
