"""Institutions as the explorer shows them: name, kind, standing, the addresses that act for
them with their platform roles, the mandates they granted and hold, their corporate information
(sealed: its version, publisher, time, commitment, recipients and refusal, never its content) and
their SSIs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import (
    Row,
    keys_of,
    label,
    member_label,
    rows_by_ref,
    rows_of,
)
from bpost_client.platform.mandates import Mandate, mandates_from_records
from bpost_client.platform.projection import roles_held
from bpost_client.registry.corporate import corporate_versions
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
    """The latest published version of an institution's corporate information as every member
    reads it: the explorer never opens it."""

    version: int
    publisher: str
    sealed: dict[str, Any]
    """The payload as the record holds it (commitment, ciphertext, recipients)."""
    refused_by: str | None
    refusal_reason: str
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


def _corporate(rows: list[Row]) -> Corporate | None:
    versions = corporate_versions(rows)
    if not versions:
        return None
    latest = versions[max(versions)]
    published = next(
        r for r in rows
        if r.event == "CorporateInfoPublished" and int(r.data["version"]) == latest.version
    )  # fmt: skip
    return Corporate(
        version=latest.version,
        publisher=latest.publisher,
        sealed=published.data["info"],
        refused_by=latest.refused_by,
        refusal_reason=member_label(latest.refusal_reason) if latest.refusal_reason else "",
        row=published,
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
    found.corporate = _corporate(rows_of(conn, "corporate", lei))
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
