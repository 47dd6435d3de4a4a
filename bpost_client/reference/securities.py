"""The security master: securities by ISIN with a serial index (the key of price data), market
and currency; the ISIN and the local code are codes of the shared code registry, as fund codes
are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.identifiers import check_isin, fixed_code
from bpost_client.platform.projection import records_of

__all__ = ["Security", "list_securities", "register_securities"]

CONTRACT = "SecurityRegistry"
MAX_BATCH = 256


@dataclass(frozen=True)
class Security:
    """A security of the master; ``provider`` (filled when read from the chain) is the LEI of the
    institution that registered it, the only one that publishes and corrects its closes."""

    isin: str
    name: str
    market: str
    currency: str
    local_code: str = ""
    index: int = 0
    provider: str = ""

    def __post_init__(self) -> None:
        check_isin(self.isin)
        if not self.name:
            raise ValueError("a security needs a name")
        self.to_abi()

    def to_abi(self) -> tuple[bytes, bytes, bytes, bytes, str]:
        """As the contract's ``SecurityInput`` tuple."""
        local = fixed_code(self.local_code, 8, "local code") if self.local_code else bytes(8)
        return (
            self.isin.encode("ascii"),
            local,
            fixed_code(self.market, 4, "market"),
            fixed_code(self.currency, 3, "currency"),
            self.name,
        )


def register_securities(
    client: Client,
    securities: Sequence[Security],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Register the securities not in the master yet (a data provider), batched; a re-run
    registers nothing again.

    Raises:
        ContractRevert: a security is refused, e.g. ``CodeRegistryCodeHeldByOtherKind`` when a
            fund holds its ISIN (nothing of its batch is written).
    """
    known = {s.isin for s in list_securities(client)}
    missing = [s for s in securities if s.isin not in known]
    register = client.contract(CONTRACT).functions.registerSecurities
    new = [s.to_abi() for s in missing]
    return send_batched(client.sender, register, new, MAX_BATCH, "register {} securities", on_done)


def list_securities(client: Client) -> list[Security]:
    """Every registered security in index order, from the records the index holds (see
    :func:`bpost_client.reference.projection.security_of`)."""
    from bpost_client.reference.projection import PROJECTORS, security_of  # builds on this

    return [
        security_of(entry)
        for entry in records_of(client, CONTRACT, PROJECTORS, ["SecurityRegistered"])
    ]
