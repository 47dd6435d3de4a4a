"""Who may read which record (``bpost_client.platform.entitlement``), over plain data: the
rules the explorer and the HTTP API show records by."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.platform.entitlement import (
    Access,
    Reader,
    corporate_access,
    fund_access,
    lending_access,
    reader_of,
    ssi_access,
)
from bpost_client.platform.mandates import Mandate
from bpost_client.types import Lei, MandateScope

LENDER, BORROWER, AGENT = "3538000FUJITRUST0138", "3538000MINATOSEC0159", "3538000NIHONLEND0172"
OTHER_AGENT, THIRD = "3538000OTHERAGT00000", "3538000KANDABANK0193"
OBSERVER = "3538000KASUMIOBS0164"
TODAY = date(2026, 10, 1)


def mandate(
    principal: str = LENDER,
    agent: str = OTHER_AGENT,
    subject: str = BORROWER,
    *,
    scope: MandateScope = MandateScope.LENDING_AGENT,
    valid_from: date = date(2026, 1, 1),
    valid_until: date | None = None,
    revoked: bool = False,
) -> Mandate:
    return Mandate(
        "0x" + "00" * 32, Lei(principal), Lei(agent), scope, subject, valid_from, valid_until,
        revoked,
    )  # fmt: skip


def agent_reader(*mandates: Mandate) -> Reader:
    return reader_of(OTHER_AGENT, observer=False, mandates=mandates, on=TODAY)


# --- lending --------------------------------------------------------------------------------


@pytest.mark.parametrize("party", [LENDER, BORROWER, AGENT])
def test_lending__a_party_or_the_named_agent__sees_the_content(party: str) -> None:
    assert lending_access(Reader(party), LENDER, BORROWER, AGENT) is Access.CONTENT


def test_lending__a_third_institution__sees_nothing() -> None:
    assert lending_access(Reader(THIRD), LENDER, BORROWER, AGENT) is Access.NONE


def test_lending__no_agent_named__an_empty_lei_is_no_party() -> None:
    assert lending_access(Reader(""), LENDER, BORROWER, "") is Access.NONE


def test_lending__the_observer__sees_existence_not_content() -> None:
    observer = Reader(OBSERVER, observer=True)
    assert lending_access(observer, LENDER, BORROWER, AGENT) is Access.EXISTENCE


def test_lending__the_observer_as_a_party__sees_the_content() -> None:
    assert lending_access(Reader(LENDER, observer=True), LENDER, BORROWER) is Access.CONTENT


@pytest.mark.parametrize("subject", [BORROWER, ""])
def test_lending__agent_under_the_lenders_mandate_for_the_borrower_or_all__sees_content(
    subject: str,
) -> None:
    reader = agent_reader(mandate(subject=subject))
    assert lending_access(reader, LENDER, BORROWER, AGENT) is Access.CONTENT


@pytest.mark.parametrize(
    ("granted", "why"),
    [
        (mandate(subject=THIRD), "for another borrower"),
        (mandate(principal=BORROWER, subject=""), "granted by the borrower, not the lender"),
        (mandate(revoked=True), "revoked"),
        (mandate(valid_from=date(2026, 10, 2)), "not yet valid"),
        (mandate(valid_until=date(2026, 9, 30)), "expired"),
        (mandate(scope=MandateScope.DISTRIBUTION_DELEGATE, subject=""), "another scope"),
        (mandate(agent=AGENT), "held by another agent"),
    ],
)
def test_lending__mandate_not_in_force_for_this_pair__sees_nothing(
    granted: Mandate, why: str
) -> None:
    reader = agent_reader(granted)
    assert lending_access(reader, LENDER, BORROWER) is Access.NONE, why


def test_reader_of__a_mandate_ending_today__still_in_force() -> None:
    reader = agent_reader(mandate(valid_from=TODAY, valid_until=TODAY))
    assert reader.lending_principals == {(LENDER, BORROWER)}


leis = st.sampled_from([LENDER, BORROWER, AGENT, OTHER_AGENT, THIRD, OBSERVER, ""])


@given(reader=leis, lender=leis, borrower=leis, agent=leis, observer=st.booleans())
def test_lending__content_exactly_for_the_named__existence_for_the_observer(
    reader: str, lender: str, borrower: str, agent: str, observer: bool
) -> None:
    found = lending_access(Reader(reader, observer), lender, borrower, agent)
    named = reader in {lender, borrower} or (bool(agent) and reader == agent)
    expected = Access.CONTENT if named else Access.EXISTENCE if observer else Access.NONE
    assert found is expected


# --- SSIs, corporate information, funds -----------------------------------------------------


def test_ssi__owner_counterparties_and_observer_see_it__a_third_does_not() -> None:
    for lei in (LENDER, BORROWER):
        assert ssi_access(Reader(lei), LENDER, [BORROWER]) is Access.CONTENT
    assert ssi_access(Reader(OBSERVER, observer=True), LENDER, [BORROWER]) is Access.CONTENT
    assert ssi_access(Reader(THIRD), LENDER, [BORROWER]) is Access.NONE


def test_corporate__recipients_content__observer_existence__third_nothing() -> None:
    assert corporate_access(Reader(LENDER), LENDER, []) is Access.CONTENT  # its own
    assert corporate_access(Reader(BORROWER), LENDER, [LENDER, BORROWER]) is Access.CONTENT
    observer = Reader(OBSERVER, observer=True)
    assert corporate_access(observer, LENDER, [LENDER]) is Access.EXISTENCE
    assert corporate_access(Reader(OBSERVER, observer=True), LENDER, [OBSERVER]) is Access.CONTENT
    assert corporate_access(Reader(THIRD), LENDER, [LENDER, BORROWER]) is Access.NONE


def test_fund__parties_content__observer_existence__third_nothing() -> None:
    parties = [LENDER, BORROWER]
    assert fund_access(Reader(BORROWER), parties) is Access.CONTENT
    assert fund_access(Reader(OBSERVER, observer=True), parties) is Access.EXISTENCE
    assert fund_access(Reader(THIRD), iter(parties)) is Access.NONE
