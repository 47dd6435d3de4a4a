"""Deploy the B-POST contracts in order, wire them together and write the manifest.

The same function serves ``ape run deploy`` and ``bpost deploy``. Parameters come from a YAML file
per environment (``config/deploy/<env>.yaml``), not from code.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.types import Nonce
from web3.utils.address import get_create_address

from bpost_client._utils.sender import Call, Sender
from bpost_client.contracts import DEPLOYED_CONTRACTS, Artifact, abi_digest
from bpost_client.exceptions import ConfigError, DeploymentError, ManifestError
from bpost_client.identifiers import bytes32_from_ascii, check_address
from bpost_client.manifest import ContractRecord, Manifest, manifest_path
from bpost_client.platform.codes import Linker
from bpost_client.types import Address, InstitutionType, RecordKind, Role

__all__ = [
    "MAX_CODE_SIZE",
    "DeployParams",
    "LinkerParam",
    "NamespaceParam",
    "deploy",
    "existing_deployment",
    "git_commit",
    "is_current",
    "load_params",
]

MAX_CODE_SIZE = 24_576
"""EIP-170: the most runtime bytecode a contract may hold."""


@dataclass(frozen=True)
class LinkerParam:
    """A linker of a namespace named at deployment: a deployed contract (by name) or an address,
    the kind of record it links there and the institution types it links for."""

    registry: str
    kind: RecordKind
    institution_types: tuple[InstitutionType, ...]


@dataclass(frozen=True)
class NamespaceParam:
    """A code namespace opened at deployment, with its linkers (its owners)."""

    name: str
    permanent: bool
    description: str
    linkers: tuple[LinkerParam, ...] = ()


@dataclass(frozen=True)
class DeployParams:
    """Deployment parameters of one environment."""

    admin_delay_seconds: int = 0
    operators: tuple[Address, ...] = ()
    code_registrars: tuple[Address, ...] = ()
    namespaces: tuple[NamespaceParam, ...] = field(default_factory=tuple)


def load_params(path: Path) -> DeployParams:
    """Read and validate a deployment parameters file.

    Raises:
        ConfigError: naming the key that is missing or wrong.
    """
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of parameters")
    known = {"admin_delay_seconds", "operators", "code_registrars", "namespaces"}
    if unknown := set(data) - known:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}")
    try:
        delay = int(data.get("admin_delay_seconds", 0))
        if not 0 <= delay < 2**48:
            raise ValueError("admin_delay_seconds must be between 0 and 2^48-1")
        namespaces = []
        for n, item in enumerate(data.get("namespaces") or [], start=1):
            if not isinstance(item, dict) or "name" not in item:
                raise ValueError(f"namespaces[{n}] needs a name")
            bytes32_from_ascii(str(item["name"]))
            if "/" in str(item["name"]):
                raise ValueError(
                    f"namespaces[{n}]: a name with '/' is opened by its parent's linker"
                )
            permanent = item.get("permanent", False)
            if not isinstance(permanent, bool):
                raise ValueError(f"namespaces[{n}].permanent must be true or false")
            linkers = tuple(
                _linker_param(f"namespaces[{n}].linkers[{m}]", linker)
                for m, linker in enumerate(item.get("linkers") or [], start=1)
            )
            if permanent and (len(linkers) != 1 or linkers[0].registry not in DEPLOYED_CONTRACTS):
                raise ValueError(
                    f"namespaces[{n}]: a permanent namespace has one linker, a deployed contract"
                )
            namespaces.append(
                NamespaceParam(
                    str(item["name"]), permanent, str(item.get("description", "")), linkers
                )
            )
        return DeployParams(
            admin_delay_seconds=delay,
            operators=tuple(check_address(str(a)) for a in data.get("operators") or []),
            code_registrars=tuple(check_address(str(a)) for a in data.get("code_registrars") or []),
            namespaces=tuple(namespaces),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _linker_param(where: str, item: Any) -> LinkerParam:
    if not isinstance(item, dict) or not {"registry", "kind", "institution_types"} <= set(item):
        raise ValueError(f"{where} needs registry, kind and institution_types")
    registry = str(item["registry"])
    if registry not in DEPLOYED_CONTRACTS:
        registry = check_address(registry)
    try:
        kind = RecordKind[str(item["kind"]).upper()]
        types = tuple(InstitutionType.parse(str(t)) for t in item["institution_types"] or [])
    except KeyError as exc:
        raise ValueError(f"{where}: no such kind or institution type {exc}") from None
    if kind is RecordKind.NONE or not types:
        raise ValueError(f"{where}: a linker links one kind of record for some institution types")
    return LinkerParam(registry, kind, types)


def git_commit(directory: Path | None = None) -> str:
    """The git commit of the working tree (``+dirty`` when it has changes), or ``unknown``."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=directory, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def existing_deployment(w3: Web3, directory: Path) -> Manifest | None:
    """The manifest of this chain in ``directory`` if its contracts still have code, else None."""
    path = manifest_path(directory, w3.eth.chain_id)
    if not path.exists():
        return None
    try:
        manifest = Manifest.load(path)
    except ManifestError:
        return None
    for record in manifest.contracts.values():
        if not w3.eth.get_code(record.address):
            return None
    return manifest


