"""Signing in to the explorer: API token or signed challenge into an HttpOnly, SameSite=Strict
cookie, a bearer header for scripts, redirects to the login page, and the institution's
standing checked again at the chain's head."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bpost_client.api.auth import issue_api_token
from bpost_client.explorer.session import COOKIE, local_path
from bpost_client.explorer.state import HEAD_SECONDS
from bpost_client.platform import participants
from bpost_client.platform.signers import dev_account
from tests.conftest import Node
from tests.explorer.conftest import (
    DISTRIBUTOR,
    KANDA,
    KASUMI,
    OBSERVER,
    OPERATOR,
    Clock,
    World,
    client_of,
    nonce_of,
    signature_form,
)

OUTSIDER = 15


def test_page__not_signed_in__303_to_login_with_the_page_as_next(visitor: TestClient) -> None:
    answer = visitor.get("/block/3?after=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/block/3%3Fafter%3D1"


@pytest.mark.parametrize(
    "path", ["/", "/contracts", "/tx/0x" + "ab" * 32, "/search?q=x", "/funds", "/nowhere"]
)
def test_every_page__not_signed_in__redirected(visitor: TestClient, path: str) -> None:
    answer = visitor.get(path)
    assert answer.status_code == 303, f"{path} answered {answer.status_code} without a sign-in"
    assert answer.headers["location"].startswith("/login?next=")


def test_static_files__no_sign_in_needed(visitor: TestClient) -> None:
    answer = visitor.get("/static/explorer.css")
    assert answer.status_code == 200 and "text/css" in answer.headers["content-type"]


def test_login_page__shows_the_exact_text_to_sign_and_the_cli_helper(visitor: TestClient) -> None:
    page = visitor.get("/login?next=/contracts").text
    nonce = nonce_of(page)
    assert f"B-POST API login\nnonce: {nonce}" in page
    assert f'bpost explorer sign --nonce <span id="nonce">{nonce}</span>' in page
    assert 'name="next" value="/contracts"' in page


def test_login__api_token__httponly_strict_cookie_and_redirect_to_next(
    visitor: TestClient, kanda_token: str
) -> None:
    answer = visitor.post("/login", data={"token": kanda_token, "next": "/contracts"})
    assert answer.status_code == 303 and answer.headers["location"] == "/contracts"
    cookie = answer.headers["set-cookie"].lower()
    assert f"{COOKIE}=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    page = visitor.get("/contracts")
    assert page.status_code == 200
    assert f'<span id="viewer-lei" title="Kanda Bank, Ltd.">{KANDA}</span>' in page.text


def test_login__signed_challenge__session_of_the_signers_institution(visitor: TestClient) -> None:
    answer = visitor.post("/login", data=signature_form(visitor, DISTRIBUTOR, "/"))
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert "max-age=3600" in answer.headers["set-cookie"].lower()
    home = visitor.get("/")
    assert home.status_code == 200 and KANDA in home.text and "Kanda Bank, Ltd." in home.text


def test_login__observer_signs__sees_the_same_pages(visitor: TestClient, world: World) -> None:
    visitor.post("/login", data=signature_form(visitor, OBSERVER))
    page = visitor.get(f"/tx/{world.registered}")
    assert page.status_code == 200 and KASUMI in page.text


def test_login__nonce_used_twice__second_refused(visitor: TestClient) -> None:
    form = signature_form(visitor, DISTRIBUTOR)
    assert visitor.post("/login", data=form).status_code == 303
    visitor.cookies.clear()
    again = visitor.post("/login", data=form)
    assert again.status_code == 401 and "nonce" in again.text
    assert not visitor.cookies.get(COOKIE)


def test_login__address_bound_to_no_institution__401_with_the_reason(visitor: TestClient) -> None:
    answer = visitor.post("/login", data=signature_form(visitor, OUTSIDER))
    assert answer.status_code == 401
    assert "not an active operator of an active institution" in answer.text
    assert 'id="login-error"' in answer.text and not visitor.cookies.get(COOKIE)


def test_login__signature_of_another_account__401(visitor: TestClient) -> None:
    form = signature_form(visitor, DISTRIBUTOR)
    form["address"] = dev_account(OBSERVER).address
    answer = visitor.post("/login", data=form)
    assert answer.status_code == 401 and "is not" in answer.text


def test_login__unknown_token__401_and_no_cookie(visitor: TestClient) -> None:
    answer = visitor.post("/login", data={"token": "bpost_nonsense", "next": "/"})
    assert answer.status_code == 401 and "unknown token" in answer.text
    assert not visitor.cookies.get(COOKIE)


def test_login__empty_form__422(visitor: TestClient) -> None:
    answer = visitor.post("/login", data={"next": "/"})
    assert answer.status_code == 422 and "Give an API token" in answer.text


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_login__next_off_site__sent_home(
    visitor: TestClient, kanda_token: str, target: str
) -> None:
    answer = visitor.post("/login", data={"token": kanda_token, "next": target})
    assert answer.headers["location"] == "/", f"next={target!r} must not leave the site"


def test_local_path__keeps_local_paths_with_queries() -> None:
    assert local_path("/address/0xAb?before=12:3") == "/address/0xAb?before=12:3"
    assert local_path("/logout") == "/"


def test_bearer_header__api_token__page_without_cookie(
    visitor: TestClient, kanda_token: str
) -> None:
    answer = visitor.get("/contracts", headers={"Authorization": f"Bearer {kanda_token}"})
    assert answer.status_code == 200 and KANDA in answer.text


def test_bearer_header__unknown_token__401_page_not_a_redirect(visitor: TestClient) -> None:
    answer = visitor.get("/contracts", headers={"Authorization": "Bearer bpost_nonsense"})
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert "unknown token" in answer.text and "<html" in answer.text


def test_logout__cookie_cleared__pages_redirect_again(signed_in: TestClient) -> None:
    answer = signed_in.post("/logout")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert not signed_in.cookies.get(COOKIE)
    assert signed_in.get("/").status_code == 303


def test_session__expired__redirect_to_login_saying_so(visitor: TestClient, clock: Clock) -> None:
    visitor.post("/login", data=signature_form(visitor, DISTRIBUTOR))
    clock.advance(3601)
    answer = visitor.get("/contracts")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/contracts&ended=1"
    assert 'id="login-ended"' in visitor.get(answer.headers["location"]).text


def test_suspended_institution__token_refused_and_cookie_signed_out(
    isolated: Node, visitor: TestClient, tokens_file: Path, clock: Clock
) -> None:
    token = issue_api_token(tokens_file, KANDA)
    assert visitor.post("/login", data={"token": token}).status_code == 303
    assert visitor.get("/").status_code == 200
    participants.suspend_institution(client_of(isolated, OPERATOR), KANDA, "under review")
    clock.advance(HEAD_SECONDS + 1)  # the explorer asks the node for the head again

    ended = visitor.get("/")
    assert ended.headers.get("location") == "/login?next=/&ended=1", ended.text
    assert not visitor.cookies.get(COOKIE), "the cookie is cleared"
    header = visitor.get("/", headers={"Authorization": f"Bearer {token}"})
    assert header.status_code == 401 and f"{KANDA} is not active" in header.text
    again = visitor.post("/login", data={"token": token})
    assert again.status_code == 401 and "is not active" in again.text
    signed = visitor.post("/login", data=signature_form(visitor, DISTRIBUTOR))
    assert signed.status_code == 401
