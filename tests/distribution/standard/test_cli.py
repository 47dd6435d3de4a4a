"""`bpost distribution convert`: every pair of formats, exit codes, errors; no chain at all."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from bpost_client.cli import main
from bpost_client.distribution.standard import FORMATS
from bpost_client.distribution.standard.convert import read, write
from tests.distribution.standard.samples import CANONICAL_ITA, FUND, full_dataset, ita_dataset

NO_NODE = "http://127.0.0.1:9"
"""Nothing listens there: a command that reached for a chain would fail."""
SUFFIX = {"ita-csv": ".csv", "csv": ".csv", "xml": ".xml", "json": ".json"}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def bpost(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run `bpost` in-process, pointed at no node and no deployment."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(["--url", NO_NODE, "--deployments", "/nonexistent", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def converting(source: str, target: str, *rest: str) -> list[str]:
    return ["distribution", "convert", "--from", source, "--to", target, *rest]


@pytest.mark.parametrize(("source", "target"), list(product(FORMATS, FORMATS)))
def test_convert__every_pair__exit_0_and_same_dataset(
    bpost: Any, tmp_path: Path, source: str, target: str
) -> None:
    given = tmp_path / f"in{SUFFIX[source]}"
    write(ita_dataset(), given, source)
    out = tmp_path / f"out{SUFFIX[target]}"
    done = bpost("--json", *converting(source, target, "--fund", FUND, str(given), str(out)))
    assert done.code == 0, done.err
    assert json.loads(done.out) == {
        "file": str(out),
        "format": target,
        "funds": 1,
        "navs": 6,
        "distributions": 1,
        "non_application_days": 0,
        "management_reports": 0,
        "dropped": {},
    }
    assert read(out, target, fund=FUND) == ita_dataset()


def test_convert__ita_csv_to_xml_and_back__same_bytes(bpost: Any, tmp_path: Path) -> None:
    csv_in, xml, csv_out = (str(tmp_path / n) for n in ("fund.csv", "fund.xml", "back.csv"))
    Path(csv_in).write_bytes(CANONICAL_ITA)
    first = bpost(*converting("ita-csv", "xml", "--fund", FUND, csv_in, xml))
    assert first.code == 0, first.err
    back = bpost(*converting("xml", "ita-csv", xml, csv_out))
    assert back.code == 0, back.err
    assert Path(csv_out).read_bytes() == CANONICAL_ITA


def test_convert__text_output__says_what_the_target_drops(bpost: Any, tmp_path: Path) -> None:
    write(full_dataset(), tmp_path / "all.xml", "xml")
    done = bpost(*converting("xml", "csv", str(tmp_path / "all.xml"), str(tmp_path / "out.csv")))
    assert done.code == 0, done.err
    assert "dropped               4 non_application_days, 1 management_reports, 2 corrections" in (
        done.out
    )


def test_convert__bad_file__exit_1_every_bad_row_and_nothing_written(
    bpost: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(CANONICAL_ITA.replace(b"12345", b"-12345").replace(b"1240,,", b"1240,100,"))
    target = tmp_path / "out.json"
    done = bpost(*converting("ita-csv", "json", "--fund", FUND, str(bad), str(target)))
    assert done.code == 1
    assert done.err.splitlines() == [
        f"error: {bad}: the ITA CSV has bad rows",
        "  row 2, column 基準価額(円): negative",
        "  row 5, column 決算期: empty, but the row has a distribution (分配金)",
    ]
    assert done.out == ""
    assert not target.exists()


def test_convert__bad_file__existing_target_unchanged(bpost: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"spec_version": "1.0.0", "navs": [{"fund": "BP000000019"}]}')
    target = tmp_path / "out.xml"
    target.write_text("keep me")
    done = bpost(*converting("json", "xml", str(bad), str(target)))
    assert done.code == 1
    lines = done.err.splitlines()
    assert lines[0] == f"error: {bad}: the JSON has bad records"
    assert "  row 1, column navs.fund: 'BP000000019' has a wrong check character" in lines
    assert "  row 1, column navs.date: missing" in lines
    assert target.read_text() == "keep me"


def test_convert__ita_csv_without_fund__usage_error(bpost: Any, tmp_path: Path) -> None:
    (tmp_path / "fund.csv").write_bytes(CANONICAL_ITA)
    done = bpost(*converting("ita-csv", "xml", str(tmp_path / "fund.csv"), str(tmp_path / "x")))
    assert done.code == 2
    assert "--fund is required with --from ita-csv: the format does not carry the fund" in done.err
    assert not (tmp_path / "x").exists()


def test_convert__several_funds_to_ita_csv__refused_or_limited(bpost: Any, tmp_path: Path) -> None:
    write(full_dataset(), tmp_path / "all.json", "json")
    args = [str(tmp_path / "all.json"), str(tmp_path / "one.csv")]
    refused = bpost(*converting("json", "ita-csv", *args))
    assert refused.code == 1
    assert "holds one fund and the dataset has 2" in refused.err
    assert not (tmp_path / "one.csv").exists()
    limited = bpost(*converting("json", "ita-csv", "--fund", FUND, *args))
    assert limited.code == 0, limited.err
    assert read(tmp_path / "one.csv", "ita-csv", fund=FUND).funds() == [FUND]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "pdf", "--to", "xml", "a", "b"], "'pdf' is not one of"),
        (["--from", "xml", "--to", "xml", "absent.xml", "b"], "does not exist"),
        (["--to", "xml", __file__, "b"], "Missing option '--from'"),
    ],
)
def test_convert__bad_arguments__usage_error(
    bpost: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    done = bpost("distribution", "convert", *args)
    assert done.code == 2
    assert message in done.err


def test_distribution_group__help__names_use_case_2(bpost: Any) -> None:
    done = bpost("distribution", "--help")
    assert done.code == 0
    assert "Use case 2: investment-trust distribution data" in done.out
    assert "convert" in done.out
