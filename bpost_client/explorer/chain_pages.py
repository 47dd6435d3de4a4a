"""The chain pages: home, blocks, transactions, addresses, the deployed contracts, and the one
search box that leads to them (and, through :func:`~bpost_client.explorer.domain.find_domain`
and :func:`~bpost_client.explorer.domain.find_named`, to the records' pages)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from eth_utils.address import to_checksum_address
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from bpost_client.contracts import DEPLOYED_CONTRACTS, load_abi, load_sources
from bpost_client.explorer import queries
from bpost_client.explorer.domain import find_domain, find_named
from bpost_client.explorer.domain.entitled import Entitled
from bpost_client.explorer.render import render
from bpost_client.explorer.state import Db, State
from bpost_client.identifiers import check_address

__all__ = ["ABI_KINDS", "AbiEntry", "abi_entries", "fallback", "router"]

router = APIRouter()
fallback = APIRouter()
"""The page of every other path: 404, within the signed-in layout (included last)."""

HOME_ROWS = 20
BLOCK_ROWS = 100
ADDRESS_ROWS = 50
_TX_HASH = re.compile(r"0x[0-9a-fA-F]{64}")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_BARE_HEX = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
"""A hash or an address typed without its ``0x``."""
_BEFORE = re.compile(r"(\d{1,18})(?::(\d{1,9}))?")
ABI_KINDS = ("function", "event", "error")


@dataclass(frozen=True)
class AbiEntry:
    """A function, event or custom error of an ABI, as people read it."""

    kind: str
    name: str
    signature: str
    mutability: str | None
    returns: str | None


def _type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ", ".join(_param(c) for c in param.get("components", []))
        return f"({inner}){kind[5:]}"
    return kind


def _param(param: dict[str, Any]) -> str:
    words = [_type(param)]
    if param.get("indexed"):
        words.append("indexed")
    if param.get("name"):
        words.append(str(param["name"]))
    return " ".join(words)


def abi_entries(abi: list[dict[str, Any]]) -> dict[str, list[AbiEntry]]:
    """The functions, events and custom errors of ``abi``, each sorted by name."""
    found: dict[str, list[AbiEntry]] = {kind: [] for kind in ABI_KINDS}
    for item in abi:
        kind = item.get("type")
        if kind not in found:
            continue
        inputs = ", ".join(_param(p) for p in item.get("inputs", []))
        outputs = item.get("outputs")
        found[kind].append(
            AbiEntry(
                kind=kind,
                name=str(item["name"]),
                signature=f"{item['name']}({inputs})",
                mutability=item.get("stateMutability"),
                returns=", ".join(_param(p) for p in outputs) if outputs else None,
            )
        )
    for entries in found.values():
        entries.sort(key=lambda e: (e.name, e.signature))
    return found


@router.get("/", include_in_schema=False)
def home(request: Request, app: State, conn: Db) -> Response:
    """The chain's head, the index's checkpoint, the newest blocks and transactions."""
    return render(
        request,
        "chain/home.html",
        {
            "head": app.head(),
            "checkpoint": app.checkpoint(conn),
            "blocks": queries.recent_blocks(conn, HOME_ROWS),
            "transactions": queries.recent_transactions(conn, HOME_ROWS),
        },
    )


@router.get("/block/{number}", include_in_schema=False)
def block_page(
    request: Request,
    app: State,
    conn: Db,
    number: Annotated[int, Path(ge=0, le=2**62, description="a block number")],
    after: Annotated[int | None, Query(ge=0, le=2**31)] = None,
) -> Response:
    """A block's header fields and its transactions (paged by position); the parent and the
    neighbours are linked when the index holds them (it starts at the deployment's first block,
    so that block's parent is shown unlinked)."""
    found = queries.block(conn, number)
    if found is None:
        raise HTTPException(404, f"The index holds no block {number}.")
    rows, more = queries.block_transactions(conn, number, after, BLOCK_ROWS)
    position = app.checkpoint(conn)
    return render(
        request,
        "chain/block.html",
        {
            "block": found,
            "transactions": rows,
            "after": after,
            "next_after": more,
            "previous": number - 1
            if position is not None and number > position.start_block
            else None,
            "next": number + 1 if position is not None and number < position.block_number else None,
        },
    )


def _tx_hash(text: str) -> str:
    if not _TX_HASH.fullmatch(text):
        raise HTTPException(422, f"{text!r} is not a transaction hash (0x and 64 hex digits).")
    return text.lower()


@router.get("/tx/{tx_hash}", include_in_schema=False)
def tx_page(request: Request, conn: Db, tx_hash: str) -> Response:
    """A transaction: where, who, what it called with which arguments, what it emitted, and
    why it failed."""
    key = _tx_hash(tx_hash)
    found = queries.transaction(conn, key)
    if found is None:
        raise HTTPException(404, f"The index holds no transaction {key}.")
    return render(
        request,
        "chain/tx.html",
        {"tx": found, "events": queries.transaction_events(conn, key)},
    )


def _before(text: str | None) -> tuple[int, int | None] | None:
    if text is None or text == "":
        return None
    match = _BEFORE.fullmatch(text)
    if match is None:
        raise HTTPException(422, f"before={text!r} is not a block or block:position.")
    position = match.group(2)
    return int(match.group(1)), None if position is None else int(position)


@router.get("/address/{address}", include_in_schema=False)
def address_page(
    request: Request,
    conn: Db,
    address: str,
    before: Annotated[str | None, Query(description="block or block:position")] = None,
) -> Response:
    """Who an address is, and the transactions it sent and received, newest first."""
    if not _ADDRESS.fullmatch(address):
        raise HTTPException(422, f"{address!r} is not an address (0x and 40 hex digits).")
    try:
        checked = str(check_address(address))
    except ValueError as exc:
        raise HTTPException(422, f"{exc}.") from None
    keyset = _before(before)
    page = queries.address_transactions(conn, checked, keyset, ADDRESS_ROWS)
    return render(
        request,
        "chain/address.html",
        {
            "address": checked,
            "page": page,
            "before": before,
            "next_before": None if page.next_key is None else "{}:{}".format(*page.next_key),
        },
    )


@router.get("/contracts", include_in_schema=False)
def contracts_page(request: Request, app: State) -> Response:
    """The deployed contracts: name, address, deployment block and transaction."""
    manifest = app.client.manifest
    listed = [
        (name, manifest.contracts[name])
        for name in DEPLOYED_CONTRACTS
        if name in manifest.contracts
    ]
    return render(request, "chain/contracts.html", {"contracts": listed, "manifest": manifest})


@router.get("/contract/{name}", include_in_schema=False)
def contract_page(request: Request, app: State, name: str) -> Response:
    """A deployed contract: address, ABI (functions, events, errors), sources and whether the
    code at the address is their compiled code."""
    record = app.client.manifest.contracts.get(name)
    if record is None or name not in DEPLOYED_CONTRACTS:
        raise HTTPException(404, f"The deployment has no contract {name!r}.")
    abi = load_abi(name)
    return render(
        request,
        "chain/contract.html",
        {
            "name": name,
            "record": record,
            "entries": abi_entries(abi),
            "abi_json": json.dumps(abi, indent=2),
            "sources": load_sources(name),
            "code": app.code_check(name),
        },
    )


def _chain_target(conn: Connection, term: str) -> str | None:
    """The page of the transaction or block whose hash, the block whose number, or the address
    ``term`` is, or None."""
    if _TX_HASH.fullmatch(term):
        if queries.transaction_exists(conn, term.lower()):
            return f"/tx/{term.lower()}"
        number = queries.block_number_of(conn, term.lower())
        return None if number is None else f"/block/{number}"
    if term.isascii() and term.isdigit() and len(term) <= 18:
        return f"/block/{int(term)}" if queries.block(conn, int(term)) is not None else None
    if _ADDRESS.fullmatch(term):
        return f"/address/{to_checksum_address(term)}"
    return None


@router.get("/search", include_in_schema=False)
def search(request: Request, conn: Db, reader: Entitled, q: str = "") -> Response:
    """Where the search box leads: a transaction, a block, an address, a record the domain
    pages know (fund code, ISIN, LEI, MIC, agreement id, ...), or the one record whose name
    holds the term; the list of the records whose names hold it when several do; a page saying
    so when nothing is found."""
    term = q.strip()
    if not term:
        return render(request, "chain/search.html", {"query": q, "empty": True}, 422)
    hexed = "0x" + term if _BARE_HEX.fullmatch(term) else term  # a hash typed without 0x
    target = _chain_target(conn, hexed) or find_domain(conn, hexed, reader)
    if target is None:
        named = find_named(conn, term)
        if len(named) > 1:
            return render(request, "chain/search.html", {"query": term, "named": named})
        target = named[0].path if named else None
    if target is None or not target.startswith("/") or target.startswith("//"):
        return render(request, "chain/search.html", {"query": term, "empty": False}, 404)
    return RedirectResponse(target, status_code=303)


@fallback.get("/{path:path}", include_in_schema=False)
def no_page(path: str) -> Response:
    """No page at ``path``."""
    raise HTTPException(404, f"There is no page /{path}.")
