"""Billing statements on chain (``LendingStatements``): a counterparty pair's settings, the
platform's figures of a billing period committed by the party that closes it, the other parties'
confirmations or figures, comments, resolutions of a break, the overdue flag and settlement.

Amounts are integers in the currency's minor unit. The per-day detail stays off chain: the
statement holds keccak256(salt || detail) and the salt sealed to the parties, so each party can
check that the detail it recomputed from the agreed inputs is the platform's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

import pandas as pd
from eth_abi.abi import encode
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
from bpost_client.platform.confidential import Binding, open_sealed, seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.participants import signer_institution
from bpost_client.platform.projection import Entry, records_of
from bpost_client.types import Lei

__all__ = [
    "STATEMENT_EVENTS",
    "STATEMENT_LIST_COLUMNS",
    "UNITS",
    "Amounts",
    "PairSettings",
    "ResolutionKind",
    "Statement",
    "StatementInput",
    "StatementRole",
    "StatementStatus",
    "accept_pair_settings",
    "approve_resolution",
    "approve_void",
    "comment",
    "comments",
    "commit_statement",
    "commit_statements",
    "confirm",
    "confirm_settlement",
    "detail_salt",
    "flag_overdue",
    "get_statement",
    "is_overdue",
    "pair_settings",
    "propose_pair_settings",
    "propose_resolution",
    "sealed_binding",
    "settlement_confirmations",
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
UNITS = [MatchUnit.AGREEMENT, MatchUnit.SECURITY, MatchUnit.COUNTERPARTY]
"""The contract's ``Unit`` values, in order."""


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


