"""Any party verifies the engine's figures with the deployed LendingCalculator by eth_call."""

from __future__ import annotations

from datetime import date

from bpost_client.client import Client
from bpost_client.lending import calculate
from bpost_client.lending.files import read_inputs
from bpost_client.lending.verify import calculate_on_chain
from tests.conftest import ROOT

DEMO = ROOT / "config" / "demo-lending"
PERIOD = (date(2026, 9, 1), date(2026, 9, 30))


def test_demo_agreements__engine_and_contract_agree(reader: Client) -> None:
    inputs = read_inputs(
        DEMO / "agreements.csv", DEMO / "positions.csv", DEMO / "prices.csv", DEMO / "dividends.csv"
    )
    engine = calculate(
        inputs.agreements, inputs.positions, inputs.prices, inputs.dividends, *PERIOD
    )
    chain = calculate_on_chain(
        reader, inputs.agreements, inputs.positions, inputs.prices, inputs.dividends, *PERIOD
    )
    columns = list(chain.columns)
    assert engine[columns].to_dict(orient="records") == chain.to_dict(orient="records")
    assert chain["net_amount"].tolist()[0] > 0
