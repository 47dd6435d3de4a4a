"""The public daily-NAV CSV: CP932, Japanese dates, net assets in millions, one fund per file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bpost_client.distribution.standard import fund_xml, ita_csv
from bpost_client.distribution.standard.records import Dataset, Distribution, Nav
from bpost_client.exceptions import ValidationError
from tests.distribution.standard.samples import (
    CANONICAL_ITA,
    FUND,
    ITA_HEADER,
    MESSY_ITA,
    OTHER_FUND,
    full_dataset,
    ita_dataset,
)


def cp932(*rows: str, header: str = ITA_HEADER) -> bytes:
    return "".join(f"{line}\r\n" for line in (header, *rows)).encode("cp932")


def errors_of(raw: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(ValidationError) as refused:
        ita_csv.read(raw, fund=FUND)
    return [(e.row, e.column, e.reason) for e in refused.value.errors]


def test_read__every_accepted_spelling__gives_the_canonical_values() -> None:
    assert ita_csv.read(MESSY_ITA, fund=FUND) == ita_dataset()


def test_read__canonical_file__navs_and_the_distribution() -> None:
    dataset = ita_csv.read(CANONICAL_ITA, fund=FUND)
    assert dataset.navs[0] == Nav(
        fund=FUND, date=date(2026, 4, 1), nav_per_10000_units=12345, net_assets=1_234_500_000
    )
    assert dataset.navs[2].net_assets == 1_229_876_543
    assert dataset.distributions == (
        Distribution(fund=FUND, date=date(2026, 4, 15), period=12, amount_per_10000_units=250),
    )
    assert all(n.units_outstanding is None and n.version == 1 for n in dataset.navs)


def test_write__canonical_dataset__exact_bytes_cp932_crlf() -> None:
    written = ita_csv.to_bytes(ita_dataset())
    assert written == CANONICAL_ITA
    assert written.decode("cp932").startswith(
        "年月日,基準価額(円),純資産総額(百万円),分配金,決算期\r\n"
    )
    with pytest.raises(UnicodeDecodeError):
        written.decode("utf-8")  # Shift_JIS, not UTF-8


def test_round_trip__ita_csv_to_xml_to_ita_csv__same_values_and_bytes(tmp_path: Path) -> None:
    source = tmp_path / "0331418A.csv"
    source.write_bytes(CANONICAL_ITA)
    dataset = ita_csv.read(source, fund=OTHER_FUND)
    xml = fund_xml.write(dataset, tmp_path / "report.xml")
    again = fund_xml.read(xml)
    assert again == dataset
    back = ita_csv.write(again, tmp_path / "back.csv")
    assert back.read_bytes() == CANONICAL_ITA


def test_round_trip__messy_file__written_canonical() -> None:
    assert ita_csv.to_bytes(ita_csv.read(MESSY_ITA, fund=FUND)) == CANONICAL_ITA


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_read__utf8_input__same_as_cp932(bom: bytes) -> None:
    text = CANONICAL_ITA.decode("cp932")
    assert ita_csv.read(bom + text.encode("utf-8"), fund=FUND) == ita_dataset()


def test_read__header_variants__accepted() -> None:
    for header in (
        "年月日,基準価額（円）,純資産総額（百万円）,分配金,決算期",
        "年月日,基準価額(円),純資産総額（百万円）,分配金,決算期",
        "年月日, 基準価額 (円) ,純資産総額(百万円),分配金,決算期",
        "決算期,分配金,年月日,基準価額(円),純資産総額(百万円)",
    ):
        rows = ["2026年04月15日,12150,1215.1,250,12"]
        if header.startswith("決算期"):
            rows = ["12,250,2026年04月15日,12150,1215.1"]
        dataset = ita_csv.read(cp932(*rows, header=header), fund=FUND)
        assert dataset.navs[0].net_assets == 1_215_100_000, header
        assert dataset.distributions[0].period == 12, header


def test_read__header_only__empty_dataset() -> None:
    assert ita_csv.read(cp932(), fund=FUND) == Dataset()


BAD_ROWS = [
    ("2026年02月30日,12345,1234,,", "年月日", "not a calendar date"),
    ("2026年4月,12345,1234,,", "年月日", "not a date"),
    ("令和元年4月1日,12345,1234,,", "年月日", "before the first day of 令和"),
    (",12345,1234,,", "年月日", "empty"),
    ("2026年04月01日,12a45,1234,,", "基準価額(円)", "not a number"),
    ("2026年04月01日,12345.5,1234,,", "基準価額(円)", "fractional part"),
    ("2026年04月01日,-12345,1234,,", "基準価額(円)", "negative"),
    ("2026年04月01日,0,1234,,", "基準価額(円)", "less than 1"),
    ("2026年04月01日,,1234,,", "基準価額(円)", "empty"),
    ("2026年04月01日,12345,-1234,,", "純資産総額(百万円)", "negative"),
    ("2026年04月01日,12345,1234.0000001,,", "純資産総額(百万円)", "not a whole number of yen"),
    ("2026年04月01日,12345,12百万,,", "純資産総額(百万円)", "not a number"),
    ("2026年04月01日,12345,1234,250,", "決算期", "empty, but the row has a distribution"),
    ("2026年04月01日,12345,1234,,12", "分配金", "empty, but the row has a fiscal period"),
    ("2026年04月01日,12345,1234,-5,12", "分配金", "negative"),
    ("2026年04月01日,12345,1234,2.5,12", "分配金", "fractional part"),
    ("2026年04月01日,12345,1234,250,第0期", "決算期", "less than 1"),
    ("2026年04月01日,12345,1234,250,twelve", "決算期", "not a fiscal period number"),
    ("2026年04月01日,12345,1234,,,surplus", "6", "beyond the header's 5 columns"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS, ids=[r for _, _, r in BAD_ROWS])
def test_read__each_bad_cell__row_column_reason(row: str, column: str, reason: str) -> None:
    good = "2026年03月31日,12300,1230,,"
    found = errors_of(cp932(good, row, good.replace("31日", "30日")))
    assert [(r, c) for r, c, _ in found] == [(3, column)], found
    assert reason in found[0][2]


def test_read__duplicate_date_and_period__name_the_first_row() -> None:
    found = errors_of(
        cp932(
            "2026年04月01日,12345,1234,,",
            "2026年04月15日,12150,1215,250,12",
            "2026年04月01日,12346,1234,,",
            "2026年10月15日,12150,1215,250,12",
        )
    )
    assert found == [
        (4, "年月日", "a second NAV of BP000000018 on 2026-04-01 (first at row 2)"),
        (5, "決算期", "a second distribution of BP000000018 for period 12 (first at row 3)"),
    ]


def test_read__several_bad_rows__every_one_listed() -> None:
    found = errors_of(
        cp932("2026-04-01,x,1,,", "2026-04-02,1,1,,", "bad,1,1,,", "2026-04-03,1,1,5,")
    )
    assert [(r, c) for r, c, _ in found] == [(2, "基準価額(円)"), (4, "年月日"), (5, "決算期")]


def test_read__header_faults__each_named_on_row_1() -> None:
    found = errors_of(
        cp932("2026-04-01,1,1,,", header="年月日,基準価額(円),純資産総額,分配金,分配金")
    )
    assert (1, "純資産総額", "not a column of this format") in found
    assert (1, "分配金", "repeated column") in found
    assert (1, "純資産総額(百万円)", "required column missing") in found
    assert (1, "決算期", "required column missing") in found


def test_read__empty_file__refused() -> None:
    assert errors_of(b"")[0][:2] == (1, "年月日")


def test_read__no_fund__refused_the_format_does_not_carry_it() -> None:
    with pytest.raises(ValidationError, match="does not carry the fund"):
        ita_csv.read(CANONICAL_ITA)
    with pytest.raises(ValidationError, match="wrong check character"):
        ita_csv.read(CANONICAL_ITA, fund="BP000000019")


def test_read__neither_cp932_nor_utf8__refused() -> None:
    with pytest.raises(ValidationError, match="not CP932 or UTF-8"):
        ita_csv.read(b"\x81\x7f\xff\xfe", fund=FUND)


def test_write__several_funds__refused_unless_one_is_chosen() -> None:
    full = full_dataset()
    with pytest.raises(ValidationError, match="holds one fund and the dataset has 2"):
        ita_csv.to_bytes(full)
    written = ita_csv.read(ita_csv.to_bytes(full, fund=FUND), fund=FUND)
    assert [n.date for n in written.navs] == [n.date for n in full.only(FUND).navs]
    with pytest.raises(ValidationError, match="holds no record of fund 0331418B"):
        ita_csv.to_bytes(full, fund="0331418B")


def test_write__drops_what_the_format_cannot_hold() -> None:
    mine = full_dataset().only(FUND)
    back = ita_csv.read(ita_csv.to_bytes(mine), fund=FUND)
    assert back.counts() == {
        "navs": 3,
        "distributions": 1,
        "non_application_days": 0,
        "management_reports": 0,
    }
    corrected = back.navs[1]
    assert corrected.nav_per_10000_units == 12350
    assert (corrected.version, corrected.units_outstanding, corrected.previous) == (1, None, None)


def test_write__distribution_without_a_nav_that_day__refused() -> None:
    dataset = Dataset(
        navs=[Nav(fund=FUND, date=date(2026, 4, 1), nav_per_10000_units=1, net_assets=1)],
        distributions=[
            Distribution(fund=FUND, date=date(2026, 4, 15), period=1, amount_per_10000_units=0)
        ],
    )
    with pytest.raises(ValidationError, match="no NAV on 2026-04-15"):
        ita_csv.to_bytes(dataset)


def test_write__net_assets_not_whole_millions__exact_decimal() -> None:
    dataset = Dataset(
        navs=[Nav(fund=FUND, date=date(2026, 4, 1), nav_per_10000_units=1, net_assets=1)]
    )
    written = ita_csv.to_bytes(dataset)
    assert written.endswith("2026年04月01日,1,0.000001,,\r\n".encode("cp932"))
    assert ita_csv.read(written, fund=FUND) == dataset
