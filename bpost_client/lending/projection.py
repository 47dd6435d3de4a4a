"""The events of use case 3's contracts as records (see
:mod:`bpost_client.platform.projection`): agreement (by agreement id), statement (by statement
id; ref: the key of its unit of matching), pair (``LENDER/BORROWER``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bpost_client.lending.statements import STATEMENT_EVENTS
from bpost_client.platform.projection import Projector, Record, hex_text, with_event

__all__ = ["NOT_PROJECTED", "PROJECTORS", "agreement_key"]


def agreement_key(raw: Any) -> str:
    """The key of an agreement id (bytes32): its text when it is printable ASCII (agreement ids
    are references such as ``SBL-2026-001``), else its lowercase hex."""
    return hex_text(raw) or str(raw).lower()


def _agreement(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    data = with_event(args, event, sender)
    yield Record("agreement", agreement_key(args["agreementId"]), None, data)


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
    data = with_event(args, event, sender)
    yield Record("statement", str(args["statementId"]).lower(), ref, data)


def _pair(event: str, args: Mapping[str, Any], sender: str, _call: Any) -> Iterator[Record]:
    key = f"{hex_text(args['lender'])}/{hex_text(args['borrower'])}"
    yield Record("pair", key, None, with_event(args, event, sender))


PROJECTORS: dict[tuple[str, str], Projector] = {
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

NOT_PROJECTED: dict[tuple[str, str], str] = {}
