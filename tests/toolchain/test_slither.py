"""`make slither` fails on a High or Medium finding not accepted in slither.db.json.

Each test copies the project's Slither configuration, triage database and ape-config.yaml next to
one throwaway contract, writes the compiler input with tools/slither/input.py and runs Slither
as the Makefile does (`make slither` installs it in .venv-slither).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SLITHER = ROOT / ".venv-slither" / "bin" / "slither"
SOLC = Path(os.environ.get("SOLCX_BINARY_PATH", ROOT / ".venv" / "solcx")) / "solc-v0.8.30"

# The owner takes the balance a day after deployment: only a Low finding (a timestamp comparison),
# which the project's configuration does not report. {guard} and {extra} make it High or Medium.
CANARY = """// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

contract Canary {
    error CanaryNotOwner(address caller);
    error CanaryTooEarly(uint256 openAt);

    address private immutable _owner;
    uint256 private immutable _openAt;

    constructor() {
        _owner = msg.sender;
        _openAt = block.timestamp + 1 days;
    }

    receive() external payable {}

    function pay(address payable to) external {
        {guard}
        if (block.timestamp < _openAt) revert CanaryTooEarly(_openAt);
        to.transfer(address(this).balance);
    }
{extra}
}
"""
OWNER_ONLY = "if (msg.sender != _owner) revert CanaryNotOwner(msg.sender);"
DIVIDE_FIRST = """
    function share(uint256 amount, uint256 parts) external pure returns (uint256) {
        return amount / parts * parts;
    }
"""


def run_slither(tmp_path: Path, guard: str, extra: str = "") -> subprocess.CompletedProcess[str]:
    assert SLITHER.exists(), f"{SLITHER} missing: run 'make slither'"
    (tmp_path / "contracts").mkdir(exist_ok=True)
    source = CANARY.replace("{guard}", guard).replace("{extra}", extra)
    (tmp_path / "contracts" / "Canary.sol").write_text(source)
    for name in ("ape-config.yaml", "slither.config.json", "slither.db.json"):
        if not (tmp_path / name).exists():
            shutil.copy(ROOT / name, tmp_path / name)
    if not (tmp_path / "node_modules").exists():
        (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    standard_input = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "slither" / "input.py"), str(tmp_path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    (tmp_path / "input.json").write_text(standard_input)
    (tmp_path / "report.json").unlink(missing_ok=True)  # Slither never overwrites its report
    return subprocess.run(
        [str(SLITHER), "input.json", "--solc", str(SOLC), "--json", "report.json"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip


def findings(tmp_path: Path) -> list[dict[str, str]]:
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["success"], report["error"]
    return list(report["results"].get("detectors", []))


def test_slither__owner_only_payout__passes_with_its_low_finding_unreported(tmp_path: Path) -> None:
    done = run_slither(tmp_path, OWNER_ONLY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "input.json analyzed (1 contracts" in done.stderr
    assert findings(tmp_path) == []


@pytest.mark.parametrize(
    ("guard", "extra", "check", "impact"),
    [
        ("", "", "arbitrary-send-eth", "High"),  # anyone takes the balance
        (OWNER_ONLY, DIVIDE_FIRST, "divide-before-multiply", "Medium"),
    ],
    ids=["high", "medium"],
)
def test_slither__new_high_or_medium_finding__fails(
    tmp_path: Path, guard: str, extra: str, check: str, impact: str
) -> None:
    done = run_slither(tmp_path, guard, extra)
    assert done.returncode != 0
    assert [(f["check"], f["impact"]) for f in findings(tmp_path)] == [(check, impact)]
    assert f"Detector: {check}" in done.stderr


def test_slither__finding_accepted_in_the_triage_database__passes(tmp_path: Path) -> None:
    assert run_slither(tmp_path, OWNER_ONLY, DIVIDE_FIRST).returncode != 0
    [finding] = findings(tmp_path)
    database = tmp_path / "slither.db.json"
    accepted = json.loads(database.read_text())
    accepted.append({key: finding[key] for key in ("id", "impact", "check", "description")})
    database.write_text(json.dumps(accepted))

    done = run_slither(tmp_path, OWNER_ONLY, DIVIDE_FIRST)
    assert done.returncode == 0, done.stdout + done.stderr
    assert findings(tmp_path) == []
