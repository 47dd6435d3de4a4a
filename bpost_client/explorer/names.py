"""Who an address is: the institutions of the ParticipantRegistry with their operators, the
platform roles of PlatformAccess, and the deployed contracts, read from the index.

:meth:`NameBook.load` replays the registry's and the access contract's events in chain order
(a few hundred rows, read through the ``(contract, event)`` index); the explorer keeps one book
per checkpoint block, so a page costs one look at the checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from bpost_client.identifiers import ascii_from_hex
from bpost_client.indexer.schema import events
from bpost_client.manifest import Manifest
from bpost_client.types import InstitutionType, Role

__all__ = ["ActingInstitution", "NameBook", "Registration", "lei_text"]

REGISTRY = "ParticipantRegistry"
ACCESS = "PlatformAccess"
_REGISTRY_EVENTS = (
    "InstitutionRegistered",
    "InstitutionRenamed",
    "InstitutionSuspended",
    "InstitutionReinstated",
    "OperatorAdded",
    "OperatorRemoved",
)
_ACCESS_EVENTS = ("RoleGranted", "RoleRevoked")
_ROLE_NAMES = {"0x" + role.id.hex(): role.name for role in Role}


def lei_text(value: Any) -> str:
    """A LEI as the index stores it (0x-hex of 20 ASCII bytes) turned into its text; text that
    is no such hex is returned as it is."""
    text = str(value)
    try:
        return ascii_from_hex(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class ActingInstitution:
    """The institution an address acts for, as the index knows it now.

    Attributes:
        lei: its LEI.
        legal_name: its current legal name.
        kind: its type (``asset manager``, ``trust bank``, ...), or None when unknown.
        active: False once suspended (until reinstated).
        roles: the platform roles the address holds (``ASSET_MANAGER``, ...).
        bound: False when the address was removed from the institution's operators.
    """

    lei: str
    legal_name: str
    kind: str | None
    active: bool
    roles: tuple[str, ...]
    bound: bool = True


@dataclass
class Registration:
    """An institution as its registry events left it: name, kind, standing and operators."""

    lei: str
    legal_name: str
    kind: str | None
    active: bool = True
    operators: dict[str, bool] = field(default_factory=dict)
    """Every address ever bound, and whether it still is."""


class NameBook:
    """Names of addresses and institutions at one block of the index.

    Build it with :meth:`load`; the constructor takes replayed state: the registrations by LEI,
    the institution of each address ever bound, the roles of each address, and the contracts'
    names by address.
    """

    def __init__(
        self,
        members: Mapping[str, Registration] | None = None,
        operator_of: Mapping[str, str] | None = None,
        roles: Mapping[str, Iterable[str]] | None = None,
        contracts: Mapping[str, str] | None = None,
        block: int | None = None,
    ) -> None:
        self._members = dict(members or {})
        self._operator_of = dict(operator_of or {})
        self._roles = {address: sorted(set(held)) for address, held in (roles or {}).items()}
        self._contracts = {address.lower(): name for address, name in (contracts or {}).items()}
        self.block = block
        """The checkpoint block the book reflects (None: unknown or empty index)."""

    @classmethod
    def load(
        cls, conn: Connection, manifest: Manifest | None = None, block: int | None = None
    ) -> NameBook:
        """The book of the index behind ``conn`` (and the contracts of ``manifest``).

        Args:
            conn: a connection to the index.
            manifest: the deployment, for the contracts' names; None: no contract names.
            block: the checkpoint block the caller read, kept as :attr:`block`.
        """
        query = (
            select(events.c.contract, events.c.event, events.c.arguments)
            .where(
                or_(
                    and_(events.c.contract == REGISTRY, events.c.event.in_(_REGISTRY_EVENTS)),
                    and_(events.c.contract == ACCESS, events.c.event.in_(_ACCESS_EVENTS)),
                )
            )
            .order_by(events.c.block_number, events.c.log_index)
        )
        members: dict[str, Registration] = {}
        operator_of: dict[str, str] = {}
        roles: dict[str, set[str]] = {}
        for _contract, name, arguments in conn.execute(query):
            args: dict[str, Any] = arguments or {}
            if name in _ACCESS_EVENTS:
                account = str(args.get("account", ""))
                role = str(args.get("role", ""))
                label = _ROLE_NAMES.get(role.lower(), role)
                held = roles.setdefault(account, set())
                if name == "RoleGranted":
                    held.add(label)
                else:
                    held.discard(label)
                continue
            lei = lei_text(args.get("lei", ""))
            if name == "InstitutionRegistered":
                members[lei] = Registration(
                    lei, str(args.get("legalName", "")), _kind(args.get("kind"))
                )
                continue
            member = members.get(lei)
            if member is None:
                continue
            if name == "InstitutionRenamed":
                member.legal_name = str(args.get("legalName", member.legal_name))
            elif name == "InstitutionSuspended":
                member.active = False
            elif name == "InstitutionReinstated":
                member.active = True
            elif name == "OperatorAdded":
                account = str(args.get("account", ""))
                member.operators[account] = True
                operator_of[account] = lei
            elif name == "OperatorRemoved":
                account = str(args.get("account", ""))
                member.operators[account] = False
        contracts = (
            {}
            if manifest is None
            else {str(record.address): name for name, record in manifest.contracts.items()}
        )
        return cls(members, operator_of, roles, contracts, block)

    def institution_of_address(self, address: str) -> ActingInstitution | None:
        """The institution ``address`` acts (or acted) for, with the roles it holds; None for an
        address no institution ever bound."""
        lei = self._operator_of.get(address) or self._operator_of.get(_checksummed(address))
        if lei is None:
            return None
        member = self._members[lei]
        key = address if address in member.operators else _checksummed(address)
        return ActingInstitution(
            lei=member.lei,
            legal_name=member.legal_name,
            kind=member.kind,
            active=member.active,
            roles=tuple(self.roles_of(key)),
            bound=member.operators.get(key, False),
        )

    def legal_name(self, lei: str) -> str | None:
        """The current legal name of the institution ``lei``, or None."""
        member = self._members.get(lei.strip().upper())
        return None if member is None else member.legal_name

    def institution(self, lei: str) -> ActingInstitution | None:
        """The institution ``lei`` (no address, so no roles), or None."""
        member = self._members.get(lei.strip().upper())
        if member is None:
            return None
        return ActingInstitution(member.lei, member.legal_name, member.kind, member.active, ())

    def operators(self, lei: str) -> list[str]:
        """The addresses bound to the institution ``lei`` now."""
        member = self._members.get(lei.strip().upper())
        return [] if member is None else [a for a, bound in member.operators.items() if bound]

    def contract_at(self, address: str) -> str | None:
        """The name of the deployed contract at ``address``, or None."""
        return self._contracts.get(address.lower())

    def roles_of(self, address: str) -> list[str]:
        """The platform roles ``address`` holds (``OPERATOR``, ``ASSET_MANAGER``, ...), sorted."""
        held = self._roles.get(address)
        if held is None:
            held = self._roles.get(_checksummed(address), [])
        return list(held)

    def leis(self) -> list[str]:
        """Every registered institution's LEI, sorted."""
        return sorted(self._members)


def _kind(value: Any) -> str | None:
    try:
        return InstitutionType(int(value)).name.replace("_", " ").lower()
    except (TypeError, ValueError):
        return None


def _checksummed(address: str) -> str:
    return str(to_checksum_address(address)) if is_address(address) else address
