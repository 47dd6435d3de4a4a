"""PriceFeed: four closes per slot, publication, idempotent re-publication, corrections and
look-ups across weekends and holidays."""

from __future__ import annotations

from typing import Any

import pytest

from bpost_client.identifiers import isin_with_check_digit
from tests.contracts.custody import bind
from tests.contracts.reverts import reverts

SCALE = 10**6
FRIDAY, SATURDAY, MONDAY = 20261113, 20261114, 20261116


def isin(n: int) -> str:
    """A valid ISIN per n (JP + nine digits + check digit)."""
    return isin_with_check_digit(f"JP{n:09d}")


def pack(*closes: int) -> int:
    """Four closes (or fewer) as one word, lane k at bits 64k."""
    word = 0
    for lane, close in enumerate(closes):
        word |= close << (64 * lane)
    return word


@pytest.fixture
def listed(securities: Any, accounts: Any) -> Any:
    """Six registered securities, indexes 1..6; returns the data provider."""
    provider = accounts[6]
    inputs = [(isin(n).encode(), b"\0" * 8, b"XTKS", b"JPY", f"Sec {n}") for n in range(1, 7)]
    securities.registerSecurities(inputs, sender=provider)
    return provider


def test_publish__packs_four_per_slot_and_answers_each(prices: Any, listed: Any) -> None:
    closes = [2000 * SCALE, 2050 * SCALE + 500_000, 1, 2**64 - 1, 777 * SCALE, 0]
    tx = prices.publishCloses(FRIDAY, 0, [pack(*closes[:4]), pack(*closes[4:])], sender=listed)
    event = tx.events.filter(prices.ClosesPublished)[0]
    assert (event.date, event.firstWord, event.wordCount) == (FRIDAY, 0, 2)
    for index, close in enumerate(closes[:5], start=1):
        assert prices.closeOf(index, FRIDAY) == close
    with reverts(prices.PriceFeedNoClose):
        prices.closeOf(6, FRIDAY)
    assert prices.closeWords(FRIDAY, 0, 3) == [pack(*closes[:4]), pack(*closes[4:]), 0]


def test_publish__same_values_again__accepted_and_merged(prices: Any, listed: Any) -> None:
    prices.publishCloses(FRIDAY, 0, [pack(10, 0, 30)], sender=listed)
    prices.publishCloses(FRIDAY, 0, [pack(10, 20, 30, 40)], sender=listed)  # fills lanes 2, 4
    assert [prices.closeOf(i, FRIDAY) for i in (1, 2, 3, 4)] == [10, 20, 30, 40]


def test_publish__different_value__refused_as_correction_needed(prices: Any, listed: Any) -> None:
    prices.publishCloses(FRIDAY, 0, [pack(10, 20)], sender=listed)
    with reverts(prices.PriceFeedAlreadyPublished):
        prices.publishCloses(FRIDAY, 0, [pack(10, 21)], sender=listed)
    assert prices.closeOf(2, FRIDAY) == 20


def test_publish__refusals(prices: Any, listed: Any, accounts: Any) -> None:
    with reverts(prices.PlatformAccessUnauthorized):
        prices.publishCloses(FRIDAY, 0, [pack(1)], sender=accounts[9])
    with reverts(prices.PriceFeedInvalidDate):
        prices.publishCloses(20260231, 0, [pack(1)], sender=listed)
    with reverts(prices.PriceFeedFutureDate):
        prices.publishCloses(29991231, 0, [pack(1)], sender=listed)
    with reverts(prices.PriceFeedEmptyBatch):
        prices.publishCloses(FRIDAY, 0, [], sender=listed)
    with reverts(prices.PriceFeedUnknownSecurity):  # index 7: lane 3 of word 1
        prices.publishCloses(FRIDAY, 1, [pack(1, 1, 1)], sender=listed)
    with reverts(prices.PriceFeedBatchTooLarge):
        prices.publishCloses(FRIDAY, 0, [0] * 1025, sender=listed)


def test_latest_close__carries_over_weekend_and_stops_at_lookback(prices: Any, listed: Any) -> None:
    prices.publishCloses(FRIDAY, 0, [pack(100, 200)], sender=listed)
    prices.publishCloses(MONDAY, 0, [pack(0, 210)], sender=listed)
    assert prices.latestCloseOnOrBefore(1, SATURDAY) == (FRIDAY, 100)
    assert prices.latestCloseOnOrBefore(1, MONDAY) == (FRIDAY, 100)  # no Monday close for 1
    assert prices.latestCloseOnOrBefore(2, MONDAY) == (MONDAY, 210)
    assert prices.latestCloseOnOrBefore(2, 20261215) == (MONDAY, 210)  # 29 days back
    with reverts(prices.PriceFeedNoClose):  # 32 days after the last close
        prices.latestCloseOnOrBefore(2, 20261218)
    with reverts(prices.PriceFeedNoClose):
        prices.latestCloseOnOrBefore(3, MONDAY)


def test_correct__keeps_replaced_value_in_event(prices: Any, listed: Any) -> None:
    prices.publishCloses(FRIDAY, 0, [pack(100, 200, 300)], sender=listed)
    tx = prices.correctCloses([(2, FRIDAY, 205, "exchange corrected the close")], sender=listed)
    event = tx.events.filter(prices.CloseCorrected)[0]
    assert (event.index, event.date, event.previous, event.close) == (2, FRIDAY, 200, 205)
    assert event.reason == "exchange corrected the close"
    assert [prices.closeOf(i, FRIDAY) for i in (1, 2, 3)] == [100, 205, 300]


