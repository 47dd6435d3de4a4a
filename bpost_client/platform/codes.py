"""The code registry from the client: one code, the codes of a record, or every link at once
(rebuilt from the ``CodeLinked`` and ``CodeUnlinked`` records, for planning large uploads
without a call per code); the namespaces with their owners (the linkers: which registry links
which kind of record in each, for which institution types); and the operator's side: opening a
namespace, naming its linkers, freeing a squatted code with a reason on the record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from web3.types import TxReceipt

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import bytes32_from_ascii, check_address
from bpost_client.platform.projection import PROJECTORS, records_of
from bpost_client.types import Address, CodeTarget, InstitutionType, RecordKind

__all__ = [
    "CodeIndex",
    "Linker",
    "Namespace",
    "code_history",
    "code_index",
    "codes_of",
    "describe_target",
    "linker_of",
    "namespaces",
    "open_namespace",
    "parse_linker",
    "register_namespace",
    "resolve_code",
    "set_linker",
    "types_from_mask",
    "types_mask",
    "unlink_code",
]

CONTRACT = "CodeRegistry"

CodeIndex = dict[tuple[str, str], CodeTarget]
"""(namespace, value) as text -> the record the code points to."""


def types_mask(types: Iterable[InstitutionType]) -> int:
    """The institution types as the contract takes them: bit t for type t."""
    return sum({1 << int(t) for t in types})


def types_from_mask(mask: int) -> tuple[InstitutionType, ...]:
    """The institution types whose bits are set in ``mask``, in type order."""
    return tuple(t for t in InstitutionType if t is not InstitutionType.NONE and mask >> t & 1)


@dataclass(frozen=True)
class Linker:
    """Who may link codes in a namespace: an account (a registry contract), the kind of record
    it links (``NONE``: it may not link there) and the institution types it links for."""

    account: Address
    kind: RecordKind
    institution_types: tuple[InstitutionType, ...] = ()

    def to_abi(self) -> tuple[Address, int, int]:
        """As the contract's ``LinkerSetting`` tuple."""
        return (self.account, int(self.kind), types_mask(self.institution_types))

    def describe(self, names: dict[str, str] | None = None) -> str:
        """``FundRegistry:fund:asset_manager`` (the account by its contract name in ``names``,
        an address -> name map, when there)."""
        who = (names or {}).get(self.account.lower(), self.account)
        types = "+".join(t.label for t in self.institution_types)
        return f"{who}:{self.kind.name.lower()}:{types}"


@dataclass(frozen=True)
class Namespace:
    """A namespace as its records tell it: permanent or not, whose own it is (a LEI, or empty),
    what its codes are, and its linkers now."""

    name: str
    permanent: bool
    owner: str
    description: str
    linkers: tuple[Linker, ...] = field(default_factory=tuple)


def parse_linker(client: Client, text: str) -> Linker:
    """A linker as written on the command line and in deployment parameters:
    ``ACCOUNT:KIND:TYPE[+TYPE...]``, the account a deployed contract's name (``FundRegistry``)
    or an address, the kind ``fund``, ``security``, ``institution`` or ``none`` (no types then).

    Raises:
        ValidationError: naming what is wrong.
    """
    parts = text.strip().split(":")
    if len(parts) not in (2, 3):
        raise ValidationError(f"{text!r} is not ACCOUNT:KIND:TYPE[+TYPE...]")
    who, kind_text = parts[0], parts[1]
    try:
        kind = RecordKind[kind_text.strip().upper()]
        types = tuple(
            InstitutionType.parse(t) for t in (parts[2] if len(parts) == 3 else "").split("+") if t
        )
    except KeyError as exc:
        raise ValidationError(f"{text!r}: no such kind or institution type {exc}") from None
    if (kind is RecordKind.NONE) != (not types):
        raise ValidationError(f"{text!r}: a kind takes institution types, none takes none")
    if who in client.manifest.contracts:
        account = Address(client.manifest.address(who))
    else:
        try:
            account = check_address(who)
        except ValueError as exc:
            raise ValidationError(f"{text!r}: {exc}") from None
    return Linker(account, kind, types)


def describe_target(target: CodeTarget) -> str:
    """The record a code points to, for people: ``fund BP000000018``, ``security
    JP3633400001`` (a record id that is no text in 0x-hex)."""
    raw = bytes(target.record_id).rstrip(b"\0")
    text = raw.decode("latin-1")
    if not (raw and raw.isascii() and text.isprintable()):
        text = "0x" + bytes(target.record_id).hex()
    return f"{target.kind.name.lower()} {text}"


def resolve_code(client: Client, namespace: str, value: str) -> CodeTarget | None:
    """The record a code points to, or None when the code is free."""
    call = client.contract(CONTRACT).functions.resolve(
        bytes32_from_ascii(namespace), bytes32_from_ascii(value)
    )
    try:
        kind, record = client.read(call)
    except exceptions.CodeRegistryUnknownCode:
        return None
    return CodeTarget(RecordKind(kind), bytes(record))


def open_namespace(client: Client, typed: str) -> str:
    """The open namespace ``typed`` names: as typed, else in capitals (``isin`` is ``ISIN``;
    the platform's namespaces are in capitals, one an operator opens may not be).

    Raises:
        ValidationError: no namespace of that name, in either case, is open on the platform.
    """
    registry = client.contract(CONTRACT).functions
    name = typed.strip()
    for candidate in dict.fromkeys((name, name.upper())):
        if candidate and client.read(registry.getNamespace(bytes32_from_ascii(candidate)))[0]:
            return candidate
    raise ValidationError(f"no namespace {name!r} is open on the platform (ISIN, ITA...)")


