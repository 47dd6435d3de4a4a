"""Use case 1's restricted functions, each called by every actor: allowed, or refused with the
right custom error (calls made with eth_call on one prepared state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from tests.contracts.conftest import KEY
from tests.contracts.custody import admit
from tests.contracts.reverts import reverts
from tests.contracts.test_fund_registry import (
    ACTIVE,
    CHANGE,
    ESTABLISH,
    REDEEM,
    attrs,
    establish,
    register,
    registration,
)
from tests.helpers import make_lei

ACTORS = [
    "admin",
    "operator",
    "fund_manager",
    "rival_manager",
    "fund_trustee",
    "fund_distributor",
    "fund_custodian",
    "outsider",
]
OWNERS = frozenset(ACTORS) - {"admin", "operator", "outsider"}  # bound to an institution
# The keys bound to no institution, refused as such before any request is looked at.
NO_INSTITUTION = dict.fromkeys(frozenset(ACTORS) - OWNERS, "FundRegistryNotInstitution")


@dataclass(frozen=True)
class Case:
    contract: str
    function: str
    args: Callable[[dict[str, Any]], list[Any]]
    allowed: frozenset[str]
    refusal: str
    refusals: dict[str, str] = field(default_factory=dict)


def _sealed(lei: bytes) -> tuple[Any, ...]:
    return (b"\x01" * 32, b"ciphertext", [(lei, b"wrapped")])


def _ssi_terms() -> tuple[Any, ...]:
    return (
        b"\0" * 32,
        b"XTKS",
        b"EQUITY".ljust(8, b"\0"),
        b"JPY",
        b"DVP".ljust(8, b"\0"),
        b"MHCBJPJT".ljust(11, b"\0"),
        b"\0" * 11,
        20260401,
        0,
    )


def _corporate(lei: bytes) -> tuple[Any, ...]:
    return (lei, _sealed(lei))


NO_ROLE = "PlatformAccessUnauthorized"
MANAGERS = frozenset({"fund_manager", "rival_manager"})
PARTIES = frozenset({"fund_trustee", "fund_distributor", "fund_custodian"})

CASES = [
    Case(
        "funds",
        "registerFunds",
        lambda w: [[registration(w["actors"], "MATRIX")]],
        MANAGERS,
        NO_ROLE,
    ),
    Case(
        "funds",
        "propose",
        lambda w: [w["draft"], ESTABLISH, attrs(w["actors"]), 20260401, 20260325],
        frozenset({"fund_manager"}),
        NO_ROLE,
        {"rival_manager": "FundRegistryNotFundManager"},
    ),
    Case(
        "funds",
        "setStatus",
        lambda w: [w["established"], ACTIVE],
        frozenset({"fund_manager"}),
        NO_ROLE,
        {"rival_manager": "FundRegistryNotFundManager"},
    ),
    Case(
        "funds",
        "withdraw",
        lambda w: [w["request"]],
        frozenset({"fund_manager"}),
        NO_ROLE,
        {"rival_manager": "FundRegistryNotFundManager"},
    ),
    Case(
        "funds",
        "acknowledge",
        lambda w: [w["request"]],
        PARTIES,
        "FundRegistryNotRequiredParty",
        NO_INSTITUTION,
    ),
    Case(
        "funds",
        "reject",
        lambda w: [w["request"], "no"],
        PARTIES,
        "FundRegistryNotRequiredParty",
        NO_INSTITUTION,
    ),
    Case(
        "funds",
        "completeRedemption",
        lambda w: [w["past_due"]],
        frozenset({"fund_manager"}),
        NO_ROLE,
        {"rival_manager": "FundRegistryNotFundManager"},
    ),
    Case(
        "funds",
        "waiveAcknowledgment",
        lambda w: [w["stuck"], w["suspended_lei"], "suspended"],
        frozenset({"operator"}),
        NO_ROLE,
    ),
    Case(
        "funds",
        "closeRequest",
        lambda w: [w["stuck"], "suspended"],
        frozenset({"operator"}),
        NO_ROLE,
    ),
    Case(
        "ssis",
        "publishSsis",
        lambda w: [[(_ssi_terms(), _sealed(w["owner_lei"]))]],
        frozenset(),
        "SsiRegistryNotAnOperator",
        {"fund_custodian": ""},
    ),
    Case(
        "corporate",
        "publishCorporateInfo",
        lambda w: [[_corporate(w["actors"]["fund_trustee"][1])]],
        frozenset({"fund_trustee", "operator"}),
        "CorporateRegistryNotAllowed",
    ),
]


@pytest.fixture(scope="module")
def world(
    funds: Any,
    ssis: Any,
    corporate: Any,
    fund_actors: dict[str, Any],
    admin: Any,
    operator: Any,
    accounts: Any,
    registry: Any,
    chain: Any,
) -> dict[str, Any]:
    draft, established, pending = register(
        funds, fund_actors, *[registration(fund_actors, f"RM-{i}") for i in range(3)]
    )
    # A request stuck on a custodian that is then suspended (an institution of this module only).
    suspended_lei = make_lei(170).encode()
    admit(registry, operator, suspended_lei, 6, "suspended", KEY, accounts[17])
    stuck_parties = {**fund_actors, "suspended": (accounts[17], suspended_lei)}
    [stuck] = register(
        funds, fund_actors, registration(stuck_parties, "RM-STUCK", parties=[("suspended", 4)])
    )
    stuck_tx = funds.propose(
        stuck,
        ESTABLISH,
        attrs(fund_actors),
        20260401,
        20260325,
        sender=fund_actors["fund_manager"][0],
    )
    registry.suspendInstitution(suspended_lei, "licence withdrawn", sender=operator)
    # A redemption the trustee acknowledged, past its due date (the chain moved to tomorrow).
    [redeemed] = register(funds, fund_actors, registration(fund_actors, "RM-REDEEM"))
    establish(funds, fund_actors, redeemed)
    today = datetime.fromtimestamp(chain.blocks.head.timestamp, UTC).date()
    redeem_tx = funds.propose(
        redeemed,
        REDEEM,
        attrs(fund_actors, redeemed=20301231),
        20301231,
        int(today.strftime("%Y%m%d")),
        sender=fund_actors["fund_manager"][0],
    )
    past_due = redeem_tx.events.filter(funds.ChangeProposed)[0].requestId
    funds.acknowledge(past_due, sender=fund_actors["fund_trustee"][0])
    tomorrow = datetime.combine(today + timedelta(days=1), time(12), UTC)
    chain.mine(timestamp=int(tomorrow.timestamp()))
    establish(funds, fund_actors, established)
    establish(funds, fund_actors, pending)
    tx = funds.propose(
        pending,
        CHANGE,
        attrs(fund_actors, name="Renamed"),
        20261001,
        20260915,
        sender=fund_actors["fund_manager"][0],
    )
    actors = {name: account for name, (account, _) in fund_actors.items()}
    return {
        "funds": funds,
        "ssis": ssis,
        "corporate": corporate,
        "actors": fund_actors,
        "draft": draft,
        "established": established,
        "request": tx.events.filter(funds.ChangeProposed)[0].requestId,
        "stuck": stuck_tx.events.filter(funds.ChangeProposed)[0].requestId,
        "suspended_lei": suspended_lei,
        "past_due": past_due,
        "admin": admin,
        "operator": operator,
        "outsider": accounts[19],
        **actors,
    }


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=[f"{c.contract}.{c.function}" for c in CASES])
def test_uc1_function__by_each_actor__allowed_or_refused(
    world: dict[str, Any], case: Case, actor: str
) -> None:
    contract = world[case.contract]
    sender = world[actor]
    state = dict(world)
    if case.function == "publishSsis":  # each institution publishes its own SSIs
        state["owner_lei"] = world["actors"][actor][1] if actor in world["actors"] else b"\0" * 20
    allowed = case.allowed | (OWNERS if case.function == "publishSsis" else frozenset())
    method = getattr(contract, case.function)
    if actor in allowed:
        method.call(*case.args(state), sender=sender)
        return
    refusal = case.refusals.get(actor) or case.refusal
    with reverts(getattr(contract, refusal)):
        method.call(*case.args(state), sender=sender)
