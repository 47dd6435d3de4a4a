"""Governance: the consortium's proposals over the platform's powers.

The default admin and OPERATOR_ROLE belong to the PlatformTimelock, whose only proposer and
executor is ConsortiumApprovals. A member proposes calls (:func:`propose`), members approve them
(:func:`approve`, or off chain with :func:`sign_approval_of` and :func:`approve_by_signature`), the
approval that reaches the threshold schedules them on the timelock, and anyone executes them once
the delay has passed (:func:`execute`). Guardians pause, suspend or cancel at once by their own
quorum (:func:`propose_emergency`, :func:`approve_emergency`). The platform's record of the
chain's validators (``ConsensusValidators``) is written by such proposals and read with
:func:`validator_record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from web3.exceptions import Web3Exception
from web3.logs import DISCARD
from web3.types import TxReceipt

from bpost_client._utils.sender import Call, as_params
from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import bytes20_from_lei, check_address, lei_from_bytes20
from bpost_client.platform.custody import APPROVALS_DOMAIN, Domain, sign_approval
from bpost_client.types import Address, EmergencyAction, Lei, ProposalStatus

__all__ = [
    "APPROVALS",
    "MAX_CALLS",
    "TIMELOCK",
    "VALIDATORS",
    "Proposal",
    "approvals_domain",
    "approve",
    "approve_by_signature",
    "approve_emergency",
    "consortium",
    "execute",
    "get_proposal",
    "is_member",
    "list_proposals",
    "proposal_id",
    "propose",
    "propose_calls",
    "propose_emergency",
    "sign_approval_of",
    "suspended_lei",
    "validator_record",
]

APPROVALS = "ConsortiumApprovals"
TIMELOCK = "PlatformTimelock"
VALIDATORS = "ConsensusValidators"
MAX_CALLS = 64
"""ConsortiumApprovals.MAX_CALLS: the most calls one proposal makes."""
MEMBER_ROLE = keccak(text="MEMBER_ROLE")
"""ConsortiumApprovals.MEMBER_ROLE."""
GUARDIAN_ROLE = keccak(text="GUARDIAN_ROLE")
"""ConsortiumApprovals.GUARDIAN_ROLE."""


@dataclass(frozen=True)
class Proposal:
    """A proposal with its calls, as the chain holds it."""

    id: bytes
    proposer: Address
    proposed_at: int
    ready_at: int
    status: ProposalStatus
    approvals: int
    description: str
    targets: tuple[Address, ...]
    payloads: tuple[bytes, ...]

    @property
    def id_hex(self) -> str:
        """The id as 0x-hex (what the CLI prints and takes)."""
        return "0x" + self.id.hex()


def approvals_domain(client: Client) -> Domain:
    """The EIP-712 domain of the deployment's ConsortiumApprovals."""
    return Domain(APPROVALS_DOMAIN, client.chain_id, Address(client.manifest.address(APPROVALS)))


