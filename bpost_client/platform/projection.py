"""Contract events as records: what each event of the platform is about.

Each domain has one projection module (this one for the platform's own contracts, then
``registry.projection``, ``reference.projection``, ``distribution.projection`` and
``lending.projection``) that maps each of its contracts' events to the :class:`Record` s it
yields: ``kind`` (what it is), ``key`` (what it is about), ``ref`` (a second key) and the data
(the event's decoded arguments with ``event`` and ``sender`` added). An event that makes no
record is listed in the module's ``NOT_PROJECTED`` with the reason; a test checks that every
event of every contract has exactly one place. The index and the explorer read the records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bpost_client.identifiers import ascii_from_hex
from bpost_client.types import Role

if TYPE_CHECKING:
    from bpost_client.client import Client

__all__ = [
    "MAX_PROJECTED_WORDS",
    "NOT_PROJECTED",
    "PROJECTORS",
    "Entry",
    "Projector",
    "Record",
    "Recorded",
    "abi_form",
    "hex_text",
    "keyed_by",
    "records_of",
    "roles_held",
    "with_event",
]

MAX_PROJECTED_WORDS = 8192
"""The most packed words of one call or event expanded into records: the most any contract
accepts in one call (``DistributionRegistry.MAX_NAVS``; ``PriceFeed.MAX_WORDS`` is 1,024), so
no accepted batch is cut short."""

_ROLE_NAMES = {"0x" + role.id.hex(): role.value for role in Role}
_PRINTABLE = re.compile(r"[\x20-\x7e]*$")


@dataclass(frozen=True)
class Record:
    """One projected row: what it is (``kind``), what it is about (``key``), a second key
    (``ref``) and the data."""

    kind: str
    key: str
    ref: str | None
    data: dict[str, Any]


class Recorded(Protocol):
    """What a domain's fold reads: a record's data (with its ``event``) and the transaction
    that made it. The explorer's rows of the index and :class:`Entry` both are."""

    @property
    def event(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...

    @property
    def transaction_hash(self) -> str: ...

    @property
    def block_number(self) -> int: ...


def abi_form(value: Any) -> Any:
    """A record's JSON-ready value in the form web3 decodes it to, for the domains' ``from_abi``
    constructors: 0x-hex text as bytes, through lists and objects (not for address fields,
    which are 0x-text too)."""
    if isinstance(value, str) and value.startswith("0x"):
        return bytes.fromhex(value[2:])
    if isinstance(value, list):
        return [abi_form(v) for v in value]
    if isinstance(value, dict):
        return {k: abi_form(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Entry:
    """A record as read from a node by :func:`records_of`, with where the chain holds it."""

    block_number: int
    log_index: int
    transaction_hash: str
    record: Record

    @property
    def event(self) -> str:
        """The name of the event it came from."""
        return str(self.record.data["event"])

    @property
    def data(self) -> dict[str, Any]:
        """The record's data: the event's arguments as the index holds them."""
        return self.record.data


Projector = Callable[[str, Mapping[str, Any], str, Mapping[str, Any] | None], Iterator[Record]]
"""``(event name, decoded arguments, transaction sender, the call's decoded arguments when the
transaction called the event's contract itself) -> records``."""


def hex_text(value: Any) -> str:
    """A 0x-hex bytes value as the ASCII text it holds (zero padding stripped); '' for anything
    that is not printable ASCII."""
    if not isinstance(value, str) or not value.startswith("0x"):
        return ""
    try:
        text = ascii_from_hex(value)
    except ValueError:
        return ""
    return text if _PRINTABLE.match(text) else ""


def with_event(args: Mapping[str, Any], event: str, sender: str, **extra: Any) -> dict[str, Any]:
    """A record's data: the event's arguments with its name and the transaction's sender."""
    return {"event": event, "sender": sender, **args, **extra}


def keyed_by(kind: str, argument: str) -> Projector:
    """The projector of an event that makes one record of ``kind``, about the text its argument
    ``argument`` holds (a LEI, a fund code, an ISIN, a market)."""

    def project(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
        yield Record(kind, hex_text(args[argument]), None, with_event(args, event, sender))

    return project


def _role(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    name = _ROLE_NAMES.get(str(args["role"]).lower(), str(args["role"]))
    data = with_event(args, event, sender, roleName=name)
    yield Record("role", str(args["account"]), None, data)


def _code(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = with_event(
        args,
        event,
        sender,
        namespaceText=hex_text(args["namespace"]),
        valueText=hex_text(args["value"]),
        recordText=hex_text(args["recordId"]) or str(args["recordId"]),
    )
    if "institution" in args:  # whom a CodeLinked was linked for
        data["institutionText"] = hex_text(args["institution"])
    yield Record("code", data["valueText"], data["recordText"], data)


def _namespace(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    name = hex_text(args["namespace"]) or str(args["namespace"])
    data = with_event(args, event, sender, namespaceText=name)
    if "owner" in args:  # NamespaceRegistered: the institution whose own namespace it is
        data["ownerText"] = hex_text(args["owner"])
    yield Record("namespace", name, None, data)


def _mandate(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = with_event(args, event, sender, subjectText=hex_text(args["subject"]))
    yield Record("mandate", hex_text(args["principal"]), hex_text(args["agent"]), data)


def _proposal(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("proposal", str(args["id"]), None, with_event(args, event, sender))


def _emergency(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    subject = hex_text(args.get("lei")) or str(args.get("proposal") or "") or None
    if subject in ("", "0x" + "00" * 32):
        subject = None
    yield Record("emergency", str(args["id"]), subject, with_event(args, event, sender))


def _validator(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = with_event(args, event, sender, leiText=hex_text(args["lei"]))
    yield Record("validator", str(args["signer"]), data["leiText"] or None, data)


PROJECTORS: dict[tuple[str, str], Projector] = {
    **{
        ("ParticipantRegistry", name): keyed_by("institution", "lei")
        for name in (
            "InstitutionRegistered",
            "InstitutionRenamed",
            "InstitutionSuspended",
            "InstitutionReinstated",
            "EncryptionKeyChanged",
            "OperatorAdded",
            "OperatorRemoved",
            "InstitutionRecovered",
        )
    },
    **{
        ("ConsortiumApprovals", name): _proposal
        for name in (
            "ProposalSubmitted",
            "ProposalApproved",
            "ProposalScheduled",
            "ProposalExecuted",
            "ProposalCancelled",
        )
    },
    **{
        ("ConsortiumApprovals", name): _emergency
        for name in ("EmergencyProposed", "EmergencyApproved", "EmergencyExecuted")
    },
    ("PlatformAccess", "RoleGranted"): _role,
    ("PlatformAccess", "RoleRevoked"): _role,
    ("CodeRegistry", "CodeLinked"): _code,
    ("CodeRegistry", "CodeUnlinked"): _code,
    ("CodeRegistry", "NamespaceRegistered"): _namespace,
    ("CodeRegistry", "NamespaceLinkerSet"): _namespace,
    ("Mandates", "MandateGranted"): _mandate,
    ("Mandates", "MandateRevoked"): _mandate,
    ("ConsensusValidators", "ValidatorAdded"): _validator,
    ("ConsensusValidators", "ValidatorRemoved"): _validator,
}
"""institution (by LEI), role (by account), code (by the code; ref: the record it points to),
namespace (by its name: registered, and its linkers named or removed), mandate (by the
principal's LEI; ref: the agent's), proposal (by its id), emergency (by its id; ref: the LEI
it suspends or the proposal it cancels) and validator (by its signer address; ref: the LEI of the
member running its node)."""

_CONTROL = "platform control: its transaction's page shows it; no record is about it"
NOT_PROJECTED: dict[tuple[str, str], str] = {
    **{
        ("PlatformAccess", name): _CONTROL
        for name in (
            "DefaultAdminDelayChangeCanceled",
            "DefaultAdminDelayChangeScheduled",
            "DefaultAdminTransferCanceled",
            "DefaultAdminTransferScheduled",
            "Paused",
            "Unpaused",
            "RoleAdminChanged",
        )
    },
    ("PlatformAccess", "ParticipantRegistrySet"): (
        "wiring of the contracts at deployment, no institution's or role's record"
    ),
    **{
        ("PlatformTimelock", name): (
            "the timelock's side of a proposal: the proposal's own record (ConsortiumApprovals, "
            "whose id is the timelock's operation id) holds it"
        )
        for name in (
            "CallScheduled",
            "CallExecuted",
            "CallSalt",
            "Cancelled",
            "MinDelayChange",
            "RoleGranted",
            "RoleRevoked",
            "RoleAdminChanged",
        )
    },
    **{
        ("ConsortiumApprovals", name): (
            "the consortium's own membership and thresholds: set at deployment or by a proposal, "
            "whose record and transaction show it"
        )
        for name in ("ThresholdsChanged", "RoleGranted", "RoleRevoked", "RoleAdminChanged")
    },
    ("KeyRewraps", "DataKeyRewrapped"): (
        "a data key wrapped again to an institution's rotated key: it opens nothing for a reader "
        "of the index; the institution's own client reads it by LEI (platform.rewrap.key_ring)"
    ),
    **{
        (name, "EIP712DomainChanged"): "never emitted: the signing domain is fixed at deployment"
        for name in ("ParticipantRegistry", "ConsortiumApprovals")
    },
}


R = TypeVar("R", bound=Recorded)


def roles_held(rows: Iterable[R]) -> dict[tuple[str, str], R]:
    """The roles held now, from role records in chain order: (role name, account) -> the record
    that granted it."""
    held: dict[tuple[str, str], R] = {}
    for row in rows:
        key = (str(row.data["roleName"]), str(row.data["account"]))
        if row.event == "RoleGranted":
            held[key] = row
        else:
            held.pop(key, None)
    return held


def records_of(
    client: Client,
    contract: str,
    projectors: Mapping[tuple[str, str], Projector],
    events: Iterable[str],
    where: Mapping[str, Any] | None = None,
    from_block: int | None = None,
    to_block: int | None = None,
) -> list[Entry]:
    """The records of ``contract``'s ``events`` in chain order, read from the node and decoded
    and projected exactly as the index does (the transaction's sender is not read: ``sender``
    is empty). ``where`` keeps the logs whose indexed arguments have these values (an event
    that does not index one of them is an error). The blocks read are ``from_block`` (default:
    the deployment's first) to ``to_block`` (default: the head).

    Raises:
        ValueError: an event of ``where`` does not index one of its arguments.
    """
    from eth_abi.abi import encode
    from eth_utils.abi import event_abi_to_log_topic

    from bpost_client.contracts import load_abi
    from bpost_client.platform.decode import Decoder

    decoder = Decoder(client.manifest)
    address = client.manifest.address(contract)
    first = client.manifest.start_block if from_block is None else from_block
    last = client.w3.eth.block_number if to_block is None else to_block
    abis = {item["name"]: item for item in load_abi(contract) if item.get("type") == "event"}
    found: list[Entry] = []
    for name in events:
        abi = abis[name]
        indexed = {str(p["name"]): str(p["type"]) for p in abi["inputs"] if p.get("indexed")}
        topics: list[Any] = ["0x" + event_abi_to_log_topic(abi).hex()]  # type: ignore[arg-type]
        wanted = dict(where or {})
        if missing := set(wanted) - set(indexed):
            raise ValueError(f"{contract}.{name} does not index {', '.join(sorted(missing))}")
        for argument, kind in indexed.items():
            value = wanted.get(argument)
            topics.append(None if value is None else "0x" + encode([kind], [value]).hex())
        while topics and topics[-1] is None:
            topics.pop()
        for log in _paged_logs(client, address, topics, first, last):
            decoded = decoder.log(address, list(log["topics"]), bytes(log["data"]))
            projector = projectors.get((contract, decoded.event or ""))
            if projector is None:
                continue
            for record in projector(decoded.event or "", decoded.arguments, "", None):
                found.append(
                    Entry(
                        int(log["blockNumber"]),
                        int(log["logIndex"]),
                        "0x" + bytes(log["transactionHash"]).hex(),
                        record,
                    )
                )
    return sorted(found, key=lambda e: (e.block_number, e.log_index))


def _paged_logs(
    client: Client, address: str, topics: list[Any], first: int, last: int
) -> Iterator[Any]:
    """The logs from block ``first`` to ``last``, ``DEFAULT_PAGE`` blocks an ``eth_getLogs``
    request, so each answer stays within what nodes allow."""
    from bpost_client.platform.events import DEFAULT_PAGE

    start = first
    while start <= last:
        end = min(start + DEFAULT_PAGE - 1, last)
        query = {"address": address, "fromBlock": start, "toBlock": end, "topics": topics}
        yield from client.w3.eth.get_logs(query)  # type: ignore[arg-type]
        start = end + 1
