"""ISO 4217 currencies: the codes and the decimals of each one's minor unit (JPY 0, USD 2, KWD 3),
which every amount in minor units is counted in."""

from __future__ import annotations

__all__ = ["MINOR_UNITS", "check_currency", "minor_unit"]


def _minor_units() -> dict[str, int]:
    zero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
    three = "BHD IQD JOD KWD LYD OMR TND"
    four = "CLF UYW"
    two = (
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN "
        "BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP "
        "GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT "
        "LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN "
        "NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE "
        "SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VES WST "
        "XCD YER ZAR ZMW ZWG"
    )
    units: dict[str, int] = {}
    for digits, codes in ((0, zero), (2, two), (3, three), (4, four)):
        units.update(dict.fromkeys(codes.split(), digits))
    return units


MINOR_UNITS: dict[str, int] = _minor_units()
"""ISO 4217 currency code -> number of decimals of its minor unit (JPY 0, USD 2, KWD 3...)."""


def minor_unit(currency: str) -> int:
    """The decimals of ``currency``'s minor unit (ISO 4217).

    Raises:
        ValueError: not an ISO 4217 currency code with a minor unit.
    """
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f"unknown currency {currency!r} (not in ISO 4217)") from None


def check_currency(text: str) -> str:
    """``text`` as an ISO 4217 currency code, stripped and upper-cased (``jpy`` is ``JPY``).

    Raises:
        ValueError: not a code ISO 4217 lists with a minor unit (``JPN`` is a country).
    """
    code = text.strip().upper()
    if code not in MINOR_UNITS:
        raise ValueError(f"{text.strip()!r} is not an ISO 4217 currency code (JPY, USD, EUR...)")
    return code
