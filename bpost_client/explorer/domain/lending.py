"""Lending agreements as the explorer shows them: parties, terms versions and movements versions
(their contents sealed to the parties), and each period's statement with the platform's figures,
what each party submitted, the matching state and, for a break, which amounts differ and by how
much, then how the break was resolved and settled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy.engine import Connection

from bpost_client.currencies import MINOR_UNITS
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
from bpost_client.lending.terms import format_minor

__all__ = [
    "AMOUNT_NAMES",
    "AgreementPage",
    "Difference",
    "StatementPage",
    "agreement_list",
    "load_agreement",
    "load_statement",
]

AMOUNT_NAMES = {
    "fee": "lending fee",
    "collateralInterest": "cash-collateral interest",
    "dividendEquivalent": "dividend equivalent",
}
"""The amounts of a statement, in the order the pages show them, by their field name on chain."""


def money(amount: int, currency: str) -> str:
    """An amount in minor units as text in major units with its currency (``1,250 JPY``)."""
    decimals = MINOR_UNITS.get(currency, 2)
    text = format_minor(amount, decimals)
    whole, _, fraction = text.lstrip("-").partition(".")
    sign = "-" if text.startswith("-") else ""
    grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return f"{sign}{grouped} {currency}"


@dataclass(frozen=True)
class Difference:
    """One amount of a party's figures against the platform's."""

    name: str
    platform: int
    submitted: int
    tolerance: int

    @property
    def delta(self) -> int:
        """What the party submitted minus the platform's figure."""
        return self.submitted - self.platform

    @property
    def breaks(self) -> bool:
        """Whether the difference is beyond the tolerance."""
        return abs(self.delta) > self.tolerance


@dataclass
class StatementPage(StatementState[Row]):
    """A statement of one unit of matching over one period as the explorer shows it: the
    statement as its records tell it (the same fold as the client's reads), its amounts as
    money and its breaks explained."""

    def amount(self, value: int) -> str:
        """``value`` (minor units) in the statement's currency."""
        return money(value, self.currency)

    def differences(self, submission: Submission[Row]) -> list[Difference]:
        """Each amount of ``submission`` against the platform's, in the order of
        ``AMOUNT_NAMES``."""
        return [
            Difference(name, self.platform[field], submission.amounts[field], self.tolerance)
            for field, name in AMOUNT_NAMES.items()
        ]

    def explanation(self, submission: Submission[Row]) -> str:
        """The break in words: which amounts of ``submission`` differ, by how much, against
        which tolerance."""
        differences = self.differences(submission)
        parts = [
            f"{d.name} {self.amount(d.submitted)} against the platform's "
            f"{self.amount(d.platform)} ({'+' if d.delta > 0 else ''}"
            f"{self.amount(d.delta)})"
            for d in differences
            if d.delta
        ]
        role = member_label(submission.role)
        if not parts:
            return f"The {role}'s figures equal the platform's."
        tolerance = self.amount(differences[0].tolerance)
        verdict = "within" if submission.within_tolerance else "beyond"
        return (
            f"The {role} submitted " + "; ".join(parts) + f": {verdict} the tolerance of "
            f"{tolerance} per amount."
        )

    @property
    def breaks(self) -> list[Submission[Row]]:
        """The submissions beyond the tolerance."""
        return [s for s in self.submissions if not s.within_tolerance]

    def resolution_text(self, row: Row) -> str:
        """A proposed resolution in words (what it settles on, with the amounts; the page names
        who proposed it)."""
        proposal = row.data["proposal"]
        kind = label(ResolutionKind, proposal["kind"])
        amounts = ", ".join(
            f"{name} {self.amount(int(proposal['amounts'][field]))}"
            for field, name in AMOUNT_NAMES.items()
        )
        if kind == "platform":
            what = "settle on the platform's figures"
        elif kind == "party":
            what = f"settle on the {label(StatementRole, proposal['party'])}'s figures"
        else:
            what = "settle on adjusted figures"
        return f"{what} ({amounts})"


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
