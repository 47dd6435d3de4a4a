"""The validators' governance record on the network's own deployment: `bpost network status DIR`
reads ConsensusValidators through the deployment in DIR/deployments and holds it against the
chain's signers; the record written through governance (proposed, approved by two members,
executed after the timelock's 3 seconds of wall-clock time) makes them agree."""

from __future__ import annotations

from typing import Any

from bpost_client.client import connect
from bpost_client.identifiers import bytes20_from_lei
from bpost_client.platform import governance
from bpost_client.platform.network.description import NetworkDescription
from bpost_client.platform.signers import dev_account
from tests.conftest import Node
from tests.e2e.conftest import run_process
from tests.network.session import wait_for_chain_time

SAKURA = "3538000SAKURAAM00151"  # the demo roster's institution said to run the validators


def validators_shown(network: NetworkDescription) -> Any:
    shown = run_process("bpost", "--json", "network", "status", str(network.directory))
    assert shown.code == 0, shown.err
    return shown.json()["validators"]


def test_status__record_of_the_network_s_own_deployment__written_by_governance__agrees(
    network: NetworkDescription, network_node: Node
) -> None:
    chain = {v.address.lower() for v in network.validators}
    before = validators_shown(network)
    assert before["record"] == {} and before["agreed"] is False, before
    assert {s.lower() for s in before["not_recorded"]} == chain

    manager, trustee, anyone = (
        connect(network_node.url, network_node.deployments, dev_account(n)) for n in (1, 2, 9)
    )
    lei = bytes20_from_lei(SAKURA)
    proposals = [
        governance.propose(manager, "ConsensusValidators", "addValidator", [v.address, lei],
                           f"{v.name} seals for Sakura")[0]
        for v in network.validators
    ]  # fmt: skip
    for proposal in proposals:
        governance.approve(trustee, proposal)
    assert validators_shown(network)["agreed"] is False, "scheduled is not yet written"
    wait_for_chain_time(network, 4)
    for proposal in proposals:
        governance.execute(anyone, proposal)

    after = validators_shown(network)
    assert after["agreed"] is True and after["not_recorded"] == after["not_signing"] == []
    assert {a.lower() for a in after["record"]} == chain
    assert set(after["record"].values()) == {SAKURA}
