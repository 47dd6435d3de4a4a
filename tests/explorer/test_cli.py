"""`bpost explorer sign` signs the login page's challenge; `bpost explorer serve` serves the
pages and keeps the index current while it runs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi.testclient import TestClient

from bpost_client.api.auth import issue_api_token, login_message
from bpost_client.cli import main
from bpost_client.platform import roles
from bpost_client.platform.signers import dev_account
from bpost_client.types import Role
from tests.conftest import Node, free_port
from tests.explorer.conftest import DISTRIBUTOR, KANDA, OPERATOR, client_of, nonce_of
from tests.helpers import fresh_account, strict_json

BPOST = Path(sys.executable).parent / "bpost"


def test_sign__dev_account__signature_of_the_login_text_accepted_by_the_page(
    isolated: Node, visitor: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    nonce = nonce_of(visitor.get("/login").text)
    base = ["--url", isolated.url, "--deployments", str(isolated.deployments)]
    assert (
        main([*base, "--dev-account", str(DISTRIBUTOR), "explorer", "sign", "--nonce", nonce]) == 0
    )
    captured = capsys.readouterr()
    signature = captured.out.strip()
    address = dev_account(DISTRIBUTOR).address
    assert f"signed by {address}" in captured.err
    signer = Account.recover_message(encode_defunct(text=login_message(nonce)), signature=signature)
    assert signer == address
    form = {"address": address, "nonce": nonce, "signature": signature, "next": "/contracts"}
    answer = visitor.post("/login", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/contracts"
    assert KANDA in visitor.get("/contracts").text


def test_serve__pages_over_http__index_follows_the_chain__stops_on_sigterm(
    isolated: Node, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.yaml"
    token = issue_api_token(tokens, KANDA)
    port = free_port()
    command = [
        str(BPOST), "--url", isolated.url, "--deployments", str(isolated.deployments), "--json",
        "explorer", "serve", "--database", f"sqlite:///{tmp_path / 'index.sqlite'}",
        "--port", str(port), "--tokens", str(tokens), "--poll", "0.2",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        assert process.stdout is not None
        first = strict_json(process.stdout.readline())
        assert first == {"serving": "explorer", "url": f"{base}/"}, "with --json, its line is JSON"
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "bpost explorer serve exited"
            assert time.monotonic() < deadline, "bpost explorer serve did not answer in 30 s"
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert httpx.get(f"{base}/").status_code == 303, "no sign-in: to the login page"
        receipt = roles.grant_role(
            client_of(isolated, OPERATOR), Role.OBSERVER, fresh_account().address
        )
        tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
        while True:
            assert time.monotonic() < deadline, "the new transaction was not indexed in 30 s"
            page = httpx.get(f"{base}/tx/{tx_hash}", headers=headers)
            if page.status_code == 200:
                break
            assert page.status_code == 404, page.text
            time.sleep(0.2)
        assert "PlatformAccess.grantRole" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
    assert process.stderr is not None
    errors = process.stderr.read()
    assert code in (0, -signal.SIGTERM), f"bpost explorer serve ended with {code}: {errors}"
    assert "explorer: stopped" in errors, "the indexer stopped and the database closed first"
    assert "the indexer stopped:" not in errors, errors
