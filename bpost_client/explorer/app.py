"""The explorer's FastAPI application: :func:`create_explorer` binds it to an index database
and a deployment."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bpost_client.api.auth import ApiTokens, Authenticator, Clock
from bpost_client.client import Client
from bpost_client.exceptions import ConfigError
from bpost_client.explorer import chain_pages, session
from bpost_client.explorer.domain import router as domain_router
from bpost_client.explorer.errors import install_handlers
from bpost_client.explorer.state import Explorer
from bpost_client.indexer.schema import checkpoint, create_schema, metadata

__all__ = ["STATIC_DIR", "create_explorer", "prepare_database"]

STATIC_DIR = Path(__file__).parent / "static"


def prepare_database(engine: Engine) -> None:
    """Create the index's tables when missing, and the indexes the explorer's pages read
    through on a database made before they existed."""
    create_schema(engine)
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)


def _check_owner(engine: Engine, client: Client) -> None:
    """Refuse an index of another chain: its pages would name the wrong contracts."""
    with engine.connect() as conn:
        row = conn.execute(select(checkpoint.c.chain_id)).first()
    if row is not None and int(row[0]) != client.chain_id:
        raise ConfigError(
            f"the database {engine.url.render_as_string()} indexes chain {row[0]}, "
            f"not chain {client.chain_id} of the node"
        )


def create_explorer(
    engine: Engine, client: Client, tokens_path: Path | None = None, *, clock: Clock = time.time
) -> FastAPI:
    """The block explorer over the index in ``engine`` of ``client``'s deployment.

    Every page needs a signed-in institution (see :mod:`bpost_client.explorer.session`); the
    static files under ``/static`` do not.

    Args:
        engine: the index database (:func:`bpost_client.indexer.open_engine`).
        client: a client of the deployment (read-only is enough), for authentication, the
            chain's head and the contracts' code.
        tokens_path: the API tokens, a YAML file ``{sha256 hex: LEI}`` (read again when it
            changes); None: API tokens are not accepted.
        clock: the time in seconds (tests move it).

    Raises:
        ConfigError: an unreadable API token file, or an index of another chain.
    """
    prepare_database(engine)
    _check_owner(engine, client)
    auth = Authenticator(client, ApiTokens(tokens_path), clock)
    app = FastAPI(title="B-POST explorer", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.explorer = Explorer(engine, client, auth, clock)
    install_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(session.router)
    signed_in = [Depends(session.viewer)]
    app.include_router(chain_pages.router, dependencies=signed_in)
    app.include_router(domain_router, dependencies=signed_in)
    app.include_router(chain_pages.fallback, dependencies=signed_in)
    return app
