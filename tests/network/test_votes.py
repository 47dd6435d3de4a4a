"""Validators change by vote, on a network of their own (3 validators and 1 member node, started
for this module, since votes change it): a proposal short of a majority changes nothing; a
member node voted in by a majority seals; a validator voted out seals no more; and status holds
the chain's signers against the governance record (``ConsensusValidators``).

Here the governance record is read from a deployment on the embedded chain (anvil, the ``node``
fixture), whose operator writes it at once: both chains have chain id 20201030, so ``status
--record-url`` reads the record there as it would on the network. The record on the network's
own deployment, written through governance, is read in tests/network/test_record.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_utils.address import to_checksum_address

from bpost_client.client import Client
from bpost_client.identifiers import bytes20_from_lei
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import (
    NetworkDescription,
    NodeRole,
    free_base_port,
    read_network,
)
from tests.conftest import Node
from tests.e2e.conftest import run_process
from tests.network.conftest import head, rpc, wait_until

SAKURA = "3538000SAKURAAM00151"  # an institution of the demo roster, running the validators


@pytest.fixture(scope="module")
def voting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkDescription]:
    """3 validators and 1 member node, running; stopped at the end with no process left."""
    from bpost_client.platform.network.init import init_network

    directory = tmp_path_factory.mktemp("votes")
    described = init_network(directory, 3, 1, base_port=free_base_port(4), light_kdf=True)
    try:
        lifecycle.start(described)
        yield described
    finally:
        current = read_network(directory)
        lifecycle.stop(current, grace=20)
        left = [n.name for n in current.nodes if lifecycle.running_pid(n) is not None]
        assert not left, f"nodes still running after stop: {left}"


def signers(network: NetworkDescription) -> set[str]:
    return {s.lower() for s in rpc(network.validators[0], "clique_getSigners", "latest")}


def sealer(network: NetworkDescription, number: int) -> str:
    return str(rpc(network.validators[0], "clique_getSigner", hex(number))).lower()


def bpost_json(*args: str) -> Any:
    done = run_process("bpost", "--json", *args)
    assert done.code == 0, done.err
    return done.json()


def test_status__governance_record_differs__then_agrees(
    voting: NetworkDescription, node: Node, operator: Client
) -> None:
    directory = str(voting.directory)
    unknown = bpost_json("--deployments", str(node.data_dir / "none"), "network", "status",
                         directory)["validators"]  # fmt: skip
    assert unknown["record"] is None and unknown["agreed"] is None
    assert "not known" in unknown["reason"] and len(unknown["signers"]) == 3

    status = ("--deployments", str(node.deployments), "network", "status", "--record-url",
              node.url, directory)  # fmt: skip
    before = bpost_json(*status)["validators"]
    chain = {v.address.lower() for v in voting.validators}
    assert before["agreed"] is False and before["record"] == {}
    assert {s.lower() for s in before["not_recorded"]} == chain

    record = operator.contract("ConsensusValidators")
    lei = bytes20_from_lei(SAKURA)
    stale = to_checksum_address("0x" + "5a" * 20)
    for address in [*(v.address for v in voting.validators[:2]), stale]:
        operator.sender.send(record.functions.addValidator(address, lei), "record a validator")
    differ = bpost_json(*status)["validators"]
    assert differ["not_recorded"] == [voting.validators[2].address]
    assert differ["not_signing"] == [stale]

    operator.sender.send(record.functions.removeValidator(stale), "drop a stale record")
    operator.sender.send(record.functions.addValidator(voting.validators[2].address, lei), "add")
    agreed = bpost_json(*status)["validators"]
    assert agreed["agreed"] is True and agreed["not_recorded"] == agreed["not_signing"] == []
    assert set(agreed["record"].values()) == {SAKURA}
    shown = run_process("bpost", *status)
    assert "signer(s) are the governance record's" in shown.out, shown.err


def test_propose__short_of_a_majority__signers_unchanged(voting: NetworkDescription) -> None:
    outsider = "0x" + "7c" * 20
    directory = str(voting.directory)
    voted = bpost_json("network", "propose-validator", outsider, "--add", "--node",
                       "validator-1", directory)  # fmt: skip
    assert [v["node"] for v in voted["votes"] if v["voted"]] == ["validator-1"]
    assert voted["needed"] == 2 and voted["role"] is None
    start = head(voting.validators[0])
    # validator-1 seals at least one block in any 2 (3 signers): its vote is in the chain
    wait_until(lambda: head(voting.validators[0]) >= start + 4, 20, "4 more blocks", voting)
    proposals = rpc(voting.validators[0], "clique_proposals")
    assert {k.lower() for k in proposals} == {outsider}
    assert outsider not in signers(voting) and len(signers(voting)) == 3
    discarded = bpost_json("network", "propose-validator", outsider, "--discard", "--node",
                           "validator-1", directory)  # fmt: skip
    assert discarded["action"] == "discard"
    assert rpc(voting.validators[0], "clique_proposals") == {}


def test_member__promoted_by_a_majority__seals_a_block(voting: NetworkDescription) -> None:
    member = voting.node("member-1")
    voted = bpost_json("network", "propose-validator", member.address, "--add",
                       str(voting.directory))  # fmt: skip
    assert sorted(v["node"] for v in voted["votes"] if v["voted"]) == [
        "validator-1",
        "validator-2",
        "validator-3",
    ]
    assert voted["role"] == {"node": "member-1", "from": "member", "to": "validator"}
    assert voted["restarted"] == ["member-1"]
    assert read_network(voting.directory).node("member-1").role is NodeRole.VALIDATOR
    wait_until(lambda: member.address.lower() in signers(voting), 20, "member-1 voted in", voting)
    joined = head(voting.validators[0])
    wait_until(
        lambda: any(
            sealer(voting, n) == member.address.lower()
            for n in range(joined, head(voting.validators[0]) + 1)
        ),
        40,
        "a block sealed by member-1",
    )


def test_validator__removed_by_a_majority__seals_no_more(voting: NetworkDescription) -> None:
    gone = voting.node("validator-3")
    voted = bpost_json("network", "propose-validator", gone.address, "--remove",
                       str(voting.directory))  # fmt: skip
    assert voted["needed"] == 3 and voted["warning"] is None
    assert voted["role"] == {"node": "validator-3", "from": "validator", "to": "member"}
    wait_until(
        lambda: gone.address.lower() not in signers(voting), 20, "validator-3 voted out", voting
    )
    removed_at = head(voting.validators[0])
    wait_until(lambda: head(voting.validators[0]) >= removed_at + 6, 20, "6 more blocks", voting)
    sealers = {sealer(voting, n) for n in range(removed_at + 1, removed_at + 7)}
    assert gone.address.lower() not in sealers and len(sealers) == 3, sealers
    refused = run_process("bpost", "network", "propose-validator", gone.address, "--remove",
                          str(voting.directory))  # fmt: skip
    assert refused.code != 0 and "is not a signer" in refused.err
