"""Distributors' subscriptions to fund data and their receipts on chain (use case 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.identifiers import (
    ascii_from_bytes,
    bytes32_from_ascii,
    check_fund_code,
    check_lei,
)
from bpost_client.platform.events import iter_events
from bpost_client.types import FundCode

__all__ = [
    "Receipt",
    "acknowledge_receipt",
    "receipts",
    "received_up_to",
    "subscribe",
    "subscribed_funds",
    "unsubscribe",
]

CONTRACT = "Subscriptions"
MAX_BATCH = 256


def _calls(client: Client, function: str, codes: Iterable[str]) -> list[TxReceipt]:
    contract = client.contract(CONTRACT)
    wanted = [bytes32_from_ascii(check_fund_code(c)) for c in codes]
    calls = [
        (contract.functions[function](wanted[i : i + MAX_BATCH]), f"{function} {len(wanted)} funds")
        for i in range(0, len(wanted), MAX_BATCH)
    ]
    return client.sender.send_all(calls)


def subscribe(client: Client, codes: Iterable[str]) -> list[TxReceipt]:
    """Subscribe the signer's institution to funds it distributes."""
    return _calls(client, "subscribe", codes)


def unsubscribe(client: Client, codes: Iterable[str]) -> list[TxReceipt]:
    """End the signer's institution's subscriptions to funds."""
    return _calls(client, "unsubscribe", codes)


def subscribed_funds(
    client: Client,
    lei: str,
    to_block: int | None = None,
    since: tuple[int, set[FundCode]] | None = None,
) -> set[FundCode]:
    """The funds an institution subscribes to (as of ``to_block``), from the events; ``since``
    (a block and the funds as of that block) reads only the events after it."""
    contract = client.contract(CONTRACT)
    filters = {"lei": check_lei(lei).encode("ascii")}
    start, known = since if since is not None else (client.manifest.start_block - 1, set())
    funds: set[FundCode] = set(known)
    logs = [
        log
        for event in ("Subscribed", "Unsubscribed")
        for log in iter_events(contract, event, start + 1, to_block, argument_filters=filters)
    ]
    for log in sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"])):
        code = FundCode(ascii_from_bytes(log["args"]["fundCode"]))
        if log["event"] == "Subscribed":
            funds.add(code)
        else:
            funds.discard(code)
    return funds


def acknowledge_receipt(
    client: Client, from_block: int, to_block: int, records: int, digest: bytes
) -> TxReceipt:
    """Acknowledge receipt of a block range's records (the signer's institution)."""
    call = client.contract(CONTRACT).functions.acknowledgeReceipt(
        from_block, to_block, records, digest
    )
    return client.sender.send(call, f"receipt of blocks {from_block}-{to_block}")


def received_up_to(client: Client, lei: str) -> int:
    """The last block whose records an institution acknowledged (0: none)."""
    contract = client.contract(CONTRACT)
    return int(client.read(contract.functions.receivedUpTo(check_lei(lei).encode("ascii"))))


@dataclass(frozen=True)
class Receipt:
    """An acknowledged block range."""

    lei: str
    from_block: int
    to_block: int
    records: int
    digest: bytes
    block: int


def receipts(client: Client, lei: str | None = None) -> list[Receipt]:
    """Every acknowledged range (of ``lei`` if given), in chain order: who received what."""
    contract = client.contract(CONTRACT)
    filters = None if lei is None else {"lei": check_lei(lei).encode("ascii")}
    return [
        Receipt(
            lei=ascii_from_bytes(log["args"]["lei"]),
            from_block=int(log["args"]["fromBlock"]),
            to_block=int(log["args"]["toBlock"]),
            records=int(log["args"]["records"]),
            digest=bytes(log["args"]["digest"]),
            block=int(log["blockNumber"]),
        )
        for log in iter_events(
            contract, "ReceiptAcknowledged", client.manifest.start_block, argument_filters=filters
        )
    ]
