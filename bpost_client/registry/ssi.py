"""Standing settlement instructions: publish (the account sealed to the owner and its
counterparties), look up the SSI that applies on a date, read the account if entitled, and list
the change notices a counterparty received.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.currencies import check_currency
from bpost_client.dates import date_from_int, int_from_date
from bpost_client.exceptions import ContractRevert
from bpost_client.identifiers import (
    ascii_from_bytes,
    bytes20_from_lei,
    bytes32_from_ascii,
    check_bic,
    check_fund_code,
    fixed_code,
)
from bpost_client.markets import check_mic
from bpost_client.platform.confidential import Binding, Sealed, open_sealed, seal
from bpost_client.platform.events import block_times
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.participants import signer_institution
from bpost_client.platform.projection import records_of
from bpost_client.types import FundCode, Lei

__all__ = [
    "SECURITY_TYPES",
    "SETTLEMENT_METHODS",
    "Ssi",
    "SsiTerms",
    "account_binding",
    "applicable_ssis",
    "check_security_type",
    "check_settlement_method",
    "list_ssis",
    "notifications",
    "publish_ssis",
    "read_account",
    "ssi_key",
]

CONTRACT = "SsiRegistry"
MAX_BATCH = 128

SECURITY_TYPES = (
    "EQUITY", "BOND", "FUND", "ETF", "REIT", "MMI", "WARRANT", "OPTION", "FUTURE", "SECLEND",
)  # fmt: skip
"""What an SSI may apply to: shares, bonds, investment trusts, exchange-traded funds, REITs,
money-market instruments (CP, CDs, T-bills), warrants and rights, options, futures, and the cash
of securities lending (fees, collateral interest, dividend equivalents)."""
SETTLEMENT_METHODS = ("DVP", "FOP", "CASH")
"""Delivery versus payment, free of payment (securities move without cash), or cash alone (a
payment with no securities, as lending fees are settled)."""


def _one_of(text: str, allowed: Sequence[str], what: str) -> str:
    code = text.strip().upper()
    if code not in allowed:
        raise ValueError(f"{text.strip()!r} is not a {what} (one of {', '.join(allowed)})")
    return code


def check_security_type(text: str) -> str:
    """``text`` as an SSI security type, upper-cased (``equity`` is ``EQUITY``).

    Raises:
        ValueError: not one of :data:`SECURITY_TYPES`.
    """
    return _one_of(text, SECURITY_TYPES, "security type")


def check_settlement_method(text: str) -> str:
    """``text`` as an SSI settlement method, upper-cased (``dvp`` is ``DVP``).

    Raises:
        ValueError: not one of :data:`SETTLEMENT_METHODS`.
    """
    return _one_of(text, SETTLEMENT_METHODS, "settlement method")


@dataclass(frozen=True)
class SsiTerms:
    """What an SSI applies to and where settlement goes; everything but the account is public."""

    market: str
    security_type: str
    currency: str
    settlement_method: str
    custodian_bic: str
    effective_from: date
    place_of_settlement: str = ""
    effective_to: date | None = None
    fund_code: FundCode | None = None

    def __post_init__(self) -> None:
        self.to_abi()
        check_bic(self.custodian_bic)
        if self.place_of_settlement:
            check_bic(self.place_of_settlement)
        if self.fund_code:
            check_fund_code(self.fund_code)
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")

    def checked(self) -> SsiTerms:
        """These terms with market, security type, currency and settlement method checked
        against their vocabularies and upper-cased (a record read back is taken as published).

        Raises:
            ValueError: a code outside its vocabulary, naming the accepted ones.
        """
        return replace(
            self,
            market=check_mic(self.market),
            security_type=check_security_type(self.security_type),
            currency=check_currency(self.currency),
            settlement_method=check_settlement_method(self.settlement_method),
        )

    def to_abi(self) -> tuple[Any, ...]:
        """As the contract's ``SsiTerms`` tuple."""
        return (
            bytes32_from_ascii(self.fund_code) if self.fund_code else bytes(32),
            fixed_code(self.market, 4, "market"),
            fixed_code(self.security_type, 8, "security type"),
            fixed_code(self.currency, 3, "currency"),
            fixed_code(self.settlement_method, 8, "settlement method"),
            fixed_code(self.custodian_bic, 11, "custodian BIC"),
            self.place_of_settlement.encode("ascii").ljust(11, b"\0"),
            int_from_date(self.effective_from),
            int_from_date(self.effective_to),
        )

    @classmethod
    def from_abi(cls, raw: Sequence[Any] | Mapping[str, Any]) -> SsiTerms:
        """From a decoded tuple or event dictionary."""
        values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
        fund, market, kind, currency, method, bic, place, start, end = values
        fund_text = ascii_from_bytes(bytes(fund))
        return cls(
            market=ascii_from_bytes(bytes(market)),
            security_type=ascii_from_bytes(bytes(kind)),
            currency=ascii_from_bytes(bytes(currency)),
            settlement_method=ascii_from_bytes(bytes(method)),
            custodian_bic=ascii_from_bytes(bytes(bic)),
            effective_from=date_from_int(int(start)) or date.min,
            place_of_settlement=ascii_from_bytes(bytes(place)),
            effective_to=date_from_int(int(end)),
            fund_code=FundCode(fund_text) if fund_text else None,
        )


