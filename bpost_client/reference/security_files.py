"""The security master from files: columns ``isin``, ``local_code``, ``name``, ``market`` (MIC),
``currency``. An upload registers the securities not yet in the master (by ISIN), so a re-run
registers nothing; export writes the same columns and ``index``, which upload ignores."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from bpost_client.client import Client
from bpost_client.currencies import check_currency
from bpost_client.exceptions import RowError
from bpost_client.identifiers import check_isin, fixed_code
from bpost_client.io.cells import Cells, parse_rows
from bpost_client.io.upload import OnDone, Upload, UploadReport, run_upload
from bpost_client.markets import check_mic
from bpost_client.platform.codes import code_index, describe_target
from bpost_client.reference.securities import Security, list_securities, register_securities

__all__ = [
    "SECURITY_COLUMNS",
    "SECURITY_UPLOAD",
    "export_securities",
    "upload_securities",
    "validate_security_table",
]

SECURITY_COLUMNS = ("isin", "local_code", "name", "market", "currency")
REQUIRED = ("isin", "name", "market", "currency")


def _code(size: int, name: str, letters_only: bool = False) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if letters_only and not (text.isascii() and text.isalpha() and text.isupper()):
            raise ValueError(f"{text!r} is not {size} capital letters")
        fixed_code(text, size, name)
        return text

    return parse


def validate_security_table(
    frame: pd.DataFrame,
) -> tuple[list[tuple[int, Security]], list[RowError]]:
    """The valid rows of a security table (row number, security) and an error per bad cell."""
    seen: dict[str, int] = {}
    local_seen: dict[tuple[str, str], int] = {}

    def row(cells: Cells) -> tuple[int, Security] | None:
        isin = cells.get("isin", check_isin)
        name = cells.get("name", str)
        market = cells.get("market", check_mic)
        currency = cells.get("currency", check_currency)
        local = cells.get("local_code", _code(8, "local code"), required=False) or ""
        if isin is not None:
            if isin in seen:
                cells.fail("isin", f"repeats row {seen[isin]}")
            seen.setdefault(isin, cells.row)
        if local and market is not None:
            if (market, local) in local_seen:
                cells.fail("local_code", f"repeats row {local_seen[market, local]} in {market}")
            local_seen.setdefault((market, local), cells.row)
        if cells.errors or isin is None or name is None or market is None or currency is None:
            return None
        return cells.row, Security(isin, name, market, currency, local)

    return parse_rows(frame, REQUIRED, (*SECURITY_COLUMNS, "index"), row)  # as exported


def _plan(client: Client, rows: list[tuple[int, Security]], report: UploadReport[Security]) -> None:
    """File the securities not in the master (``register``); those in it are unchanged. An
    ISIN or a local code another record holds in the code registry (another security, or a
    fund: a squat the operator can undo with ``bpost codes unlink``) is an error."""
    known = {s.isin for s in list_securities(client)}
    index = code_index(client)
    for row, security in rows:
        if security.isin in known:
            report.unchanged.append(row)
            continue
        codes = [("isin", "ISIN", security.isin)]
        if security.local_code:
            codes.append(("local_code", f"LOCAL/{security.market}", security.local_code))
        held = [(column, ns, value, index[ns, value]) for column, ns, value in codes
                if (ns, value) in index]  # fmt: skip
        for column, ns, value, target in held:
            holder = describe_target(target)
            report.errors.append(RowError(row, column, f"{ns} {value} already points to {holder}"))
        if not held:
            report.plan("register", row, security)


def _send(client: Client, report: UploadReport[Security], _context: None, on_done: OnDone) -> int:
    return len(register_securities(client, report.items("register"), on_done))


SECURITY_UPLOAD: Upload[tuple[int, Security], Security, None] = Upload(
    "security file", ("register",), validate_security_table, _plan, _send
)
"""The securities of a file (a data provider), registered when not yet in the master."""


upload_securities = partial(run_upload, SECURITY_UPLOAD)
"""``upload_securities(client, source, skip_invalid=, dry_run=, on_done=)``: register the
securities of a file not yet in the master (a data provider)."""


def export_securities(client: Client) -> pd.DataFrame:
    """The security master as the security table, with each security's index."""
    rows = [
        {
            "isin": s.isin,
            "local_code": s.local_code,
            "name": s.name,
            "market": s.market,
            "currency": s.currency,
            "index": s.index,
        }
        for s in list_securities(client)
    ]
    return pd.DataFrame(rows, columns=[*SECURITY_COLUMNS, "index"])
