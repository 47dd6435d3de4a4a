"""What every `bpost` command shares: connection options, the signer, output and errors."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

import click

from bpost_client.exceptions import ValidationError
from bpost_client.platform.follower import DEFAULT_REORG_DEPTH

if TYPE_CHECKING:  # loaded when a command connects or prints a table, not for `bpost --help`
    import pandas as pd
    from eth_account.signers.local import LocalAccount
    from web3 import Web3

    from bpost_client._utils.sender import FeeMode
    from bpost_client.client import Client

__all__ = [
    "Context",
    "as_user_error",
    "blank_missing",
    "emit",
    "parse_date",
    "pass_context",
    "poll_option",
    "progress",
    "reorg_depth_option",
    "serve_options",
]

T = TypeVar("T")

DEFAULT_URL = "http://127.0.0.1:8545"
PROGRESS_THRESHOLD = 5
"""Commands that send more transactions than this show a progress bar."""


@dataclass
class Context:
    """The global options of `bpost`."""

    url: str
    deployments: Path
    keystore: Path | None
    dev_account_index: int | None
    as_json: bool
    debug: bool
    fees: FeeMode = "auto"
    explorer_url: str | None = None
    """Base URL of the explorer; the clients built here then log a link for each transaction."""
    fallback_urls: tuple[str, ...] = ()
    """Nodes of the same chain to move to when the node at ``url`` is lost (``--network``)."""
    dev_accounts_refused: str | None = None
    """Why the dev accounts may not sign here, whatever the chain id: the ``--network``'s
    description says it is no development network (``dev_accounts: false``); None elsewhere."""

    @property
    def urls(self) -> list[str]:
        """The node's URL, then the fallbacks'."""
        return [self.url, *self.fallback_urls]

    def web3(self) -> Web3:
        """A connection to the node (no deployment needed)."""
        from bpost_client.client import web3_for

        return web3_for(self.urls)

    def dev_account(self, index: int, chain_id: int) -> LocalAccount:
        """Dev account ``index``, where the dev accounts may sign.

        Raises:
            SignerError: not on this network (:attr:`dev_accounts_refused`), or not on chain
                ``chain_id`` (:data:`~bpost_client.platform.signers.DEV_CHAIN_IDS`).
        """
        from bpost_client.exceptions import SignerError
        from bpost_client.platform.signers import dev_account

        if self.dev_accounts_refused is not None:
            raise SignerError(f"dev account {index} refused: {self.dev_accounts_refused}")
        return dev_account(index, chain_id)

    def dev_accounts(self, chain_id: int) -> list[LocalAccount]:
        """The funded dev accounts where they may sign (every participant's key there); none on
        any other chain or network."""
        from bpost_client.platform.signers import dev_accounts

        return [] if self.dev_accounts_refused is not None else dev_accounts(chain_id)

    def signer(self, chain_id: int) -> LocalAccount | None:
        """The signer the options name; dev account 0 on the embedded chain when none is named.

        Raises:
            SignerError: a dev account named, or none named on the embedded chain's id, where
                the dev accounts may not sign (see :meth:`dev_account`).
        """
        from bpost_client.exceptions import SignerError
        from bpost_client.platform.chain import CHAIN_ID
        from bpost_client.platform.signers import from_keystore

        if self.keystore is not None:
            return from_keystore(self.keystore)
        if self.dev_account_index is not None:
            return self.dev_account(self.dev_account_index, chain_id)
        if chain_id == CHAIN_ID:
            if self.dev_accounts_refused is not None:
                raise SignerError(
                    f"name the signer with --keystore: dev account 0, the default on chain "
                    f"{chain_id}, is refused: {self.dev_accounts_refused}"
                )
            return self.dev_account(0, chain_id)
        return None

    def client(self, signing: bool = False) -> Client:
        """A client bound to the deployment of the node's chain, with the fee mode and the
        explorer URL of the options."""
        from bpost_client.client import connect

        read_only = connect(self.urls, self.deployments, explorer_url=self.explorer_url)
        if not signing:
            return read_only
        return connect(
            self.urls,
            read_only.manifest,
            self.signer(read_only.chain_id),
            fees=self.fees,
            check_code=False,
            explorer_url=self.explorer_url,
        )


pass_context = click.make_pass_decorator(Context)


def _jsonable(value: Any) -> Any:
    """``value`` as strict JSON takes it: a missing value (NaN, NaT, NA) as null, numpy and
    pandas scalars as numbers, dates as ISO 8601, bytes as 0x-hex, a whole float as an integer
    (a pandas column with a gap holds its integers as floats); Decimals stay text, exact.

    numpy and pandas are looked at only when loaded: a value cannot be theirs otherwise (and a
    command that prints no table does not load them)."""
    np, pd = sys.modules.get("numpy"), sys.modules.get("pandas")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if np is not None and isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if value is None or (pd is not None and (value is pd.NaT or value is pd.NA)):
        return None
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, datetime | date):  # pandas' Timestamp is a datetime
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def _readable(value: Any) -> str:
    """A value as people read it in a summary: none for nothing, lists joined, mappings as
    ``key value`` pairs, dates in ISO 8601, bytes as 0x-hex."""
    if value is None or (isinstance(value, list | tuple | dict | set) and not value):
        return "none"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return ", ".join(_readable(v) for v in value)
    if isinstance(value, date | bytes):
        return str(_jsonable(value))
    return str(value)


def _is_frame(data: object) -> TypeGuard[pd.DataFrame]:
    """Whether ``data`` is a DataFrame; never while pandas is not loaded (nothing is one then,
    and a command that prints no table does not load it)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def emit(ctx: Context, data: pd.DataFrame | dict[str, Any] | list[Any] | str) -> None:
    """Print ``data``: JSON with ``--json``, else a table or text for people."""
    if ctx.as_json:
        if _is_frame(data):
            payload: Any = [_jsonable(r) for r in data.to_dict(orient="records")]
        else:
            payload = _jsonable(data)
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False))
        return
    if _is_frame(data):
        click.echo("(none)" if data.empty else data.to_string(index=False))
    elif isinstance(data, dict):
        width = max((len(str(k)) for k in data), default=0)
        for key, value in data.items():
            click.echo(f"{str(key).ljust(width)}  {_readable(value)}")
    elif isinstance(data, list):
        for item in data:
            click.echo(_readable(item))
    else:
        click.echo(data)


