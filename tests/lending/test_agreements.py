"""Lending agreements through the client: Fuji Trust Bank lends to Minato Securities; the terms
and movements are sealed to them, with the agreement's reference and the salt of its id; Minato
finds the agreement by its reference, opens it and has the contract verify the figures against
the commitments; Kanda Bank, reading the same chain, cannot open them. Nihonbashi, Fuji's
lending agent, binds Fuji only under its consent or its mandate."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from eth_abi.abi import decode, encode

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError, ContractRevert
from bpost_client.identifiers import bytes20_from_lei
from bpost_client.lending import Agreement, DaysCounted, PriceBasis, Rounding
from bpost_client.lending import agreements as lending
from bpost_client.lending.movements import Movement, MovementKind
from bpost_client.lending.period import calculate_period
from bpost_client.lending.projection import PROJECTORS, terms_version
from bpost_client.lending.terms import AGREEMENT_COLUMNS, agreements_frame
from bpost_client.platform import mandates
from bpost_client.platform.confidential import NotEntitledError, open_sealed, seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.participants import get_institution
from bpost_client.platform.projection import records_of
from bpost_client.platform.signers import dev_account
from bpost_client.reference.prices import publish_closes, to_units
from bpost_client.reference.securities import Security, register_securities
from bpost_client.types import Lei, MandateScope
from tests.conftest import Node

DIVIDEND_COLUMNS = ["security", "record_date", "payment_date", "amount_per_share"]
FUJI, MINATO, KANDA = "3538000FUJITRUST0138", "3538000MINATOSEC0159", "3538000KANDABANK0193"
TERMS = Agreement(
    agreement_id="SBL-T1",
    lender=FUJI,
    borrower=MINATO,
    security="JP3633400001",
    currency="JPY",
    fee_rate_pct=Decimal("0.5"),
    collateral_rate_pct=Decimal("0.001"),
    days_counted=DaysCounted.ONE_END,
    price_basis=PriceBasis.SAME_DAY_CLOSE,
    rounding=Rounding.PERIOD_TRUNCATE,
)
PRICES = [2000, 2000, 2000, 2050, 2050, 2030, 2030]
CLOSES = [(date(2026, 6, 1) + timedelta(days=i), p) for i, p in enumerate(PRICES)]
MOVEMENTS = [
    Movement("SBL-T1", MovementKind.NEW_LOAN, date(2026, 6, 1), 10_000, Decimal(30_000_000)),
    Movement("SBL-T1", MovementKind.RETURN, date(2026, 6, 8), -10_000, Decimal(-30_000_000)),
]
PERIOD = (date(2026, 6, 1), date(2026, 6, 7))
AGENT = "3538000NIHONLEND0172"
MINATO_KEY = bytes(dev_account(3).key)
FUJI_KEY = bytes(dev_account(2).key)


@pytest.fixture
def minato(isolated: Node) -> Client:
    return connect(isolated.url, isolated.deployments, dev_account(3))


def test_agreement__sealed_acknowledged_verified_by_the_borrower(
    isolated: Node, trustee: Client, minato: Client
) -> None:
    provider = connect(isolated.url, isolated.deployments, dev_account(6))  # Kabuto Market Data
    register_securities(provider, [Security("JP3633400001", "Toyota Motor", "XTKS", "JPY", "7203")])
    for day, close in CLOSES:  # the shared closes the contract checks the given ones against
        publish_closes(provider, day, {1: to_units(close)})
    proposed = lending.propose(trustee, TERMS, effective_from=date(2026, 6, 1))
    found = lending.find_agreement(minato, "SBL-T1", MINATO, MINATO_KEY)
    assert found == proposed, "Minato reads the reference and its salt back, checked against the id"
    assert found.proposer == FUJI and found.agreement_id == lending.agreement_id_of(
        FUJI, lending.reference_hash("SBL-T1", found.salt)
    )
    agreement_id = found.agreement_id
    lending.acknowledge(minato, agreement_id, 1)
    lending.record_movements(trustee, found, MOVEMENTS, [FUJI, MINATO])
    with pytest.raises(BPostError, match="no confirmed movements"):
        lending.open_agreement(minato, agreement_id, MINATO, MINATO_KEY)
    lending.confirm_movements(minato, agreement_id, 1)
    opened = lending.open_agreement(minato, agreement_id, MINATO, MINATO_KEY)
    assert (opened.agreement_id, opened.reference) == (agreement_id, "SBL-T1")
    assert [v.version for v in opened.versions] == [1]
    assert opened.latest.terms[0] == b"JP3633400001" and opened.latest.terms[3] == (
        b"SBL-T1".ljust(32, b"\0")
    ), "the security and the reference, as sealed"
    assert (opened.lender, opened.borrower, opened.agent) == (FUJI, MINATO, None)
    fee, interest, _dividend, _net, days = lending.calculate_committed(
        minato, opened, CLOSES, [], *PERIOD
    )
    assert (fee, days) == (1939, 7)  # docs/conventions.md's example
    closes = pd.DataFrame(
        [("JP3633400001", d, Decimal(p)) for d, p in CLOSES], columns=["security", "date", "close"]
    )
    book = lending.agreed_book([opened], closes, pd.DataFrame(columns=DIVIDEND_COLUMNS))
    assert (
        book.agreements[list(AGREEMENT_COLUMNS)].iloc[0].to_dict()
        == agreements_frame([TERMS]).iloc[0].to_dict()
    ), "the opened terms are the proposed ones"
    period = calculate_period(book, *PERIOD).iloc[0]
    assert (int(period["fee_minor"]), int(period["interest_minor"])) == (fee, interest)
    with pytest.raises(NotEntitledError):
        lending.open_agreement(minato, agreement_id, KANDA, bytes(dev_account(4).key))
    assert lending.agreements_of(minato, KANDA, bytes(dev_account(4).key)) == []


def test_rate_change__a_new_version_from_its_date__each_part_verified(
    isolated: Node, trustee: Client, minato: Client
) -> None:
    provider = connect(isolated.url, isolated.deployments, dev_account(6))
    register_securities(provider, [Security("JP3633400001", "Toyota Motor", "XTKS", "JPY", "7203")])
    for day, close in CLOSES:
        publish_closes(provider, day, {1: to_units(close)})
    found = lending.propose(trustee, TERMS, effective_from=date(2026, 6, 1))
    lending.acknowledge(minato, found.agreement_id, 1)
    cheaper = replace(TERMS, fee_rate_pct=Decimal("0.4"))
    lending.amend(trustee, found, cheaper, effective_from=date(2026, 6, 5))
    lending.acknowledge(minato, found.agreement_id, 2)
    lending.record_movements(trustee, found, MOVEMENTS)
    lending.confirm_movements(minato, found.agreement_id, 1)
    opened = lending.open_agreement(minato, found.agreement_id, MINATO, MINATO_KEY)
    assert [(v.version, v.effective_from) for v in opened.versions] == [
        (1, date(2026, 6, 1)),
        (2, date(2026, 6, 5)),
    ]
    first, second = opened.versions
    before = lending.calculate_committed(
        minato, opened, CLOSES, [], date(2026, 6, 1), date(2026, 6, 4), version=first
    )
    after = lending.calculate_committed(
        minato, opened, CLOSES, [], date(2026, 6, 5), date(2026, 6, 7), version=second
    )
    closes = pd.DataFrame(
        [("JP3633400001", d, Decimal(p)) for d, p in CLOSES], columns=["security", "date", "close"]
    )
    book = lending.agreed_book([opened], closes, pd.DataFrame(columns=DIVIDEND_COLUMNS))
    period = calculate_period(book, *PERIOD).iloc[0]
    # Each part rounded as a period of its own: 4 days at 0.5 %, 3 days at 0.4 %.
    assert (before[0], after[0]) == (1102, 669)  # 10,000 x 8,050 x 0.5 % / 365; 6,110 x 0.4 %
    assert int(period["fee_minor"]) == before[0] + after[0]
    with pytest.raises(ContractRevert) as refused:  # version 1 is not in effect on 5 June
        lending.calculate_committed(minato, opened, CLOSES, [], *PERIOD, version=first)
    assert refused.value.error_name == "LendingCalculatorTermsSuperseded"
    assert (refused.value.arguments["later"], refused.value.arguments["effectiveFrom"]) == (
        2,
        20260605,
    )


@pytest.fixture
def agent(isolated: Node) -> Client:
    """Nihonbashi Lending Agent (dev account 5)."""
    return connect(isolated.url, isolated.deployments, dev_account(5))


def test_agent_proposal__binds_fuji_only_with_its_consent_or_its_mandate(
    trustee: Client, minato: Client, agent: Client
) -> None:
    """An agent proposing for Fuji without its mandate or consent: Minato cannot acknowledge;
    under Fuji's lending-agent mandate (for Minato, in force) it can; revoked, it cannot."""
    first = lending.propose(agent, TERMS, effective_from=date(2026, 6, 1), agent=AGENT)
    assert first.proposer == AGENT
    with pytest.raises(ContractRevert) as refused:
        lending.acknowledge(minato, first.agreement_id, 1)
    assert refused.value.error_name == "LendingAgreementsConsentMissing"
    assert refused.value.arguments["lender"] == FUJI.encode()
    granted = mandates.grant_mandate(trustee, AGENT, MandateScope.LENDING_AGENT, MINATO)
    assert granted.mandate_id == mandates.mandate_id(
        FUJI, AGENT, MandateScope.LENDING_AGENT, MINATO
    )
    assert mandates.is_mandated(minato, FUJI, AGENT, MandateScope.LENDING_AGENT, MINATO)
    lending.acknowledge(minato, first.agreement_id, 1)
    assert [m.mandate_id for m in mandates.mandates_of(minato, AGENT)] == [granted.mandate_id]
    mandates.revoke_mandate(trustee, granted.mandate_id)
    assert mandates.mandates_of(minato, FUJI)[0].revoked
    cheaper = replace(TERMS, fee_rate_pct=Decimal("0.4"))
    lending.amend(agent, first, cheaper, effective_from=date(2026, 6, 5))
    with pytest.raises(ContractRevert) as refused:
        lending.acknowledge(minato, first.agreement_id, 2)
    assert refused.value.error_name == "LendingAgreementsConsentMissing"
    lending.consent(trustee, first.agreement_id, 2)  # Fuji's own consent still binds it
    lending.acknowledge(minato, first.agreement_id, 2)


