"""The code registry read from the client: one code, the codes of a record, or every link at
once (rebuilt from the ``CodeLinked`` and ``CodeUnlinked`` records, for planning large uploads
without a call per code)."""

from __future__ import annotations

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import bytes32_from_ascii
from bpost_client.platform.projection import PROJECTORS, records_of
from bpost_client.types import CodeTarget, RecordKind

__all__ = ["CodeIndex", "code_index", "codes_of", "open_namespace", "resolve_code"]

CONTRACT = "CodeRegistry"

CodeIndex = dict[tuple[str, str], CodeTarget]
"""(namespace, value) as text -> the record the code points to."""


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
