"""The code vocabularies: markets by MIC, ISO 4217 currencies, SSI security types and settlement
methods; each read in any case, each refusal naming what is accepted."""

from __future__ import annotations

import exchange_calendars
import pytest

from bpost_client.currencies import MINOR_UNITS, check_currency
from bpost_client.markets import KNOWN_MICS, check_mic
from bpost_client.registry.ssi import check_security_type, check_settlement_method


def test_markets__every_exchange_with_a_calendar__known() -> None:
    names = exchange_calendars.get_calendar_names(include_aliases=True)
    mics = {n for n in names if len(n) == 4 and n.startswith("X") and n.isalnum()}
    assert mics - KNOWN_MICS == set(), "a calendar the operator can publish has a known market"
    assert {"XTKS", "XOSE", "XNGO", "XFKA", "XSAP", "XOFF"} <= KNOWN_MICS


@pytest.mark.parametrize(
    ("typed", "read"), [("xtks", "XTKS"), (" XNYS ", "XNYS"), ("xOff", "XOFF")]
)
def test_mic__any_case__upper_cased(typed: str, read: str) -> None:
    assert check_mic(typed) == read


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("XXXX", "not a market the platform knows"), ("XTSK", "not a market"),
     ("TOKYO", "not a MIC"), ("XT-S", "not a MIC"), ("", "not a MIC")],
)  # fmt: skip
def test_mic__unknown_or_malformed__refused(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_mic(typed)


def test_currency__any_case__iso_4217_only() -> None:
    assert check_currency(" jpy") == "JPY" and check_currency("Usd") == "USD"
    assert {"JPY", "USD", "EUR", "KWD"} <= set(MINOR_UNITS)
    for bad in ("JPN", "YEN", "JP", ""):
        with pytest.raises(ValueError, match="not an ISO 4217 currency code"):
            check_currency(bad)


def test_ssi_codes__any_case__refusal_lists_the_accepted() -> None:
    assert check_security_type("equity") == "EQUITY" and check_settlement_method("dvp") == "DVP"
    with pytest.raises(ValueError, match=r"'EQUTY' is not a security type \(one of EQUITY, "):
        check_security_type("EQUTY")
    with pytest.raises(ValueError, match=r"'DVPP' is not a settlement method \(one of DVP, "):
        check_settlement_method("DVPP")
