"""`bpost explorer ...`: serve the block explorer over the chain index, and sign its login
challenge."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import (
    Context,
    announce_serving,
    emit,
    pass_context,
    poll_option,
    serve_options,
)
from bpost_client.cli.index import database_option
from bpost_client.exceptions import SignerError
from bpost_client.explorer.service import (
    DEFAULT_DATA_DIR,
    DEFAULT_PORT,
    ExplorerService,
    start,
    status,
    stop,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bpost_client.indexer import Indexer

__all__ = ["explorer_group", "follow_index"]

RETRY_SECONDS = 5.0
"""The pause before the background indexer tries again after a failure."""


@click.group("explorer")
def explorer_group() -> None:
    """The block explorer: web pages over the chain index for the platform's institutions."""


@explorer_group.command("serve")
@database_option
@serve_options(DEFAULT_PORT, ", as for 'bpost api serve'")
@click.option(
    "--index/--no-index",
    "follow",
    default=True,
    show_default=True,
    help="Keep the index current while serving (an indexer follows the chain in the background).",
)
@poll_option("Seconds between the background indexer's looks at the chain.")
@pass_context
def explorer_serve(
    ctx: Context, database: str | None, host: str, port: int, tokens: Path | None, follow: bool,
    poll: float,
) -> None:  # fmt: skip
    """Serve the explorer over the index of the deployment of the node at --url.

    Every page needs a signed-in institution: an API token (bpost api token), or a signature of
    the login page's challenge (bpost explorer sign). With --index (the default) the index is
    brought up to the chain's head and kept there while the server runs.
    """
    import uvicorn

    from bpost_client.explorer.app import create_explorer
    from bpost_client.indexer import Indexer, default_database_url, open_engine

    client = ctx.client()
    engine = open_engine(database or default_database_url())
    indexer = Indexer(ctx.client(), engine) if follow else None  # its own connection to the node
    app = create_explorer(engine, client, tokens)
    serving = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[Any]:
        stop = threading.Event()
        follower = None
        if indexer is not None:
            follower = threading.Thread(
                target=follow_index, args=(indexer, poll, stop), name="bpost-explorer-indexer"
            )
            follower.start()
        try:
            async with serving(served) as state:
                yield state
        finally:
            stop.set()
            if follower is not None:
                follower.join(timeout=30)
            engine.dispose()
            click.echo("explorer: stopped", err=True)

    app.router.lifespan_context = lifespan
    gc.freeze()  # what start-up made lives for ever: later full collections skip it (page p95)
    announce_serving(ctx, "explorer", f"http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def follow_index(indexer: Indexer, poll: float, stop: threading.Event) -> None:
    """Keep the index current until ``stop`` is set. A node that does not answer or another
    writer is retried after a pause; a reorganisation deeper than the indexer's depth ends the
    following, and the pages stay up showing how far the index got."""
    from bpost_client.indexer import ReorgTooDeepError

    while not stop.is_set():
        try:
            indexer.follow(poll, stop=stop)
        except ReorgTooDeepError as exc:
            click.echo(f"explorer: the indexer stopped: {exc}", err=True)
            return
        except Exception as exc:  # the node or the database, for now: try again
            click.echo(f"explorer: the indexer will try again: {exc}", err=True)
            stop.wait(max(poll, RETRY_SECONDS))


@explorer_group.command("sign")
@click.option("--nonce", required=True, help="The nonce the explorer's login page shows.")
@pass_context
def explorer_sign(ctx: Context, nonce: str) -> None:
    """Sign the explorer's login challenge NONCE with the signer (--keystore or --dev-account)
    and print the signature; paste it, with the address printed beside it, into the login
    page."""
    from eth_account.messages import encode_defunct

    from bpost_client.api.auth import login_message
    from bpost_client.platform.signers import from_keystore

    if ctx.keystore is not None:
        account = from_keystore(ctx.keystore)
    else:
        found = ctx.signer(ctx.web3().eth.chain_id)
        if found is None:
            raise SignerError("name the signer with --keystore or --dev-account")
        account = found
    signed = account.sign_message(encode_defunct(text=login_message(nonce.strip())))
    signature = "0x" + bytes(signed.signature).hex()
    if ctx.as_json:
        emit(ctx, {"address": account.address, "nonce": nonce.strip(), "signature": signature})
    else:
        click.echo(signature)
        click.echo(f"signed by {account.address}", err=True)


def _service(data_dir: Path, host: str, port: int) -> ExplorerService:
    return ExplorerService(data_dir=data_dir, host=host, port=port)


_data_dir = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Where the background explorer keeps its pid, log and API tokens.",
)


