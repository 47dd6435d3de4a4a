"""The records a search term names by their names rather than their codes: institutions by
their current legal names, funds by their current English or Japanese names, securities by
their names. A name matches when it holds the term, Latin letters in any case (on SQLite, whose
``lower()`` folds ASCII only, the letters of ASCII).

The names live in the JSON ``data`` of the records' rows (a registration's, a renaming's, a
proposed change's); the keys of the rows whose name fields hold the term are read, and each
record found is folded and kept only when a name it bears now holds the term, so a former name
does not match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.institutions import load_institution
from bpost_client.explorer.domain.store import record_path, rows_of
from bpost_client.indexer.schema import records
from bpost_client.reference.projection import security_of
from bpost_client.registry.projection import fold_fund

__all__ = ["MOST_NAMED", "Named", "find_named"]

MOST_NAMED = 50
"""The most records a name search lists."""


@dataclass(frozen=True)
class Named:
    """A record whose name holds the search term."""

    kind: str
    """``institution``, ``fund`` or ``security``."""
    key: str
    """Its LEI, fund code or ISIN."""
    names: tuple[str, ...]
    """Its current names (a fund's English and Japanese names)."""

    @property
    def path(self) -> str:
        """Its page in the explorer."""
        return record_path(self.kind, self.key)


def _institution(conn: Connection, lei: str) -> tuple[str, ...]:
    found = load_institution(conn, lei, details=False)
    return () if found is None else (found.legal_name,)


def _fund(conn: Connection, code: str) -> tuple[str, ...]:
    found = fold_fund(code, rows_of(conn, "fund", code))
    return () if found is None else (found.attributes.name_en, found.attributes.name_ja)


def _security(conn: Connection, isin: str) -> tuple[str, ...]:
    found = rows_of(conn, "security", isin, limit=1)
    return (security_of(found[0]).name,) if found else ()


_NAMES: dict[str, Callable[[Connection, str], tuple[str, ...]]] = {
    "institution": _institution,
    "fund": _fund,
    "security": _security,
}
"""The current names of a record of each kind, by its key."""


_NAME_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "institution": (("legalName",),),
    "fund": (("attributes", "nameEn"), ("attributes", "nameJa")),
    "security": (("name",),),
}
"""Where the rows of each kind hold names: paths into their ``data``."""


def _like(term: str) -> str:
    """The LIKE pattern of text that holds ``term`` (its wildcards escaped with ``\\``)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _candidates(conn: Connection, kind: str, term: str) -> Iterator[str]:
    """The keys of ``kind`` with a row a name field of which holds ``term`` in any case, in key
    order."""
    pattern = _like(term)
    holds = or_(
        *(
            records.c.data[path].as_string().ilike(pattern, escape="\\")
            for path in _NAME_FIELDS[kind]
        )
    )
    query = (
        select(records.c.key)
        .where(and_(records.c.kind == kind, holds))
        .group_by(records.c.key)
        .order_by(records.c.key)
        .limit(MOST_NAMED)
    )
    yield from (str(key) for key in conn.execute(query).scalars())


def find_named(conn: Connection, term: str) -> list[Named]:
    """The institutions, funds and securities a current name of which holds ``term`` (Latin
    letters in any case), by kind then key, at most :data:`MOST_NAMED`."""
    wanted = term.strip().casefold()
    if not wanted:
        return []
    found: list[Named] = []
    for kind, names_of in _NAMES.items():
        for key in _candidates(conn, kind, term.strip()):
            names = names_of(conn, key)
            if any(wanted in name.casefold() for name in names):
                found.append(Named(kind, key, names))
                if len(found) == MOST_NAMED:
                    return found
    return found
