"""Lending agreements on chain: the lender (or its agent) proposes the terms, the borrower
acknowledges them; a rate change is a new version of the terms with its effective date. The loan
movements (new loans, returns, recalls, collateral changes) are recorded by the lender or its
agent as versions of the whole history and confirmed by the borrower. Terms and movements are
sealed to the parties (:mod:`bpost_client.platform.confidential`): the chain holds ciphertext and
salted commitments, and a party opens them with its key to calculate on the agreed inputs
(:func:`agreed_book`) or to have ``calculateCommitted`` verify a figure.

An agent's proposal binds the lender once the lender consents (:func:`consent`) or at once when
the agent holds the lender's ``lending-agent`` mandate in force
(:mod:`bpost_client.platform.mandates`).

The parties know an agreement by its reference (``SBL-2026-001``: the ``agreement_id`` of their
books and files); the chain knows it by its id, keccak256(abi.encode(proposer,
keccak256(abi.encode(reference, salt)))), which the contract computes from the proposer's LEI, so
no institution can take another's id. The reference and the random salt travel inside the sealed
terms: only the parties can tell an agreement's reference (:func:`agreements_of`,
:func:`find_agreement`), and each checks that they make the agreement's id when it opens it.

A party that cannot open a version of the terms or of the movements sealed to it, or finds it is
not what was committed, refuses it on chain (:func:`refuse_payload`; :func:`check_payloads` opens
the versions awaiting an answer and refuses what fails): a refused version is neither consented
to, acknowledged nor confirmed, and the next version supersedes it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum
from typing import Any

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
    check_isin,
    check_lei,
    lei_from_bytes20,
)
from bpost_client.lending.movements import Movement, MovementKind, positions_from_movements
from bpost_client.lending.period import Book
from bpost_client.lending.terms import (
    AGREEMENT_COLUMNS,
    Agreement,
    DayCount,
    DaysCounted,
    PriceBasis,
    Rounding,
)
from bpost_client.lending.verify import SCALE, calculator_arguments, scaled
from bpost_client.platform.confidential import (
    Binding,
    NotEntitledError,
    open_sealed_with_salt,
    seal,
)
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.projection import Entry, hex_text, records_of
from bpost_client.types import Lei

__all__ = [
    "MOVEMENTS_TYPE",
    "TERMS_TYPE",
    "AgreementRef",
    "OpenedAgreement",
    "OpenedTerms",
    "Payload",
    "PayloadCheck",
    "Refusal",
    "acknowledge",
    "agreed_book",
    "agreement_id_of",
    "agreements_of",
    "amend",
    "calculate_committed",
    "check_payloads",
    "confirm_movements",
    "consent",
    "find_agreement",
    "movements_binding",
    "movements_tuple",
    "open_agreement",
    "parties_of",
    "propose",
    "record_movements",
    "reference_hash",
    "refuse_payload",
    "terms_binding",
]

_log = logging.getLogger(__name__)

CONTRACT = "LendingAgreements"
TERMS_TYPE = (
    "(bytes12,bytes3,(int256,int256,int256,uint8,uint8,uint8,uint8,uint8,bool,int256),"
    "bytes32,bytes32)"
)
"""The ABI type of the sealed terms (``ILendingAgreements.AgreementTerms``): the security, the
currency, the calculation's terms, the agreement's reference and the salt of its hash. A
statement's tolerance and billing period are the counterparty pair's settings, not an
agreement's (see :mod:`bpost_client.lending.statements`)."""
MOVEMENTS_TYPE = "(uint8,uint32,int256,int256)[]"
"""The ABI type of the sealed movements (``ILendingAgreements.Movement[]``)."""
SALT_BYTES = 32
_KINDS = [
    MovementKind.NEW_LOAN,
    MovementKind.RETURN,
    MovementKind.RECALL,
    MovementKind.COLLATERAL_CHANGE,
]
"""The contract's ``MovementKind`` values, in order."""


