"""A fund as the explorer shows it: its codes, its current record, every request with who
proposed and who acknowledged it, its NAVs and the notices of its distributions, non-application
days and management reports, each with the transaction that put it on chain."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from bpost_client.distribution.projection import fold_navs
from bpost_client.explorer.domain.store import Row, day, keys_of, rows_by_ref, rows_of
from bpost_client.registry.projection import RegisteredFund, fold_fund

__all__ = ["Code", "FundDetail", "FundSummary", "NavLine", "NoticeLine", "fund_list", "load_fund"]


@dataclass(frozen=True)
class Code:
    """A code linked to the fund in the CodeRegistry (``unlinked`` once freed by the operator,
    with the ``reason`` on the record)."""

    namespace: str
    value: str
    transaction: str
    unlinked: bool = False
    reason: str = ""


@dataclass(frozen=True)
class NavLine:
    """The NAV of a day as it stands (the latest version), per 10,000 units in yen."""

    day: date
    nav: int
    net_assets: int
    units: int
    version: int
    transaction: str
    confirmed_by: str = ""


@dataclass(frozen=True)
class NoticeLine:
    """A distribution, non-application day or management report as it stands."""

    kind: str
    day: date | None
    version: int
    details: dict[str, Any]
    transaction: str
    reason: str = ""


@dataclass
class FundDetail(RegisteredFund[Row]):
    """Everything the explorer shows of one fund: the fund as its records tell it (the same
    fold as the client's reads), its codes, NAVs and notices."""

    codes: list[Code] = field(default_factory=list)
    navs: list[NavLine] = field(default_factory=list)
    distributions: list[NoticeLine] = field(default_factory=list)
    non_application_days: list[NoticeLine] = field(default_factory=list)
    reports: list[NoticeLine] = field(default_factory=list)


def _navs(rows: list[Row]) -> list[NavLine]:
    return [
        NavLine(
            s.day,
            s.nav,
            s.net_assets,
            s.units,
            s.version,
            s.record.transaction_hash,
            s.confirmed_by,
        )
        for s in fold_navs(rows)
    ]


_NOTICE_KINDS = {
    "Distribution": "distribution",
    "NonApplicationDay": "non-application day",
    "Report": "report",
}


def _notices(rows: list[Row]) -> dict[str, list[NoticeLine]]:
    current: dict[tuple[str, int], NoticeLine] = {}
    for row in rows:
        event = row.event
        stem = event.removesuffix("Published").removesuffix("Corrected")
        kind = _NOTICE_KINDS.get(stem)
        if kind is None:
            continue
        record = row.data["record"] if event.endswith("Published") else row.data["current"]
        slot = int(row.data.get("date", row.data.get("period", 0)))
        details = {
            k: v for k, v in record.items() if k not in ("serial", "version", "date", "period")
        }
        if "period" in record:
            details["period"] = record["period"]
        current[(kind, slot)] = NoticeLine(
            kind=kind,
            day=day(record.get("date", 0)),
            version=int(record["version"]),
            details=details,
            transaction=row.transaction_hash,
            reason=str(row.data.get("reason", "")),
        )
    grouped: dict[str, list[NoticeLine]] = {kind: [] for kind in _NOTICE_KINDS.values()}
    for (kind, slot), notice in sorted(current.items(), key=lambda item: item[0]):
        del slot
        grouped[kind].append(notice)
    return grouped


def load_fund(conn: Connection, code: str) -> FundDetail | None:
    """The fund ``code`` (a platform fund code) from the index, or None when it was never
    registered."""
    state = fold_fund(code, rows_of(conn, "fund", code))
    if state is None:
        return None
    fund = FundDetail(**{f.name: getattr(state, f.name) for f in fields(state)})
    codes: dict[tuple[str, str], Code] = {}
    for row in rows_by_ref(conn, "code", code):
        name = (str(row.data["namespaceText"]), str(row.data["valueText"]))
        unlinked = row.event == "CodeUnlinked"
        reason = str(row.data.get("reason") or "") if unlinked else ""
        codes[name] = Code(*name, row.transaction_hash, unlinked=unlinked, reason=reason)
    fund.codes = sorted(codes.values(), key=lambda c: (c.unlinked, c.namespace, c.value))
    fund.navs = _navs(rows_of(conn, "nav", code))
    notices = _notices(rows_of(conn, "notice", code))
    fund.distributions = notices["distribution"]
    fund.non_application_days = notices["non-application day"]
    fund.reports = notices["report"]
    return fund


@dataclass(frozen=True)
class FundSummary:
    """A line of the fund list."""

    code: str
    name_en: str
    name_ja: str
    asset_manager: str


def fund_list(conn: Connection, after: str | None, limit: int) -> list[FundSummary]:
    """The funds in code order from the first after ``after``, at most ``limit``, with the
    names of their current records."""
    found = []
    for code in keys_of(conn, "fund", after=after, limit=limit):
        fund = fold_fund(code, rows_of(conn, "fund", code))
        if fund is None:
            continue
        current = fund.attributes
        found.append(FundSummary(code, current.name_en, current.name_ja, fund.asset_manager))
    return found
