"""Counterparties' encryption keys as a client seals to them: pinned, and taken only with the
institution's own signature.

An institution's key comes from its admission (signed by its first operator), from its own key
change (``EncryptionKeyChanged``, carrying the EIP-712 signature of one of its operators, which
the client checks again here), or from a recovery by governance (``InstitutionRecovered``), which
carries no signature of any key the institution held before. A client seals only to:

* the key it pinned for that institution (:class:`KeyPins`, a file or memory), or
* a key the institution set itself, which it then pins.

A key that came from a recovery, and differs from the pin, is refused with
:class:`KeyNotSignedError` until a person who confirmed it with the institution out of band
accepts it (``bpost keys accept <LEI>``, :meth:`KeyPins.accept`): every client sees the recovery,
none is silently re-routed by it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from bpost_client._utils import files
from bpost_client.client import Client
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.identifiers import bytes20_from_lei, check_address
from bpost_client.platform.custody import key_change_signer
from bpost_client.platform.participants import get_institution, registry_domain
from bpost_client.types import Address, Lei

__all__ = [
    "PINS_ENV",
    "KeyNotSignedError",
    "KeyOrigin",
    "KeyPins",
    "default_pins",
    "key_history",
    "key_origin",
    "recipient_keys",
]

PINS_ENV = "BPOST_KEY_PINS"
"""The environment variable naming the pins file the library uses by default (else memory)."""
_SET_BY = ("InstitutionRegistered", "EncryptionKeyChanged", "InstitutionRecovered")


class KeyNotSignedError(BPostError, PermissionError):
    """An institution's key changed without its own signature (a recovery by governance, or a
    signature that does not check): nothing is sealed to it until it is accepted."""


@dataclass(frozen=True)
class KeyOrigin:
    """How an institution's current key came to be: the event that set it."""

    lei: Lei
    key: bytes
    event: str
    block: int
    transaction: str
    signer: Address | None
    reason: str = ""

    @property
    def signed_by_institution(self) -> bool:
        """Whether the institution itself signed this key (admission or own change)."""
        return self.event in ("InstitutionRegistered", "EncryptionKeyChanged")