def test_correct__refusals(prices: Any, listed: Any, accounts: Any) -> None:
    prices.publishCloses(FRIDAY, 0, [pack(100)], sender=listed)
    with reverts(prices.PlatformAccessUnauthorized):
        prices.correctCloses([(1, FRIDAY, 101, "r")], sender=accounts[9])
    with reverts(prices.PriceFeedNoClose):
        prices.correctCloses([(2, FRIDAY, 101, "r")], sender=listed)
    with reverts(prices.PriceFeedUnchanged):
        prices.correctCloses([(1, FRIDAY, 100, "r")], sender=listed)
    with reverts(prices.PriceFeedReasonRequired):
        prices.correctCloses([(1, FRIDAY, 101, "")], sender=listed)
    with reverts(prices.PriceFeedInvalidClose):
        prices.correctCloses([(1, FRIDAY, 0, "r")], sender=listed)
    with reverts(prices.PriceFeedUnknownSecurity):
        prices.correctCloses([(0, FRIDAY, 1, "r")], sender=listed)
    with reverts(prices.PriceFeedEmptyBatch):
        prices.correctCloses([], sender=listed)


# --- ownership: a security's closes are its provider's (the institution that registered it) ---


@pytest.fixture
def rival(securities: Any, listed: Any, data_providers: dict[str, Any]) -> Any:
    """A rival data provider with security 7 of its own (word 1, lane 3, beside 5 and 6)."""
    account, _lei = data_providers["rival_provider"]
    securities.registerSecurities(
        [(isin(7).encode(), b"\0" * 8, b"XTKS", b"JPY", "Sec 7")], sender=account
    )
    return account


def test_owner__rival_cannot_correct_a_close__specific_error_names_the_provider(
    prices: Any, listed: Any, rival: Any, data_providers: dict[str, Any]
) -> None:
    prices.publishCloses(FRIDAY, 0, [pack(100, 200)], sender=listed)
    owner, caller = data_providers["provider"][1], data_providers["rival_provider"][1]
    with reverts(prices.PriceFeedNotProvider, index=2, date=FRIDAY, provider=owner, caller=caller):
        prices.correctCloses([(2, FRIDAY, 1, "rival's view of the close")], sender=rival)
    assert prices.closeOf(2, FRIDAY) == 200
    prices.correctCloses([(2, FRIDAY, 205, "exchange corrected the close")], sender=listed)
    assert prices.closeOf(2, FRIDAY) == 205


def test_owner__rival_cannot_publish_into_anothers_lanes(
    prices: Any, listed: Any, rival: Any, data_providers: dict[str, Any]
) -> None:
    owner, caller = data_providers["provider"][1], data_providers["rival_provider"][1]
    with reverts(prices.PriceFeedNotProvider, index=5, date=FRIDAY, provider=owner, caller=caller):
        prices.publishCloses(FRIDAY, 1, [pack(500, 0, 700)], sender=rival)
    # A word shared by two providers: each fills its own lanes.
    prices.publishCloses(FRIDAY, 1, [pack(0, 0, 700)], sender=rival)
    prices.publishCloses(FRIDAY, 1, [pack(500, 600)], sender=listed)
    assert prices.closeWords(FRIDAY, 1, 1) == [pack(500, 600, 700)]
    with reverts(prices.PriceFeedNotProvider, index=7, date=FRIDAY, provider=caller, caller=owner):
        prices.correctCloses([(7, FRIDAY, 701, "not mine")], sender=listed)


def test_owner__is_the_institution__a_new_key_of_it_corrects(
    prices: Any, registry: Any, access: Any, listed: Any, operator: Any, admin: Any,
    accounts: Any, data_providers: dict[str, Any],
) -> None:  # fmt: skip
    from tests.contracts.conftest import role_id

    prices.publishCloses(FRIDAY, 0, [pack(100)], sender=listed)
    lei = data_providers["provider"][1]
    bind(registry, lei, listed, accounts[8])  # the institution binds its new key itself
    registry.removeOperator(lei, listed, sender=accounts[8])  # and retires the old one
    access.grantRole(role_id("DATA_PROVIDER_ROLE"), accounts[8], sender=operator)
    prices.correctCloses([(1, FRIDAY, 101, "restated")], sender=accounts[8])
    assert prices.closeOf(1, FRIDAY) == 101


def test_owner__a_key_of_no_institution__refused(
    prices: Any, access: Any, listed: Any, operator: Any, accounts: Any
) -> None:
    from tests.contracts.conftest import role_id

    prices.publishCloses(FRIDAY, 0, [pack(100)], sender=listed)
    access.grantRole(role_id("DATA_PROVIDER_ROLE"), accounts[8], sender=operator)
    with reverts(prices.PriceFeedNoInstitution, account=accounts[8].address):
        prices.correctCloses([(1, FRIDAY, 101, "r")], sender=accounts[8])
    with reverts(prices.PriceFeedNoInstitution, account=accounts[8].address):
        prices.publishCloses(FRIDAY, 0, [pack(0, 200)], sender=accounts[8])