def proposal_id(text: str | bytes) -> bytes:
    """A proposal id from 0x-hex or bytes.

    Raises:
        ValidationError: not 32 bytes.
    """
    try:
        raw = bytes.fromhex(text.removeprefix("0x")) if isinstance(text, str) else bytes(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValidationError(f"a proposal id is 32 bytes of 0x-hex, not {text!r}")
    return raw


def is_member(client: Client, account: str) -> bool:
    """Whether ``account`` is a member of the consortium (whatever its institution's status)."""
    contract = client.contract(APPROVALS)
    return bool(client.read(contract.functions.hasRole(MEMBER_ROLE, check_address(account))))


def _encoded(call: Call) -> tuple[str, bytes]:
    params = as_params(call)
    data = params.get("data", b"")
    raw = bytes.fromhex(data.removeprefix("0x")) if isinstance(data, str) else bytes(data)
    return str(params["to"]), raw


def propose_calls(
    client: Client, calls: Sequence[Call], description: str
) -> tuple[bytes, TxReceipt]:
    """Submit ``calls`` (contract functions of the deployment) as one proposal, signed by a
    member; its approval counts at once. Returns the proposal id and the receipt.

    Raises:
        ValidationError: no call, more than MAX_CALLS, or an empty description.
    """
    if not calls or len(calls) > MAX_CALLS:
        raise ValidationError(f"a proposal makes 1 to {MAX_CALLS} calls, not {len(calls)}")
    if not description.strip():
        raise ValidationError("a proposal says what it does: give a description")
    encoded = [_encoded(c) for c in calls]
    contract = client.contract(APPROVALS)
    call = contract.functions.propose([t for t, _ in encoded], [d for _, d in encoded], description)
    receipt = client.sender.send(call, f"propose: {description}")
    [event] = contract.events.ProposalSubmitted().process_receipt(receipt, errors=DISCARD)
    return bytes(event["args"]["id"]), receipt


def propose(
    client: Client, contract: str, function: str, args: Sequence[Any], description: str
) -> tuple[bytes, TxReceipt]:
    """Propose one call of ``function`` on the deployment's ``contract``."""
    target = client.contract(contract)
    try:
        call = target.get_function_by_name(function)(*args)
    except (ValueError, TypeError, Web3Exception) as exc:
        raise ValidationError(f"{contract}.{function}{tuple(args)!r}: {exc}") from exc
    return propose_calls(client, [call], description)


def approve(client: Client, proposal: bytes) -> TxReceipt:
    """Approve a pending proposal as a member (the signer)."""
    call = client.contract(APPROVALS).functions.approve(proposal)
    return client.sender.send(call, f"approve {proposal.hex()[:12]}")


def sign_approval_of(client: Client, account: LocalAccount, proposal: bytes) -> bytes:
    """A member's approval signed off chain, sent by anyone with :func:`approve_by_signature`."""
    return sign_approval(bytes(account.key), approvals_domain(client), proposal)


def approve_by_signature(
    client: Client, proposal: bytes, member: str, signature: bytes
) -> TxReceipt:
    """Send a member's off-chain approval (the signer need not be a member)."""
    call = client.contract(APPROVALS).functions.approveBySignature(
        proposal, check_address(member), signature
    )
    return client.sender.send(call, f"approve {proposal.hex()[:12]} for {member}")


def execute(client: Client, proposal: bytes) -> TxReceipt:
    """Execute a scheduled proposal whose delay has passed (anyone may)."""
    call = client.contract(APPROVALS).functions.execute(proposal)
    return client.sender.send(call, f"execute {proposal.hex()[:12]}")


def propose_emergency(
    client: Client,
    action: EmergencyAction,
    reason: str,
    lei: str | None = None,
    proposal: bytes | None = None,
) -> tuple[bytes, TxReceipt]:
    """Propose a pause, a suspension (``lei``) or a cancellation (``proposal``) as a guardian."""
    subject = bytes20_from_lei(lei) if lei else bytes(20)
    contract = client.contract(APPROVALS)
    call = contract.functions.proposeEmergency(int(action), subject, proposal or bytes(32), reason)
    receipt = client.sender.send(call, f"emergency {action.name.lower()}")
    [event] = contract.events.EmergencyProposed().process_receipt(receipt, errors=DISCARD)
    return bytes(event["args"]["id"]), receipt


def approve_emergency(client: Client, emergency: bytes) -> TxReceipt:
    """Approve an emergency action as a guardian; the quorum carries it out at once."""
    call = client.contract(APPROVALS).functions.approveEmergency(emergency)
    return client.sender.send(call, f"approve emergency {emergency.hex()[:12]}")


def get_proposal(client: Client, proposal: bytes) -> Proposal:
    """A proposal and its calls.

    Raises:
        ValidationError: no proposal has this id.
    """
    contract = client.contract(APPROVALS)
    raw = client.read(contract.functions.getProposal(proposal))
    proposer, proposed_at, ready_at, status, approvals, _salt, description = raw
    if ProposalStatus(status) is ProposalStatus.NONE:
        raise ValidationError(f"no proposal 0x{proposal.hex()}")
    targets, payloads = client.read(contract.functions.callsOf(proposal))
    return Proposal(
        id=proposal,
        proposer=Address(check_address(proposer)),
        proposed_at=int(proposed_at),
        ready_at=int(ready_at),
        status=ProposalStatus(status),
        approvals=int(approvals),
        description=str(description),
        targets=tuple(Address(check_address(t)) for t in targets),
        payloads=tuple(bytes(p) for p in payloads),
    )


def list_proposals(client: Client) -> list[Proposal]:
    """Every proposal, in submission order."""
    contract = client.contract(APPROVALS)
    count = int(client.read(contract.functions.proposalCount()))
    return [
        get_proposal(client, bytes(client.read(contract.functions.proposalAt(i))))
        for i in range(count)
    ]


def consortium(client: Client) -> dict[str, Any]:
    """The consortium as the chain holds it: members, guardians, thresholds, the delay."""
    approvals = client.contract(APPROVALS).functions
    delay = client.read(client.contract(TIMELOCK).functions.getMinDelay())
    return {
        "members": list(client.read(approvals.holdersOf(MEMBER_ROLE))),
        "threshold": int(client.read(approvals.threshold())),
        "guardians": list(client.read(approvals.holdersOf(GUARDIAN_ROLE))),
        "guardian_threshold": int(client.read(approvals.guardianThreshold())),
        "delay_seconds": int(delay),
        "timelock": client.manifest.address(TIMELOCK),
    }


def suspended_lei(raw: bytes) -> Lei | None:
    """The LEI an emergency action names (None for a pause or a cancellation)."""
    return None if bytes(raw) == bytes(20) else lei_from_bytes20(bytes(raw))


def validator_record(client: Client) -> dict[Address, Lei]:
    """The validators governance recorded (``ConsensusValidators``): each signer address with
    the LEI of the member institution running its node, in address order."""
    signers, leis = client.read(client.contract(VALIDATORS).functions.validators())
    pairs = zip(signers, leis, strict=True)
    return dict(
        sorted((Address(check_address(s)), lei_from_bytes20(bytes(lei))) for s, lei in pairs)
    )
