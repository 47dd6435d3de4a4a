"""`bpost status`: the node, its head block and the deployed contracts."""

from __future__ import annotations

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.cli.platform.deploy import manifest_summary

__all__ = ["status"]


@click.command()
@pass_context
def status(ctx: Context) -> None:
    """Chain id, head block, pause state and the contracts of the deployment."""
    client = ctx.client()
    access = client.contract("PlatformAccess")
    emit(ctx, {
        "url": ctx.url,
        "head_block": client.w3.eth.block_number,
        "paused": bool(client.read(access.functions.paused())),
        **manifest_summary(client.manifest),
    })  # fmt: skip
