"""Standing settlement instructions as the explorer shows them: the owner, the terms everyone may
read, and the account details sealed to the parties (shown as sealed, never decrypted)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import Row, kept_of, lei, rows_of
from bpost_client.registry import ssi as registry_ssi
from bpost_client.registry.projection import ssi_of

__all__ = ["SsiPage", "SsiVersion", "load_ssi", "ssi_list"]


@dataclass(frozen=True)
class SsiVersion:
    """One published version of an SSI: what the registry's fold reads of its record (the same
    as the client's), its sealed account as the chain holds it, and its row."""

    published: registry_ssi.Ssi
    account: dict[str, Any]
    row: Row

    @property
    def version(self) -> int:
        """The version number."""
        return self.published.version

    @property
    def terms(self) -> registry_ssi.SsiTerms:
        """The terms everyone may read."""
        return self.published.terms


@dataclass(frozen=True)
class SsiPage:
    """An SSI: its key, owner, versions (newest last) and the counterparties notified."""

    key: str
    owner: str
    versions: list[SsiVersion]
    notices: list[Row]

    @property
    def current(self) -> SsiVersion:
        """The newest version."""
        return self.versions[-1]


def _version(row: Row) -> SsiVersion:
    return SsiVersion(ssi_of(row), row.data["account"], row)


def load_ssi(conn: Connection, key: str) -> SsiPage | None:
    """The SSI ``key`` (0x-hex), or None."""
    rows = rows_of(conn, "ssi", key.lower())
    versions = [_version(r) for r in rows if r.event == "SsiPublished"]
    if not versions:
        return None
    owner = lei(rows[0].data["owner"])
    return SsiPage(
        key.lower(), owner, versions, [r for r in rows if r.event == "SsiChangeNotified"]
    )


def ssi_list(
    conn: Connection,
    after: str | None,
    limit: int,
    keep: Callable[[SsiPage], bool] = lambda _ssi: True,
) -> list[SsiPage]:
    """The SSIs ``keep`` keeps, in key order from the first after ``after``, at most
    ``limit``."""

    def kept(key: str) -> SsiPage | None:
        found = load_ssi(conn, key)
        return found if found is not None and keep(found) else None

    return kept_of(conn, "ssi", kept, after=after, limit=limit)
