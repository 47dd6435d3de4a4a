"""A distributor's watcher: follows the chain, hands over the new and corrected records of its
funds (files in its chosen format, or a Python callback), keeps a checkpoint and acknowledges
receipt on chain per block range.

The chain is followed by :class:`~bpost_client.platform.follower.Follower`. Each step takes the
blocks after the checkpoint up to the head less ``confirmations``, records the range it is
delivering in the checkpoint, writes the delivery (files named by the block range, each written
whole to a temporary file and renamed), then moves the checkpoint, then acknowledges. A watcher
killed at any point resumes at the checkpoint: a range it was delivering is delivered again, the
same range under the same names, so nothing is lost and nothing appears twice; an acknowledgment
it had not sent is sent first. A callback sees the range again in that case and can recognise it
by its block numbers.

When the chain replaced blocks it had delivered (a reorganisation, at most ``reorg_depth`` blocks
deep), the watcher moves the files of the replaced ranges to ``replaced/`` under ``out_dir``,
tells ``on_rollback``, moves its checkpoint back to the end of the newest range still on the
chain and delivers from there again; the ranges it acknowledged are acknowledged again with the
new digest.

Files, in ``out_dir``: ``<from>-<to>.<ext>`` (block numbers, 9 digits); ita-csv, one file per
fund, in ``<fund>/``. A format that cannot hold a correction's history (the CSV formats) gets the
corrections in ``<from>-<to>.corrections.<ext>`` instead, and whatever a format cannot hold at
all (non-application days and reports in CSV, units in ita-csv) goes, with the rest, to
``<from>-<to>.json`` in the standard's own JSON beside it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eth_utils.crypto import keccak

from bpost_client._utils import files
from bpost_client.client import Client
from bpost_client.distribution import subscriptions
from bpost_client.distribution.feed import Delivery, collect
from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.convert import dropped, write
from bpost_client.distribution.standard.records import Dataset
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.platform.follower import (
    DEFAULT_REORG_DEPTH,
    Block,
    Follower,
    ReorgTooDeepError,
    Rollback,
    Span,
    extend,
    trail_from_json,
    trail_to_json,
)
from bpost_client.platform.participants import signer_institution
from bpost_client.types import FundCode

__all__ = ["Checkpoint", "WatchConfig", "Watcher"]

EXTENSIONS = {"json": "json", "xml": "xml", "csv": "csv", "ita-csv": "csv"}

RANGE_FILE = re.compile(r"^(\d{9})-(\d{9})\.")
"""A delivered file's name: its first and last block."""

REPLACED = "replaced"
"""Where, under ``out_dir``, the files of ranges the chain replaced are moved."""


