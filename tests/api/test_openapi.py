"""The OpenAPI description in the spec is the one the app generates."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI

from bpost_client.api.openapi import main, openapi_text
from bpost_client.distribution.standard.records import SPEC_VERSION
from tests.conftest import ROOT

COMMITTED = ROOT / "docs" / "spec" / "openapi.json"


def test_openapi__committed_file__what_the_app_generates(app: FastAPI) -> None:
    generated = json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert COMMITTED.read_text("utf-8") == generated, (
        "docs/spec/openapi.json is stale: run python -m bpost_client.api.openapi "
        "docs/spec/openapi.json"
    )
    assert openapi_text() == generated, "the app without a chain describes the same interface"


def test_openapi__title_version_and_bearer_on_every_data_path() -> None:
    document = json.loads(openapi_text())
    assert document["info"]["title"] == "B-POST distribution data API"
    assert document["info"]["version"] == SPEC_VERSION
    for path, operations in document["paths"].items():
        for operation in operations.values():
            secured = operation.get("security") == [{"bearer": []}]
            assert secured == (not path.startswith("/auth/")), f"{path}: bearer only off /auth"


def test_openapi__module__writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert main([str(target)]) == 0
    assert target.read_text("utf-8") == openapi_text()
