"""The reference data's restricted functions called by every actor: the operator publishes
calendars, data providers everything else; and nothing while the platform is paused.

Calls are made with ``eth_call`` so one prepared state serves the whole matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bpost_client.reference.calendars import sessions_from_exchange_calendars, year_map
from tests.contracts.reverts import reverts

ACTORS = ["admin", "operator", "registrar", "outsider", "provider"]
TOYOTA = b"JP3633400001"
FRIDAY = 20261120
TOKYO_2026 = year_map("XTKS", 2026, sessions_from_exchange_calendars("XTKS", [2026]))


@dataclass(frozen=True)
class Case:
    contract: str
    function: str
    args: Callable[[], list[Any]]
    allowed: str


CASES = [
    Case("calendar", "publishYears",
         lambda: [[b"XHKG"], [2026], [TOKYO_2026.low], [TOKYO_2026.high]], "operator"),
    Case("securities", "registerSecurities",
         lambda: [[(b"JP3435000009", b"6758".ljust(8, b"\0"), b"XTKS", b"JPY", "Sony")]],
         "provider"),
    Case("prices", "publishCloses", lambda: [FRIDAY - 1, 0, [2]], "provider"),
    Case("prices", "correctCloses", lambda: [[(1, FRIDAY, 2, "typo")]], "provider"),
    Case("dividends", "recordDividends",
         lambda: [[(TOYOTA, 20260930, 20260929, 20261127, 45, b"JPY", 2, "")]], "provider"),
]  # fmt: skip


@pytest.fixture(scope="module")
def world(
    access: Any,
    calendar: Any,
    securities: Any,
    prices: Any,
    dividends: Any,
    admin: Any,
    operator: Any,
    registrar: Any,
    outsider: Any,
    accounts: Any,
) -> dict[str, Any]:
    provider = accounts[6]
    calendar.publishYears([b"XTKS"], [2026], [TOKYO_2026.low], [TOKYO_2026.high], sender=operator)
    securities.registerSecurities(
        [(TOYOTA, b"7203".ljust(8, b"\0"), b"XTKS", b"JPY", "Toyota")], sender=provider
    )
    prices.publishCloses(FRIDAY, 0, [1], sender=provider)
    return {
        "access": access, "calendar": calendar, "securities": securities, "prices": prices,
        "dividends": dividends, "admin": admin, "operator": operator, "registrar": registrar,
        "outsider": outsider, "provider": provider,
    }  # fmt: skip


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=[f"{c.contract}.{c.function}" for c in CASES])
def test_reference_function__by_each_actor__allowed_or_refused(
    world: dict[str, Any], case: Case, actor: str
) -> None:
    contract = world[case.contract]
    method = getattr(contract, case.function)
    if actor == case.allowed:
        method.call(*case.args(), sender=world[actor])
    else:
        with reverts(contract.PlatformAccessUnauthorized):
            method.call(*case.args(), sender=world[actor])


@pytest.mark.parametrize("case", CASES, ids=[f"{c.contract}.{c.function}" for c in CASES])
def test_reference_function__while_paused__refused(world: dict[str, Any], case: Case) -> None:
    world["access"].pause(sender=world["operator"])
    contract = world[case.contract]
    with reverts(contract.PlatformAccessPaused):
        getattr(contract, case.function).call(*case.args(), sender=world[case.allowed])
