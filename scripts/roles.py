"""`ape run roles <file>`: apply a roster (YAML or CSV) of institutions, addresses and roles.

A second run with the same file sends nothing and says so; a bad row stops it before anything is
sent, naming the row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from bpost_client.client import connect
from bpost_client.exceptions import BPostError
from bpost_client.platform.roster import apply_plan, plan_roster, read_roster
from bpost_client.platform.signers import dev_accounts, from_ape_account


@click.command(cls=ConnectedProviderCommand)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@account_option(prompt=False)
@click.option(
    "--deployments",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
def cli(provider: Any, file: Path, account: Any, deployments: Path, dry_run: bool) -> None:
    """Make the chain's institutions, operator addresses and roles match FILE."""
    try:
        roster = read_roster(file)
        reader = connect(provider.http_uri, deployments)
        client = reader.with_account(from_ape_account(account, reader.chain_id))
        plan = plan_roster(client, roster, dev_accounts(client.chain_id))
        for note in plan.left_alone:
            click.echo(f"left alone: {note}")
        for top_up in plan.top_ups:  # on a chain that charges gas (a geth network)
            click.echo(f"{'would send' if dry_run else 'send'}: {top_up.description}")
        if not plan.actions and (dry_run or not plan.top_ups):
            click.echo(f"{file}: nothing to change")
            return
        for action in plan.actions:
            click.echo(f"{'would send' if dry_run else 'send'}: {action.description}")
        if not dry_run:
            apply_plan(client, plan)
            for proposal in plan.proposals:
                click.echo(f"proposed: 0x{proposal.hex()} (bpost governance approve it)")
            verb = "proposed" if plan.proposals else "sent"
            if plan.actions:
                click.echo(f"{file}: {len(plan.actions)} change(s) {verb}")
            else:
                click.echo(f"{file}: nothing to change but {len(plan.top_ups)} top-up(s)")
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
