"""What the endpoints are given: the app's services, the authenticated caller (the index brought
up to the chain's head first), and a fund named in the path that the caller sees."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bpost_client.api.auth import ApiTokens, Authenticator, AuthError, Clock
from bpost_client.api.errors import ApiError
from bpost_client.api.index import DistributionIndex
from bpost_client.api.visibility import FundDirectory, FundView
from bpost_client.client import Client
from bpost_client.types import Lei

__all__ = [
    "Caller",
    "Services",
    "bearer",
    "caller",
    "known_query",
    "services",
    "visible_fund",
]


@dataclass(frozen=True)
class Services:
    """What the app keeps between requests."""

    client: Client
    index: DistributionIndex
    directory: FundDirectory
    auth: Authenticator

    @classmethod
    def start(
        cls, client: Client, tokens_path: FilePath | None = None, clock: Clock = time.time
    ) -> Services:
        """The services of ``client``'s deployment; nothing is read from the chain yet.

        Raises:
            ConfigError: an unreadable API token file.
        """
        directory = FundDirectory(client)
        index = DistributionIndex(client, directory.on_blocks)
        auth = Authenticator(client, ApiTokens(tokens_path), clock)
        return cls(client, index, directory, auth)


def services(request: Request) -> Services:
    """The app's services."""
    found = getattr(request.app.state, "services", None)
    if not isinstance(found, Services):
        raise ApiError(503, "this app was built without a chain connection")
    return found


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A session token from POST /auth/token, or an API token of the institution.",
)


@dataclass(frozen=True)
class Caller:
    """The institution calling, and the chain's block its answer reflects."""

    lei: Lei
    block: int


def caller(
    app: Annotated[Services, Depends(services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Caller:
    """The institution of the bearer token, still in standing at the chain's head (the index is
    brought up to it first)."""
    if credentials is None:
        raise ApiError(401, "send the header Authorization: Bearer <token>")
    try:
        principal = app.auth.authenticate(credentials.credentials)
        block = app.index.refresh()
        app.auth.check_standing(principal, block)
    except AuthError as exc:
        raise ApiError(401, str(exc)) from None
    return Caller(principal.lei, block)


def visible_fund(
    code: Annotated[
        str,
        Path(
            description="The fund: its platform code (BP..., 11 characters) or its ITA code "
            "(8 letters or digits).",
            examples=["BP000000018", "0331418A"],
        ),
    ],
    who: Annotated[Caller, Depends(caller)],
    app: Annotated[Services, Depends(services)],
) -> FundView:
    """The fund ``code`` names, when the caller is one of its parties."""
    try:
        platform = app.directory.resolve(code)
    except ValueError as exc:
        raise ApiError(422, str(exc), [("path.code", str(exc))]) from None
    view = app.directory.visible(who.lei, platform) if platform is not None else None
    if view is None:
        raise ApiError(404, f"no fund {code.strip().upper()}")
    return view


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters of a route's function and of its dependencies."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def known_query(request: Request) -> None:
    """Refuse a query parameter the route does not take (``format`` where there is no choice,
    a misspelt ``page_sise``): it would otherwise be ignored and the answer taken for what was
    asked.

    Raises:
        ApiError: 400 naming the parameter and those the route takes.
    """
    from fastapi.routing import APIRoute

    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route.dependant)
    for name in request.query_params:
        if name not in known:
            takes = ", ".join(sorted(known)) or "none"
            message = f"unknown query parameter {name!r} (this path takes: {takes})"
            raise ApiError(400, message, [(f"query.{name}", message)], "unknown_parameter")
