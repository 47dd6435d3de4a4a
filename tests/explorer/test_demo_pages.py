"""The explorer's pages of the platform's records, over the demo data: the demo runs once against
the session chain (reverted at the end of the module), is indexed, and the pages are read as the
observer, a party of the demo's lending agreements and a third institution see them, first as
HTML, then in a real browser."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from bpost_client.api.auth import issue_api_token
from bpost_client.client import Client, connect
from bpost_client.distribution import navs, notices
from bpost_client.explorer.app import create_explorer
from bpost_client.explorer.domain import lending as explorer_lending
from bpost_client.explorer.domain import reference as explorer_reference
from bpost_client.explorer.domain.entitled import reader_at
from bpost_client.identifiers import bytes32_from_ascii, lei_from_bytes20
from bpost_client.indexer import Indexer, open_engine
from bpost_client.lending import agreements as lending
from bpost_client.lending import statements as st
from bpost_client.lending.projection import (
    PROJECTORS,
    AgreementState,
    StatementState,
    agreement_of,
    statement_of,
)
from bpost_client.lending.statements import STATEMENT_EVENTS
from bpost_client.platform import codes, participants
from bpost_client.platform.mandates import is_mandated
from bpost_client.platform.projection import records_of
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars, prices
from bpost_client.reference.securities import list_securities
from bpost_client.registry import funds
from bpost_client.types import MandateScope, RecordKind
from tests.conftest import Node, free_port, rpc
from tests.explorer.conftest import OPERATOR, client_of
from tests.explorer.demo_chain import run_demo

OBSERVER = "3538000KASUMIOBS0164"
MANAGER = "3538000SAKURAAM00151"
TRUSTEE = "3538000FUJITRUST0138"
BORROWER = "3538000MINATOSEC0159"
FUND = "BP000000018"
FUND_ITA = "0331A01A"
FUND_ISIN = "JP90C000SK15"
TOYOTA = "JP3633400001"
SECOND_MARKET = "XOSE"
"""A market the demo publishes no calendar of."""
MATCHED_REFERENCE = "SBL-2026-001"
BROKEN_REFERENCE = "SBL-2026-002"
AGENT = "3538000NIHONLEND0172"
LENDER = TRUSTEE
"""Fuji Trust Bank lends to Minato Securities through Nihonbashi (both references above)."""
THIRD = "3538000KANDABANK0193"
"""Kanda Bank: a lender to Minato of its own, no party of Fuji's agreements."""


@dataclass(frozen=True)
class Demo:
    """The indexed demo chain and an explorer over it."""

    client: Client
    app: Any
    token: str
    """The observer's API token."""
    tokens: dict[str, str]
    """An API token of each institution, by LEI."""
    database: str
    agreements: dict[str, str]
    """The demo agreements' ids on chain by their references (sealed to the parties: the
    borrower reads them)."""


