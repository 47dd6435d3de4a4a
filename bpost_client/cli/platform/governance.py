"""`bpost governance propose|approve|execute|status|emergency`: the consortium's proposals over
the platform's powers (see docs/security.md, Governance)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_lei

__all__ = ["governance"]

EMERGENCIES = ["pause", "suspend", "cancel"]


def _shown(proposal: Any) -> dict[str, Any]:
    return {
        "id": proposal.id_hex,
        "status": proposal.status.name.lower(),
        "approvals": proposal.approvals,
        "proposer": proposal.proposer,
        "proposed_at": datetime.fromtimestamp(proposal.proposed_at, UTC).isoformat(),
        "ready_at": (
            datetime.fromtimestamp(proposal.ready_at, UTC).isoformat()
            if proposal.ready_at
            else None
        ),
        "description": proposal.description,
        "calls": [
            {"target": t, "data": "0x" + p.hex()}
            for t, p in zip(proposal.targets, proposal.payloads, strict=True)
        ],
    }


def _argument(text: str) -> Any:
    """A call argument from the command line: 0x-hex as bytes (an address stays text), an
    integer as int, true/false as bool, anything else as text."""
    if text.startswith("0x"):
        if len(text) == 42:
            return text
        try:
            return bytes.fromhex(text[2:])
        except ValueError as exc:
            raise ValidationError(f"{text!r} is not 0x-hex") from exc
    if text.lstrip("-").isdigit():
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    return text


@click.group()
def governance() -> None:
    """The consortium's proposals: a member proposes calls, members approve them (the threshold
    schedules them on the timelock), anyone executes them after the delay. Guardians pause,
    suspend or cancel at once (emergency)."""


@governance.command()
@click.argument("contract")
@click.argument("function")
@click.argument("args", nargs=-1)
@click.option("--description", "-m", required=True, help="What the proposal does, in words.")
@pass_context
def propose(
    ctx: Context, contract: str, function: str, args: tuple[str, ...], description: str
) -> None:
    """Propose a call of FUNCTION on the deployment's CONTRACT with ARGS (0x-hex for bytes,
    addresses as 0x-addresses, LEIs as text; e.g. ParticipantRegistry reinstateInstitution
    <LEI as 0x-hex>). Signed by a member; its approval counts at once."""
    from bpost_client.contracts import DEPLOYED_CONTRACTS
    from bpost_client.platform import governance as gov

    if contract not in DEPLOYED_CONTRACTS:
        raise ValidationError(f"no contract {contract!r}: one of {', '.join(DEPLOYED_CONTRACTS)}")
    client = ctx.client(signing=True)
    proposal, receipt = gov.propose(
        client, contract, function, [_argument(a) for a in args], description
    )
    record = gov.get_proposal(client, proposal)
    emit(ctx, {**_shown(record), "block": receipt["blockNumber"]})


@governance.command()
@click.argument("proposal")
@click.option(
    "--signature",
    default=None,
    help="Send this member's off-chain approval (0x-hex) instead of the signer's own.",
)
@click.option("--member", default=None, help="The member who signed --signature.")
@click.option("--sign-only", is_flag=True,
              help="Print the signer's approval signature; send nothing.")  # fmt: skip
@pass_context
def approve(
    ctx: Context, proposal: str, signature: str | None, member: str | None, sign_only: bool
) -> None:
    """Approve PROPOSAL (its 0x id) as a member; the approval at the threshold schedules it."""
    from bpost_client.platform import governance as gov

    client = ctx.client(signing=True)
    pid = gov.proposal_id(proposal)
    if sign_only:
        assert client.account is not None  # signing=True
        signed = gov.sign_approval_of(client, client.account, pid)
        emit(ctx, {"id": proposal, "member": client.address, "signature": "0x" + signed.hex()})
        return
    if (signature is None) != (member is None):
        raise ValidationError("--signature and --member go together")
    if signature is not None and member is not None:
        try:
            raw = bytes.fromhex(signature.removeprefix("0x"))
        except ValueError as exc:
            raise ValidationError("--signature takes 0x-hex") from exc
        receipt = gov.approve_by_signature(client, pid, member, raw)
    else:
        receipt = gov.approve(client, pid)
    emit(ctx, {**_shown(gov.get_proposal(client, pid)), "block": receipt["blockNumber"]})


@governance.command()
@click.argument("proposal")
@pass_context
def execute(ctx: Context, proposal: str) -> None:
    """Execute a scheduled PROPOSAL once its delay has passed (anyone may)."""
    from bpost_client.platform import governance as gov

    client = ctx.client(signing=True)
    pid = gov.proposal_id(proposal)
    receipt = gov.execute(client, pid)
    emit(ctx, {**_shown(gov.get_proposal(client, pid)), "block": receipt["blockNumber"]})


@governance.command()
@click.argument("proposal", required=False)
@pass_context
def status(ctx: Context, proposal: str | None) -> None:
    """One proposal, or every one with the consortium's members, guardians and thresholds."""
    from bpost_client.platform import governance as gov

    client = ctx.client()
    if proposal is not None:
        emit(ctx, _shown(gov.get_proposal(client, gov.proposal_id(proposal))))
        return
    emit(
        ctx,
        {**gov.consortium(client), "proposals": [_shown(p) for p in gov.list_proposals(client)]},
    )


@governance.command()
@click.argument("action", type=click.Choice(EMERGENCIES))
@click.option("--lei", default=None, help="The institution to suspend.")
@click.option("--proposal", default=None, help="The proposal to cancel (0x id).")
@click.option("--reason", required=True, help="Why, for the audit trail.")
@click.option("--approve", "emergency", default=None,
              help="Approve this emergency action (0x id) instead of proposing one.")  # fmt: skip
@pass_context
def emergency(
    ctx: Context,
    action: str,
    lei: str | None,
    proposal: str | None,
    reason: str,
    emergency: str | None,
) -> None:
    """Propose (or --approve) an emergency ACTION as a guardian: the guardians' quorum pauses,
    suspends --lei or cancels --proposal at once."""
    from bpost_client.platform import governance as gov
    from bpost_client.types import EmergencyAction

    client = ctx.client(signing=True)
    if emergency is not None:
        receipt = gov.approve_emergency(client, gov.proposal_id(emergency))
        emit(ctx, {"approved": emergency, "block": receipt["blockNumber"]})
        return
    kind = EmergencyAction[action.upper()]
    if (kind is EmergencyAction.SUSPEND) != (lei is not None):
        raise ValidationError("suspend names --lei; pause and cancel do not")
    if (kind is EmergencyAction.CANCEL) != (proposal is not None):
        raise ValidationError("cancel names --proposal; pause and suspend do not")
    eid, receipt = gov.propose_emergency(
        client,
        kind,
        reason,
        lei=check_lei(lei) if lei else None,
        proposal=gov.proposal_id(proposal) if proposal else None,
    )
    emit(ctx, {"emergency": "0x" + eid.hex(), "action": action, "block": receipt["blockNumber"]})
