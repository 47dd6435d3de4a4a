"""Use case 3, securities lending: the calculation of the lending fee, the cash-collateral
interest and the dividend equivalent of each agreement over a billing period.

Modules: ``terms`` (the agreement's conventions; the currencies' minor units are in
``bpost_client.currencies``), ``engine`` (the vectorised exact calculation; its docstring states
the algorithm), ``kernel`` (its integer arithmetic and agreement x day matrices, shared with
``period`` and ``detail``), ``reference`` (the same by a per-day Decimal loop, the oracle of the
tests), ``results`` (the result table, missing prices), ``files`` (the CSV inputs and output of
`bpost lending calc`, validated).
"""

from __future__ import annotations

from bpost_client.lending.engine import calculate
from bpost_client.lending.results import (
    RESULT_COLUMNS,
    MissingPrice,
    MissingPriceError,
)
from bpost_client.lending.terms import Agreement, DayCount, DaysCounted, PriceBasis, Rounding

__all__ = [
    "RESULT_COLUMNS",
    "Agreement",
    "DayCount",
    "DaysCounted",
    "MissingPrice",
    "MissingPriceError",
    "PriceBasis",
    "Rounding",
    "calculate",
]
