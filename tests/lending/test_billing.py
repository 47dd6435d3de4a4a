"""A billing period end to end over JSON-RPC: Nihonbashi (agent) closes a week of two loans from
Fuji Trust Bank to Minato Securities; Fuji and Minato recompute and review; one statement
matches, the other breaks on Minato's rounding, is explained, resolved and settled with the
parties' SSIs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
import xmlschema
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError
from bpost_client.identifiers import Lei, bytes20_from_lei
from bpost_client.lending import Agreement, PriceBasis, Rounding
from bpost_client.lending import agreements as lending
from bpost_client.lending import pairs as lp
from bpost_client.lending import statements as st
from bpost_client.lending.billing import (
    close_period,
    explain_statement,
    review_statement,
    settlement_accounts,
    settlement_files,
    settlement_items,
)
from bpost_client.lending.matching import MatchUnit
from bpost_client.lending.period import Book
from bpost_client.lending.settlement import net_instructions, statement_references
from bpost_client.lending.settlement_xml import schema_path
from bpost_client.platform import mandates
from bpost_client.platform.confidential import seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars
from bpost_client.registry.ssi_files import upload_ssis
from bpost_client.types import MandateScope
from tests.conftest import Node
from tests.lending.registered import register_by_agent

FUJI, MINATO, AGENT = "3538000FUJITRUST0138", "3538000MINATOSEC0159", "3538000NIHONLEND0172"
KEYS = {FUJI: 2, MINATO: 3, AGENT: 5}
TOYOTA, SONY = "JP3633400001", "JP3435000009"
PERIOD = (date(2026, 6, 1), date(2026, 6, 7))
SETTLEMENT = date(2026, 6, 12)


def _terms(agreement_id: str, security: str, rounding: Rounding) -> Agreement:
    return Agreement(
        agreement_id=agreement_id,
        lender=FUJI,
        borrower=MINATO,
        security=security,
        currency="JPY",
        fee_rate_pct=Decimal("0.5"),
        collateral_rate_pct=Decimal("0.01"),
        price_basis=PriceBasis.SAME_DAY_CLOSE,
        rounding=rounding,
    )


AGREEMENTS = [
    _terms("SBL-M", TOYOTA, Rounding.PERIOD_TRUNCATE),
    _terms("SBL-B", SONY, Rounding.DAILY_TRUNCATE),
]
PRICES = pd.DataFrame(
    [
        (security, date(2026, 6, 1) + timedelta(days=i), Decimal(price + 7 * i))
        for security, price in ((TOYOTA, 2000), (SONY, 3001))
        for i in range(7)
    ],
    columns=["security", "date", "close"],
)
DIVIDENDS = pd.DataFrame(
    [(TOYOTA, date(2026, 6, 5), date(2026, 7, 10), Decimal(50))],
    columns=["security", "record_date", "payment_date", "amount_per_share"],
)


def _key(lei: str) -> bytes:
    return bytes(dev_account(KEYS[lei]).key)


@pytest.fixture
def parties(isolated: Node, operator: Client) -> dict[str, Client]:
    """The three parties' clients; the 2026 Tokyo calendar; the agreements registered by the
    agent and acknowledged, movements confirmed; the pair's settings; Fuji's and Minato's SSIs."""
    calendars.publish_years(
        operator,
        [
            calendars.year_map(
                "XTKS", 2026, calendars.sessions_from_exchange_calendars("XTKS", [2026])
            )
        ],
    )
    clients = {
        lei: connect(isolated.url, isolated.deployments, dev_account(index))
        for lei, index in KEYS.items()
    }
    agent, minato = clients[AGENT], clients[MINATO]
    register_by_agent(clients, AGREEMENTS, PERIOD[0], AGENT)
    with pytest.raises(exceptions.LendingPairsAgentNotMandated):  # Fuji never mandated it
        lp.propose_pair_settings(clients[FUJI], FUJI, MINATO, MatchUnit.AGREEMENT, agent=AGENT)
    mandates.grant_mandate(clients[FUJI], AGENT, MandateScope.LENDING_AGENT, MINATO)
    lp.propose_pair_settings(clients[FUJI], FUJI, MINATO, MatchUnit.AGREEMENT, agent=AGENT)
    lp.accept_pair_settings(minato, FUJI, MINATO, 1, MINATO, _key(MINATO))
    settings = lp.pair_settings(minato, FUJI, MINATO)
    assert (settings.unit, settings.agent, settings.market, settings.version) == (
        MatchUnit.AGREEMENT, Lei(AGENT), "XTKS", 1,
    )  # fmt: skip
    assert (settings.overdue_business_days, settings.billing_months) == (14, 1), "the defaults"
    secrets = lp.pair_secrets(agent, FUJI, MINATO, AGENT, _key(AGENT))
    assert secrets.tolerance == 0, "no tolerance: the default of propose_pair_settings"
    for lei, bic, account in ((FUJI, "MHCBJPJT", "0098765432"), (MINATO, "BOTKJPJT", "1234567")):
        others = ";".join(p for p in KEYS if p != lei)
        row = {
            "fund_code": "",
            "market": "XTKS",
            "security_type": "SECLEND",
            "currency": "JPY",
            "settlement_method": "CASH",
            "custodian_bic": bic,
            "place_of_settlement": "",
            "account": account,
            "effective_from": "2026-04-01",
            "effective_to": "",
            "counterparties": others,
        }
        upload_ssis(clients[lei], pd.DataFrame([row], dtype=str))
    return clients


