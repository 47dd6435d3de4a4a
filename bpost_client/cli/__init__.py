"""`bpost`: the command line of B-POST, thin over the same functions as the library."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import cast

import click
from tqdm import tqdm

from bpost_client._utils.sender import FeeMode
from bpost_client.cli._context import DEFAULT_URL, Context
from bpost_client.cli.api import api_group
from bpost_client.cli.calendar import calendar_group
from bpost_client.cli.chain import chain
from bpost_client.cli.deploy import deploy
from bpost_client.cli.distribution import distribution_group
from bpost_client.cli.explorer import explorer_group
from bpost_client.cli.funds import funds_group
from bpost_client.cli.index import index
from bpost_client.cli.institution_data import corporate_group, ssi_group
from bpost_client.cli.lending import lending_group
from bpost_client.cli.participants import participants
from bpost_client.cli.reference_data import dividends_group, prices_group, securities_group
from bpost_client.cli.roles import roles
from bpost_client.cli.status import status
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.platform.explorer_links import (
    EXPLORER_URL_ENV,
    TRANSACTIONS_LOGGER,
    check_explorer_url,
)

__all__ = ["cli", "main"]


def _explorer_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """The --explorer-url value, checked: an http(s) base URL (trailing slashes removed)."""
    if value is None:
        return None
    try:
        return check_explorer_url(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


class _StderrLines(logging.Handler):
    """Prints each record on stderr, above the progress bar when one is shown (the bar is
    drawn on ``sys.stderr`` too, see ``progress``)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:
            self.handleError(record)


def _print_transaction_links(ctx: click.Context) -> None:
    """Print the client's transaction lines (with explorer links) on stderr until ``ctx`` ends.

    The logger stops propagating meanwhile, so a handler of the root logger does not print the
    same line a second time.
    """
    logger = logging.getLogger(TRANSACTIONS_LOGGER)
    handler = _StderrLines(logging.INFO)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def detach() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate

    ctx.call_on_close(detach)


@click.group()
@click.option(
    "--url",
    envvar="BPOST_RPC_URL",
    default=DEFAULT_URL,
    show_default=True,
    help="JSON-RPC URL of the node (anvil, geth, Besu).",
)
@click.option(
    "--deployments",
    envvar="BPOST_DEPLOYMENTS",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of deployment manifests, one per chain id.",
)
@click.option(
    "--keystore",
    envvar="BPOST_KEYSTORE",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Encrypted keystore of the signer (passphrase: $BPOST_KEYSTORE_PASSPHRASE).",
)
@click.option(
    "--dev-account",
    "dev_account_index",
    envvar="BPOST_DEV_ACCOUNT",
    default=None,
    type=click.IntRange(0, 999),
    help="Sign with dev account N (embedded chain only, where 0 is the default).",
)
@click.option(
    "--fees",
    type=click.Choice(["auto", "legacy", "eip1559", "free"]),
    default="auto",
    envvar="BPOST_FEES",
    show_default=True,
    help="Fee mode; 'free' sends with gas price zero (permissioned chains).",
)
@click.option(
    "--explorer-url",
    envvar=EXPLORER_URL_ENV,
    default=None,
    callback=_explorer_url,
    metavar="URL",
    help="Base URL of the explorer (http or https): print on stderr a link to the page of "
    "every transaction sent.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")
@click.option("--debug", is_flag=True, help="Show the traceback of a failure.")
@click.pass_context
def cli(
    ctx: click.Context,
    url: str,
    deployments: Path,
    keystore: Path | None,
    dev_account_index: int | None,
    fees: str,
    explorer_url: str | None,
    as_json: bool,
    debug: bool,
) -> None:
    """B-POST: shared post-trade data and workflows on a permissioned EVM chain."""
    mode = cast(FeeMode, fees)
    ctx.obj = Context(
        url, deployments, keystore, dev_account_index, as_json, debug, mode, explorer_url
    )
    if explorer_url is not None:
        _print_transaction_links(ctx)


cli.add_command(chain)
cli.add_command(calendar_group)
cli.add_command(deploy)
cli.add_command(funds_group)
cli.add_command(ssi_group)
cli.add_command(corporate_group)
cli.add_command(participants)
cli.add_command(roles)
cli.add_command(status)
cli.add_command(securities_group)
cli.add_command(prices_group)
cli.add_command(dividends_group)
cli.add_command(distribution_group)
cli.add_command(api_group)
cli.add_command(lending_group)
cli.add_command(index)
cli.add_command(explorer_group)


def main(argv: list[str] | None = None) -> int:
    """Run `bpost`; a failure prints one line (the traceback too with --debug) and exits 1."""
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="bpost", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    except BPostError as exc:
        if "--debug" in args:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        return 1
    except Exception as exc:  # an unexpected failure still ends in one line
        if "--debug" in args:
            traceback.print_exc()
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        return 1
    return 0
