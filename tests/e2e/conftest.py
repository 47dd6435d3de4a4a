"""Helpers of the end-to-end tests: the `bpost` command run in-process and as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bpost_client.cli import main
from tests.conftest import ROOT, Node
from tests.helpers import strict_json

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        """The output parsed as strict JSON (NaN and Infinity refused, as other parsers do)."""
        return strict_json(self.out)


@pytest.fixture
def bpost(isolated: Node, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run `bpost` in-process against the session chain."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(["--url", isolated.url, "--deployments", str(isolated.deployments), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_process(*args: str, cwd: Path = ROOT, timeout: float = 120) -> Result:
    """Run a command of the virtualenv (``bpost``, ``ape``) as a separate process."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{ROOT / 'node_modules' / '.bin'}{os.pathsep}"
           + os.environ.get("PATH", "")}  # fmt: skip
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)