@explorer_group.command("start")
@database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token-for",
    "token_for",
    metavar="LEI",
    default=None,
    help="Issue an API token of this institution for the explorer and print it.",
)
@_data_dir
@pass_context
def explorer_start(
    ctx: Context,
    database: str | None,
    host: str,
    port: int,
    token_for: str | None,
    data_dir: Path,
) -> None:
    """Index the chain up to its head, then serve the explorer in the background (its indexer
    following the chain) until 'bpost explorer stop'; print its URL.

    The background explorer keeps its pid, log and API tokens in --data-dir.
    """
    from sqlalchemy.engine import make_url

    from bpost_client.api.auth import issue_api_token
    from bpost_client.indexer import Indexer, default_database_url, open_engine
    from bpost_client.platform.participants import get_institution

    service = _service(data_dir, host, port)
    url = database or default_database_url()
    client = ctx.client()
    result: dict[str, object] = {"index": None}
    if not status(service).running:  # a running explorer's own indexer keeps the index current
        engine = open_engine(url)
        report = Indexer(client, engine).sync()
        engine.dispose()
        result["index"] = {
            "database": make_url(url).render_as_string(hide_password=True),
            "indexed_to": report.indexed_to,
            "transactions": report.transactions,
            "events": report.events,
        }
        if not ctx.as_json:
            click.echo(
                f"index: {url} up to block {report.indexed_to} "
                f"({report.transactions} new transactions, {report.events} new events)"
            )
    signed_in = None
    if token_for is not None:
        institution = get_institution(client, token_for)
        token = issue_api_token(service.tokens_file, institution.lei)
        signed_in = f"{institution.lei} ({institution.legal_name}): {token}"
        result.update(token_for=institution.lei, token=token)
    options = ["--url", ctx.url, "--deployments", str(ctx.deployments)]
    with _database_env(database):
        running = start(service, options)
    if ctx.as_json:
        emit(ctx, {**result, "url": running.url, "pid": running.pid})
        return
    click.echo(f"explorer: {running.url} (process {running.pid}; 'bpost explorer stop' ends it)")
    if signed_in is not None:
        click.echo(f"sign in with the API token of {signed_in}")
    click.echo(f"transaction links from the CLI: export BPOST_EXPLORER_URL={running.url}")


@contextlib.contextmanager
def _database_env(database: str | None) -> Iterator[None]:
    """``BPOST_INDEX_DATABASE`` set to ``database`` (when given) for a child process."""
    import os

    before = os.environ.get("BPOST_INDEX_DATABASE")
    if database is not None:
        os.environ["BPOST_INDEX_DATABASE"] = database
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("BPOST_INDEX_DATABASE", None)
        else:
            os.environ["BPOST_INDEX_DATABASE"] = before


@explorer_group.command("stop")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535))
@_data_dir
@pass_context
def explorer_stop(ctx: Context, host: str, port: int, data_dir: Path) -> None:
    """Stop the background explorer that 'bpost explorer start' began."""
    stopped = stop(_service(data_dir, host, port))
    if ctx.as_json:
        emit(ctx, {"stopped": stopped})
    else:
        click.echo("explorer: stopped" if stopped else "explorer: was not running")


@explorer_group.command("status")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535))
@_data_dir
@pass_context
def explorer_status(ctx: Context, host: str, port: int, data_dir: Path) -> None:
    """Whether the background explorer runs, and where."""
    found = status(_service(data_dir, host, port))
    if ctx.as_json:
        emit(ctx, {"running": found.running, "url": found.url, "pid": found.pid})
    else:
        shown = f"running (process {found.pid})" if found.running else "not running"
        click.echo(f"explorer: {found.url} {shown}")
