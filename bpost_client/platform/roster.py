"""The roster file: institutions, their operator addresses and roles, as YAML or CSV.

``ape run roles <file>`` and ``bpost roles apply <file>`` read it, compare it with the chain and
send only what differs, so a second run with the same file sends nothing. Every bad value is
reported with its row and column before anything is sent.

YAML::

    institutions:
      - lei: 5493001KJTIIGC8Y1R12
        legal_name: Example Asset Management Co., Ltd.
        type: asset_manager
        encryption_key: "0x02..."        # compressed secp256k1 public key
        admission_signature: "0x..."     # the first operator's (bpost participants sign-admission)
        operators:
          - address: "0x..."             # the first: admitted with the institution
            roles: [ASSET_MANAGER]

CSV: one row per operator address, columns ``lei,legal_name,type,encryption_key,address,roles``
(roles separated by ``;``) and optionally ``admission_signature``; the institution's columns
repeat on each of its rows.

The roster admits and grants; it never speaks for an institution. An institution is admitted with
its first operator address and key, which that address signed: the signature comes from the
roster, or, on a development chain, from a dev account's key the caller holds. Further addresses
and later keys are the institution's own to bind and rotate, so a key that differs on chain is
left alone, never overwritten. A caller without OPERATOR_ROLE who is a consortium member turns the
plan into one governance proposal instead of sending it.

On a chain that charges gas (a geth network: it cannot run free of gas), the roster's operator
addresses also need ether to send. Applying it tops each one up from the caller's own funded
account to :data:`TOP_UP_WEI` (or the target given) when it holds less, logging a line per
address; one that holds the target is left alone, so a second run sends nothing for it. On a
gas-free chain (the embedded chain, base fee 0) no ether is sent.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from eth_account.signers.local import LocalAccount
from web3.types import TxParams, Wei

from bpost_client._utils.sender import Call, charges_gas
from bpost_client.client import Client
from bpost_client.exceptions import ContractRevert, RowError, ValidationError
from bpost_client.identifiers import bytes20_from_lei, check_address, check_lei
from bpost_client.platform.governance import MAX_CALLS, is_member, propose_calls
from bpost_client.platform.participants import (
    MAX_NAME_BYTES,
    Admission,
    InstitutionSpec,
    admission_of,
    check_encryption_key,
    get_institution,
    institution_of,
    register_institution_call,
)
from bpost_client.platform.roles import has_role
from bpost_client.types import Address, InstitutionType, Role

__all__ = [
    "CSV_COLUMNS",
    "TOP_UP_WEI",
    "Action",
    "OperatorEntry",
    "Plan",
    "Roster",
    "RosterEntry",
    "apply_plan",
    "parse_roster",
    "plan_roster",
    "read_roster",
]

CSV_COLUMNS = ("lei", "legal_name", "type", "encryption_key", "address", "roles")

TOP_UP_WEI = 10 * 10**18
"""The balance an operator address is topped up to on a chain that charges gas: 10 ether, gas
for months of daily uploads at geth's 1 gwei tip."""

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OperatorEntry:
    """An address acting for an institution, with the roles it should hold."""

    address: Address
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class RosterEntry:
    """One institution of the roster."""

    row: int
    spec: InstitutionSpec
    operators: tuple[OperatorEntry, ...]
    admission: bytes | None = None


@dataclass(frozen=True)
class Roster:
    """A validated roster."""

    entries: tuple[RosterEntry, ...]


@dataclass(frozen=True)
class Action:
    """One transaction the roster needs."""

    description: str
    call: Call


@dataclass
class Plan:
    """What applying a roster would send, and what it found and left alone; once applied by a
    member through governance, the proposals it made."""

    actions: list[Action] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)
    proposals: list[bytes] = field(default_factory=list)
    top_ups: list[Action] = field(default_factory=list)
    """Ether the caller sends from its own account to operator addresses below the target
    balance, on a chain that charges gas (sent directly, never proposed)."""


POWERS = (Role.OPERATOR, Role.GUARDIAN)
"""Roles the default admin (the timelock) grants: a roster names them, a proposal grants them."""


def _signature(text: Any) -> bytes | None:
    raw = str(text or "").strip()
    if not raw:
        return None
    try:
        value = bytes.fromhex(raw.removeprefix("0x"))
    except ValueError:
        raise ValueError("a signature is 65 bytes of 0x-hex") from None
    if len(value) != 65:
        raise ValueError(f"a signature is 65 bytes, not {len(value)}")
    return value


