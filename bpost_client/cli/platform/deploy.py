"""`bpost deploy`: deploy the contracts and write the manifest (as `ape run deploy` does)."""

from __future__ import annotations

from pathlib import Path

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.contracts import load_build_artifacts
from bpost_client.exceptions import ConfigError, SignerError
from bpost_client.manifest import Manifest

__all__ = ["deploy", "manifest_summary"]


def manifest_summary(manifest: Manifest) -> dict[str, object]:
    """A manifest as the flat record `bpost` prints."""
    summary: dict[str, object] = {
        "chain_id": manifest.chain_id, "deployer": manifest.deployer,
        "git_commit": manifest.git_commit, "deployed_at": manifest.deployed_at,
    }  # fmt: skip
    for name, record in manifest.contracts.items():
        summary[name] = f"{record.address} (block {record.block})"
    return summary


@click.command()
@click.option(
    "--params",
    default="config/deploy/local.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Deployment parameters.",
)
@click.option(
    "--build",
    default=".build/__local__.json",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Compiled contracts (ape compile).",
)
@click.option("--force", is_flag=True, help="Deploy anew over a live deployment's manifest.")
@click.option("--skip-if-deployed", is_flag=True,
              help="Exit 0 when a live deployment of these contracts exists (one of other "
                   "contract versions is replaced: for the embedded demo chain).")  # fmt: skip
@pass_context
def deploy(ctx: Context, params: Path, build: Path, force: bool, skip_if_deployed: bool) -> None:
    """Deploy the contracts in order, wire them together and write the manifest."""
    from bpost_client.platform.deployment import deploy as deploy_contracts
    from bpost_client.platform.deployment import existing_deployment, is_current, load_params

    w3 = ctx.web3()
    if not build.exists():
        raise ConfigError(f"no compiled contracts at {build}: run 'make build'")
    artifacts = load_build_artifacts(build)
    live = existing_deployment(w3, ctx.deployments)
    if live is not None and skip_if_deployed and not force:
        if is_current(live, artifacts):
            emit(ctx, {"already_deployed": True, **manifest_summary(live)})
            return
        force = True
    account = ctx.signer(w3.eth.chain_id)
    if account is None:
        raise SignerError("deploying needs a signer: --keystore or --dev-account")
    manifest = deploy_contracts(
        w3, account, artifacts, load_params(params), ctx.deployments, force=force
    )
    emit(ctx, manifest_summary(manifest))
