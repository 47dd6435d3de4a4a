"""Conversion between formats: read all, check, write atomically; a bad source writes nothing."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest

from bpost_client.distribution.standard import FORMATS, convert
from bpost_client.distribution.standard.convert import dropped, read, write
from bpost_client.exceptions import ValidationError
from tests.distribution.standard.samples import CANONICAL_ITA, FUND, full_dataset, ita_dataset

SUFFIX = {"ita-csv": ".csv", "csv": ".csv", "xml": ".xml", "json": ".json"}


def source_file(tmp_path: Path, fmt: str) -> Path:
    path = tmp_path / f"source{SUFFIX[fmt]}"
    write(ita_dataset(), path, fmt)
    return path


@pytest.mark.parametrize(("source", "target"), list(product(FORMATS, FORMATS)))
def test_convert__every_pair__same_dataset(tmp_path: Path, source: str, target: str) -> None:
    path = source_file(tmp_path, source)
    out = tmp_path / f"out{SUFFIX[target]}"
    assert convert(path, out, source, target, fund=FUND) == ita_dataset()
    assert read(out, target, fund=FUND) == ita_dataset()


def test_convert__ita_csv_to_xml_to_ita_csv__exact_bytes(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(CANONICAL_ITA)
    convert(tmp_path / "in.csv", tmp_path / "mid.xml", "ita-csv", "xml", fund=FUND)
    convert(tmp_path / "mid.xml", tmp_path / "out.csv", "xml", "ita-csv")
    assert (tmp_path / "out.csv").read_bytes() == CANONICAL_ITA


def test_convert__full_dataset_through_json_and_xml__nothing_lost(tmp_path: Path) -> None:
    write(full_dataset(), tmp_path / "a.json", "json")
    convert(tmp_path / "a.json", tmp_path / "b.xml", "json", "xml")
    convert(tmp_path / "b.xml", tmp_path / "c.json", "xml", "json")
    assert read(tmp_path / "c.json", "json") == full_dataset()
    assert (tmp_path / "c.json").read_bytes() == (tmp_path / "a.json").read_bytes()


def test_convert__bad_source__target_absent(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(CANONICAL_ITA.replace(b"12345", b"-12345"))
    with pytest.raises(ValidationError, match="bad rows"):
        convert(bad, tmp_path / "out.xml", "ita-csv", "xml", fund=FUND)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_convert__bad_source__existing_target_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous content")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE x>\n<x/>')
    with pytest.raises(ValidationError, match="DOCTYPE"):
        convert(bad, target, "xml", "json")
    assert target.read_text() == "previous content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xml", "out.json"]


def test_convert__target_cannot_express_it__nothing_written(tmp_path: Path) -> None:
    write(full_dataset(), tmp_path / "a.json", "json")
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with pytest.raises(ValidationError, match="holds one fund"):
        convert(tmp_path / "a.json", target, "json", "ita-csv")
    assert target.read_bytes() == b"old"


def test_convert__good_source__replaces_existing_target_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    convert(source_file(tmp_path, "json"), target, "json", "ita-csv")
    assert target.read_bytes() == CANONICAL_ITA
    assert target.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_convert__missing_directory__refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot write"):
        convert(source_file(tmp_path, "json"), tmp_path / "no" / "out.xml", "json", "xml")
    with pytest.raises(ValidationError, match="cannot read"):
        convert(tmp_path / "absent.json", tmp_path / "out.xml", "json", "xml")


def test_convert__unknown_format__refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown format 'xlsx'"):
        convert(source_file(tmp_path, "json"), tmp_path / "out", "json", "xlsx")


def test_dropped__each_format__counts_what_it_cannot_hold() -> None:
    full = full_dataset()
    assert dropped(full, "json") == {}
    assert dropped(full, "xml") == {}
    assert dropped(full, "csv") == {
        "non_application_days": 4,
        "management_reports": 1,
        "corrections": 2,
    }
    assert dropped(full, "ita-csv") == {
        "non_application_days": 4,
        "management_reports": 1,
        "units_outstanding": 3,
        "corrections": 2,
    }
