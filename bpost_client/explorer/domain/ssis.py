"""Standing settlement instructions as the explorer shows them: the owner, the terms everyone may
read, and the account details sealed to the parties (shown as sealed, never decrypted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import Row, day, keys_of, lei, rows_of
from bpost_client.platform.projection import hex_text

__all__ = ["Ssi", "SsiVersion", "load_ssi", "ssi_list"]


@dataclass(frozen=True)
class SsiVersion:
    """One published version of an SSI."""

    version: int
    fund: str
    market: str
    security_type: str
    currency: str
    settlement_method: str
    custodian_bic: str
    place_of_settlement: str
    effective_from: date | None
    effective_to: date | None
    account: dict[str, Any]
    row: Row


@dataclass(frozen=True)
class Ssi:
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
    terms = row.data["terms"]
    return SsiVersion(
        version=int(row.data["version"]),
        fund=hex_text(terms["fundCode"]),
        market=hex_text(terms["market"]),
        security_type=hex_text(terms["securityType"]),
        currency=hex_text(terms["currency"]),
        settlement_method=hex_text(terms["settlementMethod"]),
        custodian_bic=hex_text(terms["custodianBic"]),
        place_of_settlement=hex_text(terms["placeOfSettlement"]),
        effective_from=day(terms["effectiveFrom"]),
        effective_to=day(terms["effectiveTo"]),
        account=row.data["account"],
        row=row,
    )


def load_ssi(conn: Connection, key: str) -> Ssi | None:
    """The SSI ``key`` (0x-hex), or None."""
    rows = rows_of(conn, "ssi", key.lower())
    versions = [_version(r) for r in rows if r.event == "SsiPublished"]
    if not versions:
        return None
    owner = lei(rows[0].data["owner"])
    return Ssi(key.lower(), owner, versions, [r for r in rows if r.event == "SsiChangeNotified"])


def ssi_list(conn: Connection, after: str | None, limit: int) -> list[Ssi]:
    """The SSIs in key order from the first after ``after``, at most ``limit``."""
    found = []
    for key in keys_of(conn, "ssi", after=after, limit=limit):
        ssi = load_ssi(conn, key)
        if ssi is not None:
            found.append(ssi)
    return found
