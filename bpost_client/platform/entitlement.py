"""Who may read which record off the chain: the rules the explorer and the HTTP API show by
(``docs/privacy.md``, "Readers").

Every member's node holds the whole chain; these rules decide what a reader *built on the
index* shows a signed-in institution, not what the chain hides. Each rule is a pure function of
plain data (LEIs, the recipients of a sealed payload) and of a :class:`Reader`, so it tests in
milliseconds and the explorer and the API decide alike:

- lending agreements, their movements, statements and pair settings: the lender, the borrower,
  the agent the record names, and an agent holding the lender's ``LendingAgent`` mandate in
  force (for that borrower or every borrower) read them; the observer sees that they exist and
  their state; nobody else sees them;
- an SSI: its owner, the counterparties it was sealed or notified to, and the observer;
- an institution's corporate information: the institution and the recipients of its sealed
  payload; the observer sees that it exists and its version;
- a fund's own records (its pending requests, their reasons): the fund's parties; what the fund
  publishes (its definitive record, NAVs, distributions, notices) and the reference data
  (calendars, securities, prices, dividends, institutions, codes, mandates, governance) are
  public.

A record a reader may not see is answered as one that does not exist. Nothing here opens a
sealed payload: :attr:`Access.CONTENT` lets a page show what the chain holds of a record (its
figures where the chain still holds them in clear, its commitments and sealed bytes), never a
decrypted value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from bpost_client.platform.mandates import Mandate
from bpost_client.types import MandateScope

__all__ = [
    "Access",
    "Reader",
    "corporate_access",
    "fund_access",
    "lending_access",
    "reader_of",
    "ssi_access",
]


class Access(IntEnum):
    """How much of a record a reader is shown."""

    NONE = 0
    """Nothing: the record is answered as unknown and left out of lists and searches."""
    EXISTENCE = 1
    """That it exists, its parties, dates and state, its commitments: not its figures."""
    CONTENT = 2
    """Everything the chain holds of it (sealed payloads still shown sealed)."""


@dataclass(frozen=True)
class Reader:
    """A signed-in institution as the rules see it.

    Attributes:
        lei: its LEI.
        observer: whether an address of it holds ``OBSERVER_ROLE``.
        lending_principals: the (lender, borrower) pairs it acts for under a ``LendingAgent``
            mandate in force; borrower '' for a mandate for every borrower.
    """

    lei: str
    observer: bool = False
    lending_principals: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def reader_of(lei: str, *, observer: bool, mandates: Iterable[Mandate], on: date) -> Reader:
    """The reader ``lei``: the observer or not, with the ``LendingAgent`` mandates among
    ``mandates`` that it holds and that are in force on ``on`` (granted, not revoked, ``on``
    within their dates)."""
    held = frozenset(
        (m.principal, m.subject)
        for m in mandates
        if m.agent == lei
        and m.scope is MandateScope.LENDING_AGENT
        and not m.revoked
        and m.valid_from <= on
        and (m.valid_until is None or on <= m.valid_until)
    )
    return Reader(lei, observer, held)


def lending_access(reader: Reader, lender: str, borrower: str, agent: str = "") -> Access:
    """What ``reader`` sees of a lending record (an agreement and its movements, a statement,
    a pair's settings) between ``lender`` and ``borrower``, naming ``agent`` ('' for none)."""
    parties = {lender, borrower} | ({agent} if agent else set())
    mandated = {(lender, borrower), (lender, "")} & reader.lending_principals
    if reader.lei in parties or mandated:
        return Access.CONTENT
    return Access.EXISTENCE if reader.observer else Access.NONE


def ssi_access(reader: Reader, owner: str, counterparties: Iterable[str]) -> Access:
    """What ``reader`` sees of an SSI of ``owner`` sealed or notified to ``counterparties``
    (its account's recipients, the counterparties its changes were notified to)."""
    if reader.lei == owner or reader.lei in set(counterparties) or reader.observer:
        return Access.CONTENT
    return Access.NONE


def corporate_access(reader: Reader, lei: str, recipients: Iterable[str]) -> Access:
    """What ``reader`` sees of the corporate information of institution ``lei`` whose sealed
    part has ``recipients``."""
    if reader.lei == lei or reader.lei in set(recipients):
        return Access.CONTENT
    return Access.EXISTENCE if reader.observer else Access.NONE


def fund_access(reader: Reader, parties: Iterable[str]) -> Access:
    """What ``reader`` sees of a fund's own records (its requests and their reasons) whose
    parties (asset manager, trustee, distributors, custodians) are ``parties``. What a publicly
    offered fund publishes is public whatever this says."""
    if reader.lei in set(parties):
        return Access.CONTENT
    return Access.EXISTENCE if reader.observer else Access.NONE
