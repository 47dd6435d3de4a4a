"""The endpoints of the distribution records: the funds a caller sees, each fund's NAVs,
distributions, non-application days and management reports, and the corrections since a block.

Every list is paged (``page_size``, ``cursor`` → ``next_cursor``) and answers in any format
(:mod:`bpost_client.api.formats`); in a file format the next cursor and the block the answer
reflects travel in the headers ``X-BPOST-Next-Cursor`` and ``X-BPOST-Block``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BeforeValidator

from bpost_client.api import models
from bpost_client.api.dependencies import (
    Caller,
    Services,
    caller,
    known_query,
    services,
    visible_fund,
)
from bpost_client.api.errors import ApiError, error_responses
from bpost_client.api.formats import (
    DROPPED_HEADER,
    MEDIA_TYPES,
    Format,
    FormatError,
    check_format,
    dropped_header,
    render,
)
from bpost_client.api.index import Indexed, record_key
from bpost_client.api.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, CursorError, Page, page_of
from bpost_client.api.visibility import FundView
from bpost_client.distribution import navs
from bpost_client.distribution.standard.records import (
    SPEC_VERSION,
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    Record,
)
from bpost_client.distribution.standard.standard_json import record_object

__all__ = ["BLOCK_HEADER", "NEXT_CURSOR_HEADER", "router"]

BLOCK_HEADER = "X-BPOST-Block"
NEXT_CURSOR_HEADER = "X-BPOST-Next-Cursor"

T = TypeVar("T")
R = TypeVar("R", Nav, Distribution, NonApplicationDay, ManagementReport)

router = APIRouter(dependencies=[Depends(known_query)])

Who = Annotated[Caller, Depends(caller)]
App = Annotated[Services, Depends(services)]
VisibleFund = Annotated[FundView, Depends(visible_fund)]
PageSize = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}."),
]
Cursor = Annotated[
    str | None,
    Query(description="The `next_cursor` of the previous page (opaque); none: the first page."),
]
FormatParam = Annotated[
    Format,
    Query(
        alias="format",
        description="json (the standard's JSON dataset plus paging fields), xml (the standard's "
        "XML), csv (vendor CSV, UTF-8) or ita-csv (public daily-NAV CSV of one fund, "
        "Shift_JIS). A format that cannot express the answer is refused with 400.",
    ),
]


@dataclass
class ListQuery:
    """The paging and format of a list: ``page_size``, ``cursor`` and ``format``."""

    page_size: PageSize = DEFAULT_PAGE_SIZE
    cursor: Cursor = None
    fmt: FormatParam = Format.JSON


Listing = Annotated[ListQuery, Depends()]

_FILES = {
    "application/xml": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
}
_FILE_NOTE = (
    " In xml, csv or ita-csv, the next cursor is in the header X-BPOST-Next-Cursor, the block in "
    "X-BPOST-Block, and what the format leaves out (a correction's history, units outstanding) "
    "in X-BPOST-Dropped."
)


_HEADERS = {
    BLOCK_HEADER: {
        "description": "The chain's block the answer reflects.",
        "schema": {"type": "integer"},
    },
    NEXT_CURSOR_HEADER: {
        "description": "The cursor of the next page (xml, csv, ita-csv); absent on the last.",
        "schema": {"type": "string"},
    },
    DROPPED_HEADER: {
        "description": "What the format left out, e.g. `corrections=1, units_outstanding=3`.",
        "schema": {"type": "string"},
    },
}


def _list_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "content": _FILES,
            "headers": _HEADERS,
            "description": "The page, in the format asked for.",
        },
        **error_responses(*statuses),
    }


_FUND_LIST: dict[str, Any] = {
    "tags": ["records"],
    "response_model_exclude_unset": True,
    "responses": _list_responses(400, 401, 404, 422),
}
"""What the routes of a fund's records share."""


