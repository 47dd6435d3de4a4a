"""Paging of the HTTP interface's lists: a page of items after an opaque cursor.

Every list is ordered by a text key (a date ``YYYY-MM-DD``, a zero-padded period or block
position, a fund code) that sorts as the items do. A cursor is the key of a page's last item and
the name of its list, base64url-encoded: the next page starts after that key, so records added or
corrected between two requests never make a page lose or repeat an item.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_right
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bpost_client.exceptions import BPostError

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "CursorError",
    "Page",
    "decode_cursor",
    "encode_cursor",
    "page_of",
]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

T = TypeVar("T")


class CursorError(BPostError, ValueError):
    """A cursor that is malformed or was issued for another list."""


def encode_cursor(listing: str, key: str) -> str:
    """The cursor after ``key`` in the list ``listing``."""
    raw = json.dumps([listing, key], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, listing: str) -> str:
    """The key a cursor of the list ``listing`` points after.

    Raises:
        CursorError: not a cursor, or a cursor of another list.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError("the cursor is malformed: give a next_cursor as it was") from None
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(p, str) for p in found)):
        raise CursorError("the cursor is malformed: give a next_cursor as it was")
    if found[0] != listing:
        raise CursorError("the cursor belongs to another list")
    return str(found[1])


@dataclass(frozen=True)
class Page(Generic[T]):
    """The items of a page and the cursor of the next one (None: the last page)."""

    items: list[T]
    next_cursor: str | None


def page_of(
    items: Sequence[T],
    key: Callable[[T], str],
    listing: str,
    cursor: str | None,
    size: int,
    distinct: Callable[[T], Hashable] | None = None,
) -> Page[T]:
    """The page of ``items`` (sorted by ``key``) after ``cursor``, at most ``size`` long; with
    ``distinct``, the page ends before an item whose ``distinct`` value it already holds.

    Raises:
        CursorError: as :func:`decode_cursor`.
    """
    start = 0 if cursor is None else bisect_right(items, decode_cursor(cursor, listing), key=key)
    chosen: list[T] = []
    seen: set[Hashable] = set()
    for item in items[start : start + size]:
        if distinct is not None:
            marker = distinct(item)
            if marker in seen:
                break
            seen.add(marker)
        chosen.append(item)
    more = start + len(chosen) < len(items)
    following = encode_cursor(listing, key(chosen[-1])) if more and chosen else None
    return Page(chosen, following)