name_contract_values(
    {
        "ILendingStatements.Status": StatementStatus,
        "ILendingStatements.Role": StatementRole,
        "ILendingStatements.ResolutionKind": ResolutionKind,
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

    @classmethod
    def from_abi(cls, raw: Sequence[Any] | Mapping[str, Any]) -> Amounts:
        """From a decoded tuple or event dictionary."""
        values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
        fee, interest, dividend = (int(v) for v in values)
        return cls(fee, interest, dividend)


@dataclass(frozen=True)
class PairSettings:
    """A counterparty pair's settings in force: the unit of matching, the agent, the calendar and
    business days a break may stay open, the calendar months a period may span at most and the
    tolerance of each amount in minor units (the closer of a statement chooses neither)."""

    unit: MatchUnit
    agent: Lei | None
    market: str
    overdue_business_days: int
    billing_months: int
    tolerance: int
    version: int
    accepted: bool


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
    tolerance: int
    platform: Amounts
    settled: Amounts
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


def unit_key(unit: MatchUnit, key: str = "") -> bytes:
    """The on-chain key of a unit of matching: the agreement's id (0x-hex, its on-chain id),
    the ISIN left-aligned, or zero for the whole counterparty pair.

    Raises:
        ValueError: a key that does not fit the unit.
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
    return bytes32_from_ascii(key)


def unit_key_text(unit: MatchUnit, raw: bytes) -> str:
    """A unit of matching's on-chain key as text: the agreement's id (0x-hex), the ISIN, or ''
    for the whole counterparty pair."""
    if unit is MatchUnit.AGREEMENT:
        return "0x" + bytes(raw).hex()
    return ascii_from_bytes(bytes(raw))


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


def _identity(statement: StatementInput) -> tuple[Any, ...]:
    """What identifies a statement, as the contract's types: lender, borrower, unit, unit key,
    currency, start, end."""
    return (
        bytes20_from_lei(check_lei(statement.lender)),
        bytes20_from_lei(check_lei(statement.borrower)),
        UNITS.index(statement.unit),
        unit_key(statement.unit, statement.key),
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
    statement, and the field (``detailSalt``; ``figures:<LEI>`` and ``comment:<LEI>`` of the
    party that sealed them)."""
    return Binding(client.chain_id, client.manifest.address(CONTRACT), _id(statement), 0, field)


def _send(client: Client, function: str, args: Sequence[Any], what: str) -> TxReceipt:
    call = getattr(client.contract(CONTRACT).functions, function)(*args)
    return client.sender.send(call, what)


def propose_pair_settings(
    client: Client,
    lender: str,
    borrower: str,
    unit: MatchUnit,
    *,
    agent: str | None = None,
    market: str = "XTKS",
    overdue_business_days: int = 14,
    billing_months: int = 1,
    tolerance: int = 0,
) -> TxReceipt:
    """Propose a pair's settings (the lender or the borrower signs; the other accepts):
    statements match within ``tolerance`` minor units of each amount and span at most
    ``billing_months`` calendar months."""
    args = [
        bytes20_from_lei(check_lei(lender)),
        bytes20_from_lei(check_lei(borrower)),
        UNITS.index(unit),
        bytes20_from_lei(check_lei(agent)) if agent else bytes(20),
        market.encode("ascii"),
        overdue_business_days,
        billing_months,
        tolerance,
    ]
    return _send(client, "proposePairSettings", args, f"pair settings {lender}/{borrower}")


def accept_pair_settings(client: Client, lender: str, borrower: str, version: int) -> TxReceipt:
    """Accept the pending settings of a pair (the party that did not propose them)."""
    args = [bytes20_from_lei(check_lei(lender)), bytes20_from_lei(check_lei(borrower)), version]
    return _send(client, "acceptPairSettings", args, f"accept pair settings v{version}")


def pair_settings(client: Client, lender: str, borrower: str) -> PairSettings:
    """The settings in force for a pair (the defaults when none were accepted)."""
    raw = client.read(
        client.contract(CONTRACT).functions.pairSettings(
            bytes20_from_lei(check_lei(lender)), bytes20_from_lei(check_lei(borrower))
        )
    )
    unit, agent, market, days, months, tolerance, version, _by, accepted = raw
    return PairSettings(
        UNITS[int(unit)],
        _lei(agent),
        ascii_from_bytes(market),
        int(days),
        int(months),
        int(tolerance),
        int(version),
        accepted,
    )


def _commit_call(
    client: Client, statement: StatementInput, detail: bytes, keys: Mapping[Lei, bytes]
) -> tuple[Any, str]:
    salt = os.urandom(32)
    args = (
        *_identity(statement),
        int_from_date(statement.settlement_date),
        statement.amounts.to_abi(),
        keccak(salt + detail),
    )
    binding = sealed_binding(client, statement_id(statement), "detailSalt")
    call = client.contract(CONTRACT).functions.commitStatement(
        args, seal(salt, keys, binding).to_abi()
    )
    label = statement.key or f"{statement.lender}/{statement.borrower}"
    return call, f"statement {label} {statement.start}..{statement.end}"


def commit_statements(
    client: Client,
    statements: Sequence[tuple[StatementInput, bytes]],
    parties: Sequence[str],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[str]:
    """Commit the platform's figures of periods, pipelined: each statement's amounts and
    keccak256(salt || detail), its salt sealed to ``parties`` (the lender, the borrower and the
    agent, if any). Returns the statement ids in order."""
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
        tolerance,
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
        tolerance=int(tolerance),
        platform=Amounts.from_abi(platform),
        settled=Amounts.from_abi(settled),
        unit_key=bytes(key),
        detail_commitment=bytes(detail),
        settlement_reference=bytes(reference),
    )


def _records(client: Client, events: Sequence[str], statement: str | bytes) -> list[Entry]:
    """The records of a statement's ``events`` in chain order, read from the node as the index
    holds them (see :mod:`bpost_client.lending.projection`)."""
    from bpost_client.lending.projection import PROJECTORS  # it builds on this module

    return records_of(client, CONTRACT, PROJECTORS, events, {"statementId": _id(statement)})


def detail_salt(client: Client, statement: str | bytes, lei: str, private_key: bytes) -> bytes:
    """The salt of a statement's detail commitment, opened by a party.

    Raises:
        NotEntitledError: ``lei`` is not a party the salt was sealed to.
        BPostError: the statement is not on chain.
    """
    from bpost_client.lending.projection import statement_of

    committed = statement_of(_records(client, ["StatementCommitted"], statement))
    if committed is None:
        raise BPostError(f"statement 0x{_id(statement).hex()} is not on chain")
    return open_sealed(
        committed.detail_salt, lei, private_key, sealed_binding(client, statement, "detailSalt")
    )


def confirm(client: Client, statement: str | bytes) -> TxReceipt:
    """Confirm the platform's figures (a party)."""
    return _send(client, "confirm", [_id(statement)], "confirm statement")


def submit_figures(
    client: Client,
    statement: str | bytes,
    amounts: Amounts,
    figures: bytes,
    parties: Sequence[str],
) -> TxReceipt:
    """Submit the party's own amounts, with its per-agreement figures and inputs (``figures``,
    e.g. a CSV) sealed to ``parties``."""
    own = signer_institution(client, "submit figures")
    binding = sealed_binding(client, statement, f"figures:{own}")
    sealed = seal(figures, _recipients(client, parties), binding)
    args = [_id(statement), amounts.to_abi(), sealed.to_abi()]
    return _send(client, "submitFigures", args, "submit own figures")


def submitted_figures(
    client: Client, statement: str | bytes, lei: str, private_key: bytes
) -> dict[Lei, bytes]:
    """The latest figures each party submitted, opened by a party: institution -> plaintext."""
    from bpost_client.lending.projection import submission_of

    found: dict[Lei, bytes] = {}
    for entry in _records(client, ["FiguresSubmitted"], statement):
        submitted = submission_of(entry)
        binding = sealed_binding(client, statement, f"figures:{submitted.by}")
        found[submitted.by] = open_sealed(submitted.figures, lei, private_key, binding)
    return found


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


def propose_resolution(
    client: Client,
    statement: str | bytes,
    kind: ResolutionKind,
    *,
    party: StatementRole = StatementRole.LENDER,
    adjusted: Amounts | None = None,
) -> TxReceipt:
    """Propose a resolution of a break: the platform's figures, ``party``'s submitted figures,
    or ``adjusted`` amounts (the proposer approves it)."""
    if (kind is ResolutionKind.ADJUSTED) != (adjusted is not None):
        raise ValueError("adjusted amounts go with an ADJUSTED resolution, and only with it")
    amounts = (adjusted or Amounts(0, 0, 0)).to_abi()
    args = [_id(statement), int(kind), int(party), amounts]
    return _send(client, "proposeResolution", args, f"propose resolution ({kind.name.lower()})")


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