def _page(
    items: Sequence[T],
    key: Callable[[T], str],
    listing: str,
    cursor: str | None,
    size: int,
    distinct: Callable[[T], object] | None = None,
) -> Page[T]:
    try:
        return page_of(items, key, listing, cursor, size, distinct)
    except CursorError as exc:
        raise ApiError(400, str(exc), [("query.cursor", str(exc))], "invalid_cursor") from None


def _check(fmt: Format, lists: Sequence[str], one_fund: bool = True) -> None:
    try:
        check_format(fmt, lists, one_fund)
    except FormatError as exc:
        raise ApiError(400, str(exc), [("query.format", str(exc))], "unsupported_format") from None


def _file(
    dataset: Dataset, fmt: Format, fund: str | None, next_cursor: str | None, block: int
) -> Response:
    try:
        content = render(dataset, fmt, fund)
    except FormatError as exc:
        raise ApiError(400, str(exc), [("query.format", str(exc))], "unsupported_format") from None
    headers = {BLOCK_HEADER: str(block)}
    if next_cursor is not None:
        headers[NEXT_CURSOR_HEADER] = next_cursor
    lost = dropped_header(dataset, fmt)
    if lost is not None:
        headers[DROPPED_HEADER] = lost
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


def _query_day(value: Any) -> Any:
    """A day of a query as people write it: 2026-11-17, or 20261117 (read as that day, never as
    a Unix time); any other number is refused."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.isdigit():
        if len(text) != 8:
            raise ValueError("a day is YYYY-MM-DD (or YYYYMMDD), not a number")
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return value


def _by_date(entry: Indexed[Any]) -> str:
    day: dt.date = entry.record.date
    return day.isoformat()


def _records(page: Page[Indexed[R]]) -> list[R]:
    return [e.record for e in page.items]


def _dataset_page(
    list_name: str, records: Sequence[Record], page: Page[Any], who: Caller
) -> dict[str, Any]:
    return {
        "spec_version": SPEC_VERSION,
        list_name: [record_object(r) for r in records],
        "as_of_block": who.block,
        "next_cursor": page.next_cursor,
    }


def _fund_list(
    kind: str,
    listing: str,
    entries: Sequence[Indexed[R]],
    key: Callable[[Indexed[R]], str],
    dataset_of: Callable[[list[R]], Dataset],
    fund: FundView,
    who: Caller,
    query: ListQuery,
) -> Response | dict[str, Any]:
    """A page of a fund's records of one ``kind``: the standard's JSON with the paging fields,
    or the file ``dataset_of`` the page's records makes (400 for a format that cannot carry
    them)."""
    _check(query.fmt, [kind])
    page = _page(entries, key, f"{listing}/{fund.code}", query.cursor, query.page_size)
    records = _records(page)
    if query.fmt is Format.JSON:
        return _dataset_page(kind, records, page, who)
    return _file(dataset_of(records), query.fmt, fund.code, page.next_cursor, who.block)


@router.get(
    "/funds",
    tags=["funds"],
    summary="The funds the caller sees",
    description="The funds of which the caller's institution is a party (asset manager, "
    "trustee, distributor or custodian) and that have at least one record, by code, with the "
    "caller's roles and the number of records of each kind. JSON only: the other formats "
    "carry records, not funds.",
    response_model=models.FundPage,
    response_model_exclude_unset=True,
    responses=error_responses(400, 401, 422),
)
def list_funds(who: Who, app: App, query: Listing) -> dict[str, Any]:
    if query.fmt is not Format.JSON:
        message = f"the list of funds is JSON only ({query.fmt.value} carries records, not funds)"
        raise ApiError(400, message, [("query.format", message)], "unsupported_format")
    seen = [v for code in app.index.funds() if (v := app.directory.visible(who.lei, code))]
    page = _page(seen, lambda v: v.code, "funds", query.cursor, query.page_size)
    funds = []
    for view in page.items:
        latest = app.index.latest_nav(view.code)
        funds.append(
            {
                "code": view.code,
                "name_ja": view.name_ja,
                "name_en": view.name_en,
                "status": view.status.name.lower(),
                "asset_manager": view.asset_manager,
                "roles": [role.name.lower() for role in view.roles_of(who.lei)],
                "latest_nav_date": latest.record.date if latest else None,
                "counts": app.index.counts(view.code),
            }
        )
    return {"funds": funds, "as_of_block": who.block, "next_cursor": page.next_cursor}


@router.get(
    "/funds/{code}/nav/latest",
    tags=["records"],
    summary="A fund's latest NAV",
    description="The current version of the NAV of the fund's last NAV day (a correction "
    "carries its version, reason and the values it replaced), and whether the trustee has "
    "confirmed it. 404 when the fund has no NAV yet.",
    response_model=models.LatestNav,
    response_model_exclude_unset=True,
    responses=error_responses(401, 404, 422),
)
def latest_nav(fund: VisibleFund, who: Who, app: App, response: Response) -> dict[str, Any]:
    entry = app.index.latest_nav(fund.code)
    if entry is None:
        raise ApiError(404, f"fund {fund.code} has no NAV yet")
    response.headers[BLOCK_HEADER] = str(who.block)
    state = navs.fund_state(app.client, fund.code)
    confirmed = state.confirmed and state.last_nav_date == entry.record.date
    return {**record_object(entry.record), "confirmed_by_trustee": confirmed}


@router.get(
    "/funds/{code}/navs",
    summary="A fund's NAVs",
    description="The current version of each of the fund's NAVs by date, from `from` to `to` "
    "(both included). In csv and ita-csv a row is a NAV day and carries the distribution of "
    "that day, if any." + _FILE_NOTE,
    response_model=models.NavPage,
    **_FUND_LIST,
)
def list_navs(
    fund: VisibleFund,
    who: Who,
    app: App,
    start: Annotated[
        dt.date | None,
        BeforeValidator(_query_day),
        Query(alias="from", description="The first day (YYYY-MM-DD)."),
    ] = None,
    end: Annotated[
        dt.date | None,
        BeforeValidator(_query_day),
        Query(alias="to", description="The last day (YYYY-MM-DD)."),
    ] = None,
    *,
    query: Listing,
) -> Response | dict[str, Any]:
    if start is not None and end is not None and start > end:
        message = f"from ({start}) is after to ({end})"
        raise ApiError(422, message, [("query.from", message)])

    def with_distributions(records: list[Nav]) -> Dataset:
        """In the CSV formats a NAV row carries its day's distribution."""
        if query.fmt not in (Format.CSV, Format.ITA_CSV):
            return Dataset(navs=records)
        days = {n.date for n in records}
        paid = [e.record for e in app.index.distributions(fund.code) if e.record.date in days]
        return Dataset(navs=records, distributions=paid)

    entries = app.index.navs(fund.code, start, end)
    return _fund_list("navs", "navs", entries, _by_date, with_distributions, fund, who, query)


