"""What the signed-in institution may see of the records the domain pages show, by the rules of
:mod:`bpost_client.platform.entitlement`: the reader it is (the observer or not, the lending
mandates it holds) read from the index, and each record of a lending pair, each SSI and each
institution's corporate information loaded only when it may see it.

A record it may not see is loaded as None, so its page answers 404 as for an unknown key, and
lists and the search box leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from sqlalchemy.engine import Connection

from bpost_client.explorer import queries
from bpost_client.explorer.domain import lending, ssis
from bpost_client.explorer.domain.institutions import Corporate, load_institution
from bpost_client.explorer.domain.store import lei, rows_by_ref
from bpost_client.explorer.session import SignedIn
from bpost_client.explorer.state import Db
from bpost_client.indexer.schema import read_checkpoint
from bpost_client.lending.projection import AgreementState
from bpost_client.platform.entitlement import (
    Access,
    Reader,
    corporate_access,
    lending_access,
    reader_of,
    ssi_access,
)
from bpost_client.platform.mandates import mandates_from_records
from bpost_client.registry.projection import corporate_of
from bpost_client.types import Role

__all__ = [
    "Entitled",
    "Shown",
    "agreement_access",
    "corporate_shown",
    "entitled",
    "index_day",
    "reader_at",
    "sees",
    "statement_access",
    "visible_agreement",
    "visible_ssi",
    "visible_statement",
]


def index_day(conn: Connection) -> date:
    """The chain's day at the index's checkpoint (its block's UTC date): the day a mandate must
    be in force on. Before anything is indexed, the UTC date of the clock."""
    checkpoint = read_checkpoint(conn)
    if checkpoint is not None:
        stamp = queries.timestamps(conn, [checkpoint.block_number]).get(checkpoint.block_number)
        if stamp is not None:
            return datetime.fromtimestamp(stamp, UTC).date()
    return datetime.now(UTC).date()


def reader_at(conn: Connection, institution_lei: str) -> Reader:
    """The institution ``institution_lei`` as a reader, from the index: the observer when an
    address bound to it holds ``OBSERVER_ROLE`` now, with the ``LendingAgent`` mandates it holds
    in force on the index's day."""
    institution = load_institution(conn, institution_lei, details=False)
    observer = institution is not None and any(
        Role.OBSERVER.value in operator.roles for operator in institution.operators
    )
    mandates = mandates_from_records(rows_by_ref(conn, "mandate", institution_lei))
    return reader_of(institution_lei, observer=observer, mandates=mandates, on=index_day(conn))


def entitled(request: Request, viewer: SignedIn, conn: Db) -> Reader:
    """The signed-in institution of the request as a reader (kept as ``request.state.reader``
    for the templates)."""
    found = reader_at(conn, viewer.lei)
    request.state.reader = found
    return found


Entitled = Annotated[Reader, Depends(entitled)]


T = TypeVar("T")


@dataclass(frozen=True)
class Shown(Generic[T]):
    """A record and how much of it the reader is shown (never :attr:`Access.NONE`)."""

    record: T
    access: Access

    @property
    def figures(self) -> bool:
        """Whether its figures are shown (the reader is a party, or acts for one)."""
        return self.access is Access.CONTENT


def statement_access(reader: Reader, statement: lending.StatementPage) -> Access:
    """What ``reader`` sees of ``statement``."""
    return lending_access(reader, statement.lender, statement.borrower, statement.agent)


def agreement_access(reader: Reader, agreement: AgreementState[Any]) -> Access:
    """What ``reader`` sees of ``agreement`` (and its movements)."""
    return lending_access(reader, agreement.lender, agreement.borrower, agreement.agent)


def visible_statement(
    conn: Connection, reader: Reader, statement_id: str
) -> Shown[lending.StatementPage] | None:
    """The statement ``statement_id`` as ``reader`` may see it, or None (unknown, or not its)."""
    found = lending.load_statement(conn, statement_id)
    if found is None:
        return None
    access = statement_access(reader, found)
    return None if access is Access.NONE else Shown(found, access)


def visible_agreement(
    conn: Connection, reader: Reader, key: str
) -> tuple[Shown[lending.AgreementPage], set[str]] | None:
    """The agreement ``key`` as ``reader`` may see it, with only the statements it may see,
    and the ids of those whose figures it is shown; or None (unknown, or not its)."""
    found = lending.load_agreement(conn, key)
    if found is None:
        return None
    access = agreement_access(reader, found)
    if access is Access.NONE:
        return None
    accesses = {s.statement_id: statement_access(reader, s) for s in found.statements}
    found.statements = [s for s in found.statements if accesses[s.statement_id] is not Access.NONE]
    figures = {key for key, seen in accesses.items() if seen is Access.CONTENT}
    return Shown(found, access), figures


def _ssi_counterparties(ssi: ssis.SsiPage) -> set[str]:
    named = {str(r) for version in ssi.versions for r in version.published.account.entitled}
    return named | {lei(row.data["counterparty"]) for row in ssi.notices}


def ssi_visible(reader: Reader, ssi: ssis.SsiPage) -> bool:
    """Whether ``reader`` sees ``ssi``."""
    return ssi_access(reader, ssi.owner, _ssi_counterparties(ssi)) is not Access.NONE


def visible_ssi(conn: Connection, reader: Reader, key: str) -> ssis.SsiPage | None:
    """The SSI ``key`` when ``reader`` sees it, else None."""
    found = ssis.load_ssi(conn, key)
    return found if found is not None and ssi_visible(reader, found) else None


def corporate_shown(reader: Reader, owner: str, corporate: Corporate | None) -> Access:
    """What ``reader`` sees of the corporate information ``corporate`` of institution ``owner``
    (None: none published; then what it would see of one)."""
    recipients: tuple[str, ...] = ()
    if corporate is not None:
        recipients = tuple(corporate_of(corporate.row).sealed.entitled)
    return corporate_access(reader, owner, recipients)


def sees(conn: Connection, reader: Reader, kind: str, key: str) -> bool:
    """Whether ``reader`` may open the record of ``kind`` (``statement``, ``agreement``,
    ``ssi``) about ``key``; records of other kinds are public."""
    if kind == "statement":
        return visible_statement(conn, reader, key) is not None
    if kind == "agreement":
        return visible_agreement(conn, reader, key) is not None
    if kind == "ssi":
        return visible_ssi(conn, reader, key) is not None
    return True
