"""What a competitor reads: every byte a member's node serves of the chain, and a search of it for
values in each way a contract or a client could write them.

A member reads every block: each transaction's input and each log's topics and data, from the
first block to the head. :func:`chain_bytes` gathers them (or only those of some contracts);
:func:`encodings` spells a value the ways it could sit there (a 32-byte ABI word; 8- and 16-byte
big-endian integers, as a packed word ends with them; in minor units, times 100 and times 10^6;
as ASCII decimal), :func:`code_encodings` a code such as an ISIN (ASCII, left-aligned in a word,
or hashed without a secret); :func:`found` says which of them occur.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from eth_utils.crypto import keccak
from web3 import Web3

__all__ = ["ChainBytes", "chain_bytes", "code_encodings", "encodings", "found"]

SCALES = {"minor units": 1, "x100": 100, "x10^6": 10**6}


@dataclass(frozen=True)
class ChainBytes:
    """Everything of blocks ``first`` to ``last`` a member reads: inputs, topics and log data."""

    first: int
    last: int
    transactions: int
    logs: int
    data: bytes


def chain_bytes(
    w3: Web3,
    first: int = 0,
    last: int | None = None,
    *,
    addresses: Collection[str] | None = None,
) -> ChainBytes:
    """Read every transaction input and every log of blocks ``first``..``last`` (default: head);
    with ``addresses``, only the inputs of transactions sent to them and the logs they emitted
    (whoever the transaction was sent to)."""
    head = w3.eth.block_number if last is None else last
    wanted = None if addresses is None else {a.lower() for a in addresses}
    parts: list[bytes] = []
    transactions = logs = 0
    for number in range(first, head + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        for tx in block["transactions"]:
            if isinstance(tx, bytes):
                raise TypeError("a full block lists transactions, not hashes")
            to = str(tx.get("to") or "").lower()
            if wanted is None or to in wanted:
                transactions += 1
                parts.append(bytes(tx["input"]))
            receipt = w3.eth.get_transaction_receipt(tx["hash"])
            for log in receipt["logs"]:
                if wanted is None or str(log["address"]).lower() in wanted:
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


def code_encodings(code: str) -> dict[str, bytes]:
    """The ways a code (an ISIN, a reference: ASCII text) could be written on chain, by name: its
    ASCII bytes, left-aligned in a 32-byte word (as ``Isin.sol`` and the CodeRegistry take an
    ISIN, and as an ABI word or a topic carries a ``bytes12``), as hex text, and keccak-256 of
    the ASCII and of the word: a hash without a secret gives a code away, since a reader hashes
    every listed code."""
    text = code.encode("ascii")
    word = text.ljust(32, b"\0")
    return {
        "ASCII": text,
        "32-byte word, left-aligned": word,
        "hex text": text.hex().encode("ascii"),
        "keccak-256 of the ASCII": keccak(text),
        "keccak-256 of the word": keccak(word),
    }


def found(haystack: ChainBytes, values: Iterable[int | Decimal | str]) -> dict[str, list[str]]:
    """For each value (as text), the encodings of it that occur in ``haystack``: a number's
    (:func:`encodings`) or a code's (:func:`code_encodings`, for a ``str``)."""
    return {
        str(value): [
            name
            for name, raw in (
                code_encodings(value) if isinstance(value, str) else encodings(value)
            ).items()
            if raw in haystack.data
        ]
        for value in values
    }
