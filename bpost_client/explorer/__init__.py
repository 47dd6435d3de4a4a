"""The block explorer (``bpost explorer serve``): server-rendered pages over the chain index for
the signed-in institutions, the chain's blocks, transactions, addresses and contracts
(:mod:`.chain_pages`) and the platform's records (:mod:`.domain`).

Build the app with :func:`bpost_client.explorer.app.create_explorer`; pages render through
:mod:`.render`, whose filters the templates share.
"""

from __future__ import annotations

__all__: list[str] = []
