"""The routes of the platform's records: institutions, funds, SSIs, securities, calendars and
lending agreements, each a list and a page, all read from the index's ``records`` table.

Lending records, SSIs and corporate information are shown by entitlement
(:mod:`bpost_client.explorer.domain.entitled`): one the signed-in institution may not see is
answered 404 as an unknown key and left out of the lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from bpost_client.explorer.domain import funds, institutions, lending, reference, ssis
from bpost_client.explorer.domain.chart import nav_chart
from bpost_client.explorer.domain.entitled import (
    Entitled,
    agreement_access,
    corporate_shown,
    ssi_visible,
    visible_agreement,
    visible_ssi,
    visible_statement,
)
from bpost_client.explorer.domain.store import day, label, member_label
from bpost_client.explorer.render import environment, render
from bpost_client.explorer.state import Db
from bpost_client.lending.projection import AgreementState
from bpost_client.lending.statements import Refusal, StatementRole
from bpost_client.platform.entitlement import Access, fund_access
from bpost_client.platform.projection import hex_text

__all__ = ["PAGE_SIZE", "router"]

PAGE_SIZE = 50
"""Lines per page of a list."""

router = APIRouter(default_response_class=HTMLResponse)

environment.filters["lei_text"] = hex_text
environment.filters["label"] = member_label
environment.filters["yyyymmdd"] = day
environment.filters["label_role"] = lambda value: label(StatementRole, value)
environment.filters["label_refusal"] = lambda value: label(Refusal, value)

After = Annotated[str | None, Query(max_length=80, description="The last key of the page before")]


def _missing(request: Request, what: str, key: str) -> Response:
    return render(request, "domain/missing.html", {"what": what, "key": key}, status_code=404)


def _next(keys: list[str]) -> str | None:
    return keys[-1] if len(keys) == PAGE_SIZE else None


def _list_route(
    path: str, name: str, load: Callable[[Connection, str | None, int], Sequence[Any]], key: str
) -> None:
    """Serve at ``path`` the list ``load`` reads, a page of :data:`PAGE_SIZE` lines after the
    query's ``after``, by the template ``domain/<name>.html``; ``key`` is the attribute of a line
    the list is ordered by. The route is named as ``load``."""

    def route(request: Request, conn: Db, after: After = None) -> Response:
        found = load(conn, after, PAGE_SIZE)
        following = _next([getattr(line, key) for line in found])
        return render(request, f"domain/{name}.html", {name: found, "after": following})

    router.add_api_route(path, route, methods=["GET"], name=load.__name__)


def _record_page(request: Request, name: str, what: str, key: str, found: object) -> Response:
    """The page of the record ``found`` by the template ``domain/<name>.html``, or a 404 page
    saying there is no ``what`` ``key`` when ``found`` is None."""
    if found is None:
        return _missing(request, what, key)
    return render(request, f"domain/{name}.html", {name: found})


def _code_page(
    request: Request,
    conn: Connection,
    code: str,
    name: str,
    load: Callable[[Connection, str], object],
) -> Response:
    """The page of the ``name`` whose code (a LEI, an ISIN) is ``code``, read in capitals."""
    key = code.strip().upper()
    return _record_page(request, name, name, key, load(conn, key))


_list_route("/institutions", "institutions", institutions.institution_list, "lei")


@router.get("/institution/{lei}")
def institution_page(request: Request, conn: Db, reader: Entitled, lei: str) -> Response:
    key = lei.strip().upper()
    found = institutions.load_institution(conn, key)
    if found is None:
        return _missing(request, "institution", key)
    found.ssis = [k for k in found.ssis if visible_ssi(conn, reader, k) is not None]
    corporate = corporate_shown(reader, key, found.corporate)
    return render(
        request, "domain/institution.html", {"institution": found, "corporate_access": corporate}
    )


_list_route("/funds", "funds", funds.fund_list, "code")


@router.get("/fund/{code}")
def fund_page(request: Request, conn: Db, reader: Entitled, code: str) -> Response:
    """A fund's page: public (every fund is treated as publicly offered), but the proposed
    record of a request not definitive and the reasons given are shown to its parties only."""
    key = code.strip().upper()
    found = funds.load_fund(conn, key)
    if found is None:
        return _missing(request, "fund", key)
    chart = nav_chart(found.navs, found.distributions)
    parties_view = fund_access(reader, (p.lei for p in found.parties)) is Access.CONTENT
    return render(
        request,
        "domain/fund.html",
        {"fund": found, "chart": chart, "fund_parties_view": parties_view},
    )


@router.get("/ssis")
def ssi_list(request: Request, conn: Db, reader: Entitled, after: After = None) -> Response:
    found = ssis.ssi_list(conn, after, PAGE_SIZE, lambda ssi: ssi_visible(reader, ssi))
    following = _next([ssi.key for ssi in found])
    return render(request, "domain/ssis.html", {"ssis": found, "after": following})


@router.get("/ssi/{key}")
def ssi_page(request: Request, conn: Db, reader: Entitled, key: str) -> Response:
    return _record_page(request, "ssi", "SSI", key, visible_ssi(conn, reader, key.strip()))


_list_route("/securities", "securities", reference.security_list, "isin")


@router.get("/security/{isin}")
def security_page(request: Request, conn: Db, isin: str) -> Response:
    return _code_page(request, conn, isin, "security", reference.load_security)


@router.get("/calendars")
def calendar_list(request: Request, conn: Db) -> Response:
    return render(request, "domain/calendars.html", {"markets": reference.market_list(conn)})


@router.get("/calendar/{market}")
def calendar_page(request: Request, conn: Db, market: str) -> Response:
    key = market.strip().upper()
    years = reference.calendar_years(conn, key)
    if not years:
        return _missing(request, "calendar", key)
    return render(request, "domain/calendar.html", {"market": key, "years": years})


@router.get("/agreements")
def agreement_list(request: Request, conn: Db, reader: Entitled, after: After = None) -> Response:
    def seen(agreement: AgreementState[Any]) -> bool:
        return agreement_access(reader, agreement) is not Access.NONE

    found = lending.agreement_list(conn, after, PAGE_SIZE, seen)
    following = _next([agreement.agreement_id for agreement in found])
    return render(request, "domain/agreements.html", {"agreements": found, "after": following})


@router.get("/agreement/{key}")
def agreement_page(request: Request, conn: Db, reader: Entitled, key: str) -> Response:
    found = visible_agreement(conn, reader, key.strip())
    if found is None:
        return _missing(request, "lending agreement", key)
    shown, figures = found
    return render(
        request, "domain/agreement.html", {"agreement": shown.record, "open_figures": figures}
    )


@router.get("/statement/{statement_id}")
def statement_page(request: Request, conn: Db, reader: Entitled, statement_id: str) -> Response:
    found = visible_statement(conn, reader, statement_id.strip())
    if found is None:
        return _missing(request, "statement", statement_id)
    figures = {found.record.statement_id} if found.figures else set()
    return render(
        request, "domain/statement.html", {"statement": found.record, "open_figures": figures}
    )
