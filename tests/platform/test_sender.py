"""The pipelined sender against a real anvil: nonces, fees, drops, replacements, reverts."""

from __future__ import annotations

import pytest
from eth_account import Account

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.platform.participants import (
    InstitutionSpec,
    admission_of,
    encryption_key_of,
    register_institution,
    set_encryption_key,
)
from bpost_client.platform.signers import dev_account
from bpost_client.types import InstitutionType, Role
from tests.conftest import rpc
from tests.helpers import fresh_account, make_lei


def grant(client: Client, address: str, role: Role = Role.OBSERVER):  # type: ignore[no-untyped-def]
    return client.contract("PlatformAccess").functions.grantRole(role.id, address)


def test_submit__ten_calls__all_sent_before_any_is_mined(operator: Client) -> None:
    rpc(operator.w3.provider.endpoint_uri, "evm_setAutomine", False)  # type: ignore[attr-defined]
    targets = [fresh_account().address for _ in range(10)]
    pending = [operator.sender.submit(grant(operator, a)) for a in targets]
    assert [p.nonce for p in pending] == list(range(pending[0].nonce, pending[0].nonce + 10))
    assert operator.w3.eth.get_block("pending")["transactions"], "the pool holds the batch"
    rpc(operator.w3.provider.endpoint_uri, "evm_mine")  # type: ignore[attr-defined]
    receipts = [operator.sender.wait(p) for p in pending]
    assert {r["blockNumber"] for r in receipts} == {receipts[0]["blockNumber"]}
    assert all(r["status"] == 1 for r in receipts)


def test_send_all__receipts_in_call_order(operator: Client) -> None:
    targets = [fresh_account().address for _ in range(40)]
    receipts = operator.sender.send_all([grant(operator, a) for a in targets])
    assert len(receipts) == 40
    nonces = [operator.w3.eth.get_transaction(r["transactionHash"])["nonce"] for r in receipts]
    assert nonces == sorted(nonces) and len(set(nonces)) == 40
    access = operator.contract("PlatformAccess")
    assert all(access.functions.hasRole(Role.OBSERVER.id, a).call() for a in targets)


def test_send_all__failing_call__stops_and_keeps_the_nonce_in_step(operator: Client) -> None:
    first, second, never, after = (fresh_account().address for _ in range(4))
    rename_unknown = operator.contract("ParticipantRegistry").functions.renameInstitution(
        make_lei(999).encode(), "Unknown"
    )
    calls = [
        grant(operator, first),
        grant(operator, second),
        rename_unknown,
        grant(operator, never),
    ]
    with pytest.raises(exceptions.ParticipantRegistryUnknownInstitution):
        operator.sender.send_all(calls)
    access = operator.contract("PlatformAccess")
    assert access.functions.hasRole(Role.OBSERVER.id, first).call()
    assert access.functions.hasRole(Role.OBSERVER.id, second).call()
    assert not access.functions.hasRole(Role.OBSERVER.id, never).call(), "nothing after the failure"
    operator.sender.send(grant(operator, after))
    assert access.functions.hasRole(Role.OBSERVER.id, after).call()


def test_wait__dropped_transaction__is_sent_again(operator: Client) -> None:
    url = operator.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    rpc(url, "evm_setAutomine", False)
    sender = operator.sender
    sender.drop_check_after = 0.2
    target = fresh_account().address
    pending = sender.submit(grant(operator, target))
    rpc(url, "anvil_dropTransaction", "0x" + pending.tx_hash.hex())
    rpc(url, "evm_setIntervalMining", 1)
    receipt = sender.wait(pending)
    assert receipt["status"] == 1 and pending.rebroadcasts >= 1
    assert operator.contract("PlatformAccess").functions.hasRole(Role.OBSERVER.id, target).call()


def _replace(client: Client, nonce: int, data: bytes | str, to: str) -> bytes:
    """Sign, with the client's own key, another transaction of the same nonce and a higher fee."""
    account = dev_account(0)
    tx = {
        "to": to, "data": data, "nonce": nonce, "chainId": client.chain_id, "gas": 300_000,
        "maxFeePerGas": 50 * 10**9, "maxPriorityFeePerGas": 20 * 10**9, "value": 0,
    }  # fmt: skip
    signed = Account.sign_transaction(tx, account.key)
    return bytes(client.w3.eth.send_raw_transaction(signed.raw_transaction))