def _opened(clients: dict[str, Client], lei: str) -> list[lending.OpenedAgreement]:
    """The agreements as ``lei`` opens them, found by their references."""
    found = {a.reference: a for a in lending.agreements_of(clients[lei], lei, _key(lei))}
    return [
        lending.open_agreement(clients[lei], found[a.agreement_id].agreement_id, lei, _key(lei))
        for a in AGREEMENTS
    ]


@pytest.mark.both_backends
def test_period__matched_break_explained_resolved_settled(parties: dict[str, Client]) -> None:
    agent = parties[AGENT]
    opened = {lei: _opened(parties, lei) for lei in KEYS}
    committed = dict(
        (figures.agreement_ids[0], (found, figures))
        for found, figures in close_period(
            agent, opened[AGENT], PRICES, DIVIDENDS, *PERIOD, SETTLEMENT, AGENT, _key(AGENT)
        )
    )
    assert set(committed) == {"SBL-M", "SBL-B"}
    onchain = {a.reference: a.agreement_id for a in opened[AGENT]}
    assert {f.key for _, f in committed.values()} == set(onchain.values()), (
        "an agreement unit's key on chain is the agreement's id"
    )
    matched_id, matched = committed["SBL-M"]
    broken_id, _ = committed["SBL-B"]
    stored = st.get_statement(agent, matched_id)
    assert (stored.status, stored.closer, stored.agent) == (st.StatementStatus.OPEN, AGENT, AGENT)
    opening = st.open_statement(parties[FUJI], matched_id, FUJI, _key(FUJI))
    assert stored.platform == matched.amounts.commitment(opening.salt)
    assert opening.amounts == matched.amounts and matched.amounts.dividend_equivalent == 500_000
    assert stored.overdue_after > PERIOD[1]
    again = close_period(
        agent, opened[AGENT], PRICES, DIVIDENDS, *PERIOD, SETTLEMENT, AGENT, _key(AGENT)
    )
    assert [f for f, _ in again] == [f for f, _ in committed.values()], "not committed twice"

    agreed = lending.agreed_book(opened[MINATO], PRICES, DIVIDENDS)
    rounding = agreed.agreements["agreement_id"] == "SBL-B"
    minato_books = agreed.agreements.copy()
    minato_books.loc[rounding, "rounding"] = Rounding.PERIOD_TRUNCATE.value
    books = {FUJI: agreed, MINATO: replace(agreed, agreements=minato_books)}
    actions = {}
    for found in (matched_id, broken_id):
        for lei in (FUJI, MINATO):
            review = review_statement(
                parties[lei], found, opened[lei], PRICES, DIVIDENDS, books[lei], lei, _key(lei)
            )
            actions[(found, lei)] = review.action
    assert actions == {
        (matched_id, FUJI): "confirmed",
        (matched_id, MINATO): "confirmed",
        (broken_id, FUJI): "confirmed",
        (broken_id, MINATO): "submitted",
    }
    assert st.get_statement(agent, matched_id).status is st.StatementStatus.MATCHED
    broken = st.get_statement(agent, broken_id)
    assert broken.status is st.StatementStatus.BREAK and broken.disputed == {
        st.StatementRole.BORROWER
    }
    # The 14th Tokyo business day after Sunday 7 June is 25 June; the chain's today is later.
    assert broken.overdue_after == date(2026, 6, 25) and not broken.overdue
    assert st.is_overdue(agent, broken_id)
    st.flag_overdue(parties[FUJI], broken_id)
    assert st.get_statement(agent, broken_id).overdue
    with pytest.raises(BPostError, match="LendingStatementsFlaggedAlready"):
        st.flag_overdue(parties[FUJI], broken_id)  # once

    [(party, table)] = explain_statement(
        agent, broken_id, opened[AGENT], PRICES, DIVIDENDS, AGENT, _key(AGENT)
    ).items()
    first = table.iloc[0]
    assert party == MINATO
    assert (first["agreement_id"], first["cause"], first["rank"]) == ("SBL-B", "rounding", 1)
    assert "period_truncate" in first["change"] and len(first["days"]) > 0

    st.comment(parties[MINATO], broken_id, "our system truncates the period", [FUJI, MINATO, AGENT])
    assert st.comments(parties[FUJI], broken_id, FUJI, _key(FUJI)) == [
        (MINATO, "our system truncates the period")
    ]
    st.propose_resolution(agent, broken_id, st.ResolutionKind.PLATFORM)
    st.approve_resolution(parties[FUJI], broken_id, 1)
    assert st.get_statement(agent, broken_id).status is st.StatementStatus.BREAK
    st.approve_resolution(parties[MINATO], broken_id, 1)
    resolved = st.get_statement(agent, broken_id)
    assert resolved.status is st.StatementStatus.RESOLVED and resolved.settled == broken.platform
    assert st.settled_amounts(parties[MINATO], broken_id, MINATO, _key(MINATO)) == (
        st.open_statement(parties[MINATO], broken_id, MINATO, _key(MINATO)).amounts
    ), "the platform's amounts, opened"

    dates = {(s, r): p for s, r, p in DIVIDENDS[["security", "record_date", "payment_date"]].values}
    items = [
        item
        for found, figures in committed.values()
        for item in settlement_items(
            st.get_statement(agent, found),
            figures,
            st.settled_amounts(agent, found, AGENT, _key(AGENT)),
            dates,
            st.open_statement(agent, found, AGENT, _key(AGENT)).salt,
        )
    ]
    instructions = net_instructions(items)
    assert {(i.value_date, i.debtor, i.creditor) for i in instructions} == {
        (SETTLEMENT, MINATO, FUJI),
        (date(2026, 7, 10), MINATO, FUJI),
    }
    fees = next(i for i in instructions if i.value_date == SETTLEMENT)
    platform = [st.settled_amounts(agent, f, AGENT, _key(AGENT)) for f, _ in committed.values()]
    assert fees.amount_minor == sum(a.fee - a.collateral_interest for a in platform)
    accounts = settlement_accounts(agent, [FUJI, MINATO], "JPY", SETTLEMENT, AGENT, _key(AGENT))
    assert accounts[(MINATO, "JPY")].account == "1234567"
    csv_text, xml = settlement_files(
        instructions,
        accounts,
        accounts[(MINATO, "JPY")],
        "TEST-2026-06",
        datetime(2026, 6, 8, tzinfo=UTC),
    )
    assert csv_text.splitlines()[1].startswith(f"2026-06-12,JPY,{fees.amount_minor},{MINATO}")
    xmlschema.XMLSchema(str(schema_path())).validate(xml)

    references = statement_references(instructions)
    for found, reference in references.items():
        st.confirm_settlement(parties[MINATO], found, reference)
        assert st.get_statement(agent, found).status is not st.StatementStatus.SETTLED
        assert st.settlement_confirmations(agent, found) == {st.StatementRole.BORROWER}
        st.confirm_settlement(parties[FUJI], found, reference)
    for found, _ in committed.values():
        settled = st.get_statement(agent, found)
        assert settled.status is st.StatementStatus.SETTLED
        assert settled.settlement_reference == references[found]
    history = st.statement_history(agent, broken_id)
    assert history[["event", "by", "status"]].values.tolist() == [
        ["StatementCommitted", AGENT, "open"],
        ["StatementConfirmed", FUJI, "open"],
        ["FiguresSubmitted", MINATO, "break"],
        ["StatementFlaggedOverdue", FUJI, "break"],
        ["StatementCommented", MINATO, ""],
        ["ResolutionProposed", AGENT, ""],
        ["ResolutionApproved", FUJI, "break"],
        ["ResolutionApproved", MINATO, "resolved"],
        ["SettlementConfirmed", MINATO, "resolved"],
        ["SettlementConfirmed", FUJI, "settled"],
        ["StatementSettled", FUJI, "settled"],
    ]


