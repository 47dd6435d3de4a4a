"""`bpost chain start|stop|status`: the embedded private chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.platform import chain as embedded

__all__ = ["chain"]


def _config(data_dir: Path, host: str, port: int, block_time: int, state_interval: int) -> Any:
    return embedded.ChainConfig(
        data_dir=data_dir,
        host=host,
        port=port,
        block_time=block_time,
        state_interval=state_interval,
    )


def chain_options(func: Any) -> Any:
    """The options that name and shape the embedded chain."""
    options = [
        click.option("--data-dir", default=".bpost/chain", show_default=True,
                     type=click.Path(file_okay=False, path_type=Path),
                     help="State, pid and log files of the chain."),
        click.option("--host", default="127.0.0.1", show_default=True),
        click.option("--port", default=8545, show_default=True, type=click.IntRange(1, 65535)),
        click.option("--block-time", default=0, show_default=True, type=click.IntRange(0),
                     help="Seconds between blocks; 0 mines one block per transaction."),
        click.option("--state-interval", default=1, show_default=True, type=click.IntRange(1),
                     help="Seconds between dumps of the state to disk."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _show(ctx: Context, status: embedded.ChainStatus, config: embedded.ChainConfig) -> None:
    emit(ctx, {
        "running": status.running, "url": status.url, "pid": status.pid,
        "chain_id": status.chain_id, "block": status.block, "state": str(config.state_file),
    })  # fmt: skip


@click.group()
def chain() -> None:
    """Run the embedded private chain (anvil, chain id 20201030, paris rules)."""


@chain.command()
@chain_options
@pass_context
def start(ctx: Context, /, **options: Any) -> None:
    """Start the chain, or report the one already running; a restart keeps every record."""
    config = _config(**options)
    _show(ctx, embedded.start(config), config)


@chain.command()
@chain_options
@pass_context
def stop(ctx: Context, /, **options: Any) -> None:
    """Stop the chain this data directory started (its state is dumped as it exits)."""
    config = _config(**options)
    stopped = embedded.stop(config)
    emit(ctx, {"stopped": stopped, "state": str(config.state_file)})


@chain.command()
@chain_options
@pass_context
def status(ctx: Context, /, **options: Any) -> None:
    """Whether the chain runs, its chain id and head block."""
    config = _config(**options)
    _show(ctx, embedded.status(config), config)