def announce_serving(ctx: Context, service: str, url: str) -> None:
    """The one line a server prints as it starts, before its log: ``service: url``, or with
    --json a JSON object on one line (``{"serving": service, "url": url}``) a program reads."""
    if ctx.as_json:
        click.echo(json.dumps({"serving": service, "url": url}))
    else:
        click.echo(f"{service}: {url}")


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with missing cells shown as blanks, for a table people read."""
    cells = frame.astype(object)
    return cells.where(frame.notna(), "")


@contextmanager
def progress(ctx: Context, total: int | None, label: str) -> Iterator[Callable[[Any], None]]:
    """A callback that advances a progress bar on stderr when ``total`` is more than a handful
    (a running count when the total is not known ahead, as for batches sized by gas), drawn from
    the first transaction on."""
    if (total is not None and total <= PROGRESS_THRESHOLD) or ctx.as_json:
        yield lambda _receipt: None
        return
    from tqdm import tqdm

    # sys.stderr itself, not a click wrapper: the transaction lines (tqdm.write in the CLI's
    # handler) name the same stream, so tqdm takes the bar off before a line and redraws it after.
    # The bar appears with the first transaction: a dry run or a refused file draws none.
    bars: list[tqdm[Any]] = []

    def advance(_receipt: Any) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc=label, unit="tx", file=sys.stderr))
        bars[0].update(1)

    try:
        yield advance
    finally:
        for bar in bars:
            bar.close()


def env_int(name: str) -> int | None:
    """An integer environment variable, or None when unset."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else None


def poll_option(help: str) -> Callable[[Any], Any]:
    """The ``--poll`` option of the commands that follow the chain: seconds between two looks at
    it, described by ``help``."""
    return click.option(
        "--poll", type=click.FloatRange(0.05, 3600), default=2.0, show_default=True, help=help
    )


def reorg_depth_option(help: str) -> Callable[[Any], Any]:
    """The ``--reorg-depth`` option of the commands that follow the chain, described by
    ``help``."""
    return click.option(
        "--reorg-depth",
        type=click.IntRange(0, 10_000),
        default=DEFAULT_REORG_DEPTH,
        show_default=True,
        help=help,
    )


def serve_options(port: int, tokens_note: str = "") -> Callable[[Any], Any]:
    """The options of a command that serves HTTP: --host, --port (``port`` by default) and
    --tokens, the API token file it accepts (``tokens_note`` ends that option's help)."""
    options = [
        click.option(
            "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
        ),
        click.option("--port", default=port, show_default=True, type=click.IntRange(1, 65535)),
        click.option(
            "--tokens",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="API tokens, a YAML file {sha256 hex: LEI} (read again when it changes)"
            + tokens_note
            + ".",
        ),
    ]

    def decorate(command: Any) -> Any:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def parse_date(text: str) -> date:
    """A date as people and Excel write one (:func:`bpost_client.io.tables.parse_date`), that
    module imported on the first date read: it loads pandas, which `--help` does without."""
    from bpost_client.io import tables

    return tables.parse_date(text)


def as_user_error(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` raising a ValidationError (which `bpost` prints as one line) where it raises a
    ValueError."""

    def checked(text: str) -> T:
        try:
            return parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    return checked
