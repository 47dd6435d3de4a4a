"""LendingAgreements: the lender or its agent proposes sealed terms, the borrower acknowledges,
positions follow as versions; the LendingCalculator takes only inputs that match the
commitments."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from tests.contracts.conftest import KEY
from tests.contracts.reverts import reverts
from tests.contracts.test_lending_calculator import CLOSES, POSITIONS, terms
from tests.helpers import make_lei

TERMS_TYPE = (
    "(bytes12,bytes3,(int256,int256,int256,uint8,uint8,uint8,uint8,uint8,bool,int256),uint8,uint64)"
)
POSITIONS_TYPE = "(uint32,uint256,uint256)[]"
AGREEMENT = b"SBL-1".ljust(32, b"\0")
SALT, POSITIONS_SALT = b"\x11" * 32, b"\x22" * 32
AGREEMENT_TERMS = (b"JP3633400001", b"JPY", terms(), 1, 100)


def sealed(commitment: bytes, *leis: bytes) -> tuple[Any, ...]:
    return (commitment, b"ciphertext", [(lei, b"wrapped") for lei in leis])


@pytest.fixture
def parties(registry: Any, operator: Any, accounts: Any) -> dict[str, Any]:
    """A trust bank lending, a securities company borrowing and a lending agent."""
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


def share_closes(securities: Any, prices: Any, provider: Any) -> None:
    """Toyota in the security master (index 1) and its closes in the PriceFeed."""
    securities.registerSecurities(
        [(b"JP3633400001", b"7203".ljust(8, b"\0"), b"XTKS", b"JPY", "Toyota")], sender=provider
    )
    for day, close in CLOSES:
        prices.publishCloses(day, 0, [close], sender=provider)


def test_propose_acknowledge_positions__then_calculate_committed(
    agreements: Any,
    calculator: Any,
    securities: Any,
    prices: Any,
    parties: dict[str, Any],
    accounts: Any,
) -> None:
    share_closes(securities, prices, accounts[16])
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    commitment = keccak(SALT + encode([TERMS_TYPE], [AGREEMENT_TERMS]))
    tx = agreements.propose(
        AGREEMENT,
        lender_lei,
        borrower_lei,
        sealed(commitment, lender_lei, borrower_lei),
        sender=lender,
    )
    assert tx.events.filter(agreements.AgreementProposed)[0].version == 1
    with reverts(agreements.LendingAgreementsWrongState):
        agreements.recordPositions(
            AGREEMENT, sealed(b"\x01" * 32, lender_lei, borrower_lei), sender=lender
        )
    with reverts(agreements.LendingAgreementsNotParty):
        agreements.acknowledge(AGREEMENT, 1, sender=lender)
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    positions_commitment = keccak(POSITIONS_SALT + encode([POSITIONS_TYPE], [POSITIONS]))
    agreements.recordPositions(
        AGREEMENT, sealed(positions_commitment, lender_lei, borrower_lei), sender=lender
    )
    result = calculator.calculateCommitted(
        AGREEMENT, AGREEMENT_TERMS, SALT, POSITIONS, POSITIONS_SALT, CLOSES, [], 20260601, 20260607
    )
    assert result.lendingFee == 1939  # DOMAIN.md's example, from committed inputs
    skipped = CLOSES[:3] + CLOSES[4:]  # a close left out: an older one would mark the day
    altered = [*CLOSES[:-1], (CLOSES[-1][0], CLOSES[-1][1] + 1)]
    for closes in (skipped, altered):
        with reverts(calculator.LendingCalculatorNotShared):
            calculator.calculateCommitted(
                AGREEMENT,
                AGREEMENT_TERMS,
                SALT,
                POSITIONS,
                POSITIONS_SALT,
                closes,
                [],
                20260601,
                20260607,
            )
    other = (b"JP3633400001", b"JPY", terms(fee="0.6"), 1, 100)
    with reverts(calculator.LendingCalculatorNotCommitted):
        calculator.calculateCommitted(
            AGREEMENT, other, SALT, POSITIONS, POSITIONS_SALT, CLOSES, [], 20260601, 20260607
        )
    with reverts(calculator.LendingCalculatorNotCommitted):
        calculator.calculateCommitted(
            AGREEMENT,
            AGREEMENT_TERMS,
            SALT,
            POSITIONS[:1],
            POSITIONS_SALT,
            CLOSES,
            [],
            20260601,
            20260607,
        )


def test_amendment__new_version__acknowledged_anew(
    agreements: Any, parties: dict[str, Any]
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = parties["lender"], parties["borrower"]
    agreements.propose(
        AGREEMENT,
        lender_lei,
        borrower_lei,
        sealed(b"\x01" * 32, lender_lei, borrower_lei),
        sender=lender,
    )
    agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    agreements.propose(
        AGREEMENT,
        lender_lei,
        borrower_lei,
        sealed(b"\x02" * 32, lender_lei, borrower_lei),
        sender=lender,
    )
    with reverts(agreements.LendingAgreementsStaleVersion):
        agreements.acknowledge(AGREEMENT, 1, sender=borrower)
    agreements.acknowledge(AGREEMENT, 2, sender=borrower)
    stored = agreements.getAgreement(AGREEMENT)
    assert (stored.version, stored.status, bytes(stored.termsCommitment)) == (2, 2, b"\x02" * 32)


def test_agent__proposes_for_the_lender_and_must_be_a_recipient(
    agreements: Any, parties: dict[str, Any], funds: Any, fund_actors: dict[str, Any]
) -> None:
    (agent, agent_lei), (_, lender_lei), (_, borrower_lei) = (
        parties["agent"],
        parties["lender"],
        parties["borrower"],
    )
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.propose(
            AGREEMENT,
            lender_lei,
            borrower_lei,
            sealed(b"\x01" * 32, lender_lei, borrower_lei),
            sender=agent,
        )
    agreements.propose(
        AGREEMENT,
        lender_lei,
        borrower_lei,
        sealed(b"\x01" * 32, lender_lei, borrower_lei, agent_lei),
        sender=agent,
    )
    assert bytes(agreements.getAgreement(AGREEMENT).agent) == agent_lei
    manager = fund_actors["fund_manager"][0]  # an asset manager is no lending agent
    with reverts(agreements.LendingAgreementsNotParty):
        agreements.propose(
            b"SBL-2".ljust(32, b"\0"),
            lender_lei,
            borrower_lei,
            sealed(b"\x01" * 32, lender_lei, borrower_lei),
            sender=manager,
        )
    with reverts(agreements.LendingAgreementsRecipientMissing):
        agreements.propose(
            b"SBL-3".ljust(32, b"\0"),
            lender_lei,
            borrower_lei,
            sealed(b"\x01" * 32, lender_lei),
            sender=parties["lender"][0],
        )
    with reverts(agreements.LendingAgreementsUnknown):
        agreements.getAgreement(b"SBL-9".ljust(32, b"\0"))
