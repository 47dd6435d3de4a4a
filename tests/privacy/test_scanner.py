"""The competitor's scanner can fail: every way it spells a value is found when a run writes the
value in clear (the positive control of the privacy scan, docs/privacy.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from eth_abi.abi import encode

from bpost_client.client import Client
from tests.helpers import fresh_account
from tests.privacy.scanner import chain_bytes, encodings, found

# Values with five or more significant digits that equal no public figure of the demo.
AMOUNT = 7_364_291  # a fee in minor units (yen)
RATE = Decimal("1.73591")  # a fee rate in percent (1.73591 %)


def test_encodings__each_scale_and_width__distinct() -> None:
    spelled = encodings(AMOUNT)
    assert spelled["minor units: 32-byte word"] == AMOUNT.to_bytes(32, "big")
    assert spelled["x100: 8-byte integer"] == (AMOUNT * 100).to_bytes(8, "big")
    assert spelled["x10^6: ASCII decimal"] == str(AMOUNT * 10**6).encode()
    assert len(set(spelled.values())) == len(spelled), "no two spellings alike"
    rate = encodings(RATE)
    assert set(rate) == {n for n in spelled if n.startswith("x10^6")}, "only its integral scale"
    assert rate["x10^6: ASCII decimal"] == b"1735910"


@pytest.mark.parametrize("value", [AMOUNT, RATE], ids=["amount", "rate"])
def test_scan__values_written_in_clear__every_spelling_found(
    operator: Client, value: int | Decimal
) -> None:
    """Each spelling of the value goes on chain in clear, as calldata and as a log's data would
    carry it; the scan of the whole chain finds each one."""
    before = chain_bytes(operator.w3)
    assert found(before, [value]) == {str(value): []}, "not on chain before"
    to = fresh_account().address
    for raw in encodings(value).values():
        operator.sender.send({"to": to, "data": encode(["bytes"], [raw])})
    after = chain_bytes(operator.w3)
    assert sorted(found(after, [value])[str(value)]) == sorted(encodings(value))
    assert after.transactions > before.transactions
