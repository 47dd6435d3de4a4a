"""The explorer's pages of the platform's records (institutions, funds, SSIs, reference data,
lending), read from the index's ``records`` table, and the search terms (codes and names) that
lead to them."""

from __future__ import annotations

from bpost_client.explorer.domain.named import Named, find_named
from bpost_client.explorer.domain.pages import router
from bpost_client.explorer.domain.search import find_domain

__all__ = ["Named", "find_domain", "find_named", "router"]
