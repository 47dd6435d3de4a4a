"""`bpost roles grant|revoke|list|apply`."""

from __future__ import annotations

from pathlib import Path

import click

from bpost_client.cli._context import Context, as_user_error, emit, pass_context, progress
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_address
from bpost_client.types import Role

__all__ = ["roles"]


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except KeyError:
        names = ", ".join(r.name for r in Role)
        raise ValidationError(f"unknown role {text!r} (one of {names})") from None


_address = as_user_error(check_address)


@click.group()
def roles() -> None:
    """Roles of addresses (granted and revoked by the platform's default admin only)."""


def _change(ctx: Context, role: str, address: str, grant: bool) -> None:
    """Grant or revoke unless the chain already says so; report whether anything changed."""
    from bpost_client.platform import roles as access

    parsed, account = _role(role), _address(address)
    client = ctx.client(signing=True)
    if access.has_role(client, parsed, account) == grant:
        emit(ctx, {"changed": False, "role": parsed.name, "account": account})
        return
    change = access.grant_role if grant else access.revoke_role
    receipt = change(client, parsed, account)
    emit(ctx, {"changed": True, "role": parsed.name, "account": account,
               "block": receipt["blockNumber"]})  # fmt: skip


def _change_command(name: str, grant: bool, help: str) -> click.Command:
    """The command ``NAME ROLE ADDRESS`` that grants (or revokes) a role."""

    @roles.command(name, help=help)
    @click.argument("role")
    @click.argument("address")
    @pass_context
    def change(ctx: Context, role: str, address: str) -> None:
        _change(ctx, role, address, grant=grant)

    return change


_change_command("grant", True, "Grant ROLE to ADDRESS (nothing is sent when it already holds it).")
_change_command(
    "revoke", False, "Revoke ROLE from ADDRESS (nothing is sent when it does not hold it)."
)


@roles.command("list")
@pass_context
def list_(ctx: Context) -> None:
    """Who holds which role, with the institution each address acts for."""
    from bpost_client.platform import roles as access

    emit(ctx, access.role_holders(ctx.client()))


@roles.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option(
    "--top-up",
    "top_up",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="On a chain that charges gas (a geth network), top each operator address up to this "
    "many ether from the signer's account when it holds less (0: never).",
)
@pass_context
def apply(ctx: Context, file: Path, dry_run: bool, top_up: float) -> None:
    """Apply a roster FILE (YAML or CSV) of institutions, addresses and roles; idempotent."""
    from decimal import Decimal

    from bpost_client.platform.roster import apply_plan, plan_roster, read_roster

    roster = read_roster(file)
    client = ctx.client(signing=not dry_run)
    target = int(Decimal(str(top_up)) * 10**18)
    plan = plan_roster(client, roster, ctx.dev_accounts(client.chain_id), top_up_to=target)
    if not dry_run and (plan.actions or plan.top_ups):
        total = len(plan.actions) + len(plan.top_ups)
        with progress(ctx, total, "roster") as advance:
            apply_plan(client, plan, on_done=advance)
    emit(ctx, {
        "file": str(file), "sent": 0 if dry_run else len(plan.actions),
        "planned": [a.description for a in plan.actions], "left_alone": plan.left_alone,
        "proposals": ["0x" + p.hex() for p in plan.proposals],
        "top_ups": [a.description for a in plan.top_ups],
        "summary": "nothing to change" if not plan.actions else
        f"{len(plan.actions)} change(s) {'planned' if dry_run else 'sent'}",
    })  # fmt: skip
