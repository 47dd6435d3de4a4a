"""The standard's JSON: every record and correction kept; faults named by position and field."""

from __future__ import annotations

import json
import re
from copy import deepcopy
from typing import Any

import pytest

from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.records import SPEC_VERSION, Dataset
from bpost_client.exceptions import ValidationError
from tests.conftest import ROOT
from tests.distribution.standard.samples import FUND, full_dataset

SPEC = ROOT / "docs" / "spec" / "README.md"

NAV = {
    "fund": FUND,
    "date": "2026-04-01",
    "nav_per_10000_units": 12345,
    "net_assets": 1234500000,
    "version": 1,
}


def spec_example() -> dict[str, Any]:
    found = re.search(r"```json\n(.*?)```", SPEC.read_text(), re.DOTALL)
    assert found is not None, "the spec has a JSON example"
    example: dict[str, Any] = json.loads(found.group(1))
    return example


def errors_of(document: Any) -> list[tuple[int, str, str]]:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    with pytest.raises(ValidationError) as refused:
        standard_json.read(raw)
    return [(e.row, e.column, e.reason) for e in refused.value.errors]


def test_round_trip__full_dataset__every_value_kept() -> None:
    full = full_dataset()
    written = standard_json.to_bytes(full)
    assert standard_json.read(written) == full
    assert standard_json.to_bytes(standard_json.read(written)) == written


def test_write__layout__lists_iso_dates_integers_previous() -> None:
    document = json.loads(standard_json.to_bytes(full_dataset()))
    assert list(document) == [
        "spec_version",
        "navs",
        "distributions",
        "non_application_days",
        "management_reports",
    ]
    corrected = document["navs"][3]  # ordered by fund (0331418A first), then date
    assert corrected == {
        "fund": FUND,
        "date": "2026-04-02",
        "nav_per_10000_units": 12350,
        "net_assets": 1235000000,
        "units_outstanding": 1000000000,
        "version": 2,
        "correction_reason": "NAV misstated: a price of the portfolio was stale",
        "previous": {"nav_per_10000_units": 12305, "units_outstanding": None},
    }
    assert "units_outstanding" not in document["navs"][0]  # left out when unknown
    assert document["management_reports"][0]["previous"]["date"] == "2026-05-18"


def test_read__spec_example__reads() -> None:
    dataset = standard_json.read(json.dumps(spec_example()).encode())
    assert len(dataset) == 6
    assert dataset.navs[1].previous == {"nav_per_10000_units": 12305}
    kept, withdrawn = dataset.non_application_days
    assert (kept.cancelled, withdrawn.cancelled) == (False, True)
    assert withdrawn.previous == {"cancelled": False}


def test_read__lists_left_out_and_nulls__read_as_empty_and_absent() -> None:
    nav = {**NAV, "units_outstanding": None, "correction_reason": None, "previous": None}
    dataset = standard_json.read(json.dumps({"spec_version": "1.0.0", "navs": [nav]}).encode())
    assert dataset.navs[0].units_outstanding is None
    assert dataset.counts()["distributions"] == 0


def test_read__fund__limits_to_it() -> None:
    written = standard_json.to_bytes(full_dataset())
    assert standard_json.read(written, fund=FUND) == full_dataset().only(FUND)


def with_nav(**changes: Any) -> dict[str, Any]:
    nav = {**NAV, **changes}
    return {"spec_version": "1.0.0", "navs": [dict(NAV, date="2026-03-31"), nav]}


