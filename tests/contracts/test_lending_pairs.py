"""LendingPairs: a counterparty pair's settings proposed by one party and accepted by the other,
the tolerance and pair secret sealed to the pair's parties; the defaults until then; a proposal
whose secrets a party cannot open refused, and not accepted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.conftest import KEY
from tests.contracts.custody import admit
from tests.contracts.reverts import reverts
from tests.helpers import make_lei

AGREEMENT_UNIT, SECURITY_UNIT, COUNTERPARTY_UNIT = 0, 1, 2
LENDING_AGENT_SCOPE = 1  # IMandates.Scope
NO_AGENT = b"\0" * 20


def sealed(*leis: bytes, commitment: bytes = b"\x01" * 32) -> tuple[Any, ...]:
    return (commitment, b"ciphertext", [(lei, b"wrapped") for lei in leis])


@pytest.fixture(scope="module")
def pair_world(registry: Any, mandates: Any, operator: Any, accounts: Any, chain: Any) -> Any:
    """A lender, a borrower, a lending agent under the lender's mandate, another securities
    company and an outsider (accounts of the module, LEIs 411..)."""
    found = {}
    for name, index, kind, number in (
        ("lender", 17, 3, 411),
        ("borrower", 18, 4, 412),
        ("agent", 16, 7, 413),
        ("rival", 5, 4, 415),
    ):
        lei = make_lei(number).encode()
        admit(registry, operator, lei, kind, name, KEY, accounts[index])
        found[name] = (accounts[index], lei)
    mandates.grant(
        found["agent"][1], LENDING_AGENT_SCOPE, b"\0" * 32, 20200101, 0, sender=found["lender"][0]
    )
    found["outsider"] = (accounts[9], b"")
    return found


def test_pair_settings__defaults__until_the_other_party_accepts(
    pairs: Any, pair_world: Any
) -> None:
    (lender, lender_lei), (borrower, borrower_lei) = pair_world["lender"], pair_world["borrower"]
    agent_lei = pair_world["agent"][1]
    pair = (lender_lei, borrower_lei)
    defaults = (AGREEMENT_UNIT, NO_AGENT, b"XTKS", 14, 1, b"\0" * 32, 0, NO_AGENT, False)
    assert tuple(pairs.pairSettings(*pair)) == defaults
    secrets = sealed(*pair, agent_lei, commitment=b"\x07" * 32)
    tx = pairs.proposePairSettings(
        *pair, SECURITY_UNIT, agent_lei, b"XTKS", 10, 3, secrets, sender=lender
    )
    [proposed] = tx.events.filter(pairs.PairSettingsProposed)
    assert (proposed.settings[6], bytes(proposed.settings[7])) == (1, lender_lei)  # version, by
    assert bytes(proposed.secrets[0]) == b"\x07" * 32, "the sealed secrets"
    assert tuple(pairs.pairSettings(*pair)) == defaults, "pending settings do not apply"
    with reverts(pairs.LendingPairsNotAcceptor, lei=lender_lei, proposedBy=lender_lei):
        pairs.acceptPairSettings(*pair, 1, sender=lender)  # its own proposal
    with reverts(pairs.LendingPairsNotAcceptor, lei=pair_world["rival"][1]):
        pairs.acceptPairSettings(*pair, 1, sender=pair_world["rival"][0])  # not of the pair
    with reverts(pairs.LendingPairsNotInstitution):
        pairs.acceptPairSettings(*pair, 1, sender=pair_world["outsider"][0])
    with reverts(pairs.LendingPairsSettingsNotPending, version=2, pending=1):
        pairs.acceptPairSettings(*pair, 2, sender=borrower)
    tx = pairs.acceptPairSettings(*pair, 1, sender=borrower)
    [accepted] = tx.events.filter(pairs.PairSettingsAccepted)
    assert (accepted.version, bytes(accepted.by)) == (1, borrower_lei)
    settings = (SECURITY_UNIT, agent_lei, b"XTKS", 10, 3, b"\x07" * 32, 1, lender_lei, True)
    assert tuple(pairs.pairSettings(*pair)) == settings
    with reverts(pairs.LendingPairsSettingsNotPending, version=1, pending=0):
        pairs.acceptPairSettings(*pair, 1, sender=borrower)  # accepted already
    pairs.proposePairSettings(
        *pair, COUNTERPARTY_UNIT, NO_AGENT, b"XTKS", 5, 1, sealed(*pair), sender=borrower
    )
    pairs.proposePairSettings(
        *pair, COUNTERPARTY_UNIT, NO_AGENT, b"XTKS", 7, 2, sealed(*pair), sender=borrower
    )
    assert tuple(pairs.pairSettings(*pair)) == settings, "version 1 until one is accepted"
    with reverts(pairs.LendingPairsSettingsNotPending, version=2, pending=3):
        pairs.acceptPairSettings(*pair, 2, sender=lender)  # superseded by version 3
    pairs.acceptPairSettings(*pair, 3, sender=lender)
    assert tuple(pairs.pairSettings(*pair)) == (
        COUNTERPARTY_UNIT, NO_AGENT, b"XTKS", 7, 2, b"\x01" * 32, 3, borrower_lei, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("error", "changes", "carried"),
    [
        ("LendingPairsInvalidOverdueDays", lambda w: {"days": 0}, {"max": 60}),
        ("LendingPairsInvalidOverdueDays", lambda w: {"days": 61}, {"max": 60}),
        ("LendingPairsInvalidBillingMonths", lambda w: {"months": 0}, {"max": 12}),
        ("LendingPairsInvalidBillingMonths", lambda w: {"months": 13}, {"max": 12}),
        ("LendingPairsNoMarket", lambda w: {"market": b"\0" * 4}, {}),
        # a securities company is no lending agent
        ("LendingPairsInvalidAgent", lambda w: {"agent": w["rival"][1]}, {}),
        ("LendingPairsInvalidAgent", lambda w: {"agent": make_lei(499).encode()}, {}),
        ("LendingPairsInvalidAgent", lambda w: {"agent": w["borrower"][1]}, {}),
        ("LendingPairsSameParty", lambda w: {"borrower": w["lender"][1]}, {}),
        ("LendingPairsUnknownParty", lambda w: {"borrower": make_lei(498).encode()}, {}),
        ("LendingPairsNotPairParty", lambda w: {"sender": w["rival"][0]}, {}),
        (
            "LendingPairsEmptySecrets",
            lambda w: {"secrets": sealed(w["lender"][1], w["borrower"][1], commitment=b"\0" * 32)},
            {},
        ),
        (
            "LendingPairsRecipientMissing",
            lambda w: {"secrets": sealed(w["lender"][1], w["borrower"][1])},
            {"lei": make_lei(413).encode()},
        ),
        (
            "LendingPairsTooManyRecipients",
            lambda w: {"secrets": sealed(*[w["lender"][1]] * 9)},
            {"count": 9, "max": 8},
        ),
    ],
    ids=[
        "days-0",
        "days-61",
        "months-0",
        "months-13",
        "market",
        "agent-kind",
        "agent-unknown",
        "agent-is-party",
        "parties",
        "other-party-unknown",
        "proposer",
        "secrets-empty",
        "secrets-not-to-the-agent",
        "secrets-too-many-recipients",
    ],
)
def test_pair_settings__bad_fields__refused(
    pairs: Any, pair_world: Any, error: str, changes: Any, carried: dict[str, Any]
) -> None:
    w = pair_world
    args = {
        "lender": w["lender"][1],
        "borrower": w["borrower"][1],
        "unit": AGREEMENT_UNIT,
        "agent": w["agent"][1],
        "market": b"XTKS",
        "days": 14,
        "months": 1,
        "secrets": sealed(w["lender"][1], w["borrower"][1], w["agent"][1]),
        "sender": w["lender"][0],
    } | changes(w)
    sender = args.pop("sender")
    with reverts(error, **carried):
        pairs.proposePairSettings(*args.values(), sender=sender)


# Refusal -------------------------------------------------------------------------------------

UNOPENABLE, NOT_COMMITTED = 0, 1  # ILendingPairs.Refusal


def propose(pairs: Any, pair_world: Any, sender: Any) -> tuple[bytes, bytes]:
    """``sender`` proposes settings with the agent, sealed to the three; the pair."""
    pair = (pair_world["lender"][1], pair_world["borrower"][1])
    secrets = sealed(*pair, pair_world["agent"][1])
    agent = pair_world["agent"][1]
    pairs.proposePairSettings(*pair, SECURITY_UNIT, agent, b"XTKS", 10, 1, secrets, sender=sender)
    return pair


def test_refuse__a_party_that_cannot_open_the_secrets__not_accepted_until_proposed_anew(
    pairs: Any, pair_world: Any
) -> None:
    """The borrower's client cannot open the secrets the lender sealed: it refuses them on chain
    and cannot accept them; the lender's next proposal is accepted."""
    (lender, lender_lei), (borrower, borrower_lei) = pair_world["lender"], pair_world["borrower"]
    pair = propose(pairs, pair_world, lender)
    tx = pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=borrower)
    [event] = tx.events.filter(pairs.PairSettingsRefused)
    assert (event.version, bytes(event.by), event.reason) == (1, borrower_lei, UNOPENABLE)
    with reverts(
        pairs.LendingPairsSettingsRefused, lender=lender_lei, borrower=borrower_lei, version=1
    ):
        pairs.acceptPairSettings(*pair, 1, sender=borrower)
    assert pairs.pairSettings(*pair).version == 0, "the defaults still"
    propose(pairs, pair_world, lender)
    pairs.acceptPairSettings(*pair, 2, sender=borrower)
    assert pairs.pairSettings(*pair).version == 2


