"""LendingAgreements: the lender or its agent proposes sealed terms, versions with effective dates
that the borrower acknowledges; an agent's version binds the lender only with its consent or its
mandate; an agreement's id is the contract's hash of its proposer and reference hash; the
movements follow as versions that the borrower confirms; the LendingCalculator takes only inputs
that match the commitments; a party that cannot open a version refuses it, and the refused
version is neither consented to, acknowledged nor confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client.lending.agreements import TERMS_TYPE, agreement_id_of, reference_hash
from bpost_client.reference.calendars import sessions_from_exchange_calendars, year_map
from bpost_client.types import MandateScope
from tests.contracts.conftest import KEY
from tests.contracts.custody import admit
from tests.contracts.reverts import reverts
from tests.contracts.test_lending_calculator import CLOSES, terms
from tests.helpers import make_lei

MOVEMENTS_TYPE = "(uint8,uint32,int256,int256)[]"
NEW_LOAN, RETURN, RECALL, COLLATERAL_CHANGE = 0, 1, 2, 3
PROPOSED, ACKNOWLEDGED = 1, 2
M = 10**6
LENDER_LEI, BORROWER_LEI, AGENT_LEI = (make_lei(n).encode() for n in (301, 302, 303))
REFERENCE, REFERENCE_SALT = "SBL-1", b"\x33" * 32
REFERENCE_HASH = reference_hash(REFERENCE, REFERENCE_SALT)
SALT, MOVEMENTS_SALT = b"\x11" * 32, b"\x22" * 32
LENDING_AGENT = int(MandateScope.LENDING_AGENT)
ZERO = b"\0" * 32


def agreement_id(proposer: bytes, hashed: bytes = REFERENCE_HASH) -> bytes:
    """The id the contract gives the agreement ``proposer`` proposes with ``hashed``."""
    return bytes.fromhex(agreement_id_of(proposer.decode(), hashed)[2:])


AGREEMENT = agreement_id(LENDER_LEI)  # proposed by the lender
AGENT_AGREEMENT = agreement_id(AGENT_LEI)  # proposed by the agent
AGREEMENT_TERMS = (
    b"JP3633400001", b"JPY", terms(), REFERENCE.encode().ljust(32, b"\0"), REFERENCE_SALT
)  # fmt: skip
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
        ("other_agent", 19, 7, 304),
    ):
        lei = make_lei(number).encode()
        admit(registry, operator, lei, kind, name, KEY, accounts[index])
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


def agree(agreements: Any, parties: dict[str, Any], movements: list[Any] = MOVEMENTS) -> None:
    """Terms proposed by the lender (AGREEMENT) and acknowledged, movements recorded and
    confirmed."""
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    agreements.propose(
        REFERENCE_HASH,
        *leis,
        JUNE,
        sealed(terms_commitment(AGREEMENT_TERMS), *leis),
        sender=lender,
    )
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    agreements.recordMovements(
        AGREEMENT, sealed(movements_commitment(movements), *leis), sender=lender
    )
    agreements.confirmMovements(AGREEMENT, 1, sender=borrower)


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


def amended_terms(fee: str = "0.6") -> tuple[Any, ...]:
    return (b"JP3633400001", b"JPY", terms(fee=fee), *AGREEMENT_TERMS[3:])


def yyyymmdd_today(chain: Any, days: int = 0) -> int:
    day = datetime.fromtimestamp(chain.blocks.head.timestamp, UTC).date() + timedelta(days=days)
    return day.year * 10000 + day.month * 100 + day.day


def test_propose_acknowledge_record_confirm__then_calculate_committed(
    agreements: Any, calculator: Any, toyota: None, parties: dict[str, Any]
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    tx = agreements.propose(
        REFERENCE_HASH, *leis, JUNE, sealed(terms_commitment(AGREEMENT_TERMS), *leis),
        sender=lender,
    )  # fmt: skip
    [proposed] = tx.events.filter(agreements.AgreementProposed)
    assert (bytes(proposed.agreementId), proposed.version, proposed.effectiveFrom) == (
        AGREEMENT,
        1,
        JUNE,
    ), "the id is the contract's hash of the proposer and the reference hash"
    assert bytes(agreements.agreementIdOf(lender_lei, REFERENCE_HASH)) == AGREEMENT
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
        calculate(calculator, terms=amended_terms())
    with reverts(calculator.LendingCalculatorTermsNotCommitted):  # another reference sealed
        calculate(calculator, terms=(*AGREEMENT_TERMS[:3], b"SBL-2".ljust(32, b"\0"), SALT))
    with reverts(calculator.LendingCalculatorMovementsNotCommitted, movementsVersion=1):
        calculate(calculator, movements=MOVEMENTS[:1])
    with reverts(calculator.LendingCalculatorMovementsNotCommitted):
        calculate(calculator, movements_salt=SALT)
    with reverts(agreements.LendingAgreementsUnknownVersion, version=2, latest=1):
        calculate(calculator, version=2)  # no such version of the terms


def test_agreement_id__an_unrelated_institution_cannot_take_or_guess_the_lenders(
    agreements: Any, parties: dict[str, Any], fund_actors: dict[str, Any]
) -> None:
    """Before, ids were references such as "SBL-1": an unrelated institution proposed one
    first and the real lender's proposal reverted. Now the contract makes the id from the
    proposer's LEI, so the same reference hash proposed by another gives another id, and the
    salted reference hash tells nothing of the reference."""
    (lender, lender_lei), borrower_lei = parties["lender"], parties["borrower"][1]
    agent, (other, other_lei) = parties["agent"][0], parties["other_agent"]
    leis = (lender_lei, borrower_lei)
    # The other agent proposes first with the lender's very reference hash (were it to know it):
    tx = agreements.propose(
        REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis, other_lei), sender=other
    )
    taken = bytes(tx.events.filter(agreements.AgreementProposed)[0].agreementId)
    assert taken == agreement_id(other_lei) != AGREEMENT
    # ... the lender's proposal is not blocked: it gets its own id.
    tx = agreements.propose(REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)
    assert bytes(tx.events.filter(agreements.AgreementProposed)[0].agreementId) == AGREEMENT
    assert bytes(agreements.getAgreement(AGREEMENT).agent) == b"\0" * 20
    assert bytes(agreements.getAgreement(taken).agent) == other_lei
    # The same reference, another salt: another id, even for the same proposer.
    salted = reference_hash(REFERENCE, b"\x44" * 32)
    assert salted != REFERENCE_HASH
    tx = agreements.propose(salted, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)
    assert bytes(tx.events.filter(agreements.AgreementProposed)[0].agreementId) == agreement_id(
        lender_lei, salted
    )
    # The same reference hash again by the same proposer: refused, the agreement named.
    with reverts(
        agreements.LendingAgreementsAlreadyProposed,
        agreementId=AGREEMENT,
        proposer=lender_lei,
        referenceHash=REFERENCE_HASH,
    ):
        agreements.propose(REFERENCE_HASH, *leis, JUNE, sealed(b"\x02" * 32, *leis), sender=lender)
    # Nobody amends, acknowledges or consents in another's agreement.
    manager = fund_actors["fund_manager"][0]
    for rival in (other, manager, agent):
        with reverts(agreements.LendingAgreementsNotParty, agreementId=AGREEMENT):
            agreements.amend(AGREEMENT, JUNE, sealed(b"\x03" * 32, *leis), sender=rival)
    with reverts(agreements.LendingAgreementsEmptyReference, proposer=lender_lei):
        agreements.propose(ZERO, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)


def test_agent_proposal__binds_the_lender_only_once_it_consents(
    agreements: Any, parties: dict[str, Any]
) -> None:
    """Before, an agent proposed for any lender and the borrower acknowledged: an agreement of a
    lender that never sent a transaction."""
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    agent, agent_lei = parties["agent"]
    leis = (lender_lei, borrower_lei, agent_lei)
    agreements.propose(REFERENCE_HASH, lender_lei, borrower_lei, JUNE, sealed(b"\x01" * 32, *leis),
                       sender=agent)  # fmt: skip
    assert not agreements.isConsented(AGENT_AGREEMENT, 1)
    with reverts(
        agreements.LendingAgreementsConsentMissing,
        agreementId=AGENT_AGREEMENT,
        version=1,
        lender=lender_lei,
    ):
        agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)
    with reverts(agreements.LendingAgreementsNotConsentable, lei=borrower_lei):
        agreements.consent(AGENT_AGREEMENT, 1, sender=borrower)
    tx = agreements.consent(AGENT_AGREEMENT, 1, sender=lender)
    [consented] = tx.events.filter(agreements.AgreementConsented)
    assert (bytes(consented.lender), consented.version) == (lender_lei, 1)
    with reverts(agreements.LendingAgreementsNotConsentable):
        agreements.consent(AGENT_AGREEMENT, 1, sender=lender)  # once
    agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)
    assert agreements.getAgreement(AGENT_AGREEMENT).acknowledgedVersion == 1


def test_agent_proposal__under_the_lenders_mandate__binds_without_consent(
    agreements: Any, mandates: Any, parties: dict[str, Any], chain: Any
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    agent, agent_lei = parties["agent"]
    leis = (lender_lei, borrower_lei, agent_lei)
    today = yyyymmdd_today(chain)
    mandates.grant(
        agent_lei, LENDING_AGENT, borrower_lei.ljust(32, b"\0"), today, 0, sender=lender
    )  # for this borrower
    agreements.propose(REFERENCE_HASH, lender_lei, borrower_lei, JUNE, sealed(b"\x01" * 32, *leis),
                       sender=agent)  # fmt: skip
    assert not agreements.isConsented(AGENT_AGREEMENT, 1), "a mandate is no consent"
    agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)
    agreements.recordMovements(AGENT_AGREEMENT, sealed(b"\x02" * 32, *leis), sender=agent)
    agreements.amend(AGENT_AGREEMENT, 20260701, sealed(b"\x03" * 32, *leis), sender=agent)
    agreements.acknowledge(AGENT_AGREEMENT, 2, sender=borrower)
    assert agreements.getAgreement(AGENT_AGREEMENT).acknowledgedVersion == 2


def test_agent_without_mandate_or_consent__borrower_cannot_acknowledge_nor_agent_record(
    agreements: Any, mandates: Any, registry: Any, operator: Any, parties: dict[str, Any],
    chain: Any,
) -> None:  # fmt: skip
    """An agent with no mandate, a revoked one, an expired one, one for another borrower, one of
    another scope's, or one whose lender or agent is suspended binds no lender."""
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    (agent, agent_lei), other_lei = parties["agent"], parties["other_agent"][1]
    leis = (lender_lei, borrower_lei, agent_lei)
    today = yyyymmdd_today(chain)
    agreements.propose(REFERENCE_HASH, lender_lei, borrower_lei, JUNE, sealed(b"\x01" * 32, *leis),
                       sender=agent)  # fmt: skip
    refused = {
        "agreementId": AGENT_AGREEMENT,
        "version": 1,
        "lender": lender_lei,
    }

    def not_binding(why: str) -> None:
        with reverts(agreements.LendingAgreementsConsentMissing, **refused):
            agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)

    not_binding("no mandate, no consent")
    mandates.grant(agent_lei, LENDING_AGENT, other_lei.ljust(32, b"\0"), today, 0, sender=lender)
    not_binding("a mandate for another borrower")
    whole = mandates.mandateIdOf(lender_lei, agent_lei, LENDING_AGENT, ZERO)
    mandates.grant(agent_lei, LENDING_AGENT, ZERO, today, 0, sender=lender)
    mandates.revoke(whole, sender=lender)
    not_binding("a revoked mandate")
    mandates.grant(agent_lei, LENDING_AGENT, ZERO, today, today, sender=lender)
    chain.mine(timestamp=chain.blocks.head.timestamp + 86_400)
    not_binding("an expired mandate (valid until yesterday)")
    mandates.grant(agent_lei, LENDING_AGENT, ZERO, yyyymmdd_today(chain), 0, sender=lender)
    for suspended in (lender_lei, agent_lei):
        registry.suspendInstitution(suspended, "review", sender=operator)
        not_binding("a suspended lender or agent")
        registry.reinstateInstitution(suspended, sender=operator)
    agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)  # a mandate in force binds
    agreements.recordMovements(AGENT_AGREEMENT, sealed(b"\x02" * 32, *leis), sender=agent)
    mandates.revoke(whole, sender=lender)  # the lender stops its agent
    with reverts(
        agreements.LendingAgreementsAgentNotMandated,
        agreementId=AGENT_AGREEMENT,
        lender=lender_lei,
        agent=agent_lei,
    ):
        agreements.recordMovements(AGENT_AGREEMENT, sealed(b"\x03" * 32, *leis), sender=agent)
    agreements.recordMovements(AGENT_AGREEMENT, sealed(b"\x03" * 32, *leis), sender=lender)
    agreements.amend(AGENT_AGREEMENT, JUNE, sealed(b"\x04" * 32, *leis), sender=agent)
    with reverts(agreements.LendingAgreementsConsentMissing, agreementId=AGENT_AGREEMENT):
        agreements.acknowledge(AGENT_AGREEMENT, 2, sender=borrower)


