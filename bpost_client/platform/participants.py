"""Institutions: register, read, rename, rotate keys, bind addresses, suspend and reinstate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import coincurve
import pandas as pd
from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from bpost_client._utils.sender import Call
from bpost_client.client import Client
from bpost_client.exceptions import SignerError, ValidationError
from bpost_client.identifiers import (
    bytes20_from_lei,
    check_address,
    check_lei,
    lei_from_bytes20,
)
from bpost_client.platform.custody import (
    REGISTRY_DOMAIN,
    Domain,
    sign_admission,
    sign_key_change,
    sign_operator_binding,
    sign_recovery,
)
from bpost_client.platform.events import block_times
from bpost_client.types import Address, Institution, InstitutionStatus, InstitutionType, Lei

__all__ = [
    "EVENTS",
    "MAX_NAME_BYTES",
    "Admission",
    "InstitutionSpec",
    "add_operator",
    "admission_of",
    "check_encryption_key",
    "clients_by_institution",
    "encryption_key_of",
    "get_institution",
    "history",
    "institution_of",
    "institutions_frame",
    "list_institutions",
    "operator_consent",
    "recover_institution_call",
    "recovery_signature",
    "register_institution",
    "register_institution_call",
    "registry_domain",
    "reinstate_institution",
    "remove_operator",
    "rename_institution",
    "set_encryption_key",
    "signer_institution",
    "suspend_institution",
]

CONTRACT = "ParticipantRegistry"
MAX_NAME_BYTES = 200
EVENTS = (
    "InstitutionRegistered",
    "InstitutionRenamed",
    "EncryptionKeyChanged",
    "OperatorAdded",
    "OperatorRemoved",
    "InstitutionSuspended",
    "InstitutionReinstated",
    "InstitutionRecovered",
)


def check_encryption_key(key: bytes | str) -> bytes:
    """A compressed secp256k1 public key (33 bytes) that lies on the curve.

    Raises:
        ValueError: not hex, not 33 bytes with 0x02/0x03 first, or not a point of the curve.
    """
    raw = bytes.fromhex(key.removeprefix("0x")) if isinstance(key, str) else bytes(key)
    if len(raw) != 33 or raw[0] not in (2, 3):
        raise ValueError(
            "an encryption key is a compressed secp256k1 public key: 33 bytes, 02/03 first"
        )
    try:
        coincurve.PublicKey(raw)
    except ValueError as exc:
        raise ValueError("the encryption key is not a point of secp256k1") from exc
    return raw


def encryption_key_of(account: LocalAccount) -> bytes:
    """The compressed public key of an account's own secp256k1 key."""
    return bytes(coincurve.PublicKey.from_secret(bytes(account.key)).format(compressed=True))


@dataclass(frozen=True)
class InstitutionSpec:
    """An institution to register."""

    lei: Lei
    legal_name: str
    kind: InstitutionType
    encryption_key: bytes
    operators: tuple[Address, ...] = ()

    def __post_init__(self) -> None:
        check_lei(self.lei)
        size = len(self.legal_name.encode("utf-8"))
        if not 0 < size <= MAX_NAME_BYTES:
            raise ValueError(f"a legal name takes 1 to {MAX_NAME_BYTES} bytes of UTF-8, not {size}")
        if self.kind is InstitutionType.NONE:
            raise ValueError("an institution needs a type")
        check_encryption_key(self.encryption_key)
        for operator in self.operators:
            check_address(operator)


def _record(raw: Sequence[Any], operators: Iterable[str]) -> Institution:
    lei, kind, status, version, registered, updated, name, key = raw
    return Institution(
        lei=lei_from_bytes20(bytes(lei)),
        kind=InstitutionType(kind),
        status=InstitutionStatus(status),
        version=int(version),
        registered_at=int(registered),
        updated_at=int(updated),
        legal_name=str(name),
        encryption_key=bytes(key),
        operators=tuple(check_address(a) for a in operators),
    )


def get_institution(client: Client, lei: str) -> Institution:
    """The institution ``lei``.

    Raises:
        ParticipantRegistryUnknownInstitution: no such institution (a ContractRevert).
    """
    registry = client.contract(CONTRACT)
    key = bytes20_from_lei(lei)
    raw = client.read(registry.functions.getInstitution(key))
    operators = client.read(registry.functions.operatorsOf(key))
    return _record(tuple(raw), operators)


