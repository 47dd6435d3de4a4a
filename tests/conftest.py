"""Fixtures shared by the client and end-to-end tests: one real anvil per test session.

The session chain is started by ``bpost_client.platform.chain`` (the code ``bpost chain start``
runs) on a free port, deployed by ``bpost_client.platform.deployment`` and seeded with the demo
roster. Each test runs between an ``evm_snapshot`` and an ``evm_revert``, so tests see the same
seeded state.
The contract tests (``ape test tests/contracts``) use none of these fixtures.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

if TYPE_CHECKING:  # Playwright itself is imported by the browser fixture only
    from playwright.sync_api import Browser, Page

    from bpost_client.client import Client
    from bpost_client.platform.network.description import NetworkDescription

pytest_plugins = ("tests.network.session",)  # the session's geth network, for every test

BACKENDS = ("anvil", "network")
"""The chains a test marked ``both_backends`` runs on: the session's anvil (reverted after each
test) and the session's geth network (tests/network/session.py), which keeps what each test
wrote: a marked test must not count on a chain nobody else has written to."""

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".build" / "__local__.json"
DEMO_ROSTER = ROOT / "config" / "demo-participants.yaml"
LOCAL_PARAMS = ROOT / "config" / "deploy" / "local.yaml"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rpc(url: str, method: str, *params: Any) -> Any:
    """One raw JSON-RPC request (for anvil's test methods)."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    answer = requests.post(url, json=body, timeout=10).json()
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


@dataclass(frozen=True)
class Node:
    """The session's chain and its deployment: anvil's, or the geth network's (``network`` then
    describes it)."""

    url: str
    data_dir: Path
    deployments: Path
    port: int
    network: NetworkDescription | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_backends: run the test on anvil and on the session's geth Clique network "
        "(the fixture isolated gives either; on the network the test's transactions are then "
        "checked on every node)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("both_backends") is not None:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The chain of the test: ``anvil``, or ``network`` for the marked tests' second run."""
    return str(getattr(request, "param", "anvil"))


@pytest.fixture(scope="session", autouse=True)
def key_pins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's pinned encryption keys (platform/keys.py), away from the project's own."""
    import os

    path = tmp_path_factory.mktemp("pins") / "key-pins.json"
    before = os.environ.get("BPOST_KEY_PINS")
    os.environ["BPOST_KEY_PINS"] = str(path)
    yield path
    if before is None:
        os.environ.pop("BPOST_KEY_PINS", None)
    else:
        os.environ["BPOST_KEY_PINS"] = before


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    from bpost_client import contracts
    from bpost_client.client import connect, web3_for
    from bpost_client.platform import chain, deployment, roster, signers

    data_dir = tmp_path_factory.mktemp("chain")
    config = chain.ChainConfig(data_dir=data_dir, port=free_port())
    chain.start(config)
    try:
        w3 = web3_for(config.url)
        admin = signers.dev_account(0, w3.eth.chain_id)
        deployments = data_dir / "deployments"
        deployment.deploy(
            w3, admin, contracts.load_build_artifacts(BUILD),
            deployment.load_params(LOCAL_PARAMS), deployments,
        )  # fmt: skip
        client = connect(config.url, deployments, admin)
        demo = roster.read_roster(DEMO_ROSTER)
        keys = signers.dev_accounts(w3.eth.chain_id)
        roster.apply_plan(client, roster.plan_roster(client, demo, keys))
        yield Node(config.url, data_dir, deployments, config.port)
    finally:
        chain.stop(config)


@pytest.fixture
def isolated(request: pytest.FixtureRequest, backend: str) -> Iterator[Node]:
    """The session chain, reverted to its seeded state after the test. For a test marked
    ``both_backends``, on its ``network`` run: the session network's deployment, which keeps
    what the test wrote; after the test, every node is checked to hold the same head and every
    receipt of the test's blocks."""
    if backend == "network":
        from tests.network.session import assert_replicated

        served: Node = request.getfixturevalue("network_node")
        assert served.network is not None
        first = int(rpc(served.url, "eth_blockNumber"), 16) + 1
        yield served
        assert_replicated(served.network, first)
        return
    node: Node = request.getfixturevalue("node")
    snapshot = rpc(node.url, "evm_snapshot")
    try:
        yield node
    finally:
        rpc(node.url, "evm_setIntervalMining", 0)
        rpc(node.url, "evm_setAutomine", True)
        rpc(node.url, "evm_revert", snapshot)
        rpc(node.url, "anvil_setNextBlockBaseFeePerGas", "0x0")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL server for the session (``tools/postgres/start.sh``: Debian's server,
    installed when missing), its SQLAlchemy URL; stopped and removed at the end."""
    import shutil
    import subprocess
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="bpost-pg-", dir="/tmp"))
    base.chmod(0o755)  # the server runs as `postgres` when the tests run as root
    data = base / "data"
    script = str(ROOT / "tools" / "postgres" / "start.sh")
    started = subprocess.run(
        [script, str(data), str(free_port())], capture_output=True, text=True, timeout=600
    )
    if started.returncode != 0:
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([script, "--stop", str(data)], capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these, chromium keeps trying to reach Google's services on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright for one test module.

    ``tools/chromium/ensure.sh`` finds it or installs it with apt-get; Playwright downloads no
    browser. Playwright's sync API keeps an asyncio loop marked as running in the main thread
    while the browser is open, so the browser lives only as long as the module that uses it:
    the tests after it may run ``asyncio.run`` again.
    """
    import subprocess

    from playwright.sync_api import sync_playwright

    found = subprocess.run(
        [str(ROOT / "tools" / "chromium" / "ensure.sh")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if found.returncode != 0:
        raise RuntimeError(f"no chromium for the browser tests: {found.stderr.strip()}")
    executable = found.stdout.strip().splitlines()[-1]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a browser context of its own (no cookies or storage shared), closed after."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


# --- actors of the chain tests: clients signing as the demo institutions' dev accounts -------


def _client(node: Node, index: int) -> Client:
    from bpost_client.client import connect
    from bpost_client.platform.signers import dev_account

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
    from bpost_client.client import connect

    return connect(isolated.url, isolated.deployments)


@pytest.fixture
def nav_funds(
    isolated: Node, operator: Client, asset_manager: Client, trustee: Client
) -> list[str]:
    """Three active Sakura funds with a profile (Tokyo NAV days, New York holidays, closing on
    15 January and July); the 2026 Tokyo and New York calendars published."""
    from bpost_client.client import connect
    from bpost_client.distribution import navs
    from bpost_client.platform.signers import dev_account
    from bpost_client.reference import calendars
    from bpost_client.registry import funds
    from bpost_client.types import FundStatus
    from tests.registry.test_funds import establish, registration

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
