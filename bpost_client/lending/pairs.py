"""A lending counterparty pair's settings on chain (``LendingPairs``): proposed by the lender or
the borrower, accepted by the other. The unit of matching, the agent, the calendar, the overdue
days and the billing period are in clear (the contracts enforce them); the tolerance and the pair
secret are sealed to the pair's parties (``secrets``), so no other member reads how far the
pair's figures may differ, nor which security a per-security statement is about: the unit key of
a security is keccak256(pair secret || ISIN) (:func:`security_key`).

The pair secret stays the pair's for good: a new version of the settings carries the secret of
the version in force, and the accepting party's client refuses a proposal that changes it (a new
secret would make new unit keys, and the contract's overlap check per unit would no longer see
the periods already billed).

A party that cannot open a proposal's secrets, or finds them not what was committed, refuses it
on chain (:func:`refuse_pair_settings`; :func:`check_pair_settings` opens the pending proposal and
refuses it when it fails): a refused proposal is not accepted, and the next one supersedes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import IntEnum

from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.exceptions import BPostError, name_contract_values
from bpost_client.identifiers import ascii_from_bytes, bytes20_from_lei, check_lei, lei_from_bytes20
from bpost_client.lending.matching import MatchUnit
from bpost_client.platform.confidential import Binding, Sealed, open_sealed, seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.types import Lei

__all__ = [
    "UNITS",
    "PairSecrets",
    "PairSettings",
    "Refusal",
    "SettingsCheck",
    "accept_pair_settings",
    "check_pair_settings",
    "pair_key",
    "pair_secrets",
    "pair_settings",
    "propose_pair_settings",
    "refuse_pair_settings",
    "secrets_binding",
    "security_key",
]

CONTRACT = "LendingPairs"
UNITS = [MatchUnit.AGREEMENT, MatchUnit.SECURITY, MatchUnit.COUNTERPARTY]
"""The contract's ``Unit`` values, in order."""
_SECRETS_TYPES = ["uint64", "bytes32"]


@dataclass(frozen=True)
class PairSettings:
    """A counterparty pair's settings in force: the unit of matching, the agent, the calendar and
    business days a break may stay open, the calendar months a period may span at most, the
    commitment of the sealed secrets (empty for the defaults), the version (0: the defaults)."""

    unit: MatchUnit
    agent: Lei | None
    market: str
    overdue_business_days: int
    billing_months: int
    secrets: bytes
    version: int
    accepted: bool


@dataclass(frozen=True)
class PairSecrets:
    """What a pair's settings seal to its parties: the tolerance of each amount in minor units,
    and the pair secret that keys its per-security units."""

    tolerance: int
    secret: bytes

    def to_bytes(self) -> bytes:
        """The sealed plaintext: abi.encode(uint64 tolerance, bytes32 secret)."""
        return encode(_SECRETS_TYPES, [self.tolerance, self.secret])

    @classmethod
    def from_bytes(cls, raw: bytes) -> PairSecrets:
        """From the sealed plaintext.

        Raises:
            BPostError: not the encoding of a tolerance and a secret.
        """
        try:
            tolerance, secret = decode(_SECRETS_TYPES, raw)
        except Exception as exc:  # eth_abi raises several kinds on a bad encoding
            raise BPostError(f"the pair's sealed secrets are not readable: {exc}") from exc
        return cls(int(tolerance), bytes(secret))


DEFAULT_SECRETS = PairSecrets(0, bytes(32))
"""A pair without accepted settings: no tolerance, no secret (it matches per agreement)."""


def _leis(lender: str, borrower: str) -> tuple[bytes, bytes]:
    return bytes20_from_lei(check_lei(lender)), bytes20_from_lei(check_lei(borrower))


def pair_key(lender: str, borrower: str) -> bytes:
    """The pair's key on chain: keccak256(abi.encode(lender, borrower))."""
    return keccak(encode(["bytes20", "bytes20"], list(_leis(lender, borrower))))


def secrets_binding(client: Client, lender: str, borrower: str, version: int) -> Binding:
    """What a pair's sealed secrets belong to: this deployment's LendingPairs, the pair and the
    settings version."""
    return Binding(
        client.chain_id, client.manifest.address(CONTRACT), pair_key(lender, borrower), version,
        "secrets",
    )  # fmt: skip