def test_reference__two_proposers_two_ids__a_repeat_refused__a_forged_one_caught(
    isolated: Node,
    trustee: Client,
    minato: Client,
    agent: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same reference from two proposers makes two agreements with their own ids (no one
    blocks another's); the same proposer proposing a reference again is refused before
    anything is sent; a proposer that seals a reference that does not make the id is caught
    when a party reads it."""
    fuji_key = bytes(dev_account(2).key)
    mine = lending.propose(trustee, TERMS, effective_from=date(2026, 6, 1), private_key=fuji_key)
    theirs = lending.propose(agent, TERMS, effective_from=date(2026, 6, 1), agent=AGENT)
    assert mine.agreement_id != theirs.agreement_id and mine.reference == theirs.reference
    with pytest.raises(
        BPostError, match=f"already proposed agreement SBL-T1 \\({mine.agreement_id}"
    ):
        lending.propose(trustee, TERMS, effective_from=date(2026, 6, 1), private_key=fuji_key)
    with pytest.raises(ContractRevert) as refused:  # the same salt: the contract refuses it too
        lending.propose(trustee, TERMS, effective_from=date(2026, 6, 1), salt=mine.salt)
    assert refused.value.error_name == "LendingAgreementsAlreadyProposed"
    assert refused.value.arguments["agreementId"] == bytes.fromhex(mine.agreement_id[2:])
    with pytest.raises(BPostError, match=r"2 agreements of .* have the reference SBL-T1"):
        lending.find_agreement(minato, "SBL-T1", MINATO, MINATO_KEY)
    assert {a.agreement_id for a in lending.agreements_of(minato, MINATO, MINATO_KEY)} == {
        mine.agreement_id,
        theirs.agreement_id,
    }
    # Kanda proposes with the hash of one reference and seals another: caught by the reader.
    kanda = connect(isolated.url, isolated.deployments, dev_account(4))
    forged = replace(TERMS, agreement_id="SBL-T9", lender=KANDA)
    salt = b"\x01" * 32
    plaintext = encode(
        [lending.TERMS_TYPE],
        [(b"JP3633400001", b"JPY", _calculation(mine, trustee),
          b"SBL-T1".ljust(32, b"\0"), salt)],
    )  # fmt: skip
    keys = {lei: get_institution(kanda, lei).encryption_key for lei in (KANDA, MINATO)}
    hashed = lending.reference_hash(forged.agreement_id, salt)
    binding = lending.terms_binding(kanda, lending.agreement_id_of(KANDA, hashed), 1)
    call = kanda.contract("LendingAgreements").functions.propose(
        hashed, KANDA.encode(), MINATO.encode(), 20260601, seal(plaintext, keys, binding).to_abi()
    )
    tx = kanda.sender.send(call, "forged reference")
    forged_id = "0x" + bytes(tx["logs"][0]["topics"][1]).hex()
    with caplog.at_level(logging.WARNING, logger="bpost_client.lending.agreements"):
        read = lending.agreements_of(minato, MINATO, MINATO_KEY)
    assert {a.agreement_id for a in read} == {mine.agreement_id, theirs.agreement_id}, (
        "the forgery is left out; the genuine agreements are read"
    )
    assert f"agreement {forged_id}: the reference sealed in its terms does not make its id" in (
        caplog.text
    )
    assert lending.find_agreement(minato, "SBL-T1", MINATO, MINATO_KEY, proposer=FUJI) == mine


def _calculation(found: lending.AgreementRef, client: Client) -> tuple[object, ...]:
    """The calculation terms sealed in ``found``'s first version, as Fuji opens them."""
    [entry] = [
        e
        for e in records_of(client, "LendingAgreements", PROJECTORS, ["AgreementProposed"])
        if e.data["agreementId"] == found.agreement_id
    ]
    proposed = terms_version(entry)
    binding = lending.terms_binding(client, found.agreement_id, proposed.version)
    plain = open_sealed(proposed.terms, FUJI, bytes(dev_account(2).key), binding)
    return tuple(decode([lending.TERMS_TYPE], plain)[0][2])


def test_refusal__terms_and_movements_sealed_with_a_wrong_binding__checked_and_refused(
    trustee: Client, minato: Client
) -> None:
    """Fuji seals version 1 of its terms bound to version 2, so it opens for nobody: Minato's
    check refuses it on chain and acknowledging it is refused with the contract's error until
    Fuji amends; movements sealed bound to another version are refused the same way and are not
    confirmed until recorded anew."""
    salt = b"\x42" * 32
    hashed = lending.reference_hash("SBL-T1", salt)
    agreement_id = lending.agreement_id_of(FUJI, hashed)
    keys = recipient_keys(trustee, [FUJI, MINATO])
    wrong = lending.terms_binding(trustee, agreement_id, 2)
    sealed = seal(b"what it holds does not matter: it opens for nobody", keys, wrong)
    call = trustee.contract("LendingAgreements").functions.propose(
        hashed, bytes20_from_lei(FUJI), bytes20_from_lei(MINATO), 20260601, sealed.to_abi()
    )
    trustee.sender.send(call, "terms sealed for another version")
    [checked] = lending.check_payloads(minato, agreement_id, MINATO, MINATO_KEY)
    assert (checked.payload, checked.version, checked.sealed_by) == (lending.Payload.TERMS, 1, FUJI)
    assert (checked.reason, checked.refused) == (lending.Refusal.UNOPENABLE, True), checked
    with pytest.raises(exceptions.LendingAgreementsTermsRefused) as refused:
        lending.acknowledge(minato, agreement_id, 1)
    assert refused.value.arguments["version"] == 1
    assert lending.check_payloads(trustee, agreement_id, FUJI, FUJI_KEY) == [], "its own"
    found = lending.AgreementRef(agreement_id, "SBL-T1", salt, Lei(FUJI))
    lending.amend(trustee, found, TERMS, effective_from=date(2026, 6, 1))
    [checked] = lending.check_payloads(minato, agreement_id, MINATO, MINATO_KEY)
    assert (checked.version, checked.reason, checked.refused) == (2, None, False), "it opens"
    lending.acknowledge(minato, agreement_id, 2)
    plaintext = encode([lending.MOVEMENTS_TYPE], [lending.movements_tuple(MOVEMENTS)])
    wrong = lending.movements_binding(trustee, agreement_id, 2)
    call = trustee.contract("LendingAgreements").functions.recordMovements(
        bytes.fromhex(agreement_id[2:]), seal(plaintext, keys, wrong).to_abi()
    )
    trustee.sender.send(call, "movements sealed for another version")
    [checked] = lending.check_payloads(minato, agreement_id, MINATO, MINATO_KEY)
    assert (checked.payload, checked.version, checked.reason, checked.refused) == (
        lending.Payload.MOVEMENTS,
        1,
        lending.Refusal.UNOPENABLE,
        True,
    )
    with pytest.raises(exceptions.LendingAgreementsMovementsRefused):
        lending.confirm_movements(minato, agreement_id, 1)
    lending.record_movements(trustee, found, MOVEMENTS)
    [checked] = lending.check_payloads(minato, agreement_id, MINATO, MINATO_KEY)
    assert (checked.version, checked.reason) == (2, None)
    lending.confirm_movements(minato, agreement_id, 2)
