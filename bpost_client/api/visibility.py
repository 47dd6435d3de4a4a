"""Which funds an institution sees, and naming a fund by any of its codes.

An institution sees a fund when it is one of the fund's parties on chain: its asset manager,
trustee, a distributor or a custodian (:func:`bpost_client.registry.funds.get_fund`), by the
rule the explorer shares (:func:`bpost_client.platform.entitlement.fund_access`). What the
chain says of a fund is cached per fund and forgotten when the fund's definitive version or status
changes (the index tells of each range of blocks it reads), or all at once when the index read
everything again. A fund an institution does not see is answered as one that does not exist.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bpost_client.client import Client
from bpost_client.distribution.standard.records import check_fund
from bpost_client.exceptions import ContractRevert
from bpost_client.platform.entitlement import Access, Reader, fund_access
from bpost_client.platform.projection import records_of
from bpost_client.registry import funds
from bpost_client.registry.projection import PROJECTORS
from bpost_client.types import FundCode, FundStatus, Lei, PartyRole

__all__ = ["FUND_CHANGES", "FundDirectory", "FundView"]

FUND_CHANGES = ("FundVersionMadeDefinitive", "FundStatusChanged")
"""The FundRegistry events after which a fund's cached view is read again."""


@dataclass(frozen=True)
class FundView:
    """What the API shows of a fund and who its parties are."""

    code: FundCode
    name_ja: str
    name_en: str
    status: FundStatus
    asset_manager: Lei
    parties: tuple[funds.Party, ...]

    def roles_of(self, lei: str) -> list[PartyRole]:
        """The roles ``lei`` has in the fund (none: it does not see the fund)."""
        return sorted({p.role for p in self.parties if p.lei == lei})


class FundDirectory:
    """Funds named by platform or ITA code, their parties, cached; safe from several threads."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._views: dict[str, FundView] = {}
        self._ita: dict[str, FundCode] = {}

    def resolve(self, text: str) -> FundCode | None:
        """The platform code of the fund ``text`` names (a platform or an ITA code), or None when
        no fund has that ITA code.

        Raises:
            ValueError: ``text`` is neither kind of code.
        """
        code = check_fund(text)
        if len(code) == 11:
            return FundCode(code)
        with self._lock:
            known = self._ita.get(code)
        if known is not None:
            return known
        found = funds.resolve_fund(self._client, "ITA", code)
        if found is not None:
            with self._lock:
                self._ita[code] = found
        return found

    def view(self, code: str) -> FundView | None:
        """What the chain says of the fund ``code`` (a platform code), or None: no such fund."""
        with self._lock:
            cached = self._views.get(code)
        if cached is not None:
            return cached
        try:
            record = funds.get_fund(self._client, code)
        except ContractRevert as exc:
            if exc.error_name == "FundRegistryUnknownFund":
                return None
            raise
        view = FundView(
            code=record.code,
            name_ja=record.attributes.name_ja,
            name_en=record.attributes.name_en,
            status=record.status,
            asset_manager=record.asset_manager,
            parties=record.parties,
        )
        with self._lock:
            self._views[code] = view
        return view

    def visible(self, lei: str, code: str) -> FundView | None:
        """The fund ``code`` when ``lei`` is one of its parties, else None."""
        view = self.view(code)
        if view is None:
            return None
        access = fund_access(Reader(lei), (p.lei for p in view.parties))
        return view if access is Access.CONTENT else None

    def on_blocks(self, start: int, end: int, rebuilt: bool) -> None:
        """Forget the funds changed in a range of blocks (all of them when ``rebuilt``)."""
        if rebuilt:
            with self._lock:
                self._views.clear()
                self._ita.clear()
            return
        entries = records_of(
            self._client, funds.CONTRACT, PROJECTORS, FUND_CHANGES, None, start, end
        )
        changed = {entry.record.key for entry in entries}
        with self._lock:
            for code in changed:
                self._views.pop(code, None)