def list_institutions(client: Client) -> list[Institution]:
    """Every institution, in registration order."""
    registry = client.contract(CONTRACT)
    count = client.read(registry.functions.institutionCount())
    leis = [
        lei_from_bytes20(client.read(registry.functions.institutionAt(i))) for i in range(count)
    ]
    return [get_institution(client, lei) for lei in leis]


def clients_by_institution(reader: Client, accounts: Iterable[LocalAccount]) -> dict[Lei, Client]:
    """A client per institution, signing with whichever of ``accounts`` is its first operator
    (read-only when none is)."""
    by_address = {account.address: account for account in accounts}
    clients = {}
    for institution in list_institutions(reader):
        first = institution.operators[0] if institution.operators else None
        clients[institution.lei] = reader.with_account(by_address.get(first) if first else None)
    return clients


def institutions_frame(client: Client) -> pd.DataFrame:
    """Every institution as a table: lei, legal_name, type, status, version, operators, key."""
    rows = [
        {
            "lei": inst.lei,
            "legal_name": inst.legal_name,
            "type": inst.kind.label,
            "status": inst.status.name.lower(),
            "version": inst.version,
            "operators": list(inst.operators),
            "encryption_key": "0x" + inst.encryption_key.hex(),
        }
        for inst in list_institutions(client)
    ]
    columns = ["lei", "legal_name", "type", "status", "version", "operators", "encryption_key"]
    return pd.DataFrame(rows, columns=columns)


def signer_institution(client: Client, purpose: str = "act") -> Lei:
    """The institution the client's signer acts for.

    Raises:
        SignerError: no signer.
        ValidationError: the signer acts for no institution (it cannot ``purpose``).
    """
    lei = institution_of(client, client.address)
    if lei is None:
        raise ValidationError(f"{client.address} acts for no institution: it cannot {purpose}")
    return lei


def institution_of(client: Client, account: str) -> Lei | None:
    """The LEI of the institution ``account`` acts for, or None."""
    raw = bytes(
        client.read(client.contract(CONTRACT).functions.institutionOf(check_address(account)))
    )
    return None if raw == bytes(20) else lei_from_bytes20(raw)


@dataclass(frozen=True)
class Admission:
    """An institution's consent to its admission: its first operator address and that address's
    EIP-712 signature of the LEI, type and key (see :func:`admission_of`)."""

    operator: Address
    signature: bytes


def registry_domain(client: Client) -> Domain:
    """The EIP-712 domain of the deployment's ParticipantRegistry."""
    return Domain(REGISTRY_DOMAIN, client.chain_id, Address(client.manifest.address(CONTRACT)))


def admission_of(client: Client, account: LocalAccount, spec: InstitutionSpec) -> Admission:
    """The institution's side of an admission, signed by ``account``, its first operator: what it
    hands to the consortium, which alone admits."""
    signature = sign_admission(
        bytes(account.key), registry_domain(client), spec.lei, spec.kind, spec.encryption_key
    )
    return Admission(Address(check_address(account.address)), signature)


def register_institution_call(spec: InstitutionSpec, admission: Admission, client: Client) -> Call:
    """The admission as a call (for a governance proposal, or an operator's transaction)."""
    return client.contract(CONTRACT).functions.registerInstitution(
        bytes20_from_lei(spec.lei), int(spec.kind), spec.legal_name, spec.encryption_key,
        admission.operator, admission.signature,
    )  # fmt: skip


def register_institution(client: Client, spec: InstitutionSpec, admission: Admission) -> TxReceipt:
    """Admit an institution with its signed first operator and key (needs OPERATOR_ROLE)."""
    return client.sender.send(
        register_institution_call(spec, admission, client), f"register {spec.lei}"
    )


def rename_institution(client: Client, lei: str, legal_name: str) -> TxReceipt:
    """Change an institution's legal name (needs OPERATOR_ROLE)."""
    call = client.contract(CONTRACT).functions.renameInstitution(bytes20_from_lei(lei), legal_name)
    return client.sender.send(call, f"rename {lei}")


def _own_account(client: Client, lei: str) -> LocalAccount:
    if client.account is None:
        raise SignerError("an institution's change needs its operator's key: connect with one")
    if institution_of(client, client.address) != lei:
        raise ValidationError(
            f"{client.address} acts for no institution {lei}: only its own operators change it"
        )
    return client.account


