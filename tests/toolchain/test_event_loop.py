"""The browser tests leave no asyncio loop behind: code that runs its own loop with
``asyncio.run`` still works after them (this module runs after ``test_browser.py``)."""

from __future__ import annotations

import asyncio


def test_asyncio_run__after_the_browser_tests__runs() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
