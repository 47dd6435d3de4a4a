"""Lending agreements on chain: the lender (or its agent) proposes the terms, the borrower
acknowledges them; a rate change is a new version of the terms with its effective date. The loan
movements (new loans, returns, recalls, collateral changes) are recorded by the lender or its
agent as versions of the whole history and confirmed by the borrower. Terms and movements are
sealed to the parties (:mod:`bpost_client.platform.confidential`): the chain holds ciphertext and
salted commitments, and a party opens them with its key to calculate on the agreed inputs
(:func:`agreed_book`) or to have ``calculateCommitted`` verify a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from eth_abi.abi import decode, encode
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.dates import date_from_int, int_from_date
from bpost_client.exceptions import BPostError
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
from bpost_client.platform.confidential import open_sealed_with_salt, seal
from bpost_client.platform.participants import get_institution
from bpost_client.platform.projection import Entry, records_of
from bpost_client.types import Lei

__all__ = [
    "MOVEMENTS_TYPE",
    "TERMS_TYPE",
    "OpenedAgreement",
    "OpenedTerms",
    "acknowledge",
    "agreed_book",
    "calculate_committed",
    "confirm_movements",
    "consent",
    "movements_tuple",
    "open_agreement",
    "propose",
    "record_movements",
]

CONTRACT = "LendingAgreements"
TERMS_TYPE = (
    "(bytes12,bytes3,(int256,int256,int256,uint8,uint8,uint8,uint8,uint8,bool,int256),uint8,uint64)"
)
"""The ABI type of the sealed terms (``ILendingAgreements.AgreementTerms``)."""
MOVEMENTS_TYPE = "(uint8,uint32,int256,int256)[]"
"""The ABI type of the sealed movements (``ILendingAgreements.Movement[]``)."""
_KINDS = [
    MovementKind.NEW_LOAN,
    MovementKind.RETURN,
    MovementKind.RECALL,
    MovementKind.COLLATERAL_CHANGE,
]
"""The contract's ``MovementKind`` values, in order."""


def _recipients(client: Client, leis: Sequence[str]) -> dict[Lei, bytes]:
    return {Lei(lei): get_institution(client, lei).encryption_key for lei in leis}


def _terms_tuple(agreement: Agreement, billing_months: int, tolerance: int) -> tuple[Any, ...]:
    empty = pd.DataFrame(columns=["agreement_id", "date", "quantity", "collateral"])
    closes = pd.DataFrame(columns=["security", "date", "close"])
    dividends = pd.DataFrame(columns=["security", "record_date", "amount_per_share"])
    fields = {k: getattr(agreement, k) for k in agreement.__dataclass_fields__}
    terms = calculator_arguments(fields, empty, closes, dividends, date.min, date.min)[0]
    return (
        check_isin(agreement.security).encode("ascii"),
        agreement.currency.encode("ascii"),
        terms,
        billing_months,
        tolerance,
    )


def propose(
    client: Client,
    agreement_id: str,
    agreement: Agreement,
    *,
    effective_from: date,
    agent: str | None = None,
    billing_months: int = 1,
    tolerance_minor_units: int = 0,
) -> TxReceipt:
    """Propose an agreement's terms, or a new version of them from ``effective_from`` (a rate
    change), sealed to the lender, the borrower and the agent (the signer: the lender or its
    lending agent)."""
    plaintext = encode(
        [TERMS_TYPE], [_terms_tuple(agreement, billing_months, tolerance_minor_units)]
    )
    parties = [agreement.lender, agreement.borrower, *([agent] if agent else [])]
    sealed = seal(plaintext, _recipients(client, parties))
    call = client.contract(CONTRACT).functions.propose(
        bytes32_from_ascii(agreement_id),
        bytes20_from_lei(check_lei(agreement.lender)),
        bytes20_from_lei(check_lei(agreement.borrower)),
        int_from_date(effective_from),
        sealed.to_abi(),
    )
    return client.sender.send(call, f"propose lending agreement {agreement_id}")