def test_refuse__own_outsider_suspended_not_pending_twice__each_its_error(
    pairs: Any, pair_world: Any, registry: Any, operator: Any
) -> None:
    """The proposer refuses its own settings, an institution of no party or an address of no
    institution refuses them, a suspended party does; a version not pending; settings refused
    already (the agent, a recipient, may refuse too)."""
    (lender, lender_lei), (borrower, borrower_lei) = pair_world["lender"], pair_world["borrower"]
    agent = pair_world["agent"][0]
    pair = (lender_lei, borrower_lei)
    with reverts(pairs.LendingPairsSettingsNotPending, version=1, pending=0):  # none proposed
        pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=borrower)
    propose(pairs, pair_world, lender)
    with reverts(pairs.LendingPairsOwnProposal, lei=lender_lei, version=1):
        pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=lender)
    rival, rival_lei = pair_world["rival"]
    with reverts(pairs.LendingPairsNotPairParty, lei=rival_lei):
        pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=rival)
    outsider = pair_world["outsider"][0]
    with reverts(pairs.LendingPairsNotInstitution, account=outsider.address):
        pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=outsider)
    registry.suspendInstitution(borrower_lei, "review", sender=operator)
    with reverts(pairs.LendingPairsNotInstitution, account=borrower.address):
        pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=borrower)
    registry.reinstateInstitution(borrower_lei, sender=operator)
    for stale in (0, 2):
        with reverts(pairs.LendingPairsSettingsNotPending, version=stale, pending=1):
            pairs.refusePairSettings(*pair, stale, UNOPENABLE, sender=borrower)
    pairs.refusePairSettings(*pair, 1, NOT_COMMITTED, sender=agent)
    with reverts(pairs.LendingPairsSettingsRefused, version=1):
        pairs.refusePairSettings(*pair, 1, UNOPENABLE, sender=borrower)
    propose(pairs, pair_world, lender)
    pairs.acceptPairSettings(*pair, 2, sender=borrower)
    with reverts(pairs.LendingPairsSettingsNotPending, version=2, pending=0):  # accepted
        pairs.refusePairSettings(*pair, 2, UNOPENABLE, sender=borrower)
