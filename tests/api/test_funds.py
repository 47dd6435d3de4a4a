"""Visibility: an institution sees the funds it is a party of, and any other fund is answered as
one that does not exist; a fund is named by its platform or its ITA code."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bpost_client.client import Client
from bpost_client.identifiers import fund_code
from bpost_client.registry import funds
from bpost_client.types import FundStatus
from tests.api.conftest import (
    ASSET_MANAGER,
    ITA_CODE,
    SAKURA,
    TRUSTEE,
    Login,
    World,
)
from tests.registry.test_funds import registration

NOWHERE = fund_code(999_999)
"""A platform code with a right check character that no fund has."""


def test_funds__distributor__its_three_funds_with_roles_and_counts(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    answer = http.get("/funds", headers=kanda)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [f["code"] for f in body["funds"]] == sorted(world.funds)
    assert body["next_cursor"] is None
    assert body["as_of_block"] >= world.distribution_correction_block
    first = next(f for f in body["funds"] if f["code"] == world.funds[0])
    assert first["roles"] == ["distributor"] and first["asset_manager"] == SAKURA
    assert (first["status"], first["latest_nav_date"]) == ("active", "2026-11-13")
    assert first["counts"] == {
        "navs": 9,
        "distributions": 1,
        "non_application_days": 1,
        "management_reports": 1,
        "corrections": 1,
    }


@pytest.mark.parametrize(
    ("index", "role"), [(ASSET_MANAGER, "asset_manager"), (TRUSTEE, "trustee")]
)
def test_funds__asset_manager_and_trustee__see_them_in_their_role(
    http: TestClient, login: Login, world: World, index: int, role: str
) -> None:
    body = http.get("/funds", headers=login(index)).json()
    assert [f["code"] for f in body["funds"]] == sorted(world.funds)
    assert all(f["roles"] == [role] for f in body["funds"])


def test_funds__unrelated_institution__sees_none(http: TestClient, minato: dict[str, str]) -> None:
    assert http.get("/funds", headers=minato).json()["funds"] == []


@pytest.mark.parametrize("path", ["navs", "nav/latest", "distributions", "reports"])
def test_fund__of_another_institution__404_as_if_it_did_not_exist(
    http: TestClient, minato: dict[str, str], world: World, path: str
) -> None:
    hidden = http.get(f"/funds/{world.funds[0]}/{path}", headers=minato)
    missing = http.get(f"/funds/{NOWHERE}/{path}", headers=minato)
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == {
        "error": "not_found",
        "message": f"no fund {world.funds[0]}",
        "details": [],
    }
    assert missing.json()["message"] == f"no fund {NOWHERE}"


def test_fund__by_its_ita_code__the_same_records(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    by_code = http.get(f"/funds/{world.funds[0]}/navs", headers=kanda).json()
    by_ita = http.get(f"/funds/{ITA_CODE.lower()}/navs", headers=kanda).json()
    assert by_ita == by_code and len(by_ita["navs"]) == 9


def test_fund__unknown_ita_code__404(http: TestClient, kanda: dict[str, str]) -> None:
    answer = http.get("/funds/ZZZZ9999/navs", headers=kanda)
    assert answer.status_code == 404 and answer.json()["message"] == "no fund ZZZZ9999"


@pytest.mark.parametrize("code", ["BP000000019", "BP12", "not-a-fund"])
def test_fund__malformed_code__422_naming_the_path(
    http: TestClient, kanda: dict[str, str], code: str
) -> None:
    answer = http.get(f"/funds/{code}/navs", headers=kanda)
    assert answer.status_code == 422, answer.text
    assert [d["location"] for d in answer.json()["details"]] == ["path.code"]


def test_fund__visible_without_a_nav__latest_404_and_empty_lists(
    http: TestClient, kanda: dict[str, str], asset_manager: Client
) -> None:
    [draft] = funds.register_funds(asset_manager, [registration("API-DRAFT")])
    latest = http.get(f"/funds/{draft}/nav/latest", headers=kanda)
    assert latest.status_code == 404 and "no NAV yet" in latest.json()["message"]
    assert http.get(f"/funds/{draft}/navs", headers=kanda).json()["navs"] == []


def test_funds__status_changed_on_chain__shown_at_the_next_request(
    http: TestClient, kanda: dict[str, str], asset_manager: Client, world: World
) -> None:
    def status() -> str:
        body = http.get("/funds", headers=kanda).json()
        return str(next(f["status"] for f in body["funds"] if f["code"] == world.funds[2]))

    assert status() == "active"
    funds.set_status(asset_manager, world.funds[2], FundStatus.SUSPENDED)
    assert status() == "suspended", "the cached view is forgotten when the status changes"


def test_funds__paged_one_by_one__each_fund_once(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"page_size": 1, **({"cursor": cursor} if cursor else {})}
        body = http.get("/funds", headers=kanda, params=params).json()
        seen.extend(f["code"] for f in body["funds"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(world.funds)


def test_funds__in_a_file_format__400(http: TestClient, kanda: dict[str, str]) -> None:
    answer = http.get("/funds", headers=kanda, params={"format": "xml"})
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_format"
