"""A fund as the explorer shows it: its codes, its current record, every request with who
proposed and who acknowledged it, its NAVs and the notices of its distributions, non-application
days and management reports, each with the transaction that put it on chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from bpost_client.explorer.domain.store import Row, day, keys_of, label, lei, rows_by_ref, rows_of
from bpost_client.platform.projection import hex_text
from bpost_client.types import FundStatus, FundType, PartyRole, RequestKind

__all__ = [
    "Attributes",
    "Code",
    "Fund",
    "FundSummary",
    "Nav",
    "Notice",
    "Party",
    "Request",
    "fund_list",
    "load_fund",
]


@dataclass(frozen=True)
class Attributes:
    """A fund record's attributes, as text."""

    name_ja: str
    name_en: str
    trustee: str
    fund_type: str
    currency: str
    establishment_date: date | None
    redemption_date: date | None

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Attributes:
        return cls(
            name_ja=str(raw["nameJa"]),
            name_en=str(raw["nameEn"]),
            trustee=lei(raw["trustee"]),
            fund_type=label(FundType, raw["fundType"]),
            currency=hex_text(raw["currency"]),
            establishment_date=day(raw["establishmentDate"]),
            redemption_date=day(raw["redemptionDate"]),
        )


@dataclass(frozen=True)
class Party:
    """An institution with a role in the fund."""

    lei: str
    role: str
    required: bool


@dataclass(frozen=True)
class Code:
    """A code linked to the fund in the CodeRegistry (``unlinked`` once removed)."""

    namespace: str
    value: str
    transaction: str
    unlinked: bool = False


@dataclass
class Request:
    """A proposed establishment, change or redemption and what became of it."""

    request_id: str
    kind: str
    proposer: str
    attributes: Attributes
    effective_date: date | None
    due_date: date | None
    proposed: Row
    acknowledgements: list[Row] = field(default_factory=list)
    rejections: list[Row] = field(default_factory=list)
    withdrawn: Row | None = None
    definitive: Row | None = None

    @property
    def outcome(self) -> str:
        """What became of it: definitive (with its version), rejected, withdrawn or pending."""
        if self.definitive is not None:
            return f"definitive as version {self.definitive.data['version']}"
        if self.rejections:
            return "rejected"
        if self.withdrawn is not None:
            return "withdrawn"
        return "awaiting acknowledgement"


@dataclass(frozen=True)
class Nav:
    """The NAV of a day as it stands (the latest version), per 10,000 units in yen."""

    day: date
    nav: int
    net_assets: int
    units: int
    version: int
    transaction: str
    confirmed_by: str = ""


@dataclass(frozen=True)
class Notice:
    """A distribution, non-application day or management report as it stands."""

    kind: str
    day: date | None
    version: int
    details: dict[str, Any]
    transaction: str
    reason: str = ""


@dataclass
class Fund:
    """Everything the explorer shows of one fund."""

    code: str
    asset_manager: str
    manager_code: str
    registered: Row
    registered_attributes: Attributes
    other_parties: list[Party]
    status: str = "draft"
    version: int = 1
    codes: list[Code] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    navs: list[Nav] = field(default_factory=list)
    distributions: list[Notice] = field(default_factory=list)
    non_application_days: list[Notice] = field(default_factory=list)
    reports: list[Notice] = field(default_factory=list)
    profile: Row | None = None

    @property
    def attributes(self) -> Attributes:
        """The current record: the latest definitive request's attributes, else those
        registered."""
        done = [r for r in self.requests if r.definitive is not None]
        return done[-1].attributes if done else self.registered_attributes

    @property
    def parties(self) -> list[Party]:
        """Its parties now: the asset manager, the current record's trustee, the others."""
        manager = Party(self.asset_manager, "asset manager", True)
        return [manager, Party(self.attributes.trustee, "trustee", True), *self.other_parties]


def _requests(rows: list[Row]) -> list[Request]:
    requests: dict[str, Request] = {}
    for row in rows:
        data = row.data
        if row.event == "ChangeProposed":
            requests[str(data["requestId"])] = Request(
                request_id=str(data["requestId"]),
                kind=label(RequestKind, data["kind"]),
                proposer=lei(data["proposer"]),
                attributes=Attributes.of(data["attributes"]),
                effective_date=day(data["effectiveDate"]),
                due_date=day(data["dueDate"]),
                proposed=row,
            )
            continue
        request = requests.get(str(data.get("requestId")))
        if request is None:
            continue
        if row.event == "ChangeAcknowledged":
            request.acknowledgements.append(row)
        elif row.event == "ChangeRejected":
            request.rejections.append(row)
        elif row.event == "ChangeWithdrawn":
            request.withdrawn = row
        elif row.event == "FundVersionDefinitive":
            request.definitive = row
    return list(requests.values())


def _navs(rows: list[Row]) -> list[Nav]:
    by_day: dict[date, Nav] = {}
    confirmed: dict[date, str] = {}
    for row in rows:
        data = row.data
        when = day(data["date"])
        if when is None:
            continue
        if row.event == "NavsPublished":
            record = data
        elif row.event == "NavCorrected":
            record = data["current"]
        else:  # NavConfirmed
            confirmed[when] = lei(data["trustee"])
            continue
        by_day[when] = Nav(
            day=when,
            nav=int(record["nav"]),
            net_assets=int(record["netAssets"]),
            units=int(record["units"]),
            version=int(record["version"]),
            transaction=row.transaction_hash,
        )
    return [
        Nav(**{**nav.__dict__, "confirmed_by": confirmed.get(when, "")})
        for when, nav in sorted(by_day.items())
    ]


_NOTICE_KINDS = {
    "Distribution": "distribution",
    "NonApplicationDay": "non-application day",
    "Report": "report",
}


def _notices(rows: list[Row]) -> dict[str, list[Notice]]:
    current: dict[tuple[str, int], Notice] = {}
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
        current[(kind, slot)] = Notice(
            kind=kind,
            day=day(record.get("date", 0)),
            version=int(record["version"]),
            details=details,
            transaction=row.transaction_hash,
            reason=str(row.data.get("reason", "")),
        )
    grouped: dict[str, list[Notice]] = {kind: [] for kind in _NOTICE_KINDS.values()}
    for (kind, slot), notice in sorted(current.items(), key=lambda item: item[0]):
        del slot
        grouped[kind].append(notice)
    return grouped


def load_fund(conn: Connection, code: str) -> Fund | None:
    """The fund ``code`` (a platform fund code) from the index, or None when it was never
    registered."""
    rows = rows_of(conn, "fund", code)
    registered = next((r for r in rows if r.event == "FundRegistered"), None)
    if registered is None:
        return None
    data = registered.data
    manager = lei(data["assetManager"])
    parties = [
        Party(lei(p["lei"]), label(PartyRole, p["role"]), bool(p["required"]))
        for p in data["otherParties"]
    ]
    fund = Fund(
        code=code,
        asset_manager=manager,
        manager_code=hex_text(data["managerCode"]),
        registered=registered,
        registered_attributes=Attributes.of(data["attributes"]),
        other_parties=parties,
    )
    fund.requests = _requests(rows)
    for row in rows:
        if row.event == "FundStatusChanged":
            fund.status = label(FundStatus, row.data["to"])
            fund.version = int(row.data["version"])
        elif row.event == "FundVersionDefinitive":
            fund.version = max(fund.version, int(row.data["version"]))
        elif row.event == "ProfileSet":
            fund.profile = row
    codes: dict[tuple[str, str], Code] = {}
    for row in rows_by_ref(conn, "code", code):
        name = (str(row.data["namespaceText"]), str(row.data["valueText"]))
        codes[name] = Code(*name, row.transaction_hash, unlinked=row.event == "CodeUnlinked")
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
        rows = rows_of(conn, "fund", code)
        if not rows or rows[0].event != "FundRegistered":
            continue
        registered = rows[0].data
        done = [r for r in _requests(rows) if r.definitive is not None]
        current = done[-1].attributes if done else Attributes.of(registered["attributes"])
        found.append(
            FundSummary(
                code=code,
                name_en=current.name_en,
                name_ja=current.name_ja,
                asset_manager=lei(registered["assetManager"]),
            )
        )
    return found
