"""The genesis of a consortium network: Clique proof of authority on London rules, pure functions.

The chain has the platform's chain id, London rules from block 0 and nothing later: no
``shanghaiTime`` or ``cancunTime`` (Clique refuses Shanghai's withdrawals) and no
``terminalTotalDifficulty`` (a merged chain stops sealing). The contracts target ``paris``, whose
opcodes London already runs. The validators sign blocks in turn every ``period`` seconds; their
addresses sit in the genesis block's extra data::

    32 zero bytes (vanity) | signer addresses, 20 bytes each, ascending | 65 zero bytes (seal)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bpost_client.exceptions import ConfigError
from bpost_client.identifiers import check_address
from bpost_client.platform.chain import CHAIN_ID
from bpost_client.types import Address

__all__ = [
    "DEFAULT_BALANCE",
    "EPOCH",
    "FORK_BLOCKS",
    "GAS_LIMIT",
    "MAX_PERIOD",
    "MIN_PERIOD",
    "SEAL_BYTES",
    "VANITY_BYTES",
    "check_period",
    "clique_genesis",
    "extra_data",
    "signers_of_extra",
]

MIN_PERIOD, MAX_PERIOD = 1, 5
"""Seconds between blocks a network may choose: one block a second up to one in five."""

GAS_LIMIT = 30_000_000
"""The block gas limit, in the genesis and kept by every sealer (``--miner.gaslimit``)."""

EPOCH = 30_000
"""Blocks between Clique checkpoints, where pending votes are reset (geth's default)."""

DEFAULT_BALANCE = 10**24
"""Wei given in the genesis to each funded account: a million ether, gas for years of use (geth
cannot run free of gas: its pool's price floor is 1 wei)."""

VANITY_BYTES, SEAL_BYTES = 32, 65

FORK_BLOCKS = (
    "homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock",
    "constantinopleBlock", "petersburgBlock", "istanbulBlock", "berlinBlock", "londonBlock",
)  # fmt: skip
"""The forks the chain runs from block 0: Homestead to London, and none after."""


def check_period(period: int) -> int:
    """``period`` when it is a whole number of seconds from 1 to 5.

    Raises:
        ConfigError: out of bounds (0 would seal only on transactions, beyond 5 is too slow).
    """
    if isinstance(period, bool) or not isinstance(period, int):
        raise ConfigError(f"the block period is whole seconds, not {period!r}")
    if not MIN_PERIOD <= period <= MAX_PERIOD:
        raise ConfigError(f"the block period is {MIN_PERIOD} to {MAX_PERIOD} seconds, not {period}")
    return period


def _addresses(values: Iterable[str], what: str) -> list[Address]:
    found: dict[str, Address] = {}
    for value in values:
        try:
            address = check_address(str(value))
        except ValueError as exc:
            raise ConfigError(f"{what}: {exc}") from None
        if address.lower() in found:
            raise ConfigError(f"{what}: {address} is named twice")
        found[address.lower()] = address
    return list(found.values())


def extra_data(validators: Sequence[str]) -> str:
    """The genesis extra data naming ``validators`` as the first signers, in ascending order.

    Raises:
        ConfigError: no validator, an address that is not one, or one named twice.
    """
    signers = sorted(_addresses(validators, "validators"), key=str.lower)
    if not signers:
        raise ConfigError("a network needs at least one validator")
    body = "".join(a.lower().removeprefix("0x") for a in signers)
    return "0x" + "00" * VANITY_BYTES + body + "00" * SEAL_BYTES


def signers_of_extra(extra: str) -> list[Address]:
    """The signer addresses a genesis extra data names (the inverse of :func:`extra_data`).

    Raises:
        ConfigError: not vanity, whole addresses and a seal.
    """
    raw = bytes.fromhex(extra.removeprefix("0x"))
    body = raw[VANITY_BYTES : len(raw) - SEAL_BYTES]
    if len(raw) < VANITY_BYTES + SEAL_BYTES or len(body) % 20:
        raise ConfigError(f"extra data of {len(raw)} bytes is not vanity, signers and a seal")
    return [check_address("0x" + body[i : i + 20].hex()) for i in range(0, len(body), 20)]


def clique_genesis(
    validators: Sequence[str],
    funded: Mapping[str, int] | Iterable[str] = (),
    *,
    period: int = 1,
    chain_id: int = CHAIN_ID,
    gas_limit: int = GAS_LIMIT,
) -> dict[str, Any]:
    """The genesis of a Clique network, as ``geth init`` reads it.

    Args:
        validators: the signers of the first blocks (more are added by vote later).
        funded: accounts funded in the genesis, with their balance in wei, or addresses given
            :data:`DEFAULT_BALANCE` each.
        period: seconds between blocks, 1 to 5.
        chain_id: the chain id (the platform's by default).
        gas_limit: the first block's gas limit.

    Raises:
        ConfigError: a bad period, validator or funded account, or a negative balance.
    """
    check_period(period)
    extra = extra_data(validators)
    balances = dict(funded) if isinstance(funded, Mapping) else dict.fromkeys(funded, None)
    alloc: dict[str, dict[str, str]] = {}
    for address, given in zip(
        _addresses(balances, "funded accounts"), balances.values(), strict=True
    ):
        wei = DEFAULT_BALANCE if given is None else given
        if isinstance(wei, bool) or not isinstance(wei, int) or wei < 0:
            raise ConfigError(f"funded accounts: the balance of {address} is {wei!r}, not wei")
        alloc[address.lower().removeprefix("0x")] = {"balance": hex(wei)}
    if not 5000 <= gas_limit <= 2**63 - 1:
        raise ConfigError(f"a gas limit of {gas_limit} is not one a block can have")
    config: dict[str, Any] = {"chainId": chain_id}
    config |= dict.fromkeys(FORK_BLOCKS, 0)
    config["clique"] = {"period": period, "epoch": EPOCH}
    return {
        "config": config,
        "nonce": "0x0",
        "timestamp": "0x0",
        "extraData": extra,
        "gasLimit": hex(gas_limit),
        "difficulty": "0x1",
        "mixHash": "0x" + "00" * 32,
        "coinbase": "0x" + "00" * 20,
        "alloc": alloc,
        "number": "0x0",
        "gasUsed": "0x0",
        "parentHash": "0x" + "00" * 32,
    }
