"""Distributions, non-application days and reports through the client: published under the
profile's rules, derived from the calendars, corrected, read back as changes in chain order."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.distribution import notices
from bpost_client.distribution.navs import serial_of
from bpost_client.exceptions import ContractRevert
from bpost_client.reference import calendars

REPORT = hashlib.sha256(b"management report, period 12").digest()


def test_non_application_days__derived_from_the_new_york_calendar(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    tokyo = calendars.load_calendar(asset_manager, "XTKS")
    new_york = calendars.load_calendar(asset_manager, "XNYS")
    days = notices.non_application_days_from_calendars(
        nav_funds[0], tokyo, [new_york], date(2026, 11, 1), date(2026, 12, 31)
    )
    assert [d.day for d in days] == [date(2026, 11, 26), date(2026, 12, 25)]
    notices.publish(asset_manager, days)
    changes = notices.notice_changes(asset_manager)
    assert [c.record for c in changes] == days


def test_distribution_and_report__published_then_corrected(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    fund = nav_funds[0]
    distribution = notices.DistributionNotice(fund, date(2026, 7, 15), 12, 150)
    report = notices.ReportNotice(
        fund, 12, date(2026, 8, 20), REPORT, "https://x.example/12", "pdf"
    )
    notices.publish(asset_manager, [distribution, report])
    fixed = notices.DistributionNotice(fund, date(2026, 7, 15), 12, 160)
    notices.correct(asset_manager, distribution, fixed, "rounding of the income")
    changes = notices.notice_changes(asset_manager)
    assert [type(c.record).__name__ for c in changes] == [
        "DistributionNotice",
        "ReportNotice",
        "DistributionNotice",
    ]
    correction = changes[-1]
    assert correction.previous == distribution and correction.reason == "rounding of the income"
    assert correction.record == notices.DistributionNotice(fund, date(2026, 7, 15), 12, 160, 2)


def test_notice_changes__text_that_looks_like_hex__read_back_as_written(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    day = notices.NonApplicationNotice(
        nav_funds[0], date(2026, 12, 25), notices.Reason.OTHER, note="0x1f closure"
    )
    report = notices.ReportNotice(nav_funds[0], 12, date(2026, 8, 20), REPORT, "0xdead", "0x")
    notices.publish(asset_manager, [day, report])
    assert [c.record for c in notices.notice_changes(asset_manager)] == [day, report]


def test_distribution__not_a_closing_date__refused(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    with pytest.raises(ContractRevert) as refused:
        notices.publish(
            asset_manager, [notices.DistributionNotice(nav_funds[0], date(2026, 7, 16), 12, 1)]
        )
    assert refused.value.error_name == "FundNoticesNotClosingDate"


def test_correction__of_another_period__raised_as_its_own_error_with_both_keys(
    asset_manager: Client, nav_funds: list[str]
) -> None:
    """The contract's specific error reaches the caller as the class named after it, with the
    values it carries (no catch-all with a field name to parse)."""
    fund = nav_funds[0]
    report = notices.ReportNotice(
        fund, 13, date(2026, 8, 20), REPORT, "https://x.example/13", "pdf"
    )
    notices.publish(asset_manager, [report])
    moved = notices.ReportNotice(fund, 14, date(2026, 8, 20), REPORT, "https://x.example/13", "pdf")
    with pytest.raises(exceptions.FundNoticesKeyChanged) as refused:
        notices.correct(asset_manager, report, moved, "the period was wrong")
    serial = serial_of(fund)
    assert refused.value.arguments == {
        "serial": serial,
        "key": 13,
        "newSerial": serial,
        "newKey": 14,
    }
