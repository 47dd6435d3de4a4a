"""The JSON bodies of the HTTP interface as Pydantic models, from which its OpenAPI description
is generated.

The record models are the standard's JSON record objects (``docs/spec/README.md`` section 4.1):
an absent optional field is left out and ``previous`` holds the values a correction replaced,
``null`` for a field that had none. A page of records is the standard's JSON dataset plus the
paging fields, so a client reads it with any reader of the standard once it drops those.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bpost_client.distribution.standard.records import SPEC_VERSION

__all__ = [
    "Challenge",
    "Correction",
    "CorrectionPage",
    "Distribution",
    "DistributionPage",
    "DistributionPrevious",
    "ErrorBody",
    "ErrorDetail",
    "Fund",
    "FundPage",
    "ManagementReport",
    "ManagementReportPrevious",
    "Nav",
    "NavPage",
    "NavPrevious",
    "NonApplicationDay",
    "NonApplicationDayPage",
    "NonApplicationDayPrevious",
    "RecordCounts",
    "ReportPage",
    "Token",
    "TokenRequest",
]

_ADDRESS = r"^0x[0-9a-fA-F]{40}$"
_SIGNATURE = r"^(0x)?[0-9a-fA-F]{130}$"
RecordKind = Literal["nav", "distribution", "non_application_day", "management_report"]
PartyRoleName = Literal["asset_manager", "trustee", "distributor", "custodian"]
NonApplicationReason = Literal["market_holiday", "bank_holiday", "other"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


FundCode = Annotated[
    str, Field(description="The platform fund code (BP...).", examples=["BP000000018"])
]
Version = Annotated[int, Field(ge=1, description="1 for the original; each correction adds one.")]
Reason = Annotated[str | None, Field(description="Why the record was corrected (version > 1).")]
SpecVersion = Annotated[str, Field(description="The standard's version.", examples=[SPEC_VERSION])]
AsOfBlock = Annotated[int, Field(description="The chain's block the answer reflects.")]
NextCursor = Annotated[
    str | None,
    Field(description="Give it as `cursor` to get the next page; null on the last page."),
]


class NavPrevious(_Body):
    """The values a NAV correction replaced (null: the field had no value)."""

    nav_per_10000_units: int | None = Field(None, ge=1)
    net_assets: int | None = Field(None, ge=0)
    units_outstanding: int | None = Field(None, ge=0)


class Nav(_Body):
    """The NAV of a fund on a business day (standard, section 3.1)."""

    fund: FundCode
    date: dt.date = Field(description="The business day.")
    nav_per_10000_units: int = Field(ge=1, description="Yen per 10,000 units.")
    net_assets: int = Field(ge=0, description="Net assets in yen.")
    units_outstanding: int | None = Field(None, ge=0, description="Units outstanding.")
    version: Version
    correction_reason: Reason = None
    previous: NavPrevious | None = Field(None, description="Only when version > 1.")


class LatestNav(Nav):
    """A fund's latest NAV and whether its trustee has confirmed it."""

    confirmed_by_trustee: bool = Field(
        description="The trustee computed the same NAV independently and confirmed it on chain "
        "(for the current version)."
    )


class DistributionPrevious(_Body):
    """The values a distribution's correction replaced."""

    period: int | None = Field(None, ge=1)
    amount_per_10000_units: int | None = Field(None, ge=0)


class Distribution(_Body):
    """A distribution declared on a fiscal period's closing date (standard, section 3.2)."""

    fund: FundCode
    date: dt.date = Field(description="The closing date of the fiscal period.")
    period: int = Field(ge=1, description="The fiscal period's number.")
    amount_per_10000_units: int = Field(ge=0, description="Yen per 10,000 units.")
    version: Version
    correction_reason: Reason = None
    previous: DistributionPrevious | None = Field(None, description="Only when version > 1.")


class NonApplicationDayPrevious(_Body):
    """The values a non-application day's correction replaced."""

    reason: NonApplicationReason | None = None
    market: str | None = None
    note: str | None = None
    cancelled: bool | None = Field(
        None, description="Whether the day was withdrawn before (given where it changed)."
    )


class NonApplicationDay(_Body):
    """A day on which the fund takes no subscription or redemption (standard, section 3.3)."""

    fund: FundCode
    date: dt.date = Field(description="The day without orders.")
    reason: NonApplicationReason
    market: str | None = Field(
        None, description="The MIC of the closed market (may be absent on a cancelled day)."
    )
    note: str | None = None
    cancelled: bool = Field(
        False,
        description="The day was withdrawn by a correction: the fund takes orders that day "
        "(since 1.1.0; left out when false).",
    )
    version: Version
    correction_reason: Reason = None
    previous: NonApplicationDayPrevious | None = Field(None, description="Only when version > 1.")


