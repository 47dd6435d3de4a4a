"""Admissions, operator bindings and key changes in contract tests, signed the way the platform
signs them (the client's :mod:`bpost_client.platform.custody`)."""

from __future__ import annotations

from typing import Any

from ape import chain
from eth_account import Account

from bpost_client.platform.custody import (
    REGISTRY_DOMAIN,
    Domain,
    sign_admission,
    sign_key_change,
    sign_operator_binding,
    sign_recovery,
)


def private_key(account: Any) -> bytes:
    """The private key of an Ape test account or an eth-account account."""
    key = account.private_key if hasattr(account, "private_key") else account.key
    return bytes.fromhex(key.removeprefix("0x")) if isinstance(key, str) else bytes(key)


def domain(registry: Any) -> Domain:
    """The EIP-712 domain of a deployed ParticipantRegistry."""
    return Domain(REGISTRY_DOMAIN, chain.chain_id, registry.address)


def fresh_account() -> Any:
    """A key of its own for an institution that never sends a transaction in the test."""
    return Account.create()


def admit(
    registry: Any, sender: Any, lei: bytes, kind: int, name: str, key: bytes, account: Any = None
) -> Any:
    """Admit an institution with its first operator address, which signs the admission (a fresh
    key when the test needs no sender for the institution). Returns the receipt."""
    signer = account if account is not None else fresh_account()
    signature = sign_admission(private_key(signer), domain(registry), lei, kind, key)
    return registry.registerInstitution(
        lei, kind, name, key, signer.address, signature, sender=sender
    )


def bind(registry: Any, lei: bytes, by: Any, account: Any) -> Any:
    """Bind ``account`` to ``lei``: ``by`` (an operator of it) sends, ``account`` consents."""
    version = registry.getInstitution(lei).version
    consent = sign_operator_binding(private_key(account), domain(registry), lei, version)
    return registry.addOperator(lei, account.address, consent, sender=by)


def change_key(registry: Any, lei: bytes, signer: Any, key: bytes, sender: Any = None) -> Any:
    """The institution's own key change, signed by its operator ``signer`` (sent by ``sender``)."""
    version = registry.getInstitution(lei).version
    signature = sign_key_change(private_key(signer), domain(registry), lei, key, version)
    return registry.setEncryptionKey(
        lei, key, signer.address, signature, sender=sender if sender is not None else signer
    )


def recovery_signature(registry: Any, lei: bytes, account: Any, key: bytes) -> bytes:
    """The new address's signature of a recovery of ``lei`` with ``key``."""
    version = registry.getInstitution(lei).version
    return sign_recovery(private_key(account), domain(registry), lei, key, version)
