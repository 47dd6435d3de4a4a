"""Use case 3, securities lending: the calculation of the lending fee, the cash-collateral
interest and the dividend equivalent of each agreement over a billing period.

Modules: ``terms`` (the agreement's conventions; the currencies' minor units are in
``bpost_client.currencies``), ``engine`` (the vectorised exact calculation; its docstring states
the algorithm), ``kernel`` (its integer arithmetic and agreement x day matrices, shared with
``period`` and ``detail``), ``reference`` (the same by a per-day Decimal loop, the oracle of the
tests), ``results`` (the result table, missing prices), ``limits`` (the defaults the contracts
hold to), ``files`` (the CSV inputs and output of `bpost lending calc`, validated).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULE_OF = {
    "calculate": "engine",
    "RESULT_COLUMNS": "results",
    "MissingPrice": "results",
    "MissingPriceError": "results",
    "Agreement": "terms",
    "DayCount": "terms",
    "DaysCounted": "terms",
    "PriceBasis": "terms",
    "Rounding": "terms",
}


def __getattr__(name: str) -> Any:
    """The names above, imported from their module on first use: they load numpy and pandas,
    which a light module of the package (``limits``, for `bpost lending --help`) does without."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value