class ManagementReportPrevious(_Body):
    """The values a management report's correction replaced."""

    date: dt.date | None = None
    content_hash: str | None = None
    location: str | None = None
    format: str | None = None


class ManagementReport(_Body):
    """A fiscal period's management report: its hash, location and format (section 3.4)."""

    fund: FundCode
    period: int = Field(ge=1, description="The fiscal period the report covers.")
    date: dt.date = Field(description="The issue date.")
    content_hash: str = Field(description="0x and the 64 hex digits of the SHA-256.")
    location: str = Field(description="A URI the document can be fetched from.")
    format: str = Field(description="pdf, html, xbrl ...")
    version: Version
    correction_reason: Reason = None
    previous: ManagementReportPrevious | None = Field(None, description="Only when version > 1.")


class NavPage(_Body):
    """A page of a fund's NAVs: the standard's JSON dataset plus the paging fields."""

    spec_version: SpecVersion
    navs: list[Nav]
    as_of_block: AsOfBlock
    next_cursor: NextCursor


class DistributionPage(_Body):
    """A page of a fund's distributions: the standard's JSON dataset plus the paging fields."""

    spec_version: SpecVersion
    distributions: list[Distribution]
    as_of_block: AsOfBlock
    next_cursor: NextCursor


class NonApplicationDayPage(_Body):
    """A page of a fund's non-application days: the standard's JSON dataset plus paging."""

    spec_version: SpecVersion
    non_application_days: list[NonApplicationDay]
    as_of_block: AsOfBlock
    next_cursor: NextCursor


class ReportPage(_Body):
    """A page of a fund's management reports: the standard's JSON dataset plus paging."""

    spec_version: SpecVersion
    management_reports: list[ManagementReport]
    as_of_block: AsOfBlock
    next_cursor: NextCursor


class Correction(_Body):
    """Where a correction is on chain and which record of the page it made."""

    kind: RecordKind
    fund: FundCode
    date: dt.date | None = Field(None, description="The record's date (not for a report).")
    period: int | None = Field(None, description="The report's period (reports only).")
    version: int = Field(ge=2, description="The version the correction made.")
    block: int = Field(description="The block of the correction.")
    log_index: int = Field(description="The position of its event in the block.")


class CorrectionPage(_Body):
    """A page of corrections in chain order: the corrected records (the standard's JSON dataset:
    each with its version, reason and replaced values), where each was made, and paging. A page
    never holds two versions of one record, so it may end before ``page_size``."""

    spec_version: SpecVersion
    navs: list[Nav]
    distributions: list[Distribution]
    non_application_days: list[NonApplicationDay]
    management_reports: list[ManagementReport]
    corrections: list[Correction] = Field(description="The page's corrections, in chain order.")
    as_of_block: AsOfBlock
    next_cursor: NextCursor


class RecordCounts(_Body):
    """How many records of each kind a fund has, and how many corrections were made."""

    navs: int
    distributions: int
    non_application_days: int
    management_reports: int
    corrections: int


class Fund(_Body):
    """A fund the caller sees: it is one of the fund's parties."""

    code: FundCode
    name_ja: str
    name_en: str
    status: str = Field(description="draft, established, active, suspended, redeeming, redeemed.")
    asset_manager: str = Field(description="The asset manager's LEI.")
    roles: list[PartyRoleName] = Field(description="The caller's roles in the fund.")
    latest_nav_date: dt.date | None = Field(description="The last day with a NAV.")
    counts: RecordCounts


class FundPage(_Body):
    """A page of the funds the caller sees (those with at least one record), by code."""

    funds: list[Fund]
    as_of_block: AsOfBlock
    next_cursor: NextCursor


class Challenge(_Body):
    """A one-time nonce to sign, and the exact text to sign (EIP-191 ``personal_sign``)."""

    nonce: str
    message: str = Field(description="Sign exactly this text.")
    expires_at: dt.datetime


class TokenRequest(_Body):
    """A signed challenge: the signer's address, the nonce and the signature of the text."""

    address: str = Field(pattern=_ADDRESS, examples=["0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"])
    nonce: str = Field(min_length=1, max_length=128)
    signature: str = Field(pattern=_SIGNATURE, description="65 bytes, hex (r, s, v).")


class Token(_Body):
    """A bearer token bound to the institution the signer acts for."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    lei: str = Field(description="The institution the token acts for.")
    expires_at: dt.datetime


class ErrorDetail(_Body):
    """One refused parameter: where it is and why."""

    location: str = Field(examples=["query.page_size"])
    reason: str


class ErrorBody(_Body):
    """Every error answer: a short code, a sentence, and the refused parameters if any."""

    error: str = Field(examples=["not_found"])
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)
