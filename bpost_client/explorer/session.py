"""Signing in to the explorer, as to the HTTP interface of use case 2
(:mod:`bpost_client.api.auth`).

Every page needs a signed-in institution. ``/login`` takes either an API token of the
institution, or a signed challenge: the page shows a fresh nonce and the exact text of
:func:`~bpost_client.api.auth.login_message`, which the person signs with the key of an address
bound to the institution (``bpost explorer sign --nonce N``). Either way the bearer token (the
API token, or the session token the signature is exchanged for) is kept in an HttpOnly,
SameSite=Strict cookie; scripts may send ``Authorization: Bearer <token>`` instead.

On every page the institution's standing is checked at the chain's head, as the HTTP interface
does: a suspended institution, or an address no longer bound to it, is signed out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from requests.exceptions import RequestException

from bpost_client.api.auth import SESSION_SECONDS, AuthError, Principal, login_message
from bpost_client.explorer.render import render
from bpost_client.explorer.state import Explorer, State

__all__ = [
    "COOKIE",
    "LoginRequired",
    "SignedIn",
    "Viewer",
    "local_path",
    "router",
    "viewer",
]

COOKIE = "bpost_explorer"
"""The cookie that holds the bearer token."""
MAX_FORM_BYTES = 16_384

router = APIRouter()


@dataclass(frozen=True)
class Viewer:
    """The signed-in institution, and the chain's head block its standing was checked at.

    Attributes:
        lei: the institution's LEI.
        legal_name: its legal name as the index knows it, or None.
        address: the address that signed in with a signed challenge (None for an API token).
        block: the chain's head when the standing was checked.
    """

    lei: str
    legal_name: str | None
    address: str | None
    block: int


class LoginRequired(Exception):
    """No valid sign-in: the page redirects to ``/login?next=<path>``."""

    def __init__(self, next_path: str, ended: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.ended = ended
        """True when a cookie was sent but is no longer valid (expired, or the institution
        lost its standing): the login page says so and the cookie is cleared."""

    def response(self) -> Response:
        """The redirect to the login page."""
        target = f"/login?next={quote(self.next_path, safe='/')}"
        if self.ended:
            target += "&ended=1"
        answer = RedirectResponse(target, status_code=303)
        if self.ended:
            answer.delete_cookie(COOKIE, path="/")
        return answer


def local_path(value: str | None) -> str:
    """``value`` when it is a path of this site (``/...``, no scheme, host or backslash), else
    ``/``: where a login may send the browser."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout")):
        return "/"
    return value


def _bearer(request: Request) -> tuple[str | None, bool]:
    """The bearer token of the request and whether it came in the Authorization header."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip(), True
        raise HTTPException(401, "send the header Authorization: Bearer <token>")
    return request.cookies.get(COOKIE) or None, False


def _stand(app: Explorer, token: str) -> tuple[Principal, int]:
    """Whom ``token`` stands for, in standing at the chain's head.

    Raises:
        AuthError: an unknown or expired token, or a principal out of standing.
        HTTPException: 503, the node does not answer.
    """
    principal = app.auth.authenticate(token)
    try:
        block = app.head()
        app.auth.check_standing(principal, block)
    except AuthError:
        raise
    except (RequestException, OSError) as exc:  # AuthError is an OSError too (PermissionError)
        raise HTTPException(503, f"the chain's node does not answer: {exc}") from None
    return principal, block


def viewer(request: Request, app: State) -> Viewer:
    """The signed-in institution of the request (also kept as ``request.state.viewer``).

    Raises:
        LoginRequired: no token, or a cookie whose token is no longer valid.
        HTTPException: 401 for an invalid Authorization header.
    """
    token, from_header = _bearer(request)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if token is None:
        raise LoginRequired(path)
    try:
        principal, block = _stand(app, token)
    except AuthError as exc:
        if from_header:
            raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from None
        raise LoginRequired(path, ended=True) from None
    names = app.names()
    request.state.names = names
    found = Viewer(principal.lei, names.legal_name(principal.lei), principal.address, block)
    request.state.viewer = found
    return found


SignedIn = Annotated[Viewer, Depends(viewer)]


def _login_page(
    request: Request, app: Explorer, next_path: str, error: str | None = None, status: int = 200
) -> Response:
    nonce, _expires = app.auth.challenge()
    ended = request.query_params.get("ended") == "1" and error is None
    return render(
        request,
        "login.html",
        {
            "nonce": nonce,
            "message": login_message(nonce),
            "next": next_path,
            "error": error,
            "ended": ended,
        },
        status_code=status,
    )


@router.get("/login", include_in_schema=False)
def login_form(
    request: Request, app: State, next_path: Annotated[str, Query(alias="next")] = "/"
) -> Response:
    """The sign-in page: an API token, or a signature of a fresh challenge."""
    return _login_page(request, app, local_path(next_path))


async def _form(request: Request) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body (first value of each)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, "the form is too large")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise HTTPException(422, "the form is not UTF-8") from None
    return {key: values[0].strip() for key, values in fields.items() if values}


Form = Annotated[dict[str, str], Depends(_form)]


@router.post("/login", include_in_schema=False)
def login(request: Request, app: State, form: Form) -> Response:
    """Sign in with the form's API token, or its address, nonce and signature; on success the
    token goes into the cookie and the browser to ``next``."""
    next_path = local_path(form.get("next"))
    token = form.get("token", "")
    max_age: int | None = None
    try:
        if token:
            principal, _block = _stand(app, token)
        elif form.get("signature"):
            token, principal = app.auth.login(
                form.get("address", ""), form.get("nonce", ""), form["signature"]
            )
            lasts = (principal.expires_at or 0.0) - app.clock()
            max_age = max(1, min(SESSION_SECONDS, int(lasts)))
        else:
            return _login_page(
                request, app, next_path, "Give an API token, or an address and a signature.", 422
            )
    except AuthError as exc:
        return _login_page(request, app, next_path, f"Not signed in: {exc}.", 401)
    answer = RedirectResponse(next_path, status_code=303)
    answer.set_cookie(
        COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return answer


@router.api_route("/logout", methods=["GET", "POST"], include_in_schema=False)
def logout() -> Response:
    """Forget the sign-in: the cookie is cleared and the browser sent to the login page."""
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return answer
