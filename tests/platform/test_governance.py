"""Governance through the client on the embedded chain's deployment: three founding members
(dev accounts 1-3), two of three approve, a proposal waits five seconds; guardians (the same
three) pause and suspend at once."""

from __future__ import annotations

import pytest

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.exceptions import ValidationError
from bpost_client.platform import governance, participants, roles, roster
from bpost_client.platform.signers import dev_account
from bpost_client.types import EmergencyAction, ProposalStatus, Role
from tests.conftest import Node, rpc
from tests.helpers import fresh_account

MINATO = "3538000MINATOSEC0159"
KANDA = "3538000KANDABANK0193"


@pytest.fixture
def member3(isolated: Node) -> Client:
    """The third founding member (Minato Securities' key)."""
    return connect(isolated.url, isolated.deployments, dev_account(3))


def wait_out_the_delay(node: Node) -> None:
    """Move the chain's clock past the embedded chain's 5-second delay; on the geth network,
    whose clock cannot be moved, wait the 3 seconds of wall-clock time of
    config/deploy/network.yaml (and a second more) until a block that late is sealed."""
    if node.network is not None:
        from tests.network.session import wait_for_chain_time

        wait_for_chain_time(node.network, 4)
        return
    rpc(node.url, "evm_increaseTime", 6)
    rpc(node.url, "evm_mine")


@pytest.mark.both_backends
def test_proposal__two_of_three_after_the_delay__executed_by_the_timelock(
    isolated: Node, asset_manager: Client, trustee: Client, outsider: Client
) -> None:
    account = fresh_account().address
    proposal, _ = governance.propose(
        asset_manager, "PlatformAccess", "grantRole", [Role.OBSERVER.id, account], "an auditor"
    )
    record = governance.get_proposal(outsider, proposal)
    assert record.status is ProposalStatus.PENDING and record.approvals == 1
    with pytest.raises(exceptions.ConsortiumApprovalsWrongStatus):
        governance.execute(outsider, proposal)  # one approval of the two needed
    governance.approve(trustee, proposal)
    assert governance.get_proposal(outsider, proposal).status is ProposalStatus.SCHEDULED
    with pytest.raises(exceptions.ConsortiumApprovalsNotReady):
        governance.execute(outsider, proposal)
    wait_out_the_delay(isolated)
    governance.execute(outsider, proposal)
    assert roles.has_role(outsider, Role.OBSERVER, account)
    assert governance.get_proposal(outsider, proposal).status is ProposalStatus.EXECUTED
    assert [p.id for p in governance.list_proposals(outsider)][-1] == proposal


def test_approve_by_signature__signed_off_chain__sent_by_anyone(
    asset_manager: Client, member3: Client, outsider: Client
) -> None:
    proposal, _ = governance.propose(
        asset_manager, "ParticipantRegistry", "renameInstitution",
        [KANDA.encode(), "Kanda Bank Ltd."], "rename Kanda",
    )  # fmt: skip
    signature = governance.sign_approval_of(member3, dev_account(3), proposal)
    governance.approve_by_signature(outsider, proposal, member3.address, signature)
    assert governance.get_proposal(outsider, proposal).status is ProposalStatus.SCHEDULED


def test_propose__by_non_member__refused(outsider: Client) -> None:
    with pytest.raises(exceptions.ConsortiumApprovalsNotMember):
        governance.propose(outsider, "PlatformAccess", "unpause", [], "resume")


def test_propose__bad_arguments__refused_before_sending(asset_manager: Client) -> None:
    with pytest.raises(ValidationError, match="grantRole"):
        governance.propose(asset_manager, "PlatformAccess", "grantRole", ["x"], "bad")
    with pytest.raises(ValidationError, match="description"):
        governance.propose(asset_manager, "PlatformAccess", "unpause", [], " ")


def test_guardians__pause_at_once__unpause_only_by_proposal(
    isolated: Node, asset_manager: Client, trustee: Client, member3: Client, outsider: Client
) -> None:
    emergency, _ = governance.propose_emergency(asset_manager, EmergencyAction.PAUSE, "incident")
    access = outsider.contract("PlatformAccess").functions
    assert not access.paused().call()
    governance.approve_emergency(trustee, emergency)
    assert access.paused().call(), "two guardians pause in one transaction"
    proposal, _ = governance.propose(asset_manager, "PlatformAccess", "unpause", [], "resume")
    governance.approve(member3, proposal)
    assert access.paused().call()
    wait_out_the_delay(isolated)
    governance.execute(outsider, proposal)
    assert not access.paused().call()


def test_roster__applied_by_a_member__becomes_one_proposal(
    isolated: Node, asset_manager: Client, trustee: Client, outsider: Client
) -> None:
    """A member without OPERATOR_ROLE applying a roster proposes it: nothing changes before the
    approvals and the delay."""
    text = f"""institutions:
  - lei: {KANDA}
    legal_name: Kanda Bank, Ltd.
    type: distributor
    encryption_key: "0x{participants.get_institution(outsider, KANDA).encryption_key.hex()}"
    operators:
      - address: "{dev_account(4).address}"
        roles: [DISTRIBUTOR, OBSERVER]
"""
    plan = roster.plan_roster(asset_manager, roster.parse_roster(text, "yaml"))
    assert [a.description for a in plan.actions] == [
        f"grant OBSERVER to {dev_account(4).address} ({KANDA})"
    ]
    roster.apply_plan(asset_manager, plan)
    [proposal] = plan.proposals
    assert not roles.has_role(outsider, Role.OBSERVER, dev_account(4).address)
    governance.approve(trustee, proposal)
    wait_out_the_delay(isolated)
    governance.execute(outsider, proposal)
    assert roles.has_role(outsider, Role.OBSERVER, dev_account(4).address)


def test_roster__neither_operator_nor_member__refused(outsider: Client) -> None:
    plan = roster.Plan(
        actions=[
            roster.Action(
                "grant",
                outsider.contract("PlatformAccess").functions.grantRole(
                    Role.OBSERVER.id, outsider.address
                ),
            )
        ]
    )
    with pytest.raises(ValidationError, match="neither an operator nor a consortium member"):
        roster.apply_plan(outsider, plan)
