"""`bpost network demo` (``make demo-network``): make demo's steps on a geth Clique network.

The steps are the Makefile's ``demo`` recipe, on the network (checked against it). One test runs
the demo on a fresh network of its own (2 validators and the member node the client uses, a
1-second period) the way ``bpost network demo`` does (``run_demo``), leaving out
``scripts/demo.py`` (use cases 1 and 2: two minutes of blocks, beyond this test's budget; its
anvil run is tests/explorer/test_demo_pages.py): the deployment, the roster, the governance demo
with its timelock's delay waited in wall-clock time, calendars, reference data, use case 3 from
agreement to settlement, the lending calculation and the explorer following the member's node;
then a second run on the running network sends nothing, and ``--fresh`` replaces the network.
The other tests are the refusals, in a second each.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import requests

from bpost_client.cli.platform.network_demo import (
    DemoOutcome,
    demo_steps,
    explorer_dir,
    prepare_network,
    run_demo,
)
from bpost_client.client import connect
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.lending import statements as st
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import (
    NetworkDescription,
    free_base_port,
    read_network,
)
from bpost_client.platform.network.init import init_network
from bpost_client.platform.network.serving import deployments_dir
from bpost_client.platform.participants import get_institution
from tests.conftest import ROOT, free_port
from tests.helpers import strict_json
from tests.network.conftest import ended, head, rpc
from tests.network.session import assert_replicated

SHIBUYA = "3538000SHIBUYACU0198"
"""Admitted by the consortium in scripts/demo_governance.py."""
PLACEMENT = {
    "--network",
    "--deployments",
    "--url",
    "--params",
    "--port",
    "--data-dir",
    "--database",
}
"""Options that say where a command runs and keeps its files, with their values."""
PLACEMENT_FLAGS = {"--skip-if-deployed", "--json"}
APE_SCRIPTS = {"deploy": ("deploy",), "roles": ("roles", "apply")}
"""The Ape scripts of make demo that the network demo runs as the bpost commands over the same
library calls."""


def _makefile_demo() -> list[list[str]]:
    """The commands of the Makefile's ``demo`` recipe, variables replaced."""
    text = (ROOT / "Makefile").read_text("utf-8")
    variables = dict(re.findall(r"^(\w+) := (.*)$", text, flags=re.M))
    recipe = re.search(r"^demo: .*\n((?:\t.*\n)+)", text, flags=re.M)
    assert recipe, "no demo recipe in the Makefile"
    joined = recipe.group(1).replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("@"):
            continue
        line = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), line)
        words = shlex.split(line)
        words[0] = Path(words[0]).name
        commands.append(words)
    return commands


def _essence(words: list[str]) -> tuple[str, ...]:
    """A command without where it runs: the bpost command (an Ape script of make demo as the
    bpost command it corresponds to), its arguments and the options that change what it does."""
    program, *rest = words
    kept: list[str] = []
    skip = False
    for word in rest:
        if skip:
            skip = False
        elif word in PLACEMENT:
            skip = True
        elif word not in PLACEMENT_FLAGS:
            kept.append(word)
    if program == "ape":
        assert kept[0] == "run"
        return (*APE_SCRIPTS.get(kept[1], ("run", kept[1])), *kept[2:])
    return tuple(kept)


def test_demo_steps__the_makefile_s_demo__on_the_network(tmp_path: Path) -> None:
    """The network demo runs make demo's commands in its order with its files, on the member
    node (bpost --network DIR; the scripts with its URL and DIR/deployments), deployed with the
    network's parameters, its explorer in DIR/explorer; only 'bpost chain start' is left out."""
    directory, url = tmp_path / "net", "http://127.0.0.1:8740"
    steps = demo_steps(directory, url, 8601)
    made = [_essence(c) for c in _makefile_demo() if c[1:3] != ["chain", "start"]]
    assert [_essence([s.program, *s.args]) for s in steps] == made
    for step in steps:
        if step.program == "ape":
            assert step.args[-4:] == (
                "--network",
                url,
                "--deployments",
                str(directory / "deployments"),
            )
        elif step.args[0] != "lending":
            assert step.args[:2] == ("--network", str(directory)), step
    [deploy] = [s for s in steps if "deploy" in s.args]
    assert "config/deploy/network.yaml" in deploy.args and "--skip-if-deployed" in deploy.args
    [explorer] = [s for s in steps if "explorer" in s.args]
    assert str(explorer_dir(directory)) in explorer.args and "8601" in explorer.args


def test_prepare_network__not_a_network__refused_and_left_alone(tmp_path: Path) -> None:
    kept = tmp_path / "notes.txt"
    kept.write_text("mine")
    for fresh in (False, True):
        with pytest.raises(ConfigError, match="not empty"):
            prepare_network(tmp_path, fresh=fresh, say=lambda _: None)
    assert kept.read_text() == "mine"


