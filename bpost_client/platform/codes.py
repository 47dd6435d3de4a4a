"""The code registry read from the client: one code, the codes of a record, or every link at
once (rebuilt from ``CodeLinked`` and ``CodeUnlinked`` events, for planning large uploads without
a call per code)."""

from __future__ import annotations

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.identifiers import ascii_from_bytes, bytes32_from_ascii
from bpost_client.platform.events import iter_events
from bpost_client.types import CodeTarget, RecordKind

__all__ = ["CodeIndex", "code_index", "codes_of", "resolve_code"]

CONTRACT = "CodeRegistry"

CodeIndex = dict[tuple[str, str], CodeTarget]
"""(namespace, value) as text -> the record the code points to."""


def _text(raw: bytes) -> str:
    return ascii_from_bytes(bytes(raw))


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


def code_index(client: Client) -> CodeIndex:
    """Every code linked now, from the registry's events since the deployment."""
    registry = client.contract(CONTRACT)
    start = client.manifest.start_block
    head = client.w3.eth.block_number
    changes = []
    for event, linked in (("CodeLinked", True), ("CodeUnlinked", False)):
        for log in iter_events(registry, event, start, head):
            changes.append((log["blockNumber"], log["logIndex"], linked, log["args"]))
    index: CodeIndex = {}
    for _, _, linked, args in sorted(changes, key=lambda c: (c[0], c[1])):
        key = (_text(args["namespace"]), _text(args["value"]))
        if linked:
            index[key] = CodeTarget(RecordKind(args["kind"]), bytes(args["recordId"]))
        else:
            index.pop(key, None)
    return index


def codes_of(client: Client, kind: RecordKind, record_id: bytes) -> list[tuple[str, str]]:
    """The (namespace, value) codes pointing at a record, in the order they were linked."""
    wanted = CodeTarget(kind, bytes(record_id))
    return [key for key, target in code_index(client).items() if target == wanted]
