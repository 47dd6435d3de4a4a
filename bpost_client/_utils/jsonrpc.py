"""Raw JSON-RPC requests to a node, for what runs before or beside a web3 connection (starting a
chain, a network's status): one call, or a batch answered call by call, over HTTP; one call over
a node's IPC socket (its administrative methods, which no HTTP port serves)."""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from bpost_client.exceptions import ChainError

__all__ = ["batch", "call", "ipc_call"]


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


def ipc_call(path: Path, method: str, *params: Any, timeout: float = 5.0) -> Any:
    """The result of ``method`` over the node's IPC socket at ``path``.

    Raises:
        ChainError: no answer, or the node answered with an error.
    """
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    received = b""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(str(path))
            connection.sendall(body.encode())
            while not received.endswith(b"\n"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
        answer = json.loads(received)
    except (OSError, ValueError) as exc:
        raise ChainError(f"{method} over {path} had no answer: {exc}") from exc
    if "result" not in answer:
        raise ChainError(f"{method} failed over {path}: {answer.get('error')}")
    return answer["result"]
