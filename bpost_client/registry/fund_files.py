"""Funds to and from files: upload (validate, plan against the chain, batch, send) and export.

An upload is keyed by the asset manager's own code for each fund, so a run that was killed
half-way, started again with the same file, registers only the funds still missing. Export
writes the same columns upload reads, rebuilt from events in block pages (no call per fund).
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

import pandas as pd
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.exceptions import RowError
from bpost_client.identifiers import ascii_from_bytes, bytes32_from_ascii
from bpost_client.io.upload import OnDone, Upload, UploadOptions, UploadReport, run_upload
from bpost_client.platform import projection as platform_projection
from bpost_client.platform.codes import code_index, describe_target
from bpost_client.platform.participants import signer_institution
from bpost_client.platform.projection import Entry, records_of
from bpost_client.registry import projection as registry_projection
from bpost_client.registry.fund_table import FundRow, registration_row, table, validate_fund_table
from bpost_client.registry.funds import (
    FUND_CODE_NAMESPACE,
    FUND_EVENTS,
    MAX_BATCH,
    FundRegistration,
    manager_namespace,
    register_funds,
)
from bpost_client.types import (
    FundCode,
    InstitutionStatus,
    InstitutionType,
    PartyRole,
    RecordKind,
)

__all__ = ["export_funds", "fund_upload", "upload_funds"]


class _Chain:
    """What a plan checks on chain, read once: every linked code, and institutions as asked."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.participants = client.contract("ParticipantRegistry")
        self.code_registry = client.contract("CodeRegistry")
        self.fund_registry = client.manifest.address("FundRegistry")
        self.index = code_index(client)
        self._status: dict[str, tuple[InstitutionType, InstitutionStatus]] = {}
        self._namespaces: dict[str, str | None] = {}

    def institution(self, lei: str) -> tuple[InstitutionType, InstitutionStatus]:
        if lei not in self._status:
            kind, status = self.client.read(self.participants.functions.statusOf(lei.encode()))
            self._status[lei] = (InstitutionType(kind), InstitutionStatus(status))
        return self._status[lei]

    def namespace(self, name: str) -> str | None:
        """Why funds' codes cannot be linked in namespace ``name``, or None when they can (the
        namespace is open and the fund registry is its linker for asset managers' funds)."""
        if name not in self._namespaces:
            raw = bytes32_from_ascii(name)
            functions = self.code_registry.functions
            problem = None
            if not self.client.read(functions.isNamespace(raw)):
                problem = f"namespace {name} is not open on the platform"
            else:
                kind, mask = self.client.read(functions.linkerOf(raw, self.fund_registry))
                if kind != RecordKind.FUND or not mask >> InstitutionType.ASSET_MANAGER & 1:
                    problem = f"namespace {name} takes no fund codes (not linked by FundRegistry)"
            self._namespaces[name] = problem
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
        if problem := chain.namespace(namespace):
            errors.append(RowError(row, column, problem))
        elif (target := chain.index.get((namespace, value))) is not None:
            holder = describe_target(target)
            errors.append(RowError(row, column, f"{namespace} {value} already points to {holder}"))
    return errors


def _plan(client: Client, rows: list[FundRow], report: UploadReport[FundRow]) -> None:
    """File the funds not on chain yet (``register``) once the chain accepts their trustee,
    parties and codes; a fund already registered under the manager's code is unchanged, its
    platform code its outcome."""
    manager = signer_institution(client, "upload funds")
    chain = _Chain(client)
    namespace = manager_namespace(manager)
    for fund_row in rows:
        manager_code = fund_row.registration.manager_code
        existing = chain.fund_of(namespace, manager_code)
        if existing is not None:
            if fund_row.fund_code and fund_row.fund_code != existing:
                message = f"{manager_code} is {existing} on chain"
                report.errors.append(RowError(fund_row.row, "fund_code", message))
            else:
                report.unchanged.append(fund_row.row)
                report.outcomes[fund_row.row] = existing
            continue
        if fund_row.fund_code:
            report.errors.append(
                RowError(fund_row.row, "fund_code", "no fund on chain has this code")
            )
            continue
        errors = _check_on_chain(chain, fund_row)
        if errors:
            report.errors.extend(errors)
        else:
            report.plan("register", fund_row.row, fund_row)


def fund_upload(max_batch: int = MAX_BATCH) -> Upload[FundRow, FundRow, None]:
    """The funds of a file, registered by the signer (their asset manager) when not on chain
    yet, ``max_batch`` funds a transaction at most."""

    def send(client: Client, report: UploadReport[FundRow], _context: None, on_done: OnDone) -> int:
        receipts: list[TxReceipt] = []

        def done(receipt: TxReceipt) -> None:
            receipts.append(receipt)
            if on_done is not None:
                on_done(receipt)

        rows = report.items("register")
        codes = register_funds(client, [r.registration for r in rows], done, max_batch)
        for row, code in zip(rows, codes, strict=True):
            report.outcomes[row.row] = code
        return len(receipts)

    return Upload("fund file", ("register",), validate_fund_table, _plan, send)


def upload_funds(
    client: Client,
    source: Path | str | pd.DataFrame,
    *,
    max_batch: int = MAX_BATCH,
    **options: Unpack[UploadOptions],
) -> UploadReport[FundRow]:
    """Register the funds of a CSV or Excel file (or a DataFrame) that are not on chain yet
    (:func:`fund_upload` through the upload pipeline); the report's outcomes give each row's
    platform fund code.

    Raises:
        ValidationError: bad rows (and ``skip_invalid`` not set), listing row, column and reason.
    """
    return run_upload(fund_upload(max_batch), client, source, **options)


def export_funds(client: Client, manager: str | None = None) -> pd.DataFrame:
    """Every fund (or one asset manager's) as the fund table, folded from its records (see
    :func:`bpost_client.registry.projection.fold_fund`): latest definitive attributes, status,
    version, linked codes and parties.
    """
    by_fund: dict[str, list[Entry]] = {}
    for entry in records_of(client, "FundRegistry", registry_projection.PROJECTORS, FUND_EVENTS):
        by_fund.setdefault(entry.record.key, []).append(entry)
    codes: dict[str, dict[tuple[str, str], None]] = {}
    links = records_of(
        client, "CodeRegistry", platform_projection.PROJECTORS, ("CodeLinked", "CodeUnlinked")
    )
    for entry in links:
        if int(entry.data["kind"]) != RecordKind.FUND:
            continue
        linked = codes.setdefault(str(entry.record.ref), {})
        key = (str(entry.data["namespaceText"]), str(entry.data["valueText"]))
        if entry.event == "CodeLinked":
            linked[key] = None
        else:
            linked.pop(key, None)
    rows = []
    for code, entries in by_fund.items():
        fund = registry_projection.fold_fund(code, entries)
        if fund is None or (manager is not None and fund.asset_manager != manager):
            continue
        others = [
            (ns, v)
            for ns, v in codes.get(code, {})
            if ns != FUND_CODE_NAMESPACE and not ns.startswith("AM/")
        ]
        registration = FundRegistration(
            fund.manager_code, fund.attributes, tuple(others), tuple(fund.other_parties)
        )
        rows.append(
            registration_row(registration, code, fund.status.name.lower(), str(fund.version))
        )
    return table(rows)
