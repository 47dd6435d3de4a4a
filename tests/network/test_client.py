"""The client against the session's geth Clique network as against anvil: connecting through a
member's node (proof-of-authority blocks), EIP-1559 fees above geth's floor, receipts awaited
across block periods and found on every node, the pool's 128 KiB limit, deployment by the CLI
and by Ape, and an admitted member's operator topped up with ether at admission."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from eth_account import Account

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.contracts import DEPLOYED_CONTRACTS
from bpost_client.platform import roster
from bpost_client.platform.network.description import NetworkDescription
from bpost_client.platform.participants import (
    InstitutionSpec,
    admission_of,
    encryption_key_of,
    get_institution,
)
from bpost_client.platform.roles import has_role
from bpost_client.platform.signers import dev_account
from bpost_client.types import InstitutionType, Role
from tests.conftest import DEMO_ROSTER, ROOT, Node
from tests.e2e.conftest import run_process
from tests.helpers import fresh_account, make_lei
from tests.network.conftest import rpc
from tests.network.session import NETWORK_PARAMS, assert_replicated, bpost_on

GETH_MIN_TIP = 10**9
"""The network's --miner.gasprice and --txpool.pricelimit: no node takes a smaller tip."""

MAX_TX_BYTES = 128 * 1024


@pytest.fixture
def operator_on(network_node: Node) -> Client:
    """The platform operator (dev account 0, the development network's deployer) on the
    member's node."""
    return connect(network_node.url, network_node.deployments, dev_account(0))


def grant(client: Client, address: str):  # type: ignore[no-untyped-def]
    return client.contract("PlatformAccess").functions.grantRole(Role.OBSERVER.id, address)


def test_deploy__by_the_cli__code_and_roster_on_every_node(
    network: NetworkDescription, network_node: Node
) -> None:
    """`bpost --network DIR deploy` and `roles apply` (the session's deployment) wrote the
    manifest in the network's directory, not beside the embedded chain's of the same chain
    id; every node holds the code; a second `roles apply` sends nothing."""
    manifest = network.directory / "deployments" / "20201030.json"
    addresses = json.loads(manifest.read_text())["contracts"]
    assert set(addresses) == set(DEPLOYED_CONTRACTS)
    for node in network.nodes:
        for name, record in addresses.items():
            assert rpc(node, "eth_getCode", record["address"], "latest") != "0x", (node, name)
    again = bpost_on(network, "roles", "apply", str(DEMO_ROSTER))
    assert again["summary"] == "nothing to change" and again["top_ups"] == []
    status = bpost_on(network, "status")
    assert status["chain_id"] == 20201030


def test_connect__member_node__clique_blocks_read(operator_on: Client) -> None:
    """Clique blocks carry 97 bytes of extra data (vanity and seal), more than the 32 a block
    may carry on Ethereum: the proof-of-authority middleware reads them."""
    block = operator_on.w3.eth.get_block("latest")
    assert len(block["proofOfAuthorityData"]) == 32 + 65
    assert block["baseFeePerGas"] > 0, "London rules: a base fee"
    assert operator_on.today().year >= 2026


def test_send__eip1559_tip_above_the_floor__receipt_on_every_node(
    network: NetworkDescription, operator_on: Client
) -> None:
    first = operator_on.w3.eth.block_number
    targets = [fresh_account().address for _ in range(5)]
    receipts = operator_on.sender.send_all([grant(operator_on, a) for a in targets])
    assert all(r["status"] == 1 for r in receipts)
    tx = operator_on.w3.eth.get_transaction(receipts[0]["transactionHash"])
    assert tx["type"] == 2 and tx["maxPriorityFeePerGas"] >= GETH_MIN_TIP
    assert all(has_role(operator_on, Role.OBSERVER, a) for a in targets)
    assert assert_replicated(network, first) >= 5


def test_fees_free__refused_by_geth__naming_that_the_chain_charges_gas(
    network_node: Node,
) -> None:
    free = connect(network_node.url, network_node.deployments, dev_account(0), fees="free")
    with pytest.raises(exceptions.TransactionError, match="this chain charges gas"):
        free.sender.send(grant(free, fresh_account().address), "a gas-free grant")


def test_oversized_call__refused_before_sending__naming_the_limit(
    network_node: Node, operator_on: Client
) -> None:
    """geth's pool refuses a transaction over 128 KiB ("oversized data"); the sender refuses it
    first, naming the limit, and sends nothing."""
    sender = operator_on.sender
    nonce = operator_on.w3.eth.get_transaction_count(sender.address, "pending")
    big = {"to": fresh_account().address, "data": "0x" + "01" * (MAX_TX_BYTES + 1)}
    with pytest.raises(exceptions.TransactionTooLarge, match="131,072 bytes"):
        sender.send(big, "an oversized call")  # type: ignore[arg-type]
    assert operator_on.w3.eth.get_transaction_count(sender.address, "pending") == nonce
    account = Account.from_key(dev_account(9).key)
    signed = account.sign_transaction({
        "to": account.address, "data": "0x" + "01" * (MAX_TX_BYTES + 1), "value": 0,
        "gas": 3_000_000, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": GETH_MIN_TIP,
        "nonce": 0, "chainId": 20201030,
    })  # fmt: skip
    with pytest.raises(RuntimeError, match="oversized data"):
        rpc(operator_on_node(network_node), "eth_sendRawTransaction",
            "0x" + bytes(signed.raw_transaction).hex())  # fmt: skip


