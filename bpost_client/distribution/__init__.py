"""Use case 2: investment-trust distribution data.

``standard`` holds the open standard and its format adapters (no chain); beside it ``navs``,
``notices``, ``merkle``, ``subscriptions``, ``publication``, ``feed`` and ``watcher`` put it on
chain and deliver it.

Before release 0.2 this package was the standard itself: its names (``FORMATS``, ``convert``,
``records``, ``ita_csv`` ...) are still reached here, with a DeprecationWarning, until release 0.3.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from typing import Any

__all__: list[str] = []

_STANDARD = "bpost_client.distribution.standard"


def __getattr__(name: str) -> Any:
    """A name of the standard by its path before 0.2, with a warning."""
    standard = importlib.import_module(_STANDARD)
    if name.startswith("__") or not (
        hasattr(standard, name) or importlib.util.find_spec(f"{_STANDARD}.{name}") is not None
    ):
        raise AttributeError(f"module 'bpost_client.distribution' has no attribute {name!r}")
    warnings.warn(
        f"bpost_client.distribution.{name} is now {_STANDARD}.{name}; the old path goes in "
        "release 0.3",
        DeprecationWarning,
        stacklevel=2,
    )
    if hasattr(standard, name):
        return getattr(standard, name)
    return importlib.import_module(f"{_STANDARD}.{name}")
