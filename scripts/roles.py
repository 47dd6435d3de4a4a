"""`ape run roles <file>`: apply a roster (YAML or CSV) of institutions, addresses and roles.

A second run with the same file sends nothing and says so; a bad row stops it before anything is
sent, naming the row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from bpost_client.chain import CHAIN_ID
from bpost_client.client import connect, web3_for
from bpost_client.exceptions import BPostError, SignerError
from bpost_client.roster import apply_plan, plan_roster, read_roster
from bpost_client.signers import dev_account, from_ape_account


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
        chain_id = web3_for(provider.http_uri).eth.chain_id
        if account is not None:
            signer = from_ape_account(account, chain_id)
        elif chain_id == CHAIN_ID:
            signer = dev_account(0, chain_id)
        else:
            raise SignerError("name the signer (the platform's default admin) with --account")
        client = connect(provider.http_uri, deployments, signer)
        plan = plan_roster(client, roster)
        for note in plan.left_alone:
            click.echo(f"left alone: {note}")
        if not plan.actions:
            click.echo(f"{file}: nothing to change")
            return
        for action in plan.actions:
            click.echo(f"{'would send' if dry_run else 'send'}: {action.description}")
        if not dry_run:
            apply_plan(client, plan)
            click.echo(f"{file}: {len(plan.actions)} change(s) sent")
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