class KeyPins:
    """The keys a client has pinned, per chain and LEI: in a JSON file (kept across runs), or in
    memory when ``path`` is None."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = Lock()
        self._pins: dict[str, dict[str, str]] = self._load()

    def _load(self) -> dict[str, dict[str, str]]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the key pins {self.path}: {exc}") from exc
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and all(isinstance(k, str) for k in v.values())
            for v in data.values()
        ):
            raise ConfigError(f"{self.path}: expected {{chain id: {{LEI: 0x-key}}}}")
        return data

    def pinned(self, chain_id: int, lei: str) -> bytes | None:
        """The key pinned for ``lei`` on chain ``chain_id``, or None."""
        with self._lock:
            raw = self._pins.get(str(chain_id), {}).get(lei)
        return None if raw is None else bytes.fromhex(raw.removeprefix("0x"))

    def accept(self, chain_id: int, lei: str, key: bytes) -> None:
        """Pin ``key`` for ``lei`` (a person's decision after a recovery, or the client's after
        a key the institution signed)."""
        with self._lock:
            self._pins.setdefault(str(chain_id), {})[lei] = "0x" + bytes(key).hex()
            if self.path is not None:
                text = json.dumps(self._pins, indent=2, sort_keys=True) + "\n"
                files.write_atomic(self.path, text.encode("utf-8"))


_DEFAULT: dict[str, KeyPins] = {}
_DEFAULT_LOCK = Lock()


def default_pins() -> KeyPins:
    """The pins of this process: the file ``$BPOST_KEY_PINS`` names, else memory."""
    where = os.environ.get(PINS_ENV, "")
    with _DEFAULT_LOCK:
        if where not in _DEFAULT:
            _DEFAULT[where] = KeyPins(Path(where) if where else None)
        return _DEFAULT[where]


def key_history(client: Client, lei: str) -> list[KeyOrigin]:
    """Every key ``lei`` has had, in chain order, with the event that set it; each signature of
    a key change checked again here.

    Raises:
        KeyNotSignedError: an ``EncryptionKeyChanged`` whose signature does not recover to the
            operator it names.
    """
    from bpost_client.platform.projection import PROJECTORS, records_of

    entries = records_of(
        client, "ParticipantRegistry", PROJECTORS, _SET_BY, {"lei": bytes20_from_lei(lei)}
    )
    history = []
    for entry in sorted(entries, key=lambda e: (e.block_number, e.log_index)):
        data = entry.data
        key = bytes.fromhex(str(data["encryptionKey"]).removeprefix("0x"))
        signer: Address | None = None
        if entry.event == "EncryptionKeyChanged":
            signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
            named = Address(check_address(str(data["signer"])))
            version = int(data["version"]) - 1  # the signed message names the version replaced
            recovered = key_change_signer(registry_domain(client), lei, key, version, signature)
            if recovered is None or recovered.lower() != named.lower():
                raise KeyNotSignedError(
                    f"the key change of {lei} in block {entry.block_number} names {named} as "
                    f"its signer, but its signature is {recovered or 'malformed'}'s: not "
                    "sealing to it"
                )
            signer = named
        history.append(
            KeyOrigin(
                lei=Lei(lei),
                key=key,
                event=entry.event,
                block=entry.block_number,
                transaction=entry.transaction_hash,
                signer=signer,
                reason=str(data.get("reason", "")),
            )
        )
    return history


def key_origin(client: Client, lei: str) -> KeyOrigin:
    """The event that set ``lei``'s current key (see :func:`key_history`).

    Raises:
        KeyNotSignedError: no event sets a key of ``lei``, or a signature does not check.
    """
    history = key_history(client, lei)
    if not history:
        raise KeyNotSignedError(f"no event of the chain sets a key of {lei}")
    return history[-1]


def _unsigned_since(history: list[KeyOrigin], pinned: bytes | None) -> KeyOrigin | None:
    """The latest recovery since the pinned key was last set (since the start when nothing is
    pinned: then only the current key's own origin counts), or None."""
    if pinned is None:
        return None if history[-1].signed_by_institution else history[-1]
    since = max((i for i, o in enumerate(history) if o.key == pinned), default=-1)
    if since < 0:
        return history[-1] if not history[-1].signed_by_institution else _first_unsigned(history)
    return _first_unsigned(history[since + 1 :])


def _first_unsigned(history: list[KeyOrigin]) -> KeyOrigin | None:
    unsigned = [o for o in history if not o.signed_by_institution]
    return unsigned[-1] if unsigned else None


def recipient_keys(
    client: Client, leis: Iterable[str], pins: KeyPins | None = None
) -> dict[Lei, bytes]:
    """The encryption keys to seal to, for each institution of ``leis``: its pinned key, or a
    key it set itself (then pinned). A key that follows a recovery by governance (since the key
    pinned) is refused until a person accepts it.

    Raises:
        KeyNotSignedError: an institution's key was replaced by governance and nobody accepted
            it, or a key change's signature does not check.
    """
    pins = pins if pins is not None else default_pins()
    chain = client.chain_id
    keys: dict[Lei, bytes] = {}
    for lei in dict.fromkeys(leis):
        current = get_institution(client, lei).encryption_key
        pinned = pins.pinned(chain, lei)
        if pinned == current:
            keys[Lei(lei)] = current
            continue
        history = key_history(client, lei)
        if not history or history[-1].key != current:
            raise KeyNotSignedError(f"the key of {lei} on chain matches no event that set it")
        recovery = _unsigned_since(history, pinned)
        if recovery is not None:
            raise KeyNotSignedError(
                f"the key of {lei} was replaced by governance in block {recovery.block} "
                f"({recovery.reason or 'no reason given'}), not by the institution's own "
                f"signature: confirm it with {lei} out of band, then accept it "
                f"(bpost keys accept {lei})"
            )
        pins.accept(chain, lei, current)
        keys[Lei(lei)] = current
    return keys