BAD_RECORDS = [
    (with_nav(nav_per_10000_units=12345.0), "navs.nav_per_10000_units", "no fraction"),
    (with_nav(nav_per_10000_units=1.2345e4), "navs.nav_per_10000_units", "no fraction"),
    (with_nav(nav_per_10000_units="12345"), "navs.nav_per_10000_units", "not an integer"),
    (with_nav(net_assets=True), "navs.net_assets", "not an integer"),
    (with_nav(net_assets=-1), "navs.net_assets", "negative"),
    (with_nav(date="2026/04/01"), "navs.date", "YYYY-MM-DD"),
    (with_nav(date=20260401), "navs.date", "not a date"),
    (with_nav(fund="BP000000019"), "navs.fund", "wrong check character"),
    (with_nav(fund=None), "navs.fund", "missing"),
    (with_nav(version=None), "navs.version", "missing"),
    (with_nav(nav=1), "navs.nav", "not a field here"),
    (with_nav(version=2, previous={"net_assets": 1}), "navs.correction_reason", "needs a reason"),
    (
        with_nav(version=2, correction_reason="x", previous=[1]),
        "navs.previous",
        "must be an object",
    ),
    (
        with_nav(version=2, correction_reason="x", previous={"date": "2026-01-01"}),
        "navs.previous.date",
        "not a field here",
    ),
    (
        with_nav(version=2, correction_reason="x", previous={"net_assets": None}),
        "navs.previous.net_assets",
        "required",
    ),
    (
        with_nav(version=2, correction_reason="x", previous={"net_assets": 1234500000}),
        "navs.previous",
        "nothing was corrected",
    ),
]


@pytest.mark.parametrize(
    ("document", "column", "reason"), BAD_RECORDS, ids=[r for _, _, r in BAD_RECORDS]
)
def test_read__each_bad_field__position_field_reason(
    document: dict[str, Any], column: str, reason: str
) -> None:
    found = errors_of(document)
    assert [(r, c) for r, c, _ in found] == [(2, column)], found
    assert reason in found[0][2]


def test_read__other_lists__fields_prefixed_by_list() -> None:
    example = spec_example()
    broken = deepcopy(example)
    broken["management_reports"][0]["content_hash"] = "0x1234"
    broken["non_application_days"][0].pop("market")
    broken["distributions"].append(dict(broken["distributions"][0], date="2026-10-15"))
    assert errors_of(broken) == [
        (
            2,
            "distributions.period",
            "a second distribution of BP000000018 for period 12 (first at row 1)",
        ),
        (1, "non_application_days.market", "required when the reason is market_holiday"),
        (
            1,
            "management_reports.content_hash",
            "'0x1234' is not a SHA-256 hash (0x and 64 lowercase hex digits)",
        ),
    ]


@pytest.mark.parametrize(
    ("document", "row", "column", "reason"),
    [
        ([], 0, "(document)", "not a JSON object"),
        ({"navs": []}, 0, "spec_version", "missing"),
        ({"spec_version": "2.0.0"}, 0, "spec_version", '"2.0.0" is not 1.0.0 or 1.1.0'),
        ({"spec_version": "1.2.0"}, 0, "spec_version", '"1.2.0" is not 1.0.0 or 1.1.0'),
        ({"spec_version": "1.0.0", "prices": []}, 0, "prices", "not a field of a dataset"),
        ({"spec_version": "1.0.0", "navs": {}}, 0, "navs", "not a list"),
        ({"spec_version": "1.0.0", "navs": ["x"]}, 1, "navs", "a record must be an object"),
        (b'{"spec_version": "1.0.0",', 0, "(document)", "not JSON"),
        (b'{"spec_version": "1.0.0", "navs": [NaN]}', 0, "(document)", "NaN"),
    ],
)
def test_read__bad_shape__named(document: Any, row: int, column: str, reason: str) -> None:
    found = errors_of(document)
    assert [(r, c) for r, c, _ in found] == [(row, column)], found
    assert reason in found[0][2]


def test_read__duplicates__name_the_first_position() -> None:
    found = errors_of({"spec_version": "1.0.0", "navs": [NAV, dict(NAV, net_assets=5)]})
    assert found == [(2, "navs.date", "a second NAV of BP000000018 on 2026-04-01 (first at row 1)")]


def test_write__empty_dataset__four_empty_lists() -> None:
    assert json.loads(standard_json.to_bytes(Dataset())) == {
        "spec_version": "1.1.0",
        "navs": [],
        "distributions": [],
        "non_application_days": [],
        "management_reports": [],
    }


