"""`ape run deploy`: deploy the B-POST contracts on the selected network and write the manifest.

    ape run deploy --network ethereum:bpost:node --account TEST::0
    ape run deploy --network ethereum:bpost:node --account <alias> --params config/deploy/x.yaml

Without --account, dev account 0 signs on the embedded chain; elsewhere an account is required.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import project
from ape.cli import ConnectedProviderCommand, account_option

from bpost_client.cli.platform.deploy import manifest_summary
from bpost_client.client import web3_for
from bpost_client.contracts import load_build_artifacts
from bpost_client.exceptions import BPostError
from bpost_client.platform.deployment import deploy, existing_deployment, is_current, load_params
from bpost_client.platform.signers import from_ape_account


def _print(summary: dict[str, object]) -> None:
    for key, value in summary.items():
        click.echo(f"{key:<20} {value}")


@click.command(cls=ConnectedProviderCommand)
@account_option(prompt=False)
@click.option(
    "--params",
    default="config/deploy/local.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option(
    "--deployments",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Deploy anew over a live deployment's manifest.")
@click.option("--skip-if-deployed", is_flag=True,
              help="Exit 0 when a live deployment of these contracts exists (one of other "
                   "contract versions is replaced: for the embedded demo chain).")  # fmt: skip
def cli(
    provider: Any,
    account: Any,
    params: Path,
    deployments: Path,
    force: bool,
    skip_if_deployed: bool,
) -> None:
    """Deploy the B-POST contracts in order, wire them and write the manifest."""
    try:
        w3 = web3_for(provider.http_uri)
        project.load_contracts()
        artifacts = load_build_artifacts(project.manifest_path)
        live = existing_deployment(w3, deployments)
        if live is not None and skip_if_deployed and not force:
            if is_current(live, artifacts):
                click.echo(f"chain {live.chain_id} already has this deployment; nothing deployed")
                _print(manifest_summary(live))
                return
            click.echo(f"chain {live.chain_id} has other contract versions: deploying anew")
            force = True
        signer = from_ape_account(account, w3.eth.chain_id)
        manifest = deploy(w3, signer, artifacts, load_params(params), deployments, force=force)
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"deployed on chain {manifest.chain_id}; manifest in {deployments}/")
    _print(manifest_summary(manifest))