@router.get(
    "/funds/{code}/distributions",
    summary="A fund's distributions",
    description="The current version of each of the fund's distributions by closing date. In "
    "csv and ita-csv a distribution is written on its day's NAV row, so the NAV of each day is "
    "written too (400 when a day has no NAV)." + _FILE_NOTE,
    response_model=models.DistributionPage,
    **_FUND_LIST,
)
def list_distributions(
    fund: VisibleFund, who: Who, app: App, query: Listing
) -> Response | dict[str, Any]:

    def with_navs(records: list[Distribution]) -> Dataset:
        """In the CSV formats a distribution is written on its day's NAV row."""
        if query.fmt not in (Format.CSV, Format.ITA_CSV):
            return Dataset(distributions=records)
        days = {d.date for d in records}
        navs = [e.record for e in app.index.navs(fund.code) if e.record.date in days]
        return Dataset(navs=navs, distributions=records)

    entries = app.index.distributions(fund.code)
    return _fund_list(
        "distributions", "distributions", entries, _by_date, with_navs, fund, who, query
    )


@router.get(
    "/funds/{code}/non-application-days",
    summary="A fund's non-application days",
    description="The current version of each day on which the fund takes no subscription or "
    "redemption, by date. json or xml: the CSV formats do not carry them." + _FILE_NOTE,
    response_model=models.NonApplicationDayPage,
    **_FUND_LIST,
)
def list_non_application_days(
    fund: VisibleFund, who: Who, app: App, query: Listing
) -> Response | dict[str, Any]:
    entries = app.index.non_application_days(fund.code)
    return _fund_list(
        "non_application_days",
        "non-application-days",
        entries,
        _by_date,
        lambda records: Dataset(non_application_days=records),
        fund,
        who,
        query,
    )