def is_current(manifest: Manifest, artifacts: dict[str, Artifact]) -> bool:
    """Whether a deployment holds every contract of ``artifacts``, with the same ABIs."""
    return all(
        name in manifest.contracts and manifest.contracts[name].abi_digest == abi_digest(a.abi)
        for name, a in artifacts.items()
    )


_LINKS: dict[str, tuple[str, ...]] = {
    "CodeRegistry": ("PlatformAccess", "ParticipantRegistry"),
    "FundRegistry": ("PlatformAccess", "ParticipantRegistry", "CodeRegistry"),
    "SsiRegistry": ("PlatformAccess", "ParticipantRegistry", "CodeRegistry"),
    "CorporateRegistry": ("PlatformAccess", "ParticipantRegistry"),
    "SecurityRegistry": ("PlatformAccess", "ParticipantRegistry", "CodeRegistry"),
    "PriceFeed": ("PlatformAccess", "ParticipantRegistry", "SecurityRegistry"),
    "DistributionRegistry": (
        "PlatformAccess", "ParticipantRegistry", "FundRegistry", "MarketCalendar", "Mandates",
    ),
    "LendingCalculator": (  # no state, no roles
        "LendingAgreements", "SecurityRegistry", "PriceFeed", "DividendRegistry",
    ),
    "Mandates": ("PlatformAccess", "ParticipantRegistry"),
    "LendingAgreements": ("PlatformAccess", "ParticipantRegistry", "Mandates"),
    "LendingStatements": (
        "PlatformAccess", "ParticipantRegistry", "LendingAgreements", "MarketCalendar", "Mandates",
    ),
    "Subscriptions": ("PlatformAccess", "ParticipantRegistry", "FundRegistry"),
    "FundNotices": (
        "PlatformAccess", "ParticipantRegistry", "DistributionRegistry", "MarketCalendar",
    ),
    "DividendRegistry": (
        "PlatformAccess", "ParticipantRegistry", "SecurityRegistry", "MarketCalendar",
    ),
}  # fmt: skip
"""The contracts whose addresses a contract's constructor takes, in order; a contract not named
here takes PlatformAccess's alone (PlatformAccess itself takes its admin delay and admin)."""


def _constructor_args(
    name: str, addresses: dict[str, ChecksumAddress], params: DeployParams, admin: str
) -> list[Any]:
    if name == "PlatformAccess":
        return [params.admin_delay_seconds, admin]
    return [addresses[n] for n in _LINKS.get(name, ("PlatformAccess",))]