def test_mandate__of_another_scope__binds_no_lender(
    agreements: Any, mandates: Any, parties: dict[str, Any], fund_actors: dict[str, Any],
    funds: Any, chain: Any,
) -> None:  # fmt: skip
    """A delegate's mandate (DistributionDelegate) from an asset manager is no lending agent's:
    the agent proposing for that manager as a lender binds it to nothing."""
    (manager, manager_lei), borrower = fund_actors["fund_manager"], parties["borrower"]
    agent, agent_lei = parties["agent"]
    leis = (manager_lei, borrower[1], agent_lei)
    mandates.grant(agent_lei, 2, ZERO, yyyymmdd_today(chain), 0, sender=manager)
    agreements.propose(REFERENCE_HASH, manager_lei, borrower[1], JUNE, sealed(b"\x01" * 32, *leis),
                       sender=agent)  # fmt: skip
    with reverts(agreements.LendingAgreementsConsentMissing, lender=manager_lei):
        agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower[0])


def test_agent_proposal__itself_the_borrower_or_an_unknown_lender__refused(
    agreements: Any, parties: dict[str, Any]
) -> None:
    (_, lender_lei), (_, borrower_lei) = parties["lender"], parties["borrower"]
    agent, agent_lei = parties["agent"]
    terms = sealed(b"\x01" * 32, lender_lei, borrower_lei, agent_lei)
    with reverts(
        agreements.LendingAgreementsAgentIsBorrower, agreementId=AGENT_AGREEMENT, agent=agent_lei
    ):
        agreements.propose(REFERENCE_HASH, lender_lei, agent_lei, JUNE, terms, sender=agent)
    unknown = make_lei(399).encode()
    with reverts(agreements.LendingAgreementsUnknownLender, lender=unknown):
        agreements.propose(REFERENCE_HASH, unknown, borrower_lei, JUNE, terms, sender=agent)
    with reverts(agreements.LendingAgreementsUnknownBorrower, borrower=unknown):
        agreements.propose(REFERENCE_HASH, lender_lei, unknown, JUNE, terms, sender=agent)
    with reverts(agreements.LendingAgreementsLenderIsBorrower, lei=lender_lei):
        agreements.propose(REFERENCE_HASH, lender_lei, lender_lei, JUNE, terms, sender=agent)


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
    amended = amended_terms()
    with reverts(
        agreements.LendingAgreementsEffectiveBeforePrevious,
        agreementId=AGREEMENT,
        effectiveFrom=20260531,
        previous=JUNE,
    ):
        agreements.amend(
            AGREEMENT, 20260531, sealed(terms_commitment(amended), *leis), sender=lender
        )
    with reverts(
        agreements.LendingAgreementsInvalidDate, agreementId=AGREEMENT, effectiveFrom=20261301
    ):
        agreements.amend(
            AGREEMENT, 20261301, sealed(terms_commitment(amended), *leis), sender=lender
        )
    with reverts(agreements.LendingAgreementsUnknown, agreementId=b"\x77" * 32):
        agreements.amend(
            b"\x77" * 32, 20260701, sealed(terms_commitment(amended), *leis), sender=lender
        )
    tx = agreements.amend(
        AGREEMENT, 20260701, sealed(terms_commitment(amended), *leis), sender=lender
    )
    [proposed] = tx.events.filter(agreements.AgreementProposed)
    assert (bytes(proposed.agreementId), proposed.version, proposed.effectiveFrom) == (
        AGREEMENT,
        2,
        20260701,
    ), "an amendment addresses the agreement's id"
    stored = agreements.getAgreement(AGREEMENT)
    assert (stored.version, stored.acknowledgedVersion, stored.status) == (2, 1, PROPOSED)
    assert bytes(stored.termsCommitment) == terms_commitment(amended), "the latest version's"
    assert tuple(agreements.getTermsVersion(AGREEMENT, 1)) == (
        terms_commitment(AGREEMENT_TERMS),
        JUNE,
        True,
        lender_lei,
        False,
    )
    assert tuple(agreements.getTermsVersion(AGREEMENT, 2)) == (
        terms_commitment(amended),
        20260701,
        False,
        lender_lei,
        False,
    )
    for unknown in (0, 3):
        with reverts(agreements.LendingAgreementsUnknownVersion, version=unknown, latest=2):
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
    agreements.amend(AGREEMENT, 20260701, sealed(terms_commitment(amended), *leis), sender=lender)


