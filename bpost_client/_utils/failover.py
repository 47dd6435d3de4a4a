"""JSON-RPC over HTTP to one of several nodes, moving to the next when the one in use is lost.

A member of a consortium network runs more than one node, or trusts more than one. When the node
a client talks to stops answering (killed, restarted, its host lost), the provider sends the same
request to the next node of its list, round after round, until one answers or
``reconnect_timeout`` seconds have passed. A request that a node already received may be sent
again: every request the client makes is a read, or the sending of signed bytes, which no node
can apply twice (a nonce is used once).

Each loss is counted (:attr:`FailoverProvider.losses`), even when the same node answers again
after a restart: a restarted node has lost its pool, so the sender compares the count before and
after each call and sends again, byte for byte, whatever it has in flight
(``_utils.sender.Sender``).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from typing import Any

import requests
from web3 import HTTPProvider
from web3.types import RPCEndpoint, RPCResponse

from bpost_client.exceptions import ChainError

__all__ = ["RECONNECT_TIMEOUT", "FailoverProvider", "node_losses"]

RECONNECT_TIMEOUT = 60.0
"""How long a request waits for some node of the list to answer: a geth node restarts and
answers within seconds, a block comes every 1 to 5 seconds."""

LOST = (requests.ConnectionError, requests.Timeout)
"""What a node that is gone (or hangs) raises: no connection, or no answer in time."""

_log = logging.getLogger(__name__)


class FailoverProvider(HTTPProvider):
    """An HTTP provider over ``urls``, in order of preference, that moves to the next URL when
    the one in use is lost (see the module).

    Raises:
        ValueError: no URL given.
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        timeout: float = 30.0,
        reconnect_timeout: float = RECONNECT_TIMEOUT,
        retry_interval: float = 0.5,
    ) -> None:
        if not urls:
            raise ValueError("no node URL given")
        super().__init__(
            urls[0], request_kwargs={"timeout": timeout}, exception_retry_configuration=None
        )
        self.urls = list(urls)
        self.reconnect_timeout = reconnect_timeout
        self.retry_interval = retry_interval
        self.losses = 0
        """How many times the node in use was lost (moved from, or waited for)."""
        self._current = 0

    @property
    def url(self) -> str:
        """The URL in use."""
        return self.urls[self._current]

    def _lost(self, exc: Exception, since: float | None, tried: int) -> float:
        """Count a loss (at the request's first failure), move to the next URL and return when
        the request's first failure was.

        Raises:
            ChainError: every URL was tried and none answered within ``reconnect_timeout``.
        """
        now = time.monotonic()
        if since is None:
            self.losses += 1
            since = now
            _log.warning("node %s lost (%s); trying %s", self.url, exc, ", ".join(self.urls))
        elif tried >= len(self.urls) and now - since >= self.reconnect_timeout:
            raise ChainError(
                f"no node answers: {', '.join(self.urls)} (for {self.reconnect_timeout:.0f} s; "
                f"last: {exc})"
            ) from exc
        self._current = (self._current + 1) % len(self.urls)
        if self._current == 0 or len(self.urls) == 1:
            time.sleep(self.retry_interval)  # a whole round refused: give them time
        self.endpoint_uri = self.url  # type: ignore[assignment]
        return since

    def _make_request(self, method: RPCEndpoint, request_data: bytes) -> bytes:
        since: float | None = None
        for tried in itertools.count(1):
            try:
                return super()._make_request(method, request_data)
            except LOST as exc:
                since = self._lost(exc, since, tried)
        raise AssertionError("unreachable")  # pragma: no cover

    def make_batch_request(self, batch_requests: Any) -> list[RPCResponse] | RPCResponse:
        since: float | None = None
        for tried in itertools.count(1):
            try:
                return super().make_batch_request(batch_requests)
            except LOST as exc:
                since = self._lost(exc, since, tried)
        raise AssertionError("unreachable")  # pragma: no cover


def node_losses(provider: object) -> int:
    """How many times ``provider`` lost its node (0 for a provider that cannot tell)."""
    return int(getattr(provider, "losses", 0))