def test_review__refuses_figures_that_are_not_the_agreed_inputs(
    parties: dict[str, Client],
) -> None:
    """A closer that commits other amounts (or another detail) than the agreed inputs give is
    caught by the other parties' recomputation: nothing is confirmed."""
    agent, fuji = parties[AGENT], parties[FUJI]
    opened = _opened(parties, AGENT)
    onchain = {a.reference: a.agreement_id for a in opened}
    book = lending.agreed_book(opened, PRICES, DIVIDENDS)
    statement = st.StatementInput(
        FUJI,
        MINATO,
        MatchUnit.AGREEMENT,
        onchain["SBL-M"],
        "JPY",
        *PERIOD,
        SETTLEMENT,
        st.Amounts(1, 0, 0),
    )
    found, _ = st.commit_statement(agent, statement, b"not the detail", [FUJI, MINATO, AGENT])
    on_chain = agent.contract("LendingStatements").functions.statementIdOf(
        bytes20_from_lei(FUJI),
        bytes20_from_lei(MINATO),
        0,
        st.unit_key(MatchUnit.AGREEMENT, onchain["SBL-M"]),
        b"JPY",
        20260601,
        20260607,
    )
    assert found == "0x" + bytes(on_chain.call()).hex(), "the id derived locally is the contract's"
    with pytest.raises(BPostError, match="not those of the agreed inputs"):
        review_statement(
            fuji, found, _opened(parties, FUJI), PRICES, DIVIDENDS, book, FUJI, _key(FUJI)
        )
    assert st.get_statement(agent, found).agreed == {st.StatementRole.AGENT}
    salt = st.open_statement(fuji, found, FUJI, _key(FUJI)).salt
    assert keccak(salt + b"not the detail") == st.get_statement(agent, found).detail_commitment


