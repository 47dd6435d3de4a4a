"""The Clique genesis, built by pure functions: extra data, forks, period, gas limit, funds."""

from __future__ import annotations

import pytest
from eth_utils.address import to_checksum_address

from bpost_client.exceptions import ConfigError
from bpost_client.platform.chain import CHAIN_ID
from bpost_client.platform.network import genesis

A = to_checksum_address("0x00000000000000000000000000000000000000aa")
B = to_checksum_address("0x1000000000000000000000000000000000000001")
C = to_checksum_address("0xffffffffffffffffffffffffffffffffffffffff")
A_LOW = A.lower()


def test_extra_data__vanity_sorted_signers_and_empty_seal() -> None:
    extra = genesis.extra_data([C, A, B])
    raw = bytes.fromhex(extra.removeprefix("0x"))
    assert len(raw) == 32 + 3 * 20 + 65
    assert raw[:32] == bytes(32) and raw[-65:] == bytes(65)
    assert raw[32:-65] == b"".join(bytes.fromhex(a[2:]) for a in (A, B, C)), "ascending order"
    assert [s.lower() for s in genesis.signers_of_extra(extra)] == [A_LOW, B.lower(), C.lower()]


def test_extra_data__validator_named_twice_in_another_case__refused() -> None:
    with pytest.raises(ConfigError, match=f"validators: {A} is named twice"):
        genesis.extra_data([A, B, A_LOW])


def test_extra_data__no_validator__refused() -> None:
    with pytest.raises(ConfigError, match="at least one validator"):
        genesis.extra_data([])


@pytest.mark.parametrize("bad", ["0x1234", "not an address", A[:-1] + A[-1].swapcase()])
def test_extra_data__not_an_address__refused(bad: str) -> None:
    with pytest.raises(ConfigError, match=r"validators: .* is not an address"):
        genesis.extra_data([A, bad])


def test_signers_of_extra__truncated__refused() -> None:
    with pytest.raises(ConfigError, match="is not vanity, signers and a seal"):
        genesis.signers_of_extra(genesis.extra_data([A])[:-2])


def test_clique_genesis__london_rules_from_block_0_and_nothing_later() -> None:
    built = genesis.clique_genesis([A], period=2)
    config = built["config"]
    assert config["chainId"] == CHAIN_ID == 20201030
    assert all(config[fork] == 0 for fork in genesis.FORK_BLOCKS)
    assert "londonBlock" in config and config["clique"] == {"period": 2, "epoch": 30_000}
    later = {"shanghaiTime", "cancunTime", "pragueTime", "mergeNetsplitBlock",
             "terminalTotalDifficulty", "terminalTotalDifficultyPassed"}  # fmt: skip
    assert not later & set(config), f"post-London keys: {later & set(config)}"
    assert built["gasLimit"] == hex(30_000_000) and built["difficulty"] == "0x1"
    assert built["extraData"] == genesis.extra_data([A])


@pytest.mark.parametrize("period", [0, 6, -1, 1.5, True])
def test_clique_genesis__period_outside_1_to_5__refused(period: int) -> None:
    with pytest.raises(ConfigError, match="block period"):
        genesis.clique_genesis([A], period=period)


@pytest.mark.parametrize("period", [1, 5])
def test_check_period__bounds__accepted(period: int) -> None:
    assert genesis.check_period(period) == period


def test_clique_genesis__funded_addresses__default_balance_each() -> None:
    alloc = genesis.clique_genesis([A], [B, C])["alloc"]
    assert alloc == {
        B[2:].lower(): {"balance": hex(genesis.DEFAULT_BALANCE)},
        C[2:].lower(): {"balance": hex(genesis.DEFAULT_BALANCE)},
    }


def test_clique_genesis__funded_with_balances__those_balances() -> None:
    alloc = genesis.clique_genesis([A], {B: 5, C: 0})["alloc"]
    assert alloc == {B[2:].lower(): {"balance": "0x5"}, C[2:].lower(): {"balance": "0x0"}}


def test_clique_genesis__funded_twice__refused() -> None:
    with pytest.raises(ConfigError, match=r"funded accounts: .* is named twice"):
        genesis.clique_genesis([A], [C, C.lower()])


def test_clique_genesis__negative_balance__refused() -> None:
    with pytest.raises(ConfigError, match=r"the balance of .* is -1, not wei"):
        genesis.clique_genesis([A], {B: -1})
