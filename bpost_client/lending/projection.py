"""The events of use case 3's contracts as records (see
:mod:`bpost_client.platform.projection`): agreement (by agreement id), statement (by statement
id; ref: the key of its unit of matching), pair (``LENDER/BORROWER``); and an agreement, a
statement and a pair's proposal folded from their records (:func:`agreement_of`,
:func:`statement_of`, :func:`pair_proposal_of`, and the parse of each record they fold), which the
client's reads and the explorer share. A statement's amounts are commitments (the values are
sealed to its parties), and so are a party's submitted figures and a resolution's amounts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from bpost_client.dates import date_from_int
from bpost_client.lending.agreements import Payload as AgreementPayload
from bpost_client.lending.matching import MatchUnit
from bpost_client.lending.pairs import UNITS
from bpost_client.lending.statements import (
    STATEMENT_EVENTS,
    Payload,
    StatementRole,
    StatementStatus,
)
from bpost_client.platform.confidential import Sealed
from bpost_client.platform.projection import (
    Projector,
    Record,
    Recorded,
    abi_form,
    hex_text,
    with_event,
)
from bpost_client.types import Lei

__all__ = [
    "NOT_PROJECTED",
    "PROJECTORS",
    "AgreementState",
    "MovementsVersion",
    "PairProposal",
    "ProposedResolution",
    "StatementComment",
    "StatementState",
    "Submission",
    "TermsVersion",
    "agreement_key",
    "agreement_of",
    "comment_of",
    "movements_version",
    "pair_proposal_of",
    "resolution_of",
    "statement_of",
    "status_after",
    "submission_of",
    "terms_version",
]


def agreement_key(raw: Any) -> str:
    """The key of an agreement id (bytes32, as 0x-hex): its lowercase hex. The id is a hash
    (``keccak256(proposer, keccak256(reference, salt))``); the reference is sealed to the
    parties."""
    return str(raw).lower()


def _unit_key(args: Mapping[str, Any]) -> str:
    """The key of a ``StatementCommitted``'s unit of matching: the agreement's key, the keyed
    hash of the security (0x-hex), or ``LENDER/BORROWER`` for the counterparty pair."""
    given = args["input"]
    unit = int(given["unit"])
    if unit == 0:
        return agreement_key(given["unitKey"])
    if unit == 1:
        return "0x" + bytes(abi_form(given["unitKey"])).hex()
    return f"{hex_text(args['lender'])}/{hex_text(args['borrower'])}"


def _agreement(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = with_event(args, event, sender)
    yield Record("agreement", agreement_key(args["agreementId"]), None, data)


def _statement(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    ref = _unit_key(args) if event == "StatementCommitted" else None
    data = with_event(args, event, sender)
    yield Record("statement", str(args["statementId"]).lower(), ref, data)


def _pair(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    key = f"{hex_text(args['lender'])}/{hex_text(args['borrower'])}"
    yield Record("pair", key, None, with_event(args, event, sender))


PROJECTORS: dict[tuple[str, str], Projector] = {
    **{
        ("LendingAgreements", name): _agreement
        for name in (
            "AgreementProposed",
            "AgreementAcknowledged",
            "AgreementConsented",
            "MovementsRecorded",
            "MovementsConfirmed",
            "PayloadRefused",
        )
    },
    **{("LendingStatements", name): _statement for name in STATEMENT_EVENTS},
    ("LendingPairs", "PairSettingsProposed"): _pair,
    ("LendingPairs", "PairSettingsAccepted"): _pair,
    ("LendingPairs", "PairSettingsRefused"): _pair,
}

NOT_PROJECTED: dict[tuple[str, str], str] = {
    ("LendingStatements", "EIP712DomainChanged"): (
        "never emitted: the verdicts' signing domain is fixed at deployment"
    ),
}


# --- the agreement, folded from its records ---------------------------------------------------

R = TypeVar("R", bound=Recorded)


def _sealed(value: Any) -> Sealed:
    """A sealed payload as a record holds it."""
    return Sealed.from_abi(abi_form(value))


@dataclass(frozen=True)
class TermsVersion(Generic[R]):
    """A version of an agreement's terms as its ``AgreementProposed`` record tells it: the
    number, the day it takes effect (None for none) and the record; the terms are sealed to the
    parties."""

    version: int
    effective_from: date | None
    proposed: R

    @property
    def terms(self) -> Sealed:
        """The sealed terms."""
        return _sealed(self.proposed.data["terms"])


def terms_version(row: R) -> TermsVersion[R]:
    """The terms version an ``AgreementProposed`` record proposes."""
    data = row.data
    return TermsVersion(int(data["version"]), date_from_int(int(data["effectiveFrom"])), row)


@dataclass(frozen=True)
class MovementsVersion(Generic[R]):
    """A version of an agreement's movements as its ``MovementsRecorded`` record tells it: the
    number, who recorded it and the record; the movements are sealed to the parties."""

    version: int
    by: Lei
    recorded: R

    @property
    def movements(self) -> Sealed:
        """The sealed movements."""
        return _sealed(self.recorded.data["movements"])


def movements_version(row: R) -> MovementsVersion[R]:
    """The movements version a ``MovementsRecorded`` record records."""
    data = row.data
    return MovementsVersion(int(data["movementsVersion"]), Lei(hex_text(data["by"])), row)


@dataclass
class AgreementState(Generic[R]):
    """A lending agreement as its records tell it: its parties (``agent`` is '' for none), its
    terms versions with the borrower's acknowledgements by version, its movements versions with
    the borrower's confirmations by version, and the versions a party refused.

    The client's reads (:func:`bpost_client.lending.agreements.open_agreement`) parse the records
    they read from a node, and the explorer folds the records of its index, with the functions of
    this module.
    """

    agreement_id: str
    lender: str
    borrower: str
    agent: str
    terms: list[TermsVersion[R]] = field(default_factory=list)
    acknowledged: dict[int, R] = field(default_factory=dict)
    movements: list[MovementsVersion[R]] = field(default_factory=list)
    confirmed: dict[int, R] = field(default_factory=dict)
    terms_refused: dict[int, R] = field(default_factory=dict)
    """The ``PayloadRefused`` record refusing a terms version, by version."""
    movements_refused: dict[int, R] = field(default_factory=dict)
    """The ``PayloadRefused`` record refusing a movements version, by version."""

    def pair(self) -> str:
        """The pair's key: ``LENDER/BORROWER``."""
        return f"{self.lender}/{self.borrower}"


