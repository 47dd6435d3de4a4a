"""bpost_client: the library institutions use to work with B-POST over any EVM JSON-RPC node.

Start with :func:`connect`; the domain packages take the client it returns: ``platform``
(participants, roles, the roster, codes, confidentiality, signers, deployment, the embedded
chain), ``registry`` (use case 1: funds, SSIs, corporate information), ``reference`` (calendars,
securities, prices, dividends), ``distribution`` (use case 2) and ``lending`` (use case 3); over
them ``indexer``, ``api``, ``explorer`` and ``cli``. Nothing here imports Ape: the contracts' ABIs
ship in ``bpost_client/abi``.

Importing this package loads nothing else: the names below are loaded when first used (PEP 562).
The modules that stood at the package's root before the layout by domain (``bpost_client.funds``
...) are still reached as attributes of the package, with a DeprecationWarning, until release
0.3; ``import bpost_client.funds`` and ``from bpost_client.funds import ...`` no longer work.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bpost_client.client import Client, connect
    from bpost_client.exceptions import BPostError, ContractRevert, ValidationError

__all__ = ["BPostError", "Client", "ContractRevert", "ValidationError", "connect"]
__version__ = "0.2.0"

_EXPORTS = {
    "BPostError": "bpost_client.exceptions",
    "Client": "bpost_client.client",
    "ContractRevert": "bpost_client.exceptions",
    "ValidationError": "bpost_client.exceptions",
    "connect": "bpost_client.client",
}

MOVED = {
    "participants": "bpost_client.platform.participants",
    "roles": "bpost_client.platform.roles",
    "roster": "bpost_client.platform.roster",
    "codes": "bpost_client.platform.codes",
    "confidential": "bpost_client.platform.confidential",
    "signers": "bpost_client.platform.signers",
    "deployment": "bpost_client.platform.deployment",
    "chain": "bpost_client.platform.chain",
    "events": "bpost_client.platform.events",
    "explorer_links": "bpost_client.platform.explorer_links",
    "funds": "bpost_client.registry.funds",
    "fund_table": "bpost_client.registry.fund_table",
    "fund_files": "bpost_client.registry.fund_files",
    "ssi": "bpost_client.registry.ssi",
    "ssi_files": "bpost_client.registry.ssi_files",
    "corporate": "bpost_client.registry.corporate",
    "corporate_files": "bpost_client.registry.corporate_files",
    "calendars": "bpost_client.reference.calendars",
    "securities": "bpost_client.reference.securities",
    "security_files": "bpost_client.reference.security_files",
    "prices": "bpost_client.reference.prices",
    "price_files": "bpost_client.reference.price_files",
    "dividends": "bpost_client.reference.dividends",
    "dividend_files": "bpost_client.reference.dividend_files",
    "navs": "bpost_client.distribution.navs",
    "notices": "bpost_client.distribution.notices",
    "merkle": "bpost_client.distribution.merkle",
    "subscriptions": "bpost_client.distribution.subscriptions",
    "publication": "bpost_client.distribution.publication",
    "feed": "bpost_client.distribution.feed",
    "watcher": "bpost_client.distribution.watcher",
}
"""Old module paths (before 0.2, the layout by domain) and where the modules are now: reached
through :func:`__getattr__` until release 0.3."""


def __getattr__(name: str) -> Any:
    """The public names, imported on first use; a moved module by its old name, with a warning."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in MOVED:
        warnings.warn(
            f"bpost_client.{name} is now {MOVED[name]}; the old path goes in release 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(MOVED[name])
    raise AttributeError(f"module 'bpost_client' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