def test_prepare_network__other_ports_or_no_member_node__refused(tmp_path: Path) -> None:
    """A network the demo did not make is used as it is, but not on other ports than asked,
    nor without a member node for the client: --fresh replaces it."""
    base = free_base_port(1)
    init_network(tmp_path, 1, base_port=base, light_kdf=True)
    with pytest.raises(ConfigError, match=r"without a member node.*--fresh"):
        prepare_network(tmp_path, say=lambda _: None)
    with pytest.raises(ConfigError, match=f"ports from {base}, not {base + 100}.*--fresh"):
        prepare_network(tmp_path, base_port=base + 100, say=lambda _: None)
    assert read_network(tmp_path).nodes[0].ports.http == base  # nothing replaced, nothing runs
    assert lifecycle.running_pid(read_network(tmp_path).nodes[0]) is None


def test_run_demo__outside_the_clone__refused_before_any_network(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="make demo-network"):
        run_demo(tmp_path / "net", root=tmp_path, out=io.StringIO())
    assert not (tmp_path / "net").exists()


def _run(directory: Path, out: io.StringIO, **options: Any) -> DemoOutcome:
    try:
        return run_demo(directory, root=ROOT, out=out, leave_out={"demo"}, **options)
    except BPostError as exc:
        raise AssertionError(f"{exc}\n{out.getvalue()[-6000:]}") from exc


def _transactions(network: NetworkDescription, first: int, last: int) -> list[str]:
    node = network.nodes[-1]
    return [
        tx
        for number in range(first, last + 1)
        for tx in rpc(node, "eth_getBlockByNumber", hex(number), False)["transactions"]
    ]


def _stop_everything(directory: Path, explorer_port: int) -> None:
    from bpost_client.explorer.service import ExplorerService, stop

    stop(ExplorerService(data_dir=explorer_dir(directory), port=explorer_port))
    if (directory / "network.yaml").is_file():
        network = read_network(directory)
        lifecycle.stop(network, grace=20)
        left = [n.name for n in network.nodes if lifecycle.running_pid(n) is not None]
        assert not left, f"nodes still running after stop: {left}"


def test_demo__fresh_network__use_case_3_on_every_node__explorer_follows__rerun_sends_nothing(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "network"
    port = free_port()
    out = io.StringIO()
    try:
        outcome = _run(
            directory, out, validators=2, members=1, base_port=free_base_port(3),
            explorer_port=port,
        )  # fmt: skip
        network = outcome.network
        member = network.nodes[-1]
        assert outcome.created and outcome.serving == member.url and not member.is_validator
        answer = strict_json(json.dumps(outcome.as_dict()))
        assert answer["stop"] == [
            f"bpost network stop {directory}",
            f"bpost explorer stop --port {port} --data-dir {directory / 'explorer'}",
        ]
        assert {n["name"]: n["running"] for n in answer["nodes"]} == {
            "validator-1": True, "validator-2": True, "member-1": True,
        }  # fmt: skip

        # every node holds every block with the same hash and every receipt alike
        assert assert_replicated(network, 0, timeout=60) > 100
        client = connect(member.url, deployments_dir(network))
        assert get_institution(client, SHIBUYA).legal_name == "Shibuya Custody Co., Ltd."
        logs = client.contract("LendingStatements").events.StatementCommitted.get_logs(
            from_block=client.manifest.start_block
        )
        statements = {"0x" + bytes(log["args"]["statementId"]).hex(): log for log in logs}
        assert len(statements) == 2
        for node in network.nodes:
            on_node = connect(node.url, deployments_dir(network))
            for found, log in statements.items():
                assert st.get_statement(on_node, found).status is st.StatementStatus.SETTLED
                block = rpc(node, "eth_getBlockByNumber", hex(log["blockNumber"]), False)
                assert block["hash"] == "0x" + bytes(log["blockHash"]).hex(), node.name

        # the explorer: its indexer follows the member's node, its pages answer from the index
        explorer = outcome.explorer
        cmdline = Path(f"/proc/{explorer['pid']}/cmdline").read_bytes().split(b"\0")
        assert member.url.encode() in cmdline and b"serve" in cmdline
        signed_in = {"Authorization": f"Bearer {explorer['token']}"}
        for found, log in statements.items():
            page = requests.get(
                f"{explorer['url']}statement/{found}", headers=signed_in, timeout=30
            )
            assert page.status_code == 200, page.text[-500:]
            assert "settled" in page.text
            shown = int(re.findall(r"at block (\d+)", page.text)[-1])
            assert shown >= log["blockNumber"]
        page = requests.get(
            f"{explorer['url']}institution/{SHIBUYA}", headers=signed_in, timeout=30
        )
        assert page.status_code == 200 and "Shibuya Custody Co., Ltd." in page.text

        # a second run on the running network: the same network and explorer, nothing sent
        before = head(member)
        again = _run(directory, io.StringIO(), explorer_port=port)
        assert not again.created and again.explorer["pid"] == explorer["pid"]
        assert again.network.nodes == network.nodes
        assert _transactions(network, before + 1, head(member)) == []

        # --fresh: the explorer (on the port its pid file names) and the nodes stopped, the
        # network initialised anew
        replaced, created = prepare_network(
            directory, fresh=True, explorer_port=free_port(), say=lambda _: None,
            validators=2, members=1, base_port=free_base_port(3),
        )  # fmt: skip
        assert created and {n.address for n in replaced.nodes}.isdisjoint(
            n.address for n in network.nodes
        )
        assert not (directory / "deployments").exists() and head(replaced.nodes[-1]) < before
        assert ended(explorer["pid"])
    finally:
        _stop_everything(directory, port)
