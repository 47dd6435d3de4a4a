"""Split many records into transactions that fit: under the block gas limit and 128 KiB."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from web3.contract.contract import ContractFunction
from web3.exceptions import Web3RPCError
from web3.types import TxParams, TxReceipt

from bpost_client._utils.sender import MAX_TX_BYTES, Sender
from bpost_client.exceptions import TransactionError, TransactionTooLarge

__all__ = ["GAS_SHARE", "MAX_CALLDATA_BYTES", "Batch", "send_batched", "sized_batches"]

T = TypeVar("T")

MAX_CALLDATA_BYTES = 120 * 1024
"""Calldata per transaction, kept under the 128 KiB that geth's pool accepts
(``sender.MAX_TX_BYTES``), with room for the rest of the signed transaction."""

GAS_SHARE = 0.5
"""The share of the block gas limit one transaction's gas limit (estimate and margin) may take:
half, so that two batches share a block. A node takes a transaction into a block while its gas
limit fits the gas the block has left, and a batch uses about its limit less the sender's margin
(a fifth): two of 15M use about 24M of a 30M block, where one of 27M used 21.6M and left too
little for the next (a NAV day of 6,000 funds took 3 blocks on a Clique network, now 2)."""


@dataclass(frozen=True)
class Batch(Generic[T]):
    """Records sent in one transaction, with its call and estimated gas."""

    items: Sequence[T]
    params: TxParams


def sized_batches(
    items: Sequence[T],
    call_for: Callable[[Sequence[T]], ContractFunction],
    sender: Sender,
    max_items: int,
) -> Iterator[Batch[T]]:
    """Yield batches of at most ``max_items`` records whose calldata is under
    :data:`MAX_CALLDATA_BYTES` and whose gas limit is under :data:`GAS_SHARE` of the block gas
    limit. The first batch's size comes from the estimate of a small probe batch; each batch is
    then estimated itself and halved until it fits, and the gas per record it shows sizes the
    next one. The estimate is kept in the transaction, so the sender does not estimate again.

    Raises:
        ContractRevert: a record would revert (the estimate of its batch fails).
    """
    gas_cap = int(sender.w3.eth.get_block("latest")["gasLimit"] * GAS_SHARE)
    start = 0
    per_item = 0.0
    while start < len(items):
        left = len(items) - start
        if per_item == 0.0:
            probe = items[start : start + min(4, left)]
            per_item = max(_estimate_or_zero(sender, _params(call_for(probe))), 1) / len(probe)
        size = max(1, min(max_items, left, int(gas_cap / per_item)))
        while True:
            chunk = items[start : start + size]
            params = _params(call_for(chunk))
            too_big = (len(str(params["data"])) - 2) // 2 > MAX_CALLDATA_BYTES
            gas = 0 if too_big else _estimate_or_zero(sender, params)
            if gas == 0 or gas > gas_cap:
                if size == 1 and too_big:
                    raise TransactionTooLarge(
                        f"one record alone is {(len(str(params['data'])) - 2) // 2:,} bytes of "
                        f"calldata, over the {MAX_CALLDATA_BYTES:,} bytes a transaction may carry "
                        f"(a node's pool accepts {MAX_TX_BYTES:,} bytes, 128 KiB, signed)"
                    )
                if size == 1:
                    sender.estimate(params)  # raises the real error of the single record
                    raise TransactionError("one record alone is over the gas or calldata limit")
                size = max(1, size // 2)
                continue
            yield Batch(chunk, {**params, "gas": gas})
            per_item = gas / size
            start += size
            break


def send_batched(
    sender: Sender,
    function: Callable[[list[T]], ContractFunction],
    items: Sequence[T],
    max_items: int,
    label: str,
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Send ``items`` to the contract function that takes a list of them, in the batches of
    :func:`sized_batches`, pipelined, each transaction named by ``label`` with ``{}`` for its
    number of records; return the receipts in order.

    Raises:
        ContractRevert: a record would revert (nothing is sent then).
    """
    batches = sized_batches(items, lambda chunk: function(list(chunk)), sender, max_items)
    calls = [(b.params, label.format(len(b.items))) for b in batches]
    return sender.send_all(calls, on_done)


def _params(call: ContractFunction) -> TxParams:
    return {"to": call.address, "data": call._encode_transaction_data()}


def _estimate_or_zero(sender: Sender, params: TxParams) -> int:
    """The estimate, or 0 when the batch may need more gas than a block allows: the node says so,
    or the call reverted without a custom error (an inner call out of gas reverts with no data).
    A record that really reverts is found when the batch is halved down to it.
    """
    try:
        return sender.estimate(params)
    except TransactionError:
        return 0
    except Web3RPCError as exc:
        text = str(exc).lower()
        if "exceeds" in text or "out of gas" in text:
            return 0
        raise