def operator_on_node(network_node: Node):  # type: ignore[no-untyped-def]
    assert network_node.network is not None
    return network_node.network.nodes[-1]


def test_roster__new_member__topped_up_once_then_sends(
    network_node: Node, operator_on: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """geth cannot run free of gas: a member admitted after the genesis gets ether for its
    operator from the operator applying the roster, up to the target and only once."""
    first_key = fresh_account()
    key = "0x" + encryption_key_of(fresh_account()).hex()
    text = (
        "lei,legal_name,type,encryption_key,address,roles\n"
        f"{make_lei(71)},Late Custody,custodian,{key},{first_key.address},CUSTODIAN\n"
    )
    parsed = roster.parse_roster(text, "csv")
    plan = roster.plan_roster(operator_on, parsed, [first_key])
    assert [a.description.split(" from ")[0] for a in plan.top_ups] == [
        f"top up {first_key.address} ({make_lei(71)})"
    ]
    with caplog.at_level(logging.INFO, logger="bpost_client.platform.roster"):
        assert roster.apply_plan(operator_on, plan) == 2  # admission and grant
    assert f"top up {first_key.address}" in caplog.text and "charges gas" in caplog.text
    assert operator_on.w3.eth.get_balance(first_key.address) == roster.TOP_UP_WEI
    assert get_institution(operator_on, make_lei(71)).operators == (first_key.address,)
    again = roster.plan_roster(operator_on, parsed, [first_key])
    assert again.actions == [] and again.top_ups == []
    member = operator_on.with_account(first_key)
    own = {"to": first_key.address, "value": 0, "gas": 21_000}
    receipt = member.sender.send(own, "the new member's first transaction")  # type: ignore[arg-type]
    assert receipt["status"] == 1
    assert operator_on.w3.eth.get_balance(first_key.address) < roster.TOP_UP_WEI


def test_ape_run_deploy__network_url__deployed(
    network: NetworkDescription, network_node: Node, tmp_path: Path
) -> None:
    """`ape run deploy --network <node URL>` deploys on the network as on anvil (a second
    deployment, in a directory of its own), and every node holds it."""
    deployments = tmp_path / "deployments"
    first = int(rpc(network.nodes[-1], "eth_blockNumber"), 16) + 1
    deployed = run_process(
        "ape", "run", "deploy", "--network", network_node.url, "--deployments", str(deployments),
        "--params", str(NETWORK_PARAMS), cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert deployed.code == 0, deployed.out + deployed.err
    client = connect(network_node.url, deployments)
    assert client.manifest.chain_id == 20201030
    assert client.w3.eth.get_code(client.manifest.address("FundRegistry"))
    assert assert_replicated(network, first) >= len(DEPLOYED_CONTRACTS)

    newcomer = fresh_account()  # admitted by `ape run roles`, with its signed admission
    key = encryption_key_of(fresh_account())
    spec = InstitutionSpec(make_lei(72), "Ape Custody", InstitutionType.CUSTODIAN, key,
                           (newcomer.address,))  # fmt: skip
    signature = admission_of(client, newcomer, spec).signature.hex()
    path = tmp_path / "roster.csv"
    path.write_text(
        "lei,legal_name,type,encryption_key,address,roles,admission_signature\n"
        f"{make_lei(72)},Ape Custody,custodian,0x{key.hex()},{newcomer.address},CUSTODIAN,"
        f"0x{signature}\n"
    )
    applied = run_process(
        "ape", "run", "roles", str(path), "--network", network_node.url,
        "--deployments", str(deployments), cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert applied.code == 0, applied.out + applied.err
    assert f"send: top up {newcomer.address} ({make_lei(72)})" in applied.out
    assert client.w3.eth.get_balance(newcomer.address) == roster.TOP_UP_WEI


def test_serving_node__members_first__a_named_node__none_answering_refused(
    network: NetworkDescription,
) -> None:
    from dataclasses import replace

    from bpost_client.platform.network.description import Ports
    from bpost_client.platform.network.serving import serving_node
    from tests.conftest import free_port

    assert serving_node(network).name == "member-1"
    assert serving_node(network, ["validator-2"]).name == "validator-2"
    silent = tuple(
        replace(n, ports=Ports(free_port(), n.ports.ws, n.ports.authrpc, n.ports.p2p))
        for n in network.nodes
    )
    with pytest.raises(exceptions.ChainError, match="bpost network start"):
        serving_node(replace(network, nodes=silent))


def test_cli_network__url_given__wins_over_the_network_s_node(
    network: NetworkDescription, network_node: Node
) -> None:
    """`--network DIR` picks the member's node and DIR/deployments; a --url given wins (here a
    validator's), the manifest still the network's."""
    validator = network.validators[1]
    status = bpost_on(network, "--url", validator.url, "status")
    assert status["chain_id"] == 20201030
    from tests.conftest import free_port

    silent = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(AssertionError, match="no JSON-RPC node answers"):
        bpost_on(network, "--url", silent, "status")