def linker_of(client: Client, namespace: str, account: str) -> Linker:
    """What ``account`` (an address, or a deployed contract's name) may link in a namespace
    now (kind ``NONE``: nothing)."""
    if account in client.manifest.contracts:
        account = client.manifest.address(account)
    address = check_address(account)
    call = client.contract(CONTRACT).functions.linkerOf(bytes32_from_ascii(namespace), address)
    kind, mask = client.read(call)
    return Linker(address, RecordKind(kind), types_from_mask(int(mask)))


def namespaces(client: Client) -> list[Namespace]:
    """Every namespace in the order registered, with its linkers now, from its records."""
    found: dict[str, dict[str, Any]] = {}
    linkers: dict[str, dict[str, Linker]] = {}
    events = ["NamespaceRegistered", "NamespaceLinkerSet"]
    for entry in records_of(client, CONTRACT, PROJECTORS, events):
        data, name = entry.data, entry.record.key
        if entry.event == "NamespaceRegistered":
            found[name] = data
            linkers[name] = {}
            continue
        account = check_address(str(data["account"]))
        if int(data["kind"]) == RecordKind.NONE:
            linkers[name].pop(account, None)
        else:
            types = types_from_mask(int(data["institutionTypes"]))
            linkers[name][account] = Linker(account, RecordKind(int(data["kind"])), types)
    return [
        Namespace(
            name=name,
            permanent=bool(data["permanent"]),
            owner=str(data["ownerText"]),
            description=str(data["description"]),
            linkers=tuple(linkers[name].values()),
        )
        for name, data in found.items()
    ]


def code_index(client: Client) -> CodeIndex:
    """Every code linked now, from the registry's records since the deployment."""
    index: CodeIndex = {}
    for entry in records_of(client, CONTRACT, PROJECTORS, ["CodeLinked", "CodeUnlinked"]):
        data = entry.data
        key = (str(data["namespaceText"]), str(data["valueText"]))
        if entry.event == "CodeLinked":
            record = bytes.fromhex(str(data["recordId"]).removeprefix("0x"))
            index[key] = CodeTarget(RecordKind(int(data["kind"])), record)
        else:
            index.pop(key, None)
    return index


def codes_of(client: Client, kind: RecordKind, record_id: bytes) -> list[tuple[str, str]]:
    """The (namespace, value) codes pointing at a record, in the order they were linked."""
    wanted = CodeTarget(kind, bytes(record_id))
    return [key for key, target in code_index(client).items() if target == wanted]


def code_history(client: Client, namespace: str, value: str) -> list[dict[str, Any]]:
    """Every link and unlink of one code, in chain order: ``event``, ``block``,
    ``transaction``, ``kind``, ``record`` (as text when it is), ``institution`` (the LEI it was
    linked for), ``by`` and ``reason`` (who freed it, and why)."""
    where = {"namespace": bytes32_from_ascii(namespace), "value": bytes32_from_ascii(value)}
    entries = records_of(client, CONTRACT, PROJECTORS, ["CodeLinked", "CodeUnlinked"], where)
    return [
        {
            "event": entry.event,
            "block": entry.block_number,
            "transaction": entry.transaction_hash,
            "kind": RecordKind(int(entry.data["kind"])).name.lower(),
            "record": str(entry.data["recordText"]),
            "institution": str(entry.data.get("institutionText", "")) or None,
            "by": entry.data.get("by"),
            "reason": entry.data.get("reason"),
        }
        for entry in entries
    ]


def register_namespace(
    client: Client,
    name: str,
    *,
    permanent: bool = False,
    description: str = "",
    linkers: Sequence[Linker] = (),
) -> TxReceipt:
    """Open a namespace with its linkers (needs OPERATOR_ROLE). A permanent one takes exactly
    one linker, a contract, for good; one without linkers takes no code until the operator
    names one (:func:`set_linker`)."""
    call = client.contract(CONTRACT).functions.registerNamespace(
        bytes32_from_ascii(name), permanent, description, [link.to_abi() for link in linkers]
    )
    return client.sender.send(call, f"namespace {name}")


def set_linker(client: Client, namespace: str, linker: Linker) -> TxReceipt:
    """Name, change or (kind ``NONE``) remove a linker of a namespace that is not permanent
    (needs OPERATOR_ROLE)."""
    call = client.contract(CONTRACT).functions.setLinker(
        bytes32_from_ascii(namespace), *linker.to_abi()
    )
    return client.sender.send(call, f"linker {linker.describe()} of {namespace}")


def unlink_code(client: Client, namespace: str, value: str, reason: str) -> TxReceipt:
    """Free a code (not in a permanent namespace), the reason on the record (needs
    OPERATOR_ROLE; governance replaces it): how a squatted code is undone, for its rightful
    record to link it.

    Raises:
        ValidationError: an empty reason.
    """
    if not reason.strip():
        raise ValidationError("a code is freed only with a reason")
    call = client.contract(CONTRACT).functions.unlink(
        bytes32_from_ascii(namespace), bytes32_from_ascii(value), reason
    )
    return client.sender.send(call, f"unlink {namespace} {value}")