def acknowledge(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Acknowledge a version of an agreement's terms (the borrower; one the lender's agent
    proposed, once the lender consented)."""
    call = client.contract(CONTRACT).functions.acknowledge(
        bytes32_from_ascii(agreement_id), version
    )
    return client.sender.send(call, f"acknowledge lending agreement {agreement_id} v{version}")


def consent(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Consent, as the lender, to a version of an agreement's terms its lending agent proposed
    (the borrower's acknowledgement waits for it)."""
    call = client.contract(CONTRACT).functions.consent(bytes32_from_ascii(agreement_id), version)
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
    client: Client, agreement_id: str, movements: Sequence[Movement], parties: Sequence[str]
) -> TxReceipt:
    """Record an agreement's whole movement history as a new version, sealed to ``parties``
    (the lender or its agent signs); the borrower confirms it with :func:`confirm_movements`."""
    if any(m.agreement_id != agreement_id for m in movements):
        raise ValueError(f"every movement must be of agreement {agreement_id}")
    plaintext = encode([MOVEMENTS_TYPE], [movements_tuple(movements)])
    sealed = seal(plaintext, _recipients(client, parties))
    call = client.contract(CONTRACT).functions.recordMovements(
        bytes32_from_ascii(agreement_id), sealed.to_abi()
    )
    return client.sender.send(call, f"movements of lending agreement {agreement_id}")


def confirm_movements(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Confirm a version of an agreement's movements (the borrower): calculations use it."""
    call = client.contract(CONTRACT).functions.confirmMovements(
        bytes32_from_ascii(agreement_id), version
    )
    return client.sender.send(call, f"confirm movements of {agreement_id} v{version}")


@dataclass(frozen=True)
class OpenedTerms:
    """One acknowledged version of an agreement's terms, opened, with its salt."""

    version: int
    effective_from: date
    terms: tuple[Any, ...]
    salt: bytes


@dataclass(frozen=True)
class OpenedAgreement:
    """An agreement's acknowledged terms versions and confirmed movements as a party opens them."""

    agreement_id: str
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


def _records(client: Client, event: str, agreement_id: str) -> list[Entry]:
    """The records of an agreement's ``event`` in chain order, read from the node as the index
    holds them (see :mod:`bpost_client.lending.projection`)."""
    from bpost_client.lending.projection import PROJECTORS  # it builds on this module

    where = {"agreementId": bytes32_from_ascii(agreement_id)}
    return records_of(client, CONTRACT, PROJECTORS, [event], where)


def open_agreement(
    client: Client, agreement_id: str, lei: str, private_key: bytes
) -> OpenedAgreement:
    """An agreement's acknowledged terms versions and its confirmed movements, opened with an
    entitled party's key.

    Raises:
        NotEntitledError: ``lei`` is not a party the payloads were sealed to.
        BPostError: no acknowledged terms or no confirmed movements on chain.
    """
    from bpost_client.lending.projection import movements_version, terms_version  # builds on this

    stored = client.contract(CONTRACT).functions.getAgreement(bytes32_from_ascii(agreement_id))
    lender, borrower, agent, _status, _v, acknowledged, _m, confirmed = client.read(stored)[:8]
    if acknowledged == 0 or confirmed == 0:
        raise BPostError(
            f"agreement {agreement_id} has no acknowledged terms or no confirmed movements"
        )
    versions = []
    for entry in _records(client, "AgreementProposed", agreement_id):
        proposed = terms_version(entry)
        if proposed.version > acknowledged:
            continue
        salt, plain = open_sealed_with_salt(proposed.terms, lei, private_key)
        [terms] = decode([TERMS_TYPE], plain)
        effective = proposed.effective_from or date.min
        versions.append(OpenedTerms(proposed.version, effective, tuple(terms), salt))
    recorded = [
        movements
        for movements in map(movements_version, _records(client, "MovementsRecorded", agreement_id))
        if movements.version == confirmed
    ]
    salt, plain = open_sealed_with_salt(recorded[-1].movements, lei, private_key)
    [movements] = decode([MOVEMENTS_TYPE], plain)
    agent_lei = lei_from_bytes20(bytes(agent)) if any(bytes(agent)) else None
    return OpenedAgreement(
        agreement_id,
        lei_from_bytes20(bytes(lender)),
        lei_from_bytes20(bytes(borrower)),
        agent_lei,
        tuple(versions),
        [(int(k), int(d), int(q), int(c)) for k, d, q, c in movements],
        int(confirmed),
        salt,
    )


def _agreement(opened: OpenedAgreement, terms: tuple[Any, ...]) -> dict[str, Any]:
    security, currency, calculation, _months, _tolerance = terms
    fee, collateral, dividend, day_count, counted, basis, rounding, minor, has_min, minimum = (
        calculation
    )
    return {
        "agreement_id": opened.agreement_id,
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
    movements, and the given closes and dividends (the shared reference data)."""
    rows = []
    for agreement in opened:
        for version in agreement.versions:
            row = _agreement(agreement, version.terms)
            row["effective_from"] = version.effective_from
            rows.append(row)
    moves = [
        Movement(
            agreement.agreement_id,
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
        bytes32_from_ascii(opened.agreement_id),
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
