"""Funds to and from files: upload (validate, plan against the chain, batch, send) and export.

An upload is keyed by the asset manager's own code for each fund, so a run that was killed
half-way, started again with the same file, registers only the funds still missing. Export
writes the same columns upload reads, rebuilt from events in block pages (no call per fund).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.exceptions import RowError, ValidationError
from bpost_client.identifiers import ascii_from_bytes, bytes32_from_ascii, lei_from_bytes20
from bpost_client.io.tables import read_table
from bpost_client.platform.codes import code_index
from bpost_client.platform.events import iter_events
from bpost_client.platform.participants import signer_institution
from bpost_client.registry.fund_table import FundRow, registration_row, table, validate_fund_table
from bpost_client.registry.funds import (
    FundAttributes,
    FundRegistration,
    Party,
    manager_namespace,
    register_funds,
)
from bpost_client.types import (
    FundCode,
    FundStatus,
    InstitutionStatus,
    InstitutionType,
    Lei,
    PartyRole,
    RecordKind,
)

__all__ = ["FundUpload", "export_funds", "plan_fund_upload", "upload_funds"]


@dataclass
class FundUpload:
    """What an upload found and did."""

    to_register: list[FundRow] = field(default_factory=list)
    existing: list[tuple[int, str, FundCode]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    registered: list[tuple[int, str, FundCode]] = field(default_factory=list)
    transactions: int = 0


class _Chain:
    """What a plan checks on chain, read once: every linked code, and institutions as asked."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.participants = client.contract("ParticipantRegistry")
        self.code_registry = client.contract("CodeRegistry")
        self.index = code_index(client)
        self._status: dict[str, tuple[InstitutionType, InstitutionStatus]] = {}
        self._namespaces: dict[str, bool] = {}

    def institution(self, lei: str) -> tuple[InstitutionType, InstitutionStatus]:
        if lei not in self._status:
            kind, status = self.client.read(self.participants.functions.statusOf(lei.encode()))
            self._status[lei] = (InstitutionType(kind), InstitutionStatus(status))
        return self._status[lei]

    def namespace(self, name: str) -> bool:
        if name not in self._namespaces:
            raw = bytes32_from_ascii(name)
            self._namespaces[name] = bool(
                self.client.read(self.code_registry.functions.isNamespace(raw))
            )
        return self._namespaces[name]

    def fund_of(self, namespace: str, value: str) -> FundCode | None:
        target = self.index.get((namespace, value))
        if target is None or target.kind is not RecordKind.FUND:
            return None
        return FundCode(ascii_from_bytes(target.record_id))


def _check_on_chain(chain: _Chain, fund_row: FundRow) -> list[RowError]:
    row, reg = fund_row.row, fund_row.registration
    errors = []
    kind, status = chain.institution(reg.attributes.trustee)
    if kind is not InstitutionType.TRUST_BANK or status is not InstitutionStatus.ACTIVE:
        errors.append(RowError(row, "trustee_lei", "not an active trust bank on the platform"))
    for party in reg.parties:
        column = "distributors" if party.role is PartyRole.DISTRIBUTOR else "custodians"
        if chain.institution(party.lei)[1] is not InstitutionStatus.ACTIVE:
            errors.append(RowError(row, column, f"{party.lei} is not an active institution"))
    for namespace, value in reg.codes:
        column = {"ISIN": "isin", "ITA": "ita_code"}.get(namespace, "other_codes")
        if not chain.namespace(namespace):
            errors.append(
                RowError(row, column, f"namespace {namespace} is not open on the platform")
            )
        elif (namespace, value) in chain.index:
            errors.append(RowError(row, column, f"{namespace} {value} already points to a record"))
    return errors


def plan_fund_upload(client: Client, rows: list[FundRow], manager: Lei) -> FundUpload:
    """Split valid rows into funds already on chain (by the manager's code) and funds to
    register, and find what the chain refuses (trustee, parties, codes taken) before sending.
    """
    chain = _Chain(client)
    plan = FundUpload()
    namespace = manager_namespace(manager)
    for fund_row in rows:
        manager_code = fund_row.registration.manager_code
        existing = chain.fund_of(namespace, manager_code)
        if existing is not None:
            if fund_row.fund_code and fund_row.fund_code != existing:
                plan.errors.append(RowError(fund_row.row, "fund_code",
                                            f"{manager_code} is {existing} on chain"))  # fmt: skip
            else:
                plan.existing.append((fund_row.row, manager_code, existing))
            continue
        if fund_row.fund_code:
            plan.errors.append(
                RowError(fund_row.row, "fund_code", "no fund on chain has this code")
            )
            continue
        errors = _check_on_chain(chain, fund_row)
        if errors:
            plan.errors.extend(errors)
        else:
            plan.to_register.append(fund_row)
    return plan


