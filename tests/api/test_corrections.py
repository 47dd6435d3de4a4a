"""Corrections since a block: each as a record of version > 1 with its reason and the values it
replaced, where it was made, only of the caller's funds, paged without ever putting two versions
of one record on a page."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from bpost_client.client import Client
from bpost_client.distribution import navs
from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.convert import read
from tests.api.conftest import CLOSING, NAV_DAYS, World, nav


def corrections(
    http: TestClient, headers: dict[str, str], **params: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every correction (where) and every corrected record, following the cursors."""
    where: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = http.get("/corrections", headers=headers, params=query).json()
        where += body["corrections"]
        for name in ("navs", "distributions", "non_application_days", "management_reports"):
            records += body[name]
        cursor = body["next_cursor"]
        if cursor is None:
            return where, records


def test_corrections__since_the_start__both_in_chain_order_with_their_blocks(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    body = http.get("/corrections", headers=kanda).json()
    fixed = nav(world.funds[1], NAV_DAYS[2], 1, offset=7)
    made = [(c["kind"], c["fund"], c["date"], c["version"]) for c in body["corrections"]]
    assert made == [
        ("nav", world.funds[1], NAV_DAYS[2].isoformat(), 2),
        ("distribution", world.funds[0], CLOSING.isoformat(), 2),
    ]
    blocks = [c["block"] for c in body["corrections"]]
    assert blocks == [world.nav_correction_block, world.distribution_correction_block]
    [corrected] = body["navs"]
    assert (corrected["nav_per_10000_units"], corrected["version"]) == (fixed.nav, 2)
    assert corrected["correction_reason"] == "stale price"
    assert corrected["previous"]["nav_per_10000_units"] == nav(world.funds[1], NAV_DAYS[2], 1).nav
    [distribution] = body["distributions"]
    assert distribution["previous"] == {"period": 12, "amount_per_10000_units": 150}
    paging = ("as_of_block", "next_cursor", "corrections")
    plain = {k: v for k, v in body.items() if k not in paging}
    assert len(standard_json.read(json.dumps(plain).encode())) == 2, "a dataset of the standard"


def test_corrections__since_a_later_block__only_the_later_one(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    since = world.nav_correction_block + 1
    body = http.get("/corrections", headers=kanda, params={"since_block": since}).json()
    assert [c["kind"] for c in body["corrections"]] == ["distribution"]
    assert body["navs"] == []
    after = http.get(
        "/corrections", headers=kanda, params={"since_block": body["as_of_block"] + 1}
    ).json()
    assert after["corrections"] == []


def test_corrections__of_another_institution_funds__not_shown(
    http: TestClient, minato: dict[str, str]
) -> None:
    body = http.get("/corrections", headers=minato).json()
    assert body["corrections"] == [] and body["navs"] == [] and body["distributions"] == []


def test_corrections__one_record_corrected_twice__two_pages_each_version_once(
    http: TestClient, kanda: dict[str, str], world: World, asset_manager: Client
) -> None:
    fund, day = world.funds[1], NAV_DAYS[2]
    again = navs.NavCorrection(fund, day, 10_500, 10_500 * 10**6, 10**10 + 1, "second look")
    navs.correct_navs(asset_manager, [again])
    first = http.get("/corrections", headers=kanda, params={"page_size": 10}).json()
    assert [c["version"] for c in first["corrections"]] == [2, 2], "the page ends before v3"
    where, records = corrections(http, kanda, page_size=10)
    versions = [(c["kind"], c["version"]) for c in where]
    assert versions == [("nav", 2), ("distribution", 2), ("nav", 3)]
    third = [r for r in records if r.get("version") == 3]
    assert third[0]["previous"]["nav_per_10000_units"] == nav(fund, day, 1, offset=7).nav


def test_corrections__paged_one_by_one__every_correction_once(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    where, records = corrections(http, kanda, page_size=1)
    assert [c["block"] for c in where] == [
        world.nav_correction_block,
        world.distribution_correction_block,
    ]
    assert len(records) == 2


def test_corrections__xml__read_back_as_corrections(
    http: TestClient, kanda: dict[str, str]
) -> None:
    answer = http.get("/corrections", headers=kanda, params={"format": "xml"})
    assert answer.headers["content-type"] == "application/xml"
    got = read(answer.content, "xml")
    assert sorted((r.KIND, r.version, r.correction_reason) for r in got.records()) == [
        ("distribution", 2, "rounding"),
        ("nav", 2, "stale price"),
    ]


def test_corrections__csv_formats__400(http: TestClient, kanda: dict[str, str]) -> None:
    for fmt in ("csv", "ita-csv"):
        answer = http.get("/corrections", headers=kanda, params={"format": fmt})
        assert answer.status_code == 400, f"{fmt} cannot express a correction"
        assert answer.json()["error"] == "unsupported_format"
