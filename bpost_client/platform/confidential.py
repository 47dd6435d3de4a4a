"""Confidential fields on a chain every node operator can read.

A confidential payload (an SSI account number, AML/CFT review details, KYC document
references) goes on chain only as:

* ``ciphertext``: AES-256-GCM of ``salt || plaintext``, padded (:func:`padded_size`), under a
  fresh data key, with the payload's :class:`Binding` (chain, contract, record, version, field)
  as associated data: it opens only as that record's, so no one replays it into another record
  or version. The padding (``0x80`` then zeros, ISO/IEC 7816-4) takes every payload to one of a
  few sizes, so the ciphertext's length no longer counts movements or spells a length;
* ``recipients``: for each entitled institution, the data key encrypted to its secp256k1 public
  key from the participant registry (ECIES, ``eciespy``);
* ``commitment``: keccak256(salt || plaintext). The 32-byte random salt keeps a guessable value
  (an account number) from being found by hashing candidates.

An entitled institution decrypts its wrapped key with its private key, decrypts the payload and
checks the commitment; anyone else holds bytes it cannot open.

After the institution rotates its key, the copies wrapped to the old one no longer open with the
new one: the institution wraps each data key again to its new key (``platform.rewrap``, the
``KeyRewraps`` contract), and opens old payloads with a :class:`KeyRing`, its current key with
those re-wrapped copies, wherever a private key is taken.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ecies
from Crypto.Cipher import AES
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client.exceptions import BPostError
from bpost_client.identifiers import bytes20_from_lei, lei_from_bytes20
from bpost_client.types import Lei

__all__ = [
    "Binding",
    "KeyRing",
    "NotEntitledError",
    "Sealed",
    "commitment",
    "open_sealed",
    "open_sealed_with_salt",
    "padded_size",
    "payload_id",
    "seal",
    "unwrap_data_key",
]

SALT_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
SMALLEST_PAD = 256
"""The smallest padded size of ``salt || plaintext``: a short payload (an account number, a
pair's secrets, a statement's opening) looks like any other."""
LARGE_PAD_STEP = 4096
"""Above this size a payload grows by steps of it, not by doubling (a large figures file stays
under the pool's 128 KiB transaction limit with at most one step more)."""
PAD_MARK = b"\x80"


def padded_size(length: int) -> int:
    """The size ``length`` bytes (``salt || plaintext``, plus the one-byte mark) are padded to:
    256, 512, 1024, 2048 or 4096 bytes, then the next multiple of 4096."""
    needed = length + len(PAD_MARK)
    if needed > LARGE_PAD_STEP:
        return -(-needed // LARGE_PAD_STEP) * LARGE_PAD_STEP
    size = SMALLEST_PAD
    while size < needed:
        size *= 2
    return size


def _pad(body: bytes) -> bytes:
    return body + PAD_MARK + bytes(padded_size(len(body)) - len(body) - len(PAD_MARK))


def _unpad(padded: bytes) -> bytes:
    body = padded.rstrip(b"\x00")
    if not body.endswith(PAD_MARK) or len(padded) != padded_size(len(body) - len(PAD_MARK)):
        raise BPostError("the confidential payload is not padded as sealing pads it")
    return body[: -len(PAD_MARK)]


class NotEntitledError(BPostError, PermissionError):
    """The institution is not among a payload's recipients, or its key does not open it."""


@dataclass(frozen=True)
class Sealed:
    """A confidential payload as it goes on chain."""

    commitment: bytes
    ciphertext: bytes
    recipients: tuple[tuple[Lei, bytes], ...]

    def to_abi(self) -> tuple[bytes, bytes, list[tuple[bytes, bytes]]]:
        """As the contracts' ``Sealed`` tuple: (commitment, ciphertext, [(lei, wrappedKey)])."""
        wrapped = [(bytes20_from_lei(lei), key) for lei, key in self.recipients]
        return (self.commitment, self.ciphertext, wrapped)

    @classmethod
    def from_abi(cls, raw: Sequence[Any] | Mapping[str, Any]) -> Sealed:
        """From a decoded tuple or event dictionary."""
        values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
        digest, ciphertext, recipients = values
        pairs = []
        for item in recipients:
            lei, key = list(item.values()) if isinstance(item, Mapping) else list(item)
            pairs.append((lei_from_bytes20(bytes(lei)), bytes(key)))
        return cls(bytes(digest), bytes(ciphertext), tuple(pairs))

    @property
    def entitled(self) -> tuple[Lei, ...]:
        """The institutions that can open the payload."""
        return tuple(lei for lei, _ in self.recipients)


def payload_id(ciphertext: bytes) -> bytes:
    """What names a sealed payload wherever it was emitted: keccak256 of its ciphertext (random
    nonce and data key, so no two payloads share it)."""
    return keccak(bytes(ciphertext))


class KeyRing(bytes):
    """An institution's current private key (its bytes) with the data keys of older payloads
    re-wrapped to it: ``rewrapped`` maps a payload's id (:func:`payload_id`) to the copies, newest
    first. It opens what the key alone opens, and the payloads sealed to a key the institution
    held before, through their re-wrapped copies.

    A ring *is* the private key's bytes, so it goes wherever a private key is taken (every
    reader of a sealed field takes ``private_key: bytes``): a reader handed a ring opens old
    payloads without a change to its signature.
    """

    rewrapped: Mapping[bytes, tuple[bytes, ...]]

    def __new__(
        cls, private_key: bytes, rewrapped: Mapping[bytes, Iterable[bytes]] | None = None
    ) -> KeyRing:
        ring = super().__new__(cls, bytes(private_key))
        ring.rewrapped = {
            bytes(payload): tuple(bytes(k) for k in copies)
            for payload, copies in (rewrapped or {}).items()
        }
        return ring

    def __repr__(self) -> str:  # never the key itself in a log or a traceback
        return f"KeyRing(<private key>, {len(self.rewrapped)} re-wrapped payloads)"

    @property
    def key(self) -> bytes:
        """The private key alone, as plain bytes."""
        return bytes(self)


@dataclass(frozen=True)
class Binding:
    """What a sealed payload belongs to, bound into its authentication (AES-GCM associated
    data): the chain, the contract, the record (its 32-byte id; a shorter one, an LEI, padded
    on the right), the record's version and the field. The reader rebuilds it from where it
    finds the payload, so a payload copied into another record, version or field does not
    open."""

    chain_id: int
    contract: str
    record: bytes
    version: int
    field: str

    def associated_data(self) -> bytes:
        """The ABI encoding of (chainId, contract, record, version, field)."""
        if len(self.record) > 32:
            raise ValueError(f"a record id is at most 32 bytes, not {len(self.record)}")
        return encode(
            ["uint256", "address", "bytes32", "uint64", "string"],
            [self.chain_id, self.contract, bytes(self.record).ljust(32, b"\0"), self.version,
             self.field],
        )  # fmt: skip


def commitment(salt: bytes, plaintext: bytes) -> bytes:
    """keccak256(salt || plaintext)."""
    return keccak(salt + plaintext)


def seal(plaintext: bytes, recipients: Mapping[Lei, bytes], binding: Binding) -> Sealed:
    """Encrypt ``plaintext`` to each recipient's compressed secp256k1 public key, bound to
    ``binding``.

    Raises:
        ValueError: no recipient.
    """
    if not recipients:
        raise ValueError("a confidential payload needs at least one recipient")
    salt = os.urandom(SALT_BYTES)
    data_key = os.urandom(32)
    nonce = os.urandom(NONCE_BYTES)
    cipher = AES.new(data_key, AES.MODE_GCM, nonce=nonce)
    cipher.update(binding.associated_data())
    body, tag = cipher.encrypt_and_digest(_pad(salt + plaintext))
    wrapped = tuple(
        (lei, bytes(ecies.encrypt(public_key, data_key))) for lei, public_key in recipients.items()
    )
    return Sealed(commitment(salt, plaintext), nonce + tag + body, wrapped)


def unwrap_data_key(sealed: Sealed, lei: str, private_key: bytes) -> bytes:
    """The payload's data key, from ``lei``'s copy among its recipients, or, when
    ``private_key`` is a :class:`KeyRing` and that copy was wrapped to a key ``lei`` held
    before, from a copy re-wrapped to the current key.

    Raises:
        NotEntitledError: ``lei`` is no recipient, or no copy opens with the key.
    """
    wrapped = dict(sealed.recipients).get(Lei(lei))
    if wrapped is None:
        raise NotEntitledError(f"{lei} is not among the recipients of this payload")
    copies = [wrapped]
    if isinstance(private_key, KeyRing):
        copies += private_key.rewrapped.get(payload_id(sealed.ciphertext), ())
    key = bytes(private_key)
    for copy in copies:
        try:
            return bytes(ecies.decrypt(key, copy))
        except (ValueError, TypeError):
            continue
    raise NotEntitledError(f"the key given for {lei} does not open its copy")


def open_sealed(sealed: Sealed, lei: str, private_key: bytes, binding: Binding) -> bytes:
    """The plaintext, for an entitled institution holding its private key (or a
    :class:`KeyRing`: its current key and the data keys re-wrapped to it); the commitment and
    the binding checked.

    Raises:
        NotEntitledError: ``lei`` is no recipient, or the key does not open its wrapped key.
        BPostError: the payload was tampered with, or sealed for another record, version or
            field (authentication or commitment fails).
    """
    return open_sealed_with_salt(sealed, lei, private_key, binding)[1]


def open_sealed_with_salt(
    sealed: Sealed, lei: str, private_key: bytes, binding: Binding
) -> tuple[bytes, bytes]:
    """The salt and the plaintext (what a contract needs to check the commitment).

    Raises:
        NotEntitledError: ``lei`` is no recipient, or the key does not open its wrapped key.
        BPostError: the payload was tampered with, or sealed for another record, version or
            field (authentication or commitment fails).
    """
    data_key = unwrap_data_key(sealed, lei, private_key)
    nonce = sealed.ciphertext[:NONCE_BYTES]
    tag = sealed.ciphertext[NONCE_BYTES : NONCE_BYTES + TAG_BYTES]
    body = sealed.ciphertext[NONCE_BYTES + TAG_BYTES :]
    cipher = AES.new(data_key, AES.MODE_GCM, nonce=nonce)
    cipher.update(binding.associated_data())
    try:
        opened = cipher.decrypt_and_verify(body, tag)
    except ValueError as exc:
        raise BPostError(
            f"the confidential payload fails its authentication as {binding.field} of record "
            f"0x{bytes(binding.record).hex()} version {binding.version}: tampered with, or "
            "sealed for another record"
        ) from exc
    unpadded = _unpad(opened)
    salt, plaintext = unpadded[:SALT_BYTES], unpadded[SALT_BYTES:]
    if commitment(salt, plaintext) != sealed.commitment:
        raise BPostError("the confidential payload does not match its on-chain commitment")
    return salt, plaintext
