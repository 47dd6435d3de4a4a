"""`bpost lending calc`: the exact output of a good run, and every bad input reported with its
file, row, column and reason, exit 1 and no output; no chain at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bpost_client.cli import main
from bpost_client.cli._context import Context
from tests.conftest import ROOT
from tests.e2e.conftest import run_process

NO_NODE = "http://127.0.0.1:9"
"""Nothing listens there: a command that reached for a chain would fail."""

AGREEMENTS = [
    "agreement_id,lender,borrower,security,currency,fee_rate_pct,collateral_rate_pct,day_count,"
    "days_counted,price_basis,rounding,dividend_rate_pct,minimum_fee",
    "JP-1,LENDER-A,BROKER-X,JP3633400001,JPY,0.50,0.10,ACT/365F,one_end,previous_close,period_truncate,"
    "100,",
    "JP-2,LENDER-A,BROKER-X,JP3633400001,JPY,0.50,0,ACT/365F,one_end,previous_close,daily_truncate,84.685,",
    "US-1,LENDER-B,BROKER-Y,US0378331005,USD,0.50,5.25,ACT/360,both_ends,same_day_close,period_half_up,"
    "100,25.00",
    "US-2,LENDER-B,BROKER-Y,US0378331005,USD,0.25,4.80,ACT/360,one_end,previous_close,period_half_up,100,",
    "JP-3,LENDER-A,BROKER-Z,JP3633400001,JPY,0.50,0,ACT/365F,one_end,previous_close,period_truncate,"
    "100,1000",
]
POSITIONS = [  # columns in another order, and one the command does not read
    "quantity,collateral,agreement_id,date,comment",
    "10000,21900000,JP-1,2026-04-01,",
    "10000,0,JP-2,2026-04-06,",
    "100,20000.00,US-1,2026-03-31,",
    "0,0,US-1,2026-04-09,returned",
    "50,12000.00,US-2,2026-04-01,",
    "1000,0,JP-3,2026-04-20,after the period",
]
PRICES = [
    "security,date,close",
    *(f"JP3633400001,2026-04-{d:02d},{c}" for d, c in [(3, 2000), (6, 2000), (7, 2000), (8, 2050)]),
    *(f"JP3633400001,2026-04-{d:02d},{c}" for d, c in [(9, 2050), (10, 2030)]),
    "US0378331005,2026-04-03,200.10",
    "US0378331005,2026-04-06,201.55",
    "US0378331005,2026-04-07,199.99",
    "US0378331005,2026-04-08,202.00",
    "US0378331005,2026-04-09,203.33",
    "US0378331005,2026-04-10,204.00",
]
DIVIDENDS = [
    "security,record_date,payment_date,amount_per_share",
    "JP3633400001,2026-04-09,2026-06-20,35",
    "US0378331005,2026-04-20,2026-05-15,0.26",
]
EXPECTED = """\
agreement_id,lender,borrower,currency,accrual_days,lending_fee,collateral_interest,dividend_equivalent,net_amount
JP-1,LENDER-A,BROKER-X,JPY,7,1939,420,350000,351519
JP-2,LENDER-A,BROKER-X,JPY,7,1935,0,296397,298332
US-1,LENDER-B,BROKER-Y,USD,4,25.00,8.75,0.00,16.25
US-2,LENDER-B,BROKER-Y,USD,7,0.49,11.20,0.00,-10.71
JP-3,LENDER-A,BROKER-Z,JPY,0,0,0,0,0
"""
"""Monday 6 to Sunday 12 April 2026. JP-1 and JP-2: docs/conventions.md's example (previous closes
2,000 x 3, 2,050 x 2, 2,030 x 2 over the weekend), 60 yen a day on 21.9M of collateral at 0.1%, and
35 yen of dividend on 10,000 shares at 100% and 84.685% (296,397.5). US-1: both ends, returned on
the 9th (4 days, 1.12 raised to the 25.00 minimum), 20,000 at 5.25% for 3 days. US-2: 0.4913...
of fee against 1.60 a day of interest; the US0378331005 (Apple) dividend is after the period.
JP-3: nothing."""


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def bpost(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `bpost` in-process with no node, failing any attempt to reach a chain."""

    def no_chain(*args: object, **kwargs: object) -> None:
        raise AssertionError("lending calc reached for a chain")

    monkeypatch.setattr(Context, "client", no_chain)

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(["--url", NO_NODE, "--deployments", "/nonexistent", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def files(tmp_path: Path) -> dict[str, list[str]]:
    """The lines of the four inputs, to change before :func:`calc` writes them."""
    return {
        "agreements": list(AGREEMENTS),
        "positions": list(POSITIONS),
        "prices": list(PRICES),
        "dividends": list(DIVIDENDS),
    }


def calc(
    bpost: Any,
    tmp_path: Path,
    files: dict[str, list[str]],
    *,
    start: str = "2026-04-06",
    end: str = "2026-04-12",
    bom: bool = False,
) -> tuple[Result, Path]:
    args = []
    for name, lines in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
        args += [f"--{name}", str(path)]
    out = tmp_path / "out.csv"
    return bpost("lending", "calc", *args, "--from", start, "--to", end, "--out", str(out)), out


def test_calc__good_files__exact_output_file(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    done, out = calc(bpost, tmp_path, files, bom=True)
    assert done.code == 0, done.err
    assert out.read_text(encoding="utf-8") == EXPECTED
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "agreements.csv",
        "dividends.csv",
        "out.csv",
        "positions.csv",
        "prices.csv",
    ], "a temporary file was left behind"


def test_calc__json__names_the_file_and_count(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    args = []
    for name, lines in files.items():
        (tmp_path / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        args += [f"--{name}", str(tmp_path / f"{name}.csv")]
    out = tmp_path / "result.csv"
    period = ("--from", "2026-04-06", "--to", "2026-04-12")
    done = bpost("--json", "lending", "calc", *args, *period, "--out", str(out))
    assert done.code == 0, done.err
    assert '"agreements": 5' in done.out
    assert out.read_text(encoding="utf-8") == EXPECTED


def test_calc__no_positions__rows_of_zeros(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    files["positions"] = POSITIONS[:1]
    done, out = calc(bpost, tmp_path, files, start="2027-01-01", end="2027-01-31")
    assert done.code == 0, done.err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [
        "JP-1,LENDER-A,BROKER-X,JPY,0,0,0,0,0",
        "JP-2,LENDER-A,BROKER-X,JPY,0,0,0,0,0",
        "US-1,LENDER-B,BROKER-Y,USD,0,0.00,0.00,0.00,0.00",
        "US-2,LENDER-B,BROKER-Y,USD,0,0.00,0.00,0.00,0.00",
        "JP-3,LENDER-A,BROKER-Z,JPY,0,0,0,0,0",
    ]


Change = Callable[[dict[str, list[str]]], None]


def cell(name: str, row: int, column: str, value: str) -> Change:
    """Set one cell of a file (row as in a spreadsheet: the header is row 1)."""

    def change(files: dict[str, list[str]]) -> None:
        header = files[name][0].split(",")
        cells = files[name][row - 1].split(",")
        cells[header.index(column)] = value
        files[name][row - 1] = ",".join(cells)

    return change


def drop_column(name: str, column: str) -> Change:
    def change(files: dict[str, list[str]]) -> None:
        at = files[name][0].split(",").index(column)
        rows = [line.split(",") for line in files[name]]
        files[name] = [",".join(c for i, c in enumerate(cells) if i != at) for cells in rows]

    return change


def add_row(name: str, line: str) -> Change:
    def change(files: dict[str, list[str]]) -> None:
        files[name].append(line)

    return change


def drop_row(name: str, row: int) -> Change:
    def change(files: dict[str, list[str]]) -> None:
        del files[name][row - 1]

    return change


BAD = {
    "bad number": (
        cell("agreements", 3, "fee_rate_pct", "abc"),
        3,
        "agreements.csv:fee_rate_pct",
        "bad number 'abc'",
    ),
    "number with an exponent": (
        cell("positions", 2, "collateral", "2.19e7"),
        2,
        "positions.csv:collateral",
        "bad number '2.19e7'",
    ),
    "unknown day count": (
        cell("agreements", 2, "day_count", "ACT/365"),
        2,
        "agreements.csv:day_count",
        "unknown day count 'ACT/365'",
    ),
    "unknown days counted": (
        cell("agreements", 2, "days_counted", "two_ends"),
        2,
        "agreements.csv:days_counted",
        "unknown days counted 'two_ends'",
    ),
    "unknown price basis": (
        cell("agreements", 4, "price_basis", "close"),
        4,
        "agreements.csv:price_basis",
        "unknown price basis 'close'",
    ),
    "unknown rounding": (
        cell("agreements", 5, "rounding", "bankers"),
        5,
        "agreements.csv:rounding",
        "unknown rounding 'bankers'",
    ),
    "unknown currency": (
        cell("agreements", 2, "currency", "JPN"),
        2,
        "agreements.csv:currency",
        "'JPN' is not an ISO 4217 currency code",
    ),
    "duplicate agreement id": (
        cell("agreements", 6, "agreement_id", "JP-1"),
        6,
        "agreements.csv:agreement_id",
        "duplicate agreement id 'JP-1' (first in row 2)",
    ),
    "minimum fee finer than the yen": (
        cell("agreements", 6, "minimum_fee", "999.5"),
        6,
        "agreements.csv:minimum_fee",
        "finer than JPY's 0",
    ),
    "negative minimum fee": (
        cell("agreements", 4, "minimum_fee", "-25"),
        4,
        "agreements.csv:minimum_fee",
        "negative minimum fee '-25'",
    ),
    "negative dividend rate": (
        cell("agreements", 2, "dividend_rate_pct", "-1"),
        2,
        "agreements.csv:dividend_rate_pct",
        "negative dividend rate",
    ),
    "empty lender": (cell("agreements", 2, "lender", ""), 2, "agreements.csv:lender", "empty"),
    "agreements missing column": (
        drop_column("agreements", "rounding"),
        1,
        "agreements.csv:rounding",
        "missing column",
    ),
    "agreements missing minimum_fee": (
        drop_column("agreements", "minimum_fee"),
        1,
        "agreements.csv:minimum_fee",
        "missing column",
    ),
    "bad position date": (
        cell("positions", 3, "date", "2026-02-30"),
        3,
        "positions.csv:date",
        "bad date '2026-02-30'",
    ),
    "negative quantity": (
        cell("positions", 4, "quantity", "-100"),
        4,
        "positions.csv:quantity",
        "negative quantity '-100'",
    ),
    "fractional quantity": (
        cell("positions", 4, "quantity", "10.5"),
        4,
        "positions.csv:quantity",
        "not a whole number",
    ),
    "negative collateral": (
        cell("positions", 2, "collateral", "-1"),
        2,
        "positions.csv:collateral",
        "negative collateral '-1'",
    ),
    "unknown agreement": (
        cell("positions", 7, "agreement_id", "XX-9"),
        7,
        "positions.csv:agreement_id",
        "unknown agreement 'XX-9'",
    ),
    "duplicate position date": (
        add_row("positions", "5,0,JP-1,2026-04-01,"),
        8,
        "positions.csv:date",
        "duplicate position date 2026-04-01 of 'JP-1' (first in row 2)",
    ),
    "positions missing column": (
        drop_column("positions", "collateral"),
        1,
        "positions.csv:collateral",
        "missing column",
    ),
    "bad close": (cell("prices", 3, "close", "n/a"), 3, "prices.csv:close", "bad number 'n/a'"),
    "zero close": (cell("prices", 3, "close", "0"), 3, "prices.csv:close", "not positive"),
    "bad price date": (
        cell("prices", 2, "date", "20260432"),
        2,
        "prices.csv:date",
        "bad date '20260432'",
    ),
    "duplicate close": (
        add_row("prices", "JP3633400001,2026-04-06,2001"),
        14,
        "prices.csv:date",
        "duplicate close of 'JP3633400001' on 2026-04-06 (first in row 3)",
    ),
    "prices missing column": (
        drop_column("prices", "security"),
        1,
        "prices.csv:security",
        "missing column",
    ),
    "bad dividend amount": (
        cell("dividends", 2, "amount_per_share", "35yen"),
        2,
        "dividends.csv:amount_per_share",
        "bad number '35yen'",
    ),
    "negative dividend amount": (
        cell("dividends", 3, "amount_per_share", "-0.26"),
        3,
        "dividends.csv:amount_per_share",
        "negative amount per share",
    ),
    "bad record date": (
        cell("dividends", 2, "record_date", "April 9"),
        2,
        "dividends.csv:record_date",
        "bad date 'April 9'",
    ),
    "payment before record": (
        cell("dividends", 2, "payment_date", "2026-04-01"),
        2,
        "dividends.csv:payment_date",
        "before the record date",
    ),
    "dividends missing column": (
        drop_column("dividends", "payment_date"),
        1,
        "dividends.csv:payment_date",
        "missing column",
    ),
    "missing price": (
        drop_row("prices", 2),
        2,
        "positions.csv:quantity",
        "missing price: JP-1 accrues on 2026-04-06 but prices.csv has no close of "
        "'JP3633400001' before that day (previous_close)",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_calc__bad_input__file_row_column_reason_exit_1_no_output(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]], case: str
) -> None:
    change, row, column, reason = BAD[case]
    change(files)
    done, out = calc(bpost, tmp_path, files)
    assert done.code == 1, f"{case}: exit {done.code}, {done.err}"
    assert f"row {row}, column {column}: " in done.err, done.err
    assert reason in done.err, done.err
    assert not out.exists(), f"{case}: output written"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_calc__no_close_for_the_return_day__reported_on_the_row_that_accrues(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    """US-1 (both ends, same-day close) is returned on the 9th, the first day of the period, and
    Apple's (US0378331005) first close is on the 10th: the 9th accrues on row 4's 100 shares, not
    row 5's 0."""
    files["prices"] = [line for line in PRICES if not line.startswith("US0378331005,2026-04-0")]
    done, out = calc(bpost, tmp_path, files, start="2026-04-09")
    assert done.code == 1
    assert (
        "row 4, column positions.csv:quantity: missing price: US-1 accrues on 2026-04-09 but "
        "prices.csv has no close of 'US0378331005' on or before that day (same_day_close)"
    ) in done.err, done.err
    assert (
        "row 6, column positions.csv:quantity: missing price: US-2 accrues on 2026-04-09 "
        "(and 1 later day(s)) but prices.csv has no close of 'US0378331005' before that day"
    ) in done.err, done.err
    assert not out.exists()


def test_calc__bad_input_and_an_earlier_output__earlier_output_left_as_it_was(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    (tmp_path / "out.csv").write_text("earlier\n", encoding="utf-8")
    cell("positions", 4, "quantity", "-100")(files)
    done, out = calc(bpost, tmp_path, files)
    assert done.code == 1
    assert out.read_text(encoding="utf-8") == "earlier\n"


def test_calc__several_bad_values__every_one_reported(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    for change in (
        cell("agreements", 2, "currency", "JPN"),
        cell("positions", 4, "quantity", "-100"),
        cell("prices", 3, "close", "x"),
        cell("dividends", 2, "record_date", "x"),
    ):
        change(files)
    done, _ = calc(bpost, tmp_path, files)
    assert done.code == 1
    for where in (
        "row 2, column agreements.csv:currency",
        "row 4, column positions.csv:quantity",
        "row 3, column prices.csv:close",
        "row 2, column dividends.csv:record_date",
    ):
        assert where in done.err, done.err


def test_calc__unquoted_decimal_comma__its_row_named_with_the_other_bad_cells(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    cell("agreements", 3, "fee_rate_pct", "0,25")(files)  # a comma: one cell more in row 3
    cell("agreements", 5, "currency", "JPN")(files)
    cell("prices", 4, "close", "x")(files)
    done, out = calc(bpost, tmp_path, files)
    assert done.code == 1 and not out.exists()
    assert "Traceback" not in done.err and "tokeniz" not in done.err, done.err
    for line in (
        "row 3, column agreements.csv:(whole row): 14 cells where the header has 13: a comma "
        'inside a value? write 0.25 rather than 0,25, or quote the value ("0,25")',
        "row 5, column agreements.csv:currency: 'JPN' is not an ISO 4217 currency code",
        "row 4, column prices.csv:close",
    ):
        assert line in done.err, done.err
    assert "row 3, column agreements.csv:fee" not in done.err, "its cells are not read"


def test_calc__security_not_an_isin__named_not_left_without_a_mark_price(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]]
) -> None:
    cell("agreements", 2, "security", "JP3633400002")(files)  # a wrong check digit
    done, _ = calc(bpost, tmp_path, files)
    assert done.code == 1
    assert "row 2, column agreements.csv:security: 'JP3633400002'" in done.err, done.err
    assert "check digit" in done.err and "mark price" not in done.err


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("2026-04-31", "2026-05-01", "--from"),
        ("2026-04-06", "tomorrow", "--to"),
        ("2026-04-12", "2026-04-06", "before --from"),
    ],
)
def test_calc__bad_period__exit_1_no_output(
    bpost: Any, tmp_path: Path, files: dict[str, list[str]], start: str, end: str, reason: str
) -> None:
    done, out = calc(bpost, tmp_path, files, start=start, end=end)
    assert done.code == 1
    assert reason in done.err
    assert not out.exists()


def test_calc__missing_input_file__names_it_exit_1(bpost: Any, tmp_path: Path) -> None:
    inputs = [(f"--{n}", str(tmp_path / f"{n}.csv")) for n in ("positions", "prices")]
    done = bpost(
        "lending",
        "calc",
        *("--agreements", str(tmp_path / "nowhere.csv")),
        *(arg for pair in inputs for arg in pair),
        *("--from", "2026-04-06", "--to", "2026-04-12", "--out", str(tmp_path / "out.csv")),
    )
    assert done.code == 1
    assert "nowhere.csv" in done.err
    assert not (tmp_path / "out.csv").exists()


DEMO = ROOT / "config" / "demo-lending"
DEMO_INPUTS = tuple(
    arg
    for name in ("agreements", "positions", "prices", "dividends")
    for arg in (f"--{name}", str(DEMO / f"{name}.csv"))
)
"""The demo's files, whose closes end on 2026-09-30."""


def test_calc__demo_files_in_january__closes_over_31_days_old_refused(
    bpost: Any, tmp_path: Path
) -> None:
    """January 2027 would be marked with the closes of 30 September 2026, 93 days older than
    its first day: refused, naming each security and day, unless --max-price-age allows it;
    the demo's own period (September 2026, as `make demo` runs it) is marked day by day."""
    january = ("--from", "2027-01-01", "--to", "2027-01-31")
    out = tmp_path / "january.csv"
    refused = run_process("bpost", "lending", "calc", *DEMO_INPUTS, *january, "--out", str(out))
    assert refused.code == 1, refused.out
    for row, agreement, security in (
        (5, "SBL-2026-001", "JP3633400001"),
        (9, "SBL-2026-003", "US4592001014"),
    ):
        assert (
            f"row {row}, column positions.csv:quantity: stale price: {agreement} accrues on "
            f"2027-01-01 (and 30 later day(s)) but the close of '{security}' on 2026-09-30, the "
            "latest in prices.csv before that day, is 93 days older than 2027-01-01, over the "
            "31-day window; --max-price-age changes it"
        ) in refused.err, refused.err
    assert "SBL-2026-002" not in refused.err, "returned on 1 October: nothing accrues"
    assert not out.exists()

    allowed = run_process(
        "bpost",
        "lending",
        "calc",
        *DEMO_INPUTS,
        *january,
        "--max-price-age",
        "200",
        "--out",
        str(out),
    )
    assert allowed.code == 0, allowed.err
    rows = out.read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[4] for r in rows[1:]] == ["31", "0", "31"], "accrual days"

    september = ("--from", "2026-09-01", "--to", "2026-09-30", "--out", str(out))
    assert bpost("lending", "calc", *DEMO_INPUTS, *september).code == 0
