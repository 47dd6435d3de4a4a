"""Daily closing prices on chain: published by a data provider in batches, four closes per
storage slot (date-major), corrected with a reason that keeps the replaced value in an event.

A close is a :class:`~decimal.Decimal` in the security's currency; on chain it is an integer of
10^-6 units (``DECIMALS``). Securities are keyed by their index in the security master.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from web3.types import TxReceipt

from bpost_client import exceptions
from bpost_client._utils.batching import send_batched, sized_batches
from bpost_client.client import Client
from bpost_client.dates import day_from_int, int_from_date
from bpost_client.platform.events import iter_events
from bpost_client.platform.projection import records_of

__all__ = [
    "DECIMALS",
    "LANES",
    "LOOKBACK_DAYS",
    "CloseCorrection",
    "close_of",
    "closes_on",
    "correct_closes",
    "corrections",
    "from_units",
    "latest_close",
    "pack_words",
    "publish_closes",
    "published_dates",
    "to_units",
]

CONTRACT = "PriceFeed"
DECIMALS = 6
"""Closes are stored in units of 10^-DECIMALS of the security's currency."""
LANES = 4
"""Closes per 256-bit storage slot (64 bits each)."""
MAX_WORDS = 1024
MAX_CORRECTIONS = 256
LOOKBACK_DAYS = 31
"""How many calendar days the latest close on or before a day is searched back."""
_GAP_WORDS = 16
"""Runs of empty slots longer than this split a publication into separate calls."""
_MAX_UNITS = 2**64 - 1


def to_units(value: Decimal | str | int) -> int:
    """A close as the contract's integer units.

    Raises:
        ValueError: not a number, not positive, more than six decimals, or too large.
    """
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{value!r} is not a positive price")
    units = amount.scaleb(DECIMALS)
    if units != units.to_integral_value():
        raise ValueError(f"{value!r} has more than {DECIMALS} decimals")
    if units > _MAX_UNITS:
        raise ValueError(f"{value!r} is too large")
    return int(units)


def from_units(units: int) -> Decimal:
    """Integer units as a Decimal without trailing zeros (2050.5, not 2050.500000)."""
    value = Decimal(units).scaleb(-DECIMALS)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def pack_words(closes: Mapping[int, int]) -> dict[int, int]:
    """Closes by security index (1-based) as packed slots by slot number."""
    words: dict[int, int] = {}
    for index, units in closes.items():
        if index < 1:
            raise ValueError(f"security index {index} is not 1 or more")
        if not 0 < units <= _MAX_UNITS:
            raise ValueError(f"close {units} of security {index} is out of range")
        word, lane = divmod(index - 1, LANES)
        words[word] = words.get(word, 0) | units << (64 * lane)
    return words


def _runs(words: Mapping[int, int]) -> list[list[tuple[int, int]]]:
    """Slots grouped in runs whose gaps of empty slots are short."""
    runs: list[list[tuple[int, int]]] = []
    for word in sorted(words):
        if runs and word - runs[-1][-1][0] <= _GAP_WORDS:
            runs[-1].append((word, words[word]))
        else:
            runs.append([(word, words[word])])
    return runs


def _filled(chunk: Sequence[tuple[int, int]]) -> list[int]:
    """The words of a chunk from its first slot to its last, empty slots as zero."""
    first = chunk[0][0]
    values = [0] * (chunk[-1][0] - first + 1)
    for word, value in chunk:
        values[word - first] = value
    return values


def publish_closes(
    client: Client,
    day: date,
    closes: Mapping[int, int],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Publish the closes of ``day`` (a data provider): security index -> units, batched into as
    few transactions as the gas and size limits allow. Closes already on chain as they are do no
    harm; a different published close reverts (correct it instead).

    Raises:
        ContractRevert: e.g. ``PriceFeedAlreadyPublished``, ``PriceFeedUnknownSecurity``.
    """
    feed = client.contract(CONTRACT)
    when = int_from_date(day)
    calls = []
    for run in _runs(pack_words(closes)):
        for batch in sized_batches(
            run,
            lambda chunk: feed.functions.publishCloses(when, chunk[0][0], _filled(chunk)),
            client.sender,
            MAX_WORDS - _GAP_WORDS,
        ):
            calls.append((batch.params, f"closes of {day} ({len(batch.items)} slots)"))
    return client.sender.send_all(calls, on_done)


@dataclass(frozen=True)
class CloseCorrection:
    """A correction of a published close: the new value and why; ``previous`` is filled when it
    is read back from the chain."""

    index: int
    day: date
    close: int
    reason: str
    previous: int = 0
    block: int = 0

    def to_abi(self) -> tuple[int, int, int, str]:
        return (self.index, int_from_date(self.day), self.close, self.reason)


def correct_closes(
    client: Client,
    fixes: Sequence[CloseCorrection],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Replace published closes (a data provider), each with its reason."""
    correct = client.contract(CONTRACT).functions.correctCloses
    abi = [f.to_abi() for f in fixes]
    return send_batched(client.sender, correct, abi, MAX_CORRECTIONS, "correct {} closes", on_done)


def closes_on(client: Client, day: date, count: int) -> dict[int, int]:
    """The published closes of ``day`` of securities 1..``count``: index -> units."""
    feed = client.contract(CONTRACT)
    found: dict[int, int] = {}
    total_words = -(-count // LANES)
    for first in range(0, total_words, MAX_WORDS):
        size = min(MAX_WORDS, total_words - first)
        words = client.read(feed.functions.closeWords(int_from_date(day), first, size))
        for offset, word in enumerate(words):
            for lane in range(LANES):
                units = int(word) >> (64 * lane) & _MAX_UNITS
                if units:
                    found[(first + offset) * LANES + lane + 1] = units
    return found


def close_of(client: Client, index: int, day: date) -> int | None:
    """The close of security ``index`` on ``day`` in units, or None when there is none."""
    word, lane = divmod(index - 1, LANES)
    words = client.read(client.contract(CONTRACT).functions.closeWords(int_from_date(day), word, 1))
    return (int(words[0]) >> (64 * lane) & _MAX_UNITS) or None


def latest_close(client: Client, index: int, day: date) -> tuple[date, int] | None:
    """The contract's latest close on or before ``day`` (looking back ``LOOKBACK_DAYS``), as
    (date, units), or None."""
    call = client.contract(CONTRACT).functions.latestCloseOnOrBefore(index, int_from_date(day))
    try:
        when, units = client.read(call)
    except exceptions.PriceFeedNoClose:
        return None
    return day_from_int(int(when)), int(units)


def published_dates(
    client: Client, start: date | None = None, end: date | None = None
) -> list[date]:
    """The days with published closes, in order, from the publication events."""
    feed = client.contract(CONTRACT)
    days = {
        day_from_int(int(log["args"]["date"]))
        for log in iter_events(feed, "ClosesPublished", client.manifest.start_block)
    }
    return sorted(d for d in days if (start is None or d >= start) and (end is None or d <= end))


def corrections(client: Client, indexes: Iterable[int] | None = None) -> list[CloseCorrection]:
    """Every correction, oldest first, with the value it replaced (of ``indexes`` if given),
    from the records the index holds (see
    :func:`bpost_client.reference.projection.correction_of`)."""
    from bpost_client.reference.projection import PROJECTORS, correction_of  # builds on this

    wanted = None if indexes is None else set(indexes)
    found = [
        correction_of(entry)
        for entry in records_of(client, CONTRACT, PROJECTORS, ["CloseCorrected"])
    ]
    return [fix for fix in found if wanted is None or fix.index in wanted]