def upload_funds(
    client: Client,
    source: Path | str | pd.DataFrame,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    on_done: Callable[[TxReceipt], None] | None = None,
    max_batch: int = 256,
) -> FundUpload:
    """Register the funds of a CSV or Excel file (or a DataFrame) that are not on chain yet.

    The whole file is validated first, against the table's rules and then against the chain;
    with any bad row nothing is sent unless ``skip_invalid`` is set, which uploads the good rows
    and reports the bad ones.

    Raises:
        ValidationError: bad rows (and ``skip_invalid`` not set), listing row, column and reason.
    """
    frame = source if isinstance(source, pd.DataFrame) else read_table(source)
    rows, errors = validate_fund_table(frame)
    bad_rows = {e.row for e in errors}
    manager = signer_institution(client, "upload funds")
    plan = plan_fund_upload(client, [r for r in rows if r.row not in bad_rows], manager)
    plan.errors = sorted(errors + plan.errors, key=lambda e: (e.row, e.column))
    if plan.errors and not skip_invalid:
        raise ValidationError("the fund file has bad rows; nothing was sent", plan.errors)
    if dry_run or not plan.to_register:
        return plan
    receipts: list[TxReceipt] = []

    def done(receipt: TxReceipt) -> None:
        receipts.append(receipt)
        if on_done is not None:
            on_done(receipt)

    codes = register_funds(client, [r.registration for r in plan.to_register], done, max_batch)
    plan.registered = [
        (r.row, r.registration.manager_code, code)
        for r, code in zip(plan.to_register, codes, strict=True)
    ]
    plan.transactions = len(receipts)
    return plan


@dataclass
class _Snapshot:
    manager: Lei
    manager_code: str
    parties: list[Party]
    attributes: FundAttributes
    status: FundStatus = FundStatus.DRAFT
    version: int = 1
    version_hash: tuple[int, bytes] = (0, b"")
    codes: dict[tuple[str, str], None] = field(default_factory=dict)


def _logs(client: Client, contract: str, event: str) -> Any:
    return iter_events(client.contract(contract), event, client.manifest.start_block)


def export_funds(client: Client, manager: str | None = None) -> pd.DataFrame:
    """Every fund (or one asset manager's) as the fund table, from events: latest definitive
    attributes, status, version, codes and parties.
    """
    by_hash: dict[bytes, FundAttributes] = {}
    funds: dict[str, _Snapshot] = {}
    for log in _logs(client, "FundRegistry", "FundRegistered"):
        args = log["args"]
        attributes = FundAttributes.from_abi(args["attributes"])
        by_hash[bytes(args["attributesHash"])] = attributes
        parties = [
            Party(lei_from_bytes20(bytes(p["lei"])), PartyRole(p["role"]), bool(p["required"]))
            for p in args["otherParties"]
        ]
        funds[ascii_from_bytes(args["fundCode"])] = _Snapshot(
            lei_from_bytes20(bytes(args["assetManager"])), ascii_from_bytes(args["managerCode"]),
            parties, attributes,
        )  # fmt: skip
    for log in _logs(client, "FundRegistry", "ChangeProposed"):
        by_hash[bytes(log["args"]["attributesHash"])] = FundAttributes.from_abi(
            log["args"]["attributes"]
        )
    for log in _logs(client, "FundRegistry", "FundVersionDefinitive"):
        snap = funds[ascii_from_bytes(log["args"]["fundCode"])]
        version = int(log["args"]["version"])
        snap.version = max(snap.version, version)
        if version > snap.version_hash[0]:
            snap.version_hash = (version, bytes(log["args"]["attributesHash"]))
    for log in _logs(client, "FundRegistry", "FundStatusChanged"):
        snap = funds[ascii_from_bytes(log["args"]["fundCode"])]
        snap.version = max(snap.version, int(log["args"]["version"]))
        snap.status = FundStatus(log["args"]["to"])
    for event, linked in (("CodeLinked", True), ("CodeUnlinked", False)):
        for log in _logs(client, "CodeRegistry", event):
            if log["args"]["kind"] != 2:
                continue
            target = funds.get(ascii_from_bytes(log["args"]["recordId"]))
            key = (
                ascii_from_bytes(log["args"]["namespace"]),
                ascii_from_bytes(log["args"]["value"]),
            )
            if target is not None and linked:
                target.codes[key] = None
            elif target is not None:
                target.codes.pop(key, None)
    rows = []
    for code, snap in funds.items():
        if manager is not None and snap.manager != manager:
            continue
        if snap.version_hash[1]:
            snap.attributes = by_hash[snap.version_hash[1]]
        others = [
            (ns, v) for ns, v in snap.codes if ns not in ("BPFC",) and not ns.startswith("AM/")
        ]
        parties = snap.parties
        registration = FundRegistration(
            snap.manager_code, snap.attributes, tuple(others), tuple(parties)
        )
        rows.append(
            registration_row(registration, code, snap.status.name.lower(), str(snap.version))
        )
    return table(rows)
