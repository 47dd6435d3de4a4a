"""`bpost api token` issues a token shown once; `bpost api serve` serves the interface."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bpost_client.api.auth import issue_api_token, load_api_tokens, token_hash
from bpost_client.cli import main
from tests.api.conftest import KANDA, SAKURA, World
from tests.conftest import Node, free_port
from tests.helpers import make_lei, strict_json

BPOST = Path(sys.executable).parent / "bpost"


def on(node: Node, *args: str) -> list[str]:
    """``bpost`` arguments against the session chain."""
    return ["--url", node.url, "--deployments", str(node.deployments), *args]


def test_token__printed_once__its_hash_stored_and_accepted(
    http: TestClient, isolated: Node, tokens_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(on(isolated, "api", "token", "--lei", KANDA.lower(), "--tokens", str(tokens_file)))
        == 0
    )
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert "not shown again" in captured.err
    assert token not in tokens_file.read_text(), "the token itself is stored nowhere"
    assert load_api_tokens(tokens_file) == {token_hash(token): KANDA}
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    answer = http.get("/funds", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and len(answer.json()["funds"]) == 3


def test_token__issued_to_two_institutions__both_kept(
    isolated: Node, tokens_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issued = {}
    for lei in (KANDA, SAKURA):
        args = on(isolated, "--json", "api", "token", "--lei", lei, "--tokens", str(tokens_file))
        assert main(args) == 0
        issued[lei] = json.loads(capsys.readouterr().out)["token"]
    assert load_api_tokens(tokens_file) == {token_hash(t): lei for lei, t in issued.items()}


def test_token__bad_lei__refused_nothing_written(
    isolated: Node, tokens_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = on(
        isolated, "api", "token", "--lei", "3538000KANDABANK0194", "--tokens", str(tokens_file)
    )
    assert main(bad) == 1
    assert "check digits" in capsys.readouterr().err and not tokens_file.exists()


def test_token__lei_not_on_the_chain__refused_nothing_written(
    isolated: Node, tokens_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = make_lei(55)
    args = on(isolated, "api", "token", "--lei", stranger, "--tokens", str(tokens_file))
    assert main(args) == 1
    assert "ParticipantRegistryUnknownInstitution" in capsys.readouterr().err
    assert not tokens_file.exists()


@pytest.fixture
def served(isolated: Node, world: World, tokens_file: Path, tmp_path: Path) -> Iterator[str]:
    """`bpost api serve` as a process on a free port, reading ``tokens_file``; its base URL."""
    port = free_port()
    command = [
        str(BPOST),
        "--url",
        isolated.url,
        "--deployments",
        str(isolated.deployments),
        "--json",
        "api",
        "serve",
        "--port",
        str(port),
        "--tokens",
        str(tokens_file),
    ]
    out = tmp_path / "api.out"  # a file, not a pipe: the access log must never block the server
    with out.open("w") as stdout:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.DEVNULL
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "bpost api serve exited"
            assert time.monotonic() < deadline, "bpost api serve did not answer in 30 s"
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        first = strict_json(out.read_text().splitlines()[0])
        assert first == {"serving": "api", "url": f"{base}/"}, "with --json, its line is JSON"
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_serve__over_http__token_issued_meanwhile_accepted(served: str, tokens_file: Path) -> None:
    assert httpx.get(f"{served}/funds").status_code == 401
    title = httpx.get(f"{served}/openapi.json").json()["info"]["title"]
    assert title == "B-POST distribution data API"
    token = issue_api_token(tokens_file, KANDA)  # the server reads the changed file again
    answer = httpx.get(f"{served}/funds", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and len(answer.json()["funds"]) == 3
