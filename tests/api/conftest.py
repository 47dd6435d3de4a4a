"""The HTTP interface against the session anvil (``tests/conftest.py``), in-process through
FastAPI's TestClient.

A module's tests share one published world, made once under its own snapshot: three active
Sakura funds (trustee Fuji, distributor Kanda; the first with an ITA code), NAVs of nine days,
a distribution, a non-application day and a report of the first fund, and two corrections. Each
test still runs between a snapshot and a revert (``isolated``), so what it publishes is gone
after it.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from eth_account.messages import encode_defunct
from fastapi import FastAPI

from bpost_client.api.app import create_app
from bpost_client.client import Client, connect
from bpost_client.distribution import navs, notices
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars
from bpost_client.registry import funds
from bpost_client.types import FundStatus
from tests.conftest import Node, rpc
from tests.helpers import Clock
from tests.registry.test_funds import establish, registration

with warnings.catch_warnings():
    # Starlette would rather use httpx2, which the project does not pin; httpx 0.28 works.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

SAKURA, FUJI, MINATO, KANDA = (
    "3538000SAKURAAM00151",
    "3538000FUJITRUST0138",
    "3538000MINATOSEC0159",
    "3538000KANDABANK0193",
)
OPERATOR, ASSET_MANAGER, TRUSTEE, UNRELATED, DISTRIBUTOR, OUTSIDER = 0, 1, 2, 3, 4, 15
"""Dev accounts: Minato Securities (3) is a distributor, but of none of these funds."""
ITA_CODE = "0331418A"
CLOSING = date(2026, 7, 15)
NAV_DAYS = [CLOSING, *(date(2026, 11, d) for d in (4, 5, 6, 9, 10, 11, 12, 13))]
THANKSGIVING = date(2026, 11, 26)
REPORT_HASH = hashlib.sha256(b"management report, period 12").digest()


@dataclass(frozen=True)
class World:
    """What every test of a module finds on chain."""

    funds: list[str]
    nav_correction_block: int
    distribution_correction_block: int


def client_of(node: Node, index: int) -> Client:
    return connect(node.url, node.deployments, dev_account(index))


def nav(fund: str, day: date, position: int, offset: int = 0) -> navs.NavRecord:
    """The NAV the world publishes for a fund's ``position``-th fund on a day."""
    base = 10_000 + 10 * NAV_DAYS.index(day) + position + offset
    return navs.NavRecord(fund, day, base, base * 10**6, 10**10 + position)


def _publish_world(node: Node) -> World:
    operator, manager, trustee = (client_of(node, i) for i in (OPERATOR, ASSET_MANAGER, TRUSTEE))
    distributor = client_of(node, DISTRIBUTOR)
    calendars.publish_years(
        operator,
        [
            calendars.year_map(m, 2026, calendars.sessions_from_exchange_calendars(m, [2026]))
            for m in ("XTKS", "XNYS")
        ],
    )
    codes = funds.register_funds(
        manager,
        [registration("API-0", ("ITA", ITA_CODE)), registration("API-1"), registration("API-2")],
    )
    for code in codes:
        establish(manager, trustee, distributor, code)
        funds.set_status(manager, code, FundStatus.ACTIVE)
    profile = navs.Profile(closing_months=(1, 7), closing_day=15, holiday_markets=("XNYS",))
    navs.set_profiles(manager, codes, profile)
    for day in NAV_DAYS:
        navs.publish_navs(manager, [nav(code, day, i) for i, code in enumerate(codes)])
    first = codes[0]
    paid = notices.DistributionNotice(first, CLOSING, 12, 150)
    notices.publish(
        manager,
        [
            paid,
            notices.NonApplicationNotice(
                first, THANKSGIVING, notices.Reason.MARKET_HOLIDAY, "XNYS"
            ),
            notices.ReportNotice(
                first, 12, date(2026, 8, 20), REPORT_HASH, "https://x.example/12.pdf", "pdf"
            ),
        ],
    )
    fixed = nav(codes[1], NAV_DAYS[2], 1, offset=7)
    correction = navs.NavCorrection(
        codes[1], fixed.day, fixed.nav, fixed.net_assets, fixed.units, "stale price"
    )
    [receipt] = navs.correct_navs(manager, [correction])
    fix = notices.correct(
        manager, paid, notices.DistributionNotice(first, CLOSING, 12, 160), "rounding"
    )
    return World(list(codes), int(receipt["blockNumber"]), int(fix["blockNumber"]))


@pytest.fixture(scope="module")
def world(node: Node) -> Iterator[World]:
    """The module's published world, gone after the module."""
    snapshot = rpc(node.url, "evm_snapshot")
    try:
        yield _publish_world(node)
    finally:
        rpc(node.url, "evm_revert", snapshot)


@pytest.fixture
def asset_manager(isolated: Node, world: World) -> Client:
    return client_of(isolated, ASSET_MANAGER)


@pytest.fixture
def operator(isolated: Node, world: World) -> Client:
    return client_of(isolated, OPERATOR)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return tmp_path / "api-tokens.yaml"


@pytest.fixture
def app(isolated: Node, world: World, tokens_file: Path, clock: Clock) -> FastAPI:
    return create_app(connect(isolated.url, isolated.deployments), tokens_file, clock=clock)


@pytest.fixture
def http(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def signed_login(http: TestClient, index: int, nonce: str | None = None) -> dict[str, str]:
    """The body of POST /auth/token for dev account ``index`` and a new (or given) nonce."""
    account = dev_account(index)
    if nonce is None:
        nonce = http.post("/auth/challenge").json()["nonce"]
    text = f"B-POST API login\nnonce: {nonce}"
    signature = account.sign_message(encode_defunct(text=text)).signature
    return {"address": account.address, "nonce": nonce, "signature": "0x" + signature.hex()}


Login = Callable[[int], dict[str, str]]


@pytest.fixture
def login(http: TestClient) -> Login:
    """Headers of a session of dev account ``index``, logged in by a signed challenge."""

    def headers(index: int) -> dict[str, str]:
        answer = http.post("/auth/token", json=signed_login(http, index))
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    return headers


@pytest.fixture
def kanda(login: Login) -> dict[str, str]:
    """The distributor of the world's funds."""
    return login(DISTRIBUTOR)


@pytest.fixture
def minato(login: Login) -> dict[str, str]:
    """A distributor of none of the world's funds."""
    return login(UNRELATED)
