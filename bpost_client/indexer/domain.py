"""The platform's records, projected from the decoded events of each indexed transaction.

Every event of a platform contract that says something about an institution, a fund, an SSI, a
security, a calendar or a lending agreement becomes one row of ``records`` (a NAV batch or a
day's closes, one row per NAV or close), keyed by what it is about:

============  ======================================  =========================================
kind          key                                     from
============  ======================================  =========================================
institution   LEI                                     ParticipantRegistry events
corporate     LEI                                     CorporateInfoPublished
role          account address                         PlatformAccess RoleGranted / RoleRevoked
fund          platform fund code                      FundRegistry events, ProfileSet
code          the code (ref: the fund code)           CodeLinked / CodeUnlinked
nav           platform fund code                      NavsPublished (one per NAV), NavCorrected,
                                                      NavConfirmed
notice        platform fund code                      FundNotices events
ssi           SSI key (ref: the owner's LEI)          SsiPublished, SsiChangeNotified
security      ISIN (ref: the security index)          SecurityRegistered
price         security index                          ClosesPublished (one per close, from the
                                                      call), CloseCorrected
dividend      ISIN                                    DividendRecorded
calendar      market                                  CalendarPublished
agreement     agreement id (text, else 0x-hex)        LendingAgreements events
statement     statement id (ref: the unit's key)      LendingStatements statement events
pair          ``LENDER/BORROWER``                     PairSettingsProposed / Accepted
============  ======================================  =========================================

A row's ``data`` is the event's decoded arguments with ``event`` (its name) and ``sender`` (the
transaction's sender) added. Sealed fields stay as the chain holds them (commitment, ciphertext,
recipients); the explorer shows them as sealed and decrypts nothing. Rows live and die with
their block, so a reorganisation removes them with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bpost_client.identifiers import ascii_from_hex, fund_code
from bpost_client.lending.statements import STATEMENT_EVENTS
from bpost_client.reference.prices import LANES
from bpost_client.registry.funds import FUND_EVENTS
from bpost_client.types import Role

__all__ = ["Record", "agreement_key", "hex_text", "project"]

_log = logging.getLogger(__name__)
_ROLE_NAMES = {"0x" + role.id.hex(): role.value for role in Role}
_PRINTABLE = re.compile(r"[\x20-\x7e]*$")
_U64 = (1 << 64) - 1
_U40 = (1 << 40) - 1
_MAX_PROJECTED_WORDS = 4096
"""The most packed words of one call expanded into rows (a call the chain accepted holds fewer)."""


@dataclass(frozen=True)
class Record:
    """One projected row: what it is (``kind``), what it is about (``key``), a second key
    (``ref``) and the data."""

    kind: str
    key: str
    ref: str | None
    data: dict[str, Any]


def hex_text(value: Any) -> str:
    """A 0x-hex bytes value as the ASCII text it holds (zero padding stripped); '' for anything
    that is not printable ASCII."""
    if not isinstance(value, str) or not value.startswith("0x"):
        return ""
    try:
        text = ascii_from_hex(value)
    except ValueError:
        return ""
    return text if _PRINTABLE.match(text) else ""


def _with(args: Mapping[str, Any], event: str, sender: str, **extra: Any) -> dict[str, Any]:
    return {"event": event, "sender": sender, **args, **extra}


Projector = Callable[[str, Mapping[str, Any], str, Mapping[str, Any] | None], Iterator[Record]]


def _institution(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("institution", hex_text(args["lei"]), None, _with(args, event, sender))


def _corporate(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("corporate", hex_text(args["lei"]), None, _with(args, event, sender))


def _role(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    name = _ROLE_NAMES.get(str(args["role"]).lower(), str(args["role"]))
    yield Record("role", str(args["account"]), None, _with(args, event, sender, roleName=name))


def _fund(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("fund", hex_text(args["fundCode"]), None, _with(args, event, sender))


def _code(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = _with(
        args,
        event,
        sender,
        namespaceText=hex_text(args["namespace"]),
        valueText=hex_text(args["value"]),
        recordText=hex_text(args["recordId"]) or str(args["recordId"]),
    )
    yield Record("code", data["valueText"], data["recordText"], data)


def _serial_fund(serial: Any) -> str:
    return str(fund_code(int(serial)))


def _navs(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    if event == "NavsPublished":
        for position, raw in enumerate(args["records"][:_MAX_PROJECTED_WORDS]):
            word = int(raw)
            data = {
                "event": event,
                "sender": sender,
                "batchId": args["batchId"],
                "position": position,
                "date": args["date"],
                "nav": str(word >> 32 & _U40),
                "netAssets": str(word >> 72 & _U64),
                "units": str(word >> 136 & _U64),
                "version": 1,
                "publisher": args["publisher"],
            }
            yield Record("nav", _serial_fund(word & 0xFFFFFFFF), None, data)
        return
    yield Record("nav", _serial_fund(args["serial"]), None, _with(args, event, sender))


def _notice(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("notice", _serial_fund(args["serial"]), None, _with(args, event, sender))


def _profile(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("fund", hex_text(args["fundCode"]), None, _with(args, event, sender))


def _ssi(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    owner = hex_text(args["owner"])
    yield Record("ssi", str(args["ssiKey"]).lower(), owner, _with(args, event, sender))


def _security(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = _with(args, event, sender)
    yield Record("security", hex_text(args["isin"]), str(args["index"]), data)


def _closes(
    event: str, args: Mapping[str, Any], sender: str, call: Mapping[str, Any] | None
) -> Iterator[Record]:
    if event == "CloseCorrected":
        yield Record("price", str(args["index"]), None, _with(args, event, sender))
        return
    if call is None or "words" not in call:
        return  # sent through another contract: the closes are not in this call's arguments
    first = int(args["firstWord"])
    for offset, raw in enumerate(call["words"][:_MAX_PROJECTED_WORDS]):
        word = int(raw)
        for lane in range(LANES):
            close = word >> (64 * lane) & _U64
            if close:
                index = (first + offset) * LANES + lane + 1
                data = {"event": event, "sender": sender, "date": args["date"]}
                yield Record("price", str(index), None, {**data, "close": str(close)})


def _dividend(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("dividend", hex_text(args["isin"]), None, _with(args, event, sender))


def _calendar(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("calendar", hex_text(args["market"]), None, _with(args, event, sender))


def agreement_key(raw: Any) -> str:
    """The key of an agreement id (bytes32): its text when it is printable ASCII (agreement ids
    are references such as ``SBL-2026-001``), else its lowercase hex."""
    return hex_text(raw) or str(raw).lower()


def _agreement(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    yield Record("agreement", agreement_key(args["agreementId"]), None, _with(args, event, sender))


def _statement(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    ref = None
    if event == "StatementCommitted":
        statement = args["input"]
        unit = int(statement["unit"])
        if unit == 0:
            ref = agreement_key(statement["unitKey"])
        elif unit == 1:
            ref = hex_text(statement["unitKey"])
        else:
            ref = f"{hex_text(args['lender'])}/{hex_text(args['borrower'])}"
    yield Record("statement", str(args["statementId"]).lower(), ref, _with(args, event, sender))


def _pair(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    key = f"{hex_text(args['lender'])}/{hex_text(args['borrower'])}"
    yield Record("pair", key, None, _with(args, event, sender))


_PROJECTORS: dict[tuple[str, str], Projector] = {
    **{
        ("ParticipantRegistry", name): _institution
        for name in (
            "InstitutionRegistered",
            "InstitutionRenamed",
            "InstitutionSuspended",
            "InstitutionReinstated",
            "EncryptionKeyChanged",
            "OperatorAdded",
            "OperatorRemoved",
        )
    },
    ("CorporateRegistry", "CorporateInfoPublished"): _corporate,
    ("PlatformAccess", "RoleGranted"): _role,
    ("PlatformAccess", "RoleRevoked"): _role,
    **{("FundRegistry", name): _fund for name in FUND_EVENTS},
    ("CodeRegistry", "CodeLinked"): _code,
    ("CodeRegistry", "CodeUnlinked"): _code,
    ("DistributionRegistry", "ProfileSet"): _profile,
    ("DistributionRegistry", "NavsPublished"): _navs,
    ("DistributionRegistry", "NavCorrected"): _navs,
    ("DistributionRegistry", "NavConfirmed"): _navs,
    **{
        ("FundNotices", name): _notice
        for name in (
            "DistributionPublished",
            "DistributionCorrected",
            "NonApplicationDayPublished",
            "NonApplicationDayCorrected",
            "ReportPublished",
            "ReportCorrected",
        )
    },
    ("SsiRegistry", "SsiPublished"): _ssi,
    ("SsiRegistry", "SsiChangeNotified"): _ssi,
    ("SecurityRegistry", "SecurityRegistered"): _security,
    ("PriceFeed", "ClosesPublished"): _closes,
    ("PriceFeed", "CloseCorrected"): _closes,
    ("DividendRegistry", "DividendRecorded"): _dividend,
    ("MarketCalendar", "CalendarPublished"): _calendar,
    **{
        ("LendingAgreements", name): _agreement
        for name in (
            "AgreementProposed",
            "AgreementAcknowledged",
            "MovementsRecorded",
            "MovementsConfirmed",
        )
    },
    **{("LendingStatements", name): _statement for name in STATEMENT_EVENTS},
    ("LendingStatements", "PairSettingsProposed"): _pair,
    ("LendingStatements", "PairSettingsAccepted"): _pair,
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
