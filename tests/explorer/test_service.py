"""`bpost explorer start` indexes the chain and leaves the explorer serving in the background,
signed in with the API token it printed; `status` finds it, `stop` ends it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.conftest import Node, free_port
from tests.e2e.conftest import run_process
from tests.helpers import strict_json

OBSERVER = "3538000KASUMIOBS0164"


def test_start_status_stop__background_explorer_serves_the_index_with_the_printed_token(
    isolated: Node, tmp_path: Path
) -> None:
    port = str(free_port())
    chain = ["--url", isolated.url, "--deployments", str(isolated.deployments)]
    where = ["--port", port, "--data-dir", str(tmp_path / "explorer")]
    database = ["--database", f"sqlite:///{tmp_path / 'index.sqlite'}"]
    started = run_process("bpost", *chain, "explorer", "start", *database, *where,
                          "--token-for", OBSERVER)  # fmt: skip
    try:
        assert started.code == 0, started.err
        url = f"http://127.0.0.1:{port}/"
        assert f"explorer: {url}" in started.out
        token = re.search(r"API token of .*: (bpost_\S+)", started.out)
        assert token, started.out
        page = httpx.get(f"{url}institutions", headers={"Authorization": f"Bearer {token[1]}"})
        assert page.status_code == 200
        assert "Kasumigaseki Supervisory Observer" in page.text
        assert httpx.get(f"{url}institutions").status_code == 303, "no token: sign in first"

        running = run_process("bpost", "explorer", "status", *where)
        assert "running (process" in running.out
        again = run_process("bpost", "--json", *chain, "explorer", "start", *database, *where)
        assert again.code == 0, again.err
        reused = strict_json(again.out)
        assert (reused["url"], reused["index"]) == (url, None), "a second start reuses it"
    finally:
        stopped = run_process("bpost", "explorer", "stop", *where)
    assert "explorer: stopped" in stopped.out
    assert "not running" in run_process("bpost", "explorer", "status", *where).out
    assert "was not running" in run_process("bpost", "explorer", "stop", *where).out
    assert strict_json(run_process("bpost", "--json", "explorer", "stop", *where).out) == {
        "stopped": False
    }


def test_start__port_taken_by_something_else__refused(isolated: Node, tmp_path: Path) -> None:
    import http.server
    import threading

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = str(server.server_address[1])
        chain = ["--url", isolated.url, "--deployments", str(isolated.deployments)]
        refused = run_process("bpost", *chain, "explorer", "start", "--port", port,
                              "--data-dir", str(tmp_path / "explorer"),
                              "--database", f"sqlite:///{tmp_path / 'index.sqlite'}")  # fmt: skip
    finally:
        server.shutdown()
    assert refused.code != 0
    assert "already answers" in refused.err
