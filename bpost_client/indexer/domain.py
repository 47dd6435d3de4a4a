"""The platform's records, projected from the decoded events of each indexed transaction.

Every event of a platform contract that says something about an institution, a fund, an SSI, a
security, a calendar or a lending agreement becomes one row of ``records`` (a NAV batch or a
day's closes, one row per NAV or close), keyed by what it is about:

============  ======================================  =========================================
kind          key                                     from
============  ======================================  =========================================
institution   LEI                                     ParticipantRegistry events
corporate     LEI                                     CorporateInfoPublished,
                                                      CorporateInfoRefused
role          account address                         PlatformAccess RoleGranted / RoleRevoked
fund          platform fund code                      FundRegistry events, ProfileSet
code          the code (ref: the record's id)         CodeLinked / CodeUnlinked
namespace     the namespace                           NamespaceRegistered, NamespaceLinkerSet
mandate       the principal's LEI (ref: the agent's)  MandateGranted / MandateRevoked
proposal      proposal id (0x-hex)                    ConsortiumApprovals Proposal* events
emergency     emergency id (ref: LEI or proposal)     ConsortiumApprovals Emergency* events
nav           platform fund code                      NavsPublished (one per NAV), NavCorrected,
                                                      NavConfirmed
notice        platform fund code                      FundNotices events
ssi           SSI key (ref: the owner's LEI)          SsiPublished, SsiChangeNotified
security      ISIN (ref: the security index)          SecurityRegistered
price         security index                          ClosesPublished (one per close, from the
                                                      call), CloseCorrected
dividend      ISIN                                    DividendRecorded
calendar      market                                  CalendarPublished
agreement     agreement id (0x-hex)                   LendingAgreements events
statement     statement id (ref: the unit's key)      LendingStatements statement events
pair          ``LENDER/BORROWER``                     PairSettingsProposed / Accepted
============  ======================================  =========================================

Each domain's projection module says what its events are about (``platform.projection``,
``registry.projection``, ``reference.projection``, ``distribution.projection``,
``lending.projection``); this module files the records of each indexed transaction. A row's
``data`` is the event's decoded arguments with ``event`` (its name) and ``sender`` (the
transaction's sender) added. Sealed fields stay as the chain holds them (commitment, ciphertext,
recipients); the explorer shows them as sealed and decrypts nothing. Rows live and die with
their block, so a reorganisation removes them with it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bpost_client.distribution import projection as distribution
from bpost_client.lending import projection as lending
from bpost_client.platform import projection as platform
from bpost_client.reference import projection as reference
from bpost_client.registry import projection as registry

__all__ = ["DOMAINS", "project"]

_log = logging.getLogger(__name__)

DOMAINS = (platform, registry, reference, distribution, lending)
"""The projection module of each domain, in the order of the layers."""

_PROJECTORS: dict[tuple[str, str], platform.Projector] = {
    event: projector for domain in DOMAINS for event, projector in domain.PROJECTORS.items()
}


def project(
    transaction: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The ``records`` rows of one transaction's decoded events (rows of the ``transactions``
    and ``events`` tables as the indexer writes them)."""
    rows: list[dict[str, Any]] = []
    for event in events:
        projector = _PROJECTORS.get((event["contract"], event["event"]))
        if projector is None:
            continue
        same = transaction["contract"] == event["contract"] and transaction["status"] == 1
        call = transaction["arguments"] if same else None
        try:
            found = list(projector(event["event"], event["arguments"], transaction["sender"], call))
        except (KeyError, TypeError, ValueError) as exc:
            _log.warning(
                "event %s.%s of %s not projected: %s",
                event["contract"],
                event["event"],
                event["transaction_hash"],
                exc,
            )
            continue
        for record in found:
            if not record.key:
                continue  # a key that is not text: nothing to file it under
            rows.append(
                {
                    "block_number": event["block_number"],
                    "log_index": event["log_index"],
                    "transaction_hash": event["transaction_hash"],
                    "kind": record.kind,
                    "key": record.key,
                    "ref": record.ref,
                    "data": record.data,
                }
            )
    return rows