def security_key(secret: bytes, isin: str) -> bytes:
    """The unit key of a security for a pair: keccak256(pair secret || ISIN in ASCII).

    Raises:
        ValueError: no pair secret (the pair accepted no settings).
    """
    if len(secret) != 32 or not any(secret):
        raise ValueError("a per-security unit needs the pair's secret (accepted settings)")
    return keccak(secret + isin.encode("ascii"))


def propose_pair_settings(
    client: Client,
    lender: str,
    borrower: str,
    unit: MatchUnit,
    *,
    agent: str | None = None,
    market: str = "XTKS",
    overdue_business_days: int = 14,
    billing_months: int = 1,
    tolerance: int = 0,
    secret: bytes | None = None,
) -> TxReceipt:
    """Propose a pair's settings (the lender or the borrower signs; the other accepts):
    statements match within ``tolerance`` minor units of each amount (by the parties' verdicts)
    and span at most ``billing_months`` calendar months. ``secret``: the pair secret in force
    (:func:`pair_secrets`); a fresh one only for the pair's first settings.

    Raises:
        ValueError: a negative tolerance, or a secret that is not 32 bytes.
    """
    if tolerance < 0:
        raise ValueError(f"a tolerance is not negative, not {tolerance}")
    chosen = os.urandom(32) if secret is None else secret
    if len(chosen) != 32 or not any(chosen):
        raise ValueError("a pair secret is 32 bytes, not all zero")
    version = _proposed_version(client, lender, borrower) + 1
    parties = [lender, borrower, *([agent] if agent else [])]
    sealed = seal(
        PairSecrets(tolerance, chosen).to_bytes(),
        recipient_keys(client, parties),
        secrets_binding(client, lender, borrower, version),
    )
    args = [
        *_leis(lender, borrower),
        UNITS.index(unit),
        bytes20_from_lei(check_lei(agent)) if agent else bytes(20),
        market.encode("ascii"),
        overdue_business_days,
        billing_months,
        sealed.to_abi(),
    ]
    call = client.contract(CONTRACT).functions.proposePairSettings(*args)
    return client.sender.send(call, f"pair settings {lender}/{borrower}")


def _proposed(client: Client, lender: str, borrower: str) -> list[tuple[int, Sealed, bytes]]:
    """Each proposal of the pair: (version, sealed secrets, its commitment on chain)."""
    from bpost_client.lending.projection import PROJECTORS, pair_proposal_of
    from bpost_client.platform.projection import records_of

    lender_raw, borrower_raw = _leis(lender, borrower)
    rows = records_of(
        client, CONTRACT, PROJECTORS, ["PairSettingsProposed"],
        {"lender": lender_raw, "borrower": borrower_raw},
    )  # fmt: skip
    found = [pair_proposal_of(row) for row in rows]
    return [(p.version, p.secrets, p.commitment) for p in found]


def _proposed_version(client: Client, lender: str, borrower: str) -> int:
    proposals = _proposed(client, lender, borrower)
    return max((version for version, _, _ in proposals), default=0)


def pair_secrets(
    client: Client,
    lender: str,
    borrower: str,
    lei: str,
    private_key: bytes,
    version: int | None = None,
) -> PairSecrets:
    """The tolerance and pair secret of the pair's settings ``version`` (default: the accepted
    one in force), opened by a party; the defaults' for version 0.

    Raises:
        NotEntitledError: ``lei`` is not a party they were sealed to.
        BPostError: no such version, or what opens is not what the settings commit to.
    """
    wanted = pair_settings(client, lender, borrower).version if version is None else version
    if wanted == 0:
        return DEFAULT_SECRETS
    for found, sealed, commitment in _proposed(client, lender, borrower):
        if found == wanted:
            if sealed.commitment != commitment:
                raise BPostError(f"pair settings v{wanted}: the sealed secrets are not committed")
            binding = secrets_binding(client, lender, borrower, wanted)
            return PairSecrets.from_bytes(open_sealed(sealed, lei, private_key, binding))
    raise BPostError(f"pair {lender}/{borrower} has no settings version {wanted}")


