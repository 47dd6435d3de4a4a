"""Keys rotate, old records stay readable: the data keys of the payloads sealed to an
institution, wrapped again to its new key.

A sealed payload (:class:`~bpost_client.platform.confidential.Sealed`) wraps its data key to
each recipient's key of the day. After an institution rotates its key (its own signed key change,
``bpost participants set-key``), its copies no longer open with the new key. Still holding the
old key, the institution:

1. finds every payload sealed to it: the events of the deployed contracts whose ABI carries a
   ``Sealed`` tuple (commitment, ciphertext, recipients), read with ``eth_getLogs``, kept when
   the institution is among the recipients (:func:`sealed_payloads_to`; no list per domain);
2. unwraps each data key with the old key and wraps it to the new one (ECIES), and posts the
   copies to ``KeyRewraps`` for its current key version, in batches well under a transaction's
   128 KiB (:func:`rewrap_data_keys`). A run skips what an earlier run posted for the same key
   version, so it resumes without duplicates; a payload the old key does not open is reported;
3. opens old payloads with a :class:`~bpost_client.platform.confidential.KeyRing`, the new key
   with the copies re-wrapped to it (:func:`key_ring`), wherever a private key is taken.

The ciphertexts, commitments and bindings stay as sealed: only the key to the data key changes.
A key lost before its data keys were re-wrapped cannot be helped here: the sealer (or another
recipient) seals the record again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import coincurve
import ecies
from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.contracts import DEPLOYED_CONTRACTS, load_abi
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import bytes20_from_lei, check_lei
from bpost_client.platform.confidential import (
    KeyRing,
    NotEntitledError,
    Sealed,
    payload_id,
    unwrap_data_key,
)
from bpost_client.platform.events import iter_events
from bpost_client.platform.participants import get_institution
from bpost_client.types import Lei

__all__ = [
    "CONTRACT",
    "MAX_BATCH",
    "Addressed",
    "RewrapReport",
    "SealedField",
    "key_ring",
    "key_version",
    "post_rewraps",
    "rewrap_data_keys",
    "rewraps_of",
    "sealed_fields",
    "sealed_payloads_to",
]

CONTRACT = "KeyRewraps"
EVENT = "DataKeyRewrapped"
MAX_BATCH = 128
"""``KeyRewraps.MAX_BATCH``: about 32 KiB of calldata with ECIES copies of 129 bytes."""
SEALED_COMPONENTS = ("commitment", "ciphertext", "recipients")
"""The components of ``IConfidential.Sealed``, which make an ABI tuple a sealed payload."""

_Step = tuple[str, int]  # a component's name and position; ("[]", -1) for an array's items


@dataclass(frozen=True)
class SealedField:
    """An event argument that is (or holds) a sealed payload: where to find it in the log."""

    contract: str
    event: str
    path: tuple[_Step, ...]

    @property
    def name(self) -> str:
        """The field as written in the ABI, e.g. ``terms`` or ``items[].info``."""
        return ".".join(n for n, _ in self.path).replace(".[]", "[]")


@dataclass(frozen=True)
class Addressed:
    """A sealed payload addressed to an institution, and the log that carries it."""

    contract: str
    event: str
    field: str
    block: int
    transaction: str
    sealed: Sealed

    @property
    def payload(self) -> bytes:
        """The payload's id: keccak256 of its ciphertext."""
        return payload_id(self.sealed.ciphertext)


@dataclass(frozen=True)
class RewrapReport:
    """What a run of :func:`rewrap_data_keys` did."""

    lei: Lei
    key_version: int
    found: int
    """Payloads sealed to the institution (each counted once)."""
    already: int
    """Re-wrapped for this key version by an earlier run: skipped."""
    current: int
    """Sealed to the current key already: nothing to do."""
    rewrapped: int
    """Re-wrapped and posted by this run."""
    unopenable: tuple[str, ...]
    """0x ids of the payloads the old key (and its own re-wrapped copies) does not open."""
    transactions: tuple[str, ...]
    """The 0x hashes of the transactions this run sent."""


