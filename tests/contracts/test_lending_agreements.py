"""LendingAgreements: the lender or its agent proposes sealed terms, versions with effective dates
that the borrower acknowledges; the movements follow as versions that the borrower confirms; the
LendingCalculator takes only inputs that match the commitments."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client.reference.calendars import sessions_from_exchange_calendars, year_map
from tests.contracts.conftest import KEY
from tests.contracts.reverts import reverts
from tests.contracts.test_lending_calculator import CLOSES, terms
from tests.helpers import make_lei

TERMS_TYPE = (
    "(bytes12,bytes3,(int256,int256,int256,uint8,uint8,uint8,uint8,uint8,bool,int256),uint8,uint64)"
)
MOVEMENTS_TYPE = "(uint8,uint32,int256,int256)[]"
NEW_LOAN, RETURN, RECALL, COLLATERAL_CHANGE = 0, 1, 2, 3
PROPOSED, ACKNOWLEDGED = 1, 2
M = 10**6
AGREEMENT = b"SBL-1".ljust(32, b"\0")
SALT, MOVEMENTS_SALT = b"\x11" * 32, b"\x22" * 32
AGREEMENT_TERMS = (b"JP3633400001", b"JPY", terms(), 1, 100)
# test_lending_calculator's POSITIONS as movements: 10,000 shares lent on 1 June, back on 8 June.
MOVEMENTS = [(NEW_LOAN, 20260601, 10_000 * M, 0), (RETURN, 20260608, -10_000 * M, 0)]
JUNE = 20260601


def sealed(commitment: bytes, *leis: bytes) -> tuple[Any, ...]:
    return (commitment, b"ciphertext", [(lei, b"wrapped") for lei in leis])


def terms_commitment(agreement_terms: tuple[Any, ...], salt: bytes = SALT) -> bytes:
    return keccak(salt + encode([TERMS_TYPE], [agreement_terms]))


def movements_commitment(movements: list[Any], salt: bytes = MOVEMENTS_SALT) -> bytes:
    return keccak(salt + encode([MOVEMENTS_TYPE], [movements]))


@pytest.fixture(scope="module")
def parties(registry: Any, operator: Any, accounts: Any, funds: Any) -> dict[str, Any]:
    """A trust bank lending, a securities company borrowing and a lending agent (with the fund
    actors registered, among them an asset manager, which is no lending agent)."""
    found = {}
    for name, index, kind, number in (
        ("lender", 17, 3, 301),
        ("borrower", 18, 4, 302),
        ("agent", 16, 7, 303),
    ):
        lei = make_lei(number).encode()
        registry.registerInstitution(lei, kind, name, KEY, [accounts[index]], sender=operator)
        found[name] = (accounts[index], lei)
    return found


@pytest.fixture(scope="module")
def toyota(securities: Any, prices: Any, accounts: Any) -> None:
    """Toyota in the security master (index 1) and its closes in the PriceFeed."""
    provider = accounts[6]
    securities.registerSecurities(
        [(b"JP3633400001", b"7203".ljust(8, b"\0"), b"XTKS", b"JPY", "Toyota")], sender=provider
    )
    for day, close in CLOSES:
        prices.publishCloses(day, 0, [close], sender=provider)


def agree(
    agreements: Any,
    parties: dict[str, Any],
    agreement_id: bytes = AGREEMENT,
    movements: list[Any] = MOVEMENTS,
) -> None:
    """Terms proposed by the lender and acknowledged, movements recorded and confirmed."""
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    agreements.propose(
        agreement_id,
        *leis,
        JUNE,
        sealed(terms_commitment(AGREEMENT_TERMS), *leis),
        sender=lender,
    )
    agreements.acknowledge(agreement_id, 1, sender=borrower)
    agreements.recordMovements(
        agreement_id, sealed(movements_commitment(movements), *leis), sender=lender
    )
    agreements.confirmMovements(agreement_id, 1, sender=borrower)


def calculate(calculator: Any, **changes: Any) -> Any:
    args = {
        "agreement_id": AGREEMENT,
        "version": 1,
        "terms": AGREEMENT_TERMS,
        "terms_salt": SALT,
        "movements": MOVEMENTS,
        "movements_salt": MOVEMENTS_SALT,
        "closes": CLOSES,
        "dividends": [],
        "start": 20260601,
        "end": 20260607,
    } | changes
    return calculator.calculateCommitted(*args.values())


def test_propose_acknowledge_record_confirm__then_calculate_committed(
    agreements: Any, calculator: Any, toyota: None, parties: dict[str, Any]
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    tx = agreements.propose(
        AGREEMENT, *leis, JUNE, sealed(terms_commitment(AGREEMENT_TERMS), *leis), sender=lender
    )
    [proposed] = tx.events.filter(agreements.AgreementProposed)
    assert (proposed.version, proposed.effectiveFrom) == (1, JUNE)
    with reverts(agreements.LendingAgreementsWrongState):
        agreements.recordMovements(AGREEMENT, sealed(b"\x01" * 32, *leis), sender=lender)
    with reverts(agreements.LendingAgreementsNotParty):
        agreements.acknowledge(AGREEMENT, 1, sender=lender)
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    agreements.recordMovements(
        AGREEMENT, sealed(movements_commitment(MOVEMENTS), *leis), sender=lender
    )
    with reverts(calculator.LendingCalculatorMovementsNotConfirmed, agreementId=AGREEMENT):
        calculate(calculator)  # recorded, not yet confirmed
    agreements.confirmMovements(AGREEMENT, 1, sender=borrower)
    # docs/conventions.md's worked example, from committed inputs
    assert calculate(calculator).lendingFee == 1939
    skipped = CLOSES[:3] + CLOSES[4:]  # a close left out: an older one would mark the day
    altered = [*CLOSES[:-1], (CLOSES[-1][0], CLOSES[-1][1] + 1)]
    for closes in (skipped, altered):
        with reverts(calculator.LendingCalculatorCloseNotShared):
            calculate(calculator, closes=closes)
    with reverts(calculator.LendingCalculatorTermsNotCommitted, termsVersion=1):
        calculate(calculator, terms=(b"JP3633400001", b"JPY", terms(fee="0.6"), 1, 100))
    with reverts(calculator.LendingCalculatorMovementsNotCommitted, movementsVersion=1):
        calculate(calculator, movements=MOVEMENTS[:1])
    with reverts(calculator.LendingCalculatorMovementsNotCommitted):
        calculate(calculator, movements_salt=SALT)
    with reverts(agreements.LendingAgreementsInvalid):
        calculate(calculator, version=2)  # no such version of the terms


def test_agent_proposal__binds_the_lender_only_once_it_consents(
    agreements: Any, parties: dict[str, Any]
) -> None:
    """Before, an agent proposed for any lender and the borrower acknowledged: an agreement of a
    lender that never sent a transaction."""
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    agent, agent_lei = parties["agent"]
    leis = (lender_lei, borrower_lei, agent_lei)
    agreements.propose(AGREEMENT, lender_lei, borrower_lei, JUNE, sealed(b"\x01" * 32, *leis),
                       sender=agent)  # fmt: skip
    assert not agreements.isConsented(AGREEMENT, 1)
    with reverts(agreements.LendingAgreementsConsentMissing, lender=lender_lei):
        agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    with reverts(agreements.LendingAgreementsNotConsentable, lei=borrower_lei):
        agreements.consent(AGREEMENT, 1, sender=borrower)
    tx = agreements.consent(AGREEMENT, 1, sender=lender)
    [consented] = tx.events.filter(agreements.AgreementConsented)
    assert (bytes(consented.lender), consented.version) == (lender_lei, 1)
    with reverts(agreements.LendingAgreementsNotConsentable):
        agreements.consent(AGREEMENT, 1, sender=lender)  # once
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    assert agreements.getAgreement(AGREEMENT).acknowledgedVersion == 1


def test_agent_proposal__itself_the_borrower_or_an_unknown_lender__refused(
    agreements: Any, parties: dict[str, Any]
) -> None:
    (_, lender_lei), (_, borrower_lei) = parties["lender"], parties["borrower"]
    agent, agent_lei = parties["agent"]
    terms = sealed(b"\x01" * 32, lender_lei, borrower_lei, agent_lei)
    with reverts(agreements.LendingAgreementsAgentIsBorrower, agent=agent_lei):
        agreements.propose(AGREEMENT, lender_lei, agent_lei, JUNE, terms, sender=agent)
    unknown = make_lei(399).encode()
    with reverts(agreements.LendingAgreementsUnknownLender, lender=unknown):
        agreements.propose(AGREEMENT, unknown, borrower_lei, JUNE, terms, sender=agent)


def test_calculate_committed__a_zero_close_where_none_is_published__refused(
    agreements: Any, calculator: Any, toyota: None, parties: dict[str, Any]
) -> None:
    agree(agreements, parties)
    invented = [*CLOSES, (20260608, 0)]  # the PriceFeed has no close on 8 June
    with reverts(calculator.LendingCalculatorCloseNotShared, date=20260608, given=0, shared=0):
        calculate(calculator, closes=invented, end=20260608)
    with reverts(calculator.LendingCalculatorCloseAfterPeriod, date=20260608, end=20260607):
        calculate(calculator, closes=invented)


def test_calculate_committed__dividends_walked_from_the_registry(
    agreements: Any,
    calculator: Any,
    dividends: Any,
    calendar: Any,
    operator: Any,
    toyota: None,
    parties: dict[str, Any],
    accounts: Any,
) -> None:
    """A declared dividend on 3 June and one on 5 June that was cancelled: the honest input
    is the first alone; a repeat, a reordering, the cancelled one and a left-out one are refused
    (before, the count of record dates was compared: a repeat passed, honesty reverted)."""
    tokyo = year_map("XTKS", 2026, sessions_from_exchange_calendars("XTKS", [2026]))
    calendar.publishYears([b"XTKS"], [2026], [tokyo.low], [tokyo.high], sender=operator)
    provider = accounts[6]
    declared = (b"JP3633400001", 20260603, 20260602, 20260630, 30 * M, b"JPY", 2, "")
    cancelled = (b"JP3633400001", 20260605, 20260604, 20260630, 40 * M, b"JPY", 2, "")
    dividends.recordDividends([declared, cancelled], sender=provider)
    dividends.recordDividends([(*cancelled[:4], 0, b"JPY", 4, "withdrawn")], sender=provider)
    agree(agreements, parties)
    june3, june5 = (20260603, 30 * M), (20260605, 40 * M)
    assert calculate(calculator, dividends=[june3]).lendingFee == 1939
    with reverts(calculator.LendingCalculatorDividendsUnsorted, recordDate=20260603):
        calculate(calculator, dividends=[june3, june3])
    with reverts(calculator.LendingCalculatorDividendsUnsorted, recordDate=20260601):
        calculate(calculator, dividends=[june3, (20260601, 30 * M)])
    with reverts(calculator.LendingCalculatorDividendNotShared, recordDate=20260605, shared=0):
        calculate(calculator, dividends=[june3, june5])
    with reverts(calculator.LendingCalculatorDividendNotShared, given=31 * M, shared=30 * M):
        calculate(calculator, dividends=[(20260603, 31 * M)])
    with reverts(calculator.LendingCalculatorDividendLeftOut, recordDate=20260603):
        calculate(calculator, dividends=[])


def test_amendment__new_version_with_its_effective_date__acknowledged_anew(
    agreements: Any, calculator: Any, toyota: None, parties: dict[str, Any]
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    agree(agreements, parties)
    amended = (b"JP3633400001", b"JPY", terms(fee="0.6"), 1, 100)
    with reverts(agreements.LendingAgreementsInvalid):  # before version 1's effective date
        agreements.propose(
            AGREEMENT, *leis, 20260531, sealed(terms_commitment(amended), *leis), sender=lender
        )
    with reverts(agreements.LendingAgreementsInvalid):  # not a date
        agreements.propose(
            AGREEMENT, *leis, 20261301, sealed(terms_commitment(amended), *leis), sender=lender
        )
    tx = agreements.propose(
        AGREEMENT, *leis, 20260701, sealed(terms_commitment(amended), *leis), sender=lender
    )
    [proposed] = tx.events.filter(agreements.AgreementProposed)
    assert (proposed.version, proposed.effectiveFrom) == (2, 20260701)
    stored = agreements.getAgreement(AGREEMENT)
    assert (stored.version, stored.acknowledgedVersion, stored.status) == (2, 1, PROPOSED)
    assert bytes(stored.termsCommitment) == terms_commitment(amended), "the latest version's"
    assert tuple(agreements.getTermsVersion(AGREEMENT, 1)) == (
        terms_commitment(AGREEMENT_TERMS),
        JUNE,
        True,
    )
    assert tuple(agreements.getTermsVersion(AGREEMENT, 2)) == (
        terms_commitment(amended),
        20260701,
        False,
    )
    for unknown in (0, 3):
        with reverts(agreements.LendingAgreementsInvalid):
            agreements.getTermsVersion(AGREEMENT, unknown)
    with reverts(calculator.LendingCalculatorTermsNotAcknowledged, termsVersion=2):
        calculate(calculator, version=2, terms=amended)
    assert calculate(calculator).lendingFee == 1939, "version 1 stays usable"
    with reverts(agreements.LendingAgreementsStaleVersion):
        agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    tx = agreements.acknowledge(AGREEMENT, 2, sender=borrower)
    assert tx.events.filter(agreements.AgreementAcknowledged)[0].version == 2
    stored = agreements.getAgreement(AGREEMENT)
    assert (stored.version, stored.acknowledgedVersion, stored.status) == (2, 2, ACKNOWLEDGED)
    assert agreements.getTermsVersion(AGREEMENT, 2).acknowledged
    # A version is in effect from its date until the next acknowledged version's.
    with reverts(calculator.LendingCalculatorBeforeTerms, start=20260601, effectiveFrom=20260701):
        calculate(calculator, version=2, terms=amended)  # June: before 1 July
    with reverts(calculator.LendingCalculatorTermsSuperseded, later=2, effectiveFrom=20260701):
        calculate(calculator, end=20260701)  # version 1 into version 2's first day
    assert calculate(calculator).lendingFee == 1939, "version 1 over June"
    july = calculate(calculator, version=2, terms=amended, start=20260701, end=20260707, closes=[])
    assert (july.lendingFee, july.accrualDays) == (0, 0), "returned on 8 June"
    with reverts(agreements.LendingAgreementsWrongState):
        agreements.acknowledge(AGREEMENT, 2, sender=borrower)
    # The same effective date as the previous version is allowed (a correction).
    agreements.propose(
        AGREEMENT, *leis, 20260701, sealed(terms_commitment(amended), *leis), sender=lender
    )


def test_movements__versions_confirmed_by_the_borrower_only__latest_only(
    agreements: Any, parties: dict[str, Any]
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    agent = parties["agent"][0]
    leis = (lender_lei, borrower_lei)
    agreements.propose(AGREEMENT, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    with reverts(agreements.LendingAgreementsStaleVersion):
        agreements.confirmMovements(AGREEMENT, 0, sender=borrower)  # nothing recorded yet
    first, second = movements_commitment(MOVEMENTS), movements_commitment(MOVEMENTS[:1])
    tx = agreements.recordMovements(AGREEMENT, sealed(first, *leis), sender=lender)
    [recorded] = tx.events.filter(agreements.MovementsRecorded)
    assert (recorded.movementsVersion, bytes(recorded.by)) == (1, lender_lei)
    with reverts(agreements.LendingAgreementsNotParty):  # an agent not of this agreement
        agreements.recordMovements(AGREEMENT, sealed(second, *leis), sender=agent)
    with reverts(agreements.LendingAgreementsNotParty):  # the borrower records nothing
        agreements.recordMovements(AGREEMENT, sealed(second, *leis), sender=borrower)
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.recordMovements(AGREEMENT, sealed(second, lender_lei), sender=lender)
    with reverts(agreements.LendingAgreementsNotParty):
        agreements.confirmMovements(AGREEMENT, 1, sender=lender)
    tx = agreements.confirmMovements(AGREEMENT, 1, sender=borrower)
    [confirmed] = tx.events.filter(agreements.MovementsConfirmed)
    assert (bytes(confirmed.borrower), confirmed.movementsVersion) == (borrower_lei, 1)
    with reverts(agreements.LendingAgreementsInvalid):
        agreements.confirmMovements(AGREEMENT, 1, sender=borrower)  # already confirmed
    agreements.recordMovements(AGREEMENT, sealed(second, *leis), sender=lender)
    stored = agreements.getAgreement(AGREEMENT)
    assert (stored.movementsVersion, stored.confirmedMovementsVersion) == (2, 1)
    assert bytes(stored.movementsCommitment) == first, "the confirmed version's until confirmed"
    for stale in (1, 3):
        with reverts(agreements.LendingAgreementsStaleVersion):
            agreements.confirmMovements(AGREEMENT, stale, sender=borrower)
    agreements.confirmMovements(AGREEMENT, 2, sender=borrower)
    stored = agreements.getAgreement(AGREEMENT)
    assert (stored.confirmedMovementsVersion, bytes(stored.movementsCommitment)) == (2, second)


def test_agent__proposes_for_the_lender_and_must_be_a_recipient(
    agreements: Any, parties: dict[str, Any], fund_actors: dict[str, Any]
) -> None:
    (agent, agent_lei), (lender, lender_lei), (borrower, borrower_lei) = (
        parties["agent"],
        parties["lender"],
        parties["borrower"],
    )
    leis = (lender_lei, borrower_lei)
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.propose(AGREEMENT, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=agent)
    agreements.propose(AGREEMENT, *leis, JUNE, sealed(b"\x01" * 32, *leis, agent_lei), sender=agent)
    assert bytes(agreements.getAgreement(AGREEMENT).agent) == agent_lei
    agreements.consent(AGREEMENT, 1, sender=lender)
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    tx = agreements.recordMovements(AGREEMENT, sealed(b"\x02" * 32, *leis, agent_lei), sender=agent)
    assert bytes(tx.events.filter(agreements.MovementsRecorded)[0].by) == agent_lei
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.recordMovements(AGREEMENT, sealed(b"\x02" * 32, *leis), sender=lender)
    manager = fund_actors["fund_manager"][0]  # an asset manager is no lending agent
    with reverts(agreements.LendingAgreementsNotParty):
        agreements.propose(
            b"SBL-2".ljust(32, b"\0"), *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=manager
        )
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.propose(
            b"SBL-3".ljust(32, b"\0"),
            *leis,
            JUNE,
            sealed(b"\x01" * 32, lender_lei),
            sender=lender,
        )
    with reverts(agreements.LendingAgreementsUnknown):
        agreements.getAgreement(b"SBL-9".ljust(32, b"\0"))
    with reverts(agreements.LendingAgreementsUnknown):
        agreements.getTermsVersion(b"SBL-9".ljust(32, b"\0"), 1)
