"""Lending agreements as the explorer shows them: parties, terms versions and movements versions
(their contents sealed to the parties), and each period's statement with the platform's figures,
what each party submitted, the matching state and, for a break, which amounts differ and by how
much, then how the break was resolved and settled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import Row, day, keys_of, label, lei, rows_by_ref, rows_of
from bpost_client.lending.statements import ResolutionKind, StatementRole, StatementStatus
from bpost_client.lending.terms import MINOR_UNITS, format_minor
from bpost_client.platform.projection import hex_text

__all__ = [
    "AMOUNT_NAMES",
    "Agreement",
    "Difference",
    "Statement",
    "Submission",
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

UNITS = ("agreement", "security", "counterparty")


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


@dataclass(frozen=True)
class Submission:
    """Figures a party submitted for a statement (their detail sealed to the parties)."""

    role: str
    lei: str
    within_tolerance: bool
    differences: list[Difference]
    row: Row

    def explanation(self, currency: str) -> str:
        """The break in words: which amounts differ, by how much, against which tolerance."""
        parts = [
            f"{d.name} {money(d.submitted, currency)} against the platform's "
            f"{money(d.platform, currency)} ({'+' if d.delta > 0 else ''}"
            f"{money(d.delta, currency)})"
            for d in self.differences
            if d.delta
        ]
        if not parts:
            return f"The {self.role}'s figures equal the platform's."
        tolerance = money(self.differences[0].tolerance, currency)
        verdict = "within" if self.within_tolerance else "beyond"
        return (
            f"The {self.role} submitted " + "; ".join(parts) + f": {verdict} the tolerance of "
            f"{tolerance} per amount."
        )


@dataclass
class Statement:
    """A statement of one unit of matching over one period."""

    statement_id: str
    lender: str
    borrower: str
    agent: str
    unit: str
    unit_key: str
    currency: str
    start: date | None
    end: date | None
    settlement_date: date | None
    platform: dict[str, int]
    tolerance: int
    overdue_after: date | None
    committed: Row
    status: str = "open"
    confirmations: list[Row] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)
    resolutions: list[Row] = field(default_factory=list)
    approvals: list[Row] = field(default_factory=list)
    overdue: Row | None = None
    settled: Row | None = None
    history: list[tuple[str, Row]] = field(default_factory=list)
    """Each matching state the statement entered, with the record that moved it there."""

    def amount(self, value: int) -> str:
        """``value`` (minor units) in the statement's currency."""
        return money(value, self.currency)

    @property
    def breaks(self) -> list[Submission]:
        """The submissions beyond the tolerance."""
        return [s for s in self.submissions if not s.within_tolerance]

    def resolution_text(self, row: Row) -> str:
        """A proposed resolution in words."""
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
        return f"{what} ({amounts}), proposed by {lei(proposal['proposedBy'])}"


def _statement(committed: Row) -> Statement:
    data = committed.data
    given = data["input"]
    unit = UNITS[int(given["unit"])] if int(given["unit"]) < len(UNITS) else str(given["unit"])
    currency = hex_text(given["currency"])
    if unit == "agreement":
        unit_key = hex_text(given["unitKey"]) or str(given["unitKey"])
    elif unit == "security":
        unit_key = hex_text(given["unitKey"])
    else:
        unit_key = f"{lei(data['lender'])}/{lei(data['borrower'])}"
    return Statement(
        statement_id=committed.key,
        lender=lei(data["lender"]),
        borrower=lei(data["borrower"]),
        agent=lei(data["agent"]),
        unit=unit,
        unit_key=unit_key,
        currency=currency,
        start=day(given["start"]),
        end=day(given["end"]),
        settlement_date=day(given["settlementDate"]),
        platform={name: int(given["amounts"][name]) for name in AMOUNT_NAMES},
        tolerance=int(given["tolerance"]),
        overdue_after=day(data["overdueAfter"]),
        committed=committed,
    )