def _is_sealed(param: Mapping[str, Any]) -> bool:
    components = param.get("components") or ()
    return param.get("type") == "tuple" and tuple(c["name"] for c in components) == (
        SEALED_COMPONENTS
    )


def _paths(param: Mapping[str, Any], index: int) -> Iterator[tuple[_Step, ...]]:
    kind = str(param["type"])
    if not kind.startswith("tuple"):
        return
    step: tuple[_Step, ...] = ((str(param["name"]), index),)
    for _ in range(kind.count("[")):
        step += (("[]", -1),)
    if _is_sealed({**param, "type": "tuple"}):
        yield step
        return
    for position, component in enumerate(param["components"]):
        for rest in _paths(component, position):
            yield step + rest


def sealed_fields(contracts: Sequence[str] = DEPLOYED_CONTRACTS) -> list[SealedField]:
    """Every event argument of ``contracts``' ABIs that is, or holds, a ``Sealed`` tuple (in a
    tuple or an array), found by its components: no list of domains to keep up to date."""
    found = []
    for contract in contracts:
        for item in load_abi(contract):
            if item.get("type") != "event":
                continue
            for index, param in enumerate(item["inputs"]):
                for path in _paths(param, index):
                    found.append(SealedField(contract, str(item["name"]), path))
    return found


def _values_at(value: Any, path: Sequence[_Step]) -> Iterator[Any]:
    if not path:
        yield value
        return
    (name, index), rest = path[0], path[1:]
    if name == "[]":
        for item in value:
            yield from _values_at(item, rest)
    elif isinstance(value, Mapping):
        yield from _values_at(value[name], rest)
    else:
        yield from _values_at(value[index], rest)


def sealed_payloads_to(
    client: Client, lei: str, from_block: int | None = None, to_block: int | None = None
) -> list[Addressed]:
    """Every payload sealed to ``lei``, once each (its first log), in chain order: the logs of
    every deployed contract's events that carry a ``Sealed`` tuple, kept when ``lei`` is among
    the recipients."""
    lei = check_lei(lei)
    start = client.manifest.start_block if from_block is None else from_block
    deployed = [c for c in DEPLOYED_CONTRACTS if c in client.manifest.contracts]
    by_event: dict[tuple[str, str], list[SealedField]] = defaultdict(list)
    for field in sealed_fields(deployed):
        by_event[(field.contract, field.event)].append(field)
    found: list[tuple[int, int, Addressed]] = []
    for (contract, event), fields in by_event.items():
        for log in iter_events(client.contract(contract), event, start, to_block):
            for field in fields:
                (name, _), rest = field.path[0], field.path[1:]
                for raw in _values_at(log["args"][name], rest):
                    sealed = Sealed.from_abi(raw)
                    if lei in sealed.entitled:
                        addressed = Addressed(
                            contract, event, field.name, int(log["blockNumber"]),
                            "0x" + bytes(log["transactionHash"]).hex(), sealed,
                        )  # fmt: skip
                        found.append((int(log["blockNumber"]), int(log["logIndex"]), addressed))
    unique: dict[bytes, Addressed] = {}
    for _, _, addressed in sorted(found, key=lambda f: (f[0], f[1])):
        unique.setdefault(addressed.payload, addressed)
    return list(unique.values())


def key_version(client: Client, lei: str) -> int:
    """The version of ``lei``'s current encryption key (the record version that set it)."""
    registry = client.contract("ParticipantRegistry")
    return int(client.read(registry.functions.encryptionKeyVersion(bytes20_from_lei(lei))))


def rewraps_of(
    client: Client, lei: str, version: int | None = None, from_block: int | None = None
) -> dict[bytes, tuple[bytes, ...]]:
    """The data keys re-wrapped for ``lei`` (for key ``version`` only, when given): payload id
    -> the copies, newest first; none when the deployment has no ``KeyRewraps``."""
    if CONTRACT not in client.manifest.contracts:
        return {}
    filters: dict[str, Any] = {"lei": bytes20_from_lei(check_lei(lei))}
    if version is not None:
        filters["keyVersion"] = version
    start = client.manifest.start_block if from_block is None else from_block
    logs = iter_events(client.contract(CONTRACT), EVENT, start, argument_filters=filters)
    copies: dict[bytes, list[bytes]] = defaultdict(list)
    for log in sorted(logs, key=lambda e: (e["blockNumber"], e["logIndex"]), reverse=True):
        copies[bytes(log["args"]["payload"])].append(bytes(log["args"]["wrappedKey"]))
    return {payload: tuple(keys) for payload, keys in copies.items()}