def reference_hash(reference: str, salt: bytes) -> bytes:
    """keccak256(abi.encode(reference, salt)): the reference (1 to 32 printable ASCII
    characters, left-aligned) hashed with its 32-byte salt.

    Raises:
        ValueError: a reference that is not 1 to 32 printable ASCII characters, or a salt that
            is not 32 bytes.
    """
    if len(salt) != SALT_BYTES:
        raise ValueError(f"a reference's salt is {SALT_BYTES} bytes, not {len(salt)}")
    return keccak(bytes32_from_ascii(reference) + bytes(salt))


def agreement_id_of(proposer: str, hashed: bytes) -> str:
    """The id (0x-hex) of the agreement ``proposer`` (a LEI: the lender, or its agent)
    proposes with the reference hash ``hashed``, as ``LendingAgreements.agreementIdOf``."""
    return "0x" + keccak(encode(["bytes20", "bytes32"], [bytes20_from_lei(proposer), hashed])).hex()


def _id(agreement_id: str) -> bytes:
    raw = bytes.fromhex(agreement_id.removeprefix("0x"))
    if len(raw) != 32:
        raise ValueError(f"an agreement id is 32 bytes of hex, not {agreement_id!r}")
    return raw


@dataclass(frozen=True)
class AgreementRef:
    """An agreement as its parties know it: its id on chain (0x-hex), its reference, the salt
    of the reference's hash and its proposer (the lender, or its agent)."""

    agreement_id: str
    reference: str
    salt: bytes
    proposer: Lei


def _recipients(client: Client, leis: Sequence[str]) -> dict[Lei, bytes]:
    return recipient_keys(client, leis)


def _terms_tuple(agreement: Agreement, salt: bytes) -> tuple[Any, ...]:
    empty = pd.DataFrame(columns=["agreement_id", "date", "quantity", "collateral"])
    closes = pd.DataFrame(columns=["security", "date", "close"])
    dividends = pd.DataFrame(columns=["security", "record_date", "amount_per_share"])
    fields = {k: getattr(agreement, k) for k in agreement.__dataclass_fields__}
    terms = calculator_arguments(fields, empty, closes, dividends, date.min, date.min)[0]
    return (
        check_isin(agreement.security).encode("ascii"),
        agreement.currency.encode("ascii"),
        terms,
        bytes32_from_ascii(agreement.agreement_id),
        salt,
    )


def _sealed_terms(
    client: Client,
    agreement: Agreement,
    parties: Sequence[str],
    salt: bytes,
    binding: Binding,
) -> Any:
    plaintext = encode([TERMS_TYPE], [_terms_tuple(agreement, salt)])
    return seal(plaintext, _recipients(client, parties), binding).to_abi()


def terms_binding(client: Client, agreement_id: str, version: int) -> Binding:
    """What a terms version's sealed payload belongs to: this deployment's LendingAgreements,
    the agreement and the version."""
    return Binding(
        client.chain_id, client.manifest.address(CONTRACT), _id(agreement_id), version, "terms"
    )


def movements_binding(client: Client, agreement_id: str, version: int) -> Binding:
    """What a movements version's sealed history belongs to."""
    return Binding(
        client.chain_id, client.manifest.address(CONTRACT), _id(agreement_id), version,
        "movements",
    )  # fmt: skip


def _versions(client: Client, agreement_id: str) -> tuple[int, int]:
    """The agreement's latest terms version and latest movements version on chain."""
    stored = client.read(client.contract(CONTRACT).functions.getAgreement(_id(agreement_id)))
    return int(stored[4]), int(stored[6])


