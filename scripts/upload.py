"""`ape run upload funds FILE`: upload a fund table (CSV or Excel) through the client.

    ape run upload funds config/demo-funds.csv --network ethereum:bpost:node --account <alias>

The same function as ``bpost funds upload``: the whole file is validated before anything is
sent, and a re-run sends only what is missing. SSI and corporate information follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from bpost_client.client import connect
from bpost_client.exceptions import BPostError
from bpost_client.fund_files import upload_funds
from bpost_client.signers import from_ape_account


@click.command(cls=ConnectedProviderCommand)
@click.argument("kind", type=click.Choice(["funds"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@account_option(prompt=False)
@click.option(
    "--deployments",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--skip-invalid", is_flag=True, help="Upload the good rows; report the bad ones.")
@click.option("--dry-run", is_flag=True, help="Validate and plan; send nothing.")
def cli(provider: Any, kind: str, file: Path, account: Any, deployments: Path, skip_invalid: bool,
        dry_run: bool) -> None:  # fmt: skip
    """Upload FILE of KIND records."""
    try:
        reader = connect(provider.http_uri, deployments)
        client = reader.with_account(from_ape_account(account, reader.chain_id))
        report = upload_funds(client, file, skip_invalid=skip_invalid, dry_run=dry_run)
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
    for error in report.errors:
        click.echo(f"skipped: {error}")
    sent = f"{len(report.registered)} registered in {report.transactions} transaction(s)"
    click.echo(f"{file}: {sent}, {len(report.existing)} already on chain")
    for row, manager_code, code in report.registered:
        click.echo(f"  row {row}: {manager_code} -> {code}")