def test_movements__versions_confirmed_by_the_borrower_only__latest_only(
    agreements: Any, parties: dict[str, Any]
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    agent = parties["agent"][0]
    leis = (lender_lei, borrower_lei)
    agreements.propose(REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)
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
    with reverts(agreements.LendingAgreementsEmptyCommitment, agreementId=AGREEMENT):
        agreements.recordMovements(AGREEMENT, sealed(ZERO, *leis), sender=lender)
    crowded = (second, b"x", [(lender_lei, b"k")] * 5 + [(borrower_lei, b"k")] * 4)
    with reverts(agreements.LendingAgreementsTooManyRecipients, count=9, maxCount=8):
        agreements.recordMovements(AGREEMENT, crowded, sender=lender)
    with reverts(agreements.LendingAgreementsNotParty):
        agreements.confirmMovements(AGREEMENT, 1, sender=lender)
    tx = agreements.confirmMovements(AGREEMENT, 1, sender=borrower)
    [confirmed] = tx.events.filter(agreements.MovementsConfirmed)
    assert (bytes(confirmed.borrower), confirmed.movementsVersion) == (borrower_lei, 1)
    with reverts(agreements.LendingAgreementsAlreadyConfirmed, agreementId=AGREEMENT, version=1):
        agreements.confirmMovements(AGREEMENT, 1, sender=borrower)
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
    with reverts(agreements.LendingAgreementsRecipientMissing, lei=agent_lei):
        agreements.propose(REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=agent)
    agreements.propose(
        REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis, agent_lei), sender=agent
    )
    assert bytes(agreements.getAgreement(AGENT_AGREEMENT).agent) == agent_lei
    agreements.consent(AGENT_AGREEMENT, 1, sender=lender)
    agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)
    tx = agreements.recordMovements(
        AGENT_AGREEMENT, sealed(b"\x02" * 32, *leis, agent_lei), sender=agent
    )
    assert bytes(tx.events.filter(agreements.MovementsRecorded)[0].by) == agent_lei
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.recordMovements(AGENT_AGREEMENT, sealed(b"\x02" * 32, *leis), sender=lender)
    manager, manager_lei = fund_actors["fund_manager"]  # an asset manager is no lending agent
    with reverts(agreements.LendingAgreementsNotLendingAgent, lei=manager_lei, kind=2):
        agreements.propose(
            reference_hash("SBL-2", SALT), *leis, JUNE, sealed(b"\x01" * 32, *leis),
            sender=manager,
        )  # fmt: skip
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.propose(
            reference_hash("SBL-3", SALT), *leis, JUNE, sealed(b"\x01" * 32, lender_lei),
            sender=lender,
        )  # fmt: skip
    with reverts(agreements.LendingAgreementsUnknown):
        agreements.getAgreement(b"\x77" * 32)
    with reverts(agreements.LendingAgreementsUnknown):
        agreements.getTermsVersion(b"\x77" * 32, 1)