def _by_period(entry: Indexed[ManagementReport]) -> str:
    return f"{entry.record.period:010d}"


@router.get(
    "/funds/{code}/reports",
    summary="A fund's management reports",
    description="The current version of each of the fund's management reports (hash, location "
    "and format of the document), by fiscal period. json or xml: the CSV formats do not carry "
    "them." + _FILE_NOTE,
    response_model=models.ReportPage,
    **_FUND_LIST,
)
def list_reports(
    fund: VisibleFund, who: Who, app: App, query: Listing
) -> Response | dict[str, Any]:
    entries = app.index.reports(fund.code)
    return _fund_list(
        "management_reports",
        "reports",
        entries,
        _by_period,
        lambda records: Dataset(management_reports=records),
        fund,
        who,
        query,
    )


def _by_position(entry: Indexed[Record]) -> str:
    return f"{entry.block:012d}.{entry.log_index:06d}"


def _record_key(entry: Indexed[Record]) -> object:
    return record_key(entry.record)


def _correction(entry: Indexed[Record]) -> dict[str, Any]:
    record = entry.record
    found: dict[str, Any] = {"kind": record.KIND, "fund": record.fund}
    if isinstance(record, ManagementReport):
        found["period"] = record.period
    else:
        found["date"] = record.date
    found.update(version=record.version, block=entry.block, log_index=entry.log_index)
    return found


@router.get(
    "/corrections",
    tags=["corrections"],
    summary="Corrections since a block",
    description="The corrections of the caller's funds made in `since_block` or later, in "
    "chain order: each corrected record with its version, reason and the values it replaced, "
    "and the block of the correction. A page never holds two versions of one record, so it may "
    "end before `page_size`. json or xml: the CSV formats cannot express a correction."
    + _FILE_NOTE,
    response_model=models.CorrectionPage,
    response_model_exclude_unset=True,
    responses=_list_responses(400, 401, 422),
)
def list_corrections(
    who: Who,
    app: App,
    since_block: Annotated[
        int, Query(ge=0, description="The first block to include (0: every correction).")
    ] = 0,
    *,
    query: Listing,
) -> Response | dict[str, Any]:
    lists = ["navs", "distributions", "non_application_days", "management_reports"]
    _check(query.fmt, [*lists, "corrections"], one_fund=False)
    seen: dict[str, bool] = {}

    def visible(code: str) -> bool:
        if code not in seen:
            seen[code] = app.directory.visible(who.lei, code) is not None
        return seen[code]

    entries = app.index.corrections(visible, since_block)
    page = _page(entries, _by_position, "corrections", query.cursor, query.page_size, _record_key)
    dataset = Dataset.of(e.record for e in page.items)
    if query.fmt is not Format.JSON:
        return _file(dataset, query.fmt, None, page.next_cursor, who.block)
    body: dict[str, Any] = {"spec_version": SPEC_VERSION}
    for name in lists:
        body[name] = [record_object(r) for r in getattr(dataset, name)]
    body.update(
        corrections=[_correction(e) for e in page.items],
        as_of_block=who.block,
        next_cursor=page.next_cursor,
    )
    return body
