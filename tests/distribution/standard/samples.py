"""Sample data of the distribution-data tests: datasets and files as asset managers send them."""

from __future__ import annotations

import hashlib
from datetime import date

from bpost_client.distribution.standard.records import (
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
)
from bpost_client.identifiers import fund_code

FUND = str(fund_code(1))  # BP000000018
OTHER_FUND = "0331418A"  # an ITA code
REPORT_HASH = "0x" + hashlib.sha256(b"management report, period 12").hexdigest()

ITA_HEADER = "年月日,基準価額(円),純資産総額(百万円),分配金,決算期"

CANONICAL_ITA = (
    f"{ITA_HEADER}\r\n"
    "2026年04月01日,12345,1234.5,,\r\n"
    "2026年04月02日,12350,1235,,\r\n"
    "2026年04月03日,12298,1229.876543,,\r\n"
    "2026年04月06日,12400,1240,,\r\n"
    "2026年04月15日,12150,1215.1,250,12\r\n"
    "2026年04月16日,12160,1216,,\r\n"
).encode("cp932")
"""A file exactly as the writer makes it: CP932, CRLF, the exact header, 2026年04月01日 dates."""

MESSY_ITA = (
    "年月日,基準価額（円）,純資産総額（百万円）,分配金,決算期\r\n"  # full-width parentheses
    '2026年04月01日,"12,345",1234.5,,\r\n'  # thousands separator (quoted, as CSV needs)
    "2026年4月2日,１２３５０,１，２３５,,\r\n"  # short date, full-width digits and comma
    "令和8年4月3日,12298,1229.876543,,\r\n"  # era date
    "\r\n"  # a blank row
    "R8.4.6,12400,1240.000,,\r\n"  # abbreviated era date, zero decimals
    "2026/04/15,12150,1215.1,２５０,第12期\r\n"  # slashes, full-width amount, 第12期
    "20260416,12160,1216,　,\r\n"  # compact date; a full-width space is an empty cell
).encode("cp932")
"""The same values as CANONICAL_ITA, written every way the readers accept."""


def ita_navs(fund: str = FUND) -> list[Nav]:
    """The NAVs of CANONICAL_ITA."""
    figures = [
        (date(2026, 4, 1), 12345, 1_234_500_000),
        (date(2026, 4, 2), 12350, 1_235_000_000),
        (date(2026, 4, 3), 12298, 1_229_876_543),
        (date(2026, 4, 6), 12400, 1_240_000_000),
        (date(2026, 4, 15), 12150, 1_215_100_000),
        (date(2026, 4, 16), 12160, 1_216_000_000),
    ]
    return [
        Nav(fund=fund, date=day, nav_per_10000_units=nav, net_assets=assets)
        for day, nav, assets in figures
    ]


def ita_dataset(fund: str = FUND) -> Dataset:
    """CANONICAL_ITA as records of ``fund``."""
    paid = Distribution(fund=fund, date=date(2026, 4, 15), period=12, amount_per_10000_units=250)
    return Dataset(navs=ita_navs(fund), distributions=[paid])


def full_dataset() -> Dataset:
    """Two funds, every record kind, units outstanding, corrections of every kind and a
    withdrawn (cancelled) non-application day."""
    return Dataset(
        navs=[
            Nav(
                fund=FUND,
                date=date(2026, 4, 1),
                nav_per_10000_units=12345,
                net_assets=1_234_500_000,
                units_outstanding=1_000_000_000,
            ),
            Nav(
                fund=FUND,
                date=date(2026, 4, 2),
                nav_per_10000_units=12350,
                net_assets=1_235_000_000,
                units_outstanding=1_000_000_000,
                version=2,
                correction_reason="NAV misstated: a price of the portfolio was stale",
                previous={"nav_per_10000_units": 12305, "units_outstanding": None},
            ),
            Nav(
                fund=FUND,
                date=date(2026, 4, 15),
                nav_per_10000_units=12150,
                net_assets=1_215_100_000,
                units_outstanding=1_000_100_000,
            ),
            Nav(
                fund=OTHER_FUND,
                date=date(2026, 4, 1),
                nav_per_10000_units=9876,
                net_assets=55_123_456_789,
            ),
            Nav(
                fund=OTHER_FUND,
                date=date(2026, 4, 15),
                nav_per_10000_units=9870,
                net_assets=55_000_000_000,
            ),
        ],
        distributions=[
            Distribution(fund=FUND, date=date(2026, 4, 15), period=12, amount_per_10000_units=250),
            Distribution(
                fund=OTHER_FUND,
                date=date(2026, 4, 15),
                period=3,
                amount_per_10000_units=0,
                version=3,
                correction_reason="分配金の訂正 (amount <withdrawn> & re-declared)",
                previous={"amount_per_10000_units": 10},
            ),
        ],
        non_application_days=[
            NonApplicationDay(
                fund=FUND,
                date=date(2026, 4, 3),
                reason="market_holiday",
                market="XNYS",
                note="Good Friday\n(NYSE closed)",
            ),
            NonApplicationDay(
                fund=FUND,
                date=date(2026, 12, 25),
                reason="bank_holiday",
                market="XLON",
                version=2,
                correction_reason="the market is London",
                previous={"market": "XNYS", "note": "Christmas"},
            ),
            NonApplicationDay(
                fund=FUND,
                date=date(2026, 12, 31),
                reason="bank_holiday",
                market="XTKS",
                note="year-end bank holiday",
                cancelled=True,
                version=2,
                correction_reason="published in error: the fund takes orders on 31 December",
                previous={"cancelled": False},
            ),
            NonApplicationDay(fund=OTHER_FUND, date=date(2026, 5, 1), reason="other"),
        ],
        management_reports=[
            ManagementReport(
                fund=FUND,
                period=12,
                date=date(2026, 5, 20),
                content_hash=REPORT_HASH,
                location="https://reports.example.com/BP000000018/12.pdf",
                format="pdf",
                version=2,
                correction_reason="a page was missing",
                previous={"content_hash": "0x" + "0" * 64, "date": date(2026, 5, 18)},
            ),
        ],
    )