def set_encryption_key(client: Client, lei: str, key: bytes) -> TxReceipt:
    """Replace the signer's own institution's public encryption key, signed (EIP-712) by the
    signer, one of its operators: no one else can.

    Raises:
        ValidationError: the signer is no operator of ``lei``, or the key is not a point.
    """
    account = _own_account(client, lei)
    key = check_encryption_key(key)
    version = get_institution(client, lei).version
    signature = sign_key_change(bytes(account.key), registry_domain(client), lei, key, version)
    call = client.contract(CONTRACT).functions.setEncryptionKey(
        bytes20_from_lei(lei), key, account.address, signature
    )
    return client.sender.send(call, f"set key of {lei}")


def operator_consent(client: Client, account: LocalAccount, lei: str) -> bytes:
    """``account``'s consent to act for ``lei`` (at the institution's current version), which the
    institution's operator sends with :func:`add_operator`."""
    version = get_institution(client, lei).version
    return sign_operator_binding(bytes(account.key), registry_domain(client), lei, version)


def add_operator(client: Client, lei: str, account: str, consent: bytes) -> TxReceipt:
    """Bind an address to the signer's own institution, with the address's consent."""
    _own_account(client, lei)
    call = client.contract(CONTRACT).functions.addOperator(
        bytes20_from_lei(lei), check_address(account), consent
    )
    return client.sender.send(call, f"add operator {account} to {lei}")


def remove_operator(client: Client, lei: str, account: str) -> TxReceipt:
    """Unbind an address from the signer's own institution (its last one stays)."""
    _own_account(client, lei)
    call = client.contract(CONTRACT).functions.removeOperator(
        bytes20_from_lei(lei), check_address(account)
    )
    return client.sender.send(call, f"remove operator {account} from {lei}")


def recovery_signature(client: Client, account: LocalAccount, lei: str, key: bytes) -> bytes:
    """A lost institution's new address signing its new key, for governance to bind."""
    version = get_institution(client, lei).version
    return sign_recovery(
        bytes(account.key), registry_domain(client), lei, check_encryption_key(key), version
    )


def recover_institution_call(
    client: Client, lei: str, operator: str, key: bytes, signature: bytes, reason: str
) -> Call:
    """The recovery of a lost institution, as a call for a governance proposal (OPERATOR_ROLE is
    the timelock's)."""
    return client.contract(CONTRACT).functions.recoverInstitution(
        bytes20_from_lei(lei), check_address(operator), check_encryption_key(key), signature,
        reason,
    )  # fmt: skip


def suspend_institution(client: Client, lei: str, reason: str) -> TxReceipt:
    """Suspend an institution (needs OPERATOR_ROLE)."""
    call = client.contract(CONTRACT).functions.suspendInstitution(bytes20_from_lei(lei), reason)
    return client.sender.send(call, f"suspend {lei}")


def reinstate_institution(client: Client, lei: str) -> TxReceipt:
    """Reinstate a suspended institution (needs OPERATOR_ROLE)."""
    call = client.contract(CONTRACT).functions.reinstateInstitution(bytes20_from_lei(lei))
    return client.sender.send(call, f"reinstate {lei}")


def history(client: Client, lei: str | None = None, to_block: int | None = None) -> pd.DataFrame:
    """Every change to institutions since the deployment, in chain order, from the institution
    records: one column per event argument (bytes as 0x-hex, the LEI as text), then ``event``,
    ``block``, ``time`` (UTC), ``transaction``, ``log_index`` and ``contract``."""
    from bpost_client.contracts import load_abi
    from bpost_client.platform.projection import PROJECTORS, records_of

    where = {"lei": bytes20_from_lei(lei)} if lei else None
    entries = records_of(client, CONTRACT, PROJECTORS, EVENTS, where, None, to_block)
    times = block_times(client.w3, (e.block_number for e in entries))
    address = client.manifest.address(CONTRACT)
    abis = {i["name"]: i for i in load_abi(CONTRACT) if i.get("type") == "event"}
    present = {e.event for e in entries} or {EVENTS[0]}  # the columns of the events found
    shown = [e for e in EVENTS if e in present]
    arguments = list(dict.fromkeys(i["name"] for e in shown for i in abis[e]["inputs"]))
    rows = [
        {
            **{name: entry.data[name] for name in arguments if name in entry.data},
            "lei": entry.record.key,
            "event": entry.event,
            "block": entry.block_number,
            "time": times[entry.block_number],
            "transaction": entry.transaction_hash,
            "log_index": entry.log_index,
            "contract": address,
        }
        for entry in entries
    ]
    meta = ["event", "block", "time", "transaction", "log_index", "contract"]
    frame = pd.DataFrame(rows, columns=[*arguments, *meta])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame
