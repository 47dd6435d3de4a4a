"""The events of use case 1's contracts as records (see :mod:`bpost_client.platform.projection`):
fund (by platform fund code), corporate (by LEI), ssi (by SSI key; ref: the owner's LEI); and a
fund folded from its records (:func:`fold_fund`), the corporate version and refusal and the SSI a
record holds (:func:`corporate_of`, :func:`refusal_of`, :func:`ssi_of`), which the client's reads
and the explorer share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from bpost_client.dates import date_from_int
from bpost_client.identifiers import check_lei
from bpost_client.platform.confidential import Sealed
from bpost_client.platform.projection import (
    Projector,
    Record,
    Recorded,
    abi_form,
    hex_text,
    keyed_by,
    with_event,
)
from bpost_client.registry.corporate import CorporateRecord, RefusalReason
from bpost_client.registry.funds import FUND_EVENTS, FundAttributes, Party
from bpost_client.registry.ssi import Ssi, SsiTerms
from bpost_client.types import FundStatus, FundType, Lei, PartyRole, RequestKind

__all__ = [
    "NOT_PROJECTED",
    "PROJECTORS",
    "FundRequest",
    "RegisteredFund",
    "attributes_of",
    "corporate_of",
    "fold_fund",
    "refusal_of",
    "ssi_of",
]


def _ssi(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    owner = hex_text(args["owner"])
    yield Record("ssi", str(args["ssiKey"]).lower(), owner, with_event(args, event, sender))


PROJECTORS: dict[tuple[str, str], Projector] = {
    **{("FundRegistry", name): keyed_by("fund", "fundCode") for name in FUND_EVENTS},
    ("CorporateRegistry", "CorporateInfoPublished"): keyed_by("corporate", "lei"),
    ("CorporateRegistry", "CorporateInfoRefused"): keyed_by("corporate", "lei"),
    ("SsiRegistry", "SsiPublished"): _ssi,
    ("SsiRegistry", "SsiChangeNotified"): _ssi,
}

NOT_PROJECTED: dict[tuple[str, str], str] = {
    ("FundRegistry", "FundListenerSet"): "wiring of the contracts at deployment, no fund's record",
}


# --- the fund, folded from its records -------------------------------------------------------

R = TypeVar("R", bound=Recorded)


def attributes_of(raw: Mapping[str, Any]) -> FundAttributes:
    """A fund record's attributes as a record holds them (0x-hex bytes, yyyymmdd days)."""
    return FundAttributes(
        name_ja=str(raw["nameJa"]),
        name_en=str(raw["nameEn"]),
        trustee=check_lei(hex_text(raw["trustee"])),
        fund_type=FundType(int(raw["fundType"])),
        currency=hex_text(raw["currency"]),
        establishment_date=date_from_int(int(raw["establishmentDate"])) or date.min,
        redemption_date=date_from_int(int(raw["redemptionDate"])),
    )


@dataclass
class FundRequest(Generic[R]):
    """A proposed establishment, change or redemption and what became of it, with the records
    of each step."""

    request_id: int
    kind: RequestKind
    proposer: Lei
    attributes: FundAttributes
    effective_date: date | None
    due_date: date | None
    proposed: R
    acknowledgements: list[R] = field(default_factory=list)
    rejections: list[R] = field(default_factory=list)
    waivers: list[R] = field(default_factory=list)
    withdrawn: R | None = None
    closed: R | None = None
    definitive: R | None = None

    @property
    def outcome(self) -> str:
        """What became of it: definitive (with its version), rejected, withdrawn, closed by the
        operator or pending."""
        if self.definitive is not None:
            return f"definitive as version {self.definitive.data['version']}"
        if self.rejections:
            return "rejected"
        if self.withdrawn is not None:
            return "withdrawn"
        if self.closed is not None:
            return f"closed by the operator: {self.closed.data.get('reason', '')}"
        return "awaiting acknowledgement"