def agreement_of(key: str, rows: Iterable[R]) -> AgreementState[R] | None:
    """The agreement ``key`` from its ``agreement`` records in chain order, None before its
    terms were first proposed."""
    rows = list(rows)
    first = next((r for r in rows if r.event == "AgreementProposed"), None)
    if first is None:
        return None
    data = first.data
    agreement: AgreementState[R] = AgreementState(
        key, hex_text(data["lender"]), hex_text(data["borrower"]), hex_text(data["agent"])
    )
    for row in rows:
        if row.event == "AgreementProposed":
            agreement.terms.append(terms_version(row))
        elif row.event == "AgreementAcknowledged":
            agreement.acknowledged[int(row.data["version"])] = row
        elif row.event == "MovementsRecorded":
            agreement.movements.append(movements_version(row))
        elif row.event == "MovementsConfirmed":
            agreement.confirmed[int(row.data["movementsVersion"])] = row
        elif row.event == "PayloadRefused":
            version = int(row.data["version"])
            if int(row.data["payload"]) == AgreementPayload.TERMS:
                agreement.terms_refused[version] = row
            else:
                agreement.movements_refused[version] = row
    return agreement


@dataclass(frozen=True)
class PairProposal(Generic[R]):
    """A pair's settings as a ``PairSettingsProposed`` record proposes them: the version, the
    commitment of the sealed secrets, the sealed secrets (tolerance and pair secret) and the
    record."""

    version: int
    commitment: bytes
    secrets: Sealed
    record: R


def pair_proposal_of(row: R) -> PairProposal[R]:
    """The settings a ``PairSettingsProposed`` record proposes."""
    settings = row.data["settings"]
    return PairProposal(
        int(settings["version"]),
        bytes(abi_form(settings["secrets"])),
        _sealed(row.data["secrets"]),
        row,
    )


