"""SSIs to and from files: the SSI table, its validation, upload and export.

Columns (one SSI a row; lists separated by ``;``): ``fund_code`` (empty for every fund),
``market`` (MIC), ``security_type``, ``currency``, ``settlement_method``, ``custodian_bic``,
``place_of_settlement``, ``account`` (confidential), ``effective_from``, ``effective_to``,
``counterparties`` (LEIs the account is shared with and who are notified); export adds
``owner`` and ``version``, which upload ignores.

An upload publishes the rows of the signer's institution whose latest published version differs
(terms, counterparties or account), so a re-run publishes nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from bpost_client.client import Client
from bpost_client.currencies import check_currency
from bpost_client.exceptions import ContractRevert, RowError
from bpost_client.identifiers import check_bic, check_fund_code, check_lei
from bpost_client.io.cells import Cells, parse_rows, split_list
from bpost_client.io.tables import parse_date
from bpost_client.io.upload import OnDone, Upload, UploadReport, run_upload
from bpost_client.markets import check_mic
from bpost_client.platform.confidential import NotEntitledError
from bpost_client.platform.participants import (
    encryption_key_of,
    get_institution,
    signer_institution,
)
from bpost_client.registry.funds import FUND_CODE_NAMESPACE, resolve_fund
from bpost_client.registry.ssi import (
    Ssi,
    SsiTerms,
    check_security_type,
    check_settlement_method,
    list_ssis,
    publish_ssis,
    read_account,
    ssi_key,
)
from bpost_client.types import Lei

__all__ = [
    "EXPORT_COLUMNS",
    "SSI_COLUMNS",
    "SSI_UPLOAD",
    "SsiRow",
    "export_ssis",
    "upload_ssis",
    "validate_ssi_table",
]

SSI_COLUMNS = (
    "fund_code",
    "market",
    "security_type",
    "currency",
    "settlement_method",
    "custodian_bic",
    "place_of_settlement",
    "account",
    "effective_from",
    "effective_to",
    "counterparties",
)
EXPORT_COLUMNS = (*SSI_COLUMNS, "owner", "version")
REQUIRED = (
    "market",
    "security_type",
    "currency",
    "settlement_method",
    "custodian_bic",
    "account",
    "effective_from",
)


@dataclass(frozen=True)
class SsiRow:
    """A valid row."""

    row: int
    terms: SsiTerms
    account: str
    counterparties: tuple[Lei, ...]


def _leis(text: str) -> tuple[Lei, ...]:
    leis = tuple(check_lei(item) for item in split_list(text))
    if len(set(leis)) != len(leis):
        raise ValueError("an LEI repeats")
    return leis


def validate_ssi_table(frame: pd.DataFrame) -> tuple[list[SsiRow], list[RowError]]:
    """The valid rows of an SSI table and an error for every bad cell (no chain access)."""
    seen: dict[tuple[object, ...], int] = {}

    def row(cells: Cells) -> SsiRow | None:
        market = cells.get("market", check_mic)
        kind = cells.get("security_type", check_security_type)
        currency = cells.get("currency", check_currency)
        method = cells.get("settlement_method", check_settlement_method)
        fund = cells.get("fund_code", check_fund_code, required=False)
        bic = cells.get("custodian_bic", check_bic)
        place = cells.get("place_of_settlement", check_bic, required=False) or ""
        start = cells.get("effective_from", parse_date)
        end = cells.get("effective_to", parse_date, required=False)
        account = cells.get("account", str)
        counterparties = cells.get("counterparties", _leis, required=False) or ()
        if cells.errors or not (market and kind and currency and method and bic and start):
            return None
        key = (fund, market, kind, currency, method, start)
        if key in seen:
            cells.fail("market", f"the same SSI and effective date as row {seen[key]}")
            return None
        seen[key] = cells.row
        if account is None:
            return None
        try:
            terms = SsiTerms(
                market=market,
                security_type=kind,
                currency=currency,
                settlement_method=method,
                custodian_bic=bic,
                effective_from=start,
                place_of_settlement=place,
                effective_to=end,
                fund_code=fund,
            )
        except ValueError as exc:
            cells.fail("effective_to", str(exc))
            return None
        return SsiRow(cells.row, terms, account, counterparties)

    return parse_rows(frame, REQUIRED, EXPORT_COLUMNS, row)


def _own_key(client: Client, owner: Lei) -> bytes | None:
    """The signer's private key when it is the institution's registered encryption key."""
    account = client.account
    if (
        account is None
        or encryption_key_of(account) != get_institution(client, owner).encryption_key
    ):
        return None
    return bytes(account.key)


def _same(client: Client, ssi: Ssi, row: SsiRow, owner: Lei, key: bytes | None) -> bool:
    if ssi.terms != row.terms or set(ssi.account.entitled) != {owner, *row.counterparties}:
        return False
    if key is None:
        return True
    try:
        return read_account(client, ssi, owner, key) == row.account
    except NotEntitledError:
        return False


def _plan(client: Client, rows: list[SsiRow], report: UploadReport[SsiRow]) -> Lei:
    """File the SSIs not published as they are (``publish``) for the signer's institution; a
    fund that is not registered and a counterparty not on the platform are errors."""
    owner = signer_institution(client, "publish SSIs")
    for row in rows:
        code = row.terms.fund_code
        if code and resolve_fund(client, FUND_CODE_NAMESPACE, code) != code:
            report.errors.append(RowError(row.row, "fund_code", f"{code} is not a registered fund"))
        for lei in row.counterparties:
            try:
                get_institution(client, lei)
            except ContractRevert:
                report.errors.append(
                    RowError(row.row, "counterparties", f"{lei} is not on the platform")
                )
    bad = report.bad_rows
    latest = {published.key: published for published in list_ssis(client, owner)}
    key = _own_key(client, owner)
    for row in rows:
        if row.row in bad:
            continue
        current = latest.get(ssi_key(owner, row.terms))
        if current is not None and _same(client, current, row, owner, key):
            report.unchanged.append(row.row)
        else:
            report.plan("publish", row.row, row)
    return owner


def _send(client: Client, report: UploadReport[SsiRow], _owner: Lei, on_done: OnDone) -> int:
    by_counterparties: dict[tuple[Lei, ...], list[SsiRow]] = {}
    for row in report.items("publish"):
        by_counterparties.setdefault(row.counterparties, []).append(row)
    sent = 0
    for counterparties, group in by_counterparties.items():
        sent += len(
            publish_ssis(client, [(r.terms, r.account) for r in group], counterparties, on_done)
        )
    return sent


SSI_UPLOAD: Upload[SsiRow, SsiRow, Lei] = Upload(
    "SSI file", ("publish",), validate_ssi_table, _plan, _send
)
"""The SSIs of a file for the signer's institution, published when not on chain as they are."""


