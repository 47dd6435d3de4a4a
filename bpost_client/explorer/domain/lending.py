"""Lending agreements as the explorer shows them: parties, terms versions and movements versions
(their contents sealed to the parties), and each period's statement: its commitments, whether
each party's figures equal the platform's or were accepted by the parties' verdicts, the matching
state, how a break was resolved and settled. Amounts are sealed to the parties: no page shows
one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import (
    Row,
    kept_of,
    label,
    member_label,
    rows_by_ref,
    rows_of,
)
from bpost_client.lending.projection import (
    AgreementState,
    StatementState,
    Submission,
    agreement_of,
    statement_of,
)
from bpost_client.lending.statements import ResolutionKind, StatementRole

__all__ = [
    "AgreementPage",
    "StatementPage",
    "agreement_list",
    "load_agreement",
    "load_statement",
]


@dataclass
class StatementPage(StatementState[Row]):
    """A statement of one unit of matching over one period as the explorer shows it: the
    statement as its records tell it (the same fold as the client's reads). Its amounts are
    commitments: the values are sealed to the parties and the explorer opens nothing, so the
    page tells whether each party's figures equal the platform's, whose verdicts accepted them
    and what a resolution settles on, never an amount."""

    def commitment(self, value: bytes) -> str:
        """A commitment as 0x-hex."""
        return "0x" + bytes(value).hex()

    def explanation(self, submission: Submission[Row]) -> str:
        """A party's submitted figures in words: equal to the platform's, accepted by every
        party's verdict, or in dispute."""
        role = member_label(submission.role)
        if submission.equal:
            return f"The {role}'s figures equal the platform's (the same commitment)."
        accepted = any(
            row.event == "FiguresAccepted" and int(row.data["submitter"]) == submission.role
            and row.block_number >= submission.record.block_number
            for row in self.verdicts
        )  # fmt: skip
        if accepted:
            return (
                f"The {role}'s figures differ from the platform's; every party's signed verdict "
                "found them within the pair's tolerance."
            )
        return f"The {role}'s figures differ from the platform's: a break."

    @property
    def breaks(self) -> list[Submission[Row]]:
        """The submissions that differ from the platform's."""
        return [s for s in self.submissions if not s.equal]

    def resolution_text(self, row: Row) -> str:
        """A proposed resolution in words (what it settles on; the page names who proposed
        it)."""
        proposal = row.data["proposal"]
        kind = label(ResolutionKind, proposal["kind"])
        if kind == "platform":
            return "settle on the platform's figures"
        if kind == "party":
            return f"settle on the {label(StatementRole, proposal['party'])}'s figures"
        return "settle on adjusted figures, sealed to the parties"


def load_statement(conn: Connection, statement_id: str) -> StatementPage | None:
    """The statement ``statement_id`` (0x-hex) with everything that happened to it, or None."""
    state = statement_of(rows_of(conn, "statement", statement_id.lower()))
    if state is None:
        return None
    return StatementPage(**{f.name: getattr(state, f.name) for f in fields(state)})


@dataclass
class AgreementPage(AgreementState[Row]):
    """A lending agreement as the explorer shows it: the agreement as its records tell it (the
    same fold as the client's reads) and its statements."""

    statements: list[StatementPage] = field(default_factory=list)


def load_agreement(conn: Connection, key: str) -> AgreementPage | None:
    """The agreement ``key`` (its id, 0x-hex) and its statements, or None."""
    state = agreement_of(key, rows_of(conn, "agreement", key))
    if state is None:
        return None
    agreement = AgreementPage(**{f.name: getattr(state, f.name) for f in fields(state)})
    ids = [r.key for r in rows_by_ref(conn, "statement", key)]
    ids += [r.key for r in rows_by_ref(conn, "statement", agreement.pair())]
    for statement_id in dict.fromkeys(ids):
        statement = load_statement(conn, statement_id)
        if statement is not None:
            agreement.statements.append(statement)
    agreement.statements.sort(key=lambda s: (s.start or date.min, s.unit))
    return agreement


def agreement_list(
    conn: Connection,
    after: str | None,
    limit: int,
    keep: Callable[[AgreementState[Row]], bool] = lambda _agreement: True,
) -> list[AgreementState[Row]]:
    """The agreements ``keep`` keeps, in id order from the first after ``after``, at most
    ``limit`` (as their first record tells them: parties and first terms)."""

    def first(key: str) -> AgreementState[Row] | None:
        found = agreement_of(key, rows_of(conn, "agreement", key, limit=1))
        return found if found is not None and keep(found) else None

    return kept_of(conn, "agreement", first, after=after, limit=limit)