def test_wait__replaced_by_the_same_call__takes_the_replacement_receipt(operator: Client) -> None:
    url = operator.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    rpc(url, "evm_setAutomine", False)
    sender = operator.sender
    sender.drop_check_after = 0.1
    pending = sender.submit(grant(operator, fresh_account().address))
    replacement = _replace(operator, pending.nonce, pending.call["data"], str(pending.call["to"]))
    rpc(url, "evm_mine")
    receipt = sender.wait(pending)
    assert bytes(receipt["transactionHash"]) == replacement


def test_wait__replaced_by_another_call__sends_the_call_again(operator: Client) -> None:
    url = operator.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    rpc(url, "evm_setAutomine", False)
    sender = operator.sender
    sender.drop_check_after = 0.1
    ours, theirs = fresh_account().address, fresh_account().address
    pending = sender.submit(grant(operator, ours))
    other = grant(operator, theirs)._encode_transaction_data()
    _replace(operator, pending.nonce, other, str(pending.call["to"]))
    rpc(url, "evm_mine")
    rpc(url, "evm_setAutomine", True)
    receipt = sender.wait(pending)
    access = operator.contract("PlatformAccess")
    assert receipt["status"] == 1
    assert access.functions.hasRole(Role.OBSERVER.id, ours).call()
    assert access.functions.hasRole(Role.OBSERVER.id, theirs).call()


def test_send__eip1559_with_a_base_fee__pays_at_least_the_base_fee(operator: Client) -> None:
    url = operator.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    rpc(url, "anvil_setNextBlockBaseFeePerGas", hex(7 * 10**9))
    rpc(url, "evm_mine")
    receipt = operator.sender.send(grant(operator, fresh_account().address))
    tx = operator.w3.eth.get_transaction(receipt["transactionHash"])
    assert tx["type"] == 2
    assert (
        receipt["effectiveGasPrice"]
        >= operator.w3.eth.get_block(receipt["blockNumber"])["baseFeePerGas"]
        > 0
    )


def test_send__free_gas__works_from_an_account_without_ether(operator: Client) -> None:
    account = fresh_account()
    lei = make_lei(1)
    spec = InstitutionSpec(
        lei, "Zero Balance Bank", InstitutionType.CUSTODIAN, encryption_key_of(account),
        (account.address,),
    )  # fmt: skip
    register_institution(operator, spec, admission_of(operator, account, spec))
    assert operator.w3.eth.get_balance(account.address) == 0
    own = Client(operator.w3, operator.manifest, account, fees="free")
    receipt = set_encryption_key(own, lei, encryption_key_of(fresh_account()))
    tx = own.w3.eth.get_transaction(receipt["transactionHash"])
    assert receipt["status"] == 1 and tx["gasPrice"] == 0


def test_send__would_revert__raises_the_custom_error_and_sends_nothing(operator: Client) -> None:
    lei = "3538000SAKURAAM00151"
    nonce = operator.w3.eth.get_transaction_count(operator.address)
    call = operator.contract("ParticipantRegistry").functions.registerInstitution(
        lei.encode(),
        2,
        "Again",
        encryption_key_of(dev_account(1)),
        dev_account(1).address,
        b"\x01" * 65,
    )
    with pytest.raises(exceptions.ParticipantRegistryAlreadyRegistered) as caught:
        operator.sender.send(call)
    assert caught.value.lei == lei.encode()
    assert isinstance(caught.value, exceptions.ContractRevert)
    assert operator.w3.eth.get_transaction_count(operator.address) == nonce


def test_send__mined_revert__is_decoded_from_a_replay(outsider: Client) -> None:
    call = outsider.contract("PlatformAccess").functions.pause()
    params = {"to": call.address, "data": call._encode_transaction_data(), "gas": 100_000}
    with pytest.raises(exceptions.PlatformAccessUnauthorized) as caught:
        outsider.sender.send(params)  # type: ignore[arg-type]
    assert caught.value.account == outsider.address
    assert caught.value.role == Role.GUARDIAN.id  # the least role that pauses
