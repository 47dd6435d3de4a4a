"""The contracts' ABIs packaged with the client, their digests, and their custom errors; and
the Solidity sources each deployed contract was compiled from.

The ABIs under ``bpost_client/abi/`` are exported from the compiled contracts with
``make abi`` (``python -m bpost_client.contracts export .build/__local__.json``); a test fails
when they differ from a fresh compile. Institutions use the client with these files alone: no
compiler and no Ape.

The same export writes ``<Name>.sources.json`` beside each ABI: the contract's source file and
every file it imports (the project's from the build manifest, libraries' from ``node_modules``),
the compiler and its settings, and what it takes to check the code at a deployed address against
the compiled runtime code: that code's size and keccak256, and the positions of its
``immutable`` values (the constructor writes those into the code at deployment, so a comparison
masks them). Ape's build manifest does not keep solc's ``immutableReferences``; the export
compiles the sources once more with the project's solc to read them, and keeps them only when
that compile gives the build's runtime code byte for byte (the metadata trailer aside).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

__all__ = [
    "DEPLOYED_CONTRACTS",
    "Artifact",
    "CodeRange",
    "ContractSources",
    "ErrorSpec",
    "abi_digest",
    "build_sources",
    "custom_error_names",
    "error_specs",
    "export_abis",
    "export_sources",
    "immutable_references",
    "load_abi",
    "load_build_artifacts",
    "load_sources",
    "masked_code_hash",
    "strip_metadata",
]

DEPLOYED_CONTRACTS: tuple[str, ...] = (
    "PlatformAccess",
    "ParticipantRegistry",
    "Mandates",
    "CodeRegistry",
    "FundRegistry",
    "SsiRegistry",
    "CorporateRegistry",
    "MarketCalendar",
    "SecurityRegistry",
    "PriceFeed",
    "DividendRegistry",
    "DistributionRegistry",
    "FundNotices",
    "Subscriptions",
    "LendingAgreements",
    "LendingCalculator",
    "LendingPairs",
    "LendingStatements",
    "KeyRewraps",
    "ConsensusValidators",
    "PlatformTimelock",
    "ConsortiumApprovals",
)
"""The contracts a deployment holds, in the order they are deployed."""

Abi = list[dict[str, Any]]


@dataclass(frozen=True)
class Artifact:
    """What deploying a contract takes: its ABI and creation bytecode."""

    name: str
    abi: Abi
    bytecode: bytes
    runtime_size: int


@dataclass(frozen=True)
class ErrorSpec:
    """A custom error: its name and its arguments' names and ABI types."""

    name: str
    names: tuple[str, ...]
    types: tuple[str, ...]
    internal_types: tuple[str, ...] = ()
    """The Solidity types (``enum IFundRegistry.RequestState``), for showing values by name."""


@cache
def load_abi(name: str) -> Abi:
    """The packaged ABI of contract ``name``."""
    text = resources.files("bpost_client.abi").joinpath(f"{name}.json").read_text("utf-8")
    abi: Abi = json.loads(text)
    return abi


def abi_digest(abi: Abi) -> str:
    """keccak256 of the ABI as canonical JSON (sorted keys, no spaces), 0x-prefixed."""
    canonical = json.dumps(abi, sort_keys=True, separators=(",", ":"))
    return "0x" + keccak(text=canonical).hex()


