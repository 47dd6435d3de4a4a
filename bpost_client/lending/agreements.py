"""Lending agreements on chain: the lender (or its agent) proposes the terms, the borrower
acknowledges them, the positions follow as versions. Terms and positions are sealed to the
parties (:mod:`bpost_client.confidential`): the chain holds ciphertext and salted commitments,
and a party opens them with its key to verify the figures with ``calculateCommitted``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from eth_abi.abi import decode, encode
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.confidential import Sealed, open_sealed_with_salt, seal
from bpost_client.events import iter_events
from bpost_client.exceptions import BPostError
from bpost_client.funds import int_from_date
from bpost_client.identifiers import bytes20_from_lei, bytes32_from_ascii, check_isin, check_lei
from bpost_client.lending.terms import Agreement
from bpost_client.lending.verify import calculator_arguments
from bpost_client.participants import get_institution
from bpost_client.types import Lei

__all__ = [
    "POSITIONS_TYPE",
    "TERMS_TYPE",
    "OpenedAgreement",
    "acknowledge",
    "calculate_committed",
    "open_agreement",
    "propose",
    "record_positions",
]

CONTRACT = "LendingAgreements"
TERMS_TYPE = (
    "(bytes12,bytes3,(int256,int256,int256,uint8,uint8,uint8,uint8,uint8,bool,int256),uint8,uint64)"
)
"""The ABI type of the sealed terms (``ILendingAgreements.AgreementTerms``)."""
POSITIONS_TYPE = "(uint32,uint256,uint256)[]"
"""The ABI type of the sealed positions (``LendingMath.Position[]``)."""


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
    agent: str | None = None,
    billing_months: int = 1,
    tolerance_minor_units: int = 0,
) -> TxReceipt:
    """Propose (or amend) an agreement's terms, sealed to the lender, the borrower and the agent
    (the signer: the lender or its lending agent)."""
    plaintext = encode(
        [TERMS_TYPE], [_terms_tuple(agreement, billing_months, tolerance_minor_units)]
    )
    parties = [agreement.lender, agreement.borrower, *([agent] if agent else [])]
    sealed = seal(plaintext, _recipients(client, parties))
    call = client.contract(CONTRACT).functions.propose(
        bytes32_from_ascii(agreement_id),
        bytes20_from_lei(check_lei(agreement.lender)),
        bytes20_from_lei(check_lei(agreement.borrower)),
        sealed.to_abi(),
    )
    return client.sender.send(call, f"propose lending agreement {agreement_id}")


def acknowledge(client: Client, agreement_id: str, version: int) -> TxReceipt:
    """Acknowledge a version of an agreement's terms (the borrower)."""
    call = client.contract(CONTRACT).functions.acknowledge(
        bytes32_from_ascii(agreement_id), version
    )
    return client.sender.send(call, f"acknowledge lending agreement {agreement_id} v{version}")


def record_positions(
    client: Client,
    agreement_id: str,
    positions: Sequence[tuple[date, int, Any]],
    parties: Sequence[str],
) -> TxReceipt:
    """Record an agreement's position rows (date, quantity, collateral in major units), sealed
    to ``parties`` (the lender or its agent signs)."""
    rows = [
        (int_from_date(day), int(quantity) * 10**6, int(Decimal(str(collateral)) * 10**6))
        for day, quantity, collateral in sorted(positions)
    ]
    sealed = seal(encode([POSITIONS_TYPE], [rows]), _recipients(client, parties))
    call = client.contract(CONTRACT).functions.recordPositions(
        bytes32_from_ascii(agreement_id), sealed.to_abi()
    )
    return client.sender.send(call, f"positions of lending agreement {agreement_id}")


@dataclass(frozen=True)
class OpenedAgreement:
    """An agreement's latest terms and positions as a party opens them, with their salts."""

    agreement_id: str
    version: int
    terms: tuple[Any, ...]
    terms_salt: bytes
    positions: list[tuple[int, int, int]]
    positions_salt: bytes


def _latest(client: Client, event: str, agreement_id: str) -> Mapping[str, Any] | None:
    contract = client.contract(CONTRACT)
    filters = {"agreementId": bytes32_from_ascii(agreement_id)}
    found = None
    for log in iter_events(contract, event, client.manifest.start_block, argument_filters=filters):
        found = log["args"]
    return found


def open_agreement(
    client: Client, agreement_id: str, lei: str, private_key: bytes
) -> OpenedAgreement:
    """The latest terms and positions of an agreement, opened with an entitled party's key.

    Raises:
        NotEntitledError: ``lei`` is not a party the payloads were sealed to.
        BPostError: no terms or positions on chain.
    """
    proposed = _latest(client, "AgreementProposed", agreement_id)
    recorded = _latest(client, "PositionsRecorded", agreement_id)
    if proposed is None or recorded is None:
        raise BPostError(f"agreement {agreement_id} has no terms or no positions on chain")
    terms_salt, terms_plain = open_sealed_with_salt(
        Sealed.from_abi(proposed["terms"]), lei, private_key
    )
    positions_salt, positions_plain = open_sealed_with_salt(
        Sealed.from_abi(recorded["positions"]), lei, private_key
    )
    [terms] = decode([TERMS_TYPE], terms_plain)
    [positions] = decode([POSITIONS_TYPE], positions_plain)
    return OpenedAgreement(
        agreement_id,
        int(proposed["version"]),
        terms,
        terms_salt,
        [tuple(p) for p in positions],
        positions_salt,
    )


def calculate_committed(
    client: Client,
    opened: OpenedAgreement,
    closes: Sequence[tuple[date, Any]],
    dividends: Sequence[tuple[date, Any]],
    start: date,
    end: date,
) -> tuple[int, int, int, int, int]:
    """The contract's figures (minor units: fee, collateral interest, dividend equivalent, net;
    accrual days) from the opened inputs, which it checks against the on-chain commitments."""
    call = client.contract("LendingCalculator").functions.calculateCommitted(
        bytes32_from_ascii(opened.agreement_id),
        opened.terms,
        opened.terms_salt,
        opened.positions,
        opened.positions_salt,
        [(int_from_date(d), int(Decimal(str(c)) * 10**6)) for d, c in sorted(closes)],
        [(int_from_date(d), int(Decimal(str(a)) * 10**6)) for d, a in dividends],
        int_from_date(start),
        int_from_date(end),
    )
    fee, interest, dividend, net, days = call.call()
    return int(fee), int(interest), int(dividend), int(net), int(days)