# Refusal -------------------------------------------------------------------------------------

TERMS_PAYLOAD, MOVEMENTS_PAYLOAD = 0, 1  # ILendingAgreements.Payload
UNOPENABLE, NOT_COMMITTED = 0, 1  # ILendingAgreements.Refusal


def agent_proposal(agreements: Any, parties: dict[str, Any]) -> tuple[bytes, ...]:
    """The agent proposes AGENT_AGREEMENT, sealed to the three parties; their LEIs."""
    leis = tuple(parties[name][1] for name in ("lender", "borrower", "agent"))
    agreements.propose(
        REFERENCE_HASH, *leis[:2], JUNE, sealed(b"\x01" * 32, *leis), sender=parties["agent"][0]
    )
    return leis


def test_refuse_terms__a_party_that_cannot_open_them__no_consent_nor_acknowledgement_until_amended(
    agreements: Any, parties: dict[str, Any]
) -> None:
    """The lender's client cannot open the terms its agent sealed: it refuses them on chain; the
    lender cannot consent to them nor the borrower acknowledge them; the agent's next version
    is consented to and acknowledged."""
    lender, borrower, agent = (parties[name][0] for name in ("lender", "borrower", "agent"))
    leis = agent_proposal(agreements, parties)
    tx = agreements.refusePayload(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=lender)
    [event] = tx.events.filter(agreements.PayloadRefused)
    assert (bytes(event.by), event.payload, event.version, event.reason) == (
        leis[0],
        TERMS_PAYLOAD,
        1,
        UNOPENABLE,
    )
    stored = agreements.getTermsVersion(AGENT_AGREEMENT, 1)
    assert (bytes(stored.proposedBy), stored.refused) == (leis[2], True)
    with reverts(agreements.LendingAgreementsTermsRefused, agreementId=AGENT_AGREEMENT, version=1):
        agreements.consent(AGENT_AGREEMENT, 1, sender=lender)
    with reverts(agreements.LendingAgreementsTermsRefused, agreementId=AGENT_AGREEMENT, version=1):
        agreements.acknowledge(AGENT_AGREEMENT, 1, sender=borrower)
    agreements.amend(AGENT_AGREEMENT, JUNE, sealed(b"\x02" * 32, *leis), sender=agent)
    agreements.consent(AGENT_AGREEMENT, 2, sender=lender)
    agreements.acknowledge(AGENT_AGREEMENT, 2, sender=borrower)
    assert agreements.getAgreement(AGENT_AGREEMENT).acknowledgedVersion == 2