def key_ring(client: Client, lei: str, private_key: bytes) -> KeyRing:
    """``lei``'s private key with every data key re-wrapped for ``lei`` on chain: it opens the
    payloads sealed to the key, and, through their copies, those sealed to a key ``lei`` held
    before (a copy wrapped to yet another key is tried and passed over)."""
    return KeyRing(bytes(private_key), rewraps_of(client, lei))


def post_rewraps(
    client: Client, lei: str, version: int, items: Sequence[tuple[bytes, bytes]]
) -> list[TxReceipt]:
    """Post (payload id, wrapped key) pairs for ``lei``'s key ``version``, batched.

    Raises:
        ContractRevert: the contract refuses them (``KeyRewrapsNotOwnInstitution`` for another
            institution's operator, ``KeyRewrapsStaleKeyVersion`` after another rotation ...).
    """
    contract = client.contract(CONTRACT)
    lei20 = bytes20_from_lei(check_lei(lei))

    def call(chunk: list[tuple[bytes, bytes]]) -> Any:
        return contract.functions.rewrap(lei20, version, chunk)

    return send_batched(
        client.sender, call, list(items), MAX_BATCH, f"re-wrap {{}} data keys of {lei}"
    )


def rewrap_data_keys(
    client: Client,
    lei: str,
    old_private_key: bytes,
    new_private_key: bytes,
    from_block: int | None = None,
) -> RewrapReport:
    """Wrap the data key of every payload sealed to ``lei`` under ``old_private_key`` again to
    ``new_private_key`` (which must be ``lei``'s current key on chain), and post the copies from
    the client's signer, an operator of ``lei``. Payloads re-wrapped for the current key version
    before, or sealed to the new key, are skipped: a second run sends nothing. A payload sealed
    before an earlier rotation opens with the old key through its own re-wrapped copy.

    Raises:
        ValidationError: ``new_private_key`` is not ``lei``'s current key.
        ContractRevert: the contract refuses the signer (another institution's operator, a
            suspended institution).
    """
    lei = check_lei(lei)
    public = coincurve.PrivateKey(bytes(new_private_key)).public_key.format(compressed=True)
    if get_institution(client, lei).encryption_key != public:
        raise ValidationError(
            f"the new key is not {lei}'s current encryption key 0x{public.hex()}: rotate it "
            "first (bpost participants set-key), then re-wrap"
        )
    version = key_version(client, lei)
    done = rewraps_of(client, lei, version, from_block)
    old = key_ring(client, lei, old_private_key)
    new = bytes(new_private_key)
    found = sealed_payloads_to(client, lei, from_block)
    items: list[tuple[bytes, bytes]] = []
    unopenable: list[str] = []
    already = current = 0
    for addressed in found:
        if addressed.payload in done:
            already += 1
            continue
        try:
            unwrap_data_key(addressed.sealed, lei, new)
            current += 1
            continue
        except NotEntitledError:
            pass
        try:
            data_key = unwrap_data_key(addressed.sealed, lei, old)
        except NotEntitledError:
            unopenable.append("0x" + addressed.payload.hex())
            continue
        items.append((addressed.payload, bytes(ecies.encrypt(public, data_key))))
    receipts = post_rewraps(client, lei, version, items) if items else []
    return RewrapReport(
        lei=lei,
        key_version=version,
        found=len(found),
        already=already,
        current=current,
        rewrapped=len(items),
        unopenable=tuple(unopenable),
        transactions=tuple("0x" + bytes(r["transactionHash"]).hex() for r in receipts),
    )
