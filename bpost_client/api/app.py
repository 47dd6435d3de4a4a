"""The FastAPI application of the HTTP interface: :func:`create_app` binds it to a deployment."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from bpost_client.api import endpoints, login
from bpost_client.api.auth import CHALLENGE_SECONDS, SESSION_SECONDS, Clock
from bpost_client.api.dependencies import Services
from bpost_client.api.errors import install_handlers
from bpost_client.client import Client
from bpost_client.distribution.standard.records import SPEC_VERSION

__all__ = ["TITLE", "create_app", "openapi_document"]

TITLE = "B-POST distribution data API"
DESCRIPTION = f"""\
The investment-trust distribution data on the B-POST chain (NAVs, distributions, \
non-application days and management reports, with their corrections) as records of the \
standard (`docs/spec/README.md`), for the institutions that are parties of each fund.

**Authentication.** Every data request carries `Authorization: Bearer <token>` and acts for one \
institution (its LEI). A token is either

- a session token: `POST /auth/challenge` gives a one-time nonce (valid \
{CHALLENGE_SECONDS // 60} minutes); sign the text `B-POST API login\\nnonce: <nonce>` with \
EIP-191 `personal_sign` using the key of an address bound to the institution, and exchange \
`{{address, nonce, signature}}` at `POST /auth/token` for a token valid \
{SESSION_SECONDS // 60} minutes; or
- an API token issued to the institution by the operator of this server \
(`bpost api token --lei LEI --tokens FILE`).

A missing, unknown or expired token, or an institution no longer active, is answered 401.

**Visibility.** An institution sees a fund when it is one of the fund's parties on chain (asset \
manager, trustee, distributor or custodian); any other fund is answered 404, as one that does \
not exist.

**Paging and formats.** Lists take `page_size` (default 100, at most 1000) and `cursor` (the \
`next_cursor` of the previous page) and answer in `format` json (default), xml, csv or ita-csv.
"""
TAGS = [
    {"name": "authentication", "description": "Log in with a signed challenge."},
    {"name": "funds", "description": "The funds the caller sees."},
    {"name": "records", "description": "A fund's records: the current version of each."},
    {"name": "corrections", "description": "Corrections in chain order, since a block."},
]


def _operation_id(route: APIRoute) -> str:
    return route.name


def _build(services: Services | None) -> FastAPI:
    app = FastAPI(
        title=TITLE,
        version=SPEC_VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        generate_unique_id_function=_operation_id,
    )
    app.state.services = services
    install_handlers(app)
    app.include_router(login.router)
    app.include_router(endpoints.router)
    return app


def create_app(
    client: Client, tokens_path: Path | None = None, *, clock: Clock = time.time
) -> FastAPI:
    """The HTTP interface over ``client``'s deployment; nothing is read from the chain until the
    first request.

    Args:
        client: a client of the deployment (read-only is enough).
        tokens_path: the API tokens, a YAML file ``{sha256 hex: LEI}`` (read again when it
            changes); None: API tokens are not accepted.
        clock: the time in seconds (tests move it).

    Raises:
        ConfigError: an unreadable API token file.
    """
    return _build(Services.start(client, tokens_path, clock))


def openapi_document() -> dict[str, Any]:
    """The OpenAPI description of the interface (no chain needed)."""
    return _build(None).openapi()
