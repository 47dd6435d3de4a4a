"""Every validation rule of the upload tables, each with a bad row: the row, the column and a
reason are reported (pure validation, no chain)."""

from __future__ import annotations

import pandas as pd
import pytest

from bpost_client.registry.corporate_files import validate_corporate_table
from bpost_client.registry.fund_table import validate_fund_table
from bpost_client.registry.ssi_files import validate_ssi_table
from tests.helpers import make_lei
from tests.registry.test_fund_files import row as fund_row
from tests.registry.test_institution_files import corporate_row, ssi_row

LONG_NAME = "名" * 70  # 210 bytes of UTF-8
MANY_CODES = ";".join(f"V{i}:C{i}" for i in range(7))
MANY_PARTIES = ";".join(make_lei(n) for n in range(15))

FUND_RULES = [
    ("manager_code", {"manager_code": ""}, "empty"),
    ("manager_code", {"manager_code": "X" * 33}, "32"),
    ("name_ja", {"name_ja": "", "name_en": ""}, "name"),
    ("name_ja", {"name_ja": LONG_NAME}, "200 bytes"),
    ("trustee_lei", {"trustee_lei": "3538000FUJITRUST0139"}, "check digits"),
    ("trustee_lei", {"trustee_lei": "FUJI"}, "not a LEI"),
    ("fund_type", {"fund_type": "crypto"}, "unknown fund type"),
    ("currency", {"currency": "yen"}, "ISO 4217"),
    ("establishment_date", {"establishment_date": "2026-02-30"}, "not a calendar date"),
    ("establishment_date", {"establishment_date": ""}, "empty"),
    ("redemption_date", {"redemption_date": "2026-03-31"}, "not after"),
    ("isin", {"isin": "JP90C000H1T2"}, "check digit"),
    ("isin", {"isin": "JP90C000H1"}, "not an ISIN"),
    ("ita_code", {"ita_code": "0331-418"}, "8 letters or digits"),
    ("other_codes", {"other_codes": "VENDOR"}, "NAMESPACE:VALUE"),
    ("other_codes", {"other_codes": "ISIN:JP90C000H1T2"}, "check digit"),
    ("other_codes", {"other_codes": "BPFC:BP000000018"}, "platform's own"),
    ("other_codes", {"other_codes": "AM/X:1"}, "platform's own"),
    (
        "other_codes",
        {"isin": "JP90C000H1T1", "ita_code": "0331418A", "other_codes": MANY_CODES},
        "more than 8",
    ),
    ("distributors", {"distributors": "3538000KANDABANK0194"}, "check digits"),
    ("distributors", {"distributors": "3538000KANDABANK0193;3538000KANDABANK0193"}, "repeats"),
    ("distributors", {"distributors": "3538000FUJITRUST0138"}, "trustee 3538000FUJITRUST0138"),
    ("custodians", {"custodians": "3538000FUJITRUST0138"}, "cannot also be a distributor"),
    ("distributors", {"custodians": "3538000KANDABANK0193"}, "twice"),
    ("distributors", {"distributors": MANY_PARTIES}, "more than 14"),
    ("custodians", {"custodians": "bank"}, "not a LEI"),
    ("fund_code", {"fund_code": "BP000000019"}, "check character"),
]


@pytest.mark.parametrize(
    ("column", "changes", "reason"), FUND_RULES, ids=[f"{c}-{r}" for c, _, r in FUND_RULES]
)
def test_fund_table__each_rule__names_row_column_reason(
    column: str, changes: dict[str, str], reason: str
) -> None:
    frame = pd.DataFrame([fund_row("GOOD"), {**fund_row("BAD"), **changes}])
    rows, errors = validate_fund_table(frame)
    assert [r.registration.manager_code for r in rows] == ["GOOD"]
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason


def test_fund_table__repeated_codes__name_the_first_row() -> None:
    frame = pd.DataFrame(
        [
            fund_row("A", isin="JP90C000H1T1", ita_code="0331418A"),
            fund_row("A", isin="JP90C000H1T1", ita_code="0331418A"),
        ]
    )
    _, errors = validate_fund_table(frame)
    assert {(e.row, e.column) for e in errors} == {
        (3, "manager_code"),
        (3, "isin"),
        (3, "ita_code"),
    }
    assert all("repeats row 2" in e.reason for e in errors)


