"""Every event of every contract has exactly one place that says what it is about: the
projection module of its contract's domain, as records or as an event that makes none (with the
reason). A new event without a projection fails here."""

from __future__ import annotations

import pytest

from bpost_client.contracts import DEPLOYED_CONTRACTS, load_abi
from bpost_client.indexer.domain import DOMAINS

DOMAIN_OF = {
    "PlatformAccess": "platform", "ParticipantRegistry": "platform", "CodeRegistry": "platform",
    "Mandates": "platform", "PlatformTimelock": "platform", "ConsortiumApprovals": "platform",
    "KeyRewraps": "platform", "ConsensusValidators": "platform",
    "FundRegistry": "registry", "SsiRegistry": "registry", "CorporateRegistry": "registry",
    "MarketCalendar": "reference", "SecurityRegistry": "reference", "PriceFeed": "reference",
    "DividendRegistry": "reference",
    "DistributionRegistry": "distribution", "FundNotices": "distribution",
    "Subscriptions": "distribution",
    "LendingAgreements": "lending", "LendingStatements": "lending",
    "LendingCalculator": "lending", "LendingPairs": "lending",
}  # fmt: skip
"""The domain of each deployed contract: the package whose projection module owns its events."""


def _events() -> list[tuple[str, str]]:
    return sorted(
        (name, entry["name"])
        for name in DEPLOYED_CONTRACTS
        for entry in load_abi(name)
        if entry.get("type") == "event"
    )


def _places(event: tuple[str, str]) -> list[str]:
    found = []
    for module in DOMAINS:
        domain = module.__name__.split(".")[1]
        if event in module.PROJECTORS:
            found.append(f"{domain}.PROJECTORS")
        if event in module.NOT_PROJECTED:
            found.append(f"{domain}.NOT_PROJECTED")
    return found


def test_every_deployed_contract__has_a_domain() -> None:
    assert set(DEPLOYED_CONTRACTS) == set(DOMAIN_OF)


@pytest.mark.parametrize("event", _events(), ids=lambda e: f"{e[0]}.{e[1]}")
def test_event__one_projection__in_its_contracts_domain(event: tuple[str, str]) -> None:
    places = _places(event)
    assert len(places) == 1, f"{event[0]}.{event[1]} is handled in {places or 'no projection'}"
    assert places[0].split(".")[0] == DOMAIN_OF[event[0]], f"{event} projected in {places[0]}"


def test_projections__name_only_events_that_exist() -> None:
    known = set(_events())
    named = {e for module in DOMAINS for e in (*module.PROJECTORS, *module.NOT_PROJECTED)}
    assert not named - known, f"no such event: {sorted(named - known)}"


def test_unprojected_events__each_gives_its_reason() -> None:
    for module in DOMAINS:
        for event, reason in module.NOT_PROJECTED.items():
            assert len(reason) > 20, f"{event}: the reason is missing"
