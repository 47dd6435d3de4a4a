"""KeyRewraps: an institution's data keys wrapped again to its rotated key, posted by its own
active operator for its current key version only; one event per key, nothing stored."""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak

from tests.contracts.conftest import LEIS, OTHER_KEY
from tests.contracts.custody import admit, change_key
from tests.contracts.reverts import reverts

TRUST_BANK = 3
PAYLOAD = keccak(b"a sealed payload's ciphertext")
WRAPPED = b"\x04" + b"\x5a" * 128  # the length of an ECIES copy of a 32-byte data key


def test_rewrap__own_operator_current_version__one_event_per_key(
    rewraps: Any, registry: Any, registered: bytes, asset_manager: Any
) -> None:
    change_key(registry, registered, asset_manager, OTHER_KEY)
    version = registry.encryptionKeyVersion(registered)
    other = keccak(b"another payload")
    tx = rewraps.rewrap(
        registered, version, [(PAYLOAD, WRAPPED), (other, b"\x01")], sender=asset_manager
    )
    events = [
        (bytes(e.lei), e.keyVersion, bytes(e.payload), bytes(e.wrappedKey))
        for e in tx.events.filter(rewraps.DataKeyRewrapped)
    ]
    assert events == [
        (registered, version, PAYLOAD, WRAPPED),
        (registered, version, other, b"\x01"),
    ]


def test_rewrap__by_an_outsider__refused_as_no_institution(
    rewraps: Any, registry: Any, registered: bytes, outsider: Any
) -> None:
    version = registry.encryptionKeyVersion(registered)
    with reverts(rewraps.KeyRewrapsNotInstitution, account=outsider.address):
        rewraps.rewrap(registered, version, [(PAYLOAD, WRAPPED)], sender=outsider)


def test_rewrap__by_another_institutions_operator__refused_naming_both(
    rewraps: Any, registry: Any, registered: bytes, operator: Any, trustee: Any
) -> None:
    rival = LEIS["trustee"].encode()
    admit(registry, operator, rival, TRUST_BANK, "Fuji Trust", OTHER_KEY, trustee)
    version = registry.encryptionKeyVersion(registered)
    with reverts(
        rewraps.KeyRewrapsNotOwnInstitution, account=trustee.address, caller=rival, lei=registered
    ):
        rewraps.rewrap(registered, version, [(PAYLOAD, WRAPPED)], sender=trustee)


def test_rewrap__suspended_institution__refused_until_reinstated(
    rewraps: Any, registry: Any, registered: bytes, operator: Any, asset_manager: Any
) -> None:
    version = registry.encryptionKeyVersion(registered)
    registry.suspendInstitution(registered, "licence review", sender=operator)
    with reverts(rewraps.KeyRewrapsNotInstitution, account=asset_manager.address):
        rewraps.rewrap(registered, version, [(PAYLOAD, WRAPPED)], sender=asset_manager)
    registry.reinstateInstitution(registered, sender=operator)
    assert registry.encryptionKeyVersion(registered) == version, "the key did not change"
    rewraps.rewrap(registered, version, [(PAYLOAD, WRAPPED)], sender=asset_manager)


def test_rewrap__stale_key_version__refused_naming_the_current_one(
    rewraps: Any, registry: Any, registered: bytes, asset_manager: Any
) -> None:
    before = registry.encryptionKeyVersion(registered)
    change_key(registry, registered, asset_manager, OTHER_KEY)
    current = registry.encryptionKeyVersion(registered)
    assert current > before
    with reverts(
        rewraps.KeyRewrapsStaleKeyVersion, lei=registered, keyVersion=before, current=current
    ):
        rewraps.rewrap(registered, before, [(PAYLOAD, WRAPPED)], sender=asset_manager)
    with reverts(rewraps.KeyRewrapsStaleKeyVersion, keyVersion=current + 1, current=current):
        rewraps.rewrap(registered, current + 1, [(PAYLOAD, WRAPPED)], sender=asset_manager)


def test_rewrap__empty_or_oversize_batch__each_its_own_error(
    rewraps: Any, registry: Any, registered: bytes, asset_manager: Any
) -> None:
    version = registry.encryptionKeyVersion(registered)
    with reverts(rewraps.KeyRewrapsEmptyBatch, lei=registered):
        rewraps.rewrap(registered, version, [], sender=asset_manager)
    with reverts(rewraps.KeyRewrapsBatchTooLarge, size=129, maxSize=128):
        rewraps.rewrap(registered, version, [(PAYLOAD, b"\x01")] * 129, sender=asset_manager)


def test_rewrap__empty_or_overlong_key__refused_naming_the_payload(
    rewraps: Any, registry: Any, registered: bytes, asset_manager: Any
) -> None:
    version = registry.encryptionKeyVersion(registered)
    with reverts(rewraps.KeyRewrapsInvalidWrappedKey, payload=PAYLOAD, length=0, maxLength=256):
        rewraps.rewrap(registered, version, [(PAYLOAD, b"")], sender=asset_manager)
    with reverts(rewraps.KeyRewrapsInvalidWrappedKey, payload=PAYLOAD, length=257):
        rewraps.rewrap(registered, version, [(PAYLOAD, b"\x01" * 257)], sender=asset_manager)
    rewraps.rewrap(registered, version, [(PAYLOAD, b"\x01" * 256)], sender=asset_manager)


def test_rewrap__platform_paused__refused(
    rewraps: Any, access: Any, registry: Any, registered: bytes, operator: Any, asset_manager: Any
) -> None:
    version = registry.encryptionKeyVersion(registered)
    access.pause(sender=operator)
    with reverts(access.PlatformAccessPaused):
        rewraps.rewrap(registered, version, [(PAYLOAD, WRAPPED)], sender=asset_manager)
