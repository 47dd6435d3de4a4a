"""The competitor's scanner can fail: every way it spells a value is found when a run writes the
value in clear (the positive control of the privacy scan, docs/privacy.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client.client import Client
from tests.helpers import fresh_account
from tests.privacy.scanner import chain_bytes, code_encodings, encodings, found

# Values with five or more significant digits that equal no public figure of the demo.
AMOUNT = 7_364_291  # a fee in minor units (yen)
RATE = Decimal("1.73591")  # a fee rate in percent (1.73591 %)
ISIN = "JP3946750001"  # a well-formed ISIN no demo record holds


def test_encodings__each_scale_and_width__distinct() -> None:
    spelled = encodings(AMOUNT)
    assert spelled["minor units: 32-byte word"] == AMOUNT.to_bytes(32, "big")
    assert spelled["x100: 8-byte integer"] == (AMOUNT * 100).to_bytes(8, "big")
    assert spelled["x10^6: ASCII decimal"] == str(AMOUNT * 10**6).encode()
    assert len(set(spelled.values())) == len(spelled), "no two spellings alike"
    rate = encodings(RATE)
    assert set(rate) == {n for n in spelled if n.startswith("x10^6")}, "only its integral scale"
    assert rate["x10^6: ASCII decimal"] == b"1735910"


def test_code_encodings__ascii_word_and_unsalted_hashes() -> None:
    spelled = code_encodings(ISIN)
    assert spelled["32-byte word, left-aligned"] == ISIN.encode().ljust(32, b"\0")
    assert spelled["keccak-256 of the ASCII"] == keccak(ISIN.encode())
    assert len(set(spelled.values())) == len(spelled), "no two spellings alike"


def _spellings(value: int | Decimal | str) -> dict[str, bytes]:
    return code_encodings(value) if isinstance(value, str) else encodings(value)


@pytest.mark.parametrize("value", [AMOUNT, RATE, ISIN], ids=["amount", "rate", "isin"])
def test_scan__values_written_in_clear__every_spelling_found(
    operator: Client, value: int | Decimal | str
) -> None:
    """Each spelling of the value goes on chain in clear, as calldata and as a log's data would
    carry it; the scan of the whole chain finds each one."""
    before = chain_bytes(operator.w3)
    assert found(before, [value]) == {str(value): []}, "not on chain before"
    to = fresh_account().address
    for raw in _spellings(value).values():
        operator.sender.send({"to": to, "data": encode(["bytes"], [raw])})
    after = chain_bytes(operator.w3)
    assert sorted(found(after, [value])[str(value)]) == sorted(_spellings(value))
    assert after.transactions > before.transactions


def test_scan__by_address__only_what_was_sent_to_it_or_it_emitted(operator: Client) -> None:
    """Filtered by a contract's address, the scan keeps the inputs sent to it and its logs, and
    nothing sent elsewhere."""
    first = operator.w3.eth.block_number + 1
    here, there = fresh_account().address, fresh_account().address
    operator.sender.send({"to": here, "data": encode(["uint256"], [AMOUNT])})
    operator.sender.send({"to": there, "data": encode(["string"], [ISIN])})
    seen = chain_bytes(operator.w3, first, addresses=[here.lower()])
    assert (seen.transactions, seen.logs) == (1, 0)
    assert found(seen, [AMOUNT, ISIN]) == {
        str(AMOUNT): ["minor units: 32-byte word", "minor units: 16-byte integer",
                      "minor units: 8-byte integer"],
        ISIN: [],
    }  # fmt: skip
    everywhere = chain_bytes(operator.w3, first)
    assert everywhere.transactions == 2 and "ASCII" in found(everywhere, [ISIN])[ISIN]
