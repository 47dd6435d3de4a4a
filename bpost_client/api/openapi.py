"""Write the OpenAPI description of the HTTP interface: ``python -m bpost_client.api.openapi
docs/spec/openapi.json``. The text is deterministic (sorted keys, two-space indent, a trailing
newline), so the committed file is checked against it by a test."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bpost_client.api.app import openapi_document

__all__ = ["main", "openapi_text"]


def openapi_text() -> str:
    """The OpenAPI description as the text of ``docs/spec/openapi.json``."""
    return json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the description to the one path given."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bpost_client.api.openapi OUT.json", file=sys.stderr)
        return 2
    Path(args[0]).write_text(openapi_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
