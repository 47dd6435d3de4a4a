"""Authentication: a signed challenge for a session token, API tokens, and 401 for everything
else, always as a JSON error."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bpost_client.api.auth import CHALLENGE_SECONDS, SESSION_SECONDS, issue_api_token
from bpost_client.client import Client
from bpost_client.platform import participants
from tests.api.conftest import (
    DISTRIBUTOR,
    KANDA,
    OUTSIDER,
    UNRELATED,
    Clock,
    Login,
    signed_login,
)

PROTECTED = [
    "/funds",
    "/corrections",
    "/funds/BP000000018/navs",
    "/funds/BP000000018/nav/latest",
    "/funds/BP000000018/distributions",
    "/funds/BP000000018/non-application-days",
    "/funds/BP000000018/reports",
]


def refused(answer: httpx.Response, words: str) -> None:
    """Assert a 401 with the JSON error shape and ``words`` in its message."""
    assert answer.status_code == 401, f"expected 401, got {answer.status_code}: {answer.text}"
    body = answer.json()
    assert body["error"] == "unauthorized" and words in body["message"], body
    assert answer.headers["www-authenticate"] == "Bearer"


def test_login__signed_challenge__token_bound_to_the_institution(http: TestClient) -> None:
    challenge = http.post("/auth/challenge").json()
    assert challenge["message"] == f"B-POST API login\nnonce: {challenge['nonce']}"
    answer = http.post("/auth/token", json=signed_login(http, DISTRIBUTOR, challenge["nonce"]))
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert (token["lei"], token["token_type"]) == (KANDA, "bearer")
    listed = http.get("/funds", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert listed.status_code == 200 and len(listed.json()["funds"]) == 3


def test_login__address_in_lowercase__accepted(http: TestClient) -> None:
    body = signed_login(http, DISTRIBUTOR)
    answer = http.post("/auth/token", json={**body, "address": body["address"].lower()})
    assert answer.status_code == 200 and answer.json()["lei"] == KANDA


def test_login__signature_of_another_account__401(http: TestClient) -> None:
    body = signed_login(http, DISTRIBUTOR)
    body["signature"] = signed_login(http, UNRELATED, body["nonce"])["signature"]
    refused(http.post("/auth/token", json=body), "is not")


def test_login__signature_of_another_text__401(http: TestClient) -> None:
    body = signed_login(http, DISTRIBUTOR)
    other = signed_login(http, DISTRIBUTOR)  # signs another nonce
    refused(http.post("/auth/token", json={**body, "signature": other["signature"]}), "is not")


def test_login__nonce_used_twice__second_401(http: TestClient) -> None:
    body = signed_login(http, DISTRIBUTOR)
    assert http.post("/auth/token", json=body).status_code == 200
    refused(http.post("/auth/token", json=body), "nonce")


def test_login__after_a_failed_attempt__nonce_used_up(http: TestClient) -> None:
    body = signed_login(http, DISTRIBUTOR)
    wrong = {**body, "signature": signed_login(http, UNRELATED, body["nonce"])["signature"]}
    refused(http.post("/auth/token", json=wrong), "is not")
    refused(http.post("/auth/token", json=body), "nonce")


def test_login__nonce_expired__401(http: TestClient, clock: Clock) -> None:
    body = signed_login(http, DISTRIBUTOR)
    clock.advance(CHALLENGE_SECONDS + 1)
    refused(http.post("/auth/token", json=body), "expired")


def test_login__nonce_never_issued__401(http: TestClient) -> None:
    refused(http.post("/auth/token", json=signed_login(http, DISTRIBUTOR, "f00d")), "nonce")


def test_login__address_of_no_institution__401(http: TestClient) -> None:
    refused(
        http.post("/auth/token", json=signed_login(http, OUTSIDER)),
        "not an active operator",
    )


def test_login__operator_of_a_suspended_institution__401(
    http: TestClient, operator: Client
) -> None:
    participants.suspend_institution(operator, KANDA, "audit")
    refused(
        http.post("/auth/token", json=signed_login(http, DISTRIBUTOR)),
        "not an active operator",
    )


def test_login__malformed_body__422_naming_the_field(http: TestClient) -> None:
    body = {**signed_login(http, DISTRIBUTOR), "signature": "0x1234"}
    answer = http.post("/auth/token", json=body)
    assert answer.status_code == 422
    error = answer.json()
    assert error["error"] == "invalid_parameter"
    assert [d["location"] for d in error["details"]] == ["body.signature"]


def test_session__after_an_hour__401(http: TestClient, login: Login, clock: Clock) -> None:
    headers = login(DISTRIBUTOR)
    assert http.get("/funds", headers=headers).status_code == 200
    clock.advance(SESSION_SECONDS + 1)
    refused(http.get("/funds", headers=headers), "expired")


def test_session__institution_suspended_meanwhile__401(
    http: TestClient, login: Login, operator: Client
) -> None:
    headers = login(DISTRIBUTOR)
    participants.suspend_institution(operator, KANDA, "audit")
    refused(http.get("/funds", headers=headers), "no longer acts")


def test_api_token__issued__authenticates_as_its_institution(
    http: TestClient, tokens_file: Path
) -> None:
    token = issue_api_token(tokens_file, KANDA)
    answer = http.get("/funds", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert all("distributor" in f["roles"] for f in answer.json()["funds"])
    assert token not in tokens_file.read_text(), "only the token's hash is stored"


def test_api_token__unknown__401(http: TestClient, tokens_file: Path) -> None:
    issue_api_token(tokens_file, KANDA)
    refused(http.get("/funds", headers={"Authorization": "Bearer bpost_guessed"}), "unknown")


def test_api_token__institution_suspended__401(
    http: TestClient, tokens_file: Path, operator: Client
) -> None:
    token = issue_api_token(tokens_file, KANDA)
    participants.suspend_institution(operator, KANDA, "audit")
    refused(http.get("/funds", headers={"Authorization": f"Bearer {token}"}), "not active")


@pytest.mark.parametrize("path", PROTECTED)
def test_request__without_a_token__401_json(http: TestClient, path: str) -> None:
    refused(http.get(path), "Authorization: Bearer")


@pytest.mark.parametrize("header", ["Basic a2FuZGE6c2VjcmV0", "Bearer", "Bearer not-a-token"])
def test_request__other_scheme_or_bad_token__401(http: TestClient, header: str) -> None:
    answer = http.get("/funds", headers={"Authorization": header})
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
