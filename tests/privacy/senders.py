"""What a competitor infers from the senders of transactions alone: who deals with whom, how
often and when (docs/privacy.md, "What still leaks").

Every transaction shows its sender, and the public registry tells the institution of each
operator address. A transaction to a lending contract emits logs whose first topic is the id of
the record it acts on (an agreement or a statement). Grouping the senders' institutions by record
gives, for each record, the institutions acting on it, their number of acts and the days of the
first and the last: without reading any event's data or opening anything sealed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import combinations

from web3 import Web3

__all__ = ["Relationship", "acts_by_record", "relationships"]


@dataclass
class RecordActs:
    """The acts on one record: each sender institution with the days it acted on."""

    days: dict[str, list[date]] = field(default_factory=dict)


@dataclass(frozen=True)
class Relationship:
    """Two institutions seen acting on the same records."""

    institutions: frozenset[str]
    records: int
    """How many records both acted on."""
    acts: int
    """How many transactions of either on those records."""
    first: date
    last: date


def acts_by_record(
    w3: Web3, contracts: Iterable[str], institution_of: Callable[[str], str | None]
) -> dict[tuple[str, bytes], RecordActs]:
    """For each record of ``contracts`` (its contract's address and the first topic of the logs
    a transaction emitted there), the institutions whose operators sent those transactions, with
    the day of each act. A sender the registry does not know is left out."""
    watched = {Web3.to_checksum_address(a) for a in contracts}
    found: dict[tuple[str, bytes], RecordActs] = defaultdict(RecordActs)
    for number in range(w3.eth.block_number + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        day = datetime.fromtimestamp(int(block["timestamp"]), UTC).date()
        for tx in block["transactions"]:
            target = tx.get("to")  # type: ignore[union-attr]
            if target is None or Web3.to_checksum_address(target) not in watched:
                continue
            lei = institution_of(str(tx["from"]))  # type: ignore[index]
            if lei is None:
                continue
            receipt = w3.eth.get_transaction_receipt(tx["hash"])  # type: ignore[index]
            records = {
                (Web3.to_checksum_address(log["address"]), bytes(log["topics"][1]))
                for log in receipt["logs"]
                if len(log["topics"]) > 1 and Web3.to_checksum_address(log["address"]) in watched
            }
            for record in records:
                found[record].days.setdefault(lei, []).append(day)
    return dict(found)


def relationships(acts: dict[tuple[str, bytes], RecordActs]) -> dict[frozenset[str], Relationship]:
    """Each pair of institutions seen acting on a common record, with how many records, how many
    acts and the first and last day."""
    records: dict[frozenset[str], int] = defaultdict(int)
    counts: dict[frozenset[str], int] = defaultdict(int)
    days: dict[frozenset[str], list[date]] = defaultdict(list)
    for record in acts.values():
        for one, other in combinations(sorted(record.days), 2):
            pair = frozenset((one, other))
            records[pair] += 1
            counts[pair] += len(record.days[one]) + len(record.days[other])
            days[pair] += record.days[one] + record.days[other]
    return {
        pair: Relationship(pair, records[pair], counts[pair], min(days[pair]), max(days[pair]))
        for pair in records
    }
