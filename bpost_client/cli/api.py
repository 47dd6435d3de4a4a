"""`bpost api ...`: the HTTP interface of use case 2: serve it, issue API tokens."""

from __future__ import annotations

from pathlib import Path

import click

from bpost_client.cli._context import Context, announce_serving, emit, pass_context, serve_options

__all__ = ["api_group"]


@click.group("api")
def api_group() -> None:
    """The HTTP interface of the distribution data (use case 2)."""


@api_group.command("serve")
@serve_options(8000)
@pass_context
def api_serve(ctx: Context, host: str, port: int, tokens: Path | None) -> None:
    """Serve the HTTP interface over the deployment of the node at --url (read-only).

    The OpenAPI description is at /openapi.json and the docs at /docs.
    """
    import uvicorn

    from bpost_client.api.app import create_app

    app = create_app(ctx.client(), tokens)
    announce_serving(ctx, "api", f"http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port)


@api_group.command("token")
@click.option("--lei", required=True, help="The institution the token acts for.")
@click.option(
    "--tokens",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The API token file the server reads (created if missing).",
)
@pass_context
def api_token(ctx: Context, lei: str, tokens: Path) -> None:
    """Issue an API token to the institution LEI, registered on the chain: its SHA-256 is added
    to the token file and the token is printed, once (it is stored nowhere)."""
    from bpost_client.api.auth import issue_api_token
    from bpost_client.identifiers import check_lei
    from bpost_client.platform.participants import get_institution

    get_institution(ctx.client(), check_lei(lei))  # raises when no such institution is on chain
    token = issue_api_token(tokens, lei)
    if ctx.as_json:
        emit(ctx, {"lei": lei.strip().upper(), "token": token, "tokens": str(tokens)})
    else:
        click.echo(token)
        click.echo(f"issued to {lei.strip().upper()} in {tokens}; it is not shown again", err=True)