def test_refuse_terms__own_outsider_suspended_stale_twice__each_its_error(
    agreements: Any, parties: dict[str, Any], registry: Any, operator: Any, accounts: Any
) -> None:
    """The proposer refuses its own version, an institution of no party or an address of no
    institution refuses it, a suspended party does; a version not proposed or not current; a
    version refused already; an acknowledged one."""
    outsider = accounts[9]  # no institution
    lender, (borrower, borrower_lei) = parties["lender"][0], parties["borrower"]
    agent, agent_lei = parties["agent"]
    agent_proposal(agreements, parties)
    refuse = agreements.refusePayload
    with reverts(
        agreements.LendingAgreementsOwnPayload, lei=agent_lei, payload=TERMS_PAYLOAD, version=1
    ):
        refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=agent)
    other, other_lei = parties["other_agent"]
    with reverts(agreements.LendingAgreementsNotParty, lei=other_lei):
        refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=other)
    with reverts(agreements.LendingAgreementsNotInstitution, account=outsider.address):
        refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=outsider)
    registry.suspendInstitution(borrower_lei, "review", sender=operator)
    with reverts(agreements.LendingAgreementsNotInstitution, account=borrower.address):
        refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    registry.reinstateInstitution(borrower_lei, sender=operator)
    for stale in (0, 2):
        with reverts(agreements.LendingAgreementsStaleVersion, version=stale, current=1):
            refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, stale, UNOPENABLE, sender=borrower)
    with reverts(agreements.LendingAgreementsUnknown):
        refuse(b"\x77" * 32, TERMS_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, NOT_COMMITTED, sender=borrower)
    with reverts(agreements.LendingAgreementsTermsRefused, version=1):
        refuse(AGENT_AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=lender)
    agree(agreements, parties)  # AGREEMENT: the lender's, acknowledged
    with reverts(agreements.LendingAgreementsWrongState, status=ACKNOWLEDGED):
        refuse(AGREEMENT, TERMS_PAYLOAD, 1, UNOPENABLE, sender=borrower)