@dataclass
class Checkpoint:
    """Where a watcher is: the last block delivered and the last acknowledged on chain, the
    ends of the ranges delivered (the follower's trail, newest first), the range being
    delivered, and up to which block receipts are to be sent again after a rollback."""

    chain_id: int
    lei: str
    processed_to: int
    acknowledged_to: int
    pending_records: int = 0
    pending_digest: str = ""
    delivering_to: int = 0
    trail: list[Block] = field(default_factory=list)
    reacknowledge_to: int = 0

    @classmethod
    def load(cls, path: Path, chain_id: int, lei: str, origin: Block) -> Checkpoint:
        """The checkpoint in ``path``, or one at ``origin`` (the block before the first
        followed) when there is none.

        Raises:
            ConfigError: the file is unreadable, inconsistent, or of another chain or
                institution.
        """
        if not path.exists():
            return cls(chain_id, lei, origin.number, origin.number, trail=[origin])
        try:
            data = json.loads(path.read_text("utf-8"))
            found = cls(
                int(data["chain_id"]),
                str(data["lei"]),
                int(data["processed_to"]),
                int(data["acknowledged_to"]),
                int(data.get("pending_records", 0)),
                str(data.get("pending_digest", "")),
                int(data.get("delivering_to", 0)),
                trail_from_json(data.get("trail", [])),
                int(data.get("reacknowledge_to", 0)),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"cannot read the checkpoint {path}: {exc}") from exc
        if (found.chain_id, found.lei) != (chain_id, lei):
            raise ConfigError(
                f"{path} is the checkpoint of {found.lei} on chain {found.chain_id}, "
                f"not of {lei} on chain {chain_id}"
            )
        if found.trail and found.trail[0].number != found.processed_to:
            raise ConfigError(
                f"cannot read the checkpoint {path}: it delivered up to block "
                f"{found.processed_to} but its trail ends at block {found.trail[0].number}"
            )
        return found

    def save(self, path: Path) -> None:
        """Write the checkpoint whole (a temporary file renamed over it)."""
        data = asdict(self)
        data["trail"] = trail_to_json(self.trail)
        files.write_atomic(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"), parents=True)


@dataclass(frozen=True)
class WatchConfig:
    """How a watcher delivers."""

    checkpoint: Path
    out_dir: Path | None = None
    format: str = "json"
    confirmations: int = 1
    max_blocks: int = 5_000
    acknowledge: bool = True
    reorg_depth: int = DEFAULT_REORG_DEPTH

    def __post_init__(self) -> None:
        if self.format not in EXTENSIONS:
            raise ConfigError(f"unknown format {self.format!r} (one of {', '.join(EXTENSIONS)})")
        if self.confirmations < 0 or self.max_blocks < 1 or self.reorg_depth < 0:
            raise ConfigError(
                "confirmations and reorg_depth must be 0 or more and max_blocks 1 or more"
            )


def digest_of(dataset: Dataset) -> bytes:
    """keccak256 of the delivery in the standard's JSON: what a receipt acknowledges."""
    return keccak(standard_json.to_bytes(dataset))


def _csv_part(dataset: Dataset, corrections: bool) -> Dataset:
    """What a CSV format holds of one kind (originals or corrections): the NAVs, and the
    distributions of the fund-days those NAVs cover."""
    navs = [n for n in dataset.navs if (n.version > 1) == corrections]
    days = {(n.fund, n.date) for n in navs}
    distributions = [
        d
        for d in dataset.distributions
        if (d.version > 1) == corrections and (d.fund, d.date) in days
    ]
    return Dataset(navs=navs, distributions=distributions)


class Watcher:
    """Delivers the records of the signer's institution's subscriptions, block range by range.

    Args:
        client: a signing client of the distributor.
        config: how to deliver.
        callback: told of each delivery (besides or instead of the files).
        on_rollback: told when the chain replaced delivered blocks, before they are delivered
            again.

    Raises:
        ConfigError: no output, a bad setting, or a checkpoint that cannot be used.
    """

    def __init__(
        self,
        client: Client,
        config: WatchConfig,
        callback: Callable[[Delivery], None] | None = None,
        on_rollback: Callable[[Rollback], None] | None = None,
    ) -> None:
        if config.out_dir is None and callback is None:
            raise ConfigError("a watcher needs an output directory or a callback")
        self.client = client
        self.config = config
        self.callback = callback
        self.on_rollback = on_rollback
        self.lei = signer_institution(client, "watch distribution data")
        self._funds_as_of: tuple[int, set[FundCode]] | None = None
        self.follower = Follower(
            client.w3,
            client.manifest.start_block,
            confirmations=config.confirmations,
            reorg_depth=config.reorg_depth,
            max_blocks=config.max_blocks,
        )
        self.checkpoint = Checkpoint.load(
            config.checkpoint, client.chain_id, self.lei, self.follower.origin()
        )
        if not self.checkpoint.trail:  # a checkpoint written before watchers kept a trail
            self.checkpoint.trail = [self._position_of_old_checkpoint()]

    def _position_of_old_checkpoint(self) -> Block:
        number = self.checkpoint.processed_to
        if number < self.follower.start_block:
            return self.follower.origin()
        found = self.follower.hash_of(number)
        if found is None:
            raise ConfigError(
                f"the checkpoint {self.config.checkpoint} delivered up to block {number}, past "
                "the chain's head: it is of another chain; start from a new checkpoint file"
            )
        return Block(number, found)

    def _subscriptions(self, to_block: int) -> set[FundCode]:
        """The institution's subscriptions as of ``to_block``, read incrementally: each step
        reads only the subscription events after the previous one."""
        since = self._funds_as_of
        if since is None or since[0] > to_block:  # first step, or a range redone
            since = None
        funds = subscriptions.subscribed_funds(self.client, self.lei, to_block, since)
        self._funds_as_of = (to_block, funds)
        return funds

    def _write(self, delivery: Delivery) -> list[Path]:
        out = self.config.out_dir
        if out is None:
            return []
        fmt, dataset = self.config.format, delivery.dataset
        name = f"{delivery.from_block:09d}-{delivery.to_block:09d}"
        out.mkdir(parents=True, exist_ok=True)
        if fmt in ("json", "xml"):
            return [write(dataset, out / f"{name}.{EXTENSIONS[fmt]}", fmt)]
        written = []
        carried = 0
        for suffix, corrections in (("", False), (".corrections", True)):
            part = _csv_part(dataset, corrections)
            carried += len(part.navs) + len(part.distributions)
            if not part.navs:
                continue
            if fmt == "ita-csv":
                for fund in part.funds():
                    target = out / fund / f"{name}{suffix}.csv"
                    target.parent.mkdir(exist_ok=True)
                    written.append(write(part, target, fmt, fund))
            else:
                written.append(write(part, out / f"{name}{suffix}.csv", fmt))
        if carried < delivery.count or dropped(dataset, fmt):
            written.append(write(dataset, out / f"{name}.json", "json"))
        return written

    def _acknowledge(self) -> None:
        """Send the receipt the checkpoint holds for the blocks after the last acknowledged."""
        start = self.checkpoint.acknowledged_to + 1
        end = self.checkpoint.processed_to
        if not self.config.acknowledge or end < start or not self.checkpoint.pending_records:
            return
        digest = bytes.fromhex(self.checkpoint.pending_digest)
        records = self.checkpoint.pending_records
        again = end <= self.checkpoint.reacknowledge_to  # a range delivered anew after a rollback
        if again or subscriptions.received_up_to(self.client, self.lei) < end:  # not sent yet
            subscriptions.acknowledge_receipt(self.client, max(start, 1), end, records, digest)
        self.checkpoint.acknowledged_to = end
        self.checkpoint.pending_records, self.checkpoint.pending_digest = 0, ""
        self.checkpoint.save(self.config.checkpoint)

    def step(self) -> Delivery | None:
        """Deliver the next confirmed block range, if any; returns what it delivered.

        Raises:
            ReorgTooDeepError: the chain replaced more delivered blocks than ``reorg_depth``
                (the checkpoint and the files are kept).
        """
        self._roll_back_replaced()
        self._acknowledge()  # a receipt that a killed or failed run did not send
        span = self._span()
        if span is None:
            return None
        end = span.last.number
        delivery = collect(self.client, self.lei, span.first, end, self._subscriptions(end))
        if not self.follower.unchanged(span):
            return None  # replaced while read: the next step rolls back
        if delivery.count:
            self._write(delivery)
            if self.callback is not None:
                self.callback(delivery)
            self.checkpoint.pending_records += delivery.count
            self.checkpoint.pending_digest = digest_of(delivery.dataset).hex()
        self.checkpoint.processed_to = span.last.number
        self.checkpoint.trail = extend(self.checkpoint.trail, span.last, self.config.reorg_depth)
        self.checkpoint.save(self.config.checkpoint)
        self._acknowledge()
        return delivery

    def _span(self) -> Span | None:
        """The range a killed run was delivering, else the next confirmed range (recorded in
        the checkpoint before anything is written)."""
        start = self.checkpoint.processed_to + 1
        if self.checkpoint.delivering_to >= start:
            found = self.follower.hash_of(self.checkpoint.delivering_to)
            if found is not None:
                return Span(start, Block(self.checkpoint.delivering_to, found))
        span = self.follower.next_span(self.checkpoint.trail)
        if span is not None:
            self.checkpoint.delivering_to = span.last.number
            self.checkpoint.save(self.config.checkpoint)
        return span

    def _roll_back_replaced(self) -> None:
        """When the chain replaced delivered blocks: set their files aside, tell
        ``on_rollback``, and move the checkpoint back to the newest range still on the chain."""
        try:
            rollback = self.follower.rollback(self.checkpoint.trail)
        except ReorgTooDeepError as exc:
            raise ReorgTooDeepError(
                f"{exc}: the checkpoint {self.config.checkpoint} is kept; if it is of another "
                "chain, start from a new checkpoint file"
            ) from None
        if rollback is None:
            return
        to = rollback.to or self.follower.origin()
        self._set_aside(to.number)
        if self.on_rollback is not None:
            self.on_rollback(rollback)
        kept = self.checkpoint
        kept.reacknowledge_to = max(kept.reacknowledge_to, kept.acknowledged_to)
        kept.processed_to, kept.delivering_to = to.number, 0
        kept.acknowledged_to = min(kept.acknowledged_to, to.number)
        kept.pending_records, kept.pending_digest = 0, ""  # of a range now replaced
        kept.trail = [to, *(b for b in kept.trail if b.number < to.number)]
        kept.save(self.config.checkpoint)
        self._funds_as_of = None

    def _set_aside(self, after: int) -> list[Path]:
        """Move the delivered files of the ranges after block ``after`` to ``replaced/``;
        returns where they went."""
        out = self.config.out_dir
        if out is None or not out.exists():
            return []
        moved = []
        for path in sorted([*out.glob("*.*"), *out.glob("*/*.*")]):
            relative = path.relative_to(out)
            first = RANGE_FILE.match(path.name)
            if relative.parts[0] == REPLACED or first is None or int(first[1]) <= after:
                continue
            target = out / REPLACED / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            moved.append(path.replace(target))
        return moved

    def run(
        self,
        poll_seconds: float = 2.0,
        stop: Callable[[], bool] | None = None,
        until_block: int | None = None,
    ) -> None:
        """Step until ``stop()`` is true or ``until_block`` is delivered, waiting ``poll_seconds``
        when there is nothing new.

        Raises:
            BPostError: the node, a file or the acknowledgment failed (the checkpoint is kept).
        """
        while not (stop and stop()):
            if until_block is not None and self.checkpoint.processed_to >= until_block:
                return
            try:
                delivered = self.step()
            except OSError as exc:
                raise BPostError(f"cannot write the delivery: {exc}") from exc
            if delivered is None:
                time.sleep(poll_seconds)
