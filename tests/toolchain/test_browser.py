"""The browser fixtures drive Debian's chromium headless: a page loads, a click runs its script."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import free_port

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>B-POST browser check</title></head>
<body>
  <p id="state">Not confirmed</p>
  <button type="button"
          onclick="document.getElementById('state').textContent = 'Confirmed by 東京'">
    Confirm
  </button>
</body>
</html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server of one page, on its own thread; its URL."""
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_page__click_confirm__shows_the_new_text(page: Page, site: str) -> None:
    page.goto(site)
    assert page.title() == "B-POST browser check"
    state = page.locator("#state")
    assert state.inner_text() == "Not confirmed", "the page before the click"
    page.get_by_role("button", name="Confirm").click()
    expect(state).to_have_text("Confirmed by 東京")
    assert state.inner_text() == "Confirmed by 東京", "the text a person sees after the click"