def _type_string(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        inner = ",".join(_type_string(c) for c in item["components"])
        return f"({inner}){item['type'][5:]}"
    return str(item["type"])


@cache
def error_specs() -> dict[bytes, ErrorSpec]:
    """Every custom error of the deployed contracts, by its 4-byte selector."""
    specs: dict[bytes, ErrorSpec] = {}
    for contract in DEPLOYED_CONTRACTS:
        for item in load_abi(contract):
            if item.get("type") != "error":
                continue
            types = tuple(_type_string(i) for i in item["inputs"])
            selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
            names = tuple(i["name"] or f"arg{n}" for n, i in enumerate(item["inputs"]))
            internal = tuple(str(i.get("internalType", "")) for i in item["inputs"])
            specs[selector] = ErrorSpec(item["name"], names, types, internal)
    return specs


def custom_error_names() -> frozenset[str]:
    """The names of every custom error the client can raise as an exception class."""
    return frozenset(spec.name for spec in error_specs().values())


def load_build_artifacts(build_manifest: Path) -> dict[str, Artifact]:
    """The deployable contracts of an Ape build manifest (``.build/__local__.json``).

    Raises:
        FileNotFoundError: the project was not compiled (run ``make build``).
    """
    data = json.loads(Path(build_manifest).read_text("utf-8"))
    artifacts = {}
    for name in DEPLOYED_CONTRACTS:
        contract = data["contractTypes"][name]
        code = contract["deploymentBytecode"]["bytecode"]
        runtime = contract["runtimeBytecode"]["bytecode"]
        artifacts[name] = Artifact(
            name=name,
            abi=contract["abi"],
            bytecode=bytes.fromhex(code.removeprefix("0x")),
            runtime_size=len(bytes.fromhex(runtime.removeprefix("0x"))),
        )
    return artifacts


def export_abis(build_manifest: Path, target: Path) -> list[Path]:
    """Write the ABI of each deployed contract from a build manifest into ``target``."""
    written = []
    for name, artifact in load_build_artifacts(build_manifest).items():
        path = target / f"{name}.json"
        path.write_text(json.dumps(artifact.abi, indent=1, sort_keys=True) + "\n", "utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class CodeRange:
    """Bytes ``start`` to ``start + length`` of a contract's runtime code."""

    start: int
    length: int


@dataclass(frozen=True)
class ContractSources:
    """What a deployed contract was compiled from, and what its runtime code must be.

    Attributes:
        name: the contract.
        source_id: its own source file, e.g. ``contracts/FundRegistry.sol``.
        compiler: the compiler's name, version and settings (optimizer, EVM version).
        sources: every source file it was compiled from, by import path, with its text.
        runtime_size: the length of the compiled runtime code, in bytes.
        runtime_keccak: keccak256 of the compiled runtime code, 0x-hex; the code holds zeros
            where the immutable values go.
        immutables: where the constructor writes immutable values into the code (sorted);
            None when unknown, so the code cannot be compared.
    """

    name: str
    source_id: str
    compiler: dict[str, Any]
    sources: dict[str, str]
    runtime_size: int
    runtime_keccak: str
    immutables: tuple[CodeRange, ...] | None

    def to_json(self) -> dict[str, Any]:
        """The record as the JSON of ``<Name>.sources.json``."""
        return {
            "contract": self.name,
            "sourceId": self.source_id,
            "compiler": self.compiler,
            "sources": dict(sorted(self.sources.items())),
            "runtimeBytecodeSize": self.runtime_size,
            "runtimeBytecodeKeccak": self.runtime_keccak,
            "immutableReferences": None
            if self.immutables is None
            else [{"start": r.start, "length": r.length} for r in self.immutables],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContractSources:
        """The record of ``<Name>.sources.json``."""
        refs = data.get("immutableReferences")
        return cls(
            name=str(data["contract"]),
            source_id=str(data["sourceId"]),
            compiler=dict(data["compiler"]),
            sources={str(k): str(v) for k, v in dict(data["sources"]).items()},
            runtime_size=int(data["runtimeBytecodeSize"]),
            runtime_keccak=str(data["runtimeBytecodeKeccak"]),
            immutables=None
            if refs is None
            else tuple(CodeRange(int(r["start"]), int(r["length"])) for r in refs),
        )


@cache
def load_sources(name: str) -> ContractSources | None:
    """The packaged sources of deployed contract ``name``, or None when none were exported."""
    path = resources.files("bpost_client.abi").joinpath(f"{name}.sources.json")
    if not path.is_file():
        return None
    return ContractSources.from_json(json.loads(path.read_text("utf-8")))


def strip_metadata(code: bytes) -> bytes:
    """Runtime code without solc's CBOR metadata trailer (its length is the last two bytes)."""
    if len(code) < 2:
        return code
    size = int.from_bytes(code[-2:], "big") + 2
    return code[:-size] if size <= len(code) else code


def masked_code_hash(code: bytes, immutables: tuple[CodeRange, ...]) -> str:
    """keccak256 of runtime ``code`` with the immutable ranges zeroed, 0x-hex: equal to the
    compiled code's hash when the deployed code is that compiled code."""
    masked = bytearray(code)
    for piece in immutables:
        masked[piece.start : piece.start + piece.length] = bytes(piece.length)
    return "0x" + keccak(bytes(masked)).hex()


_IMPORT = re.compile(r"""\bimport\s+(?:[^;"']*?\s+from\s+)?["']([^"']+)["']""")
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def _imports(unit: str, text: str) -> list[str]:
    """The source units that ``unit`` imports, as solc names them (relative paths resolved)."""
    found = []
    for path in _IMPORT.findall(_COMMENT.sub("", text)):
        if path.startswith(("./", "../")):
            path = posixpath.normpath(posixpath.join(posixpath.dirname(unit), path))
        found.append(path)
    return found


def _read_build(build_manifest: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(build_manifest).read_text("utf-8"))
    return data


def _compiler(build: Mapping[str, Any], name: str) -> dict[str, Any]:
    for compiler in build.get("compilers", []):
        if name in compiler.get("contractTypes", []):
            settings = {
                k: v for k, v in compiler.get("settings", {}).items() if k != "outputSelection"
            }
            return {"name": compiler["name"], "version": compiler["version"], "settings": settings}
    raise KeyError(f"the build manifest names no compiler of {name}")


def build_sources(
    build_manifest: Path, libraries: Path | None = None
) -> dict[str, ContractSources]:
    """The sources of each deployed contract of a build manifest, without the immutable
    positions (see :func:`immutable_references`).

    Args:
        build_manifest: Ape's ``.build/__local__.json``.
        libraries: where imports that are not the project's own resolve (``@openzeppelin/...``);
            default: the ``node_modules`` beside the build directory.

    Raises:
        FileNotFoundError: the project was not compiled, or an imported file is missing.
    """
    build = _read_build(build_manifest)
    libraries = libraries or Path(build_manifest).resolve().parent.parent / "node_modules"
    project = {str(k): str(v["content"]) for k, v in build["sources"].items()}

    def text_of(unit: str) -> str:
        if unit in project:
            return project[unit]
        return (libraries / unit).read_text("utf-8")

    found = {}
    for name in DEPLOYED_CONTRACTS:
        contract = build["contractTypes"][name]
        source_id = str(contract["sourceId"])
        sources: dict[str, str] = {}
        pending = [source_id]
        while pending:
            unit = pending.pop()
            if unit not in sources:
                sources[unit] = text_of(unit)
                pending.extend(_imports(unit, sources[unit]))
        runtime = bytes.fromhex(contract["runtimeBytecode"]["bytecode"].removeprefix("0x"))
        found[name] = ContractSources(
            name=name,
            source_id=source_id,
            compiler=_compiler(build, name),
            sources=sources,
            runtime_size=len(runtime),
            runtime_keccak="0x" + keccak(runtime).hex(),
            immutables=None,
        )
    return found


def _solc_binary(version: str) -> Path | None:
    folder = os.environ.get("SOLCX_BINARY_PATH")
    if not folder:
        return None
    binary = Path(folder) / f"solc-v{version.split('+')[0]}"
    return binary if binary.exists() else None


def immutable_references(
    build_manifest: Path, contracts: Mapping[str, ContractSources], solc: Path | None = None
) -> dict[str, tuple[CodeRange, ...] | None]:
    """The immutable positions of each contract's runtime code, from one more compile of its
    sources with the same compiler and settings (solc ``--standard-json``).

    A contract's positions are kept only when that compile gives the build's runtime code,
    metadata trailer aside; otherwise (or with no compiler at hand) they are None.

    Args:
        build_manifest: Ape's ``.build/__local__.json``, whose runtime code is the reference.
        contracts: the contracts' sources (:func:`build_sources`).
        solc: the compiler; default ``$SOLCX_BINARY_PATH/solc-v<version>``.
    """
    found: dict[str, tuple[CodeRange, ...] | None] = dict.fromkeys(contracts)
    if not contracts:
        return found
    first = next(iter(contracts.values()))
    solc = solc or _solc_binary(str(first.compiler["version"]))
    if solc is None:
        return found
    sources: dict[str, dict[str, str]] = {}
    for record in contracts.values():
        sources.update({unit: {"content": text} for unit, text in record.sources.items()})
    wanted = ["evm.deployedBytecode.object", "evm.deployedBytecode.immutableReferences"]
    request = {
        "language": "Solidity",
        "sources": sources,
        "settings": {
            # the sources are keyed by their import names, so no remapping applies; the code
            # compared is the same, only the metadata trailer (which names the files) differs
            **{k: v for k, v in first.compiler["settings"].items() if k != "remappings"},
            "outputSelection": {r.source_id: {r.name: wanted} for r in contracts.values()},
        },
    }
    done = subprocess.run(
        [str(solc), "--standard-json"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        return found
    build = _read_build(build_manifest)
    for name, record in contracts.items():
        compiled = output.get("contracts", {}).get(record.source_id, {}).get(name)
        if compiled is None:
            continue
        deployed = compiled["evm"]["deployedBytecode"]
        mine = bytes.fromhex(deployed["object"])
        reference = build["contractTypes"][name]["runtimeBytecode"]["bytecode"]
        if strip_metadata(mine) != strip_metadata(bytes.fromhex(reference.removeprefix("0x"))):
            continue
        ranges = [
            CodeRange(int(r["start"]), int(r["length"]))
            for refs in deployed.get("immutableReferences", {}).values()
            for r in refs
        ]
        found[name] = tuple(sorted(ranges, key=lambda r: r.start))
    return found


def export_sources(
    build_manifest: Path, target: Path, libraries: Path | None = None, solc: Path | None = None
) -> list[Path]:
    """Write ``<Name>.sources.json`` of each deployed contract of a build manifest into
    ``target`` (see :func:`build_sources` and :func:`immutable_references`)."""
    contracts = build_sources(build_manifest, libraries)
    references = immutable_references(build_manifest, contracts, solc)
    written = []
    for name, record in contracts.items():
        record = replace(record, immutables=references[name])
        path = target / f"{name}.sources.json"
        path.write_text(json.dumps(record.to_json(), indent=1) + "\n", "utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "export":
        sys.exit("usage: python -m bpost_client.contracts export .build/__local__.json")
    abi_dir = Path(__file__).parent / "abi"
    for exported in export_abis(Path(sys.argv[2]), abi_dir):
        print(f"wrote {exported}")
    for exported in export_sources(Path(sys.argv[2]), abi_dir):
        if json.loads(exported.read_text("utf-8"))["immutableReferences"] is None:
            print(f"wrote {exported} (immutable positions unknown: the code cannot be compared)")
        else:
            print(f"wrote {exported}")