def propose(
    client: Client,
    agreement: Agreement,
    *,
    effective_from: date,
    agent: str | None = None,
    salt: bytes | None = None,
    private_key: bytes | None = None,
) -> AgreementRef:
    """Propose an agreement (version 1 of its terms from ``effective_from``), sealed to the
    lender, the borrower and the agent (the signer: the lender, or ``agent``, its lending agent).
    Its reference is ``agreement.agreement_id``, hashed with ``salt`` (random by default); both
    are sealed in the terms. Returns the agreement as its parties know it.

    With the proposer's ``private_key``, a reference it already proposed is refused before
    anything is sent (amend that agreement instead); the contract refuses the same reference
    hash from the same proposer in any case.

    Raises:
        ValueError: a reference that is not 1 to 32 printable ASCII characters.
        BPostError: the proposer already proposed an agreement with this reference.
        ContractRevert: refused (``LendingAgreementsAlreadyProposed``, ``...UnknownLender`` ...).
    """
    proposer = check_lei(agent or agreement.lender)
    if private_key is not None:
        known = find_agreement(
            client, agreement.agreement_id, proposer, private_key, proposer=proposer
        )
        if known is not None:
            raise BPostError(
                f"{proposer} already proposed agreement {known.reference} "
                f"({known.agreement_id}): amend it"
            )
    chosen = os.urandom(SALT_BYTES) if salt is None else salt
    hashed = reference_hash(agreement.agreement_id, chosen)
    parties = [agreement.lender, agreement.borrower, *([agent] if agent else [])]
    agreement_id = agreement_id_of(proposer, hashed)
    terms = _sealed_terms(
        client, agreement, parties, chosen, terms_binding(client, agreement_id, 1)
    )
    call = client.contract(CONTRACT).functions.propose(
        hashed,
        bytes20_from_lei(check_lei(agreement.lender)),
        bytes20_from_lei(check_lei(agreement.borrower)),
        int_from_date(effective_from),
        terms,
    )
    client.sender.send(call, f"propose lending agreement {agreement.agreement_id}")
    return AgreementRef(agreement_id, agreement.agreement_id, chosen, Lei(proposer))


def parties_of(client: Client, agreement_id: str) -> list[Lei]:
    """The lender, the borrower and the agent (if any) of an agreement on chain."""
    stored = client.contract(CONTRACT).functions.getAgreement(_id(agreement_id))
    lender, borrower, agent = client.read(stored)[:3]
    parties = [lei_from_bytes20(bytes(lender)), lei_from_bytes20(bytes(borrower))]
    return parties + ([lei_from_bytes20(bytes(agent))] if any(bytes(agent)) else [])


def amend(
    client: Client,
    agreement: AgreementRef,
    terms: Agreement,
    *,
    effective_from: date,
) -> TxReceipt:
    """Propose a new version of an agreement's terms from ``effective_from`` (a rate change),
    sealed to its parties with its reference (the signer: the lender, or the agreement's agent).

    Raises:
        ValueError: ``terms`` of another reference than the agreement's.
    """
    if terms.agreement_id != agreement.reference:
        raise ValueError(
            f"terms of {terms.agreement_id!r} cannot amend agreement {agreement.reference!r}"
        )
    parties = parties_of(client, agreement.agreement_id)
    version = _versions(client, agreement.agreement_id)[0] + 1
    binding = terms_binding(client, agreement.agreement_id, version)
    sealed = _sealed_terms(client, terms, parties, agreement.salt, binding)
    call = client.contract(CONTRACT).functions.amend(
        _id(agreement.agreement_id), int_from_date(effective_from), sealed
    )
    return client.sender.send(call, f"amend lending agreement {agreement.reference}")


