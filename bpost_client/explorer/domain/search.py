"""What a search term names among the platform's records: a fund (by platform code, ISIN, ITA
code or any other linked code), a security (ISIN or local code), an institution (LEI), a market's
calendar (its MIC), a lending agreement, a statement or an SSI (0x-hex keys: an agreement's
reference is sealed to its parties, the explorer knows it by its id) when the signed-in
institution may see it (:func:`~bpost_client.explorer.domain.entitled.sees`): one it may not
see is not found. Names are searched by :func:`~bpost_client.explorer.domain.named.find_named`."""

from __future__ import annotations

import re

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.entitled import sees
from bpost_client.explorer.domain.store import record_path
from bpost_client.indexer.schema import records
from bpost_client.platform.entitlement import Reader

__all__ = ["find_domain"]

_HEX32 = re.compile(r"0x[0-9a-fA-F]{64}$")
_FUND = re.compile(r"BP[0-9A-Z]{9}$")
_LONGEST = 80


def _first(conn: Connection, kinds: tuple[str, ...], key: str) -> tuple[str, str | None] | None:
    row = conn.execute(
        select(records.c.kind, records.c.ref)
        .where(and_(records.c.kind.in_(kinds), records.c.key == key))
        .limit(1)
    ).first()
    return None if row is None else (str(row[0]), row[1])


def find_domain(conn: Connection, term: str, reader: Reader) -> str | None:
    """The explorer path of the record ``term`` names that ``reader`` may see, or None."""
    text = term.strip()
    if not text or len(text) > _LONGEST:
        return None
    if _HEX32.match(text):
        lowered = text.lower()
        found = _first(conn, ("statement", "ssi", "agreement"), lowered)
        if found is not None and sees(conn, reader, found[0], lowered):
            return record_path(found[0], lowered)
    upper = text.upper()
    if _FUND.match(upper) and _first(conn, ("fund",), upper) is not None:
        return record_path("fund", upper)
    for kind in ("institution", "security", "calendar"):
        if _first(conn, (kind,), upper) is not None:
            return record_path(kind, upper)
    linked = _first(conn, ("code",), upper) or _first(conn, ("code",), text)
    if linked is not None and linked[1]:
        target = linked[1]
        if _FUND.match(target):
            return record_path("fund", target)
        if _first(conn, ("security",), target) is not None:
            return record_path("security", target)
    return None