def _field(
    errors: list[RowError], row: int, column: str, parse: Callable[[Any], Any], raw: Any
) -> Any:
    """``parse(raw)``, or None with a RowError recorded when it refuses the value."""
    try:
        return parse(raw)
    except (ValueError, KeyError, TypeError) as exc:
        reason = str(exc) if not isinstance(exc, KeyError) else f"unknown value {exc}"
        errors.append(RowError(row, column, reason))
        return None


def _text(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    """``parse`` applied to a cell as text (an empty cell is the empty string)."""
    return lambda raw: parse("" if raw is None else str(raw))


def _roles(text: Any) -> tuple[Role, ...]:
    items = text if isinstance(text, list) else str(text or "").replace(",", ";").split(";")
    roles = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            role = Role.parse(item)
        except KeyError:
            raise ValueError(f"unknown role {item!r}") from None
        if role is Role.DEFAULT_ADMIN:
            raise ValueError("the default admin is handed over in two steps, not granted here")
        roles.append(role)
    return tuple(dict.fromkeys(roles))


def _name(text: Any) -> str:
    name = str(text or "").strip()
    if not 0 < len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        raise ValueError(f"a legal name takes 1 to {MAX_NAME_BYTES} bytes of UTF-8")
    return name


def _kind(text: Any) -> InstitutionType:
    try:
        return InstitutionType.parse(str(text or ""))
    except KeyError:
        known = ", ".join(t.label for t in InstitutionType if t is not InstitutionType.NONE)
        raise ValueError(f"unknown institution type {text!r} (one of {known})") from None


def _rows_from_yaml(data: Any) -> list[tuple[int, str, dict[str, Any], list[dict[str, Any]]]]:
    if not isinstance(data, dict) or not isinstance(data.get("institutions"), list):
        raise ValidationError("the roster needs a list under 'institutions'")
    rows = []
    for n, item in enumerate(data["institutions"], start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"institutions[{n}] is not a mapping")
        operators = item.get("operators") or []
        if not isinstance(operators, list) or not all(isinstance(o, dict) for o in operators):
            raise ValidationError(f"institutions[{n}].operators is not a list of mappings")
        rows.append((n, f"institutions[{n}].", item, operators))
    return rows


def _rows_from_csv(text: str) -> list[tuple[int, str, dict[str, Any], list[dict[str, Any]]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"the CSV lacks the columns {missing} (expected {list(CSV_COLUMNS)})")
    grouped: dict[str, tuple[int, str, dict[str, Any], list[dict[str, Any]]]] = {}
    errors = []
    for line, record in enumerate(reader, start=2):
        key = (record.get("lei") or "").strip().upper()
        operator = {"address": record["address"], "roles": record["roles"], "_row": line}
        if key in grouped:
            first = grouped[key][2]
            for column in ("legal_name", "type", "encryption_key", "admission_signature"):
                if (record.get(column) or "").strip() != (first.get(column) or "").strip():
                    errors.append(
                        RowError(
                            line, column, f"differs from row {grouped[key][0]} of the same LEI"
                        )
                    )
            grouped[key][3].append(operator)
        else:
            ops = [operator] if (record.get("address") or "").strip() else []
            grouped[key] = (line, "", dict(record), ops)
    if errors:
        raise ValidationError("the roster has bad rows; nothing was sent", errors)
    return list(grouped.values())


def parse_roster(text: str, fmt: str) -> Roster:
    """Validate roster text in ``fmt`` (``yaml`` or ``csv``).

    Raises:
        ValidationError: listing every bad value with its row and column.
    """
    if fmt == "yaml":
        try:
            raw_rows = _rows_from_yaml(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            raise ValidationError(f"the roster is not valid YAML: {exc}") from exc
    elif fmt == "csv":
        raw_rows = _rows_from_csv(text)
    else:
        raise ValidationError(f"unknown roster format {fmt!r}: use yaml or csv")

    errors: list[RowError] = []
    entries = []
    seen_lei: dict[str, int] = {}
    seen_address: dict[str, int] = {}
    for row, prefix, item, operators in raw_rows:
        lei = _field(errors, row, prefix + "lei", _text(check_lei), item.get("lei"))
        name = _field(errors, row, prefix + "legal_name", _name, item.get("legal_name"))
        kind = _field(errors, row, prefix + "type", _kind, item.get("type"))
        key = _field(
            errors, row, prefix + "encryption_key", _text(check_encryption_key),
            item.get("encryption_key"),
        )  # fmt: skip
        admission = _field(
            errors, row, prefix + "admission_signature", _signature,
            item.get("admission_signature"),
        )  # fmt: skip
        if lei is not None:
            if lei in seen_lei:
                errors.append(RowError(row, prefix + "lei", f"{lei} repeats row {seen_lei[lei]}"))
            seen_lei[lei] = row
        ops = []
        for m, op in enumerate(operators, start=1):
            op_row = int(op.get("_row", row))
            op_prefix = f"{prefix}operators[{m}]." if prefix else ""
            address = _field(
                errors, op_row, op_prefix + "address", _text(check_address), op.get("address")
            )
            roles = _field(errors, op_row, op_prefix + "roles", _roles, op.get("roles"))
            if address is not None:
                if address in seen_address:
                    errors.append(
                        RowError(
                            op_row,
                            op_prefix + "address",
                            f"{address} repeats row {seen_address[address]}",
                        )
                    )
                seen_address[address] = op_row
            if address is not None and roles is not None:
                ops.append(OperatorEntry(address, roles))
        if None not in (lei, name, kind, key):
            spec = InstitutionSpec(lei, name, kind, key, tuple(o.address for o in ops))
            entries.append(RosterEntry(row, spec, tuple(ops), admission))
    if errors:
        raise ValidationError("the roster has bad rows; nothing was sent", errors)
    return Roster(tuple(entries))


def read_roster(path: Path) -> Roster:
    """Read and validate a roster file; the format follows the extension (.yaml, .yml, .csv).

    Raises:
        ValidationError: unreadable, unknown extension, or bad rows.
    """
    suffix = Path(path).suffix.lower()
    fmt = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}.get(suffix)
    if fmt is None:
        raise ValidationError(f"{path}: a roster is a .yaml, .yml or .csv file")
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}") from exc
    return parse_roster(text, fmt)


def _unknown_institution(exc: ContractRevert) -> bool:
    return exc.error_name == "ParticipantRegistryUnknownInstitution"


def plan_roster(
    client: Client,
    roster: Roster,
    local_keys: Iterable[LocalAccount] = (),
    *,
    top_up_to: int = TOP_UP_WEI,
) -> Plan:
    """Compare the roster with the chain: the transactions that would make the chain match it.

    ``local_keys`` are keys the caller holds (on a development chain, its dev accounts): a new
    institution whose roster entry carries no admission signature is admitted when its first
    operator's key is among them. On a chain that charges gas, each operator address holding
    less than ``top_up_to`` wei is topped up to it (0: never).

    Raises:
        ValidationError: the roster contradicts the chain (an address bound to another
            institution, a type that differs) or an admission lacks its signature; nothing is
            sent.
    """
    access = client.contract("PlatformAccess")
    keys = {check_address(a.address): a for a in local_keys}
    plan = Plan()
    errors: list[RowError] = []
    for entry in roster.entries:
        spec = entry.spec
        try:
            current = get_institution(client, spec.lei)
        except ContractRevert as exc:
            if not _unknown_institution(exc):
                raise
            current = None
        for op in entry.operators:
            bound = institution_of(client, op.address)
            if bound is not None and bound != spec.lei:
                errors.append(
                    RowError(entry.row, "address", f"{op.address} acts for {bound} on chain")
                )
        if current is None:
            admission = _admission(client, entry, keys, errors)
            if admission is not None:
                call = register_institution_call(spec, admission, client)
                plan.actions.append(Action(f"register {spec.lei} {spec.legal_name}", call))
            bound_now: tuple[str, ...] = spec.operators[:1]
        else:
            if current.kind != spec.kind:
                errors.append(
                    RowError(
                        entry.row,
                        "type",
                        f"{spec.lei} is {current.kind.label} on chain; a type never changes",
                    )
                )
            if current.legal_name != spec.legal_name:
                call = client.contract("ParticipantRegistry").functions.renameInstitution(
                    bytes20_from_lei(spec.lei), spec.legal_name
                )
                plan.actions.append(Action(f"rename {spec.lei} to {spec.legal_name}", call))
            if current.encryption_key != spec.encryption_key:
                plan.left_alone.append(
                    f"{spec.lei} holds another encryption key on chain: an institution rotates "
                    "its own key, the roster never overwrites it"
                )
            for address in current.operators:
                if address not in spec.operators:
                    plan.left_alone.append(
                        f"{address} acts for {spec.lei} on chain, not in the roster"
                    )
            if current.status.name != "ACTIVE":
                plan.left_alone.append(f"{spec.lei} is {current.status.name.lower()} on chain")
            bound_now = current.operators
        for address in spec.operators:
            if address not in bound_now:
                plan.left_alone.append(
                    f"bind {address} to {spec.lei}: the institution's own operator does it, "
                    "with the address's consent (bpost participants add-operator)"
                )
        for op in entry.operators:
            for role in op.roles:
                if has_role(client, role, op.address):
                    continue
                if role in POWERS:
                    plan.left_alone.append(
                        f"{role.name} for {op.address}: a power, granted by a governance "
                        "proposal (bpost governance propose)"
                    )
                    continue
                call = access.functions.grantRole(role.id, op.address)
                plan.actions.append(Action(f"grant {role.name} to {op.address} ({spec.lei})", call))
    if errors:
        raise ValidationError("the roster contradicts the chain; nothing was sent", errors)
    plan.top_ups = _top_ups(client, roster, top_up_to)
    return plan


def _top_ups(client: Client, roster: Roster, target: int) -> list[Action]:
    """Transfers bringing each operator address below ``target`` wei up to it, when the chain
    charges gas (none on a gas-free chain)."""
    if target <= 0 or not charges_gas(client.w3, client.fees):
        return []
    caller = "" if client.account is None else client.address.lower()
    top_ups = []
    for entry in roster.entries:
        for op in entry.operators:
            if op.address.lower() == caller:
                continue
            balance = int(client.w3.eth.get_balance(op.address))
            if balance < target:
                transfer: TxParams = {"to": op.address, "value": Wei(target - balance)}
                transfer["gas"] = 21_000
                top_ups.append(
                    Action(
                        f"top up {op.address} ({entry.spec.lei}) from {balance} to {target} wei "
                        "for gas",
                        transfer,
                    )
                )
    return top_ups


def _admission(
    client: Client,
    entry: RosterEntry,
    keys: dict[Address, LocalAccount],
    errors: list[RowError],
) -> Admission | None:
    """The signed admission of a new institution, or None with the reason recorded."""
    spec = entry.spec
    if not spec.operators:
        errors.append(
            RowError(entry.row, "operators", "an institution is admitted with its first operator")
        )
        return None
    first = spec.operators[0]
    if entry.admission is not None:
        return Admission(first, entry.admission)
    if first in keys:
        return admission_of(client, keys[first], spec)
    errors.append(
        RowError(
            entry.row,
            "admission_signature",
            f"{spec.lei} is admitted only with its first operator's signature: "
            f"bpost participants sign-admission, signed by {first}",
        )
    )
    return None


def apply_plan(client: Client, plan: Plan, on_done: Callable[[Any], None] | None = None) -> int:
    """Send the plan's transactions pipelined, as an operator; as a consortium member without
    OPERATOR_ROLE, submit them as governance proposals instead (their ids in
    ``plan.proposals``). Return how many changes were sent or proposed.

    The plan's top-ups are sent first, from the signer's own account, either way (each logged
    at INFO on this module's logger).

    Raises:
        ValidationError: the signer is neither an operator nor a member.
    """
    if plan.top_ups:
        for top_up in plan.top_ups:
            _log.info("%s: this chain charges gas", top_up.description)
        client.sender.send_all([(a.call, a.description) for a in plan.top_ups], on_done=on_done)
    if not plan.actions:
        return 0
    if has_role(client, Role.OPERATOR, client.address):
        client.sender.send_all([(a.call, a.description) for a in plan.actions], on_done=on_done)
        return len(plan.actions)
    if not is_member(client, client.address):
        raise ValidationError(
            f"{client.address} is neither an operator nor a consortium member: it can neither "
            "send nor propose the roster's changes"
        )
    for start in range(0, len(plan.actions), MAX_CALLS):
        chunk = plan.actions[start : start + MAX_CALLS]
        proposal, receipt = propose_calls(
            client,
            [a.call for a in chunk],
            f"roster: {len(chunk)} change(s): "
            + "; ".join(a.description for a in chunk[:3])
            + ("; ..." if len(chunk) > 3 else ""),
        )
        plan.proposals.append(proposal)
        if on_done is not None:
            on_done(receipt)
    return len(plan.actions)