def record(agreements: Any, parties: dict[str, Any], commitment: bytes) -> None:
    """The lender records a movements version of AGREEMENT."""
    leis = (parties["lender"][1], parties["borrower"][1])
    agreements.recordMovements(AGREEMENT, sealed(commitment, *leis), sender=parties["lender"][0])


def test_refuse_movements__the_borrower_cannot_open_them__not_confirmed_until_recorded_anew(
    agreements: Any, parties: dict[str, Any]
) -> None:
    """The borrower's client cannot open the movements the lender recorded: it refuses them on
    chain and cannot confirm them; the lender's next version is confirmed."""
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    agreements.propose(REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    record(agreements, parties, movements_commitment(MOVEMENTS))
    tx = agreements.refusePayload(AGREEMENT, MOVEMENTS_PAYLOAD, 1, NOT_COMMITTED, sender=borrower)
    [event] = tx.events.filter(agreements.PayloadRefused)
    assert (bytes(event.by), event.payload, event.version, event.reason) == (
        borrower_lei,
        MOVEMENTS_PAYLOAD,
        1,
        NOT_COMMITTED,
    )
    with reverts(agreements.LendingAgreementsMovementsRefused, agreementId=AGREEMENT, version=1):
        agreements.confirmMovements(AGREEMENT, 1, sender=borrower)
    record(agreements, parties, movements_commitment(MOVEMENTS))
    agreements.confirmMovements(AGREEMENT, 2, sender=borrower)
    assert agreements.getAgreement(AGREEMENT).confirmedMovementsVersion == 2


def test_refuse_movements__own_outsider_suspended_stale_twice_confirmed__each_its_error(
    agreements: Any, parties: dict[str, Any], registry: Any, operator: Any, accounts: Any
) -> None:
    """The recorder refuses its own version, an institution of no party or an address of no
    institution refuses it, a suspended party does; a version not recorded or not the latest;
    one refused already; a confirmed one."""
    outsider = accounts[9]  # no institution
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    leis = (lender_lei, borrower_lei)
    agreements.propose(REFERENCE_HASH, *leis, JUNE, sealed(b"\x01" * 32, *leis), sender=lender)
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    refuse = agreements.refusePayload
    with reverts(agreements.LendingAgreementsStaleVersion, version=1, current=0):  # none yet
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    record(agreements, parties, movements_commitment(MOVEMENTS))
    with reverts(
        agreements.LendingAgreementsOwnPayload,
        lei=lender_lei,
        payload=MOVEMENTS_PAYLOAD,
        version=1,
    ):
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=lender)
    other, other_lei = parties["other_agent"]
    with reverts(agreements.LendingAgreementsNotParty, lei=other_lei):
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=other)
    with reverts(agreements.LendingAgreementsNotInstitution, account=outsider.address):
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=outsider)
    registry.suspendInstitution(borrower_lei, "review", sender=operator)
    with reverts(agreements.LendingAgreementsNotInstitution, account=borrower.address):
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    registry.reinstateInstitution(borrower_lei, sender=operator)
    for stale in (0, 2):
        with reverts(agreements.LendingAgreementsStaleVersion, version=stale, current=1):
            refuse(AGREEMENT, MOVEMENTS_PAYLOAD, stale, UNOPENABLE, sender=borrower)
    refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    with reverts(agreements.LendingAgreementsMovementsRefused, version=1):
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 1, UNOPENABLE, sender=borrower)
    record(agreements, parties, movements_commitment(MOVEMENTS))
    agreements.confirmMovements(AGREEMENT, 2, sender=borrower)
    with reverts(agreements.LendingAgreementsAlreadyConfirmed, version=2):
        refuse(AGREEMENT, MOVEMENTS_PAYLOAD, 2, UNOPENABLE, sender=borrower)