def test_review__agreements_missing_from_own_books__missing_loans(
    parties: dict[str, Client],
) -> None:
    """A party reviewing with a book that lacks the statement's agreements reports them as
    missing loans in its submission, and the explanation says so."""
    agent, minato = parties[AGENT], parties[MINATO]
    opened = _opened(parties, AGENT)
    [(found, _figures), _] = close_period(
        agent, opened, PRICES, DIVIDENDS, *PERIOD, SETTLEMENT, AGENT, _key(AGENT)
    )
    empty = Book(
        pd.DataFrame(columns=list(lending.agreed_book(opened, PRICES, DIVIDENDS).agreements)),
        pd.DataFrame(columns=["agreement_id", "date", "quantity", "collateral"]),
        PRICES,
        DIVIDENDS,
    )
    review = review_statement(
        minato, found, _opened(parties, MINATO), PRICES, DIVIDENDS, empty, MINATO, _key(MINATO)
    )
    assert review.action == "submitted"
    [(party, table)] = explain_statement(
        agent, found, opened, PRICES, DIVIDENDS, AGENT, _key(AGENT)
    ).items()
    assert party == MINATO and table["outcome"].tolist() == ["missing_loan"]


def test_verdicts__within_the_sealed_tolerance__every_party_signs__matched(
    parties: dict[str, Client],
) -> None:
    """Minato submits figures two yen off the platform's; the pair's sealed tolerance is five:
    each party's client opens both, finds the difference within it and signs its verdict, and
    the statement matches on the platform's figures. Figures beyond it get no verdict."""
    agent, fuji, minato = parties[AGENT], parties[FUJI], parties[MINATO]
    lp.propose_pair_settings(fuji, FUJI, MINATO, MatchUnit.AGREEMENT, agent=AGENT, tolerance=5)
    with pytest.raises(BPostError, match="change the pair secret"):
        lp.accept_pair_settings(minato, FUJI, MINATO, 2, MINATO, _key(MINATO))
    secret = lp.pair_secrets(fuji, FUJI, MINATO, FUJI, _key(FUJI)).secret
    lp.propose_pair_settings(
        fuji, FUJI, MINATO, MatchUnit.AGREEMENT, agent=AGENT, tolerance=5, secret=secret
    )
    lp.accept_pair_settings(minato, FUJI, MINATO, 3, MINATO, _key(MINATO))
    opened = _opened(parties, AGENT)
    [(found, figures), _] = close_period(
        agent, opened, PRICES, DIVIDENDS, *PERIOD, SETTLEMENT, AGENT, _key(AGENT)
    )
    assert st.get_statement(agent, found).settings_version == 3
    salt = st.open_statement(minato, found, MINATO, _key(MINATO)).salt
    far = replace(figures.amounts, fee=figures.amounts.fee + 6)
    st.submit_figures(minato, found, far, b"far", [FUJI, MINATO, AGENT], salt)
    with pytest.raises(BPostError, match="not within 5"):
        st.sign_verdict(fuji, found, MINATO, FUJI, _key(FUJI))
    near = replace(figures.amounts, fee=figures.amounts.fee - 2)
    st.submit_figures(minato, found, near, b"near", [FUJI, MINATO, AGENT], salt)
    st.confirm(fuji, found)
    assert st.get_statement(agent, found).status is st.StatementStatus.BREAK
    opened_figures = st.submitted_figures(fuji, found, FUJI, _key(FUJI))[Lei(MINATO)]
    assert (opened_figures.amounts, opened_figures.figures) == (near, b"near")
    verdicts = [
        st.sign_verdict(parties[lei], found, MINATO, lei, _key(lei)) for lei in (FUJI, MINATO)
    ]
    st.record_verdicts(minato, found, st.StatementRole.BORROWER, verdicts)
    assert st.get_statement(agent, found).status is st.StatementStatus.BREAK, "the agent's is due"
    own = st.sign_verdict(agent, found, MINATO, AGENT, _key(AGENT))
    st.record_verdicts(agent, found, st.StatementRole.BORROWER, [own])
    stored = st.get_statement(agent, found)
    assert stored.status is st.StatementStatus.MATCHED
    assert st.settled_amounts(minato, found, MINATO, _key(MINATO)) == figures.amounts