# --- the statement, folded from its records ---------------------------------------------------

_IMPLIED_STATUS = {
    "StatementCommitted": StatementStatus.OPEN,
    "StatementFlaggedOverdue": StatementStatus.BREAK,
    "StatementSettled": StatementStatus.SETTLED,
    "StatementWithdrawn": StatementStatus.WITHDRAWN,
    "StatementRefused": StatementStatus.REFUSED,
}
"""The status after an event that does not carry it."""


def status_after(row: Recorded) -> StatementStatus | None:
    """The status a ``statement`` record says its statement is in after its event (the one the
    event carries, or the one it implies), None when it does not say."""
    if "status" in row.data:
        return StatementStatus(int(row.data["status"]))
    return _IMPLIED_STATUS.get(row.event)


@dataclass(frozen=True)
class Submission(Generic[R]):
    """A party's own figures for a statement as its ``FiguresSubmitted`` record tells them: the
    party's role and LEI, the commitment of its amounts under the statement's salt, whether it
    equals the platform's, and the record; the amounts and the figures' detail are sealed to the
    parties."""

    role: StatementRole
    by: Lei
    amounts: bytes
    equal: bool
    record: R

    @property
    def figures(self) -> Sealed:
        """The sealed amounts and detail of the figures."""
        return _sealed(self.record.data["figures"])


def submission_of(row: R) -> Submission[R]:
    """The figures a ``FiguresSubmitted`` record submits."""
    data = row.data
    return Submission(
        role=StatementRole(int(data["role"])),
        by=Lei(hex_text(data["by"])),
        amounts=bytes(abi_form(data["amounts"])),
        equal=bool(data["equal"]),
        record=row,
    )


@dataclass(frozen=True)
class StatementComment(Generic[R]):
    """A comment on a statement as its ``StatementCommented`` record tells it: its author and
    the record; the text is sealed to the parties."""

    by: Lei
    record: R

    @property
    def comment(self) -> Sealed:
        """The sealed text."""
        return _sealed(self.record.data["comment"])


def comment_of(row: R) -> StatementComment[R]:
    """The comment a ``StatementCommented`` record makes."""
    return StatementComment(Lei(hex_text(row.data["by"])), row)


@dataclass(frozen=True)
class ProposedResolution(Generic[R]):
    """A resolution as its ``ResolutionProposed`` record proposes it: its number, kind, whose
    figures (kind Party), the commitment it settles on, and the record; adjusted amounts are
    sealed to the parties."""

    number: int
    kind: int
    party: StatementRole
    amounts: bytes
    proposed_by: Lei
    record: R

    @property
    def adjusted(self) -> Sealed:
        """The adjusted amounts, sealed (empty for the other kinds)."""
        return _sealed(self.record.data["adjusted"])


def resolution_of(row: R) -> ProposedResolution[R]:
    """The resolution a ``ResolutionProposed`` record proposes."""
    proposal = row.data["proposal"]
    return ProposedResolution(
        int(row.data["resolution"]),
        int(proposal["kind"]),
        StatementRole(int(proposal["party"])),
        bytes(abi_form(proposal["amounts"])),
        Lei(hex_text(proposal["proposedBy"])),
        row,
    )


