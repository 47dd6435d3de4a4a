"""Raw JSON-RPC requests to a node, for what runs before or beside a web3 connection (starting a
chain, a network's status): one call, or a batch answered call by call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from bpost_client.exceptions import ChainError

__all__ = ["batch", "call"]


def call(url: str, method: str, *params: Any, timeout: float = 2.0) -> Any:
    """The result of ``method`` at ``url``.

    Raises:
        ChainError: the node answered with an error.
        requests.RequestException: it did not answer.
    """
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    answer = requests.post(url, json=body, timeout=timeout).json()
    if "result" not in answer:
        raise ChainError(f"{method} failed at {url}: {answer.get('error')}")
    return answer["result"]


def batch(
    url: str, calls: Sequence[tuple[str, Sequence[Any]]], timeout: float = 2.0
) -> list[Any | ChainError]:
    """The results of ``calls`` (method, params) sent as one batch, in their order; a call the
    node refused is a ChainError in its place.

    Raises:
        requests.RequestException: the node did not answer.
        ChainError: the answer is not a batch's.
    """
    body = [
        {"jsonrpc": "2.0", "id": n, "method": method, "params": list(params)}
        for n, (method, params) in enumerate(calls)
    ]
    answers = requests.post(url, json=body, timeout=timeout).json()
    if not isinstance(answers, list):
        raise ChainError(f"{url} did not answer the batch: {answers}")
    by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
    results: list[Any | ChainError] = []
    for n, (method, _params) in enumerate(calls):
        answer = by_id.get(n, {})
        if "result" in answer:
            results.append(answer["result"])
        else:
            results.append(ChainError(f"{method} failed at {url}: {answer.get('error')}"))
    return results
