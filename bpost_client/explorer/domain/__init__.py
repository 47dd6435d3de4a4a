"""The explorer's pages of the platform's records (institutions, funds, SSIs, reference data,
lending), read from the index's ``records`` table, and the search terms that lead to them."""

from __future__ import annotations

from bpost_client.explorer.domain.pages import router
from bpost_client.explorer.domain.search import find_domain

__all__ = ["find_domain", "router"]