@dataclass
class RegisteredFund(Generic[R]):
    """A fund as its records tell it: registration, requests, versions and status.

    The client's reads (:func:`bpost_client.registry.funds.fund_as_of`, the fund export) fold
    the records they read from a node, and the explorer the records of its index, with
    :func:`fold_fund`.
    """

    code: str
    asset_manager: Lei
    manager_code: str
    registered: R
    registered_attributes: FundAttributes
    other_parties: list[Party]
    status: FundStatus = FundStatus.DRAFT
    version: int = 1
    requests: list[FundRequest[R]] = field(default_factory=list)
    profile: R | None = None

    @property
    def definitive(self) -> list[FundRequest[R]]:
        """The requests that became definitive, by version."""
        done = [r for r in self.requests if r.definitive is not None]
        return sorted(done, key=lambda r: int(r.definitive.data["version"]) if r.definitive else 0)

    @property
    def attributes(self) -> FundAttributes:
        """The current record: the latest definitive version's attributes, else those
        registered."""
        done = self.definitive
        return done[-1].attributes if done else self.registered_attributes

    @property
    def parties(self) -> list[Party]:
        """Its parties now: the asset manager, the current record's trustee, the others."""
        return [
            Party(self.asset_manager, PartyRole.ASSET_MANAGER),
            Party(self.attributes.trustee, PartyRole.TRUSTEE),
            *self.other_parties,
        ]

    def attributes_hashed(self, digest: bytes) -> FundAttributes | None:
        """The attributes registered or proposed whose hash is ``digest`` (the contract keeps
        only the hash of a version's attributes), or None."""
        wanted = "0x" + bytes(digest).hex()
        if str(self.registered.data["attributesHash"]).lower() == wanted:
            return self.registered_attributes
        for request in self.requests:
            if str(request.proposed.data["attributesHash"]).lower() == wanted:
                return request.attributes
        return None

    def attributes_on(self, day: date) -> FundAttributes:
        """The attributes in force on ``day``: the definitive version with the latest effective
        date on or before it (the higher version on a tie), else those registered."""
        in_force = [
            r
            for r in self.definitive
            if r.definitive is not None
            and (date_from_int(int(r.definitive.data["effectiveDate"])) or date.max) <= day
        ]
        if not in_force:
            return self.registered_attributes

        def order(request: FundRequest[R]) -> tuple[int, int]:
            data = request.definitive.data if request.definitive else {}
            return int(data.get("effectiveDate", 0)), int(data.get("version", 0))

        return max(in_force, key=order).attributes


def fold_fund(code: str, rows: Iterable[R]) -> RegisteredFund[R] | None:
    """The fund ``code`` from its ``fund`` records in chain order, None before it was
    registered."""
    fund: RegisteredFund[R] | None = None
    requests: dict[int, FundRequest[R]] = {}
    for row in rows:
        data, event = row.data, row.event
        if event == "FundRegistered":
            fund = RegisteredFund(
                code=code,
                asset_manager=Lei(hex_text(data["assetManager"])),
                manager_code=hex_text(data["managerCode"]),
                registered=row,
                registered_attributes=attributes_of(data["attributes"]),
                other_parties=[
                    Party(Lei(hex_text(p["lei"])), PartyRole(int(p["role"])), bool(p["required"]))
                    for p in data["otherParties"]
                ],
            )
        elif fund is None:
            continue
        elif event == "ChangeProposed":
            request = FundRequest(
                request_id=int(data["requestId"]),
                kind=RequestKind(int(data["kind"])),
                proposer=Lei(hex_text(data["proposer"])),
                attributes=attributes_of(data["attributes"]),
                effective_date=date_from_int(int(data["effectiveDate"])),
                due_date=date_from_int(int(data["dueDate"])),
                proposed=row,
            )
            requests[request.request_id] = request
            fund.requests.append(request)
        elif event == "FundStatusChanged":
            fund.status = FundStatus(int(data["to"]))
            fund.version = int(data["version"])
        elif event == "ProfileSet":
            fund.profile = row
        elif (found := requests.get(int(data.get("requestId", -1)))) is not None:
            if event == "ChangeAcknowledged":
                found.acknowledgements.append(row)
            elif event == "ChangeRejected":
                found.rejections.append(row)
            elif event == "ChangeWithdrawn":
                found.withdrawn = row
            elif event == "ChangeAcknowledgmentWaived":
                found.waivers.append(row)
            elif event == "ChangeClosed":
                found.closed = row
            elif event == "FundVersionMadeDefinitive":
                found.definitive = row
                fund.version = max(fund.version, int(data["version"]))
    return fund


# --- corporate information -------------------------------------------------------------------


def corporate_of(row: Recorded) -> CorporateRecord:
    """The version of an institution's corporate information a ``CorporateInfoPublished``
    record tells: its number, publisher and block, the sealed payload (no content)."""
    data = row.data
    return CorporateRecord(
        lei=check_lei(hex_text(data["lei"])),
        version=int(data["version"]),
        publisher=str(data["publisher"]),
        sealed=Sealed.from_abi(abi_form(data["info"])),
        block=row.block_number,
        transaction=row.transaction_hash,
    )


def refusal_of(row: Recorded) -> tuple[int, Lei, RefusalReason]:
    """The version a ``CorporateInfoRefused`` record refuses, the recipient that refused it and
    why."""
    data = row.data
    return int(data["version"]), check_lei(hex_text(data["by"])), RefusalReason(int(data["reason"]))


# --- SSIs ------------------------------------------------------------------------------------


def ssi_of(row: Recorded) -> Ssi:
    """The SSI version an ``SsiPublished`` record tells: owner, key, version, terms and the
    sealed account."""
    data = row.data
    return Ssi(
        owner=Lei(hex_text(data["owner"])),
        key=abi_form(data["ssiKey"]),
        version=int(data["version"]),
        terms=SsiTerms.from_abi(abi_form(data["terms"])),
        account=Sealed.from_abi(abi_form(data["account"])),
        block=row.block_number,
    )
