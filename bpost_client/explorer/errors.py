"""Errors as pages: every refusal (404, 422, 401, 503, ...) is an HTML page in the site's
layout, and a page that needs a sign-in redirects to the login page."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from bpost_client.explorer.render import render
from bpost_client.explorer.session import LoginRequired

__all__ = ["error_page", "install_handlers"]


def error_page(
    request: Request,
    status: int,
    message: str,
    details: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error page of HTTP status ``status`` saying ``message`` (and ``details``)."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    answer = render(
        request,
        "error.html",
        {"status": status, "title": title, "message": message, "details": details or []},
        status_code=status,
    )
    for key, value in (headers or {}).items():
        answer.headers[key] = value
    return answer


def _location(loc: tuple[object, ...] | list[object]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("path", "query", "body", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "request"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and message == "Not Found":
        message = f"There is no page {request.url.path}."
    return error_page(request, exc.status_code, message, headers=dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [f"{_location(e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()]
    return error_page(request, 422, "The request is malformed.", details)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return exc.response()


def install_handlers(app: FastAPI) -> None:
    """Answer the app's errors with HTML pages, and a missing sign-in with a redirect."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(LoginRequired, _login_required)