@dataclass
class StatementState(Generic[R]):
    """A statement of one unit of matching over one period as its records tell it: what the
    closing party committed (the commitment of the platform's amounts, the pair's settings
    version whose tolerance applies), the status it is in with each status it entered and the
    record that moved it there, and what each party did.

    The client's reads (:mod:`bpost_client.lending.statements`) parse the records they read
    from a node, and the explorer folds the records of its index, with the functions of this
    module.
    """

    statement_id: str
    lender: str
    borrower: str
    agent: str
    unit: MatchUnit
    unit_key: str
    currency: str
    start: date | None
    end: date | None
    settlement_date: date | None
    platform: bytes
    settings_version: int
    overdue_after: date | None
    committed: R
    status: StatementStatus = StatementStatus.OPEN
    history: list[tuple[StatementStatus, R]] = field(default_factory=list)
    confirmations: list[R] = field(default_factory=list)
    submissions: list[Submission[R]] = field(default_factory=list)
    comments: list[StatementComment[R]] = field(default_factory=list)
    verdicts: list[R] = field(default_factory=list)
    """The ``VerdictRecorded`` and ``FiguresAccepted`` records."""
    refused: R | None = None
    figures_refused: dict[StatementRole, R] = field(default_factory=dict)
    """The ``PayloadRefused`` record refusing each side's latest figures (a new submission of
    that side clears it)."""
    resolutions_refused: dict[int, R] = field(default_factory=dict)
    """The ``PayloadRefused`` record refusing each adjusted resolution, by its number."""
    resolutions: list[R] = field(default_factory=list)
    approvals: list[R] = field(default_factory=list)
    overdue: R | None = None
    settlement_confirmations: list[R] = field(default_factory=list)
    """The ``SettlementConfirmed`` records: the lender's and the borrower's."""
    void_approvals: list[R] = field(default_factory=list)
    """The ``VoidApproved`` records, one a party."""
    withdrawn: R | None = None
    settled: R | None = None

    @property
    def opening(self) -> Sealed:
        """The statement's salt and the platform's amounts, sealed to the parties."""
        return _sealed(self.committed.data["opening"])


def _opened(row: R) -> StatementState[R]:
    """The statement a ``StatementCommitted`` record opens."""
    data = row.data
    given = data["input"]
    return StatementState(
        statement_id=str(data["statementId"]).lower(),
        lender=hex_text(data["lender"]),
        borrower=hex_text(data["borrower"]),
        agent=hex_text(data["agent"]),
        unit=UNITS[int(given["unit"])],
        unit_key=_unit_key(data),
        currency=hex_text(given["currency"]),
        start=date_from_int(int(given["start"])),
        end=date_from_int(int(given["end"])),
        settlement_date=date_from_int(int(given["settlementDate"])),
        platform=bytes(abi_form(given["amounts"])),
        settings_version=int(data["settingsVersion"]),
        overdue_after=date_from_int(int(data["overdueAfter"])),
        committed=row,
        history=[(StatementStatus.OPEN, row)],
    )


def statement_of(rows: Iterable[R]) -> StatementState[R] | None:
    """A statement from its ``statement`` records in chain order, None before it was
    committed. A period withdrawn or voided and committed anew keeps its statement id: the
    statement is the latest commitment's, from its ``StatementCommitted`` record on."""
    rows = list(rows)
    starts = [i for i, r in enumerate(rows) if r.event == "StatementCommitted"]
    if not starts:
        return None
    rows = rows[starts[-1] :]
    statement = _opened(rows[0])
    for row in rows:
        after = status_after(row)
        if after is not None:
            statement.status = after
        if statement.status != statement.history[-1][0]:
            statement.history.append((statement.status, row))
        if row.event == "StatementConfirmed":
            statement.confirmations.append(row)
        elif row.event == "FiguresSubmitted":
            submission = submission_of(row)
            statement.submissions.append(submission)
            statement.figures_refused.pop(submission.role, None)
        elif row.event in ("VerdictRecorded", "FiguresAccepted"):
            statement.verdicts.append(row)
        elif row.event == "StatementRefused":
            statement.refused = row
        elif row.event == "PayloadRefused":
            index = int(row.data["index"])
            if int(row.data["payload"]) == Payload.FIGURES:
                statement.figures_refused[StatementRole(index)] = row
            else:
                statement.resolutions_refused[index] = row
        elif row.event == "StatementCommented":
            statement.comments.append(comment_of(row))
        elif row.event == "ResolutionProposed":
            statement.resolutions.append(row)
        elif row.event == "ResolutionApproved":
            statement.approvals.append(row)
        elif row.event == "StatementFlaggedOverdue":
            statement.overdue = row
        elif row.event == "StatementWithdrawn":
            statement.withdrawn = row
        elif row.event == "VoidApproved":
            statement.void_approvals.append(row)
        elif row.event == "SettlementConfirmed":
            statement.settlement_confirmations.append(row)
        elif row.event == "StatementSettled":
            statement.settled = row
    return statement
