"""`bpost index`: write the deployment's chain, decoded, into a database and keep it current."""

from __future__ import annotations

import contextlib

import click

from bpost_client.cli._context import (
    Context,
    emit,
    pass_context,
    poll_option,
    reorg_depth_option,
)

__all__ = ["database_option", "index"]

database_option = click.option(
    "--database",
    envvar="BPOST_INDEX_DATABASE",
    default=None,
    help="SQLAlchemy URL of the index [default: sqlite:///.bpost/index/index.sqlite].",
)
"""The ``--database`` option of the commands that read or write the index."""


@click.command("index")
@database_option
@click.option("--follow", is_flag=True, help="Keep following the chain until interrupted.")
@poll_option("Seconds between looks at the chain with --follow.")
@reorg_depth_option(
    "The most indexed blocks a reorganisation may replace; deeper stops with an error."
)
@click.option(
    "--batch-blocks",
    type=click.IntRange(1, 10_000),
    default=200,
    show_default=True,
    help="Blocks written per database transaction.",
)
@click.option("--to-block", type=click.IntRange(0), default=None, help="Stop at this block.")
@pass_context
def index(
    ctx: Context,
    database: str | None,
    follow: bool,
    poll: float,
    reorg_depth: int,
    batch_blocks: int,
    to_block: int | None,
) -> None:
    """Index the deployment's blocks, transactions and events, decoded with its ABIs, from its
    first block to the head (or --to-block), resuming where the last run stopped.

    With --follow it then keeps the index current, following reorganisations, until
    interrupted; a run killed at any point loses nothing and writes nothing twice.
    """
    from sqlalchemy.engine import make_url  # without the index extra: an error naming it

    from bpost_client.indexer import Indexer, SyncReport, default_database_url, open_engine

    if follow and to_block is not None:
        raise click.UsageError("--follow and --to-block exclude each other")
    url = database or default_database_url()
    indexer = Indexer(
        ctx.client(), open_engine(url), reorg_depth=reorg_depth, batch_blocks=batch_blocks
    )
    if follow:
        report = SyncReport()

        def show(step: SyncReport) -> None:
            nonlocal report
            report += step
            click.echo(
                f"indexed to block {step.indexed_to}: {step.blocks} blocks, "
                f"{step.transactions} transactions, {step.events} events"
                + (f", {step.reorged_blocks} blocks reorganised" if step.reorged_blocks else ""),
                err=True,
            )

        with contextlib.suppress(KeyboardInterrupt):  # an interrupt ends a follow cleanly
            indexer.follow(poll, on_sync=show)
    else:
        report = indexer.sync(to_block)
    status = indexer.status()
    emit(
        ctx,
        {
            "database": make_url(url).render_as_string(hide_password=True),
            "indexed_to_block": status.block_number,
            "chain_head": ctx.web3().eth.block_number,
            "blocks": status.blocks,
            "transactions": status.transactions,
            "events": status.events,
            "new_blocks": report.blocks,
            "new_transactions": report.transactions,
            "new_events": report.events,
            "reorganised_blocks": report.reorged_blocks,
        },
    )
