"""Corporate information to and from files.

Columns (one institution a row; lists separated by ``;``): ``lei``, ``registered_address``,
``aml_status`` (not_reviewed, under_review, cleared, escalated), ``next_review_date``,
``fatca_status`` (participating_ffi, reporting_model1_ffi, reporting_model2_ffi,
registered_deemed_compliant, exempt_beneficial_owner, active_nffe, passive_nffe), ``giin``,
``crs_status`` (financial_institution, active_nfe, passive_nfe), ``lei_renewal_date``,
``kyc_document_hashes`` (0x-hex, 32 bytes each), ``aml_review_details`` and ``kyc_references``.
The whole row is checked (every bad cell named with its row, column and reason) and then sealed
to the institution, its counterparties, the observers and ``share_with`` (LEIs): no column goes
on chain in clear. Export adds ``version`` and ``refused`` (the recipient that refused that
version, and why), and fills the values only where the reader's key opens them.

Each institution uploads its own row; the platform operator may upload any. A row whose latest
published version says the same, to the same recipients, and was not refused, is not sent again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TypeVar, Unpack

import pandas as pd

from bpost_client.client import Client
from bpost_client.dates import int_from_date
from bpost_client.exceptions import BPostError, RowError
from bpost_client.identifiers import check_giin, check_lei
from bpost_client.io.cells import Cells, parse_rows, split_list
from bpost_client.io.tables import parse_date
from bpost_client.io.upload import OnDone, Upload, UploadOptions, UploadReport, run_upload
from bpost_client.registry.corporate import (
    MAX_RECIPIENTS,
    AmlStatus,
    CorporateConfidential,
    CorporateInfo,
    CorporateRecord,
    CrsStatus,
    FatcaStatus,
    OpenedCorporate,
    corporate_records,
    entitled_recipients,
    open_corporate,
    problems_of,
    publish_corporate_info,
)
from bpost_client.types import Lei

__all__ = [
    "CORPORATE_COLUMNS",
    "CorporateRow",
    "corporate_upload",
    "export_corporate",
    "upload_corporate",
    "validate_corporate_table",
]

CORPORATE_COLUMNS = (
    "lei",
    "registered_address",
    "aml_status",
    "next_review_date",
    "fatca_status",
    "giin",
    "crs_status",
    "lei_renewal_date",
    "kyc_document_hashes",
    "aml_review_details",
    "kyc_references",
    "share_with",
)
EXPORT_COLUMNS = (*CORPORATE_COLUMNS, "version", "refused")
Counterparties = Callable[[Client, Lei], Iterable[str]]
E = TypeVar("E", bound=IntEnum)


@dataclass(frozen=True)
class CorporateRow:
    """A valid row."""

    row: int
    lei: Lei
    info: CorporateInfo
    confidential: CorporateConfidential
    share_with: tuple[Lei, ...]


def _enum(kind: type[E]) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return kind[text.strip().upper().replace(" ", "_").replace("-", "_")]
        except KeyError:
            names = ", ".join(m.name.lower() for m in kind)
            raise ValueError(f"unknown value {text!r} (one of {names})") from None

    return parse


def _hashes(text: str) -> tuple[bytes, ...]:
    found = []
    for item in split_list(text):
        raw = bytes.fromhex(item.removeprefix("0x"))
        if len(raw) != 32:
            raise ValueError(f"{item} is not a 32-byte hash")
        found.append(raw)
    return tuple(found)


def validate_corporate_table(frame: pd.DataFrame) -> tuple[list[CorporateRow], list[RowError]]:
    """The valid rows and an error for every bad cell (no chain access)."""
    seen: dict[str, int] = {}

    def row(cells: Cells) -> CorporateRow | None:
        lei = cells.get("lei", check_lei)
        address = cells.get("registered_address", str)
        aml = cells.get("aml_status", _enum(AmlStatus))
        review = cells.get("next_review_date", parse_date)
        fatca = cells.get("fatca_status", _enum(FatcaStatus))
        giin = cells.get("giin", check_giin, required=False) or ""
        crs = cells.get("crs_status", _enum(CrsStatus))
        renewal = cells.get("lei_renewal_date", parse_date)
        documents = cells.get("kyc_document_hashes", _hashes, required=False) or ()
        share = cells.get(
            "share_with", lambda t: tuple(check_lei(x) for x in split_list(t)), required=False
        )
        if share is not None and len(share) >= MAX_RECIPIENTS:
            cells.fail(
                "share_with",
                f"{len(share)} LEIs: a version has at most "
                f"{MAX_RECIPIENTS} recipients, the institution one of them",
            )
        if lei is not None:
            if lei in seen:
                cells.fail("lei", f"repeats row {seen[lei]}")
            seen.setdefault(lei, cells.row)
        if (
            cells.errors or lei is None or address is None or aml is None or review is None
            or fatca is None or crs is None or renewal is None
        ):  # fmt: skip
            return None
        raw = (
            address, int(aml), int_from_date(review), int(fatca),
            giin.encode("ascii").ljust(19, b"\0"), int(crs), int_from_date(renewal), documents,
        )  # fmt: skip
        for column, reason in problems_of(raw):
            cells.fail(column, reason)
        if cells.errors:
            return None
        try:
            info = CorporateInfo(
                registered_address=str(address),
                aml_status=aml,
                next_review_date=review,
                fatca_status=fatca,
                crs_status=crs,
                lei_renewal_date=renewal,
                giin=giin,
                kyc_document_hashes=documents,
            )
        except ValueError as exc:
            cells.fail("giin", str(exc))
            return None
        secret = CorporateConfidential(
            cells.text["aml_review_details"], tuple(split_list(cells.text["kyc_references"]))
        )
        return CorporateRow(cells.row, Lei(str(lei)), info, secret, tuple(share or ()))

    return parse_rows(frame, ["lei"], EXPORT_COLUMNS, row)


def _opened(
    client: Client, record: CorporateRecord, reader: str, private_key: bytes | None
) -> OpenedCorporate | None:
    """``record`` opened and checked as ``reader``, None where it cannot be."""
    if private_key is None or record.refused:
        return None
    try:
        return open_corporate(client, record, reader, private_key)
    except BPostError:
        return None


def corporate_upload(
    private_key: bytes | None = None, counterparties: Counterparties | None = None
) -> Upload[CorporateRow, CorporateRow, None]:
    """The corporate information of a file, published where the latest version differs: its
    content (opened with ``private_key`` as the row's institution), its recipients (the
    institution, its funds' parties, ``counterparties(client, lei)`` when given, the observers
    and ``share_with``), or a refusal of it."""

    def plan(client: Client, rows: list[CorporateRow], report: UploadReport[CorporateRow]) -> None:
        latest = corporate_records(client)
        for row in rows:
            current = latest.get(row.lei)
            same = False
            if current is not None:
                others = counterparties(client, row.lei) if counterparties is not None else ()
                wanted = entitled_recipients(client, row.lei, others, row.share_with)
                opened = _opened(client, current, row.lei, private_key)
                same = (
                    opened is not None
                    and set(current.recipients) == set(wanted)
                    and (opened.info, opened.confidential) == (row.info, row.confidential)
                )
            if same:
                report.unchanged.append(row.row)
            else:
                report.plan("publish", row.row, row)

    def send(
        client: Client, report: UploadReport[CorporateRow], _context: None, on_done: OnDone
    ) -> int:
        rows = report.items("publish")
        entries = [(row.lei, row.info, row.confidential) for row in rows]
        shared = [row.share_with for row in rows]
        return len(publish_corporate_info(client, entries, shared, counterparties))

    return Upload("corporate file", ("publish",), validate_corporate_table, plan, send)


def upload_corporate(
    client: Client,
    source: Path | str | pd.DataFrame,
    *,
    private_key: bytes | None = None,
    counterparties: Counterparties | None = None,
    **options: Unpack[UploadOptions],
) -> UploadReport[CorporateRow]:
    """Publish the rows whose latest published version differs (:func:`corporate_upload`
    through the upload pipeline).

    Raises:
        ValidationError: bad rows (and ``skip_invalid`` not set), with row, column and reason.
    """
    return run_upload(corporate_upload(private_key, counterparties), client, source, **options)


def export_corporate(
    client: Client,
    private_key: bytes | None = None,
    lei: str | None = None,
    reader: str | None = None,
) -> pd.DataFrame:
    """The latest corporate information as the corporate table: every institution's version,
    recipients and refusal; the values filled where ``private_key`` opens them for ``reader``
    (default: each row's institution) and the version was not refused."""
    rows = []
    for record in corporate_records(client, lei).values():
        opened = _opened(client, record, reader or record.lei, private_key)
        values: dict[str, str] = dict.fromkeys(CORPORATE_COLUMNS, "")
        if opened is not None:
            info, secret = opened.info, opened.confidential
            values |= {
                "registered_address": info.registered_address,
                "aml_status": info.aml_status.name.lower(),
                "next_review_date": info.next_review_date.isoformat(),
                "fatca_status": info.fatca_status.name.lower(),
                "giin": info.giin,
                "crs_status": info.crs_status.name.lower(),
                "lei_renewal_date": info.lei_renewal_date.isoformat(),
                "kyc_document_hashes": ";".join("0x" + h.hex() for h in info.kyc_document_hashes),
                "aml_review_details": secret.aml_review_details,
                "kyc_references": ";".join(secret.kyc_references),
            }
        refused = ""
        if record.refused_by is not None and record.refusal_reason is not None:
            refused = f"by {record.refused_by}: {record.refusal_reason.name.lower()}"
        values |= {
            "lei": record.lei,
            "share_with": ";".join(x for x in record.recipients if x != record.lei),
            "version": str(record.version),
            "refused": refused,
        }
        rows.append(values)
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
