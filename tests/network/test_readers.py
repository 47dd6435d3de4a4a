"""The readers over a member's node of the network, as over anvil: the HTTP API answers a
distributor with the NAVs published on the network, and the distributor's watcher delivers them
and records its receipt on chain, which every node then holds."""

from __future__ import annotations

import secrets
import time
import warnings
from datetime import date
from pathlib import Path

from bpost_client.api.app import create_app
from bpost_client.client import connect
from bpost_client.distribution import navs, subscriptions
from bpost_client.distribution.watcher import WatchConfig, Watcher
from bpost_client.platform.network.description import NetworkDescription
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars
from bpost_client.registry import funds
from bpost_client.types import FundStatus
from tests.api.conftest import signed_login
from tests.conftest import Node
from tests.network.session import assert_replicated
from tests.registry.test_funds import establish, registration

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

KANDA = "3538000KANDABANK0193"
DISTRIBUTOR = 4  # Kanda Bank's dev account, a distributor of the funds registered here
DAYS = (date(2026, 11, 4), date(2026, 11, 5))


def test_api_and_watcher__over_the_member_node__the_navs_published_on_the_network(
    network: NetworkDescription, network_node: Node, tmp_path: Path
) -> None:
    member = network.node("member-1")
    operator, manager, trustee, kanda = (
        connect(member.url, network_node.deployments, dev_account(n)) for n in (0, 1, 2, 4)
    )
    first_block = manager.w3.eth.block_number
    calendars.publish_years(operator, [
        calendars.year_map(m, 2026, calendars.sessions_from_exchange_calendars(m, [2026]))
        for m in ("XTKS", "XNYS")
    ])  # fmt: skip
    tag = secrets.token_hex(3).upper()
    codes = funds.register_funds(manager, [registration(f"READ{tag}-{i}") for i in range(2)])
    for code in codes:
        establish(manager, trustee, kanda, code)
        funds.set_status(manager, code, FundStatus.ACTIVE)
    navs.set_profiles(manager, codes, navs.Profile(closing_months=(1, 7), closing_day=15))
    subscriptions.subscribe(kanda, codes)
    published = {
        (code, day): 10_000 + 10 * n + i
        for n, day in enumerate(DAYS) for i, code in enumerate(codes)
    }  # fmt: skip
    for day in DAYS:
        navs.publish_navs(manager, [
            navs.NavRecord(code, day, published[code, day], published[code, day] * 10**6, 10**10)
            for code in codes
        ])  # fmt: skip

    app = create_app(connect(member.url, network_node.deployments), tmp_path / "tokens.yaml")
    with TestClient(app) as http:
        token = http.post("/auth/token", json=signed_login(http, DISTRIBUTOR))
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        for code in codes:
            answer = http.get(f"/funds/{code}/navs", headers=headers)
            assert answer.status_code == 200, answer.text
            shown = {row["date"]: row["nav_per_10000_units"] for row in answer.json()["navs"]}
            assert shown == {day.isoformat(): published[code, day] for day in DAYS}

    config = WatchConfig(checkpoint=tmp_path / "watch.json", out_dir=tmp_path / "out",
                         format="json", confirmations=0)  # fmt: skip
    watcher = Watcher(kanda, config)
    target, deadline, delivered = kanda.w3.eth.block_number, time.monotonic() + 60, 0
    while watcher.checkpoint.processed_to < target:  # blocks keep coming: up to the NAVs' head
        assert time.monotonic() < deadline, f"the watcher did not reach block {target}"
        delivery = watcher.step()
        delivered += 0 if delivery is None else delivery.count
    assert delivered == len(published), "every NAV of the subscribed funds, once"
    receipts = subscriptions.receipts(kanda, KANDA)
    assert receipts and receipts[-1].to_block >= first_block
    assert subscriptions.received_up_to(kanda, KANDA) == watcher.checkpoint.processed_to
    assert_replicated(network, first_block)
