"""Funds: registration with the platform fund code, look-up by any code, the lifecycle, the
acknowledgment workflow, and the history and as-of reads rebuilt from events.

On chain a fund stores what contracts check (status, version, dates, trustee, parties, codes)
and the hash of its attributes; the attributes themselves travel in the ``FundRegistered`` and
``ChangeProposed`` events, and every read here checks them against that hash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3.logs import DISCARD
from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.dates import date_from_int, int_from_date
from bpost_client.exceptions import BPostError, ValidationError
from bpost_client.identifiers import (
    ascii_from_bytes,
    bytes20_from_lei,
    bytes32_from_ascii,
    check_fund_code,
    check_isin,
    check_ita_code,
    check_lei,
    lei_from_bytes20,
)
from bpost_client.platform.codes import resolve_code
from bpost_client.platform.projection import Entry, hex_text, records_of
from bpost_client.types import (
    FundCode,
    FundStatus,
    FundType,
    Lei,
    PartyRole,
    RecordKind,
    RequestKind,
    RequestState,
)

__all__ = [
    "ATTRIBUTES_ABI",
    "FUND_CODE_NAMESPACE",
    "FUND_EVENTS",
    "HISTORY_COLUMNS",
    "FundAttributes",
    "FundRecord",
    "FundRegistration",
    "Party",
    "Request",
    "acknowledge",
    "close_request",
    "complete_redemption",
    "fund_as_of",
    "fund_history",
    "fund_records",
    "get_fund",
    "get_request",
    "link_codes",
    "manager_namespace",
    "parties_of",
    "pending_for",
    "propose",
    "register_funds",
    "reject",
    "resolve_fund",
    "set_status",
    "waive_acknowledgment",
    "withdraw",
]

CONTRACT = "FundRegistry"
FUND_CODE_NAMESPACE = "BPFC"
"""The code namespace under which the platform fund codes are linked (the contracts' own)."""
ATTRIBUTES_ABI = "(string,string,bytes20,uint8,bytes3,uint32,uint32)"
FUND_EVENTS = (
    "FundRegistered",
    "ChangeProposed",
    "ChangeAcknowledged",
    "ChangeRejected",
    "ChangeWithdrawn",
    "ChangeAcknowledgmentWaived",
    "ChangeClosed",
    "RedemptionCompletedPastDue",
    "FundVersionMadeDefinitive",
    "FundStatusChanged",
    "FundListenerFailed",
)
MAX_BATCH = 256
MAX_CODES_PER_CALL = 8


@dataclass(frozen=True)
class FundAttributes:
    """A fund's attributes, committed on chain by :meth:`hash`."""

    name_ja: str
    name_en: str
    trustee: Lei
    fund_type: FundType
    currency: str
    establishment_date: date
    redemption_date: date | None = None

    def __post_init__(self) -> None:
        if not (self.name_ja or self.name_en):
            raise ValueError("a fund needs a Japanese or an English name")
        check_lei(self.trustee)
        if len(self.currency) != 3 or not self.currency.isascii() or not self.currency.isupper():
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code")
        if self.redemption_date is not None and self.redemption_date <= self.establishment_date:
            raise ValueError("the redemption date must come after the establishment date")

    def to_abi(self) -> tuple[Any, ...]:
        """The attributes as the contract's ``FundAttributes`` tuple."""
        return (
            self.name_ja, self.name_en, bytes20_from_lei(self.trustee), int(self.fund_type),
            self.currency.encode("ascii"), int_from_date(self.establishment_date),
            int_from_date(self.redemption_date),
        )  # fmt: skip

    def hash(self) -> bytes:
        """keccak256(abi.encode(attributes)), as the contract computes it."""
        return keccak(encode([ATTRIBUTES_ABI], [self.to_abi()]))

    @classmethod
    def from_abi(cls, raw: Sequence[Any] | Mapping[str, Any]) -> FundAttributes:
        """Attributes from a decoded tuple or event dictionary."""
        values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
        name_ja, name_en, trustee, fund_type, currency, established, redeemed = values
        return cls(
            str(name_ja), str(name_en), lei_from_bytes20(bytes(trustee)), FundType(fund_type),
            bytes(currency).decode("ascii"), date_from_int(int(established)) or date.min,
            date_from_int(int(redeemed)),
        )  # fmt: skip


@dataclass(frozen=True)
class Party:
    """A related party of a fund."""

    lei: Lei
    role: PartyRole
    required: bool = True

    def to_abi(self) -> tuple[bytes, int, bool]:
        return (bytes20_from_lei(self.lei), int(self.role), self.required)


@dataclass(frozen=True)
class FundRegistration:
    """A fund to register: the asset manager's own code for it is the upload key."""

    manager_code: str
    attributes: FundAttributes
    codes: tuple[tuple[str, str], ...] = ()
    parties: tuple[Party, ...] = ()

    def to_abi(self) -> tuple[Any, ...]:
        return (
            bytes32_from_ascii(self.manager_code),
            self.attributes.to_abi(),
            [(bytes32_from_ascii(ns), bytes32_from_ascii(value)) for ns, value in self.codes],
            [p.to_abi() for p in self.parties],
        )


@dataclass(frozen=True)
class FundRecord:
    """A fund's latest definitive record: what the chain stores and the attributes it commits."""

    code: FundCode
    asset_manager: Lei
    status: FundStatus
    version: int
    effective_date: date | None
    attributes: FundAttributes
    open_request: int
    parties: tuple[Party, ...] = field(default=())


@dataclass(frozen=True)
class Request:
    """A proposed establishment, change or redemption."""

    request_id: int
    fund_code: FundCode
    kind: RequestKind
    state: RequestState
    proposer: Lei
    required: tuple[Lei, ...]
    acknowledged: tuple[Lei, ...]
    effective_date: date | None
    due_date: date | None


def manager_namespace(lei: str) -> str:
    """The code namespace of an asset manager's own fund codes: ``AM/`` and its LEI."""
    return "AM/" + check_lei(lei)


def _code(raw: bytes) -> FundCode:
    return FundCode(ascii_from_bytes(raw))


def register_funds(
    client: Client,
    registrations: Sequence[FundRegistration],
    on_done: Callable[[TxReceipt], None] | None = None,
    max_batch: int = MAX_BATCH,
) -> list[FundCode]:
    """Register funds as drafts of the signer's institution, batched; return their codes in order.

    Each batch is one transaction, sized under the block gas limit and 128 KiB of calldata;
    ``on_done`` is called with each batch's receipt.

    Raises:
        ContractRevert: a fund is refused (nothing of its batch is written).
    """
    registry = client.contract(CONTRACT)
    register = registry.functions.registerFunds
    items = [r.to_abi() for r in registrations]
    receipts = send_batched(client.sender, register, items, max_batch, "register {} funds", on_done)
    codes: list[FundCode] = []
    for receipt in receipts:
        for log in registry.events.FundRegistered().process_receipt(receipt, errors=DISCARD):
            codes.append(_code(log["args"]["fundCode"]))
    return codes


def link_codes(client: Client, fund_code: str, codes: Sequence[tuple[str, str]]) -> list[TxReceipt]:
    """Link more (namespace, value) codes to a fund (its asset manager), eight per transaction."""
    code = bytes32_from_ascii(check_fund_code(fund_code))
    pairs = [(bytes32_from_ascii(ns), bytes32_from_ascii(value)) for ns, value in codes]
    registry = client.contract(CONTRACT)
    calls = [
        (
            registry.functions.linkCodes(code, pairs[i : i + MAX_CODES_PER_CALL]),
            f"link codes to {fund_code}",
        )
        for i in range(0, len(pairs), MAX_CODES_PER_CALL)
    ]
    return client.sender.send_all(calls)


def resolve_fund(client: Client, namespace: str, value: str) -> FundCode | None:
    """The fund a code points to, or None when the code is free or points to another kind. An
    ISIN or an ITA code is checked and read in capitals first.

    Raises:
        ValueError: an ISIN or ITA code that is not one.
    """
    if namespace == "ISIN":
        value = check_isin(value)
    elif namespace == "ITA":
        value = check_ita_code(value)
    target = resolve_code(client, namespace, value)
    if target is None or target.kind is not RecordKind.FUND:
        return None
    return _code(target.record_id)


def parties_of(client: Client, fund_code: str) -> tuple[Party, ...]:
    """A fund's related parties: the asset manager, the trustee, then the others."""
    raw = client.read(client.contract(CONTRACT).functions.partiesOf(bytes32_from_ascii(fund_code)))
    return tuple(Party(lei_from_bytes20(bytes(p[0])), PartyRole(p[1]), bool(p[2])) for p in raw)


def get_fund(client: Client, fund_code: str) -> FundRecord:
    """A fund's latest definitive record, its attributes checked against the on-chain hash.

    Raises:
        FundRegistryUnknownFund: no such fund (a ContractRevert).
        BPostError: no event carries attributes with the stored hash.
    """
    from bpost_client.registry.projection import fold_fund  # it builds on this module

    code = check_fund_code(fund_code)
    raw = client.read(client.contract(CONTRACT).functions.getFund(bytes32_from_ascii(code)))
    manager, status, version, effective, _trustee, _est, _red, open_request, digest = raw
    fund = fold_fund(code, fund_records(client, code))
    attributes = None if fund is None else fund.attributes_hashed(bytes(digest))
    if attributes is None:
        raise BPostError(f"no event carries the attributes of {code} version {version}")
    return FundRecord(
        code=code, asset_manager=lei_from_bytes20(bytes(manager)), status=FundStatus(status),
        version=int(version), effective_date=date_from_int(int(effective)), attributes=attributes,
        open_request=int(open_request), parties=parties_of(client, code),
    )  # fmt: skip


def propose(
    client: Client,
    fund_code: str,
    kind: RequestKind,
    attributes: FundAttributes,
    effective_date: date,
    due_date: date,
) -> int:
    """Propose an establishment, change or redemption; return the request number.

    Raises:
        ValidationError: ``due_date`` is before the chain's today: the parties could never
            acknowledge in time.
    """
    today = client.today()
    if due_date < today:
        raise ValidationError(
            f"due date {due_date.isoformat()} is in the past (the chain's today is "
            f"{today.isoformat()}): give the parties a date to acknowledge by"
        )
    registry = client.contract(CONTRACT)
    call = registry.functions.propose(
        bytes32_from_ascii(check_fund_code(fund_code)), int(kind), attributes.to_abi(),
        int_from_date(effective_date), int_from_date(due_date),
    )  # fmt: skip
    receipt = client.sender.send(call, f"propose {kind.name.lower()} of {fund_code}")
    logs = registry.events.ChangeProposed().process_receipt(receipt, errors=DISCARD)
    return int(logs[0]["args"]["requestId"])


def acknowledge(client: Client, request_id: int) -> TxReceipt:
    """Acknowledge a request for the signer's institution."""
    call = client.contract(CONTRACT).functions.acknowledge(request_id)
    return client.sender.send(call, f"acknowledge request {request_id}")


def reject(client: Client, request_id: int, reason: str) -> TxReceipt:
    """Reject a request for the signer's institution, with a reason (a redemption: the trustee
    only, see :func:`complete_redemption`)."""
    call = client.contract(CONTRACT).functions.reject(request_id, reason)
    return client.sender.send(call, f"reject request {request_id}")


def withdraw(client: Client, request_id: int) -> TxReceipt:
    """Withdraw a pending request (the fund's asset manager)."""
    call = client.contract(CONTRACT).functions.withdraw(request_id)
    return client.sender.send(call, f"withdraw request {request_id}")


def complete_redemption(client: Client, request_id: int) -> TxReceipt:
    """Complete a redemption past its due date with the trustee's acknowledgment (the fund's
    asset manager), whether or not the distributors and custodians acknowledged it: a redemption
    is the manager's and the trustee's decision, the others acknowledge its receipt.

    Raises:
        FundRegistryNotPastDue: the due date is today or later (a ContractRevert).
        FundRegistryTrusteeNotAcknowledged: the trustee has not acknowledged it.
        FundRegistryNotRedemption: the request is an establishment or a change.
    """
    call = client.contract(CONTRACT).functions.completeRedemption(request_id)
    return client.sender.send(call, f"complete the redemption of request {request_id}")


def waive_acknowledgment(client: Client, request_id: int, lei: str, reason: str) -> TxReceipt:
    """Waive the acknowledgment ``lei`` owes a pending request because the institution is
    suspended or no longer registered (the platform operator; a governance decision will take
    this over). The request becomes definitive when every other required party acknowledged.

    Raises:
        FundRegistryPartyActive: ``lei`` is active and can acknowledge itself (a ContractRevert).
        FundRegistryPartyNotRequired: the request does not await ``lei``.
    """
    call = client.contract(CONTRACT).functions.waiveAcknowledgment(
        request_id, bytes20_from_lei(check_lei(lei)), reason
    )
    return client.sender.send(call, f"waive {lei}'s acknowledgment of request {request_id}")


def close_request(client: Client, request_id: int, reason: str) -> TxReceipt:
    """Close a pending request that awaits a suspended or unregistered party (the platform
    operator; a governance decision will take this over).

    Raises:
        FundRegistryRequiredPartiesActive: every party it awaits is active (a ContractRevert).
    """
    call = client.contract(CONTRACT).functions.closeRequest(request_id, reason)
    return client.sender.send(call, f"close request {request_id}")


def set_status(client: Client, fund_code: str, status: FundStatus) -> TxReceipt:
    """Activate, suspend, resume, or complete the redemption of a fund."""
    call = client.contract(CONTRACT).functions.setStatus(
        bytes32_from_ascii(check_fund_code(fund_code)), int(status)
    )
    return client.sender.send(call, f"set {fund_code} to {status.name.lower()}")


def get_request(client: Client, request_id: int) -> Request:
    """A request, with the parties that must and did acknowledge it."""
    registry = client.contract(CONTRACT)
    raw = client.read(registry.functions.getRequest(request_id))
    code, _digest, proposer, kind, state, required, acked, effective, due = raw[:9]
    parties = parties_of(client, ascii_from_bytes(code))
    return Request(
        request_id=request_id, fund_code=_code(code), kind=RequestKind(kind),
        state=RequestState(state), proposer=lei_from_bytes20(bytes(proposer)),
        required=tuple(p.lei for i, p in enumerate(parties[1:]) if required >> i & 1),
        acknowledged=tuple(p.lei for i, p in enumerate(parties[1:]) if acked >> i & 1),
        effective_date=date_from_int(int(effective)), due_date=date_from_int(int(due)),
    )  # fmt: skip


def pending_for(client: Client, lei: str, today: date) -> pd.DataFrame:
    """What ``lei`` still has to acknowledge: one row per pending request, overdue flagged.

    Columns: request_id, fund_code, kind, proposer, effective_date, due_date, overdue.
    """
    registry = client.contract(CONTRACT)
    count = client.read(registry.functions.requestCount())
    rows = []
    for request_id in range(1, count + 1):
        request = get_request(client, request_id)
        if request.state is not RequestState.PENDING:
            continue
        if lei in request.required and lei not in request.acknowledged:
            rows.append({
                "request_id": request_id, "fund_code": request.fund_code,
                "kind": request.kind.name.lower(), "proposer": request.proposer,
                "effective_date": request.effective_date, "due_date": request.due_date,
                "overdue": request.due_date is not None and request.due_date < today,
            })  # fmt: skip
    columns = [
        "request_id",
        "fund_code",
        "kind",
        "proposer",
        "effective_date",
        "due_date",
        "overdue",
    ]
    return pd.DataFrame(rows, columns=columns)


HISTORY_COLUMNS = (
    "block", "time", "event", "request_id", "version", "status", "lei", "by", "reason",
    "effective_date", "attributes_hash", "transaction",
)  # fmt: skip


def fund_history(client: Client, fund_code: str) -> pd.DataFrame:
    """Every event of a fund in chain order, from its records: who proposed, acknowledged,
    rejected, what became definitive and when. Columns: :data:`HISTORY_COLUMNS` (``lei`` is the
    acknowledging or rejecting institution, or the asset manager of the registration).
    """
    entries = fund_records(client, fund_code)
    times = {
        number: int(client.w3.eth.get_block(number)["timestamp"])
        for number in {e.block_number for e in entries}
    }

    def number(data: dict[str, Any], name: str) -> int | None:
        return int(data[name]) if name in data else None

    rows = []
    for entry in entries:
        data = entry.data
        status = number(data, "to")
        effective = number(data, "effectiveDate")
        rows.append({
            "block": entry.block_number, "time": times[entry.block_number], "event": entry.event,
            "request_id": number(data, "requestId"), "version": number(data, "version"),
            "status": None if status is None else FundStatus(status).name.lower(),
            "lei": hex_text(data.get("lei") or data.get("assetManager")) or None,
            "by": data.get("by"), "reason": data.get("reason"),
            "effective_date": None if effective is None else date_from_int(effective),
            "attributes_hash": data.get("attributesHash"), "transaction": entry.transaction_hash,
        })  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    frame["time"] = pd.to_datetime(frame["time"], unit="s", utc=True)
    for column in ("request_id", "version"):
        frame[column] = frame[column].astype("Int64")
    return frame


def fund_records(client: Client, fund_code: str) -> list[Entry]:
    """The ``fund`` records of a fund in chain order, read from the node as the index holds
    them (see :mod:`bpost_client.registry.projection`)."""
    from bpost_client.registry.projection import PROJECTORS  # it builds on this module

    code = check_fund_code(fund_code)
    where = {"fundCode": bytes32_from_ascii(code)}
    return records_of(client, CONTRACT, PROJECTORS, FUND_EVENTS, where)


def fund_as_of(client: Client, fund_code: str, day: date) -> FundAttributes | None:
    """The attributes in force on ``day``: the latest definitive version whose effective date is
    on or before it (the registered draft when none is), None before the fund existed.
    """
    from bpost_client.registry.projection import fold_fund

    code = check_fund_code(fund_code)
    fund = fold_fund(code, fund_records(client, code))
    return None if fund is None else fund.attributes_on(day)