DAY = {
    "fund": FUND,
    "date": "2026-11-26",
    "reason": "market_holiday",
    "market": "XNYS",
    "version": 1,
}
WITHDRAWN = {
    **DAY,
    "cancelled": True,
    "version": 2,
    "correction_reason": "published twice",
    "previous": {"cancelled": False},
}


def with_day(day: dict[str, Any], spec_version: str = SPEC_VERSION) -> dict[str, Any]:
    """A document whose second non-application day is ``day``."""
    first = dict(DAY, date="2026-11-25")
    return {"spec_version": spec_version, "non_application_days": [first, day]}


def test_write__cancelled__written_only_when_true_and_always_in_previous() -> None:
    document = json.loads(standard_json.to_bytes(full_dataset()))
    days = document["non_application_days"]
    assert [d.get("cancelled") for d in days] == [None, None, None, True]
    assert days[3]["previous"] == {"cancelled": False}
    assert document["spec_version"] == SPEC_VERSION == "1.1.0"


def test_round_trip__withdrawn_day__cancelled_and_previous_kept() -> None:
    dataset = standard_json.read(json.dumps(with_day(WITHDRAWN)).encode())
    withdrawn = dataset.non_application_days[1]
    assert (withdrawn.cancelled, withdrawn.version) == (True, 2)
    assert withdrawn.previous == {"cancelled": False}
    written = standard_json.to_bytes(dataset)
    assert json.loads(written)["non_application_days"][1] == WITHDRAWN
    assert standard_json.read(written) == dataset


def test_read__version_1_0_0_file__read_as_the_current_version() -> None:
    old = with_day(
        dict(DAY, version=2, correction_reason="x", previous={"market": "XLON"}), "1.0.0"
    )
    dataset = standard_json.read(json.dumps(old).encode())
    assert dataset.spec_version == SPEC_VERSION
    assert [d.cancelled for d in dataset.non_application_days] == [False, False]
    again = json.loads(standard_json.to_bytes(dataset))
    assert again["spec_version"] == "1.1.0", "a writer writes the current version"
    assert again["non_application_days"] == old["non_application_days"], "no cancelled added"


def test_read__cancelled_left_out_or_null__false() -> None:
    dataset = standard_json.read(json.dumps(with_day(dict(DAY, cancelled=None))).encode())
    assert [d.cancelled for d in dataset.non_application_days] == [False, False]


BAD_DAYS = [
    (
        with_day(dict(DAY, cancelled=True)),
        "non_application_days.cancelled",
        "an original (version 1) cannot be cancelled: a correction withdraws a day",
    ),
    (with_day(dict(WITHDRAWN, cancelled="true")), "non_application_days.cancelled", "not true"),
    (with_day(dict(WITHDRAWN, cancelled=1)), "non_application_days.cancelled", "not true"),
    (
        with_day(dict(WITHDRAWN, previous={"cancelled": None})),
        "non_application_days.previous.cancelled",
        "required",
    ),
    (
        with_day(dict(WITHDRAWN, previous={"market": "XLON"})),
        "non_application_days.previous.cancelled",
        "missing: cancelling the original replaced cancelled false",
    ),
    (
        with_day(dict(WITHDRAWN, previous={"market": "XLON"}), "1.0.0"),
        "non_application_days.cancelled",
        "not a field of version 1.0.0 (added in 1.1.0)",
    ),
    (
        with_day(
            dict(DAY, version=2, correction_reason="x", previous={"cancelled": True}), "1.0.0"
        ),
        "non_application_days.previous.cancelled",
        "not a field of version 1.0.0 (added in 1.1.0)",
    ),
]


@pytest.mark.parametrize(
    ("document", "column", "reason"), BAD_DAYS, ids=[r for _, _, r in BAD_DAYS]
)
def test_read__bad_cancelled__position_field_reason(
    document: dict[str, Any], column: str, reason: str
) -> None:
    found = errors_of(document)
    assert [(r, c) for r, c, _ in found] == [(2, column)], found
    assert reason in found[0][2]
