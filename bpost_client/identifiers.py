"""Checks and encodings of the identifiers the platform uses (LEI, addresses, ASCII codes)."""

from __future__ import annotations

import re

from eth_utils.address import is_address, is_checksum_address, to_checksum_address

from bpost_client.types import Address, Lei

__all__ = [
    "ascii_from_bytes",
    "bytes20_from_lei",
    "bytes32_from_ascii",
    "check_address",
    "check_lei",
    "lei_from_bytes20",
    "lei_is_valid",
]

_LEI = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")


def _mod97(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text)) % 97


def lei_is_valid(text: str) -> bool:
    """Whether ``text`` is an ISO 17442 LEI: 18 letters or digits, two check digits, mod 97 == 1."""
    return bool(_LEI.match(text)) and _mod97(text) == 1


def check_lei(text: str) -> Lei:
    """``text`` as a LEI, stripped and upper-cased.

    Raises:
        ValueError: the format or the check digits are wrong.
    """
    lei = text.strip().upper()
    if not _LEI.match(lei):
        raise ValueError(f"{text!r} is not a LEI (18 letters or digits and 2 check digits)")
    if _mod97(lei) != 1:
        raise ValueError(f"{text!r} has wrong LEI check digits")
    return Lei(lei)


def check_address(text: str) -> Address:
    """``text`` as a checksummed address.

    Raises:
        ValueError: not a 20-byte hex address, or a mixed-case address with a wrong checksum.
    """
    value = text.strip()
    digits = value[2:]
    mixed = digits not in (digits.lower(), digits.upper())
    if not is_address(value) or (mixed and not is_checksum_address(value)):
        raise ValueError(
            f"{text!r} is not an address (0x and 40 hex digits, checksum if mixed case)"
        )
    return Address(to_checksum_address(value))


def bytes20_from_lei(lei: str) -> bytes:
    """The LEI as the 20 ASCII bytes the contracts key institutions by."""
    return check_lei(lei).encode("ascii")


def lei_from_bytes20(raw: bytes) -> Lei:
    """The LEI held in 20 ASCII bytes."""
    return Lei(bytes(raw).decode("ascii"))


def bytes32_from_ascii(text: str) -> bytes:
    """A code of at most 32 printable ASCII characters, left-aligned and zero-padded.

    Raises:
        ValueError: empty, too long, or not printable ASCII.
    """
    if not text or len(text) > 32 or not all(32 < ord(c) < 127 for c in text):
        raise ValueError(f"{text!r} is not a code of 1 to 32 printable ASCII characters")
    return text.encode("ascii").ljust(32, b"\0")


def ascii_from_bytes(raw: bytes) -> str:
    """The ASCII text of a zero-padded bytes value."""
    return bytes(raw).rstrip(b"\0").decode("ascii")
