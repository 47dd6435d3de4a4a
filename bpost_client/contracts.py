"""The contracts' ABIs packaged with the client, their digests, and their custom errors.

The ABIs under ``bpost_client/abi/`` are exported from the compiled contracts with
``make abi`` (``python -m bpost_client.contracts export .build/__local__.json``); a test fails
when they differ from a fresh compile. Institutions use the client with these files alone: no
compiler and no Ape.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

__all__ = [
    "DEPLOYED_CONTRACTS",
    "Artifact",
    "ErrorSpec",
    "abi_digest",
    "custom_error_names",
    "error_specs",
    "export_abis",
    "load_abi",
    "load_build_artifacts",
]

DEPLOYED_CONTRACTS: tuple[str, ...] = (
    "PlatformAccess",
    "ParticipantRegistry",
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
    "LendingStatements",
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
            specs[selector] = ErrorSpec(item["name"], names, types)
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


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "export":
        sys.exit("usage: python -m bpost_client.contracts export .build/__local__.json")
    for exported in export_abis(Path(sys.argv[2]), Path(__file__).parent / "abi"):
        print(f"wrote {exported}")
