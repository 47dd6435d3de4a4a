"""Deployment manifests: one JSON file per chain id under ``deployments/``.

A manifest names each deployed contract's address, ABI digest, deployment transaction and block,
with the deployer and the git commit. Loading one against a node of another chain id, or with a
client whose packaged ABI differs from the deployed one, is an error rather than a silent mismatch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bpost_client._utils import files
from bpost_client.contracts import DEPLOYED_CONTRACTS, abi_digest, load_abi
from bpost_client.exceptions import ManifestError
from bpost_client.identifiers import check_address
from bpost_client.types import Address

__all__ = ["ContractRecord", "Manifest", "manifest_path"]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class ContractRecord:
    """One deployed contract."""

    address: Address
    abi_digest: str
    transaction: str
    block: int


@dataclass(frozen=True)
class Manifest:
    """A deployment of the B-POST contracts on one chain."""

    chain_id: int
    deployer: Address
    git_commit: str
    deployed_at: str
    contracts: dict[str, ContractRecord] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def start_block(self) -> int:
        """The first block of the deployment: where event scans begin."""
        return min(record.block for record in self.contracts.values())

    def address(self, name: str) -> Address:
        """The address of contract ``name``.

        Raises:
            ManifestError: the manifest does not hold that contract.
        """
        try:
            return self.contracts[name].address
        except KeyError:
            raise ManifestError(f"the manifest of chain {self.chain_id} has no {name}") from None

    def check_abis(self) -> None:
        """Refuse a client whose packaged ABIs differ from the deployed contracts'.

        Raises:
            ManifestError: naming the first contract whose digest differs.
        """
        for name in DEPLOYED_CONTRACTS:
            packaged = abi_digest(load_abi(name))
            record = self.contracts.get(name)
            if record is None:
                raise ManifestError(f"the manifest of chain {self.chain_id} has no {name}")
            if record.abi_digest != packaged:
                raise ManifestError(
                    f"{name} on chain {self.chain_id} was deployed with ABI {record.abi_digest}, "
                    f"this client carries {packaged}: use the client of that deployment"
                )

    def to_json(self) -> str:
        """The manifest as indented JSON."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def save(self, directory: Path) -> Path:
        """Write ``<directory>/<chain_id>.json`` atomically; return its path."""
        path = manifest_path(directory, self.chain_id)
        return files.write_atomic(path, self.to_json().encode("utf-8"), parents=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "manifest") -> Manifest:
        """Validate and build a manifest from parsed JSON.

        Raises:
            ManifestError: a field is missing or malformed.
        """
        try:
            if data.get("format_version") != FORMAT_VERSION:
                raise ValueError(f"format_version {data.get('format_version')!r} is not supported")
            records = {
                name: ContractRecord(
                    address=check_address(str(rec["address"])),
                    abi_digest=str(rec["abi_digest"]),
                    transaction=str(rec["transaction"]),
                    block=int(rec["block"]),
                )
                for name, rec in dict(data["contracts"]).items()
            }
            if not records:
                raise ValueError("it lists no contracts")
            return cls(
                chain_id=int(data["chain_id"]),
                deployer=check_address(str(data["deployer"])),
                git_commit=str(data["git_commit"]),
                deployed_at=str(data["deployed_at"]),
                contracts=records,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"{source} is not a valid deployment manifest: {exc}") from exc

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest file.

        Raises:
            ManifestError: missing, unreadable or malformed.
        """
        missing = (
            f"no deployment manifest at {Path(path).absolute()}: deploy first, or point at the "
            "directory of the manifests (bpost --deployments DIR, or $BPOST_DEPLOYMENTS)"
        )
        data = files.read_json(path, ManifestError, "the manifest", missing)
        if not isinstance(data, dict):
            raise ManifestError(f"{path} is not a valid deployment manifest: not an object")
        return cls.from_dict(data, str(path))


def manifest_path(directory: Path, chain_id: int) -> Path:
    """Where the manifest of ``chain_id`` lives in ``directory``."""
    return Path(directory) / f"{chain_id}.json"
