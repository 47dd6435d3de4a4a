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

from bpost_client._utils.reverts import read_call
from bpost_client._utils.sender import Call, Sender
from bpost_client.contracts import DEPLOYED_CONTRACTS, Artifact, abi_digest
from bpost_client.exceptions import ConfigError, DeploymentError, ManifestError
from bpost_client.identifiers import bytes32_from_ascii, check_address
from bpost_client.manifest import ContractRecord, Manifest, manifest_path
from bpost_client.platform.codes import Linker
from bpost_client.platform.signers import DEV_CHAIN_IDS
from bpost_client.types import Address, InstitutionType, RecordKind, Role

__all__ = [
    "MAX_CODE_SIZE",
    "DeployParams",
    "GovernanceParams",
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
MAX_MEMBERS = 16
"""ConsortiumApprovals.MAX_MEMBERS: the most members, and the most guardians."""


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
class GovernanceParams:
    """The consortium that holds the platform's powers: its founding members, its guardians, how
    many of each must approve, and the timelock's delay."""

    members: tuple[Address, ...]
    threshold: int
    delay_seconds: int
    guardians: tuple[Address, ...] = ()
    guardian_threshold: int = 0

    def __post_init__(self) -> None:
        guardians = self.guardians or self.members
        object.__setattr__(self, "guardians", guardians)
        object.__setattr__(self, "guardian_threshold", self.guardian_threshold or self.threshold)
        for label, group, needed in (
            ("members", self.members, self.threshold),
            ("guardians", guardians, self.guardian_threshold),
        ):
            if len(set(group)) != len(group):
                raise ValueError(f"governance.{label} repeat an address")
            if not 2 <= needed <= len(group):
                raise ValueError(
                    f"governance: {label} need a threshold of 2 to {len(group)} (no single key "
                    f"rules), not {needed}"
                )
            if len(group) > MAX_MEMBERS:
                raise ValueError(f"governance.{label}: at most {MAX_MEMBERS}")
        if self.delay_seconds <= 0:
            raise ValueError("governance.delay_seconds must be more than zero")


@dataclass(frozen=True)
class DeployParams:
    """Deployment parameters of one environment.

    ``dev_operator`` keeps the deployer an operator next to the timelock, for the embedded
    chain's scripts and tests only: :func:`deploy` refuses it on any other chain, and a
    configuration without it (a consortium's) refuses a zero delay.
    """

    governance: GovernanceParams
    admin_delay_seconds: int = 0
    dev_operator: bool = False
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
    known = {"admin_delay_seconds", "dev_operator", "governance", "code_registrars", "namespaces"}
    if "operators" in data:
        raise ConfigError(
            f"{path}: 'operators' is gone: OPERATOR_ROLE belongs to the consortium's timelock "
            "(see 'governance' and docs/security.md)"
        )
    if unknown := set(data) - known:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}")
    try:
        delay = int(data.get("admin_delay_seconds", 0))
        if not 0 <= delay < 2**48:
            raise ValueError("admin_delay_seconds must be between 0 and 2^48-1")
        dev_operator = data.get("dev_operator", False)
        if not isinstance(dev_operator, bool):
            raise ValueError("dev_operator must be true or false")
        governance = _governance_param(data.get("governance"))
        if not dev_operator and (delay == 0 or governance.delay_seconds == 0):
            raise ValueError(
                "a consortium configuration (no dev_operator) needs admin_delay_seconds and "
                "governance.delay_seconds above zero"
            )
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
            governance=governance,
            admin_delay_seconds=delay,
            dev_operator=dev_operator,
            code_registrars=tuple(check_address(str(a)) for a in data.get("code_registrars") or []),
            namespaces=tuple(namespaces),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _governance_param(item: Any) -> GovernanceParams:
    if not isinstance(item, dict):
        raise ValueError("governance needs members, threshold and delay_seconds")
    known = {"members", "threshold", "delay_seconds", "guardians", "guardian_threshold"}
    if unknown := set(item) - known:
        raise ValueError(f"governance: unknown keys {sorted(unknown)}")
    if missing := {"members", "threshold", "delay_seconds"} - set(item):
        raise ValueError(f"governance needs {sorted(missing)}")

    def addresses(key: str) -> tuple[Address, ...]:
        values = item.get(key) or []
        if not isinstance(values, list):
            raise ValueError(f"governance.{key} is a list of addresses")
        return tuple(check_address(str(a)) for a in values)

    return GovernanceParams(
        members=addresses("members"),
        threshold=int(item["threshold"]),
        delay_seconds=int(item["delay_seconds"]),
        guardians=addresses("guardians"),
        guardian_threshold=int(item.get("guardian_threshold") or 0),
    )


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
    "KeyRewraps": ("PlatformAccess", "ParticipantRegistry"),
    "ConsensusValidators": ("PlatformAccess", "ParticipantRegistry"),
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
    "LendingPairs": ("PlatformAccess", "ParticipantRegistry", "Mandates"),
    "LendingStatements": (
        "PlatformAccess", "ParticipantRegistry", "LendingAgreements", "LendingPairs",
        "MarketCalendar", "Mandates",
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
here takes PlatformAccess's alone (PlatformAccess and the governance contracts take their
parameters, see :func:`_constructor_args`)."""


def _constructor_args(
    name: str, addresses: dict[str, ChecksumAddress], params: DeployParams, deployer: str
) -> list[Any]:
    governance = params.governance
    timelock, approvals = addresses["PlatformTimelock"], addresses["ConsortiumApprovals"]
    if name == "PlatformAccess":  # the deployer operates until the wiring is done
        return [params.admin_delay_seconds, timelock, [timelock, deployer], [approvals]]
    if name == "PlatformTimelock":
        return [governance.delay_seconds, [approvals], [approvals]]
    if name == "ConsortiumApprovals":
        return [
            timelock, addresses["PlatformAccess"], addresses["ParticipantRegistry"],
            list(governance.members), list(governance.guardians), governance.threshold,
            governance.guardian_threshold,
        ]  # fmt: skip
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
    """Deploy, wire and record the contracts. The consortium's timelock becomes the default admin
    and an operator; the deployer operates only while it wires the contracts and renounces its
    role at the end, unless ``params.dev_operator`` (the embedded chain) keeps it.

    The creations are pipelined: their addresses follow from the deployer's nonces.

    Raises:
        DeploymentError: a live deployment exists and ``force`` is False, a contract is over
            the 24 KiB limit, ``dev_operator`` is asked for on a chain other than a development
            one, or a transaction failed.
    """
    chain_id = w3.eth.chain_id
    if params.dev_operator and chain_id not in DEV_CHAIN_IDS:
        raise DeploymentError(
            f"dev_operator keeps the deployer an operator: for development chains only, not "
            f"chain {chain_id}; a consortium's operator is its timelock"
        )
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
    for offset, name in enumerate(DEPLOYED_CONTRACTS):  # the governance contracts come last
        addresses[name] = get_create_address(account.address, Nonce(nonce + offset))
    for name in DEPLOYED_CONTRACTS:
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
    if not params.dev_operator:
        wiring.append(
            (
                access.functions.renounceRole(Role.OPERATOR.id, account.address),
                "the deployer hands the platform to the consortium",
            )
        )
    sender.send_all(wiring)
    if not params.dev_operator and read_call(
        access.functions.hasRole(Role.OPERATOR.id, account.address)
    ):
        raise DeploymentError(f"the deployer {account.address} still holds OPERATOR_ROLE")

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
