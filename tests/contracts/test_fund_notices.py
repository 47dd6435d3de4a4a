"""FundNotices: distributions on closing dates, non-application days from the holiday markets'
calendars, management reports, and corrections that name the replaced record."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.reverts import reverts

MARKET, BANK, OTHER = 1, 2, 3
THANKSGIVING = 20261126  # New York closed, Tokyo open
SHA = bytes.fromhex("ab" * 32)


def distribution_record(serial: int, date: int = 20261116, period: int = 12, amount: int = 150):
    return (serial, date, period, amount, 1)


def holiday(serial: int, date: int = THANKSGIVING, reason: int = MARKET, market: bytes = b"XNYS"):
    return (serial, date, reason, market, "", False, 1)


def report(serial: int, period: int = 12) -> tuple[Any, ...]:
    return (serial, period, 20261210, SHA, "https://sakura.example/reports/12.pdf", "pdf", 1)


def test_distribution__on_the_moved_closing_date__then_corrected(
    notices: Any, nav_world: dict[str, Any]
) -> None:
    a = nav_world["serials"][0]
    manager = nav_world["manager"]
    with reverts(notices.FundNoticesNotClosingDate):  # the 15th is a Sunday: it moves to the 16th
        notices.publishDistributions([distribution_record(a, 20261115)], sender=manager)
    tx = notices.publishDistributions([distribution_record(a)], sender=manager)
    assert list(tx.events.filter(notices.DistributionPublished)[0].record) == [
        a,
        20261116,
        12,
        150,
        1,
    ]
    with reverts(notices.FundNoticesExists):
        notices.publishDistributions([distribution_record(a)], sender=manager)
    corrected = (a, 20261116, 12, 160, 2)
    with reverts(notices.FundNoticesReasonRequired):
        notices.correctDistribution(distribution_record(a), corrected, "", sender=manager)
    with reverts(notices.FundNoticesNotCurrent):
        notices.correctDistribution(
            distribution_record(a, amount=1), corrected, "r", sender=manager
        )
    tx = notices.correctDistribution(distribution_record(a), corrected, "typo", sender=manager)
    event = tx.events.filter(notices.DistributionCorrected)[0]
    assert (event.previous[3], event.current[3], event.reason) == (150, 160, "typo")


def test_non_application_day__rules(notices: Any, nav_world: dict[str, Any]) -> None:
    a = nav_world["serials"][0]
    manager = nav_world["manager"]
    notices.publishNonApplicationDays([holiday(a)], sender=manager)
    with reverts(notices.FundNoticesMarketOpen):  # New York trades on the 27th
        notices.publishNonApplicationDays([holiday(a, 20261127)], sender=manager)
    with reverts(notices.FundNoticesNotHolidayMarket):
        notices.publishNonApplicationDays([holiday(a, market=b"XLON")], sender=manager)
    with reverts(notices.FundNoticesNotNavDay):  # a Tokyo holiday is no NAV day
        notices.publishNonApplicationDays([holiday(a, 20261123)], sender=manager)
    with reverts(notices.FundNoticesNoteMissing, serial=a, date=20261127):
        notices.publishNonApplicationDays(
            [holiday(a, 20261127, OTHER, b"\0\0\0\0")], sender=manager
        )
    notices.publishNonApplicationDays([holiday(a, 20261112, BANK)], sender=manager)
    cancelled = (a, THANKSGIVING, MARKET, b"XNYS", "", True, 2)
    tx = notices.correctNonApplicationDay(holiday(a), cancelled, "published twice", sender=manager)
    assert tx.events.filter(notices.NonApplicationDayCorrected)[0].current[5] is True


def test_report__one_per_period__and_refusals(
    notices: Any, nav_world: dict[str, Any], fund_actors: dict[str, Any]
) -> None:
    a = nav_world["serials"][0]
    manager = nav_world["manager"]
    notices.publishReports([report(a)], sender=manager)
    with reverts(notices.FundNoticesExists):
        notices.publishReports([report(a)], sender=manager)
    with reverts(notices.FundNoticesNotPublisher):
        notices.publishReports([report(a, 13)], sender=fund_actors["rival_manager"][0])
    bad = (a, 13, 20261210, b"\0" * 32, "x", "pdf", 1)
    with reverts(notices.FundNoticesContentHashMissing, serial=a, period=13):
        notices.publishReports([bad], sender=manager)
    with reverts(notices.FundNoticesEmptyBatch):
        notices.publishReports([], sender=manager)


@pytest.mark.parametrize("kind", ["distribution", "holiday", "report"])
def test_publish__version_other_than_one__refused(
    notices: Any, nav_world: dict[str, Any], kind: str
) -> None:
    a = nav_world["serials"][0]
    manager = nav_world["manager"]
    with reverts(notices.FundNoticesInvalidVersion, serial=a, version=2, expected=1):
        if kind == "distribution":
            notices.publishDistributions([(a, 20261116, 12, 150, 2)], sender=manager)
        elif kind == "holiday":
            notices.publishNonApplicationDays(
                [(a, THANKSGIVING, MARKET, b"XNYS", "", False, 2)], sender=manager
            )
        else:
            notices.publishReports([(a, 12, 20261210, SHA, "x", "pdf", 2)], sender=manager)


def test_correct__version_not_the_next__refused_naming_the_expected_one(
    notices: Any, nav_world: dict[str, Any]
) -> None:
    a = nav_world["serials"][0]
    manager = nav_world["manager"]
    notices.publishReports([report(a, 14)], sender=manager)
    skipped = (a, 14, 20261210, SHA, "https://sakura.example/reports/14.pdf", "pdf", 3)
    with reverts(notices.FundNoticesInvalidVersion, serial=a, key=14, version=3, expected=2):
        notices.correctReport(report(a, 14), skipped, "new location", sender=manager)


def test_correct__another_fund_or_date__refused_naming_both_keys(
    notices: Any, nav_world: dict[str, Any]
) -> None:
    a, b = nav_world["serials"][:2]
    manager = nav_world["manager"]
    moved = (a, 20261117, 12, 150, 2)
    with reverts(notices.FundNoticesKeyChanged, serial=a, key=20261116, newKey=20261117):
        notices.correctDistribution(distribution_record(a), moved, "moved", sender=manager)
    other = (b, 12, 20261210, SHA, "x", "pdf", 2)
    with reverts(notices.FundNoticesKeyChanged, serial=a, key=12, newSerial=b, newKey=12):
        notices.correctReport(report(a), other, "other fund", sender=manager)


def test_non_application_day__published_cancelled_or_without_reason__refused(
    notices: Any, nav_world: dict[str, Any]
) -> None:
    a = nav_world["serials"][0]
    manager = nav_world["manager"]
    cancelled = (a, 20261125, MARKET, b"XNYS", "", True, 1)
    with reverts(notices.FundNoticesCancelledAtPublication, serial=a, date=20261125):
        notices.publishNonApplicationDays([cancelled], sender=manager)
    with reverts(notices.FundNoticesReasonMissing, serial=a, date=20261125):
        notices.publishNonApplicationDays([holiday(a, 20261125, 0)], sender=manager)


def test_distribution__without_period__refused(notices: Any, nav_world: dict[str, Any]) -> None:
    a = nav_world["serials"][0]
    with reverts(notices.FundNoticesPeriodMissing, serial=a, key=20261116):
        notices.publishDistributions(
            [distribution_record(a, period=0)], sender=nav_world["manager"]
        )


@pytest.mark.parametrize(
    ("index", "empty", "error"),
    [
        (1, 0, "FundNoticesPeriodMissing"),
        (4, "", "FundNoticesLocationMissing"),
        (5, "", "FundNoticesFormatMissing"),
    ],
)
def test_report__each_missing_part__refused_with_its_own_error(
    notices: Any, nav_world: dict[str, Any], index: int, empty: Any, error: str
) -> None:
    a = nav_world["serials"][0]
    record = list(report(a, 15))
    record[index] = empty
    with reverts(error, serial=a):
        notices.publishReports([tuple(record)], sender=nav_world["manager"])


def test_publish__fund_not_open__refused_naming_its_status(
    notices: Any, nav_world: dict[str, Any]
) -> None:
    draft = nav_world["serials"][2]
    with reverts(notices.FundNoticesFundNotOpen, serial=draft, status=1):  # Draft
        notices.publishDistributions([distribution_record(draft)], sender=nav_world["manager"])


def test_publish__after_the_redemption_date__refused_naming_the_fund_life(
    notices: Any, nav_world: dict[str, Any]
) -> None:
    redeemed = nav_world["serials"][1]  # redemption date 2026-11-24
    with reverts(
        notices.FundNoticesOutsideFundLife,
        serial=redeemed,
        date=THANKSGIVING,
        redemptionDate=20261124,
    ):
        notices.publishNonApplicationDays([holiday(redeemed)], sender=nav_world["manager"])


def test_publish__caller_of_no_institution__refused_as_not_an_institution(
    notices: Any, nav_world: dict[str, Any], outsider: Any
) -> None:
    a = nav_world["serials"][0]
    with reverts(notices.FundNoticesNotInstitution, account=outsider.address, lei=b"\0" * 20):
        notices.publishReports([report(a, 16)], sender=outsider)