upload_ssis = partial(run_upload, SSI_UPLOAD)
"""``upload_ssis(client, source, skip_invalid=, dry_run=, on_done=)``: publish the SSIs of a file
for the signer's institution, those not already published as they are."""


def export_ssis(client: Client, owner: str, private_key: bytes | None = None) -> pd.DataFrame:
    """The latest version of every SSI of ``owner`` as the SSI table; the account column is
    filled when ``private_key`` opens it for the owner, else left empty."""
    latest: dict[bytes, Ssi] = {}
    for published in list_ssis(client, owner):
        latest[published.key] = published
    rows = []
    for ssi in latest.values():
        terms = ssi.terms
        account = ""
        if private_key is not None:
            try:
                account = read_account(client, ssi, ssi.owner, private_key)
            except NotEntitledError:
                account = ""
        rows.append(
            {
                "fund_code": terms.fund_code or "",
                "market": terms.market,
                "security_type": terms.security_type,
                "currency": terms.currency,
                "settlement_method": terms.settlement_method,
                "custodian_bic": terms.custodian_bic,
                "place_of_settlement": terms.place_of_settlement,
                "account": account,
                "effective_from": terms.effective_from.isoformat(),
                "effective_to": terms.effective_to.isoformat() if terms.effective_to else "",
                "counterparties": ";".join(lei for lei in ssi.account.entitled if lei != ssi.owner),
                "owner": ssi.owner,
                "version": str(ssi.version),
            }
        )
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
