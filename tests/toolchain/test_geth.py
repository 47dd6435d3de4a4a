"""The pinned geth: `make geth` and the client agree on where it is, and a wrong one is refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bpost_client.exceptions import ChainError
from bpost_client.platform.network import geth
from tests.conftest import ROOT


def test_make_geth__built__reused_where_the_client_finds_it() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "geth"], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    version = geth.GETH_VERSION.removeprefix("v")
    assert done.stdout.strip() == f"geth {version} cached at {geth.find_geth()}"
    assert geth.geth_version(geth.find_geth()) == f"{version}-stable"


def test_find_geth__absent__names_the_make_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(geth.GETH_DIR_ENV, str(tmp_path))
    with pytest.raises(ChainError, match="run 'make geth'"):
        geth.find_geth()


def test_find_geth__another_release__refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "geth"
    fake.write_text("#!/bin/sh\necho Geth\necho 'Version: 1.14.0-stable'\n")
    fake.chmod(0o755)
    monkeypatch.setenv(geth.GETH_DIR_ENV, str(tmp_path))
    with pytest.raises(ChainError, match=r"is geth 1\.14\.0-stable, not the pinned v1\.13\.15"):
        geth.find_geth()


def test_geth_dir__default__in_the_user_cache_outside_the_clone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(geth.GETH_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert geth.geth_dir() == Path("/somewhere/cache/bpost/geth-v1.13.15")
