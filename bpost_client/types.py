"""Identifiers, enums and records shared across the client, mirrored from the contracts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import NewType

from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak

from bpost_client.exceptions import name_contract_values

__all__ = [
    "Address",
    "CodeTarget",
    "EmergencyAction",
    "FundCode",
    "FundStatus",
    "FundType",
    "Institution",
    "InstitutionStatus",
    "InstitutionType",
    "Lei",
    "MandateScope",
    "PartyRole",
    "ProposalStatus",
    "RecordKind",
    "RequestKind",
    "RequestState",
    "Role",
]

Lei = NewType("Lei", str)
"""An ISO 17442 Legal Entity Identifier, 20 characters, check digits verified."""

Address = NewType("Address", ChecksumAddress)
"""A checksummed 0x-prefixed account address."""


class Role(Enum):
    """The platform's roles; each value is the role's name, hashed on chain with keccak256."""

    DEFAULT_ADMIN = "DEFAULT_ADMIN_ROLE"
    OPERATOR = "OPERATOR_ROLE"
    CODE_REGISTRAR = "CODE_REGISTRAR_ROLE"
    ASSET_MANAGER = "ASSET_MANAGER_ROLE"
    TRUSTEE = "TRUSTEE_ROLE"
    DISTRIBUTOR = "DISTRIBUTOR_ROLE"
    SECURITIES_COMPANY = "SECURITIES_COMPANY_ROLE"
    CUSTODIAN = "CUSTODIAN_ROLE"
    LENDING_AGENT = "LENDING_AGENT_ROLE"
    DATA_PROVIDER = "DATA_PROVIDER_ROLE"
    OBSERVER = "OBSERVER_ROLE"
    GUARDIAN = "GUARDIAN_ROLE"

    @property
    def id(self) -> bytes:
        """The 32-byte role identifier the contracts use (zero for the default admin)."""
        if self is Role.DEFAULT_ADMIN:
            return bytes(32)
        return keccak(text=self.value)

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from its name, with or without the ``_ROLE`` suffix, in any case.

        Raises:
            KeyError: the name is not a platform role.
        """
        key = text.strip().upper().removesuffix("_ROLE")
        return cls[key]

    @classmethod
    def from_id(cls, role_id: bytes) -> Role:
        """The role whose identifier is ``role_id``.

        Raises:
            KeyError: no platform role has that identifier.
        """
        for role in cls:
            if role.id == bytes(role_id):
                return role
        raise KeyError(bytes(role_id).hex())


class InstitutionType(IntEnum):
    """Mirrors ``IParticipantRegistry.InstitutionType``."""

    NONE = 0
    PLATFORM_OPERATOR = 1
    ASSET_MANAGER = 2
    TRUST_BANK = 3
    SECURITIES_COMPANY = 4
    DISTRIBUTOR = 5
    CUSTODIAN = 6
    LENDING_AGENT = 7
    DATA_PROVIDER = 8
    OBSERVER = 9

    @classmethod
    def parse(cls, text: str) -> InstitutionType:
        """A type from its name (``asset_manager``, ``asset-manager``, ``Asset Manager``).

        Raises:
            KeyError: not a type name, or ``none``.
        """
        key = text.strip().upper().replace("-", "_").replace(" ", "_")
        kind = cls[key]
        if kind is InstitutionType.NONE:
            raise KeyError(text)
        return kind

    @property
    def label(self) -> str:
        """The lower-case name used in files and on the command line."""
        return self.name.lower()


class InstitutionStatus(IntEnum):
    """Mirrors ``IParticipantRegistry.InstitutionStatus``."""

    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2


class MandateScope(IntEnum):
    """Mirrors ``IMandates.Scope``: what a mandate lets its agent do for the principal."""

    NONE = 0
    LENDING_AGENT = 1
    DISTRIBUTION_DELEGATE = 2

    @classmethod
    def parse(cls, text: str) -> MandateScope:
        """A scope from its name (``lending-agent``, ``LENDING_AGENT``, ``distribution delegate``).

        Raises:
            KeyError: not a scope name, or ``none``.
        """
        scope = cls[text.strip().upper().replace("-", "_").replace(" ", "_")]
        if scope is MandateScope.NONE:
            raise KeyError(text)
        return scope

    @property
    def label(self) -> str:
        """The name used on the command line and in files (``lending-agent``)."""
        return self.name.lower().replace("_", "-")


class RecordKind(IntEnum):
    """Mirrors ``ICodeRegistry.RecordKind``: what a code points to."""

    NONE = 0
    INSTITUTION = 1
    FUND = 2
    SECURITY = 3


class ProposalStatus(IntEnum):
    """Mirrors ``IConsortiumApprovals.ProposalStatus``: where a governance proposal is."""

    NONE = 0
    PENDING = 1
    SCHEDULED = 2
    EXECUTED = 3
    CANCELLED = 4


class EmergencyAction(IntEnum):
    """Mirrors ``IConsortiumApprovals.EmergencyAction``: what guardians may do at once."""

    NONE = 0
    PAUSE = 1
    SUSPEND = 2
    CANCEL = 3


@dataclass(frozen=True)
class Institution:
    """An institution as the participant registry holds it."""

    lei: Lei
    kind: InstitutionType
    status: InstitutionStatus
    version: int
    registered_at: int
    updated_at: int
    legal_name: str
    encryption_key: bytes
    operators: tuple[Address, ...]


@dataclass(frozen=True)
class CodeTarget:
    """The record a (namespace, value) code points to."""

    kind: RecordKind
    record_id: bytes


FundCode = NewType("FundCode", str)
"""A platform fund code: ``BP``, eight base-36 digits, a Luhn mod 36 check character."""


class FundStatus(IntEnum):
    """Mirrors ``IFundRegistry.FundStatus``."""

    NONE = 0
    DRAFT = 1
    ESTABLISHED = 2
    ACTIVE = 3
    SUSPENDED = 4
    REDEEMING = 5
    REDEEMED = 6


class PartyRole(IntEnum):
    """Mirrors ``IFundRegistry.PartyRole``."""

    NONE = 0
    ASSET_MANAGER = 1
    TRUSTEE = 2
    DISTRIBUTOR = 3
    CUSTODIAN = 4


class RequestKind(IntEnum):
    """Mirrors ``IFundRegistry.RequestKind``."""

    NONE = 0
    ESTABLISH = 1
    CHANGE = 2
    REDEEM = 3


class RequestState(IntEnum):
    """Mirrors ``IFundRegistry.RequestState``."""

    NONE = 0
    PENDING = 1
    DEFINITIVE = 2
    REJECTED = 3
    WITHDRAWN = 4
    CLOSED = 5


class FundType(IntEnum):
    """The fund's asset class, as the platform records it (``fundType`` on chain)."""

    EQUITY = 1
    BOND = 2
    BALANCED = 3
    MONEY_MARKET = 4
    REIT = 5
    ETF = 6
    OTHER = 7


name_contract_values(
    {
        "ICodeRegistry.RecordKind": RecordKind,
        "IFundRegistry.FundStatus": FundStatus,
        "IFundRegistry.PartyRole": PartyRole,
        "IFundRegistry.RequestKind": RequestKind,
        "IFundRegistry.RequestState": RequestState,
        "IMandates.Scope": MandateScope,
        "IParticipantRegistry.InstitutionStatus": InstitutionStatus,
        "IParticipantRegistry.InstitutionType": InstitutionType,
    },
    {role.id: role.name for role in Role if role is not Role.DEFAULT_ADMIN},
)