@pytest.fixture(scope="module")
def demo(node: Node, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    snapshot = rpc(node.url, "evm_snapshot")
    try:
        run_demo(node)
        client = connect(node.url, node.deployments)
        folder = tmp_path_factory.mktemp("explorer")
        database = f"sqlite:///{folder / 'index.sqlite'}"
        engine = open_engine(database)
        Indexer(client, engine).sync()
        tokens = folder / "tokens.yaml"
        issued = {
            lei: issue_api_token(tokens, lei)
            for lei in (OBSERVER, MANAGER, LENDER, BORROWER, AGENT, THIRD)
        }
        found = lending.agreements_of(client, BORROWER, bytes(dev_account(3).key))
        ids = {a.reference: a.agreement_id for a in found}
        app = create_explorer(engine, client, tokens)
        yield Demo(client, app, issued[OBSERVER], issued, database, ids)
    finally:
        rpc(node.url, "evm_revert", snapshot)


def signed_in_as(demo: Demo, lei: str) -> TestClient:
    """The explorer, signed in as ``lei`` (an API token in the header)."""
    return TestClient(demo.app, headers={"Authorization": f"Bearer {demo.tokens[lei]}"})


@pytest.fixture
def web(demo: Demo) -> TestClient:
    """The explorer, signed in as the observer."""
    return signed_in_as(demo, OBSERVER)


@pytest.fixture
def party(demo: Demo) -> TestClient:
    """The explorer, signed in as Minato Securities, the borrower of the demo's agreements."""
    return signed_in_as(demo, BORROWER)


def text_of(html: str) -> str:
    """What a person reads on a page: the text without tags, spaces collapsed."""
    body = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def main_of(html: str) -> str:
    """The text of a page's ``<main>``: what it says of the path asked, without the header and
    the footer (which name the chain's head block)."""
    found = re.search(r"<main>(.*)</main>", html, flags=re.S)
    assert found, "no <main> on the page"
    return text_of(found.group(1))


def section(html: str, element_id: str) -> str:
    """The text of the table or list with ``element_id``."""
    found = re.search(rf'id="{element_id}".*?</(table|dl|ul)>', html, flags=re.S)
    assert found, f"no #{element_id} on the page"
    return text_of(found.group(0))


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "path"),
    [
        (FUND, f"/fund/{FUND}"),
        (FUND.lower(), f"/fund/{FUND}"),
        (FUND_ITA, f"/fund/{FUND}"),
        (FUND_ISIN, f"/fund/{FUND}"),
        (TOYOTA, f"/security/{TOYOTA}"),
        ("7203", f"/security/{TOYOTA}"),
        (MANAGER, f"/institution/{MANAGER}"),
        ("{broken}", "/agreement/{broken}"),
        ("{shouted}", "/agreement/{broken}"),
    ],
)
def test_search__each_kind_of_term__goes_to_its_page(
    web: TestClient, demo: Demo, term: str, path: str
) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    term = term.format(broken=broken, shouted="0x" + broken[2:].upper())
    path = path.format(broken=broken)
    answer = web.get("/search", params={"q": term}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == path


def test_search__statement_and_ssi_ids__go_to_their_pages(web: TestClient, demo: Demo) -> None:
    statements = demo.client.contract("LendingStatements")
    committed = statements.events.StatementCommitted.get_logs(from_block=0)
    statement_id = "0x" + bytes(committed[0]["args"]["statementId"]).hex()
    answer = web.get("/search", params={"q": "0x" + statement_id[2:].upper()})
    assert answer.status_code == 200
    assert answer.url.path == f"/statement/{statement_id}"
    ssi = demo.client.contract("SsiRegistry").events.SsiPublished.get_logs(from_block=0)[0]
    ssi_key = "0x" + bytes(ssi["args"]["ssiKey"]).hex()
    assert web.get("/search", params={"q": ssi_key}).url.path == f"/ssi/{ssi_key}"


def _fund_codes(client: Client) -> list[str]:
    registered = client.contract("FundRegistry").events.FundRegistered.get_logs(from_block=0)
    return [bytes(log["args"]["fundCode"]).rstrip(b"\0").decode() for log in registered]


def _named_on_chain(client: Client, term: str) -> set[str]:
    """The pages of the institutions, funds and securities a current name of which holds
    ``term`` in any case, as the node answers."""
    wanted = term.casefold()
    found = {
        f"/institution/{i.lei}"
        for i in participants.list_institutions(client)
        if wanted in i.legal_name.casefold()
    }
    for code in _fund_codes(client):
        names = funds.get_fund(client, code).attributes
        if any(wanted in name.casefold() for name in (names.name_en, names.name_ja)):
            found.add(f"/fund/{code}")
    found |= {f"/security/{s.isin}" for s in list_securities(client) if wanted in s.name.casefold()}
    return found


def _searched(web: TestClient, term: str) -> set[str]:
    """Where the search box leads for ``term``: the page it redirects to, the pages it lists,
    or nothing."""
    answer = web.get("/search", params={"q": term}, follow_redirects=False)
    if answer.status_code == 303:
        return {answer.headers["location"]}
    if answer.status_code == 404:
        return set()
    assert answer.status_code == 200, f"{term!r}: {answer.status_code}"
    listed = re.search(r'id="search-named".*?</table>', answer.text, flags=re.S)
    assert listed, f"{term!r}: neither a page nor a list"
    return set(re.findall(r'href="(/[^"]+)"', listed.group(0)))


def test_search__names_whole_or_in_part__in_japanese_or_any_case(
    web: TestClient, demo: Demo
) -> None:
    fund = funds.get_fund(demo.client, FUND).attributes
    toyota = next(s for s in list_securities(demo.client) if s.isin == TOYOTA)
    manager = participants.get_institution(demo.client, MANAGER).legal_name
    japanese = [
        funds.get_fund(demo.client, code).attributes.name_ja for code in _fund_codes(demo.client)
    ]
    kanji = re.findall(r"[\u4e00-\u9fff]+", fund.name_ja)
    katakana = {run for name in japanese for run in re.findall(r"[\u30a0-\u30ff]+", name)}
    assert kanji and katakana, "the demo's Japanese names have kanji and katakana"
    single = {
        fund.name_ja: f"/fund/{FUND}",
        fund.name_en.upper(): f"/fund/{FUND}",
        toyota.name.lower(): f"/security/{TOYOTA}",
        manager.swapcase(): f"/institution/{MANAGER}",
    }
    for term, path in single.items():
        assert _named_on_chain(demo.client, term) == {path}, f"{term!r} names one record"
        assert _searched(web, term) == {path}, term
    for term in [*kanji, *sorted(katakana), "SAKURA", "sakura"]:
        expected = _named_on_chain(demo.client, term)
        assert expected, f"{term!r} names something"
        assert _searched(web, term) == expected, term
    assert len(_named_on_chain(demo.client, "sakura")) > 1, "a list when several match"


@pytest.mark.parametrize("term", ["XTKS", "xtks", " Xtks "])
def test_search__market_identifier_code__goes_to_its_calendar(web: TestClient, term: str) -> None:
    assert "XTKS" in text_of(web.get("/calendars").text)
    answer = web.get("/search", params={"q": term}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/calendar/XTKS"


def test_search__unknown_fund_code__not_found(web: TestClient) -> None:
    answer = web.get("/search", params={"q": "BP99999999Z"})
    assert answer.status_code == 404
    assert "BP99999999Z" in text_of(answer.text)


# --- funds --------------------------------------------------------------------------------


def test_fund_page__codes_current_record_and_parties(web: TestClient, demo: Demo) -> None:
    page = web.get(f"/fund/{FUND}")
    assert page.status_code == 200
    record = funds.get_fund(demo.client, FUND)
    assert record.attributes.name_en in text_of(page.text)
    facts = section(page.text, "fund-record")
    assert f"Version {record.version}" in facts
    assert f"Status {record.status.name.lower()}" in facts
    linked = section(page.text, "fund-codes")
    linked_on_chain = codes.codes_of(demo.client, RecordKind.FUND, bytes32_from_ascii(FUND))
    assert (("ITA", FUND_ITA)) in linked_on_chain
    for namespace, value in linked_on_chain:
        assert f"{namespace} {value}" in linked
    parties = section(page.text, "fund-parties")
    assert {p.lei for p in record.parties} <= set(re.findall(r"3538000\w{13}", parties))


def test_fund_page__versions_show_who_proposed_and_who_acknowledged(
    web: TestClient, demo: Demo
) -> None:
    page = web.get(f"/fund/{FUND}").text
    versions = section(page, "fund-versions")
    history = funds.fund_history(demo.client, FUND)
    acknowledged = history[history["event"] == "ChangeAcknowledged"]
    assert len(acknowledged) > 0
    for request_id, group in acknowledged.groupby("request_id"):
        row = re.search(rf"#{request_id} .*?(?=#\d+ |$)", versions)
        assert row, f"request {request_id} missing"
        assert MANAGER in row.group(0)  # the proposer
        for lei in group["lei"]:
            assert lei in row.group(0)
    assert "definitive as version" in versions


def test_fund_page__nav_chart_has_a_point_per_nav_and_marks_distributions(
    web: TestClient, demo: Demo
) -> None:
    page = web.get(f"/fund/{FUND}").text
    on_chain = {day: r for (code, day), r in navs.current_navs(demo.client).items() if code == FUND}
    points = re.findall(r'class="nav-point"[^>]*data-date="([\d-]+)" data-nav="(\d+)"', page)
    assert {date.fromisoformat(d): int(n) for d, n in points} == {
        day: r.nav for day, r in on_chain.items()
    }
    distributions = {
        str(change.record.day)
        for change in notices.notice_changes(demo.client)
        if isinstance(change.record, notices.DistributionNotice) and change.record.fund == FUND
    }
    marked = re.findall(r'class="distribution-marker" data-date="([\d-]+)"', page)
    assert marked and set(marked) == distributions


def test_fund_list__every_fund_with_its_current_name(web: TestClient, demo: Demo) -> None:
    listed = section(web.get("/funds").text, "funds")
    codes_on_chain = _fund_codes(demo.client)
    assert FUND in codes_on_chain
    for code in codes_on_chain:
        assert f"{code} {funds.get_fund(demo.client, code).attributes.name_en}" in listed


def test_fund_page__unknown_fund__404(web: TestClient) -> None:
    answer = web.get("/fund/BP99999999Z")
    assert answer.status_code == 404
    assert "No such fund" in text_of(answer.text)


# --- institutions and SSIs ----------------------------------------------------------------


def test_institution_page__addresses_with_roles_and_corporate_information(
    web: TestClient,
) -> None:
    page = web.get(f"/institution/{MANAGER}")
    assert page.status_code == 200
    assert "Sakura Asset Management Co., Ltd." in text_of(page.text)
    operators = section(page.text, "operators")
    assert "ASSET_MANAGER_ROLE" in operators
    listing = text_of(web.get("/institutions").text)
    assert "Kasumigaseki Supervisory Observer" in listing


def test_ssi_pages__terms_readable__account_sealed_never_decrypted(
    web: TestClient, demo: Demo
) -> None:
    logs = demo.client.contract("SsiRegistry").events.SsiPublished.get_logs(from_block=0)
    assert logs
    for log in logs:
        key = "0x" + bytes(log["args"]["ssiKey"]).hex()
        page = web.get(f"/ssi/{key}").text
        ciphertext = bytes(log["args"]["account"]["ciphertext"]).hex()
        assert ciphertext[:64] not in page
        assert "sealed" in section(page, "ssi-versions")
        commitment = "0x" + bytes(log["args"]["account"]["commitment"]).hex()
        assert commitment in page
    assert "sealed" in text_of(web.get("/ssis").text)


# --- reference data -----------------------------------------------------------------------


def test_security_page__closes_as_on_chain_and_corrections_marked(
    web: TestClient, demo: Demo
) -> None:
    index = {s.isin: s.index for s in list_securities(demo.client)}
    page = web.get(f"/security/{TOYOTA}").text
    closes = section(page, "closes")
    days = prices.published_dates(demo.client)
    assert days
    for day in days:
        close = prices.close_of(demo.client, index[TOYOTA], day)
        if close is not None:
            assert f"{day} {prices.from_units(close)}" in closes
    corrected = prices.corrections(demo.client)
    assert corrected
    fix = corrected[0]
    isin = next(i for i, n in index.items() if n == fix.index)
    assert "corrected" in section(web.get(f"/security/{isin}").text, "closes")


def test_closes__corrections_read_from_the_node__as_the_explorer_folds_them(demo: Demo) -> None:
    isins = {s.index: s.isin for s in list_securities(demo.client)}
    corrected = prices.corrections(demo.client)
    assert corrected
    with open_engine(demo.database).connect() as conn:
        for fix in corrected:
            shown = explorer_reference.load_security(conn, isins[fix.index])
            assert shown is not None
            [close] = [c for c in shown.closes if c.day == fix.day]
            assert close.corrected and (close.close, close.reason) == (fix.close, fix.reason)
            assert close.close == prices.close_of(demo.client, fix.index, fix.day)
            assert close.record.block_number == fix.block and fix.previous != fix.close


def test_calendar_page__holidays_as_the_chain_answers(web: TestClient, demo: Demo) -> None:
    page = web.get("/calendar/XTKS").text
    calendar = calendars.load_calendar(demo.client, "XTKS")
    for year in (2025, 2026):
        shown = re.search(rf'id="year-{year}".*?</section>', page, flags=re.S)
        assert shown
        holidays = text_of(shown.group(0))
        assert all(str(day) in holidays for day in calendar.holidays(year))


def test_calendar_page__changes_listed_against_the_version_before_only(
    web: TestClient, demo: Demo, node: Node
) -> None:
    assert calendars.calendar_changes(demo.client, "XTKS").empty, "the demo's years are firsts"
    assert "Changed from the version before" not in text_of(web.get("/calendar/XTKS").text)
    operator = client_of(node, OPERATOR)
    year = date(2026, 1, 1)
    weekdays = [d for d in (year + timedelta(days=i) for i in range(365)) if d.weekday() < 5]
    calendars.publish_years(operator, [calendars.year_map(SECOND_MARKET, 2026, weekdays)])
    holiday = weekdays[100]
    later = [d for d in weekdays if d != holiday]
    calendars.publish_years(operator, [calendars.year_map(SECOND_MARKET, 2026, later)])
    Indexer(demo.client, open_engine(demo.database)).sync()
    changed = calendars.calendar_changes(demo.client, SECOND_MARKET)
    assert list(changed["date"]) == [holiday] and list(changed["version"]) == [2]
    shown = text_of(web.get(f"/calendar/{SECOND_MARKET}").text)
    assert "Version 2, published" in shown
    assert f"Changed from the version before: {holiday}." in shown


# --- lending ------------------------------------------------------------------------------


def test_search__an_agreements_reference__leads_nowhere(web: TestClient) -> None:
    """The reference is sealed to the parties: the index knows an agreement by its id only."""
    answer = web.get("/search", params={"q": BROKEN_REFERENCE}, follow_redirects=False)
    assert answer.status_code in (200, 404) and "/agreement/" not in answer.text


def test_institution_page__the_mandates_it_granted_and_holds(web: TestClient) -> None:
    for lei in (TRUSTEE, AGENT):
        shown = section(web.get(f"/institution/{lei}").text, "mandates")
        assert f"{TRUSTEE} {AGENT} lending-agent {BORROWER}" in shown, shown
        assert "until revoked granted" in shown
    none = section(web.get(f"/institution/{MANAGER}").text, "mandates")
    assert none.endswith("Principal Agent Scope Subject Valid Status None."), none


def _statement_of(client: Client, agreement: str) -> tuple[str, st.Statement]:
    logs = client.contract("LendingStatements").events.StatementCommitted.get_logs(from_block=0)
    for log in logs:
        key = "0x" + bytes(log["args"]["input"]["unitKey"]).hex()
        if key == agreement:
            found = "0x" + bytes(log["args"]["statementId"]).hex()
            return found, st.get_statement(client, found)
    raise AssertionError(f"no statement of {agreement}")


def _amounts(client: Client, statement_id: str) -> st.Amounts:
    """The platform's amounts of a demo statement, opened by its agent (dev account 5)."""
    return st.open_statement(client, statement_id, AGENT, bytes(dev_account(5).key)).amounts


def _shows_no_amount(page: str, amounts: st.Amounts) -> None:
    shown = text_of(page)
    for value in amounts.to_abi():
        if abs(value) >= 10_000:  # a short number is on any page (a day, a count)
            assert f"{value:,}" not in shown and f">{value}<" not in page, value


def test_agreement_page__break_shown_by_commitments__no_amount(
    party: TestClient, demo: Demo
) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    page = party.get(f"/agreement/{broken}").text
    statement_id, statement = _statement_of(demo.client, broken)
    shown = text_of(page)
    assert "break" in shown and "resolved" in shown
    explanation = re.search(r'class="break-explanation">(.*?)</li>', page, flags=re.S)
    assert explanation
    said = text_of(explanation.group(1))
    assert "figures differ from the platform's: a break" in said
    assert "0x" + statement.platform.hex() in shown, "the platform's commitment"
    _shows_no_amount(page, _amounts(demo.client, statement_id))
    assert statement_id[:6] in shown


def test_agreement_page__matched_statement_and_sealed_terms(party: TestClient, demo: Demo) -> None:
    matched = demo.agreements[MATCHED_REFERENCE]
    page = party.get(f"/agreement/{matched}").text
    statement_id, _ = _statement_of(demo.client, matched)
    assert "break-explanation" not in page
    _shows_no_amount(page, _amounts(demo.client, statement_id))
    assert "sealed" in section(page, "agreement-terms")
    assert "matched" in text_of(page) or "settled" in text_of(page)


def _institution_labels(html: str) -> dict[str, set[str]]:
    """The labels of the links to institution pages in ``html``, by LEI."""
    found: dict[str, set[str]] = {}
    for lei, label in re.findall(r'<a href="/institution/(\w{20})"[^>]*>([^<]*)</a>', html):
        found.setdefault(lei, set()).add(unescape(label))
    return found


def test_statement_and_agreement_pages__parties_by_name_linked__with_their_leis(
    party: TestClient, demo: Demo
) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    statement_id, statement = _statement_of(demo.client, broken)
    parties = [lei for lei in (statement.lender, statement.borrower, statement.agent) if lei]
    names = {lei: participants.get_institution(demo.client, lei).legal_name for lei in parties}
    statement_page = party.get(f"/statement/{statement_id}").text
    agreement_page = party.get(f"/agreement/{broken}").text
    parties_said = [
        *re.findall(r"<h1>Lending statement</h1>\s*(<p.*?</p>)", statement_page, flags=re.S),
        *re.findall(r'<dl class="facts" id="agreement">.*?</dl>', agreement_page, flags=re.S),
    ]
    assert len(parties_said) == 2, "each page says who the parties are"
    for html in parties_said:
        assert {statement.lender, statement.borrower} <= set(_institution_labels(html)), html
    figures = [  # who submitted which figures
        *re.findall(r'<li class="\w+-explanation">(<a href="/inst.*?</span>)', statement_page),
        *re.findall(r'<li class="\w+-explanation">(<a href="/inst.*?</span>)', agreement_page),
    ]
    resolved = re.findall(r'<p class="resolution">.*?</p>', statement_page, flags=re.S)
    assert figures and resolved, "the demo's break was submitted and resolved"
    settled = re.findall(r"<p>Settlement confirmed by .*?</p>", statement_page, flags=re.S)
    said_by = [set(_institution_labels(html)) for html in settled]
    assert said_by == [{statement.borrower}, {statement.lender}], "both sides confirmed it"
    for html in [*parties_said, *figures, *resolved, *settled]:
        labels = _institution_labels(html)
        assert labels, html
        for lei, shown in labels.items():
            assert shown == {names[lei]}, f"{lei} by its name in {html}"
            assert f"{names[lei]} {lei}" in text_of(html), f"{lei} beside its name in {html}"


def _plain_statement(statement: StatementState[Any]) -> tuple[Any, ...]:
    """What a folded statement says, without the records' own types."""
    return (
        statement.statement_id, statement.lender, statement.borrower, statement.agent,
        statement.unit, statement.unit_key, statement.currency, statement.start, statement.end,
        statement.settlement_date, statement.overdue_after, statement.platform,
        statement.settings_version, statement.status,
        [(status, row.transaction_hash) for status, row in statement.history],
        [(s.role, s.by, s.amounts, s.equal) for s in statement.submissions],
        [c.by for c in statement.comments],
        len(statement.confirmations), len(statement.resolutions), len(statement.approvals),
    )  # fmt: skip


def test_statement__node_records_and_index_rows__one_fold_one_statement(demo: Demo) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    statement_id, stored = _statement_of(demo.client, broken)
    where = {"statementId": bytes.fromhex(statement_id[2:])}
    entries = records_of(demo.client, "LendingStatements", PROJECTORS, STATEMENT_EVENTS, where)
    read = statement_of(entries)
    with open_engine(demo.database).connect() as conn:
        shown = explorer_lending.load_statement(conn, statement_id)
    assert read is not None and shown is not None
    assert _plain_statement(read) == _plain_statement(shown)
    assert shown.status is stored.status and shown.submissions
    logs = []
    for name in STATEMENT_EVENTS:
        event = getattr(demo.client.contract("LendingStatements").events, name)
        logs += event.get_logs(from_block=0, argument_filters=where)
    said = [st.StatementStatus.OPEN]
    for log in sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"])):
        status = log["args"].get("status")
        if log["event"] == "StatementSettled":
            status = st.StatementStatus.SETTLED
        if status is not None and status != said[-1]:
            said.append(st.StatementStatus(status))
    assert [status for status, _ in shown.history] == said
    assert st.StatementStatus.BREAK in said
    history = st.statement_history(demo.client, statement_id)
    assert [s for s in history["status"] if s][-1] == stored.status.name.lower()


def test_agreement__node_records_and_index_rows__one_fold_one_agreement(demo: Demo) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    where = {"agreementId": bytes.fromhex(broken[2:])}
    events = (
        "AgreementProposed",
        "AgreementAcknowledged",
        "MovementsRecorded",
        "MovementsConfirmed",
    )
    read = agreement_of(
        broken, records_of(demo.client, "LendingAgreements", PROJECTORS, events, where)
    )
    with open_engine(demo.database).connect() as conn:
        shown = explorer_lending.load_agreement(conn, broken)
    assert read is not None and shown is not None

    def plain(agreement: AgreementState[Any]) -> tuple[Any, ...]:
        return (
            agreement.agreement_id, agreement.lender, agreement.borrower, agreement.agent,
            [(t.version, t.effective_from, t.proposed.transaction_hash) for t in agreement.terms],
            [(m.version, m.by, m.recorded.transaction_hash) for m in agreement.movements],
            {v: r.transaction_hash for v, r in agreement.acknowledged.items()},
            {v: r.transaction_hash for v, r in agreement.confirmed.items()},
        )  # fmt: skip

    assert plain(read) == plain(shown)
    stored = demo.client.contract("LendingAgreements").functions.getAgreement(
        bytes.fromhex(broken[2:])
    )
    lender, borrower, *_, acknowledged, _movements, confirmed = demo.client.read(stored)[:8]
    assert (shown.lender, shown.borrower) == (lei_from_bytes20(lender), lei_from_bytes20(borrower))
    assert (max(shown.acknowledged), max(shown.confirmed)) == (acknowledged, confirmed)


# --- shown by entitlement -----------------------------------------------------------------


def _statement_ids(client: Client) -> dict[str, str]:
    """The demo's statement ids by their unit's key (an agreement id)."""
    logs = client.contract("LendingStatements").events.StatementCommitted.get_logs(from_block=0)
    return {
        "0x" + bytes(log["args"]["input"]["unitKey"]).hex(): "0x"
        + bytes(log["args"]["statementId"]).hex()
        for log in logs
    }


def test_lending__a_third_institution__404_as_unknown__absent_from_lists_and_search(
    demo: Demo,
) -> None:
    third = signed_in_as(demo, THIRD)
    statements = _statement_ids(demo.client)
    unknown = "0x" + "ab" * 32
    for reference in (MATCHED_REFERENCE, BROKEN_REFERENCE):
        agreement = demo.agreements[reference]
        statement = statements[agreement]
        for path in (f"/agreement/{agreement}", f"/statement/{statement}"):
            answer = third.get(path)
            assert answer.status_code == 404, path
            stranger = third.get(path.rsplit("/", 1)[0] + "/" + unknown)
            assert main_of(answer.text).replace(path.rsplit("/", 1)[1], "K") == main_of(
                stranger.text
            ).replace(unknown, "K"), f"{path} answered as an unknown key"
        for key in (agreement, statement):
            assert third.get("/search", params={"q": key}).status_code == 404, key
        listed = third.get("/agreements").text
        assert agreement not in listed
        assert agreement not in third.get(f"/institution/{LENDER}").text
    own = demo.agreements["SBL-2026-003"]
    assert third.get(f"/agreement/{own}").status_code == 200, "Kanda's own agreement"
    assert own in section(third.get("/agreements").text, "agreements")


def test_lending__a_party__sees_its_records_with_their_commitments(demo: Demo) -> None:
    statements = _statement_ids(demo.client)
    for lei in (LENDER, BORROWER, AGENT):
        web = signed_in_as(demo, lei)
        listed = section(web.get("/agreements").text, "agreements")
        for reference in (MATCHED_REFERENCE, BROKEN_REFERENCE):
            agreement = demo.agreements[reference]
            assert agreement in listed, (lei, reference)
            statement_id = statements[agreement]
            page = web.get(f"/statement/{statement_id}")
            assert page.status_code == 200, (lei, reference)
            stored = st.get_statement(demo.client, statement_id)
            assert "0x" + stored.platform.hex() in text_of(page.text), (lei, reference)
            assert "figures-withheld" not in page.text
            _shows_no_amount(page.text, _amounts(demo.client, statement_id))
        own = demo.agreements["SBL-2026-003"]
        assert (own in listed) is (lei == BORROWER), "Kanda's agreement is Minato's only"


def test_lending__the_observer__sees_existence_and_status__no_commitments(
    web: TestClient, demo: Demo
) -> None:
    statements = _statement_ids(demo.client)
    listed = section(web.get("/agreements").text, "agreements")
    assert set(demo.agreements.values()) <= set(listed.split()), "every agreement listed"
    for reference in (MATCHED_REFERENCE, BROKEN_REFERENCE):
        agreement = demo.agreements[reference]
        statement_id = statements[agreement]
        stored = st.get_statement(demo.client, statement_id)
        for path in (f"/statement/{statement_id}", f"/agreement/{agreement}"):
            page = web.get(path)
            assert page.status_code == 200, path
            shown = text_of(page.text)
            assert f": {stored.status.name.lower()}" in shown, f"{path} shows the status"
            assert "Figures shown to the parties only." in shown, path
            assert "0x" + stored.platform.hex() not in shown, path
            assert "explanation" not in page.text, path
            assert "tolerance" not in shown.lower(), path
            _shows_no_amount(page.text, _amounts(demo.client, statement_id))
        found = web.get("/search", params={"q": statement_id}, follow_redirects=False)
        assert found.headers.get("location") == f"/statement/{statement_id}"


def test_reader_at__observer_role_and_mandates_in_force__read_from_the_index(demo: Demo) -> None:
    with open_engine(demo.database).connect() as conn:
        agent, observer, third = (reader_at(conn, lei) for lei in (AGENT, OBSERVER, THIRD))
    assert is_mandated(demo.client, LENDER, AGENT, MandateScope.LENDING_AGENT, BORROWER)
    assert agent.lending_principals == {(LENDER, BORROWER)} and not agent.observer
    assert observer.observer and not observer.lending_principals
    assert not third.observer and not third.lending_principals


# --- in a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(demo: Demo) -> Iterator[str]:
    """The explorer served over HTTP on a free port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(demo.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/login", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def test_browser__search_fund_then_its_transaction(
    served: str, demo: Demo, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{served}/funds")
    assert "/login" in page.url
    page.fill("#token", demo.token)
    page.click("#token-form button[type=submit]")
    page.wait_for_url(f"{served}/funds")

    page.fill("#search", FUND_ITA)
    page.press("#search", "Enter")
    page.wait_for_url(f"{served}/fund/{FUND}")
    record = funds.get_fund(demo.client, FUND)
    assert record.attributes.name_en in page.inner_text("#fund-title")

    chart = page.locator("svg#nav-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    nav_count = len([k for k in navs.current_navs(demo.client) if k[0] == FUND])
    assert page.locator("svg#nav-chart circle.nav-point").count() == nav_count
    marker = page.locator("svg#nav-chart g.distribution-marker").first
    assert marker.is_visible()
    assert "Distribution" in (marker.locator("title").text_content() or "")
    labels = page.locator("svg#nav-chart text.label").all_text_contents()
    days = sorted(k[1] for k in navs.current_navs(demo.client) if k[0] == FUND)
    assert str(days[0]) in labels and str(days[-1]) in labels
    page.screenshot(path=str(tmp_path / "fund.png"), full_page=True)

    newest = page.locator("#fund-navs tbody tr").first
    newest.locator("a.tx-link").click()
    page.wait_for_url(re.compile(rf"{served}/tx/0x[0-9a-f]{{64}}"))
    called = page.inner_text("#tx-function")
    assert (
        "DistributionRegistry.publishNavs" in called or "DistributionRegistry.correctNavs" in called
    )
    assert "Success" in page.inner_text("#tx-status")
    events = page.locator(".event")
    assert events.count() >= 1
    assert any("Nav" in events.nth(i).inner_text() for i in range(events.count()))


def _sign_in(page: Any, served: str, token: str, path: str) -> None:
    """Open ``path``, sign in on the login page it leads to with ``token``, land on ``path``."""
    page.goto(f"{served}{path}")
    assert "/login" in page.url
    page.fill("#token", token)
    page.click("#token-form button[type=submit]")
    page.wait_for_url(f"{served}{path}")


def test_browser__a_party__finds_its_statement_and_sees_its_break(
    served: str, demo: Demo, page: Any, tmp_path: Path
) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    statement_id, statement = _statement_of(demo.client, broken)
    _sign_in(page, served, demo.tokens[BORROWER], "/agreements")
    assert BORROWER in page.inner_text("#viewer-lei")
    page.click(f'#agreements a[href="/agreement/{broken}"]')
    page.wait_for_url(f"{served}/agreement/{broken}")
    assert page.locator(".break-explanation").count() >= 1
    page.locator(f'a[href="/statement/{statement_id}"]').first.click()
    page.wait_for_url(f"{served}/statement/{statement_id}")
    assert page.locator(".break-explanation").count() == 1
    body = page.inner_text("main")
    assert "0x" + statement.platform.hex() in body, "the platform's commitment"
    _shows_no_amount(page.content(), _amounts(demo.client, statement_id))
    page.screenshot(path=str(tmp_path / "party.png"), full_page=True)


def test_browser__a_third_institution__neither_finds_nor_opens_the_statement(
    served: str, demo: Demo, page: Any
) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    statement_id, _statement = _statement_of(demo.client, broken)
    _sign_in(page, served, demo.tokens[THIRD], "/agreements")
    listed = page.inner_text("#agreements")
    assert broken not in listed and demo.agreements["SBL-2026-003"] in listed
    for key in (broken, statement_id):
        page.fill("#search", key)
        page.press("#search", "Enter")
        page.wait_for_url(re.compile(rf"{served}/search\?q="))
        assert "Nothing found" in page.inner_text("#search-result"), key
    for path, what in ((f"/statement/{statement_id}", "statement"),
                       (f"/agreement/{broken}", "lending agreement")):  # fmt: skip
        answer = page.goto(f"{served}{path}")
        assert answer is not None and answer.status == 404, path
        assert page.inner_text("h1") == f"No such {what}"
        assert page.locator(".break-explanation").count() == 0


def test_browser__the_observer__sees_the_state_but_no_commitments(
    served: str, demo: Demo, page: Any
) -> None:
    broken = demo.agreements[BROKEN_REFERENCE]
    statement_id, statement = _statement_of(demo.client, broken)
    _sign_in(page, served, demo.token, "/agreements")
    assert broken in page.inner_text("#agreements")
    page.fill("#search", statement_id)
    page.press("#search", "Enter")
    page.wait_for_url(f"{served}/statement/{statement_id}")
    assert page.text_content(".state") == statement.status.name.lower()
    history = page.inner_text(".matching-history")
    assert "break" in history and statement.status.name.lower() in history
    assert page.locator(".break-explanation").count() == 0
    assert "Figures shown to the parties only." in page.inner_text(".figures-withheld")
    assert "0x" + statement.platform.hex() not in page.inner_text("main")
    _shows_no_amount(page.content(), _amounts(demo.client, statement_id))