def acknowledge(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Acknowledge a version of an agreement's terms (the borrower; one the lender's agent
    proposed, once the lender consented or under the agent's mandate)."""
    call = client.contract(CONTRACT).functions.acknowledge(_id(agreement_id), version)
    return client.sender.send(call, f"acknowledge lending agreement {agreement_id} v{version}")


def consent(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Consent, as the lender, to a version of an agreement's terms its lending agent proposed
    (the borrower's acknowledgement waits for it, unless the agent holds a mandate)."""
    call = client.contract(CONTRACT).functions.consent(_id(agreement_id), version)
    return client.sender.send(call, f"consent to lending agreement {agreement_id} v{version}")


def movements_tuple(movements: Sequence[Movement]) -> list[tuple[int, int, int, int]]:
    """Movements as the contract's ``Movement[]`` (quantities and collateral over 10^6), in date
    order (stable: movements of one day keep their order)."""
    ordered = sorted(movements, key=lambda m: m.date)
    return [
        (
            _KINDS.index(m.kind),
            int_from_date(m.date),
            m.quantity * SCALE,
            scaled(m.collateral, "collateral"),
        )
        for m in ordered
    ]


def record_movements(
    client: Client,
    agreement: AgreementRef,
    movements: Sequence[Movement],
    parties: Sequence[str] | None = None,
) -> TxReceipt:
    """Record an agreement's whole movement history (movements of its reference) as a new
    version, sealed to ``parties`` (by default the agreement's, as the chain names them; the
    lender or its agent signs); the borrower confirms it with :func:`confirm_movements`."""
    if any(m.agreement_id != agreement.reference for m in movements):
        raise ValueError(f"every movement must be of agreement {agreement.reference}")
    plaintext = encode([MOVEMENTS_TYPE], [movements_tuple(movements)])
    leis = parties_of(client, agreement.agreement_id) if parties is None else parties
    version = _versions(client, agreement.agreement_id)[1] + 1
    binding = movements_binding(client, agreement.agreement_id, version)
    sealed = seal(plaintext, _recipients(client, leis), binding)
    call = client.contract(CONTRACT).functions.recordMovements(
        _id(agreement.agreement_id), sealed.to_abi()
    )
    return client.sender.send(call, f"movements of lending agreement {agreement.reference}")


def confirm_movements(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Confirm a version of an agreement's movements (the borrower): calculations use it."""
    call = client.contract(CONTRACT).functions.confirmMovements(_id(agreement_id), version)
    return client.sender.send(call, f"confirm movements of {agreement_id} v{version}")


class Refusal(IntEnum):
    """Why a party refuses a version (the contract's ``Refusal``): it does not open for it, or
    opens to something that is not what was committed (a reference that does not make the
    agreement's id)."""

    UNOPENABLE = 0
    NOT_COMMITTED = 1


class Payload(IntEnum):
    """A sealed version a party may refuse (the contract's ``Payload``)."""

    TERMS = 0
    MOVEMENTS = 1


name_contract_values({"ILendingAgreements.Refusal": Refusal, "ILendingAgreements.Payload": Payload})


def refuse_payload(
    client: Client, agreement_id: str, payload: Payload, version: int, reason: Refusal
) -> TxReceipt:
    """Refuse, as a party other than the one that sealed it, the current terms version before it
    is acknowledged or the latest movements version before it is confirmed: it is then neither
    consented to, acknowledged nor confirmed."""
    call = client.contract(CONTRACT).functions.refusePayload(
        _id(agreement_id), int(payload), version, int(reason)
    )
    return client.sender.send(call, f"refuse {payload.name.lower()} version {version}")


@dataclass(frozen=True)
class PayloadCheck:
    """What a party found in a version awaiting its answer: which (``payload``, ``version``) and
    who sealed it; the reason it refuses it and the problem (None and '' when it opens to what
    was committed); whether it sent the refusal (not when a party had already refused it)."""

    payload: Payload
    version: int
    sealed_by: Lei
    reason: Refusal | None
    problem: str
    refused: bool


def check_payloads(
    client: Client, agreement_id: str, lei: str, private_key: bytes, *, refuse: bool = True
) -> list[PayloadCheck]:
    """Open, as party ``lei``, the versions of an agreement awaiting an answer that another party
    sealed (the current terms version before it is acknowledged, the latest movements version
    before it is confirmed) and check them; refuse on chain (``refuse``) one that does not open
    (``Refusal.UNOPENABLE``) or whose terms carry a reference that does not make the agreement's
    id (``Refusal.NOT_COMMITTED``), unless a party already refused it."""
    from bpost_client.lending.projection import PROJECTORS, agreement_of  # builds on this

    own = Lei(check_lei(lei))
    functions = client.contract(CONTRACT).functions
    stored = client.read(functions.getAgreement(_id(agreement_id)))
    lender, _borrower, agent, status, version, _acknowledged, latest, confirmed = stored[:8]
    events = [name for contract, name in PROJECTORS if contract == CONTRACT]
    rows = records_of(client, CONTRACT, PROJECTORS, events, {"agreementId": _id(agreement_id)})
    state = agreement_of(agreement_id.lower(), rows)
    if state is None:
        raise BPostError(f"agreement {agreement_id} is not on chain")
    agent_lei = lei_from_bytes20(bytes(agent)) if any(bytes(agent)) else ""
    proposer = _proposer(lei_from_bytes20(bytes(lender)), agent_lei)
    checks = []
    found: list[tuple[Payload, int, Lei, Any, bool]] = []
    if int(status) == 1:  # Proposed: the current version awaits its acknowledgement
        terms = client.read(functions.getTermsVersion(_id(agreement_id), int(version)))
        [proposed] = [t for t in state.terms if t.version == int(version)]
        sealed_by = lei_from_bytes20(bytes(terms[3]))
        found.append((Payload.TERMS, int(version), sealed_by, proposed.terms, bool(terms[4])))
    if int(latest) and int(latest) != int(confirmed):
        [recorded] = [m for m in state.movements if m.version == int(latest)]
        done = int(latest) in state.movements_refused
        found.append((Payload.MOVEMENTS, int(latest), recorded.by, recorded.movements, done))
    for payload, number, sealed_by, sealed, already in found:
        if sealed_by == own:
            continue
        reason, problem = None, ""
        binding = (terms_binding if payload is Payload.TERMS else movements_binding)(
            client, agreement_id, number
        )
        try:
            _salt, plain = open_sealed_with_salt(sealed, lei, private_key, binding)
            [opened] = decode([TERMS_TYPE if payload is Payload.TERMS else MOVEMENTS_TYPE], plain)
        except Exception as exc:  # BPostError, NotEntitledError, eth_abi's several kinds
            reason, problem = Refusal.UNOPENABLE, str(exc)
        else:
            if payload is Payload.TERMS:
                try:
                    _checked_reference(agreement_id, proposer, opened)
                except BPostError as exc:
                    reason, problem = Refusal.NOT_COMMITTED, str(exc)
        send = reason is not None and refuse and not already
        if send and reason is not None:
            refuse_payload(client, agreement_id, payload, number, reason)
        checks.append(PayloadCheck(payload, number, sealed_by, reason, problem, send))
    return checks


@dataclass(frozen=True)
class OpenedTerms:
    """One acknowledged version of an agreement's terms, opened, with its salt."""

    version: int
    effective_from: date
    terms: tuple[Any, ...]
    salt: bytes


@dataclass(frozen=True)
class OpenedAgreement:
    """An agreement's acknowledged terms versions and confirmed movements as a party opens them:
    ``agreement_id`` is its id on chain (0x-hex), ``reference`` the parties' reference of it
    (the ``agreement_id`` of their books)."""

    agreement_id: str
    reference: str
    lender: Lei
    borrower: Lei
    agent: Lei | None
    versions: tuple[OpenedTerms, ...]
    movements: list[tuple[int, int, int, int]]
    movements_version: int
    movements_salt: bytes

    @property
    def latest(self) -> OpenedTerms:
        """The latest acknowledged version."""
        return self.versions[-1]


def _records(
    client: Client, event: str, agreement_id: str | None = None, **where: Any
) -> list[Entry]:
    """The records of an agreement's ``event`` in chain order (every agreement's without
    ``agreement_id``, those whose indexed arguments are ``where``), read from the node as the
    index holds them (see :mod:`bpost_client.lending.projection`)."""
    from bpost_client.lending.projection import PROJECTORS  # it builds on this module

    if agreement_id is not None:
        where["agreementId"] = _id(agreement_id)
    return records_of(client, CONTRACT, PROJECTORS, [event], where)


def _checked_reference(
    agreement_id: str, proposer: str, terms: Sequence[Any], known: AgreementRef | None = None
) -> AgreementRef:
    """The reference and salt sealed in an agreement's terms, checked: they make its id with
    its proposer, and every version carries the first's.

    Raises:
        BPostError: they do not (the proposer sealed another reference: acknowledge nothing).
    """
    reference = ascii_from_bytes(bytes(terms[3]))
    salt = bytes(terms[4])
    try:
        made = agreement_id_of(proposer, reference_hash(reference, salt))
    except ValueError:
        made = ""
    if made != agreement_id.lower() or (
        known is not None and (known.reference, known.salt) != (reference, salt)
    ):
        raise BPostError(
            f"agreement {agreement_id}: the reference sealed in its terms does not make its id "
            f"with its proposer {proposer}; acknowledge nothing of it"
        )
    return AgreementRef(agreement_id.lower(), reference, salt, Lei(proposer))


def _proposer(lender: str, agent: str) -> str:
    return agent or lender


def agreements_of(client: Client, lei: str, private_key: bytes) -> list[AgreementRef]:
    """The agreements ``lei`` is a party of (their first terms sealed to it), each with its
    reference, opened with its key and checked against its id, in chain order. An agreement
    whose sealed reference does not make its id (its proposer sealed another one) is left out
    and logged as a warning: anyone can seal a proposal to ``lei``, and no forgery keeps it from
    reading its genuine agreements."""
    from bpost_client.lending.projection import terms_version  # it builds on this module

    found = []
    for entry in _records(client, "AgreementProposed"):
        proposed = terms_version(entry)
        if proposed.version != 1 or lei not in proposed.terms.entitled:
            continue
        binding = terms_binding(client, str(entry.data["agreementId"]), proposed.version)
        try:
            _salt, plain = open_sealed_with_salt(proposed.terms, lei, private_key, binding)
        except NotEntitledError:
            continue
        [terms] = decode([TERMS_TYPE], plain)
        data = entry.data
        proposer = _proposer(hex_text(data["lender"]), hex_text(data["agent"]))
        try:
            found.append(_checked_reference(str(data["agreementId"]), proposer, terms))
        except BPostError as exc:
            _log.warning("left out: %s", exc)
    return found


def find_agreement(
    client: Client,
    reference: str,
    lei: str,
    private_key: bytes,
    *,
    proposer: str | None = None,
) -> AgreementRef | None:
    """The agreement ``lei`` is a party of with this reference (and this ``proposer``, when
    given), None when there is none.

    Raises:
        BPostError: more than one agreement of ``lei`` has this reference (another proposer's
            too): name the proposer, or the agreement by its id.
    """
    found = [
        a
        for a in agreements_of(client, lei, private_key)
        if a.reference == reference and proposer in (None, a.proposer)
    ]
    if len(found) > 1:
        ids = ", ".join(a.agreement_id for a in found)
        raise BPostError(f"{len(found)} agreements of {lei} have the reference {reference}: {ids}")
    return found[0] if found else None


def open_agreement(
    client: Client, agreement_id: str, lei: str, private_key: bytes
) -> OpenedAgreement:
    """An agreement's acknowledged terms versions and its confirmed movements, opened with an
    entitled party's key, its reference checked against its id.

    Raises:
        NotEntitledError: ``lei`` is not a party the payloads were sealed to.
        BPostError: no acknowledged terms or no confirmed movements on chain, or a sealed
            reference that does not make the agreement's id.
    """
    from bpost_client.lending.projection import movements_version, terms_version  # builds on this

    stored = client.contract(CONTRACT).functions.getAgreement(_id(agreement_id))
    lender, borrower, agent, _status, _v, acknowledged, _m, confirmed = client.read(stored)[:8]
    if acknowledged == 0 or confirmed == 0:
        raise BPostError(
            f"agreement {agreement_id} has no acknowledged terms or no confirmed movements"
        )
    agent_lei = lei_from_bytes20(bytes(agent)) if any(bytes(agent)) else None
    proposer = _proposer(lei_from_bytes20(bytes(lender)), agent_lei or "")
    versions = []
    known: AgreementRef | None = None
    for entry in _records(client, "AgreementProposed", agreement_id):
        proposed = terms_version(entry)
        binding = terms_binding(client, agreement_id, proposed.version)
        salt, plain = open_sealed_with_salt(proposed.terms, lei, private_key, binding)
        [terms] = decode([TERMS_TYPE], plain)
        known = _checked_reference(agreement_id, proposer, terms, known)
        if proposed.version > acknowledged:
            continue
        effective = proposed.effective_from or date.min
        versions.append(OpenedTerms(proposed.version, effective, tuple(terms), salt))
    recorded = [
        movements
        for movements in map(movements_version, _records(client, "MovementsRecorded", agreement_id))
        if movements.version == confirmed
    ]
    binding = movements_binding(client, agreement_id, recorded[-1].version)
    salt, plain = open_sealed_with_salt(recorded[-1].movements, lei, private_key, binding)
    [movements] = decode([MOVEMENTS_TYPE], plain)
    assert known is not None  # an acknowledged agreement was proposed
    return OpenedAgreement(
        known.agreement_id,
        known.reference,
        lei_from_bytes20(bytes(lender)),
        lei_from_bytes20(bytes(borrower)),
        agent_lei,
        tuple(versions),
        [(int(k), int(d), int(q), int(c)) for k, d, q, c in movements],
        int(confirmed),
        salt,
    )


def _agreement(opened: OpenedAgreement, terms: tuple[Any, ...]) -> dict[str, Any]:
    security, currency, calculation = terms[:3]
    fee, collateral, dividend, day_count, counted, basis, rounding, minor, has_min, minimum = (
        calculation
    )
    return {
        "agreement_id": opened.reference,
        "lender": opened.lender,
        "borrower": opened.borrower,
        "security": ascii_from_bytes(bytes(security)),
        "currency": ascii_from_bytes(bytes(currency)),
        "fee_rate_pct": Decimal(int(fee)) / SCALE,
        "collateral_rate_pct": Decimal(int(collateral)) / SCALE,
        "day_count": list(DayCount)[int(day_count)],
        "days_counted": list(DaysCounted)[int(counted)],
        "price_basis": list(PriceBasis)[int(basis)],
        "rounding": list(Rounding)[int(rounding)],
        "dividend_rate_pct": Decimal(int(dividend)) / SCALE,
        "minimum_fee": Decimal(int(minimum)).scaleb(-int(minor)) if has_min else None,
    }


def agreed_book(
    opened: Sequence[OpenedAgreement], prices: pd.DataFrame, dividends: pd.DataFrame
) -> Book:
    """The agreed inputs of opened agreements as a :class:`~bpost_client.lending.period.Book`:
    every acknowledged terms version with its effective date, the positions from the confirmed
    movements, and the given closes and dividends (the shared reference data). The book knows
    each agreement by its reference."""
    rows = []
    for agreement in opened:
        for version in agreement.versions:
            row = _agreement(agreement, version.terms)
            row["effective_from"] = version.effective_from
            rows.append(row)
    moves = [
        Movement(
            agreement.reference,
            _KINDS[kind],
            date_from_int(day) or date.min,
            quantity // SCALE,
            Decimal(collateral) / SCALE,
        )
        for agreement in opened
        for kind, day, quantity, collateral in agreement.movements
    ]
    frame = pd.DataFrame(rows, columns=[*AGREEMENT_COLUMNS, "effective_from"], dtype=object)
    return Book(frame, positions_from_movements(moves), prices, dividends)


def calculate_committed(
    client: Client,
    opened: OpenedAgreement,
    closes: Sequence[tuple[date, Any]],
    dividends: Sequence[tuple[date, Any]],
    start: date,
    end: date,
    *,
    version: OpenedTerms | None = None,
) -> tuple[int, int, int, int, int]:
    """The contract's figures (minor units: fee, collateral interest, dividend equivalent, net;
    accrual days) from the opened inputs (the latest acknowledged terms, or ``version``), which
    it checks against the on-chain commitments; the closes after ``end`` and the dividends
    recorded outside the period are left out, the rest sent in date order. ``dividends`` are the
    DividendRegistry's current ones, the cancelled left out (the contract refuses them)."""
    terms = version or opened.latest
    dividends = [(d, a) for d, a in dividends if d <= end]
    call = client.contract("LendingCalculator").functions.calculateCommitted(
        _id(opened.agreement_id),
        terms.version,
        terms.terms,
        terms.salt,
        opened.movements,
        opened.movements_salt,
        [(int_from_date(d), scaled(c, "close")) for d, c in sorted(closes) if d <= end],
        [
            (int_from_date(d), scaled(a, "dividend"))
            for d, a in sorted(dividends)
            if start <= d <= end
        ],
        int_from_date(start),
        int_from_date(end),
    )
    fee, interest, dividend, net, days = client.read(call)
    return int(fee), int(interest), int(dividend), int(net), int(days)
