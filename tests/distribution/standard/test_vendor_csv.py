"""The vendor CSV: UTF-8 with a BOM, English headers, many funds, one row per fund per day."""

from __future__ import annotations

from datetime import date

import pytest

from bpost_client.distribution.standard import vendor_csv
from bpost_client.distribution.standard.records import Dataset, Distribution, Nav
from bpost_client.exceptions import ValidationError
from tests.distribution.standard.samples import FUND, OTHER_FUND, full_dataset

HEADER = (
    "Fund Code,Date,NAV per 10000 Units,Net Assets (JPY),Units Outstanding,"
    "Distribution per 10000 Units,Fiscal Period"
)
BOM = b"\xef\xbb\xbf"

SAMPLE = (
    BOM
    + (
        f"{HEADER}\r\n"
        'BP000000018,2026/04/01,"12,345","1,234,500,000","1,000,000,000",,\r\n'
        "bp000000018,2026-04-15,12150,1215100000,1000100000,250,12\r\n"
        "0331418A,2026/4/1,9876,55123456789,,,\r\n"
    ).encode()
)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return BOM + "".join(f"{line}\r\n" for line in (header, *rows)).encode()


def errors_of(raw: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(ValidationError) as refused:
        vendor_csv.read(raw)
    return [(e.row, e.column, e.reason) for e in refused.value.errors]


def test_read__sample__navs_units_and_distributions() -> None:
    dataset = vendor_csv.read(SAMPLE)
    assert dataset.navs == (
        Nav(
            fund=OTHER_FUND,
            date=date(2026, 4, 1),
            nav_per_10000_units=9876,
            net_assets=55_123_456_789,
        ),
        Nav(
            fund=FUND,
            date=date(2026, 4, 1),
            nav_per_10000_units=12345,
            net_assets=1_234_500_000,
            units_outstanding=1_000_000_000,
        ),
        Nav(
            fund=FUND,
            date=date(2026, 4, 15),
            nav_per_10000_units=12150,
            net_assets=1_215_100_000,
            units_outstanding=1_000_100_000,
        ),
    )
    assert dataset.distributions == (
        Distribution(fund=FUND, date=date(2026, 4, 15), period=12, amount_per_10000_units=250),
    )


def test_write__sample__bom_crlf_iso_dates_plain_numbers() -> None:
    written = vendor_csv.to_bytes(vendor_csv.read(SAMPLE))
    assert written == csv_bytes(
        "0331418A,2026-04-01,9876,55123456789,,,",
        "BP000000018,2026-04-01,12345,1234500000,1000000000,,",
        "BP000000018,2026-04-15,12150,1215100000,1000100000,250,12",
    )


def figures(dataset: Dataset) -> list[tuple[object, ...]]:
    """What the vendor CSV holds of a dataset's NAVs and distributions."""
    return [
        *(
            (n.fund, n.date, n.nav_per_10000_units, n.net_assets, n.units_outstanding)
            for n in dataset.navs
        ),
        *((d.fund, d.date, d.period, d.amount_per_10000_units) for d in dataset.distributions),
    ]


def test_round_trip__everything_the_format_holds__kept() -> None:
    full = full_dataset()
    back = vendor_csv.read(vendor_csv.to_bytes(full))
    assert figures(back) == figures(full)
    assert back.non_application_days == () and back.management_reports == ()
    assert all(r.version == 1 for r in back.records())
    assert vendor_csv.to_bytes(back) == vendor_csv.to_bytes(full)


def test_read__without_bom_or_in_cp932__same_dataset() -> None:
    text = SAMPLE[len(BOM) :].decode()
    assert vendor_csv.read(text.encode()) == vendor_csv.read(SAMPLE)
    assert vendor_csv.read(text.encode("cp932")) == vendor_csv.read(SAMPLE)


def test_read__fund__limits_to_it() -> None:
    assert vendor_csv.read(SAMPLE, fund=OTHER_FUND).funds() == [OTHER_FUND]
    with pytest.raises(ValidationError, match="holds no record of fund 0331418B"):
        vendor_csv.read(SAMPLE, fund="0331418B")


BAD_ROWS = [
    ("BP000000019,2026-04-01,1,1,,,", "Fund Code", "wrong check character"),
    ("XYZ,2026-04-01,1,1,,,", "Fund Code", "not a fund code"),
    (",2026-04-01,1,1,,,", "Fund Code", "empty"),
    ("BP000000018,2026-13-01,1,1,,,", "Date", "not a calendar date"),
    ("BP000000018,01/04/2026,1,1,,,", "Date", "not a date"),
    ("BP000000018,2026-04-01,1.5,1,,,", "NAV per 10000 Units", "fractional part"),
    ("BP000000018,2026-04-01,1,-1,,,", "Net Assets (JPY)", "negative"),
    ("BP000000018,2026-04-01,1,1,x,,", "Units Outstanding", "not a number"),
    ("BP000000018,2026-04-01,1,1,,5,", "Fiscal Period", "empty, but the row has a distribution"),
    ("BP000000018,2026-04-01,1,1,,,3", "Distribution per 10000 Units", "fiscal period"),
    ("BP000000018,2026-04-01,1,1,,5,0", "Fiscal Period", "less than 1"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS, ids=[r for _, _, r in BAD_ROWS])
def test_read__each_bad_cell__row_column_reason(row: str, column: str, reason: str) -> None:
    found = errors_of(csv_bytes("0331418A,2026-04-01,1,1,,,", row))
    assert [(r, c) for r, c, _ in found] == [(3, column)], found
    assert reason in found[0][2]


def test_read__same_fund_and_day_twice__names_the_first_row() -> None:
    found = errors_of(
        csv_bytes(
            "BP000000018,2026-04-01,1,1,,,",
            "0331418A,2026-04-01,1,1,,,",
            "BP000000018,2026/04/01,2,1,,,",
            "BP000000018,2026-04-02,1,1,,5,7",
            "BP000000018,2026-04-03,1,1,,5,7",
        )
    )
    assert found == [
        (4, "Date", "a second NAV of BP000000018 on 2026-04-01 (first at row 2)"),
        (6, "Fiscal Period", "a second distribution of BP000000018 for period 7 (first at row 5)"),
    ]


def test_read__missing_column__named_on_row_1() -> None:
    header = "Fund Code,Date,NAV per 10000 Units,Net Assets (JPY),Distribution per 10000 Units"
    found = errors_of(csv_bytes(header=header))
    assert found == [
        (1, "Units Outstanding", "required column missing"),
        (1, "Fiscal Period", "required column missing"),
    ]


def test_write__distribution_without_nav__refused() -> None:
    paid = Distribution(fund=FUND, date=date(2026, 4, 15), period=1, amount_per_10000_units=0)
    with pytest.raises(ValidationError, match="no NAV of BP000000018 on 2026-04-15"):
        vendor_csv.to_bytes(Dataset(distributions=[paid]))