def load_statement(conn: Connection, statement_id: str) -> Statement | None:
    """The statement ``statement_id`` (0x-hex) with everything that happened to it, or None."""
    rows = rows_of(conn, "statement", statement_id.lower())
    committed = next((r for r in rows if r.event == "StatementCommitted"), None)
    if committed is None:
        return None
    statement = _statement(committed)
    statement.history.append(("open", committed))
    for row in rows:
        data = row.data
        if "status" in data:
            statement.status = label(StatementStatus, data["status"])
        elif row.event == "StatementSettled":
            statement.status = "settled"
        if statement.status != statement.history[-1][0]:
            statement.history.append((statement.status, row))
        if row.event == "StatementConfirmed":
            statement.confirmations.append(row)
        elif row.event == "FiguresSubmitted":
            differences = [
                Difference(
                    name,
                    statement.platform[field],
                    int(data["amounts"][field]),
                    statement.tolerance,
                )
                for field, name in AMOUNT_NAMES.items()
            ]
            statement.submissions.append(
                Submission(
                    role=label(StatementRole, data["role"]),
                    lei=lei(data["by"]),
                    within_tolerance=bool(data["withinTolerance"]),
                    differences=differences,
                    row=row,
                )
            )
        elif row.event == "StatementCommented":
            statement.comments.append(row)
        elif row.event == "ResolutionProposed":
            statement.resolutions.append(row)
        elif row.event == "ResolutionApproved":
            statement.approvals.append(row)
        elif row.event == "StatementOverdue":
            statement.overdue = row
        elif row.event == "StatementSettled":
            statement.settled = row
    return statement


@dataclass
class Agreement:
    """A lending agreement: parties, terms and movements versions, and its statements."""

    agreement_id: str
    lender: str
    borrower: str
    agent: str
    terms: list[Row] = field(default_factory=list)
    acknowledged: dict[int, Row] = field(default_factory=dict)
    movements: list[Row] = field(default_factory=list)
    confirmed: dict[int, Row] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)

    def pair(self) -> str:
        """The pair's key: ``LENDER/BORROWER``."""
        return f"{self.lender}/{self.borrower}"


def load_agreement(conn: Connection, key: str) -> Agreement | None:
    """The agreement ``key`` (its id as text, or 0x-hex) and its statements, or None."""
    rows = rows_of(conn, "agreement", key)
    proposals = [r for r in rows if r.event == "AgreementProposed"]
    if not proposals:
        return None
    first = proposals[0].data
    agreement = Agreement(key, lei(first["lender"]), lei(first["borrower"]), lei(first["agent"]))
    agreement.terms = proposals
    for row in rows:
        if row.event == "AgreementAcknowledged":
            agreement.acknowledged[int(row.data["version"])] = row
        elif row.event == "MovementsRecorded":
            agreement.movements.append(row)
        elif row.event == "MovementsConfirmed":
            agreement.confirmed[int(row.data["movementsVersion"])] = row
    ids = [r.key for r in rows_by_ref(conn, "statement", key)]
    ids += [r.key for r in rows_by_ref(conn, "statement", agreement.pair())]
    for statement_id in dict.fromkeys(ids):
        statement = load_statement(conn, statement_id)
        if statement is not None:
            agreement.statements.append(statement)
    agreement.statements.sort(key=lambda s: (s.start or date.min, s.unit))
    return agreement


def agreement_list(conn: Connection, after: str | None, limit: int) -> list[Agreement]:
    """The agreements in id order from the first after ``after``, at most ``limit`` (without
    their statements)."""
    found = []
    for key in keys_of(conn, "agreement", after=after, limit=limit):
        rows = rows_of(conn, "agreement", key, limit=1)
        if rows and rows[0].event == "AgreementProposed":
            data = rows[0].data
            found.append(
                Agreement(key, lei(data["lender"]), lei(data["borrower"]), lei(data["agent"]))
            )
    return found
