"""Actors of the client tests: clients signing as the demo institutions' dev accounts."""

from __future__ import annotations

import pytest

from bpost_client.client import Client, connect
from bpost_client.signers import dev_account
from tests.conftest import Node


def _client(node: Node, index: int) -> Client:
    return connect(node.url, node.deployments, dev_account(index))


@pytest.fixture
def operator(isolated: Node) -> Client:
    """The platform operator: deployer, default admin, OPERATOR and CODE_REGISTRAR."""
    return _client(isolated, 0)


@pytest.fixture
def asset_manager(isolated: Node) -> Client:
    return _client(isolated, 1)


@pytest.fixture
def trustee(isolated: Node) -> Client:
    return _client(isolated, 2)


@pytest.fixture
def outsider(isolated: Node) -> Client:
    """An address bound to no institution and holding no role."""
    return _client(isolated, 15)


@pytest.fixture
def reader(isolated: Node) -> Client:
    """A read-only client."""
    return connect(isolated.url, isolated.deployments)


@pytest.fixture
def nav_funds(
    isolated: Node, operator: Client, asset_manager: Client, trustee: Client
) -> list[str]:
    """Three active Sakura funds with a profile (Tokyo NAV days, New York holidays, closing on
    15 January and July); the 2026 Tokyo and New York calendars published."""
    from bpost_client import calendars, funds, navs
    from bpost_client.types import FundStatus
    from tests.client.test_funds import establish, registration

    calendars.publish_years(
        operator,
        [
            calendars.year_map(m, 2026, calendars.sessions_from_exchange_calendars(m, [2026]))
            for m in ("XTKS", "XNYS")
        ],
    )
    distributor = connect(isolated.url, isolated.deployments, dev_account(4))
    codes = funds.register_funds(asset_manager, [registration(f"NAV-{i}") for i in range(3)])
    for code in codes:
        establish(asset_manager, trustee, distributor, code)
        funds.set_status(asset_manager, code, FundStatus.ACTIVE)
    profile = navs.Profile(closing_months=(1, 7), closing_day=15, holiday_markets=("XNYS",))
    navs.set_profiles(asset_manager, codes, profile)
    return codes
