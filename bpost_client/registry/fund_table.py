"""The fund table: the columns that fund upload reads and fund export writes, and the pure
validation of its rows (every bad cell reported with its row, column and reason).

Columns (one fund a row; lists separated by ``;``):

===================  =====================================================================
manager_code         the asset manager's own code for the fund: the upload key (required)
name_ja, name_en     names; at least one
trustee_lei          the trust bank (LEI)
fund_type            equity, bond, balanced, money_market, reit, etf, other
currency             ISO 4217, e.g. JPY
establishment_date   YYYY-MM-DD
redemption_date      YYYY-MM-DD, empty when open-ended
isin                 ISO 6166 (check digit verified), optional
ita_code             the Investment Trusts Association code (8 letters or digits), optional
other_codes          NAMESPACE:VALUE;... in namespaces opened on the platform, optional
distributors         LEI;LEI;...
custodians           LEI;LEI;...
fund_code            written by export; on upload, when given, it must be the fund's code
status, version      written by export; ignored on upload
===================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from bpost_client.currencies import check_currency
from bpost_client.exceptions import RowError
from bpost_client.identifiers import (
    bytes32_from_ascii,
    check_fund_code,
    check_isin,
    check_ita_code,
    check_lei,
)
from bpost_client.io.cells import Cells, parse_rows, split_list
from bpost_client.io.tables import parse_date
from bpost_client.registry.funds import (
    FUND_CODE_NAMESPACE,
    FundAttributes,
    FundRegistration,
    Party,
)
from bpost_client.types import FundCode, FundType, Lei, PartyRole

__all__ = [
    "EXPORT_COLUMNS",
    "FUND_COLUMNS",
    "RESERVED_NAMESPACES",
    "FundRow",
    "registration_row",
    "table",
    "validate_fund_table",
]

FUND_COLUMNS = (
    "manager_code", "name_ja", "name_en", "trustee_lei", "fund_type", "currency",
    "establishment_date", "redemption_date", "isin", "ita_code", "other_codes", "distributors",
    "custodians",
)  # fmt: skip
EXPORT_COLUMNS = (*FUND_COLUMNS, "fund_code", "status", "version")
REQUIRED_COLUMNS = ("manager_code", "trustee_lei", "fund_type", "currency", "establishment_date")
RESERVED_NAMESPACES = (FUND_CODE_NAMESPACE,)
MAX_NAME_BYTES = 200
MAX_CODES = 8
MAX_OTHER_PARTIES = 14


@dataclass(frozen=True)
class FundRow:
    """A valid row: where it came from and the registration it asks for."""

    row: int
    registration: FundRegistration
    fund_code: FundCode | None = None


def _name(text: str) -> str:
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        raise ValueError(f"longer than {MAX_NAME_BYTES} bytes of UTF-8")
    return text


def _fund_type(text: str) -> FundType:
    key = text.strip().upper().replace(" ", "_").replace("-", "_")
    if key.isdigit() and int(key) in FundType._value2member_map_:
        return FundType(int(key))
    try:
        return FundType[key]
    except KeyError:
        names = ", ".join(t.name.lower() for t in FundType)
        raise ValueError(f"unknown fund type {text!r} (one of {names})") from None


def _other_codes(text: str) -> list[tuple[str, str]]:
    """``NS:VALUE;NS:VALUE`` as pairs, each part a code of at most 32 ASCII characters; a second
    ISIN or ITA code goes here too (checked as in its own column)."""
    codes = []
    for item in split_list(text):
        namespace, sep, value = item.partition(":")
        namespace, value = namespace.strip(), value.strip()
        if not sep or not namespace or not value:
            raise ValueError(f"{item!r} is not NAMESPACE:VALUE")
        if namespace.upper() in RESERVED_NAMESPACES or namespace.upper().startswith("AM/"):
            raise ValueError(f"namespace {namespace} is the platform's own")
        if namespace.upper() in ("ISIN", "ITA"):  # the platform's own names, in capitals
            namespace = namespace.upper()
        if namespace == "ISIN":
            value = check_isin(value)
        elif namespace == "ITA":
            value = check_ita_code(value)
        bytes32_from_ascii(namespace)
        bytes32_from_ascii(value)
        codes.append((namespace, value))
    return codes


def _leis(text: str) -> list[Lei]:
    leis = [check_lei(item) for item in split_list(text)]
    if len(set(leis)) != len(leis):
        raise ValueError("an LEI repeats")
    return leis


def _row(cells: Cells, seen: dict[tuple[str, str], int]) -> FundRow | None:
    manager_code = cells.text["manager_code"]
    cells.get("manager_code", bytes32_from_ascii)
    name_ja = cells.get("name_ja", _name, required=False) or ""
    name_en = cells.get("name_en", _name, required=False) or ""
    if not cells.text["name_ja"] and not cells.text["name_en"]:
        cells.fail("name_ja", "a fund needs a Japanese or an English name")
    trustee = cells.get("trustee_lei", check_lei)
    fund_type = cells.get("fund_type", _fund_type)
    currency = cells.get("currency", check_currency)
    established = cells.get("establishment_date", parse_date)
    redeemed = cells.get("redemption_date", parse_date, required=False)
    if established and redeemed and redeemed <= established:
        cells.fail("redemption_date", "not after the establishment date")
    isin = cells.get("isin", check_isin, required=False)
    ita = cells.get("ita_code", check_ita_code, required=False)
    others = cells.get("other_codes", _other_codes, required=False) or []
    distributors = cells.get("distributors", _leis, required=False) or []
    custodians = cells.get("custodians", _leis, required=False) or []
    fund_code = cells.get("fund_code", check_fund_code, required=False)

    codes = [("ISIN", isin)] if isin else []
    codes += [("ITA", ita)] if ita else []
    codes += others
    if len(codes) > MAX_CODES:
        cells.fail("other_codes", f"more than {MAX_CODES} codes")
    parties = [Party(lei, PartyRole.DISTRIBUTOR) for lei in distributors]
    parties += [Party(lei, PartyRole.CUSTODIAN) for lei in custodians]
    leis = [p.lei for p in parties]
    if len(set(leis)) != len(leis):
        cells.fail("distributors", "an institution appears twice among the parties")
    if trustee is not None and trustee in leis:
        column = "distributors" if trustee in distributors else "custodians"
        cells.fail(column, f"the trustee {trustee} cannot also be a distributor or custodian")
    if len(parties) > MAX_OTHER_PARTIES:
        cells.fail("distributors", f"more than {MAX_OTHER_PARTIES} parties")
    column_of = {"ISIN": "isin", "ITA": "ita_code"}
    keys = [(("AM", manager_code), "manager_code")]
    keys += [(code, column_of.get(code[0], "other_codes")) for code in codes]
    for key, column in keys:
        if key in seen:
            cells.fail(column, f"{key[1]} repeats row {seen[key]}")
        elif key[1]:
            seen[key] = cells.row
    if cells.errors or trustee is None or fund_type is None or currency is None:
        return None
    if established is None:
        return None
    attributes = FundAttributes(
        name_ja=name_ja, name_en=name_en, trustee=trustee, fund_type=fund_type, currency=currency,
        establishment_date=established, redemption_date=redeemed,
    )  # fmt: skip
    registration = FundRegistration(manager_code, attributes, tuple(codes), tuple(parties))
    return FundRow(cells.row, registration, fund_code)


def validate_fund_table(frame: pd.DataFrame) -> tuple[list[FundRow], list[RowError]]:
    """The valid rows of a fund table and an error for every bad cell (pure: no chain access).

    Row numbers are spreadsheet rows: the header is row 1.
    """
    seen: dict[tuple[str, str], int] = {}
    return parse_rows(frame, REQUIRED_COLUMNS, EXPORT_COLUMNS, lambda cells: _row(cells, seen))


def registration_row(
    registration: FundRegistration, fund_code: str = "", status: str = "", version: str = ""
) -> dict[str, str]:
    """A registration as a row of the fund table (the inverse of validation)."""
    attributes = registration.attributes
    own_column: dict[str, str] = {}
    others = []
    for namespace, value in registration.codes:  # the first ISIN and ITA have their own columns
        if namespace in ("ISIN", "ITA") and namespace not in own_column:
            own_column[namespace] = value
        else:
            others.append(f"{namespace}:{value}")
    return {
        "manager_code": registration.manager_code,
        "name_ja": attributes.name_ja,
        "name_en": attributes.name_en,
        "trustee_lei": attributes.trustee,
        "fund_type": attributes.fund_type.name.lower(),
        "currency": attributes.currency,
        "establishment_date": attributes.establishment_date.isoformat(),
        "redemption_date": attributes.redemption_date.isoformat()
        if attributes.redemption_date
        else "",
        "isin": own_column.get("ISIN", ""),
        "ita_code": own_column.get("ITA", ""),
        "other_codes": ";".join(others),
        "distributors": ";".join(
            p.lei for p in registration.parties if p.role is PartyRole.DISTRIBUTOR
        ),
        "custodians": ";".join(
            p.lei for p in registration.parties if p.role is PartyRole.CUSTODIAN
        ),
        "fund_code": fund_code,
        "status": status,
        "version": version,
    }


def table(rows: Iterable[dict[str, str]]) -> pd.DataFrame:
    """Rows as a DataFrame in the export column order."""
    return pd.DataFrame(list(rows), columns=list(EXPORT_COLUMNS))
