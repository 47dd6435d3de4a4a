"""The sources packaged beside the ABIs (``bpost_client/abi/<Name>.sources.json``, written by
``make abi``) are those of the build: every file each contract was compiled from, the build's
runtime code by size and hash, and the positions of its immutable values."""

from __future__ import annotations

import json
import re

import pytest
from eth_utils.crypto import keccak

from bpost_client.contracts import (
    DEPLOYED_CONTRACTS,
    build_sources,
    load_sources,
    masked_code_hash,
    strip_metadata,
)
from tests.conftest import BUILD

STALE = "is stale: run 'make abi'"


@pytest.fixture(scope="module")
def built() -> dict[str, object]:
    return dict(build_sources(BUILD))


def runtime_of(name: str) -> bytes:
    code = json.loads(BUILD.read_text())["contractTypes"][name]["runtimeBytecode"]["bytecode"]
    return bytes.fromhex(code.removeprefix("0x"))


@pytest.mark.parametrize("name", DEPLOYED_CONTRACTS)
def test_packaged_sources__equal_the_build(name: str, built: dict[str, object]) -> None:
    packaged = load_sources(name)
    assert packaged is not None, f"bpost_client/abi/{name}.sources.json is missing: run 'make abi'"
    fresh = built[name]
    for field in ("source_id", "compiler", "sources", "runtime_size", "runtime_keccak"):
        assert getattr(packaged, field) == getattr(fresh, field), f"{name}.sources.json {STALE}"
    assert packaged.source_id in packaged.sources
    code = runtime_of(name)
    assert (packaged.runtime_size, packaged.runtime_keccak) == (
        len(code),
        "0x" + keccak(code).hex(),
    )


@pytest.mark.parametrize("name", DEPLOYED_CONTRACTS)
def test_packaged_sources__every_import_included(name: str) -> None:
    packaged = load_sources(name)
    assert packaged is not None
    for unit, text in packaged.sources.items():
        for imported in re.findall(r'^import\s+[^;]*?"([^"]+)";', text, re.M | re.S):
            if imported.startswith("."):
                base = unit.rsplit("/", 1)[0]
                for part in imported.split("/"):
                    if part == "..":
                        base = base.rsplit("/", 1)[0]
                    elif part != ".":
                        base = f"{base}/{part}"
                imported = base
            assert imported in packaged.sources, f"{unit} imports {imported}, not packaged"


@pytest.mark.parametrize("name", DEPLOYED_CONTRACTS)
def test_immutable_positions__known_inside_the_code_zero_in_the_build(name: str) -> None:
    packaged = load_sources(name)
    assert packaged is not None and packaged.immutables is not None, (
        f"{name}: the export could not recompile it to find its immutable positions"
    )
    code = runtime_of(name)
    body = strip_metadata(code)
    for piece in packaged.immutables:
        assert piece.start + piece.length <= len(body), "inside the code, before the metadata"
        assert code[piece.start : piece.start + piece.length] == bytes(piece.length)
    declares = any(
        re.search(r"\bimmutable\s+\w+\s*[;=]", text) for text in packaged.sources.values()
    )
    assert bool(packaged.immutables) == declares, "positions exactly where immutables exist"
    assert masked_code_hash(code, packaged.immutables) == packaged.runtime_keccak


def test_masked_code_hash__only_the_immutable_bytes_ignored() -> None:
    packaged = load_sources("FundRegistry")
    assert packaged is not None and packaged.immutables
    code = bytearray(runtime_of("FundRegistry"))
    first = packaged.immutables[0]
    code[first.start + first.length - 20 : first.start + first.length] = b"\x11" * 20
    assert masked_code_hash(bytes(code), packaged.immutables) == packaged.runtime_keccak
    code[first.start + first.length] ^= 0xFF  # the byte just after: real code
    assert masked_code_hash(bytes(code), packaged.immutables) != packaged.runtime_keccak
