"""`ape run upload funds|ssi|corporate FILE`: upload a table (CSV or Excel) through the client.

    ape run upload funds config/demo-funds.csv --network ethereum:bpost:node --account <alias>

The same functions as ``bpost funds|ssi|corporate upload``: the whole file is validated before
anything is sent, and a re-run sends only what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from bpost_client.client import connect
from bpost_client.exceptions import BPostError
from bpost_client.io.upload import run_upload
from bpost_client.lending.counterparties import agreement_counterparties
from bpost_client.platform.signers import from_ape_account
from bpost_client.registry.corporate_files import corporate_upload
from bpost_client.registry.fund_files import fund_upload
from bpost_client.registry.ssi_files import SSI_UPLOAD


@click.command(cls=ConnectedProviderCommand)
@click.argument("kind", type=click.Choice(["funds", "ssi", "corporate"]))
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
        key = bytes(client.account.key) if client.account else None
        upload = {"funds": fund_upload(), "ssi": SSI_UPLOAD}.get(kind) or corporate_upload(
            key, agreement_counterparties
        )
        report = run_upload(upload, client, file, skip_invalid=skip_invalid, dry_run=dry_run)
        done = "planned" if dry_run else "sent"
        planned = report.planned.items()
        counts = ", ".join(f"{action}: {len(rows)} {done}" for action, rows in planned)
        summary = (
            f"{counts}, unchanged: {len(report.unchanged)}, transactions: {report.transactions}"
        )
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{file}: {summary}")
