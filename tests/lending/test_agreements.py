"""Lending agreements through the client: Fuji Trust Bank lends to Minato Securities; the terms
and movements are sealed to them; Minato opens them and has the contract verify the figures
against the commitments; Kanda Bank, reading the same chain, cannot open them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError, ContractRevert
from bpost_client.lending import Agreement, DaysCounted, PriceBasis, Rounding
from bpost_client.lending import agreements as lending
from bpost_client.lending.movements import Movement, MovementKind
from bpost_client.lending.period import calculate_period
from bpost_client.lending.terms import AGREEMENT_COLUMNS, agreements_frame
from bpost_client.platform.confidential import NotEntitledError
from bpost_client.platform.signers import dev_account
from bpost_client.reference.prices import publish_closes, to_units
from bpost_client.reference.securities import Security, register_securities
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
    lending.propose(
        trustee, "SBL-T1", TERMS, effective_from=date(2026, 6, 1), tolerance_minor_units=1
    )
    lending.acknowledge(minato, "SBL-T1", 1)
    lending.record_movements(trustee, "SBL-T1", MOVEMENTS, [FUJI, MINATO])
    with pytest.raises(BPostError, match="no confirmed movements"):
        lending.open_agreement(minato, "SBL-T1", MINATO, bytes(dev_account(3).key))
    lending.confirm_movements(minato, "SBL-T1", 1)
    opened = lending.open_agreement(minato, "SBL-T1", MINATO, bytes(dev_account(3).key))
    assert [v.version for v in opened.versions] == [1]
    assert opened.latest.terms[0] == b"JP3633400001" and opened.latest.terms[4] == 1
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
        lending.open_agreement(minato, "SBL-T1", KANDA, bytes(dev_account(4).key))


def test_rate_change__a_new_version_from_its_date__each_part_verified(
    isolated: Node, trustee: Client, minato: Client
) -> None:
    provider = connect(isolated.url, isolated.deployments, dev_account(6))
    register_securities(provider, [Security("JP3633400001", "Toyota Motor", "XTKS", "JPY", "7203")])
    for day, close in CLOSES:
        publish_closes(provider, day, {1: to_units(close)})
    lending.propose(trustee, "SBL-T1", TERMS, effective_from=date(2026, 6, 1))
    lending.acknowledge(minato, "SBL-T1", 1)
    cheaper = replace(TERMS, fee_rate_pct=Decimal("0.4"))
    lending.propose(trustee, "SBL-T1", cheaper, effective_from=date(2026, 6, 5))
    lending.acknowledge(minato, "SBL-T1", 2)
    lending.record_movements(trustee, "SBL-T1", MOVEMENTS, [FUJI, MINATO])
    lending.confirm_movements(minato, "SBL-T1", 1)
    opened = lending.open_agreement(minato, "SBL-T1", MINATO, bytes(dev_account(3).key))
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
