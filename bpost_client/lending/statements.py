"""Billing statements on chain (``LendingStatements``): the platform's figures of a billing
period committed by the party that closes it, the other parties' confirmations or figures, their
signed verdicts, comments, resolutions of a break, the overdue flag and settlement.

Amounts are integers in the currency's minor unit, and never on chain in clear. Each statement
has one random salt; the chain holds commitments under it: of amounts,
keccak256(abi.encode(int64 fee, int64 collateralInterest, int64 dividendEquivalent, bytes32 salt))
(:meth:`Amounts.commitment`), of the per-day detail, keccak256(salt || detail). The closer seals
the salt and the platform's amounts to the parties (the statement's *opening*); a party's own
figures, and adjusted amounts of a resolution, are sealed to the parties next to their
commitments. Equal figures give equal commitments, which the contract matches; different ones
match only with every party's verdict (:func:`sign_verdict`), which each party's client signs
after opening both and checking the difference against the pair's sealed tolerance.

A party that cannot open what was sealed to it, or finds it is not what was committed, refuses it
on chain: the opening (:func:`refuse_statement`), a side's figures or an adjusted resolution's
amounts (:func:`refuse_payload`; :func:`check_payloads` opens each and refuses what fails).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import pandas as pd
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.dates import date_from_int, int_from_date
from bpost_client.exceptions import BPostError, name_contract_values
from bpost_client.identifiers import (
    ascii_from_bytes,
    bytes20_from_lei,
    bytes32_from_ascii,
    check_lei,
    lei_from_bytes20,
)
from bpost_client.lending.matching import MatchUnit
from bpost_client.lending.pairs import UNITS, pair_secrets, security_key
from bpost_client.platform.confidential import Binding, open_sealed, seal
from bpost_client.platform.custody import STATEMENTS_DOMAIN, Domain
from bpost_client.platform.custody import sign_verdict as _sign
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.participants import signer_institution
from bpost_client.platform.projection import Entry, records_of
from bpost_client.types import Lei

if TYPE_CHECKING:  # the projection builds on this module
    from bpost_client.lending.projection import ProposedResolution, Submission

__all__ = [
    "STATEMENT_EVENTS",
    "STATEMENT_LIST_COLUMNS",
    "Amounts",
    "Opening",
    "Payload",
    "PayloadCheck",
    "Refusal",
    "ResolutionKind",
    "Statement",
    "StatementInput",
    "StatementRole",
    "StatementStatus",
    "SubmittedFigures",
    "approve_resolution",
    "approve_void",
    "check_payloads",
    "comment",
    "comments",
    "commit_statement",
    "commit_statements",
    "confirm",
    "confirm_settlement",
    "flag_overdue",
    "get_statement",
    "is_overdue",
    "open_statement",
    "propose_resolution",
    "record_verdicts",
    "refuse_payload",
    "refuse_statement",
    "sealed_binding",
    "settled_amounts",
    "settlement_confirmations",
    "sign_verdict",
    "statement_history",
    "statement_id",
    "statement_list",
    "submit_figures",
    "submitted_figures",
    "unit_key",
    "unit_key_text",
    "withdraw_statement",
]

CONTRACT = "LendingStatements"
_AMOUNT_TYPES = ["int64", "int64", "int64"]


class StatementStatus(IntEnum):
    """Where a statement stands (the contract's ``Status``)."""

    NONE = 0
    OPEN = 1
    MATCHED = 2
    BREAK = 3
    RESOLVED = 4
    SETTLED = 5
    WITHDRAWN = 6
    VOIDED = 7
    REFUSED = 8


class StatementRole(IntEnum):
    """A party of a statement (the contract's ``Role``)."""

    LENDER = 0
    BORROWER = 1
    AGENT = 2


class ResolutionKind(IntEnum):
    """What a resolution settles on: the platform's figures, one party's, or adjusted ones."""

    PLATFORM = 0
    PARTY = 1
    ADJUSTED = 2


class Refusal(IntEnum):
    """Why a party refuses a statement: its opening does not open for it, or opens to amounts
    or a salt that are not what the statement commits to."""

    UNOPENABLE = 0
    NOT_COMMITTED = 1


class Payload(IntEnum):
    """A sealed payload of a statement, other than its opening, that a party may refuse (the
    contract's ``Payload``): a side's latest figures (its index: the side's role), an adjusted
    resolution's amounts (its index: the resolution's number)."""

    FIGURES = 0
    RESOLUTION = 1


name_contract_values(
    {
        "ILendingStatements.Status": StatementStatus,
        "ILendingStatements.Role": StatementRole,
        "ILendingStatements.ResolutionKind": ResolutionKind,
        "ILendingStatements.Refusal": Refusal,
        "ILendingStatements.Payload": Payload,
    }
)


@dataclass(frozen=True)
class Amounts:
    """A statement's amounts in minor units; the borrower pays the net."""

    fee: int
    collateral_interest: int
    dividend_equivalent: int

    @property
    def net(self) -> int:
        """fee + dividend equivalent - collateral interest."""
        return self.fee + self.dividend_equivalent - self.collateral_interest

    def to_abi(self) -> tuple[int, int, int]:
        """As the contract's ``Amounts`` tuple."""
        return (self.fee, self.collateral_interest, self.dividend_equivalent)

    def commitment(self, salt: bytes) -> bytes:
        """keccak256(abi.encode(int64 fee, int64 collateralInterest, int64 dividendEquivalent,
        bytes32 salt)): what the chain holds of these amounts under a statement's salt."""
        return keccak(encode([*_AMOUNT_TYPES, "bytes32"], [*self.to_abi(), salt]))

    def within(self, other: Amounts, tolerance: int) -> bool:
        """Whether each amount differs from ``other``'s by at most ``tolerance``."""
        pairs = zip(self.to_abi(), other.to_abi(), strict=True)
        return all(abs(a - b) <= tolerance for a, b in pairs)

    @classmethod
    def from_abi(cls, raw: Sequence[Any] | Mapping[str, Any]) -> Amounts:
        """From a decoded tuple or event dictionary."""
        values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
        fee, interest, dividend = (int(v) for v in values)
        return cls(fee, interest, dividend)


@dataclass(frozen=True)
class Opening:
    """What the closer seals to a statement's parties: the statement's salt and the platform's
    amounts (abi.encode(bytes32 salt, int64, int64, int64))."""

    salt: bytes
    amounts: Amounts

    def to_bytes(self) -> bytes:
        """The sealed plaintext."""
        return encode(["bytes32", *_AMOUNT_TYPES], [self.salt, *self.amounts.to_abi()])

    @classmethod
    def from_bytes(cls, raw: bytes) -> Opening:
        """From the sealed plaintext.

        Raises:
            BPostError: not a salt and three amounts.
        """
        try:
            salt, *amounts = decode(["bytes32", *_AMOUNT_TYPES], raw)
        except Exception as exc:  # eth_abi raises several kinds on a bad encoding
            raise BPostError(f"a statement's opening is not readable: {exc}") from exc
        return cls(bytes(salt), Amounts.from_abi(amounts))


@dataclass(frozen=True)
class SubmittedFigures:
    """A party's submitted figures, opened: its amounts and the figures file it sent."""

    amounts: Amounts
    figures: bytes
    commitment: bytes


@dataclass(frozen=True)
class Statement:
    """A billing statement as stored on chain."""

    statement_id: str
    lender: Lei
    borrower: Lei
    agent: Lei | None
    closer: Lei
    unit: MatchUnit
    status: StatementStatus
    currency: str
    start: date
    end: date
    settlement_date: date
    overdue_after: date
    overdue: bool
    agreed: frozenset[StatementRole]
    disputed: frozenset[StatementRole]
    resolutions: int
    settings_version: int
    platform: bytes
    """The commitment of the platform's amounts."""
    settled: bytes
    """The commitment of the amounts it settles on (empty until matched or resolved)."""
    unit_key: bytes
    detail_commitment: bytes
    settlement_reference: bytes

    @property
    def parties(self) -> dict[StatementRole, Lei]:
        """The statement's parties by role."""
        found = {StatementRole.LENDER: self.lender, StatementRole.BORROWER: self.borrower}
        if self.agent:
            found[StatementRole.AGENT] = self.agent
        return found

    def role_of(self, lei: str) -> StatementRole:
        """The role of institution ``lei``.

        Raises:
            BPostError: not a party.
        """
        for role, party in self.parties.items():
            if party == lei:
                return role
        raise BPostError(f"{lei} is not a party of statement {self.statement_id}")


def _lei(raw: bytes) -> Lei | None:
    return lei_from_bytes20(bytes(raw)) if any(bytes(raw)) else None


def _roles(mask: int) -> frozenset[StatementRole]:
    return frozenset(r for r in StatementRole if mask & (1 << r))


def _id(statement_id: str | bytes) -> bytes:
    raw = (
        bytes.fromhex(statement_id.removeprefix("0x"))
        if isinstance(statement_id, str)
        else statement_id
    )
    if len(raw) != 32:
        raise ValueError(f"a statement id is 32 bytes, not {len(raw)}")
    return raw


def unit_key(unit: MatchUnit, key: str = "", secret: bytes = b"") -> bytes:
    """The on-chain key of a unit of matching: the agreement's id (0x-hex, its on-chain id),
    keccak256(pair secret || ISIN) for a security (``secret``: the pair's,
    :func:`~bpost_client.lending.pairs.pair_secrets`), or zero for the whole counterparty pair.

    Raises:
        ValueError: a key that does not fit the unit, or a security without the pair's secret.
    """
    if unit is MatchUnit.COUNTERPARTY:
        if key:
            raise ValueError("a counterparty unit has no key")
        return bytes(32)
    if unit is MatchUnit.AGREEMENT:
        text = key.removeprefix("0x")
        if len(text) != 64 or any(c not in "0123456789abcdefABCDEF" for c in text):
            raise ValueError(f"an agreement unit's key is the agreement's id (0x-hex), not {key!r}")
        return bytes.fromhex(text)
    bytes32_from_ascii(key)  # an ISIN fits a word
    return security_key(secret, key)


def unit_key_text(unit: MatchUnit, raw: bytes) -> str:
    """A unit of matching's on-chain key as text: the agreement's id or the security's keyed
    hash (0x-hex), or '' for the whole counterparty pair."""
    if unit is MatchUnit.COUNTERPARTY:
        return ""
    return "0x" + bytes(raw).hex()


@dataclass(frozen=True)
class StatementInput:
    """What the closing party commits for one unit and period."""

    lender: str
    borrower: str
    unit: MatchUnit
    key: str
    currency: str
    start: date
    end: date
    settlement_date: date
    amounts: Amounts
    pair_secret: bytes = b""
    """The pair's secret, which keys a per-security unit (unused for the other units)."""


def _identity(statement: StatementInput) -> tuple[Any, ...]:
    """What identifies a statement, as the contract's types: lender, borrower, unit, unit key,
    currency, start, end."""
    return (
        bytes20_from_lei(check_lei(statement.lender)),
        bytes20_from_lei(check_lei(statement.borrower)),
        UNITS.index(statement.unit),
        unit_key(statement.unit, statement.key, statement.pair_secret),
        statement.currency.encode("ascii"),
        int_from_date(statement.start),
        int_from_date(statement.end),
    )


def statement_id(statement: StatementInput) -> str:
    """The id of a statement's unit and period (0x-hex), as the contract derives it:
    keccak256(abi.encode(lender, borrower, unit, unitKey, currency, start, end))."""
    types = ["bytes20", "bytes20", "uint8", "bytes32", "bytes3", "uint32", "uint32"]
    return "0x" + keccak(encode(types, _identity(statement))).hex()


def _recipients(client: Client, leis: Sequence[str]) -> dict[Lei, bytes]:
    return recipient_keys(client, leis)


def sealed_binding(client: Client, statement: str | bytes, field: str) -> Binding:
    """What a statement's sealed field belongs to: this deployment's LendingStatements, the
    statement, and the field (``opening``; ``figures:<LEI>`` and ``comment:<LEI>`` of the party
    that sealed them; ``resolution:<n>`` of an adjusted resolution)."""
    return Binding(client.chain_id, client.manifest.address(CONTRACT), _id(statement), 0, field)


def _send(client: Client, function: str, args: Sequence[Any], what: str) -> TxReceipt:
    call = getattr(client.contract(CONTRACT).functions, function)(*args)
    return client.sender.send(call, what)


def _commit_call(
    client: Client, statement: StatementInput, detail: bytes, keys: Mapping[Lei, bytes]
) -> tuple[Any, str]:
    salt = os.urandom(32)  # one a statement: equal amounts of two statements never show
    args = (
        *_identity(statement),
        int_from_date(statement.settlement_date),
        statement.amounts.commitment(salt),
        keccak(salt + detail),
    )
    binding = sealed_binding(client, statement_id(statement), "opening")
    opening = seal(Opening(salt, statement.amounts).to_bytes(), keys, binding)
    call = client.contract(CONTRACT).functions.commitStatement(args, opening.to_abi())
    label = statement.key or f"{statement.lender}/{statement.borrower}"
    return call, f"statement {label} {statement.start}..{statement.end}"


def commit_statements(
    client: Client,
    statements: Sequence[tuple[StatementInput, bytes]],
    parties: Sequence[str],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[str]:
    """Commit the platform's figures of periods, pipelined: each statement's commitments of its
    amounts and of its detail under a fresh salt, the salt and the amounts sealed to ``parties``
    (the lender, the borrower and the agent, if any). Returns the statement ids in order."""
    keys = _recipients(client, parties)
    calls = [_commit_call(client, statement, detail, keys) for statement, detail in statements]
    client.sender.send_all(calls, on_done=on_done)
    return [statement_id(statement) for statement, _ in statements]


def commit_statement(
    client: Client, statement: StatementInput, detail: bytes, parties: Sequence[str]
) -> tuple[str, TxReceipt]:
    """Commit one statement (see :func:`commit_statements`); its id and receipt."""
    call, label = _commit_call(client, statement, detail, _recipients(client, parties))
    return statement_id(statement), client.sender.send(call, label)


def get_statement(client: Client, statement: str | bytes) -> Statement:
    """A statement as stored (reverts through the client's error translation when unknown)."""
    raw = client.read(client.contract(CONTRACT).functions.getStatement(_id(statement)))
    (
        lender,
        borrower,
        agent,
        closer,
        unit,
        status,
        currency,
        start,
        end,
        settlement,
        overdue_after,
        overdue,
        agreed,
        disputed,
        resolutions,
        settings_version,
        platform,
        settled,
        key,
        detail,
        reference,
    ) = raw
    return Statement(
        statement_id="0x" + _id(statement).hex(),
        lender=lei_from_bytes20(bytes(lender)),
        borrower=lei_from_bytes20(bytes(borrower)),
        agent=_lei(agent),
        closer=lei_from_bytes20(bytes(closer)),
        unit=UNITS[int(unit)],
        status=StatementStatus(int(status)),
        currency=ascii_from_bytes(currency),
        start=date_from_int(int(start)) or date.min,
        end=date_from_int(int(end)) or date.min,
        settlement_date=date_from_int(int(settlement)) or date.min,
        overdue_after=date_from_int(int(overdue_after)) or date.min,
        overdue=bool(overdue),
        agreed=_roles(int(agreed)),
        disputed=_roles(int(disputed)),
        resolutions=int(resolutions),
        settings_version=int(settings_version),
        platform=bytes(platform),
        settled=bytes(settled),
        unit_key=bytes(key),
        detail_commitment=bytes(detail),
        settlement_reference=bytes(reference),
    )


def _records(client: Client, events: Sequence[str], statement: str | bytes) -> list[Entry]:
    """The records of a statement's ``events`` in chain order, read from the node as the index
    holds them (see :mod:`bpost_client.lending.projection`)."""
    from bpost_client.lending.projection import PROJECTORS  # it builds on this module

    return records_of(client, CONTRACT, PROJECTORS, events, {"statementId": _id(statement)})


def open_statement(client: Client, statement: str | bytes, lei: str, private_key: bytes) -> Opening:
    """A statement's salt and platform's amounts, opened by a party and checked against what the
    statement commits to.

    Raises:
        NotEntitledError: ``lei`` is not a party the opening was sealed to (or its key does not
            open it): the party may refuse the statement (:func:`refuse_statement`).
        BPostError: the statement is not on chain, the opening does not authenticate, or it is
            not what the statement commits to (refuse it, ``Refusal.NOT_COMMITTED``).
    """
    from bpost_client.lending.projection import statement_of

    committed = statement_of(_records(client, ["StatementCommitted"], statement))
    if committed is None:
        raise BPostError(f"statement 0x{_id(statement).hex()} is not on chain")
    binding = sealed_binding(client, statement, "opening")
    opening = Opening.from_bytes(open_sealed(committed.opening, lei, private_key, binding))
    if opening.amounts.commitment(opening.salt) != committed.platform:
        raise BPostError(
            f"statement 0x{_id(statement).hex()}: the sealed amounts are not the ones committed"
        )
    return opening


def confirm(client: Client, statement: str | bytes) -> TxReceipt:
    """Confirm the platform's figures (a party)."""
    return _send(client, "confirm", [_id(statement)], "confirm statement")


_FIGURES_TYPES = [*_AMOUNT_TYPES, "bytes"]


def submit_figures(
    client: Client,
    statement: str | bytes,
    amounts: Amounts,
    figures: bytes,
    parties: Sequence[str],
    salt: bytes,
) -> TxReceipt:
    """Submit the party's own amounts as their commitment under the statement's ``salt``
    (:func:`open_statement`), with the amounts and its per-agreement figures and inputs
    (``figures``, e.g. a CSV) sealed to ``parties``."""
    own = signer_institution(client, "submit figures")
    binding = sealed_binding(client, statement, f"figures:{own}")
    plaintext = encode(_FIGURES_TYPES, [*amounts.to_abi(), figures])
    sealed = seal(plaintext, _recipients(client, parties), binding)
    args = [_id(statement), amounts.commitment(salt), sealed.to_abi()]
    return _send(client, "submitFigures", args, "submit own figures")


def submitted_figures(
    client: Client, statement: str | bytes, lei: str, private_key: bytes
) -> dict[Lei, SubmittedFigures]:
    """The latest figures each party submitted, opened by a party and checked against their
    commitments: institution -> its amounts and figures.

    Raises:
        BPostError: a party's sealed amounts are not the ones it committed.
    """
    from bpost_client.lending.projection import submission_of

    salt = open_statement(client, statement, lei, private_key).salt
    found: dict[Lei, SubmittedFigures] = {}
    for entry in _records(client, ["FiguresSubmitted"], statement):
        submitted = submission_of(entry)
        amounts, figures = _open_figures(client, statement, submitted, lei, private_key)
        if amounts.commitment(salt) != submitted.amounts:
            raise BPostError(
                f"figures of {submitted.by} on 0x{_id(statement).hex()}: the sealed amounts are "
                "not the ones committed"
            )
        found[submitted.by] = SubmittedFigures(amounts, figures, submitted.amounts)
    return found


def _open_figures(
    client: Client, statement: str | bytes, submitted: Submission[Any], lei: str, key: bytes
) -> tuple[Amounts, bytes]:
    """A side's sealed amounts and figures, opened by ``lei`` (not checked against its
    commitment).

    Raises:
        BPostError: they do not open for ``lei`` (NotEntitledError: not sealed to it), or are
            not readable.
    """
    binding = sealed_binding(client, statement, f"figures:{submitted.by}")
    raw = open_sealed(submitted.figures, lei, key, binding)
    try:
        *values, figures = decode(_FIGURES_TYPES, raw)
    except Exception as exc:  # eth_abi raises several kinds on a bad encoding
        raise BPostError(f"figures of {submitted.by} are not readable: {exc}") from exc
    return Amounts.from_abi(values), bytes(figures)


def _open_adjusted(
    client: Client, statement: str | bytes, proposed: ProposedResolution[Any], lei: str, key: bytes
) -> Amounts:
    """An adjusted resolution's sealed amounts, opened by ``lei`` (not checked against its
    commitment).

    Raises:
        BPostError: they do not open for ``lei``, or are not readable.
    """
    binding = sealed_binding(client, statement, f"resolution:{proposed.number}")
    raw = open_sealed(proposed.adjusted, lei, key, binding)
    try:
        return Amounts.from_abi(decode(_AMOUNT_TYPES, raw))
    except Exception as exc:  # eth_abi raises several kinds on a bad encoding
        raise BPostError(f"resolution {proposed.number} is not readable: {exc}") from exc


def statements_domain(client: Client) -> Domain:
    """The EIP-712 domain of this deployment's LendingStatements."""
    return Domain(STATEMENTS_DOMAIN, client.chain_id, client.manifest.address(CONTRACT))


def sign_verdict(
    client: Client,
    statement: str | bytes,
    submitter: str,
    lei: str,
    private_key: bytes,
) -> bytes:
    """A party's verdict on ``submitter``'s latest figures, signed by the client's account once
    its institution ``lei`` opened the platform's and the submitter's amounts (``private_key``:
    its encryption key) and found each within the tolerance of the statement's pair settings.

    Raises:
        BPostError: a difference is beyond the tolerance (no verdict), or the figures do not
            open to what was committed.
        NotEntitledError: the figures or the settings' secrets are not sealed to ``lei``.
    """
    if client.account is None:
        raise BPostError("a verdict is signed by an account: the client has none")
    stored = get_statement(client, statement)
    platform = open_statement(client, statement, lei, private_key).amounts
    theirs = submitted_figures(client, statement, lei, private_key).get(Lei(check_lei(submitter)))
    if theirs is None:
        raise BPostError(f"{submitter} submitted no figures to {stored.statement_id}")
    tolerance = pair_secrets(
        client, stored.lender, stored.borrower, lei, private_key, stored.settings_version
    ).tolerance
    if not theirs.amounts.within(platform, tolerance):
        raise BPostError(
            f"the figures of {submitter} ({theirs.amounts}) are not within {tolerance} of the "
            f"platform's ({platform}) on {stored.statement_id}: no verdict"
        )
    return _sign(
        bytes(client.account.key),
        statements_domain(client),
        _id(statement),
        stored.platform,
        theirs.commitment,
        stored.settings_version,
    )


def record_verdicts(
    client: Client, statement: str | bytes, submitter: StatementRole, verdicts: Sequence[bytes]
) -> TxReceipt:
    """Send the parties' verdicts on ``submitter``'s figures (a party sends them); with every
    party's, the submitter counts as agreeing."""
    args = [_id(statement), int(submitter), [bytes(v) for v in verdicts]]
    return _send(client, "recordVerdicts", args, f"record {len(verdicts)} verdict(s)")


def refuse_statement(client: Client, statement: str | bytes, reason: Refusal) -> TxReceipt:
    """Refuse a statement whose opening does not open for the signer's institution, or is not
    what the statement commits to (a party other than its closer; Open)."""
    return _send(client, "refuseStatement", [_id(statement), int(reason)], "refuse statement")


def refuse_payload(
    client: Client, statement: str | bytes, payload: Payload, index: int, reason: Refusal
) -> TxReceipt:
    """Refuse a side's latest figures (``index``: its :class:`StatementRole`; Open or Break) or
    the current adjusted resolution's amounts (``index``: its number; Break) that do not open
    for the signer's institution, or are not what was committed (a party other than the one
    that sealed them). No verdict accepts refused figures and no resolution settles on them
    until their side submits again; a refused resolution is not approved."""
    args = [_id(statement), int(payload), int(index), int(reason)]
    what = f"refuse {payload.name.lower()} {index} of statement"
    return _send(client, "refusePayload", args, what)


@dataclass(frozen=True)
class PayloadCheck:
    """What a party found in one sealed payload of a statement: which one (``payload``,
    ``index``: the side's role or the resolution's number) and who sealed it; the reason it
    refuses it and the problem (None and '' when it opens to what was committed); whether it
    sent the refusal (not when another party had already refused it)."""

    payload: Payload
    index: int
    sealed_by: Lei
    reason: Refusal | None
    problem: str
    refused: bool


def check_payloads(
    client: Client, statement: str | bytes, lei: str, private_key: bytes, *, refuse: bool = True
) -> list[PayloadCheck]:
    """Open, as party ``lei``, each payload of a statement it may refuse (the other sides'
    latest figures while the statement is open or broken, the current resolution's adjusted
    amounts while it is broken; not what ``lei`` sealed) and check it against its commitment
    under the statement's salt; refuse on chain (``refuse``) what does not open
    (``Refusal.UNOPENABLE``) or opens to other amounts (``Refusal.NOT_COMMITTED``), unless a
    party already refused it.

    Raises:
        BPostError: the statement is not on chain, or its own opening does not open for ``lei``
            or is not what was committed (refuse the statement instead: :func:`refuse_statement`).
    """
    from bpost_client.lending.projection import resolution_of, statement_of

    own = Lei(check_lei(lei))
    state = statement_of(_records(client, STATEMENT_EVENTS, statement))
    if state is None:
        raise BPostError(f"statement 0x{_id(statement).hex()} is not on chain")
    salt = open_statement(client, statement, lei, private_key).salt
    checks: list[PayloadCheck] = []

    def check(payload: Payload, index: int, by: Lei, committed: bytes, sealed: Any) -> None:
        """Check one payload (``sealed``: its submission or resolution)."""
        reason, problem = None, ""
        try:
            opened = (
                _open_figures(client, statement, sealed, lei, private_key)[0]
                if payload is Payload.FIGURES
                else _open_adjusted(client, statement, sealed, lei, private_key)
            )
            if opened.commitment(salt) != committed:
                reason, problem = Refusal.NOT_COMMITTED, "sealed amounts differ from the commitment"
        except BPostError as exc:  # NotEntitledError included: not sealed to it, or a wrong key
            reason, problem = Refusal.UNOPENABLE, str(exc)
        already = (
            StatementRole(index) in state.figures_refused
            if payload is Payload.FIGURES
            else index in state.resolutions_refused
        )
        send = reason is not None and refuse and not already
        if reason is not None and send:
            refuse_payload(client, statement, payload, index, reason)
        checks.append(PayloadCheck(payload, index, by, reason, problem, send))

    if state.status in (StatementStatus.OPEN, StatementStatus.BREAK):
        latest = {submitted.role: submitted for submitted in state.submissions}
        for role, submitted in sorted(latest.items()):
            if submitted.by != own:
                check(
                    Payload.FIGURES,
                    int(role),
                    submitted.by,
                    submitted.amounts,
                    submitted,
                )
    if state.status is StatementStatus.BREAK and state.resolutions:
        proposed = resolution_of(state.resolutions[-1])
        if proposed.kind == ResolutionKind.ADJUSTED and proposed.proposed_by != own:
            check(
                Payload.RESOLUTION,
                proposed.number,
                proposed.proposed_by,
                proposed.amounts,
                proposed,
            )
    return checks


def comment(client: Client, statement: str | bytes, text: str, parties: Sequence[str]) -> TxReceipt:
    """Comment on a statement; the text is sealed to ``parties``."""
    own = signer_institution(client, "comment")
    binding = sealed_binding(client, statement, f"comment:{own}")
    sealed = seal(text.encode("utf-8"), _recipients(client, parties), binding)
    return _send(client, "comment", [_id(statement), sealed.to_abi()], "comment on statement")


def comments(
    client: Client, statement: str | bytes, lei: str, private_key: bytes
) -> list[tuple[Lei, str]]:
    """A statement's comments in chain order, opened by a party: (author, text)."""
    from bpost_client.lending.projection import comment_of

    found = []
    for entry in _records(client, ["StatementCommented"], statement):
        made = comment_of(entry)
        binding = sealed_binding(client, statement, f"comment:{made.by}")
        found.append((made.by, open_sealed(made.comment, lei, private_key, binding).decode()))
    return found


_NO_SEALED: tuple[bytes, bytes, list[tuple[bytes, bytes]]] = (bytes(32), b"", [])


def propose_resolution(
    client: Client,
    statement: str | bytes,
    kind: ResolutionKind,
    *,
    party: StatementRole = StatementRole.LENDER,
    adjusted: Amounts | None = None,
    salt: bytes = b"",
    parties: Sequence[str] = (),
) -> TxReceipt:
    """Propose a resolution of a break: the platform's figures, ``party``'s submitted figures,
    or ``adjusted`` amounts, committed under the statement's ``salt`` and sealed to ``parties``
    (the proposer approves it)."""
    if (kind is ResolutionKind.ADJUSTED) != (adjusted is not None):
        raise ValueError("adjusted amounts go with an ADJUSTED resolution, and only with it")
    commitment, sealed = bytes(32), _NO_SEALED
    if adjusted is not None:
        if len(salt) != 32 or not parties:
            raise ValueError("adjusted amounts need the statement's salt and its parties")
        number = get_statement(client, statement).resolutions + 1
        binding = sealed_binding(client, statement, f"resolution:{number}")
        plaintext = encode(_AMOUNT_TYPES, list(adjusted.to_abi()))
        commitment = adjusted.commitment(salt)
        sealed = seal(plaintext, _recipients(client, parties), binding).to_abi()
    args = [_id(statement), int(kind), int(party), commitment, sealed]
    return _send(client, "proposeResolution", args, f"propose resolution ({kind.name.lower()})")


def settled_amounts(
    client: Client, statement: str | bytes, lei: str, private_key: bytes
) -> Amounts:
    """The amounts a matched, resolved or settled statement settles on, opened by a party: the
    platform's, a party's submitted ones or a resolution's adjusted ones, whichever the
    statement's settled commitment names.

    Raises:
        BPostError: the statement settles on nothing yet, or on nothing that opens to it.
    """
    from bpost_client.lending.projection import resolution_of

    stored = get_statement(client, statement)
    if not any(stored.settled):
        raise BPostError(f"statement {stored.statement_id} is not matched or resolved")
    opening = open_statement(client, statement, lei, private_key)
    candidates = [opening.amounts]
    candidates += [
        f.amounts for f in submitted_figures(client, statement, lei, private_key).values()
    ]
    for entry in _records(client, ["ResolutionProposed"], statement):
        proposed = resolution_of(entry)
        if proposed.kind != ResolutionKind.ADJUSTED:
            continue
        candidates.append(_open_adjusted(client, statement, proposed, lei, private_key))
    for amounts in candidates:
        if amounts.commitment(opening.salt) == stored.settled:
            return amounts
    raise BPostError(
        f"statement {stored.statement_id}: no sealed amounts open to what it settles on"
    )


def approve_resolution(client: Client, statement: str | bytes, resolution: int) -> TxReceipt:
    """Approve the current resolution of a break (a party)."""
    args = [_id(statement), resolution]
    return _send(client, "approveResolution", args, f"approve resolution {resolution}")


def flag_overdue(client: Client, statement: str | bytes) -> TxReceipt:
    """Flag an unresolved break past its overdue date (anyone)."""
    return _send(client, "flagOverdue", [_id(statement)], "flag overdue statement")


def is_overdue(client: Client, statement: str | bytes) -> bool:
    """Whether a statement is an unresolved break past its overdue date today."""
    return bool(client.read(client.contract(CONTRACT).functions.isOverdue(_id(statement))))


def confirm_settlement(client: Client, statement: str | bytes, reference: bytes) -> TxReceipt:
    """Confirm, as the lender or the borrower, that a matched or resolved statement is settled,
    with the settlement's reference (32 bytes, e.g. the hash of the payment file); it is settled
    once both sides confirmed the same reference."""
    if len(reference) != 32 or not any(reference):
        raise ValueError("the settlement reference is 32 bytes, not all zero")
    args = [_id(statement), reference]
    return _send(client, "confirmSettlement", args, "confirm statement settlement")


def withdraw_statement(client: Client, statement: str | bytes) -> TxReceipt:
    """Withdraw an open statement the signer's institution committed; its period can be
    committed anew when it was the unit's latest."""
    return _send(client, "withdrawStatement", [_id(statement)], "withdraw statement")


def approve_void(client: Client, statement: str | bytes) -> TxReceipt:
    """Approve voiding a statement that is not settled (a party); it is voided once every party
    approved."""
    return _send(client, "approveVoid", [_id(statement)], "approve voiding statement")


def settlement_confirmations(client: Client, statement: str | bytes) -> set[StatementRole]:
    """The sides (lender, borrower) that confirmed a statement's settlement so far."""
    mask = int(
        client.read(client.contract(CONTRACT).functions.settlementConfirmations(_id(statement)))
    )
    return {role for role in StatementRole if mask & (1 << int(role))}


STATEMENT_EVENTS = (
    "StatementCommitted",
    "StatementConfirmed",
    "FiguresSubmitted",
    "VerdictRecorded",
    "FiguresAccepted",
    "StatementRefused",
    "PayloadRefused",
    "StatementCommented",
    "ResolutionProposed",
    "ResolutionApproved",
    "StatementFlaggedOverdue",
    "StatementWithdrawn",
    "VoidApproved",
    "SettlementConfirmed",
    "StatementSettled",
)


def statement_history(client: Client, statement: str | bytes) -> pd.DataFrame:
    """Who did what to a statement, in chain order, from the records the index holds:
    ``block``, ``event``, ``by`` (LEI) and ``status`` after the event where the event says it."""
    from bpost_client.lending.projection import status_after

    rows = []
    for entry in _records(client, STATEMENT_EVENTS, statement):
        data = entry.data
        by = data.get("by") or data.get("closer") or data.get("flaggedBy")
        if by is None and entry.event == "ResolutionProposed":
            by = data["proposal"]["proposedBy"]
        status = status_after(entry)
        rows.append(
            {
                "block": entry.block_number,
                "event": entry.event,
                "by": _hex_lei(by or ""),
                "status": "" if status is None else status.name.lower(),
            }
        )
    return pd.DataFrame(rows, columns=["block", "event", "by", "status"])


STATEMENT_LIST_COLUMNS = (
    "statement",
    "lender",
    "borrower",
    "agent",
    "unit",
    "key",
    "currency",
    "start",
    "end",
    "status",
)


def statement_list(client: Client, lei: str | None = None) -> pd.DataFrame:
    """Every statement on chain, or those ``lei`` is the lender, borrower or agent of, by the end
    of its period then its id, with its status now (from the statement records)."""
    from bpost_client.lending.projection import PROJECTORS, statement_of

    party = check_lei(lei) if lei else None
    by_id: dict[str, list[Entry]] = {}
    for entry in records_of(client, CONTRACT, PROJECTORS, STATEMENT_EVENTS):
        by_id.setdefault(entry.record.key, []).append(entry)
    rows = []
    for group in by_id.values():
        state = statement_of(group)
        if state is None or (party and party not in (state.lender, state.borrower, state.agent)):
            continue
        rows.append(
            {
                "statement": state.statement_id,
                "lender": state.lender,
                "borrower": state.borrower,
                "agent": state.agent,
                "unit": state.unit.value,
                "key": state.unit_key,
                "currency": state.currency,
                "start": state.start,
                "end": state.end,
                "status": state.status.name.lower(),
            }
        )
    rows.sort(key=lambda r: (r["end"] or date.min, r["statement"]))
    return pd.DataFrame(rows, columns=list(STATEMENT_LIST_COLUMNS))


def _hex_lei(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return lei_from_bytes20(bytes(value))
    text = str(value)
    if text.startswith("0x") and len(text) == 42:
        return lei_from_bytes20(bytes.fromhex(text[2:]))
    return text
