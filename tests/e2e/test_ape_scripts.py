"""`ape run deploy` and `ape run roles` against a node reached by URL."""

from __future__ import annotations

from pathlib import Path

from bpost_client.client import connect
from bpost_client.platform.participants import list_institutions
from tests.conftest import DEMO_ROSTER, Node
from tests.e2e.conftest import run_process


def test_ape_run__deploy_then_roles_twice__idempotent(isolated: Node, tmp_path: Path) -> None:
    deployments = str(tmp_path / "deployments")
    network = ["--network", isolated.url]
    deployed = run_process("ape", "run", "deploy", *network, "--deployments", deployments)
    assert deployed.code == 0, deployed.err
    assert "PlatformAccess" in deployed.out
    refused = run_process("ape", "run", "deploy", *network, "--deployments", deployments)
    assert refused.code != 0 and "--force" in refused.out + refused.err

    applied = run_process(
        "ape", "run", "roles", str(DEMO_ROSTER), *network, "--deployments", deployments
    )
    assert applied.code == 0, applied.err
    assert "18 change(s) sent" in applied.out
    again = run_process(
        "ape", "run", "roles", str(DEMO_ROSTER), *network, "--deployments", deployments
    )
    assert "nothing to change" in again.out
    assert len(list_institutions(connect(isolated.url, deployments))) == 8


def test_ape_run_roles__bad_row__stops_before_sending(isolated: Node, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEMO_ROSTER.read_text().replace("roles: [OBSERVER]", "roles: [OBSERVER, KING]"))
    head = connect(isolated.url, isolated.deployments).w3.eth.block_number
    result = run_process("ape", "run", "roles", str(bad), "--network", isolated.url,
                         "--deployments", str(isolated.deployments))  # fmt: skip
    assert result.code != 0
    assert "row 8, column institutions[8].operators[1].roles" in result.out + result.err
    assert connect(isolated.url, isolated.deployments).w3.eth.block_number == head


def test_ape_run_upload__funds_twice__registers_once(isolated: Node) -> None:
    args = ["--network", isolated.url, "--deployments", str(isolated.deployments),
            "--account", "TEST::1"]  # fmt: skip
    first = run_process("ape", "run", "upload", "funds", "config/demo-funds.csv", *args)
    assert first.code == 0, first.err
    assert "register: 5 sent, unchanged: 0" in first.out
    again = run_process("ape", "run", "upload", "funds", "config/demo-funds.csv", *args)
    assert "register: 0 sent, unchanged: 5, transactions: 0" in again.out
