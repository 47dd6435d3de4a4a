"""Key custody as a client sees it: it seals to a counterparty's own keys and pins them; a key
replaced by governance (a recovery) is visible and refused until a person accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from bpost_client.client import Client
from bpost_client.platform import governance, keys, participants
from bpost_client.registry import ssi
from tests.conftest import Node, rpc
from tests.helpers import fresh_account
from tests.platform.test_governance import KANDA, wait_out_the_delay
from tests.registry.test_confidential_data import TERMS

MANAGER = "3538000SAKURAAM00151"


def recover(node: Node, members: list[Client], lei: str, reason: str) -> tuple[LocalAccount, bytes]:
    """Governance recovers ``lei`` to a new address and key: proposed by one member, approved by
    another, executed after the delay. Returns the new account and key."""
    proposer, approver = members
    new = fresh_account()
    key = participants.encryption_key_of(new)
    signature = participants.recovery_signature(proposer, new, lei, key)
    call = participants.recover_institution_call(proposer, lei, new.address, key, signature, reason)
    proposal, _ = governance.propose_calls(proposer, [call], f"recover {lei}")
    governance.approve(approver, proposal)
    wait_out_the_delay(node)
    governance.execute(approver, proposal)
    return new, key


def test_recipient_keys__own_rotation__followed_and_pinned(
    asset_manager: Client, trustee: Client
) -> None:
    pins = keys.KeyPins()
    before = keys.recipient_keys(trustee, [MANAGER], pins)[MANAGER]
    assert pins.pinned(trustee.chain_id, MANAGER) == before, "trust on first use"
    rotated = participants.encryption_key_of(fresh_account())
    participants.set_encryption_key(asset_manager, MANAGER, rotated)
    assert keys.recipient_keys(trustee, [MANAGER], pins) == {MANAGER: rotated}
    assert pins.pinned(trustee.chain_id, MANAGER) == rotated
    origin = keys.key_origin(trustee, MANAGER)
    assert (origin.event, origin.signer) == ("EncryptionKeyChanged", asset_manager.address)


def test_recipient_keys__recovered_by_governance__refused_until_accepted(
    isolated: Node, asset_manager: Client, trustee: Client, tmp_path: Path
) -> None:
    pins = keys.KeyPins(tmp_path / "pins.json")
    keys.recipient_keys(trustee, [KANDA], pins)  # pinned before the recovery
    _, recovered = recover(isolated, [asset_manager, trustee], KANDA, "keys lost")
    with pytest.raises(keys.KeyNotSignedError, match=r"replaced by governance .*keys lost"):
        keys.recipient_keys(trustee, [KANDA], pins)
    origin = keys.key_origin(trustee, KANDA)
    assert (origin.event, origin.key, origin.signer) == ("InstitutionRecovered", recovered, None)
    fresh = keys.KeyPins()  # a client that never pinned Kanda refuses the recovered key too
    with pytest.raises(keys.KeyNotSignedError):
        keys.recipient_keys(trustee, [KANDA], fresh)
    pins.accept(trustee.chain_id, KANDA, recovered)  # a person confirmed it with Kanda
    assert keys.recipient_keys(trustee, [KANDA], keys.KeyPins(tmp_path / "pins.json")) == {
        KANDA: recovered
    }, "the acceptance is kept in the pins file"


def test_recipient_keys__rotation_after_a_recovery__still_refused(
    isolated: Node, asset_manager: Client, trustee: Client
) -> None:
    """The recovered institution rotating its key again does not launder the recovery for a
    client that pinned the key from before it."""
    pins = keys.KeyPins()
    keys.recipient_keys(trustee, [KANDA], pins)
    new, _ = recover(isolated, [asset_manager, trustee], KANDA, "keys lost")
    kanda = trustee.with_account(new)
    kanda_own = participants.encryption_key_of(fresh_account())
    rpc(isolated.url, "anvil_setBalance", new.address, hex(10**18))
    participants.set_encryption_key(kanda, KANDA, kanda_own)
    assert keys.key_origin(trustee, KANDA).event == "EncryptionKeyChanged"
    with pytest.raises(keys.KeyNotSignedError):
        keys.recipient_keys(trustee, [KANDA], pins)


def test_ssi__to_a_recovered_counterparty__refused_and_nothing_sent(
    isolated: Node, asset_manager: Client, trustee: Client, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    """The SSI upload seals to the pinned keys: a recovered counterparty stops it before sending."""
    monkeypatch.setenv(keys.PINS_ENV, str(tmp_path / "pins.json"))
    recover(isolated, [asset_manager, trustee], KANDA, "keys lost")
    nonce = trustee.w3.eth.get_transaction_count(trustee.address)
    with pytest.raises(keys.KeyNotSignedError):
        ssi.publish_ssis(trustee, [(TERMS, "0012345678")], [MANAGER, KANDA])
    assert trustee.w3.eth.get_transaction_count(trustee.address) == nonce