def test_refusal__an_opening_that_is_not_the_commitment__refused_on_chain(
    parties: dict[str, Client],
) -> None:
    """A closer seals amounts other than the ones it commits: the other party's client finds
    it when opening and refuses the statement on chain; nobody can confirm it any more."""
    agent, fuji = parties[AGENT], parties[FUJI]
    opened = _opened(parties, AGENT)
    onchain = {a.reference: a.agreement_id for a in opened}
    statement = st.StatementInput(
        FUJI, MINATO, MatchUnit.AGREEMENT, onchain["SBL-M"], "JPY", *PERIOD, SETTLEMENT,
        st.Amounts(1, 0, 0),
    )  # fmt: skip
    found = st.statement_id(statement)
    salt = b"\x33" * 32
    keys = recipient_keys(agent, [FUJI, MINATO, AGENT])
    lying = seal(
        st.Opening(salt, st.Amounts(2, 0, 0)).to_bytes(),
        keys,
        st.sealed_binding(agent, found, "opening"),
    )
    args = (
        bytes20_from_lei(FUJI), bytes20_from_lei(MINATO), 0,
        st.unit_key(MatchUnit.AGREEMENT, onchain["SBL-M"]), b"JPY", 20260601, 20260607,
        20260612, st.Amounts(1, 0, 0).commitment(salt), keccak(b"detail"),
    )  # fmt: skip
    call = agent.contract("LendingStatements").functions.commitStatement(args, lying.to_abi())
    agent.sender.send(call, "a statement whose opening lies")
    with pytest.raises(BPostError, match="not the ones committed"):
        st.open_statement(fuji, found, FUJI, _key(FUJI))
    st.refuse_statement(fuji, found, st.Refusal.NOT_COMMITTED)
    assert st.get_statement(agent, found).status is st.StatementStatus.REFUSED
    with pytest.raises(exceptions.LendingStatementsWrongStatus):
        st.confirm(fuji, found)


