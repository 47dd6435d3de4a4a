"""Blocks and their receipts read in JSON-RPC batches, as the node sends them.

web3's result formatters cost more than everything else the indexer does together, so blocks and
receipts are taken raw (hex strings) and only the fields the index keeps are converted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from web3 import Web3
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint, RPCResponse

from bpost_client.exceptions import ChainError

__all__ = ["BlockReader", "RawBlock"]

_METHOD_NOT_FOUND = -32601


class _RpcError(ChainError):
    def __init__(self, method: str, error: Any) -> None:
        super().__init__(f"{method} failed: {error}")
        self.code = error.get("code") if isinstance(error, dict) else None
        self.text = str(error).lower()


@dataclass(frozen=True)
class RawBlock:
    """A block with its full transactions, and its receipts in transaction order."""

    block: dict[str, Any]
    receipts: list[dict[str, Any]]


def _results(method: str, answers: Sequence[RPCResponse]) -> list[Any]:
    found = []
    for answer in answers:
        if answer.get("error") is not None:
            raise _RpcError(method, answer["error"])
        found.append(answer.get("result"))
    return found


class BlockReader:
    """Reads blocks and receipts from ``w3``'s node, many per HTTP request."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self._block_receipts = True

    def _batch(self, method: str, params: Sequence[list[Any]]) -> list[Any]:
        """The results of ``method`` for each parameter list, None for a null result."""
        if not params:
            return []
        endpoint = RPCEndpoint(method)
        provider = self.w3.provider
        if isinstance(provider, JSONBaseProvider):
            answers = provider.make_batch_request([(endpoint, p) for p in params])
            if isinstance(answers, list):
                return _results(method, answers)
        # a provider or node that takes no batches: one request each
        return _results(method, [provider.make_request(endpoint, p) for p in params])

    def read(self, first: int, last: int) -> list[RawBlock]:
        """Blocks ``first`` to ``last`` with their receipts, cut short where the chain changed
        while they were read (a block gone, or one not the child of the block before)."""
        found = self._batch(
            "eth_getBlockByNumber", [[hex(n), True] for n in range(first, last + 1)]
        )
        chained: list[dict[str, Any]] = []
        for block in found:
            if block is None or (chained and block["parentHash"] != chained[-1]["hash"]):
                break
            chained.append(cast(dict[str, Any], block))
        receipts = self._receipts(chained)
        return [RawBlock(b, r) for b, r in zip(chained, receipts, strict=False)]

    def _receipts(self, chained: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Each block's receipts, asked for by block hash (so they are that block's), with
        ``eth_getBlockReceipts`` or, on a node without it, one request per transaction; the
        list stops before a block whose receipts are gone."""
        if self._block_receipts:
            try:
                found = self._batch("eth_getBlockReceipts", [[b["hash"]] for b in chained])
                return _until_missing(found)
            except _RpcError as exc:
                if exc.code != _METHOD_NOT_FOUND and "method" not in exc.text:
                    raise
                self._block_receipts = False
        hashes = [tx["hash"] for b in chained for tx in b["transactions"]]
        receipts = iter(self._batch("eth_getTransactionReceipt", [[h] for h in hashes]))
        per_block: list[list[dict[str, Any]]] = []
        for block in chained:
            mine = [next(receipts) for _ in block["transactions"]]
            if any(r is None or r["blockHash"] != block["hash"] for r in mine):
                break
            per_block.append(mine)
        return per_block


def _until_missing(found: list[Any]) -> list[list[dict[str, Any]]]:
    complete = []
    for receipts in found:
        if receipts is None:
            break
        complete.append(cast(list[dict[str, Any]], receipts))
    return complete
