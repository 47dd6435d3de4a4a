"""JSON-RPC over HTTP to one of several nodes, moving to the next when the one in use is lost.

A member of a consortium network runs more than one node, or trusts more than one. When the node
a client talks to stops answering (killed, restarted, its host lost), the provider sends the same
request to the next node of its list, round after round, until one answers or
``reconnect_timeout`` seconds have passed. A request that a node already received may be sent
again: every request the client makes is a read, or the sending of signed bytes, which no node
can apply twice (a nonce is used once). Once the chain id is known (``web3_for`` sets it), a node
moved to that answers another is skipped as if lost.

Each loss is counted (:attr:`FailoverProvider.losses`), even when the same node answers again
after a restart: a restarted node has lost its pool, so the sender compares the count before and
after each call and sends again, byte for byte, whatever it has in flight
(``_utils.sender.Sender``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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

T = TypeVar("T")


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
        self.chain_id: int | None = None
        """The chain the provider serves, once known: a node of another is never moved to."""
        self._current = 0

    @property
    def url(self) -> str:
        """The URL in use."""
        return self.urls[self._current]

    def _lost(self, exc: Exception, since: float | None, reasons: dict[str, str]) -> float:
        """Count a loss (at the request's first failure), note why the node in use failed in
        ``reasons``, move to the next URL and return when the request's first failure was.

        Raises:
            ChainError: every URL was tried and none answered within ``reconnect_timeout``
                (the message says why for each).
        """
        now = time.monotonic()
        reasons[self.url] = _reason(exc)
        if since is None:
            self.losses += 1
            since = now
            _log.warning("node %s lost (%s); trying %s", self.url, exc, ", ".join(self.urls))
        elif len(reasons) >= len(self.urls) and now - since >= self.reconnect_timeout:
            tried = "; ".join(f"{url}: {why}" for url, why in reasons.items())
            raise ChainError(
                f"no node answers (for {self.reconnect_timeout:.0f} s): {tried}"
            ) from exc
        self._current = (self._current + 1) % len(self.urls)
        if self._current == 0 or len(self.urls) == 1:
            time.sleep(self.retry_interval)  # a whole round refused: give them time
        self.endpoint_uri = self.url  # type: ignore[assignment]
        return since

    def _other_chain(self) -> ChainError | None:
        """Why the node now in use may not serve this provider: another chain id than the one
        it was connected to (None: the same, or none known yet)."""
        if self.chain_id is None:
            return None
        method = RPCEndpoint("eth_chainId")
        answer = self.decode_rpc_response(
            super()._make_request(method, self.encode_rpc_request(method, []))
        )
        found = int(str(answer.get("result", "0x0")), 16)
        if found == self.chain_id:
            return None
        return ChainError(f"chain {found}, not {self.chain_id}: skipped")

    def _with_failover(self, send: Callable[[], T]) -> T:
        """``send()`` to the node in use; when it is lost, to the next one of the same chain."""
        since: float | None = None
        reasons: dict[str, str] = {}
        while True:
            try:
                refused = None if since is None else self._other_chain()
                if refused is None:
                    return send()
            except LOST as exc:
                since = self._lost(exc, since, reasons)
                continue
            since = self._lost(refused, since, reasons)

    def _make_request(self, method: RPCEndpoint, request_data: bytes) -> bytes:
        return self._with_failover(
            lambda: super(FailoverProvider, self)._make_request(method, request_data)
        )

    def make_batch_request(self, batch_requests: Any) -> list[RPCResponse] | RPCResponse:
        return self._with_failover(
            lambda: super(FailoverProvider, self).make_batch_request(batch_requests)
        )


def _reason(exc: Exception) -> str:
    """Why a node failed, in a few words: refused, timed out, or another chain's."""
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "connection refused or lost"
    return str(exc)


def node_losses(provider: object) -> int:
    """How many times ``provider`` lost its node (0 for a provider that cannot tell)."""
    return int(getattr(provider, "losses", 0))