def deploy(
    w3: Web3,
    account: LocalAccount,
    artifacts: dict[str, Artifact],
    params: DeployParams,
    directory: Path,
    *,
    force: bool = False,
    commit: str | None = None,
) -> Manifest:
    """Deploy, wire and record the contracts; the deployer becomes the default admin.

    The creations are pipelined: their addresses follow from the deployer's nonces.

    Raises:
        DeploymentError: a live deployment exists and ``force`` is False, or a contract is over
            the 24 KiB limit, or a transaction failed.
    """
    chain_id = w3.eth.chain_id
    live = existing_deployment(w3, directory)
    if live is not None and not force:
        raise DeploymentError(
            f"chain {chain_id} already has a live deployment "
            f"({manifest_path(directory, chain_id)}, PlatformAccess at "
            f"{live.address('PlatformAccess')}); pass --force to deploy anew"
        )
    for name in DEPLOYED_CONTRACTS:
        if artifacts[name].runtime_size > MAX_CODE_SIZE:
            raise DeploymentError(
                f"{name} holds {artifacts[name].runtime_size} bytes, over the {MAX_CODE_SIZE} limit"
            )
    sender = Sender(w3, account, chain_id)
    nonce = sender.resync_nonce()
    addresses: dict[str, ChecksumAddress] = {}
    creations: list[tuple[Call, str]] = []
    for offset, name in enumerate(DEPLOYED_CONTRACTS):
        addresses[name] = get_create_address(account.address, Nonce(nonce + offset))
        factory = w3.eth.contract(abi=artifacts[name].abi, bytecode=artifacts[name].bytecode)
        args = _constructor_args(name, addresses, params, account.address)
        data = factory.constructor(*args).data_in_transaction
        creations.append(({"data": data}, f"deploy {name}"))
    receipts = sender.send_all(creations)
    for name, receipt in zip(DEPLOYED_CONTRACTS, receipts, strict=True):
        if receipt["contractAddress"] != addresses[name]:
            raise DeploymentError(
                f"{name} landed at {receipt['contractAddress']}, not {addresses[name]}"
            )

    access = w3.eth.contract(
        address=addresses["PlatformAccess"], abi=artifacts["PlatformAccess"].abi
    )
    codes = w3.eth.contract(address=addresses["CodeRegistry"], abi=artifacts["CodeRegistry"].abi)
    wiring: list[tuple[Call, str]] = [
        (
            access.functions.grantRole(Role.OPERATOR.id, account.address),
            "grant OPERATOR to deployer",
        ),
        (
            access.functions.setParticipantRegistry(addresses["ParticipantRegistry"]),
            "roles follow the status of their institutions",
        ),
    ]
    funds = w3.eth.contract(address=addresses["FundRegistry"], abi=artifacts["FundRegistry"].abi)
    wiring.append(
        (
            funds.functions.setFundListener(addresses["DistributionRegistry"]),
            "FundRegistry tells DistributionRegistry of fund changes",
        )
    )
    registries = [addresses["FundRegistry"], addresses["SecurityRegistry"]]  # they link codes
    for registry in registries:
        wiring.append(
            (
                access.functions.grantRole(Role.CODE_REGISTRAR.id, registry),
                f"grant CODE_REGISTRAR to {registry}",
            )
        )
    for operator in params.operators:
        wiring.append(
            (
                access.functions.grantRole(Role.OPERATOR.id, operator),
                f"grant OPERATOR to {operator}",
            )
        )
    for registrar in params.code_registrars:
        wiring.append(
            (
                access.functions.grantRole(Role.CODE_REGISTRAR.id, registrar),
                f"grant CODE_REGISTRAR to {registrar}",
            )
        )
    for ns in params.namespaces:
        linkers = [
            Linker(
                Address(addresses[link.registry])
                if link.registry in addresses
                else check_address(link.registry),
                link.kind,
                link.institution_types,
            ).to_abi()
            for link in ns.linkers
        ]
        call = codes.functions.registerNamespace(
            bytes32_from_ascii(ns.name), ns.permanent, ns.description, linkers
        )
        wiring.append((call, f"namespace {ns.name}"))
    sender.send_all(wiring)

    manifest = Manifest(
        chain_id=chain_id,
        deployer=check_address(account.address),
        git_commit=commit if commit is not None else git_commit(),
        deployed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        contracts={
            name: ContractRecord(
                address=check_address(addresses[name]),
                abi_digest=abi_digest(artifacts[name].abi),
                transaction="0x" + bytes(receipt["transactionHash"]).hex(),
                block=int(receipt["blockNumber"]),
            )
            for name, receipt in zip(DEPLOYED_CONTRACTS, receipts, strict=True)
        },
    )
    manifest.save(directory)
    return manifest