def test_fund_table__codes_in_lower_case__read_in_capitals() -> None:
    typed = fund_row("LOWER", currency="jpy", other_codes="isin:jp90c000h1t1;ita:0331418a")
    rows, errors = validate_fund_table(pd.DataFrame([typed]))
    assert errors == []
    registration = rows[0].registration
    assert registration.attributes.currency == "JPY"
    assert registration.codes == (("ISIN", "JP90C000H1T1"), ("ITA", "0331418A"))


def test_fund_table__required_column_missing__reported_on_the_header() -> None:
    _, errors = validate_fund_table(pd.DataFrame([{"manager_code": "X"}]))
    assert {(e.row, e.column) for e in errors} >= {(1, "trustee_lei"), (1, "currency")}


SSI_RULES = [
    ("market", {"market": ""}, "empty"),
    ("market", {"market": "TOKYO"}, "not a MIC"),
    ("market", {"market": "XXXX"}, "not a market the platform knows"),
    ("security_type", {"security_type": "EQUTY"}, "one of EQUITY, BOND"),
    ("currency", {"currency": "JPN"}, "not an ISO 4217 currency code"),
    ("settlement_method", {"settlement_method": "DVPP"}, "one of DVP, FOP, CASH"),
    ("custodian_bic", {"custodian_bic": "MHCB"}, "not a BIC"),
    ("custodian_bic", {"custodian_bic": "MHCBQQJT"}, "ISO 3166"),
    ("place_of_settlement", {"place_of_settlement": "JASD"}, "not a BIC"),
    ("account", {"account": ""}, "empty"),
    ("effective_from", {"effective_from": "2026-04-31"}, "not a calendar date"),
    ("effective_to", {"effective_to": "20260"}, "not a date"),
    ("effective_to", {"effective_to": "2026-03-31"}, "before"),
    ("currency", {"currency": "JAPANYEN"}, "not an ISO 4217 currency code"),
    ("settlement_method", {"settlement_method": ""}, "empty"),
    ("fund_code", {"fund_code": "BP000000019"}, "check character"),
    ("counterparties", {"counterparties": "3538000SAKURAAM00152"}, "check digits"),
]


@pytest.mark.parametrize(
    ("column", "changes", "reason"), SSI_RULES, ids=[f"{c}-{r}" for c, _, r in SSI_RULES]
)
def test_ssi_table__each_rule__names_row_column_reason(
    column: str, changes: dict[str, str], reason: str
) -> None:
    frame = pd.DataFrame([ssi_row(), {**ssi_row(security_type="BOND"), **changes}])
    rows, errors = validate_ssi_table(frame)
    assert len(rows) == 1
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason


def test_ssi_table__codes_in_lower_case__read_as_their_upper_case() -> None:
    typed = ssi_row(market=" xtks", security_type="equity", currency="jpy", settlement_method="dvp")
    rows, errors = validate_ssi_table(pd.DataFrame([typed]))
    assert errors == []
    terms = rows[0].terms
    assert (terms.market, terms.security_type, terms.currency, terms.settlement_method) == (
        "XTKS", "EQUITY", "JPY", "DVP"
    )  # fmt: skip


CORPORATE_RULES = [
    ("lei", {"lei": "FUJI"}, "not a LEI"),
    ("registered_address", {"registered_address": ""}, "empty"),
    ("aml_status", {"aml_status": "fine"}, "unknown value"),
    ("next_review_date", {"next_review_date": "soon"}, "not a date"),
    ("fatca_status", {"fatca_status": "ffi"}, "unknown value"),
    ("giin", {"giin": "98Q96B-00000.LE.392"}, "not a GIIN"),
    ("giin", {"giin": ""}, "holds a GIIN"),
    ("crs_status", {"crs_status": "none"}, "unknown value"),
    ("lei_renewal_date", {"lei_renewal_date": ""}, "empty"),
    ("kyc_document_hashes", {"kyc_document_hashes": "0x1234"}, "32-byte"),
    ("kyc_document_hashes", {"kyc_document_hashes": ";".join(["0x" + "ab" * 32] * 33)}, "at most"),
    ("share_with", {"share_with": "3538000SAKURAAM00152"}, "check digits"),
]


@pytest.mark.parametrize(
    ("column", "changes", "reason"),
    CORPORATE_RULES,
    ids=[f"{c}-{r}" for c, _, r in CORPORATE_RULES],
)
def test_corporate_table__each_rule__names_row_column_reason(
    column: str, changes: dict[str, str], reason: str
) -> None:
    frame = pd.DataFrame(
        [corporate_row(lei="3538000KANDABANK0193"), {**corporate_row(), **changes}]
    )
    rows, errors = validate_corporate_table(frame)
    assert len(rows) == 1
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason
