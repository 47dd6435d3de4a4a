"""Key custody: the EIP-712 messages by which an institution, and only it, binds its addresses and
its encryption key, by which consortium members approve a proposal off chain, and by which the
parties of a lending statement give their verdict on figures they alone can open.

The contracts check each signature; a client checks them again from the events
(:func:`key_change_signer`), so a key change it seals to never rests on the operator's word.
Every message names the contract (its EIP-712 domain: name, version, chain id, address), and the
ones that change an institution name its record version too, so a signature serves once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data

from bpost_client.identifiers import bytes20_from_lei, check_address
from bpost_client.types import Address, InstitutionType

__all__ = [
    "APPROVALS_DOMAIN",
    "REGISTRY_DOMAIN",
    "STATEMENTS_DOMAIN",
    "Domain",
    "approval_signer",
    "key_change_signer",
    "sign_admission",
    "sign_approval",
    "sign_key_change",
    "sign_operator_binding",
    "sign_recovery",
    "sign_verdict",
    "verdict_signer",
]

REGISTRY_DOMAIN = "B-POST ParticipantRegistry"
"""The EIP-712 domain name of the ParticipantRegistry's messages."""
APPROVALS_DOMAIN = "B-POST ConsortiumApprovals"
"""The EIP-712 domain name of the ConsortiumApprovals' messages."""
STATEMENTS_DOMAIN = "B-POST LendingStatements"
"""The EIP-712 domain name of the LendingStatements' messages."""

_KEY_AT_VERSION = [
    {"name": "lei", "type": "bytes20"},
    {"name": "encryptionKey", "type": "bytes"},
    {"name": "version", "type": "uint32"},
]
_TYPES: dict[str, list[dict[str, str]]] = {
    "Admission": [
        {"name": "lei", "type": "bytes20"},
        {"name": "kind", "type": "uint8"},
        {"name": "encryptionKey", "type": "bytes"},
    ],
    "KeyChange": _KEY_AT_VERSION,
    "OperatorBinding": [
        {"name": "lei", "type": "bytes20"},
        {"name": "account", "type": "address"},
        {"name": "version", "type": "uint32"},
    ],
    "Recovery": _KEY_AT_VERSION,
    "Approval": [{"name": "id", "type": "bytes32"}],
    "Verdict": [
        {"name": "statementId", "type": "bytes32"},
        {"name": "platform", "type": "bytes32"},
        {"name": "submitted", "type": "bytes32"},
        {"name": "settingsVersion", "type": "uint32"},
    ],
}


@dataclass(frozen=True)
class Domain:
    """Where a message is valid: one contract of one chain."""

    name: str
    chain_id: int
    contract: Address

    def typed(self, primary: str, message: dict[str, Any]) -> dict[str, Any]:
        """The full EIP-712 message of type ``primary``."""
        return {
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                primary: _TYPES[primary],
            },
            "primaryType": primary,
            "domain": {
                "name": self.name,
                "version": "1",
                "chainId": self.chain_id,
                "verifyingContract": check_address(self.contract),
            },
            "message": message,
        }


def _lei(lei: str | bytes) -> bytes:
    """An LEI as the contracts take it; raw 20 bytes pass unchecked (a test of a bad LEI)."""
    if isinstance(lei, bytes):
        if len(lei) != 20:
            raise ValueError(f"an LEI is 20 bytes, not {len(lei)}")
        return lei
    return bytes20_from_lei(lei)


def _sign(private_key: bytes, typed: dict[str, Any]) -> bytes:
    signed = Account.sign_message(encode_typed_data(full_message=typed), private_key)
    return bytes(signed.signature)


def _signer(typed: dict[str, Any], signature: bytes) -> Address | None:
    try:
        recovered = Account.recover_message(
            encode_typed_data(full_message=typed), signature=signature
        )
    except (ValueError, TypeError):
        return None
    return Address(check_address(recovered))


def sign_admission(
    private_key: bytes,
    domain: Domain,
    lei: str | bytes,
    kind: InstitutionType | int,
    encryption_key: bytes,
) -> bytes:
    """The first operator's consent to be admitted for ``lei`` with ``encryption_key``."""
    message = {"lei": _lei(lei), "kind": int(kind), "encryptionKey": bytes(encryption_key)}
    return _sign(private_key, domain.typed("Admission", message))


def _key_at_version(
    primary: str, domain: Domain, lei: str | bytes, encryption_key: bytes, version: int
) -> dict[str, Any]:
    message = {"lei": _lei(lei), "encryptionKey": bytes(encryption_key), "version": version}
    return domain.typed(primary, message)


def sign_key_change(
    private_key: bytes, domain: Domain, lei: str | bytes, encryption_key: bytes, version: int
) -> bytes:
    """An institution's operator signing its new key; ``version`` is the record's current one."""
    return _sign(private_key, _key_at_version("KeyChange", domain, lei, encryption_key, version))


def key_change_signer(
    domain: Domain, lei: str | bytes, encryption_key: bytes, version: int, signature: bytes
) -> Address | None:
    """Who signed a key change of record version ``version`` (None for a malformed signature)."""
    typed = _key_at_version("KeyChange", domain, lei, encryption_key, version)
    return _signer(typed, signature)


def sign_operator_binding(
    private_key: bytes, domain: Domain, lei: str | bytes, version: int
) -> bytes:
    """An address's consent to act for ``lei`` (the address is the signer's own)."""
    account = Account.from_key(private_key).address
    message = {"lei": _lei(lei), "account": account, "version": version}
    return _sign(private_key, domain.typed("OperatorBinding", message))


def sign_recovery(
    private_key: bytes, domain: Domain, lei: str | bytes, encryption_key: bytes, version: int
) -> bytes:
    """A recovered institution's new address signing its new key for governance to bind."""
    return _sign(private_key, _key_at_version("Recovery", domain, lei, encryption_key, version))


def sign_approval(private_key: bytes, domain: Domain, proposal: bytes) -> bytes:
    """A member's approval of proposal ``proposal`` (its 32-byte id), to be sent by anyone."""
    return _sign(private_key, domain.typed("Approval", {"id": bytes(proposal)}))


def approval_signer(domain: Domain, proposal: bytes, signature: bytes) -> Address | None:
    """Who signed an approval of ``proposal`` (None for a malformed signature)."""
    return _signer(domain.typed("Approval", {"id": bytes(proposal)}), signature)


def _verdict(
    domain: Domain, statement: bytes, platform: bytes, submitted: bytes, settings_version: int
) -> dict[str, Any]:
    return domain.typed(
        "Verdict",
        {
            "statementId": bytes(statement),
            "platform": bytes(platform),
            "submitted": bytes(submitted),
            "settingsVersion": settings_version,
        },
    )


def sign_verdict(
    private_key: bytes,
    domain: Domain,
    statement: bytes,
    platform: bytes,
    submitted: bytes,
    settings_version: int,
) -> bytes:
    """A party's verdict that the figures committed as ``submitted`` are within the tolerance of
    the pair's settings version ``settings_version`` of the platform's (``platform``), on
    statement ``statement`` (32 bytes each), to be sent by any party."""
    return _sign(private_key, _verdict(domain, statement, platform, submitted, settings_version))


def verdict_signer(
    domain: Domain,
    statement: bytes,
    platform: bytes,
    submitted: bytes,
    settings_version: int,
    signature: bytes,
) -> Address | None:
    """Who signed a verdict (None for a malformed signature)."""
    typed = _verdict(domain, statement, platform, submitted, settings_version)
    return _signer(typed, signature)
