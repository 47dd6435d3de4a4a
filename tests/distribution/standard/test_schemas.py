"""The JSON Schemas of docs/spec validate what the JSON writer produces and reject broken records;
where both judge a record, the schemas and the reader agree."""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.records import RECORD_KINDS
from bpost_client.exceptions import ValidationError
from tests.conftest import ROOT
from tests.distribution.standard.samples import full_dataset
from tests.distribution.standard.test_standard_json import spec_example

SCHEMAS = ROOT / "docs" / "spec" / "schemas"
KINDS = ["nav", "distribution", "non_application_day", "management_report"]


def load(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return schema


def validator() -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (load(name)["$id"], Resource.from_contents(load(name))) for name in [*KINDS, "dataset"]
    )
    return Draft202012Validator(load("dataset"), registry=registry)


def problems(document: Any) -> list[str]:
    return [e.message for e in validator().iter_errors(document)]


def written() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(standard_json.to_bytes(full_dataset()))
    return document


@pytest.mark.parametrize("name", [*KINDS, "dataset"])
def test_schema__is_draft_2020_12_with_urn_id(name: str) -> None:
    schema = load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:bpost:distribution:1.1:{name}"
    assert schema["title"].endswith("(B-POST distribution data 1.1.0)")


def test_schema__kinds__match_the_records() -> None:
    for kind in RECORD_KINDS:
        properties = load(kind.KIND)["properties"]
        fields = {"fund", *kind.KEY, *(s.name for s in kind.FIELDS)}
        assert set(properties) == fields | {"version", "correction_reason", "previous"}, kind
        previous = properties["previous"]["oneOf"][0]["properties"]
        assert set(previous) == {s.name for s in kind.FIELDS}, kind


def test_schema__writer_output__valid() -> None:
    assert problems(written()) == []


def test_schema__spec_example__valid() -> None:
    assert problems(spec_example()) == []


def broken(list_name: str, index: int, **changes: Any) -> dict[str, Any]:
    document = deepcopy(written())
    record = document[list_name][index]
    for key, value in changes.items():
        if value is ...:
            record.pop(key)
        else:
            record[key] = value
    return document


BROKEN = [
    ("missing field", broken("navs", 0, net_assets=...)),
    ("float", broken("navs", 0, nav_per_10000_units=12345.5)),
    ("negative", broken("navs", 0, net_assets=-1)),
    ("date form", broken("navs", 0, date="2026/04/01")),
    ("fund code form", broken("navs", 0, fund="BP-1")),
    ("unknown field", broken("navs", 0, price=1)),
    ("correction without previous", broken("navs", 3, previous=...)),
    ("correction without reason", broken("navs", 3, correction_reason=...)),
    ("original with previous", broken("navs", 0, previous={"net_assets": 1})),
    ("previous unknown field", broken("navs", 3, previous={"date": "2026-01-01"})),
    ("previous empty", broken("navs", 3, previous={})),
    ("period 0", broken("distributions", 0, period=0)),
    ("holiday without market", broken("non_application_days", 2, market=...)),
    ("unknown reason", broken("non_application_days", 0, reason="weekend")),
    ("bad MIC", broken("non_application_days", 2, market="nyse")),
    ("original cancelled", broken("non_application_days", 0, cancelled=True)),
    ("cancelled not a boolean", broken("non_application_days", 3, cancelled="true")),
    ("previous cancelled null", broken("non_application_days", 3, previous={"cancelled": None})),
    (
        "cancelling version 2 without previous cancelled",
        broken("non_application_days", 3, previous={"note": "year-end"}),
    ),
    (
        "version 2 replacing a cancelled original",
        broken("non_application_days", 2, previous={"cancelled": True}),
    ),
    ("1.0.0 file with cancelled", dict(broken("non_application_days", 3), spec_version="1.0.0")),
    ("bad hash", broken("management_reports", 0, content_hash="0x" + "A" * 64)),
    ("bad location", broken("management_reports", 0, location="reports/12.pdf")),
    ("bad format", broken("management_reports", 0, format="PDF")),
]


@pytest.mark.parametrize(("what", "document"), BROKEN, ids=[w for w, _ in BROKEN])
def test_schema__broken_record__rejected_by_schema_and_reader(
    what: str, document: dict[str, Any]
) -> None:
    assert problems(document), f"the schema should reject: {what}"
    with pytest.raises(ValidationError):
        standard_json.read(json.dumps(document).encode())


def version_1_0_0(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` as a 1.0.0 file: no cancelled day (1.0.0 cannot say it)."""
    old = deepcopy(document)
    old["spec_version"] = "1.0.0"
    old["non_application_days"] = [d for d in old["non_application_days"] if "cancelled" not in d]
    return old


def test_schema__version_1_0_0_file__valid() -> None:
    old = version_1_0_0(written())
    assert problems(old) == []
    assert len(standard_json.read(json.dumps(old).encode())) == len(full_dataset()) - 1


def test_schema__cancelled_day__valid_without_market_and_when_restored() -> None:
    restored = {"version": 3, "cancelled": ..., "previous": {"cancelled": True}}
    for document in (
        broken("non_application_days", 3, market=...),
        broken("non_application_days", 3, **restored),
        broken("non_application_days", 0, cancelled=None),
    ):
        assert problems(document) == []
        standard_json.read(json.dumps(document).encode())  # the reader agrees


def test_schema__broken_document__rejected() -> None:
    assert problems({"spec_version": "2.0.0"})
    assert problems({"spec_version": "1.2.0"})
    assert problems({"navs": []})
    assert problems({"spec_version": "1.0.0", "prices": []})
    assert problems({"spec_version": "1.0.0", "navs": [{"fund": "0331418A"}]})