def test_refusal__figures_and_a_resolution_sealed_with_a_wrong_binding__checked_and_refused(
    parties: dict[str, Client],
) -> None:
    """Minato seals its figures bound to another field, so they open for nobody: Fuji's check
    finds it and refuses them on chain (the agent's check sees them refused already); a verdict
    on them is refused with the contract's error until Minato submits again. An adjusted
    resolution Fuji seals bound to another number is refused by Minato's check and cannot be
    approved."""
    agent, fuji, minato = parties[AGENT], parties[FUJI], parties[MINATO]
    onchain = {a.reference: a.agreement_id for a in _opened(parties, AGENT)}
    statement = st.StatementInput(
        FUJI, MINATO, MatchUnit.AGREEMENT, onchain["SBL-M"], "JPY", *PERIOD, SETTLEMENT,
        st.Amounts(1, 0, 0),
    )  # fmt: skip
    found, _ = st.commit_statement(agent, statement, b"detail", [FUJI, MINATO, AGENT])
    salt = st.open_statement(minato, found, MINATO, _key(MINATO)).salt
    keys = recipient_keys(minato, [FUJI, MINATO, AGENT])
    off = st.Amounts(2, 0, 0)
    wrong = st.sealed_binding(minato, found, f"figures:{FUJI}")  # another side's field
    sealed = seal(
        encode(["int64", "int64", "int64", "bytes"], [*off.to_abi(), b"csv"]), keys, wrong
    )
    call = minato.contract("LendingStatements").functions.submitFigures(
        bytes.fromhex(found[2:]), off.commitment(salt), sealed.to_abi()
    )
    minato.sender.send(call, "figures sealed for another field")
    [checked] = st.check_payloads(fuji, found, FUJI, _key(FUJI))
    assert (checked.payload, checked.index, checked.sealed_by) == (
        st.Payload.FIGURES,
        st.StatementRole.BORROWER,
        MINATO,
    )
    assert (checked.reason, checked.refused) == (st.Refusal.UNOPENABLE, True), checked.problem
    assert "fails its authentication" in checked.problem
    [seen] = st.check_payloads(agent, found, AGENT, _key(AGENT))
    assert (seen.reason, seen.refused) == (st.Refusal.UNOPENABLE, False), "refused already"
    with pytest.raises(exceptions.LendingStatementsFiguresRefused) as refused:
        st.record_verdicts(fuji, found, st.StatementRole.BORROWER, [b"\x01" * 65])
    assert refused.value.arguments["statementId"] == bytes.fromhex(found[2:])
    assert int(refused.value.arguments["submitter"]) == st.StatementRole.BORROWER
    st.submit_figures(minato, found, off, b"csv", [FUJI, MINATO, AGENT], salt)
    [checked] = st.check_payloads(fuji, found, FUJI, _key(FUJI))
    assert (checked.reason, checked.refused) == (None, False), "sealed anew: it opens"
    wrong = st.sealed_binding(fuji, found, "resolution:2")  # the next one's, not the first's
    adjusted = seal(encode(["int64", "int64", "int64"], list(off.to_abi())), keys, wrong)
    call = fuji.contract("LendingStatements").functions.proposeResolution(
        bytes.fromhex(found[2:]), int(st.ResolutionKind.ADJUSTED), 0, off.commitment(salt),
        adjusted.to_abi(),
    )  # fmt: skip
    fuji.sender.send(call, "a resolution sealed for another number")
    [checked] = st.check_payloads(minato, found, MINATO, _key(MINATO))  # its own figures skipped
    assert (checked.payload, checked.index, checked.sealed_by) == (st.Payload.RESOLUTION, 1, FUJI)
    assert (checked.reason, checked.refused) == (st.Refusal.UNOPENABLE, True)
    with pytest.raises(exceptions.LendingStatementsResolutionRefused) as refused:
        st.approve_resolution(agent, found, 1)
    assert refused.value.arguments["resolution"] == 1