def accept_pair_settings(
    client: Client, lender: str, borrower: str, version: int, lei: str, private_key: bytes
) -> TxReceipt:
    """Accept the pending settings of a pair (the party that did not propose them), once its own
    client opened their secrets (``lei``'s ``private_key``) and found the pair secret of the
    settings in force unchanged.

    Raises:
        NotEntitledError: the secrets are not sealed to ``lei``.
        BPostError: the proposal changes the pair secret.
    """
    proposed = pair_secrets(client, lender, borrower, lei, private_key, version)
    current = pair_settings(client, lender, borrower)
    if current.version:
        secret = pair_secrets(client, lender, borrower, lei, private_key, current.version).secret
        if proposed.secret != secret:
            raise BPostError(
                f"pair settings v{version} of {lender}/{borrower} change the pair secret: "
                "per-security units would start again; refused"
            )
    call = client.contract(CONTRACT).functions.acceptPairSettings(*_leis(lender, borrower), version)
    return client.sender.send(call, f"accept pair settings v{version}")


def pair_settings(client: Client, lender: str, borrower: str) -> PairSettings:
    """The settings in force for a pair (the defaults when none were accepted)."""
    raw = client.read(client.contract(CONTRACT).functions.pairSettings(*_leis(lender, borrower)))
    unit, agent, market, days, months, secrets, version, _by, accepted = raw
    return PairSettings(
        UNITS[int(unit)],
        lei_from_bytes20(bytes(agent)) if any(bytes(agent)) else None,
        ascii_from_bytes(market),
        int(days),
        int(months),
        bytes(secrets),
        int(version),
        bool(accepted),
    )


class Refusal(IntEnum):
    """Why a party refuses a proposal's secrets (the contract's ``Refusal``)."""

    UNOPENABLE = 0
    NOT_COMMITTED = 1


name_contract_values({"ILendingPairs.Refusal": Refusal})


def refuse_pair_settings(
    client: Client, lender: str, borrower: str, version: int, reason: Refusal
) -> TxReceipt:
    """Refuse the pending settings of a pair whose sealed secrets the signer's institution cannot
    open, or finds are not what was committed (the lender, the borrower or the proposal's agent,
    other than the proposer): they are then not accepted."""
    args = (*_leis(lender, borrower), version, int(reason))
    call = client.contract(CONTRACT).functions.refusePairSettings(*args)
    return client.sender.send(call, f"refuse pair settings v{version}")


@dataclass(frozen=True)
class SettingsCheck:
    """What a party found in a pair's pending proposal: its version and proposer; the reason it
    refuses it and the problem (None and '' when its secrets open to what was committed);
    whether it sent the refusal (not when a party had already refused it)."""

    version: int
    proposed_by: Lei
    reason: Refusal | None
    problem: str
    refused: bool


def check_pair_settings(
    client: Client,
    lender: str,
    borrower: str,
    lei: str,
    private_key: bytes,
    *,
    refuse: bool = True,
) -> SettingsCheck | None:
    """Open, as party ``lei``, the secrets of the pair's pending proposal (None when none is
    pending, or ``lei`` proposed it) and refuse it on chain (``refuse``) when they do not open
    (``Refusal.UNOPENABLE``) or are not what the proposal commits to (``Refusal.NOT_COMMITTED``),
    unless a party already refused it."""
    from bpost_client.lending.projection import PROJECTORS, pair_proposal_of
    from bpost_client.platform.projection import hex_text, records_of

    lender_raw, borrower_raw = _leis(lender, borrower)
    events = ["PairSettingsProposed", "PairSettingsAccepted", "PairSettingsRefused"]
    where = {"lender": lender_raw, "borrower": borrower_raw}
    rows = records_of(client, CONTRACT, PROJECTORS, events, where)
    proposals = [row for row in rows if row.event == "PairSettingsProposed"]
    if not proposals:
        return None
    latest = pair_proposal_of(proposals[-1])
    by = Lei(hex_text(proposals[-1].data["settings"]["proposedBy"]))
    answered = {(row.event, int(row.data["version"])) for row in rows if row not in proposals}
    if ("PairSettingsAccepted", latest.version) in answered or by == check_lei(lei):
        return None
    reason, problem = None, ""
    if latest.secrets.commitment != latest.commitment:
        reason, problem = Refusal.NOT_COMMITTED, "the sealed secrets are not the ones committed"
    else:
        binding = secrets_binding(client, lender, borrower, latest.version)
        try:
            PairSecrets.from_bytes(open_sealed(latest.secrets, lei, private_key, binding))
        except BPostError as exc:  # NotEntitledError included
            reason, problem = Refusal.UNOPENABLE, str(exc)
    send = reason is not None and refuse and ("PairSettingsRefused", latest.version) not in answered
    if send and reason is not None:
        refuse_pair_settings(client, lender, borrower, latest.version, reason)
    return SettingsCheck(latest.version, by, reason, problem, send)
