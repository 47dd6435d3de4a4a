"""The rules of a validator vote, without a node: which proposals are refused, the majority,
the description's role written back, and the chain's signers held against the governance
record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from eth_utils.address import to_checksum_address

from bpost_client.exceptions import ValidationError
from bpost_client.platform.network.description import NodeRole, read_network
from bpost_client.platform.network.votes import (
    check_proposal,
    compare_signers,
    majority,
    with_role,
)
from bpost_client.types import Address
from tests.network.test_description import described, node, write

A, B, C, D = (Address(to_checksum_address(f"0x{n:02x}" + "ab" * 19)) for n in range(1, 5))
SIGNERS = [A, B, C]


def test_check__add_a_new_address__checksummed_no_warning() -> None:
    assert D.lower() != D, "the address has a checksum to restore"
    assert check_proposal(D.lower(), True, SIGNERS) == (D, None)


@pytest.mark.parametrize(
    ("address", "authorize", "message"),
    [
        ("0x1234", True, "is not an address"),
        ("validator-1", False, "is not an address"),
        (A, True, "is a signer already"),
        (D, False, "is not a signer"),
    ],
)
def test_check__refused(address: str, authorize: bool, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_proposal(address, authorize, SIGNERS)


def test_check__removing_the_last_signer__refused() -> None:
    with pytest.raises(ValidationError, match="would leave 0 signer"):
        check_proposal(A, False, [A])


def test_check__removal_leaving_fewer_than_three__warned() -> None:
    _, warning = check_proposal(C, False, SIGNERS)
    assert warning is not None and "fewer than 3" in warning
    assert check_proposal(D, False, [A, B, C, D])[1] is None


def test_majority__more_than_half() -> None:
    assert [majority(n) for n in range(1, 7)] == [1, 2, 2, 3, 3, 4]


def test_compare__differences_each_way_and_unknown_record() -> None:
    lei = "3538000SAKURAAM00151"
    compared = compare_signers([A, B], {B.lower(): lei, C: lei})
    assert compared.not_recorded == [A] and compared.not_signing == [C]
    assert compared.agreed is False
    assert compare_signers([A], {A.lower(): lei}).agreed is True
    unknown = compare_signers([A], None, "no deployment")
    assert unknown.agreed is None and unknown.reason == "no deployment"
    assert unknown.as_dict()["record"] is None and unknown.as_dict()["signers"] == [A]


def test_with_role__member_promoted__written_back_and_read(tmp_path: Path) -> None:
    path = write(tmp_path / "net", described(node(1), node(2, "member")))
    network = read_network(path)
    promoted = with_role(network, "member-2", NodeRole.VALIDATOR)
    again = read_network(path)
    assert again == promoted
    assert [n.role for n in again.nodes] == [NodeRole.VALIDATOR, NodeRole.VALIDATOR]
    raw: Any = yaml.safe_load(path.read_text())
    assert raw["nodes"][1]["role"] == "validator" and raw["nodes"][1]["name"] == "member-2"
