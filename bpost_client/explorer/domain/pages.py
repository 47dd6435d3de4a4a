"""The routes of the platform's records: institutions, funds, SSIs, securities, calendars and
lending agreements, each a list and a page, all read from the index's ``records`` table."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from bpost_client.explorer.domain import funds, institutions, lending, reference, ssis
from bpost_client.explorer.domain.chart import nav_chart
from bpost_client.explorer.domain.store import day, member_label
from bpost_client.explorer.render import environment, render
from bpost_client.explorer.state import Db
from bpost_client.platform.projection import hex_text

__all__ = ["PAGE_SIZE", "router"]

PAGE_SIZE = 50
"""Lines per page of a list."""

router = APIRouter(default_response_class=HTMLResponse)

environment.filters["lei_text"] = hex_text
environment.filters["label"] = member_label
environment.filters["yyyymmdd"] = day
environment.globals["amount_names"] = lending.AMOUNT_NAMES

After = Annotated[str | None, Query(max_length=80, description="The last key of the page before")]


def _missing(request: Request, what: str, key: str) -> Response:
    return render(request, "domain/missing.html", {"what": what, "key": key}, status_code=404)


def _next(keys: list[str]) -> str | None:
    return keys[-1] if len(keys) == PAGE_SIZE else None


@router.get("/institutions")
def institution_list(request: Request, conn: Db, after: After = None) -> Response:
    found = institutions.institution_list(conn, after, PAGE_SIZE)
    following = _next([i.lei for i in found])
    return render(request, "domain/institutions.html", {"institutions": found, "after": following})


@router.get("/institution/{lei}")
def institution_page(request: Request, conn: Db, lei: str) -> Response:
    key = lei.strip().upper()
    found = institutions.load_institution(conn, key)
    if found is None:
        return _missing(request, "institution", key)
    return render(request, "domain/institution.html", {"institution": found})


@router.get("/funds")
def fund_list(request: Request, conn: Db, after: After = None) -> Response:
    found = funds.fund_list(conn, after, PAGE_SIZE)
    return render(
        request, "domain/funds.html", {"funds": found, "after": _next([f.code for f in found])}
    )


@router.get("/fund/{code}")
def fund_page(request: Request, conn: Db, code: str) -> Response:
    key = code.strip().upper()
    found = funds.load_fund(conn, key)
    if found is None:
        return _missing(request, "fund", key)
    chart = nav_chart(found.navs, found.distributions)
    return render(request, "domain/fund.html", {"fund": found, "chart": chart})


@router.get("/ssis")
def ssi_list(request: Request, conn: Db, after: After = None) -> Response:
    found = ssis.ssi_list(conn, after, PAGE_SIZE)
    return render(
        request, "domain/ssis.html", {"ssis": found, "after": _next([s.key for s in found])}
    )


@router.get("/ssi/{key}")
def ssi_page(request: Request, conn: Db, key: str) -> Response:
    found = ssis.load_ssi(conn, key.strip())
    if found is None:
        return _missing(request, "SSI", key)
    return render(request, "domain/ssi.html", {"ssi": found})


@router.get("/securities")
def security_list(request: Request, conn: Db, after: After = None) -> Response:
    found = reference.security_list(conn, after, PAGE_SIZE)
    following = _next([s.isin for s in found])
    return render(request, "domain/securities.html", {"securities": found, "after": following})


@router.get("/security/{isin}")
def security_page(request: Request, conn: Db, isin: str) -> Response:
    key = isin.strip().upper()
    found = reference.load_security(conn, key)
    if found is None:
        return _missing(request, "security", key)
    return render(request, "domain/security.html", {"security": found})


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
def agreement_list(request: Request, conn: Db, after: After = None) -> Response:
    found = lending.agreement_list(conn, after, PAGE_SIZE)
    following = _next([a.agreement_id for a in found])
    return render(request, "domain/agreements.html", {"agreements": found, "after": following})


@router.get("/agreement/{key}")
def agreement_page(request: Request, conn: Db, key: str) -> Response:
    found = lending.load_agreement(conn, key.strip())
    if found is None:
        return _missing(request, "lending agreement", key)
    return render(request, "domain/agreement.html", {"agreement": found})


@router.get("/statement/{statement_id}")
def statement_page(request: Request, conn: Db, statement_id: str) -> Response:
    found = lending.load_statement(conn, statement_id.strip())
    if found is None:
        return _missing(request, "statement", statement_id)
    return render(request, "domain/statement.html", {"statement": found})
