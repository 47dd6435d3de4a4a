"""Daily NAVs of investment trusts on chain (use case 2): fund profiles, publication of a day's
NAVs for many funds per transaction, trustee confirmation, corrections, and reading them back.

A NAV record is keyed by the platform fund code and the date. Publication packs each record in
one 256-bit word; the contract checks the rules per fund against one storage slot, emits the
records in one event per batch and keeps the batch's Merkle root, against which a correction
proves which record it replaces (:mod:`bpost_client.distribution.merkle`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from bpost_client._utils.batching import sized_batches
from bpost_client.client import Client
from bpost_client.dates import day_from_int, int_from_date
from bpost_client.distribution.merkle import merkle_proof, nav_leaf
from bpost_client.distribution.projection import PROJECTORS, U40, U64, NavWord
from bpost_client.identifiers import (
    bytes32_from_ascii,
    check_fund_code,
    fixed_code,
    fund_code,
)
from bpost_client.platform.projection import Entry, hex_text, records_of
from bpost_client.types import FundCode

__all__ = [
    "MAX_NAVS",
    "NavBatch",
    "NavChange",
    "NavCorrection",
    "NavRecord",
    "Profile",
    "confirm_navs",
    "correct_navs",
    "current_navs",
    "fund_state",
    "nav_batches",
    "nav_corrections",
    "pack_nav",
    "publish_navs",
    "serial_of",
    "set_profiles",
]

CONTRACT = "DistributionRegistry"
MAX_NAVS = 8192
MAX_PROFILES = 128
MAX_CORRECTIONS = 64


def serial_of(code: str) -> int:
    """The serial number a platform fund code carries."""
    return int(check_fund_code(code)[2:10], 36)


@dataclass(frozen=True)
class Profile:
    """What distribution needs of a fund: NAV calendar (MICs whose common business days are NAV
    days; empty: Tokyo), markets whose holidays make non-application days, fiscal closing months
    (1-12) and day (31: month end; moved to the next NAV day), NAV-move threshold (bp; 0: the
    contract's default of 10 %)."""

    closing_months: tuple[int, ...]
    closing_day: int
    nav_markets: tuple[str, ...] = ()
    holiday_markets: tuple[str, ...] = ()
    threshold_bps: int = 0

    def to_abi(self) -> tuple[list[bytes], list[bytes], int, int, int]:
        if not self.closing_months or any(not 1 <= m <= 12 for m in self.closing_months):
            raise ValueError("closing months are 1 to 12, at least one")
        if not 1 <= self.closing_day <= 31:
            raise ValueError("the closing day is 1 to 31")
        if not 0 <= self.threshold_bps < 2**16:
            raise ValueError("the threshold is 0 to 65535 basis points")
        months = sum(1 << (m - 1) for m in set(self.closing_months))
        return (
            [fixed_code(m, 4, "market") for m in self.nav_markets],
            [fixed_code(m, 4, "market") for m in self.holiday_markets],
            months,
            self.closing_day,
            self.threshold_bps,
        )


@dataclass(frozen=True)
class NavRecord:
    """A NAV of a fund on a day: per 10,000 units and net assets in whole yen, units outstanding;
    ``version`` 1 is the original, each correction adds one."""

    fund: FundCode
    day: date
    nav: int
    net_assets: int
    units: int
    version: int = 1
    confirm_jump: bool = False

    def __post_init__(self) -> None:
        check_fund_code(self.fund)
        if not 0 < self.nav <= U40:
            raise ValueError(f"{self.fund} {self.day}: the NAV must be 1 to 2^40-1 yen")
        for name, value in (("net assets", self.net_assets), ("units", self.units)):
            if not 0 <= value <= U64:
                raise ValueError(f"{self.fund} {self.day}: {name} must be 0 to 2^64-1")

    @property
    def serial(self) -> int:
        return serial_of(self.fund)

    def leaf(self) -> bytes:
        """The record's leaf in its batch's Merkle tree."""
        return nav_leaf(
            self.serial,
            int_from_date(self.day),
            self.nav,
            self.net_assets,
            self.units,
            self.version,
        )

    def to_abi(self) -> tuple[int, int, int, int, int, int]:
        """As the contract's ``NavRecord`` tuple."""
        return (
            self.serial,
            int_from_date(self.day),
            self.nav,
            self.net_assets,
            self.units,
            self.version,
        )


def pack_nav(record: NavRecord) -> int:
    """A record as one word of ``publishNavs``."""
    fields = (record.serial, record.nav, record.net_assets, record.units, record.confirm_jump)
    return NavWord(*fields).packed()


def set_profiles(client: Client, codes: Sequence[str], profile: Profile) -> list[TxReceipt]:
    """Give funds of the signer's asset manager the same distribution profile."""
    registry = client.contract(CONTRACT)
    wanted = [bytes32_from_ascii(check_fund_code(c)) for c in codes]
    abi = profile.to_abi()
    calls = [
        (registry.functions.setProfiles(wanted[i : i + MAX_PROFILES], abi), "fund profiles")
        for i in range(0, len(wanted), MAX_PROFILES)
    ]
    return client.sender.send_all(calls)


@dataclass(frozen=True)
class FundState:
    """What the contract holds for a fund's NAV rules."""

    status: int
    establishment: date | None
    redemption: date | None
    calendar_id: int
    threshold_bps: int
    last_nav_date: date | None
    last_nav: int
    confirmed: bool


def fund_state(client: Client, code: str) -> FundState:
    """The contract's state of a fund (calendar_id 0: the fund has no profile)."""
    raw = client.read(client.contract(CONTRACT).functions.fundState(serial_of(code)))
    _manager, status, est, red, calendar_id, threshold, last_date, last_nav, confirmed = raw
    return FundState(
        status=int(status),
        establishment=day_from_int(int(est)) if est else None,
        redemption=day_from_int(int(red)) if red else None,
        calendar_id=int(calendar_id),
        threshold_bps=int(threshold),
        last_nav_date=day_from_int(int(last_date)) if last_date else None,
        last_nav=int(last_nav),
        confirmed=bool(confirmed),
    )


def _publish_call(registry: Contract, when: int) -> Callable[[Sequence[int]], ContractFunction]:
    def call(chunk: Sequence[int]) -> ContractFunction:
        return registry.functions.publishNavs(when, list(chunk))

    return call


def publish_navs(
    client: Client,
    records: Sequence[NavRecord],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Publish NAVs (the funds' asset manager or a delegate), one call per day and as many
    records per transaction as the gas and size limits allow.

    Raises:
        ContractRevert: a rule refused a record, e.g. ``DistributionNotNavDay``.
    """
    registry = client.contract(CONTRACT)
    by_day: dict[date, list[int]] = {}
    for record in records:
        by_day.setdefault(record.day, []).append(pack_nav(record))
    calls = []
    for day, words in sorted(by_day.items()):
        for batch in sized_batches(
            words, _publish_call(registry, int_from_date(day)), client.sender, MAX_NAVS
        ):
            calls.append((batch.params, f"{len(batch.items)} NAVs of {day}"))
    return client.sender.send_all(calls, on_done)


def confirm_navs(
    client: Client, records: Iterable[NavRecord], on_done: Callable[[TxReceipt], None] | None = None
) -> list[TxReceipt]:
    """Confirm funds' latest NAVs as the trustee computed them (the trustee)."""
    registry = client.contract(CONTRACT)
    entries = [r.serial | int_from_date(r.day) << 32 | r.nav << 64 for r in records]
    calls = [
        (registry.functions.confirmNavs(entries[i : i + MAX_NAVS]), "confirm NAVs")
        for i in range(0, len(entries), MAX_NAVS)
    ]
    return client.sender.send_all(calls, on_done)


@dataclass(frozen=True)
class NavBatch:
    """One ``publishNavs`` call as the chain recorded it."""

    batch_id: int
    day: date
    root: bytes
    publisher: str
    records: tuple[NavRecord, ...]
    block: int
    log_index: int


def nav_batches(
    client: Client, from_block: int | None = None, to_block: int | None = None
) -> list[NavBatch]:
    """The NAV batches published in a block range (default: since deployment), in order."""
    entries = records_of(
        client, CONTRACT, PROJECTORS, ["NavsPublished"], None, from_block, to_block
    )
    found = []
    for (block, log_index), group in groupby(entries, key=lambda e: (e.block_number, e.log_index)):
        rows = list(group)
        first = rows[0].data
        day = day_from_int(int(first["date"]))
        found.append(
            NavBatch(
                batch_id=int(first["batchId"]),
                day=day,
                root=bytes.fromhex(str(first["root"])[2:]),
                publisher=hex_text(first["publisher"]),
                records=tuple(_published(row, day) for row in rows),
                block=block,
                log_index=log_index,
            )
        )
    return found


def _published(entry: Entry, day: date) -> NavRecord:
    """A NAV of a batch as its record holds it."""
    return NavRecord(
        fund=FundCode(entry.record.key),
        day=day,
        nav=int(entry.data["nav"]),
        net_assets=int(entry.data["netAssets"]),
        units=int(entry.data["units"]),
        confirm_jump=bool(entry.data["confirmJump"]),
    )


@dataclass(frozen=True)
class NavCorrection:
    """A correction of a fund's NAV record of a day: the new figures and why."""

    fund: FundCode
    day: date
    nav: int
    net_assets: int
    units: int
    reason: str


@dataclass(frozen=True)
class NavChange:
    """A NAV correction as the chain recorded it: the record replaced, the new one, why."""

    previous: NavRecord
    current: NavRecord
    reason: str
    publisher: str
    block: int
    log_index: int


def _record(raw: Any) -> NavRecord:
    serial, when = int(raw["serial"]), int(raw["date"])
    return NavRecord(
        fund=fund_code(serial),
        day=day_from_int(when),
        nav=int(raw["nav"]),
        net_assets=int(raw["netAssets"]),
        units=int(raw["units"]),
        version=int(raw["version"]),
    )


def nav_corrections(
    client: Client, from_block: int | None = None, to_block: int | None = None
) -> list[NavChange]:
    """The NAV corrections of a block range (default: since deployment), in chain order."""
    entries = records_of(client, CONTRACT, PROJECTORS, ["NavCorrected"], None, from_block, to_block)
    return [
        NavChange(
            previous=_record(entry.data["previous"]),
            current=_record(entry.data["current"]),
            reason=str(entry.data["reason"]),
            publisher=hex_text(entry.data["publisher"]),
            block=entry.block_number,
            log_index=entry.log_index,
        )
        for entry in entries
    ]


def _corrected_versions(client: Client) -> dict[tuple[int, int], NavRecord]:
    """The latest correction of each (serial, date)."""
    return {
        (c.current.serial, int_from_date(c.current.day)): c.current for c in nav_corrections(client)
    }


def current_navs(client: Client) -> dict[tuple[FundCode, date], NavRecord]:
    """The current version of every NAV record, from the events."""
    current: dict[tuple[FundCode, date], NavRecord] = {}
    for batch in nav_batches(client):
        for record in batch.records:
            current[record.fund, record.day] = record
    for record in _corrected_versions(client).values():
        current[record.fund, record.day] = record
    return current


def correct_navs(
    client: Client,
    corrections: Sequence[NavCorrection],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Replace NAV records by new versions (the asset manager or a delegate), each proven
    current: an original by its batch's Merkle proof, a corrected one by its stored version.

    Raises:
        ValueError: no published record for a fund and date.
    """
    batches = nav_batches(client)
    corrected = _corrected_versions(client)
    located: dict[tuple[int, int], tuple[NavBatch, int]] = {}
    for batch in batches:
        for position, record in enumerate(batch.records):
            located[record.serial, int_from_date(record.day)] = (batch, position)
    items = []
    for fix in corrections:
        key = (serial_of(fix.fund), int_from_date(fix.day))
        if key in corrected:
            previous, batch_id, proof = corrected[key], 0, []
        elif key in located:
            batch, position = located[key]
            previous = batch.records[position]
            leaves = [r.leaf() for r in batch.records]
            batch_id, proof = batch.batch_id, merkle_proof(leaves, position)
        else:
            raise ValueError(f"no NAV of {fix.fund} on {fix.day} is published")
        abi = previous.to_abi()
        items.append((abi, batch_id, proof, fix.nav, fix.net_assets, fix.units, fix.reason))
    registry = client.contract(CONTRACT)
    calls = [
        (registry.functions.correctNavs(items[i : i + MAX_CORRECTIONS]), "correct NAVs")
        for i in range(0, len(items), MAX_CORRECTIONS)
    ]
    return client.sender.send_all(calls, on_done)
