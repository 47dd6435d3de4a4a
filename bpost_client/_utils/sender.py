"""One pipelined transaction sender: local signing, its own nonce, fees, receipts and retries.

Transactions are signed locally and sent without waiting for each other (up to ``max_in_flight``
at a time); receipts are awaited afterwards. A transaction that leaves the pool is sent again as it
was signed; one whose nonce was taken by another transaction is looked up: if that transaction did
the same call its receipt stands, otherwise the call is signed again with a fresh nonce. A mined
transaction that reverted is replayed with ``eth_call`` at its block so that the custom error can
be decoded.

A node lost under the sender (killed, restarted, or left for the next node of the client's list:
``_utils.failover``) takes its pool with it. The sender keeps the signed bytes of every
transaction it has in flight; after a loss it sends each of them again, byte for byte, to the
node that answers now, before anything else. The same bytes carry the same nonce and the same
call, so none can be mined twice, and those that the lost node never passed on are not lost.
Before an upload plans, :meth:`Sender.settle` waits until every nonce the account used is mined
or dropped, so that the plan sees what the chain holds and sends only what is missing. Given an
explorer URL, the sender logs each transaction when it is sent, with the
link to its page in the explorer (INFO, logger ``bpost_client.transactions``).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import TransactionIndexingInProgress, TransactionNotFound, Web3RPCError
from web3.types import TxParams, TxReceipt

from bpost_client._utils.failover import node_losses
from bpost_client._utils.reverts import decode_revert, revert_data, translate
from bpost_client.exceptions import (
    ChainError,
    ContractRevert,
    TransactionDropped,
    TransactionError,
    TransactionReplaced,
    TransactionTooLarge,
)
from bpost_client.platform.explorer_links import TRANSACTIONS_LOGGER, check_explorer_url, tx_link

__all__ = [
    "MAX_IN_FLIGHT",
    "MAX_TX_BYTES",
    "Call",
    "FeeMode",
    "PendingTx",
    "Sender",
    "as_params",
    "charges_gas",
]

MAX_TX_BYTES = 128 * 1024
"""The largest signed transaction geth's pool accepts (``txMaxSize``: 4 slots of 32 KiB); a node
refuses a larger one with "oversized data", so the sender refuses it first, naming the limit.
Uploads of many records stay under it by splitting (``_utils.batching``)."""

MAX_IN_FLIGHT = 1024
"""Transactions sent before the oldest one's receipt is awaited: as many as a network node's
pool keeps executable per account (``--txpool.accountslots`` in ``platform.network.geth``). On a
Clique chain a receipt comes a block or two after the send, so a smaller window stalls the
sender: with 64, a month's 500 lending statements (64 of them fill a block) were sent 64 at a
time, each window waiting one to two periods for its first receipt (bench/bench_network.py)."""

FeeMode = Literal["auto", "legacy", "eip1559", "free"]
"""How fees are set: ``auto`` (EIP-1559 where blocks carry a base fee, else legacy), ``legacy``
(the node's gas price), ``eip1559``, or ``free`` (gas price zero, for permissioned chains whose
accounts hold no ether, such as Besu with free gas)."""

Call = ContractFunction | TxParams


def charges_gas(w3: Web3, fees: FeeMode = "auto") -> bool:
    """Whether sending costs ether on ``w3``'s chain with ``fees``: not with ``free``, nor where
    blocks carry a base fee of 0 (the embedded chain); yes on a geth network, whose base fee
    never falls below 7 wei and whose pool takes no gas price of 0."""
    if fees == "free":
        return False
    base_fee = w3.eth.get_block("latest").get("baseFeePerGas")
    if base_fee is None:
        return int(w3.eth.gas_price) > 0
    return int(base_fee) > 0


def as_params(call: Call) -> TxParams:
    """A call as transaction parameters: its target (``to``) and calldata (``data``), with the
    value and gas of a ready-made one."""
    if isinstance(call, ContractFunction):
        params: TxParams = {"to": call.address, "data": call._encode_transaction_data()}
        return params
    kept = {k: v for k, v in call.items() if k in ("to", "data", "value", "gas")}
    return cast(TxParams, kept)


"""A contract function bound to its arguments, or raw transaction fields (``to``, ``data``)."""

_transactions_log = logging.getLogger(TRANSACTIONS_LOGGER)

NOT_YET = (TransactionNotFound, TransactionIndexingInProgress)
"""What a node answers for a receipt it has not got yet: none, or (geth, while it indexes the
chain's transactions after a start) "transaction indexing is in progress"."""


@dataclass
class PendingTx:
    """A transaction sent and not yet confirmed by a receipt."""

    label: str
    call: TxParams
    nonce: int
    tx_hash: HexBytes
    raw: bytes
    sent_block: int
    sent_at: float = field(default_factory=time.monotonic)
    rebroadcasts: int = 0


class Sender:
    """Signs with ``account`` and sends to ``w3``, keeping the account's nonce itself.

    With ``explorer_url``, each transaction is logged when it is sent, at INFO on the logger
    ``bpost_client.transactions``, as ``<label>: <0x hash> <explorer link>``. A transaction sent
    again with the same signed bytes is not logged again; one signed again (a new hash) is.

    A receipt is looked for every ``poll_interval`` seconds at first (anvil mines at once), then
    less often, up to every ``max_poll_interval`` seconds (a Clique network seals every 1 to 5
    seconds), for at most ``timeout`` seconds (120 s: 24 blocks of the slowest period). A call
    whose signed transaction is over :data:`MAX_TX_BYTES` is refused before it is sent.

    Raises:
        ConfigError: ``explorer_url`` is not an http(s) base URL.
    """

    def __init__(
        self,
        w3: Web3,
        account: LocalAccount,
        chain_id: int,
        *,
        fees: FeeMode = "auto",
        max_in_flight: int = MAX_IN_FLIGHT,
        timeout: float = 120.0,
        poll_interval: float = 0.05,
        max_poll_interval: float = 0.25,
        drop_check_after: float = 2.0,
        gas_margin: float = 1.25,
        explorer_url: str | None = None,
    ) -> None:
        self.w3 = w3
        self.account = account
        self.chain_id = chain_id
        self.fees = fees
        self.max_in_flight = max_in_flight
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.max_poll_interval = max(max_poll_interval, poll_interval)
        self.drop_check_after = drop_check_after
        self.gas_margin = gas_margin
        self.explorer_url = None if explorer_url is None else check_explorer_url(explorer_url)
        self._nonce: int | None = None
        self._fees_cache: tuple[float, dict[str, int], int] | None = None
        self._in_flight: dict[int, PendingTx] = {}
        """Sent and not yet settled, by nonce: what a lost node's pool may have taken with it."""
        self._losses_seen = node_losses(w3.provider)

    FEE_CACHE_SECONDS = 1.0
    """How long fee fields and the head block number are reused across a batch."""

    @property
    def address(self) -> str:
        """The signing address."""
        return str(self.account.address)

    def resync_nonce(self) -> int:
        """Take the next nonce from the node's pending count."""
        self._nonce = self.w3.eth.get_transaction_count(self.account.address, "pending")
        return self._nonce

    def _fees_and_head(self) -> tuple[dict[str, int], int]:
        """Fee fields and the head block, refreshed at most once per ``FEE_CACHE_SECONDS``."""
        now = time.monotonic()
        if self._fees_cache is None or now - self._fees_cache[0] > self.FEE_CACHE_SECONDS:
            self._fees_cache = (now, self._fee_fields(), self.w3.eth.block_number)
        return self._fees_cache[1], self._fees_cache[2]

    def _fee_fields(self) -> dict[str, int]:
        mode = self.fees
        if mode == "free":
            return {"gasPrice": 0}
        base_fee: int | None = None
        if mode != "legacy":
            base_fee = self.w3.eth.get_block("latest").get("baseFeePerGas")
            if base_fee is None and mode == "auto":
                mode = "legacy"
        if mode == "legacy":
            return {"gasPrice": self.w3.eth.gas_price}
        try:
            priority: int = self.w3.eth.max_priority_fee
        except (Web3RPCError, ValueError):
            priority = 0
        return {"maxFeePerGas": 2 * int(base_fee or 0) + priority, "maxPriorityFeePerGas": priority}

    def charges_gas(self) -> bool:
        """Whether sending costs the signer ether (see :func:`charges_gas`)."""
        return charges_gas(self.w3, self.fees)

    def _as_params(self, call: Call) -> TxParams:
        return as_params(call)

    def estimate(self, params: TxParams) -> int:
        """Gas for ``params`` with the sender's margin; a revert raises its custom error."""
        probe: TxParams = {"from": self.account.address, **params}
        probe.pop("gas", None)
        try:
            return int(self.w3.eth.estimate_gas(probe, "pending") * self.gas_margin)
        except Exception as exc:
            translated = translate(exc)
            if translated is exc:
                data = revert_data(exc)
                if data is None or len(data) < 4:
                    raise
                translated = decode_revert(data)
            raise translated from exc

    def submit(self, call: Call, label: str = "") -> PendingTx:
        """Sign and send one call without waiting for it.

        Raises:
            ContractRevert: the call would revert (found by gas estimation; nothing was sent).
        """
        params = self._as_params(call)
        self._check_size(len(HexBytes(params.get("data", b""))), label, "its calldata")
        self._after_node_loss()
        gas = int(params.get("gas") or self.estimate(params))
        if self._nonce is None:
            self.resync_nonce()
        for attempt in range(2):
            assert self._nonce is not None
            fees, head = self._fees_and_head()
            tx: dict[str, Any] = {
                **params,
                "from": self.account.address,
                "nonce": self._nonce,
                "chainId": self.chain_id,
                "gas": gas,
                **fees,
            }
            tx.setdefault("value", 0)
            signed = self.account.sign_transaction(tx)
            self._check_size(len(signed.raw_transaction), label, "signed, it")
            try:
                tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
            except Web3RPCError as exc:
                text = str(exc).lower()
                if self._already_sent(signed.raw_transaction, text):
                    # Sent before its node was lost and passed on, or mined since: these very
                    # bytes are on their way; signing the call again would send it twice.
                    tx_hash = Web3.keccak(signed.raw_transaction)
                elif attempt == 0 and ("nonce" in text or "fee" in text):
                    self.resync_nonce()
                    self._fees_cache = None
                    continue
                else:
                    hint = ""
                    if self.fees == "free" and "underpriced" in text:
                        hint = (
                            " (this chain charges gas: its pool takes no gas price of 0; send "
                            "with fees 'auto' from a funded account)"
                        )
                    raise TransactionError(
                        f"the node refused {label or 'a transaction'}: {exc}{hint}"
                    ) from exc
            pending = PendingTx(
                label=label,
                call=params,
                nonce=self._nonce,
                tx_hash=HexBytes(tx_hash),
                raw=bytes(signed.raw_transaction),
                sent_block=head,
            )
            self._nonce += 1
            self._in_flight[pending.nonce] = pending
            self._log_sent(pending)
            return pending
        raise TransactionError("unreachable")  # pragma: no cover

    @staticmethod
    def _check_size(size: int, label: str, what: str) -> None:
        """Refuse a transaction of ``size`` bytes over the pool's limit.

        Raises:
            TransactionTooLarge: over :data:`MAX_TX_BYTES`.
        """
        if size > MAX_TX_BYTES:
            raise TransactionTooLarge(
                f"{label or 'a transaction'} is too large: {what} is {size:,} bytes, over the "
                f"{MAX_TX_BYTES:,} bytes (128 KiB) a node's pool accepts for one transaction; "
                "split the records over several calls"
            )

    def _already_sent(self, raw: bytes, refusal: str) -> bool:
        """Whether a node's refusal of ``raw`` says that these very bytes were sent already: it
        knows them, or their nonce is used and the transaction using it is theirs."""
        if "already known" in refusal:
            return True
        if "nonce too low" not in refusal:
            return False
        try:
            self.w3.eth.get_transaction(Web3.keccak(raw))
        except (TransactionNotFound, TransactionIndexingInProgress):
            return False
        return True

    def _after_node_loss(self) -> None:
        """After the node was lost (see the module), send every transaction in flight again,
        byte for byte and in nonce order, to the node that answers now.

        A node answers "already known" for what it holds, "nonce too low" for what is mined:
        both are settled by :meth:`wait`. A node refusing the bytes for another reason is left
        to :meth:`wait` too, which finds the transaction dropped or its nonce taken."""
        losses = node_losses(self.w3.provider)
        if losses == self._losses_seen:
            return
        self._losses_seen = losses
        self._fees_cache = None
        for nonce in sorted(self._in_flight):
            pending = self._in_flight[nonce]
            with contextlib.suppress(Web3RPCError):
                self.w3.eth.send_raw_transaction(pending.raw)
            pending.sent_at = time.monotonic()
        self._losses_seen = node_losses(self.w3.provider)  # a loss while sending: sent again

    def settle(self, timeout: float | None = None) -> None:
        """Wait until every nonce this account used is mined or dropped, then take the next
        nonce from the node: what an upload does before it plans, so that it plans against
        what the chain holds and sends only what is missing.

        First every transaction this sender has in flight is awaited (after a node loss, sent
        again first); a failure of one of them belongs to the send that made it and is not
        raised here. Then the node's pool must hold no transaction of the account (its pending
        count equal to its mined count): one sent by an earlier run, or another process, with
        the same key.

        Raises:
            TransactionError: the account still has transactions in the pool after ``timeout``
                seconds (the sender's timeout by default).
            ChainError: no node answers.
        """
        for nonce in sorted(self._in_flight):
            pending = self._in_flight.get(nonce)
            if pending is None:
                continue
            try:
                self.wait(pending)
            except ChainError:
                raise
            except Exception:  # it failed for the send that made it, and was reported there
                self._in_flight.pop(nonce, None)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        address = self.account.address
        while True:
            mined = self.w3.eth.get_transaction_count(address, "latest")
            pooled = self.w3.eth.get_transaction_count(address, "pending")
            if pooled <= mined:
                break
            if time.monotonic() >= deadline:
                raise TransactionError(
                    f"{pooled - mined} transaction(s) of {address} are still in the node's pool "
                    f"(nonces {mined} to {pooled - 1}); wait until they are mined, then try again"
                )
            time.sleep(self.max_poll_interval)
        self._nonce = mined

    def _log_sent(self, pending: PendingTx) -> None:
        """Log the explorer link of a transaction just sent (nothing without an explorer URL)."""
        if self.explorer_url is None:
            return
        link = tx_link(self.explorer_url, pending.tx_hash)
        tx_hash = "0x" + bytes(pending.tx_hash).hex()
        _transactions_log.info("%s: %s %s", pending.label or "transaction", tx_hash, link)

    def wait(self, pending: PendingTx) -> TxReceipt:
        """Wait for the receipt of ``pending``, recovering from a drop or a replacement.

        Raises:
            ContractRevert: it was mined and reverted.
            TransactionDropped: it left the pool and could not be sent again.
            TransactionError: no receipt within the timeout.
        """
        try:
            receipt = self._wait(pending)
        except (ContractRevert, TransactionDropped, TransactionReplaced):
            self._settled(pending)
            raise
        self._settled(pending)
        return receipt

    def _settled(self, pending: PendingTx) -> None:
        """``pending``'s nonce is mined (or it failed for good): no longer in flight."""
        if self._in_flight.get(pending.nonce) is pending:
            del self._in_flight[pending.nonce]

    def _wait(self, pending: PendingTx) -> TxReceipt:
        deadline = time.monotonic() + self.timeout
        interval = self.poll_interval
        while time.monotonic() < deadline:
            self._after_node_loss()
            try:
                receipt = self.w3.eth.get_transaction_receipt(pending.tx_hash)
            except NOT_YET:
                receipt = None
            if receipt is not None:
                return self._checked(receipt, pending)
            if time.monotonic() - pending.sent_at >= self.drop_check_after:
                recovered = self._recover(pending)
                if recovered is not None:
                    return recovered
            time.sleep(interval)
            interval = min(interval * 1.5, self.max_poll_interval)
        raise TransactionError(
            f"no receipt for {pending.label or 'transaction'} {pending.tx_hash.hex()} "
            f"(nonce {pending.nonce}) within {self.timeout:.0f} s"
        )

    def _recover(self, pending: PendingTx) -> TxReceipt | None:
        try:
            self.w3.eth.get_transaction(pending.tx_hash)
            return None  # still known to the node: keep waiting
        except TransactionIndexingInProgress:
            return None  # geth cannot tell yet: ask again later
        except TransactionNotFound:
            pass
        mined_count = self.w3.eth.get_transaction_count(self.account.address, "latest")
        if mined_count <= pending.nonce:
            # Dropped from the pool, nonce still free: send the same signed bytes again.
            if pending.rebroadcasts >= 3:
                raise TransactionDropped(
                    f"{pending.label or 'transaction'} {pending.tx_hash.hex()} was dropped "
                    f"{pending.rebroadcasts} times"
                )
            pending.rebroadcasts += 1
            try:
                self.w3.eth.send_raw_transaction(pending.raw)
            except Web3RPCError as exc:
                if "already known" not in str(exc).lower():
                    raise TransactionDropped(f"cannot send again: {exc}") from exc
            pending.sent_at = time.monotonic()
            return None
        # The nonce was taken by another transaction.
        taker = self._find_by_nonce(pending.nonce, pending.sent_block)
        if taker is not None and self._same_call(taker, pending.call):
            receipt = self.w3.eth.get_transaction_receipt(taker["hash"])
            return self._checked(receipt, pending)
        if taker is None:
            raise TransactionReplaced(
                f"nonce {pending.nonce} of {pending.label or 'a transaction'} was used, "
                "and the transaction that used it was not found"
            )
        self._settled(pending)  # its nonce is another transaction's
        self.resync_nonce()
        replacement = self.submit(pending.call, pending.label)
        return self.wait(replacement)

    def _find_by_nonce(self, nonce: int, from_block: int) -> Any:
        head = self.w3.eth.block_number
        for number in range(max(from_block - 1, 0), head + 1):
            block = self.w3.eth.get_block(number, full_transactions=True)
            for tx in cast(list[Any], block["transactions"]):
                if tx["from"] == self.account.address and tx["nonce"] == nonce:
                    return tx
        return None

    @staticmethod
    def _same_call(tx: Any, call: TxParams) -> bool:
        to = str(call.get("to", "")).lower()
        return str(tx["to"]).lower() == to and HexBytes(tx["input"]) == HexBytes(
            call.get("data", b"")
        )

    def _checked(self, receipt: TxReceipt, pending: PendingTx) -> TxReceipt:
        if receipt["status"] == 1:
            return receipt
        replay: TxParams = {"from": self.account.address, **pending.call}
        try:
            self.w3.eth.call(replay, receipt["blockNumber"] - 1)
        except Exception as exc:
            translated = translate(exc)
            if isinstance(translated, ContractRevert | TransactionError):
                raise translated from exc
        raise TransactionError(
            f"{pending.label or 'transaction'} {pending.tx_hash.hex()} reverted in block "
            f"{receipt['blockNumber']}"
        )

    def send(self, call: Call, label: str = "") -> TxReceipt:
        """Send one call and wait for its receipt."""
        return self.wait(self.submit(call, label))

    def send_all(
        self,
        calls: Iterable[Call | tuple[Call, str]],
        on_done: Callable[[TxReceipt], None] | None = None,
    ) -> list[TxReceipt]:
        """Send many calls pipelined, in order, and return their receipts in the same order.

        A call that fails stops the submission of the rest; those already sent are awaited
        before the error is raised, so the nonce stays in step with the node.
        """
        window: deque[PendingTx] = deque()
        receipts: list[TxReceipt] = []
        failure: BaseException | None = None

        def drain_one() -> None:
            nonlocal failure
            pending = window.popleft()
            try:
                receipt = self.wait(pending)
            except ChainError:
                raise  # no node answers: the rest cannot be awaited either (see settle)
            except Exception as exc:
                failure = failure or exc
                return
            receipts.append(receipt)
            if on_done is not None:
                on_done(receipt)

        for item in calls:
            call, label = item if isinstance(item, tuple) else (item, "")
            if len(window) >= self.max_in_flight:
                drain_one()
            if failure is not None:
                break
            try:
                window.append(self.submit(call, label))
            except Exception as exc:
                failure = exc
                break
        while window:
            drain_one()
        if failure is not None:
            raise failure
        return receipts
