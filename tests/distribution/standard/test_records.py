"""The records of the standard and the dataset: every validation rule names the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bpost_client.distribution.standard.records import (
    READ_VERSIONS,
    SPEC_VERSION,
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    NonApplicationReason,
    RecordError,
    check_fund,
)
from tests.distribution.standard.samples import FUND, OTHER_FUND, REPORT_HASH, full_dataset

DAY = date(2026, 4, 1)


def nav(**changes: Any) -> Nav:
    fields: dict[str, Any] = {
        "fund": FUND,
        "date": DAY,
        "nav_per_10000_units": 12345,
        "net_assets": 1_234_500_000,
    }
    return Nav(**{**fields, **changes})


def report(**changes: Any) -> ManagementReport:
    fields: dict[str, Any] = {
        "fund": FUND,
        "period": 12,
        "date": DAY,
        "content_hash": REPORT_HASH,
        "location": "https://reports.example.com/12.pdf",
        "format": "pdf",
    }
    return ManagementReport(**{**fields, **changes})


def holiday(**changes: Any) -> NonApplicationDay:
    fields: dict[str, Any] = {
        "fund": FUND,
        "date": DAY,
        "reason": "market_holiday",
        "market": "XNYS",
    }
    return NonApplicationDay(**{**fields, **changes})


def correction(**changes: Any) -> dict[str, Any]:
    return {"version": 2, "correction_reason": "misstated", **changes}


RULES: list[tuple[Any, str, str]] = [
    (lambda: nav(fund="BP000000019"), "fund", "wrong check character"),
    (lambda: nav(fund="BP00000001"), "fund", "not a fund code"),
    (lambda: nav(fund="0331-418"), "fund", "ITA fund code"),
    (lambda: nav(date="2026-04-01"), "date", "not a date"),
    (lambda: nav(date=datetime(2026, 4, 1)), "date", "not a date"),
    (lambda: nav(nav_per_10000_units=0), "nav_per_10000_units", "less than 1"),
    (lambda: nav(nav_per_10000_units=12345.0), "nav_per_10000_units", "not an integer"),
    (lambda: nav(net_assets=-1), "net_assets", "negative"),
    (lambda: nav(net_assets=True), "net_assets", "not an integer"),
    (lambda: nav(units_outstanding=-5), "units_outstanding", "negative"),
    (lambda: nav(version=0), "version", "less than 1"),
    (lambda: nav(correction_reason="why"), "correction_reason", "original"),
    (lambda: nav(previous={"net_assets": 1}), "previous", "replaces nothing"),
    (lambda: nav(version=2, previous={"net_assets": 1}), "correction_reason", "needs a reason"),
    (
        lambda: nav(**correction(correction_reason=" ", previous={"net_assets": 1})),
        "correction_reason",
        "empty",
    ),
    (lambda: nav(**correction()), "previous", "needs the values it replaced"),
    (lambda: nav(**correction(previous={})), "previous", "needs the values it replaced"),
    (lambda: nav(**correction(previous={"date": DAY})), "previous.date", "not a correctable"),
    (lambda: nav(**correction(previous={"net_assets": -1})), "previous.net_assets", "negative"),
    (
        lambda: nav(**correction(previous={"net_assets": None})),
        "previous.net_assets",
        "required",
    ),
    (
        lambda: nav(**correction(previous={"net_assets": 1_234_500_000})),
        "previous",
        "nothing was corrected",
    ),
    (
        lambda: Distribution(fund=FUND, date=DAY, period=0, amount_per_10000_units=1),
        "period",
        "less than 1",
    ),
    (
        lambda: Distribution(fund=FUND, date=DAY, period=1, amount_per_10000_units=-1),
        "amount_per_10000_units",
        "negative",
    ),
    (lambda: holiday(market=None), "market", "required when the reason is market_holiday"),
    (lambda: holiday(reason="bank_holiday", market=None), "market", "required"),
    (lambda: holiday(market="nyse"), "market", "market identifier code"),
    (lambda: holiday(reason="weekend"), "reason", "one of market_holiday"),
    (lambda: holiday(note=""), "note", "empty"),
    (lambda: holiday(cancelled=True), "cancelled", "an original (version 1) cannot be cancelled"),
    (lambda: holiday(cancelled="true"), "cancelled", "not true or false"),
    (lambda: holiday(cancelled=None), "cancelled", "missing"),
    (
        lambda: holiday(**correction(cancelled=True, previous={"note": "Thanksgiving"})),
        "previous.cancelled",
        "missing: cancelling the original replaced cancelled false",
    ),
    (
        lambda: holiday(**correction(previous={"cancelled": True})),
        "previous.cancelled",
        "the original (version 1) was not cancelled",
    ),
    (
        lambda: holiday(**correction(cancelled=True, previous={"cancelled": None})),
        "previous.cancelled",
        "required",
    ),
    (
        lambda: holiday(**correction(cancelled=True, previous={"cancelled": 0})),
        "previous.cancelled",
        "not true or false",
    ),
    (
        lambda: holiday(**correction(version=3, cancelled=True, previous={"cancelled": True})),
        "previous",
        "nothing was corrected",
    ),
    (lambda: report(content_hash="0x" + "AB" * 32), "content_hash", "SHA-256"),
    (lambda: report(content_hash="ab" * 32), "content_hash", "SHA-256"),
    (lambda: report(location="reports/12.pdf"), "location", "URI"),
    (lambda: report(location="https://x/a b.pdf"), "location", "URI"),
    (lambda: report(format="PDF"), "format", "document format"),
    (lambda: report(period=0), "period", "less than 1"),
]


@pytest.mark.parametrize(("make", "field", "reason"), RULES, ids=[f"{f}-{r}" for _, f, r in RULES])
def test_record__each_rule__names_field_and_reason(make: Any, field: str, reason: str) -> None:
    with pytest.raises(RecordError) as refused:
        make()
    assert isinstance(refused.value, ValueError)
    fields = [name for name, _ in refused.value.problems]
    assert fields == [field], refused.value.problems
    assert reason in refused.value.problems[0][1]


def test_record__several_faults__all_named() -> None:
    with pytest.raises(RecordError) as refused:
        nav(fund="X", nav_per_10000_units=-1, net_assets=1.5)
    assert [n for n, _ in refused.value.problems] == ["fund", "nav_per_10000_units", "net_assets"]
    assert "nav_per_10000_units: negative" in str(refused.value)


def test_record__fund_code__read_in_capitals() -> None:
    assert nav(fund=" bp000000018 ").fund == FUND
    assert nav(fund="0331418a").fund == OTHER_FUND
    assert check_fund("0331418a") == OTHER_FUND


def test_correction__previous__kept_in_field_order_and_read_only() -> None:
    fixed = nav(**correction(previous={"units_outstanding": None, "nav_per_10000_units": 1}))
    assert fixed.previous is not None
    assert list(fixed.previous) == ["nav_per_10000_units", "units_outstanding"]
    with pytest.raises(TypeError):
        fixed.previous["net_assets"] = 3  # type: ignore[index]


def test_non_application_day__reason_text__read_as_enum() -> None:
    day = NonApplicationDay(fund=FUND, date=DAY, reason="other")
    assert day.reason is NonApplicationReason.OTHER
    assert day.market is None


def test_non_application_day__cancelled__false_unless_a_correction_sets_it() -> None:
    assert holiday().cancelled is False
    withdrawn = holiday(**correction(cancelled=True, previous={"cancelled": False}))
    assert withdrawn.cancelled is True
    assert withdrawn.previous == {"cancelled": False}


def test_non_application_day__cancelled_holiday_without_market__accepted() -> None:
    replaced = {"market": "XNYS", "cancelled": False}
    withdrawn = holiday(**correction(market=None, cancelled=True, previous=replaced))
    assert withdrawn.market is None
    assert list(withdrawn.previous or {}) == ["market", "cancelled"]


def test_non_application_day__restored_by_a_later_correction__accepted() -> None:
    restored = holiday(**correction(version=3, previous={"cancelled": True}))
    assert (restored.cancelled, restored.version) == (False, 3)


def test_field_spec__cancelled__added_in_1_1_0() -> None:
    [cancelled] = [s for s in NonApplicationDay.FIELDS if s.name == "cancelled"]
    assert (cancelled.type, cancelled.default, cancelled.since) == ("bool", False, "1.1.0")
    assert cancelled.may_be_left_out and cancelled.required
    assert not cancelled.in_version("1.0.0") and cancelled.in_version(SPEC_VERSION)
    assert READ_VERSIONS == ("1.0.0", "1.1.0") and READ_VERSIONS[-1] == SPEC_VERSION


def test_dataset__records__sorted_by_fund_and_date() -> None:
    later = nav(date=date(2026, 4, 2))
    other = nav(fund=OTHER_FUND)
    dataset = Dataset(navs=[later, nav(), other])
    assert dataset.navs == (other, nav(), later)
    assert dataset.funds() == [OTHER_FUND, FUND]
    assert dataset.spec_version == SPEC_VERSION


def test_dataset__same_key_twice__refused() -> None:
    with pytest.raises(RecordError, match="a second NAV of BP000000018 on 2026-04-01"):
        Dataset(navs=[nav(), nav(net_assets=5)])
    paid = Distribution(fund=FUND, date=DAY, period=3, amount_per_10000_units=1)
    again = Distribution(fund=FUND, date=date(2026, 10, 1), period=3, amount_per_10000_units=1)
    with pytest.raises(RecordError, match="for period 3"):
        Dataset(distributions=[paid, again])
    with pytest.raises(RecordError, match="management report of BP000000018 for period 12"):
        Dataset(management_reports=[report(), report(date=date(2026, 5, 1))])


def test_dataset__wrong_kind_or_version__refused() -> None:
    with pytest.raises(RecordError, match="navs: holds Distribution"):
        Dataset(navs=[Distribution(fund=FUND, date=DAY, period=1, amount_per_10000_units=0)])  # type: ignore[list-item]
    with pytest.raises(RecordError, match="spec_version"):
        Dataset(spec_version="2.0.0")


def test_dataset__of_and_only__split_by_kind_and_fund() -> None:
    full = full_dataset()
    assert Dataset.of(full.records()) == full
    mine = full.only(FUND)
    assert mine.funds() == [FUND]
    assert mine.counts() == {
        "navs": 3,
        "distributions": 1,
        "non_application_days": 3,
        "management_reports": 1,
    }
    assert len(full) == 12
