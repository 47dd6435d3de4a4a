"""Lending agreements through the client: Fuji Trust Bank lends to Minato Securities; the terms
and positions are sealed to them; Minato opens them and has the contract verify the figures
against the commitments; Kanda Bank, reading the same chain, cannot open them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from bpost_client.client import Client, connect
from bpost_client.confidential import NotEntitledError
from bpost_client.lending import Agreement, DaysCounted, PriceBasis, Rounding, calculate
from bpost_client.lending import agreements as lending
from bpost_client.prices import publish_closes, to_units
from bpost_client.securities import Security, register_securities
from bpost_client.signers import dev_account
from tests.conftest import Node

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
POSITIONS = [(date(2026, 6, 1), 10_000, Decimal(30_000_000)), (date(2026, 6, 8), 0, Decimal(0))]


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
    lending.propose(trustee, "SBL-T1", TERMS, billing_months=1, tolerance_minor_units=1)
    lending.acknowledge(minato, "SBL-T1", 1)
    lending.record_positions(trustee, "SBL-T1", POSITIONS, [FUJI, MINATO])
    opened = lending.open_agreement(minato, "SBL-T1", MINATO, bytes(dev_account(3).key))
    assert opened.version == 1 and opened.terms[0] == b"JP3633400001"
    fee, interest, _dividend, _net, days = lending.calculate_committed(
        minato, opened, CLOSES, [], date(2026, 6, 1), date(2026, 6, 7)
    )
    assert (fee, days) == (1939, 7)  # DOMAIN.md's example
    positions = pd.DataFrame(
        [("SBL-T1", d, q, c) for d, q, c in POSITIONS],
        columns=["agreement_id", "date", "quantity", "collateral"],
    )
    closes = pd.DataFrame(
        [("JP3633400001", d, Decimal(p)) for d, p in CLOSES], columns=["security", "date", "close"]
    )
    period = (date(2026, 6, 1), date(2026, 6, 7))
    engine = calculate([TERMS], positions, closes, None, *period).iloc[0]
    assert (int(engine["lending_fee"]), int(engine["collateral_interest"])) == (fee, interest)
    with pytest.raises(NotEntitledError):
        lending.open_agreement(minato, "SBL-T1", KANDA, bytes(dev_account(4).key))
