"""A distributor's watcher: follows the chain, hands over the new and corrected records of its
funds (files in its chosen format, or a Python callback), keeps a checkpoint and acknowledges
receipt on chain per block range.

Each step takes the blocks after the checkpoint up to the head less ``confirmations``, records
the range it is delivering in the checkpoint, writes the delivery (files named by the block
range, each written whole to a temporary file and renamed), then moves the checkpoint, then
acknowledges. A watcher killed at any point resumes at the checkpoint: a range it was delivering
is delivered again, the same range under the same names, so nothing is lost and nothing appears
twice; an acknowledgment it had not sent is sent first. A callback sees the range again in that
case and can recognise it by its block numbers.

Files, in ``out_dir``: ``<from>-<to>.<ext>`` (block numbers, 9 digits); ita-csv, one file per
fund, in ``<fund>/``. A format that cannot hold a correction's history (the CSV formats) gets the
corrections in ``<from>-<to>.corrections.<ext>`` instead, and whatever a format cannot hold at
all (non-application days and reports in CSV, units in ita-csv) goes, with the rest, to
``<from>-<to>.json`` in the standard's own JSON beside it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
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
from bpost_client.platform.participants import signer_institution
from bpost_client.types import FundCode

__all__ = ["Checkpoint", "WatchConfig", "Watcher"]

EXTENSIONS = {"json": "json", "xml": "xml", "csv": "csv", "ita-csv": "csv"}


@dataclass
class Checkpoint:
    """Where a watcher is: the last block delivered and the last acknowledged on chain."""

    chain_id: int
    lei: str
    processed_to: int
    acknowledged_to: int
    pending_records: int = 0
    pending_digest: str = ""
    delivering_to: int = 0

    @classmethod
    def load(cls, path: Path, chain_id: int, lei: str, start: int) -> Checkpoint:
        """The checkpoint in ``path``, or one before ``start`` when there is none.

        Raises:
            ConfigError: the file is unreadable or of another chain or institution.
        """
        if not path.exists():
            return cls(chain_id, lei, start - 1, start - 1)
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
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"cannot read the checkpoint {path}: {exc}") from exc
        if (found.chain_id, found.lei) != (chain_id, lei):
            raise ConfigError(
                f"{path} is the checkpoint of {found.lei} on chain {found.chain_id}, "
                f"not of {lei} on chain {chain_id}"
            )
        return found

    def save(self, path: Path) -> None:
        """Write the checkpoint whole (a temporary file renamed over it)."""
        data = (json.dumps(asdict(self), indent=2) + "\n").encode("utf-8")
        files.write_atomic(path, data, parents=True)


@dataclass(frozen=True)
class WatchConfig:
    """How a watcher delivers."""

    checkpoint: Path
    out_dir: Path | None = None
    format: str = "json"
    confirmations: int = 1
    max_blocks: int = 5_000
    acknowledge: bool = True

    def __post_init__(self) -> None:
        if self.format not in EXTENSIONS:
            raise ConfigError(f"unknown format {self.format!r} (one of {', '.join(EXTENSIONS)})")
        if self.confirmations < 0 or self.max_blocks < 1:
            raise ConfigError("confirmations must be 0 or more and max_blocks 1 or more")


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
    """Delivers the records of the signer's institution's subscriptions, block range by range."""

    def __init__(
        self,
        client: Client,
        config: WatchConfig,
        callback: Callable[[Delivery], None] | None = None,
    ) -> None:
        if config.out_dir is None and callback is None:
            raise ConfigError("a watcher needs an output directory or a callback")
        self.client = client
        self.config = config
        self.callback = callback
        self.lei = signer_institution(client, "watch distribution data")
        self._funds_as_of: tuple[int, set[FundCode]] | None = None
        self.checkpoint = Checkpoint.load(
            config.checkpoint, client.chain_id, self.lei, client.manifest.start_block
        )

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
        if subscriptions.received_up_to(self.client, self.lei) < end:  # not sent before a kill
            subscriptions.acknowledge_receipt(self.client, max(start, 1), end, records, digest)
        self.checkpoint.acknowledged_to = end
        self.checkpoint.pending_records, self.checkpoint.pending_digest = 0, ""
        self.checkpoint.save(self.config.checkpoint)

    def step(self) -> Delivery | None:
        """Deliver the next confirmed block range, if any; returns what it delivered."""
        self._acknowledge()  # a receipt that a killed or failed run did not send
        start = self.checkpoint.processed_to + 1
        if self.checkpoint.delivering_to >= start:
            end = self.checkpoint.delivering_to  # redo the range a killed run was delivering
        else:
            safe = self.client.w3.eth.block_number - self.config.confirmations
            if start > safe:
                return None
            end = min(safe, start + self.config.max_blocks - 1)
            self.checkpoint.delivering_to = end
            self.checkpoint.save(self.config.checkpoint)
        delivery = collect(self.client, self.lei, start, end, self._subscriptions(end))
        if delivery.count:
            self._write(delivery)
            if self.callback is not None:
                self.callback(delivery)
            self.checkpoint.pending_records += delivery.count
            self.checkpoint.pending_digest = digest_of(delivery.dataset).hex()
        self.checkpoint.processed_to = end
        self.checkpoint.save(self.config.checkpoint)
        self._acknowledge()
        return delivery

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
