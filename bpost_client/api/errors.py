"""Every error answer of the HTTP interface has one JSON shape (:class:`models.ErrorBody`): a
short code, a sentence, and the refused parameters if any."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from requests.exceptions import RequestException
from starlette.exceptions import HTTPException as StarletteHTTPException

from bpost_client.api.models import ErrorBody, ErrorDetail
from bpost_client.exceptions import ChainError

__all__ = ["ApiError", "error_responses", "install_handlers"]

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameter",
    503: "unavailable",
}
_DESCRIPTIONS = {
    400: "A parameter or format that cannot be served (e.g. a malformed cursor, or a format that "
    "cannot express the answer).",
    401: "No bearer token, or an unknown or expired one, or an institution no longer active.",
    404: "No such fund, or one the caller is not a party of (the two are not told apart).",
    422: "A malformed parameter or body.",
    503: "The chain node does not answer.",
}


class ApiError(Exception):
    """An error answer: HTTP status, short code, message and refused parameters."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Sequence[tuple[str, str]] = (),
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.details = list(details)

    def body(self) -> dict[str, Any]:
        details = [ErrorDetail(location=loc, reason=why) for loc, why in self.details]
        return ErrorBody(error=self.code, message=self.message, details=details).model_dump()


def _headers(status: int) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"} if status == 401 else None


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=_headers(exc.status))


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        (".".join(str(part) for part in error.get("loc", ())), str(error.get("msg", "")))
        for error in exc.errors()
    ]
    message = "invalid parameters: " + "; ".join(f"{loc}: {why}" for loc, why in details)
    return _api_error(_request, ApiError(422, message, details))


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error = ApiError(exc.status_code, str(exc.detail))
    return JSONResponse(error.body(), status_code=exc.status_code, headers=exc.headers)


def _chain_error(_request: Request, exc: Exception) -> JSONResponse:
    error = ApiError(503, f"the chain node does not answer: {type(exc).__name__}")
    return JSONResponse(error.body(), status_code=503)


def install_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with an :class:`ErrorBody`."""
    app.add_exception_handler(RequestException, _chain_error)
    app.add_exception_handler(ChainError, _chain_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of error answers, for a route's ``responses``."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]} for status in statuses
    }
