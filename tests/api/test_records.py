"""A fund's records: content of each endpoint, paging with cursors, each format's media type and
content read back by the standard's adapters, and bad parameters refused as JSON errors."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bpost_client.client import Client
from bpost_client.distribution import navs, notices
from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.convert import read
from bpost_client.distribution.standard.records import Dataset
from tests.api.conftest import (
    CLOSING,
    NAV_DAYS,
    REPORT_HASH,
    THANKSGIVING,
    TRUSTEE,
    World,
    client_of,
    nav,
)
from tests.conftest import Node

PAGING = ("as_of_block", "next_cursor", "corrections")
MEDIA_TYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "csv": "text/csv; charset=utf-8",
    "ita-csv": "text/csv; charset=shift_jis",
}


def dataset_of(answer: httpx.Response, fmt: str, fund: str) -> Dataset:
    """The records of an answer, read back by the adapter of its format."""
    assert answer.status_code == 200, answer.text
    if fmt == "json":
        body = {k: v for k, v in answer.json().items() if k not in PAGING}
        return standard_json.read(json.dumps(body).encode())
    return read(answer.content, fmt, fund)


def every_page(
    http: TestClient, path: str, headers: dict[str, str], **params: Any
) -> tuple[list[dict[str, Any]], int]:
    """Every record of a JSON list, following the cursors, and the number of pages."""
    found: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = http.get(path, headers=headers, params=query).json()
        pages += 1
        found.extend(next(v for k, v in body.items() if isinstance(v, list)))
        cursor = body["next_cursor"]
        if cursor is None:
            return found, pages


def test_nav_latest__the_last_day_current_version(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    answer = http.get(f"/funds/{world.funds[0]}/nav/latest", headers=kanda)
    expected = nav(world.funds[0], NAV_DAYS[-1], 0)
    assert answer.json() == {
        "fund": world.funds[0],
        "date": "2026-11-13",
        "nav_per_10000_units": expected.nav,
        "net_assets": expected.net_assets,
        "units_outstanding": expected.units,
        "version": 1,
        "confirmed_by_trustee": False,
    }


def test_nav_latest__confirmed_by_the_trustee__shown(
    isolated: Node, http: TestClient, kanda: dict[str, str], world: World
) -> None:
    fund = world.funds[0]
    navs.confirm_navs(client_of(isolated, TRUSTEE), [nav(fund, NAV_DAYS[-1], 0)])
    answer = http.get(f"/funds/{fund}/nav/latest", headers=kanda).json()
    assert answer["confirmed_by_trustee"] is True


def test_navs__every_day__correction_with_version_reason_and_previous(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    fund = world.funds[1]
    body = http.get(f"/funds/{fund}/navs", headers=kanda).json()
    assert body["spec_version"] == "1.1.0" and body["next_cursor"] is None
    assert [n["date"] for n in body["navs"]] == [d.isoformat() for d in NAV_DAYS]
    corrected = body["navs"][2]
    original, fixed = nav(fund, NAV_DAYS[2], 1), nav(fund, NAV_DAYS[2], 1, offset=7)
    assert corrected["version"] == 2 and corrected["correction_reason"] == "stale price"
    assert corrected["nav_per_10000_units"] == fixed.nav
    assert corrected["previous"] == {
        "nav_per_10000_units": original.nav,
        "net_assets": original.net_assets,
        "units_outstanding": original.units,
    }
    assert all("previous" not in n for i, n in enumerate(body["navs"]) if i != 2)


def test_navs__from_to__both_days_included(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    params = {"from": "2026-11-05", "to": "2026-11-10"}
    body = http.get(f"/funds/{world.funds[0]}/navs", headers=kanda, params=params).json()
    expected = ["2026-11-05", "2026-11-06", "2026-11-09", "2026-11-10"]
    assert [n["date"] for n in body["navs"]] == expected


def test_distributions__the_corrected_amount_and_the_replaced_one(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    body = http.get(f"/funds/{world.funds[0]}/distributions", headers=kanda).json()
    assert body["distributions"] == [
        {
            "fund": world.funds[0],
            "date": CLOSING.isoformat(),
            "period": 12,
            "amount_per_10000_units": 160,
            "version": 2,
            "correction_reason": "rounding",
            "previous": {"period": 12, "amount_per_10000_units": 150},
        }
    ]


def test_non_application_days_and_reports__as_published(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    fund = world.funds[0]
    days = http.get(f"/funds/{fund}/non-application-days", headers=kanda).json()
    assert days["non_application_days"] == [
        {
            "fund": fund,
            "date": THANKSGIVING.isoformat(),
            "reason": "market_holiday",
            "market": "XNYS",
            "version": 1,
        }
    ]
    reports = http.get(f"/funds/{fund}/reports", headers=kanda).json()
    assert reports["management_reports"] == [
        {
            "fund": fund,
            "period": 12,
            "date": "2026-08-20",
            "content_hash": "0x" + REPORT_HASH.hex(),
            "location": "https://x.example/12.pdf",
            "format": "pdf",
            "version": 1,
        }
    ]


def test_non_application_day__withdrawn__cancelled_true_with_previous_false(
    http: TestClient, kanda: dict[str, str], world: World, asset_manager: Client
) -> None:
    fund = world.funds[0]
    day = notices.NonApplicationNotice(fund, THANKSGIVING, notices.Reason.MARKET_HOLIDAY, "XNYS")
    notices.correct(asset_manager, day, replace(day, cancelled=True), "published in error")
    path = f"/funds/{fund}/non-application-days"
    answer = http.get(path, headers=kanda)
    assert answer.status_code == 200, answer.text
    previous = {"reason": "market_holiday", "market": "XNYS", "note": None, "cancelled": False}
    assert answer.json()["non_application_days"] == [
        {
            "fund": fund,
            "date": THANKSGIVING.isoformat(),
            "reason": "market_holiday",
            "market": "XNYS",
            "cancelled": True,
            "version": 2,
            "correction_reason": "published in error",
            "previous": previous,
        }
    ]
    xml = dataset_of(http.get(path, headers=kanda, params={"format": "xml"}), "xml", fund)
    [withdrawn] = xml.non_application_days
    assert (withdrawn.cancelled, withdrawn.version, withdrawn.previous) == (True, 2, previous)


@pytest.mark.parametrize("size", [1, 2, 4, 9, 1000])
def test_navs__paged__every_record_once_in_order(
    http: TestClient, kanda: dict[str, str], world: World, size: int
) -> None:
    found, pages = every_page(http, f"/funds/{world.funds[0]}/navs", kanda, page_size=size)
    assert [n["date"] for n in found] == [d.isoformat() for d in NAV_DAYS]
    assert pages == -(-len(NAV_DAYS) // size)


def test_navs__published_and_corrected_between_pages__nothing_lost_or_repeated(
    http: TestClient, kanda: dict[str, str], world: World, asset_manager: Client
) -> None:
    fund = world.funds[0]
    first = http.get(f"/funds/{fund}/navs", headers=kanda, params={"page_size": 5}).json()
    later = date(2026, 11, 16)
    navs.publish_navs(
        asset_manager,
        [navs.NavRecord(f, later, 10_100 + i, 10**10, 10**10) for i, f in enumerate(world.funds)],
    )
    early = nav(fund, NAV_DAYS[0], 0)
    fix = navs.NavCorrection(fund, early.day, early.nav + 1, early.net_assets, early.units, "typo")
    navs.correct_navs(asset_manager, [fix])  # on the page already read: not shown again
    rest, _ = every_page(
        http, f"/funds/{fund}/navs", kanda, page_size=5, cursor=first["next_cursor"]
    )
    dates = [n["date"] for n in first["navs"] + rest]
    assert dates == [d.isoformat() for d in [*NAV_DAYS, later]]


def test_navs__cursor_of_another_fund__400(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    page = http.get(f"/funds/{world.funds[0]}/navs", headers=kanda, params={"page_size": 2})
    cursor = page.json()["next_cursor"]
    answer = http.get(f"/funds/{world.funds[1]}/navs", headers=kanda, params={"cursor": cursor})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_cursor"


@pytest.mark.parametrize(
    ("params", "status", "location"),
    [
        ({"page_size": 0}, 422, "query.page_size"),
        ({"page_size": 1001}, 422, "query.page_size"),
        ({"from": "2026-13-01"}, 422, "query.from"),
        ({"from": "2026-11-10", "to": "2026-11-05"}, 422, "query.from"),
        ({"format": "pdf"}, 422, "query.format"),
        ({"cursor": "not a cursor"}, 400, "query.cursor"),
    ],
)
def test_navs__bad_parameter__json_error_naming_it(
    http: TestClient,
    kanda: dict[str, str],
    world: World,
    params: dict[str, Any],
    status: int,
    location: str,
) -> None:
    answer = http.get(f"/funds/{world.funds[0]}/navs", headers=kanda, params=params)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert location in [d["location"] for d in body["details"]] and body["message"], body


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "ita-csv"])
def test_navs__each_format__media_type_and_records_read_back(
    http: TestClient, kanda: dict[str, str], world: World, fmt: str
) -> None:
    fund = world.funds[1]
    answer = http.get(f"/funds/{fund}/navs", headers=kanda, params={"format": fmt})
    assert answer.headers["content-type"] == MEDIA_TYPES[fmt]
    got = dataset_of(answer, fmt, fund)
    current = [nav(fund, d, 1, offset=7 if d == NAV_DAYS[2] else 0).nav for d in NAV_DAYS]
    assert [n.nav_per_10000_units for n in got.navs] == current
    if fmt in ("json", "xml"):
        assert [n.version for n in got.navs] == [1, 1, 2, 1, 1, 1, 1, 1, 1]
        assert got.navs[2].correction_reason == "stale price"
    else:
        assert "corrections=1" in answer.headers["x-bpost-dropped"].split(", ")


def test_navs__ita_csv__shift_jis_with_the_distribution_on_its_row(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    fund = world.funds[0]
    answer = http.get(f"/funds/{fund}/navs", headers=kanda, params={"format": "ita-csv"})
    assert answer.content.decode("cp932").startswith("年月日,基準価額(円)")
    got = read(answer.content, "ita-csv", fund)
    assert [(d.date, d.amount_per_10000_units) for d in got.distributions] == [(CLOSING, 160)]


def test_navs__xml_paged__cursor_in_the_header(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    fund, cursor, dates = world.funds[0], None, []
    while True:
        params = {"format": "xml", "page_size": 4, **({"cursor": cursor} if cursor else {})}
        answer = http.get(f"/funds/{fund}/navs", headers=kanda, params=params)
        dates += [n.date for n in read(answer.content, "xml", fund).navs]
        assert int(answer.headers["x-bpost-block"]) >= world.distribution_correction_block
        cursor = answer.headers.get("x-bpost-next-cursor")
        if cursor is None:
            break
    assert dates == NAV_DAYS


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "ita-csv"])
def test_distributions__each_format__read_back(
    http: TestClient, kanda: dict[str, str], world: World, fmt: str
) -> None:
    fund = world.funds[0]
    answer = http.get(f"/funds/{fund}/distributions", headers=kanda, params={"format": fmt})
    assert answer.headers["content-type"] == MEDIA_TYPES[fmt]
    got = dataset_of(answer, fmt, fund)
    assert [(d.date, d.amount_per_10000_units) for d in got.distributions] == [(CLOSING, 160)]
    if fmt in ("csv", "ita-csv"):  # a distribution rides on its day's NAV row
        assert [n.date for n in got.navs] == [CLOSING]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("non-application-days", "csv"),
        ("non-application-days", "ita-csv"),
        ("reports", "csv"),
        ("reports", "ita-csv"),
    ],
)
def test_records__format_that_cannot_carry_them__400_naming_what_can(
    http: TestClient, kanda: dict[str, str], world: World, path: str, fmt: str
) -> None:
    answer = http.get(f"/funds/{world.funds[0]}/{path}", headers=kanda, params={"format": fmt})
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "unsupported_format" and "json or xml" in body["message"]


@pytest.mark.parametrize("path", ["non-application-days", "reports"])
def test_records__xml__read_back(
    http: TestClient, kanda: dict[str, str], world: World, path: str
) -> None:
    fund = world.funds[0]
    answer = http.get(f"/funds/{fund}/{path}", headers=kanda, params={"format": "xml"})
    assert answer.headers["content-type"] == "application/xml"
    got = read(answer.content, "xml", fund)
    assert len(got) == 1 and got.records().__next__().version == 1


def test_navs__from_as_yyyymmdd__read_as_that_day_not_a_unix_time(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    path = f"/funds/{world.funds[0]}/navs"
    every = http.get(path, headers=kanda).json()["navs"]
    last = every[-1]["date"]
    compact = last.replace("-", "")
    answer = http.get(path, params={"from": compact}, headers=kanda)
    assert answer.status_code == 200
    assert [n["date"] for n in answer.json()["navs"]] == [last]
    refused = http.get(path, params={"from": "1731801600"}, headers=kanda)
    assert refused.status_code == 422 and "YYYY-MM-DD" in refused.text


def test_unknown_query_parameter__refused_not_ignored(
    http: TestClient, kanda: dict[str, str], world: World
) -> None:
    answer = http.get(f"/funds/{world.funds[0]}/nav/latest?format=csv", headers=kanda)
    assert answer.status_code == 400
    assert "unknown query parameter 'format'" in answer.json()["message"]
    misspelt = http.get(f"/funds/{world.funds[0]}/navs?page_sise=2", headers=kanda)
    assert misspelt.status_code == 400 and "page_size" in misspelt.json()["message"]
