"""Mandates: an institution acts in another's name only under a mandate the other granted on
chain (``Mandates``): a lending agent for a lender (``lending-agent``), a delegate publishing a
fund's distribution data for its asset manager (``distribution-delegate``).

A mandate names the agent, the scope, the subject (a borrower's LEI for a lending agent, a
platform fund code for a delegate; none: every subject of the scope) and the days it is valid;
the principal (the signer's institution) grants it and revokes it. It is in force on a day within
its dates, until revoked, while both institutions are active. ``LendingAgreements`` lets an
agent's proposal bind the lender under it, ``DistributionRegistry`` (and ``FundNotices`` through
it) lets a delegate publish under it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.dates import date_from_int, int_from_date
from bpost_client.identifiers import (
    ascii_from_bytes,
    bytes20_from_lei,
    bytes32_from_ascii,
    check_fund_code,
    lei_from_bytes20,
)
from bpost_client.platform.participants import signer_institution
from bpost_client.platform.projection import Recorded, hex_text
from bpost_client.types import Lei, MandateScope

__all__ = [
    "CONTRACT",
    "EVENTS",
    "Mandate",
    "get_mandate",
    "grant_mandate",
    "is_mandated",
    "mandate_id",
    "mandates_from_records",
    "mandates_of",
    "revoke_mandate",
    "subject_bytes",
    "subject_text",
]

CONTRACT = "Mandates"
EVENTS = ("MandateGranted", "MandateRevoked")


def subject_bytes(scope: MandateScope, subject: str = "") -> bytes:
    """A mandate's subject as the contract holds it: a borrower's LEI left-aligned (a lending
    agent's), a platform fund code (a delegate's), zero for every subject ('').

    Raises:
        ValueError: not a LEI, or not a fund code, for the scope.
    """
    if not subject:
        return bytes(32)
    if scope is MandateScope.LENDING_AGENT:
        return bytes20_from_lei(subject).ljust(32, b"\0")
    if scope is MandateScope.DISTRIBUTION_DELEGATE:
        return bytes32_from_ascii(check_fund_code(subject))
    raise ValueError(f"a mandate of scope {scope.name} has no subject")


def subject_text(raw: bytes) -> str:
    """A subject as text: the LEI or fund code it holds, '' for every subject."""
    return ascii_from_bytes(bytes(raw)) if any(bytes(raw)) else ""


def mandate_id(principal: str, agent: str, scope: MandateScope, subject: str = "") -> str:
    """The id of the mandate of ``principal`` to ``agent`` (0x-hex): keccak256 of
    abi.encode(principal, agent, scope, subject), as ``Mandates.mandateIdOf``."""
    words = encode(
        ["bytes20", "bytes20", "uint8", "bytes32"],
        [bytes20_from_lei(principal), bytes20_from_lei(agent), int(scope),
         subject_bytes(scope, subject)],
    )  # fmt: skip
    return "0x" + keccak(words).hex()


@dataclass(frozen=True)
class Mandate:
    """A mandate as the contract holds it (``valid_until`` None: until revoked)."""

    mandate_id: str
    principal: Lei
    agent: Lei
    scope: MandateScope
    subject: str
    valid_from: date
    valid_until: date | None
    revoked: bool


def grant_mandate(
    client: Client,
    agent: str,
    scope: MandateScope,
    subject: str = "",
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Mandate:
    """Grant ``agent`` a mandate of the signer's institution (the principal), from
    ``valid_from`` (the chain's today by default) until ``valid_until`` (None: until revoked);
    granting it again replaces its dates. Returns the mandate as the chain now holds it.

    Raises:
        ValidationError: the signer acts for no institution.
        ContractRevert: refused (``MandatesWrongAgentType``, ``MandatesInvalidDates`` ...).
    """
    principal = signer_institution(client, "grant a mandate")
    first = valid_from or client.today()
    call = client.contract(CONTRACT).functions.grant(
        bytes20_from_lei(agent), int(scope), subject_bytes(scope, subject),
        int_from_date(first), int_from_date(valid_until),
    )  # fmt: skip
    client.sender.send(call, f"mandate {scope.label} to {agent}")
    return get_mandate(client, mandate_id(principal, agent, scope, subject))


def revoke_mandate(client: Client, found: str) -> TxReceipt:
    """Revoke the mandate ``found`` (its 0x-hex id), as its principal."""
    call = client.contract(CONTRACT).functions.revoke(_id(found))
    return client.sender.send(call, f"revoke mandate {found}")


def get_mandate(client: Client, found: str) -> Mandate:
    """The mandate ``found`` (its 0x-hex id).

    Raises:
        ContractRevert: ``MandatesUnknown``.
    """
    raw = client.read(client.contract(CONTRACT).functions.getMandate(_id(found)))
    principal, scope, valid_from, valid_until, revoked, agent, subject = raw
    return Mandate(
        mandate_id=found.lower(),
        principal=lei_from_bytes20(bytes(principal)),
        agent=lei_from_bytes20(bytes(agent)),
        scope=MandateScope(int(scope)),
        subject=subject_text(bytes(subject)),
        valid_from=date_from_int(int(valid_from)) or date.min,
        valid_until=date_from_int(int(valid_until)),
        revoked=bool(revoked),
    )


def is_mandated(
    client: Client, principal: str, agent: str, scope: MandateScope, subject: str = ""
) -> bool:
    """Whether ``agent`` may act for ``principal`` in ``scope`` on ``subject`` now (a mandate
    for that subject or for every subject, in force, both institutions active)."""
    call = client.contract(CONTRACT).functions.isMandated(
        bytes20_from_lei(principal), bytes20_from_lei(agent), int(scope),
        subject_bytes(scope, subject),
    )  # fmt: skip
    return bool(client.read(call))


def mandates_from_records(rows: Iterable[Recorded]) -> list[Mandate]:
    """The mandates the ``MandateGranted`` and ``MandateRevoked`` records tell of, in chain
    order, each as its latest record leaves it (the index and the node's logs alike)."""
    found: dict[str, Mandate] = {}
    for row in rows:
        data = row.data
        key = str(data["mandateId"]).lower()
        if row.event == "MandateGranted":
            found[key] = Mandate(
                mandate_id=key,
                principal=Lei(hex_text(data["principal"])),
                agent=Lei(hex_text(data["agent"])),
                scope=MandateScope(int(data["scope"])),
                subject=hex_text(data["subject"]),
                valid_from=date_from_int(int(data["validFrom"])) or date.min,
                valid_until=date_from_int(int(data["validUntil"])),
                revoked=False,
            )
        elif row.event == "MandateRevoked" and key in found:
            old = found[key]
            found[key] = Mandate(
                old.mandate_id, old.principal, old.agent, old.scope, old.subject,
                old.valid_from, old.valid_until, True,
            )  # fmt: skip
    return list(found.values())


def mandates_of(client: Client, lei: str | None = None) -> list[Mandate]:
    """Every mandate on chain, or those ``lei`` granted or holds, as their events leave them."""
    from bpost_client.platform.projection import PROJECTORS, records_of  # it builds on this

    entries = records_of(client, CONTRACT, PROJECTORS, EVENTS)
    found = mandates_from_records(entries)
    return [m for m in found if lei is None or lei in (m.principal, m.agent)]


def _id(found: str) -> bytes:
    raw = bytes.fromhex(found.removeprefix("0x"))
    if len(raw) != 32:
        raise ValueError(f"a mandate id is 32 bytes of hex, not {found!r}")
    return raw
