"""Institutions as the explorer shows them: name, kind, standing, the addresses that act for
them with their platform roles, the mandates they granted and hold, their public corporate
information (the confidential part shown sealed) and their SSIs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import (
    Row,
    keys_of,
    label,
    latest_of,
    member_label,
    rows_by_ref,
    rows_of,
)
from bpost_client.platform.mandates import Mandate, mandates_from_records
from bpost_client.platform.projection import roles_held
from bpost_client.registry.projection import corporate_of
from bpost_client.types import InstitutionType

__all__ = [
    "Corporate",
    "InstitutionPage",
    "Operator",
    "institution_list",
    "load_institution",
    "roles_of",
]


@dataclass(frozen=True)
class Operator:
    """An address bound to an institution, with the platform roles it holds now."""

    address: str
    roles: list[str]
    added: Row


@dataclass(frozen=True)
class Corporate:
    """The latest published corporate information."""

    version: int
    registered_address: str
    aml_status: str
    next_review_date: Any
    fatca_status: str
    giin: str
    crs_status: str
    lei_renewal_date: Any
    kyc_documents: int
    confidential: dict[str, Any]
    row: Row


@dataclass
class InstitutionPage:
    """Everything the explorer shows of one institution."""

    lei: str
    legal_name: str
    kind: str
    status: str = "active"
    key_version: int = 1
    operators: list[Operator] = field(default_factory=list)
    history: list[Row] = field(default_factory=list)
    corporate: Corporate | None = None
    ssis: list[str] = field(default_factory=list)
    mandates: list[Mandate] = field(default_factory=list)
    """The mandates it granted (as principal) and holds (as agent), as their records leave
    them."""


def roles_of(conn: Connection, address: str) -> list[str]:
    """The platform roles ``address`` holds now (granted and not revoked since)."""
    return sorted(name for name, _ in roles_held(rows_of(conn, "role", address)))


def _corporate(row: Row) -> Corporate:
    record = corporate_of(row)
    info = record.info
    return Corporate(
        version=record.version,
        registered_address=info.registered_address,
        aml_status=member_label(info.aml_status),
        next_review_date=info.next_review_date,
        fatca_status=member_label(info.fatca_status),
        giin=info.giin,
        crs_status=member_label(info.crs_status),
        lei_renewal_date=info.lei_renewal_date,
        kyc_documents=len(info.kyc_document_hashes),
        confidential=row.data["confidential"],
        row=row,
    )


def load_institution(conn: Connection, lei: str, *, details: bool = True) -> InstitutionPage | None:
    """The institution ``lei`` from the index, or None when it was never registered; without
    ``details`` its corporate information and SSIs are not read (for lists)."""
    rows = rows_of(conn, "institution", lei)
    registered = next((r for r in rows if r.event == "InstitutionRegistered"), None)
    if registered is None:
        return None
    found = InstitutionPage(
        lei=lei,
        legal_name=str(registered.data["legalName"]),
        kind=label(InstitutionType, registered.data["kind"]),
        history=rows,
    )
    operators: dict[str, Row] = {}
    for row in rows:
        if row.event == "InstitutionRenamed":
            found.legal_name = str(row.data["legalName"])
        elif row.event == "InstitutionSuspended":
            found.status = f"suspended: {row.data['reason']}"
        elif row.event == "InstitutionReinstated":
            found.status = "active"
        elif row.event == "EncryptionKeyChanged":
            found.key_version = int(row.data["version"])
        elif row.event == "OperatorAdded":
            operators[str(row.data["account"])] = row
        elif row.event == "OperatorRemoved":
            operators.pop(str(row.data["account"]), None)
    found.operators = [
        Operator(address, roles_of(conn, address), row) for address, row in operators.items()
    ]
    if not details:
        return found
    corporate = latest_of(conn, "corporate", lei)
    found.corporate = None if corporate is None else _corporate(corporate)
    found.ssis = sorted({row.key for row in rows_by_ref(conn, "ssi", lei)})
    mandate_rows = [*rows_of(conn, "mandate", lei), *rows_by_ref(conn, "mandate", lei)]
    mandate_rows.sort(key=lambda r: (r.block_number, r.log_index))
    found.mandates = mandates_from_records(mandate_rows)
    return found


def institution_list(conn: Connection, after: str | None, limit: int) -> list[InstitutionPage]:
    """The institutions in LEI order from the first after ``after``, at most ``limit``."""
    found = []
    for key in keys_of(conn, "institution", after=after, limit=limit):
        institution = load_institution(conn, key, details=False)
        if institution is not None:
            found.append(institution)
    return found