@dataclass(frozen=True)
class Ssi:
    """One published version of an SSI."""

    owner: Lei
    key: bytes
    version: int
    terms: SsiTerms
    account: Sealed
    block: int

    def applies_on(self, day: date) -> bool:
        """Whether ``day`` lies within the version's effective dates."""
        end = self.terms.effective_to
        return self.terms.effective_from <= day and (end is None or day <= end)


def ssi_key(owner: str, terms: SsiTerms) -> bytes:
    """The key of an SSI, as the contract computes it."""
    fund, market, kind, currency, method = terms.to_abi()[:5]
    types = ["bytes20", "bytes32", "bytes4", "bytes8", "bytes3", "bytes8"]
    return keccak(encode(types, [bytes20_from_lei(owner), fund, market, kind, currency, method]))


def publish_ssis(
    client: Client,
    ssis: Sequence[tuple[SsiTerms, str]],
    counterparties: Sequence[str],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Publish SSIs of the signer's institution: each ``(terms, account)`` gets its account sealed
    to the institution itself and ``counterparties``, who are notified on chain.

    Raises:
        ValueError: terms with a code outside its vocabulary (see :meth:`SsiTerms.checked`);
            nothing is sent.
    """
    owner = signer_institution(client, "publish SSIs")
    recipients = dict.fromkeys([owner, *(Lei(c) for c in counterparties)])
    keys = recipient_keys(client, recipients)
    next_version: dict[bytes, int] = {}  # a batch may publish one SSI twice: versions in order
    inputs = []
    for terms, account in ssis:
        key = ssi_key(owner, terms.checked())
        if key not in next_version:
            next_version[key] = _version_of(client, key) + 1
        version = next_version[key]
        next_version[key] = version + 1
        binding = account_binding(client, key, version)
        inputs.append((terms.to_abi(), seal(account.encode("utf-8"), keys, binding).to_abi()))
    publish = client.contract(CONTRACT).functions.publishSsis
    return send_batched(client.sender, publish, inputs, MAX_BATCH, "publish {} SSIs", on_done)


def list_ssis(client: Client, owner: str | None = None) -> list[Ssi]:
    """Every published SSI version (of one owner), in chain order, from the records the index
    holds (see :func:`bpost_client.registry.projection.ssi_of`)."""
    from bpost_client.registry.projection import PROJECTORS, ssi_of  # it builds on this module

    where = {"owner": bytes20_from_lei(owner)} if owner else None
    return [ssi_of(e) for e in records_of(client, CONTRACT, PROJECTORS, ["SsiPublished"], where)]


def applicable_ssis(
    client: Client,
    owner: str,
    market: str,
    currency: str,
    on: date,
    *,
    security_type: str | None = None,
    settlement_method: str | None = None,
    fund_code: str | None = None,
) -> list[Ssi]:
    """The SSIs of ``owner`` that apply for ``market`` and ``currency`` on ``on``: per key, the
    latest version in effect that day. With ``fund_code``, a fund-specific SSI wins over the
    institution-wide one of the same kind. Codes are taken in any case (``xtks``, ``jpy``).

    Raises:
        ValueError: a code outside its vocabulary (an unknown MIC, not an ISO 4217 currency...).
    """
    market, currency = check_mic(market), check_currency(currency)
    security_type = check_security_type(security_type) if security_type else None
    settlement_method = check_settlement_method(settlement_method) if settlement_method else None
    best: dict[bytes, Ssi] = {}
    for ssi in list_ssis(client, owner):
        terms = ssi.terms
        if terms.market != market or terms.currency != currency or not ssi.applies_on(on):
            continue
        if security_type and terms.security_type != security_type:
            continue
        if settlement_method and terms.settlement_method != settlement_method:
            continue
        if terms.fund_code not in (None, fund_code):
            continue
        current = best.get(ssi.key)
        if current is None or ssi.version > current.version:
            best[ssi.key] = ssi
    chosen = list(best.values())
    if fund_code:
        specific = {
            (s.terms.security_type, s.terms.settlement_method) for s in chosen if s.terms.fund_code
        }
        chosen = [
            s
            for s in chosen
            if s.terms.fund_code
            or (s.terms.security_type, s.terms.settlement_method) not in specific
        ]
    return sorted(chosen, key=lambda s: (s.terms.security_type, s.terms.settlement_method))


def _version_of(client: Client, key: bytes) -> int:
    """The SSI's latest version on chain (0 before its first)."""
    try:
        return int(client.read(client.contract(CONTRACT).functions.getSsi(key))[1])
    except ContractRevert as exc:
        if exc.error_name != "SsiRegistryUnknownSsi":
            raise
        return 0


def account_binding(client: Client, key: bytes, version: int) -> Binding:
    """What an SSI version's sealed account belongs to: this deployment's SsiRegistry, the SSI's
    key and version."""
    return Binding(client.chain_id, client.manifest.address(CONTRACT), key, version, "account")


def read_account(client: Client, ssi: Ssi, lei: str, private_key: bytes) -> str:
    """The SSI's account, for an institution it was sealed to (its commitment and its binding to
    this SSI version checked).

    Raises:
        NotEntitledError: ``lei`` is not entitled, or the key is not its key.
        BPostError: the payload was sealed for another SSI or version, or tampered with.
    """
    binding = account_binding(client, ssi.key, ssi.version)
    return open_sealed(ssi.account, lei, private_key, binding).decode("utf-8")


def notifications(client: Client, counterparty: str) -> pd.DataFrame:
    """The SSI change notices sent to ``counterparty``: owner, key, version, effective date."""
    from bpost_client.registry.projection import PROJECTORS  # it builds on this module

    where = {"counterparty": bytes20_from_lei(counterparty)}
    entries = records_of(client, CONTRACT, PROJECTORS, ["SsiChangeNotified"], where)
    times = block_times(client.w3, (e.block_number for e in entries))
    rows = [
        {
            "block": entry.block_number,
            "time": times[entry.block_number],
            "owner": entry.record.ref,
            "ssi_key": entry.data["ssiKey"],
            "version": int(entry.data["version"]),
            "effective_from": date_from_int(int(entry.data["effectiveFrom"])),
        }
        for entry in entries
    ]
    columns = ["block", "time", "owner", "ssi_key", "version", "effective_from"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame
