"""Checks and encodings of the identifiers the platform uses (LEI, addresses, ASCII codes)."""

from __future__ import annotations

import re
from collections.abc import Callable

from eth_utils.address import is_address, is_checksum_address, to_checksum_address

from bpost_client.types import Address, FundCode, Lei

__all__ = [
    "ISO_3166_ALPHA2",
    "ascii_from_bytes",
    "ascii_from_hex",
    "bytes20_from_lei",
    "bytes32_from_ascii",
    "check_address",
    "check_bic",
    "check_fund_code",
    "check_giin",
    "check_isin",
    "check_ita_code",
    "check_lei",
    "fixed_code",
    "fund_code",
    "isin_is_valid",
    "isin_with_check_digit",
    "lei_from_bytes20",
    "lei_is_valid",
    "luhn36_check",
]

_LEI = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")


def _mod97(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text)) % 97


def _checked(
    text: str, pattern: re.Pattern[str], valid: Callable[[str], bool], form: str, wrong: str
) -> str:
    """``text`` stripped and upper-cased, when it has the ``pattern`` and is ``valid``.

    Raises:
        ValueError: "<text> is not <form>", or "<text> has <wrong>" for a bad check digit.
    """
    code = text.strip().upper()
    if not pattern.match(code):
        raise ValueError(f"{text!r} is not {form}")
    if not valid(code):
        raise ValueError(f"{text!r} has {wrong}")
    return code


def lei_is_valid(text: str) -> bool:
    """Whether ``text`` is an ISO 17442 LEI: 18 letters or digits, two check digits, mod 97 == 1."""
    return bool(_LEI.match(text)) and _mod97(text) == 1


def check_lei(text: str) -> Lei:
    """``text`` as a LEI, stripped and upper-cased.

    Raises:
        ValueError: the format or the check digits are wrong.
    """
    form = "a LEI (18 letters or digits and 2 check digits)"
    return Lei(_checked(text, _LEI, lei_is_valid, form, "wrong LEI check digits"))


def check_address(text: str) -> Address:
    """``text`` as a checksummed address.

    Raises:
        ValueError: not a 20-byte hex address, or a mixed-case address with a wrong checksum.
    """
    value = text.strip()
    digits = value[2:]
    mixed = digits not in (digits.lower(), digits.upper())
    if not is_address(value) or (mixed and not is_checksum_address(value)):
        raise ValueError(
            f"{text!r} is not an address (0x and 40 hex digits, checksum if mixed case)"
        )
    return Address(to_checksum_address(value))


def bytes20_from_lei(lei: str) -> bytes:
    """The LEI as the 20 ASCII bytes the contracts key institutions by."""
    return check_lei(lei).encode("ascii")


def lei_from_bytes20(raw: bytes) -> Lei:
    """The LEI held in 20 ASCII bytes."""
    return Lei(bytes(raw).decode("ascii"))


def bytes32_from_ascii(text: str) -> bytes:
    """A code of at most 32 printable ASCII characters, left-aligned and zero-padded.

    Raises:
        ValueError: empty, too long, or not printable ASCII.
    """
    if not text or len(text) > 32 or not all(32 < ord(c) < 127 for c in text):
        raise ValueError(f"{text!r} is not a code of 1 to 32 printable ASCII characters")
    return text.encode("ascii").ljust(32, b"\0")


def ascii_from_bytes(raw: bytes) -> str:
    """The ASCII text of a zero-padded bytes value."""
    return bytes(raw).rstrip(b"\0").decode("ascii")


def ascii_from_hex(text: str) -> str:
    """The ASCII text held in a 0x-hex bytes value, as event frames and the index hold bytes
    (zero padding stripped).

    Raises:
        ValueError: not 0x-hex, or bytes that are not ASCII.
    """
    if not text.startswith("0x"):
        raise ValueError(f"{text!r} is not 0x-hex")
    return bytes.fromhex(text[2:]).rstrip(b"\0").decode("ascii")


def fixed_code(text: str, size: int, field: str) -> bytes:
    """``text`` as a code of 1 to ``size`` printable ASCII characters, zero-padded."""
    raw = text.encode("ascii")
    if not raw or len(raw) > size or not text.isprintable() or " " in text:
        raise ValueError(f"{field} {text!r} is not 1 to {size} ASCII letters or digits")
    return raw.ljust(size, b"\0")


_ISIN = re.compile(r"^[A-Z]{2}[0-9A-Z]{9}[0-9]$")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def isin_is_valid(text: str) -> bool:
    """Whether ``text`` is an ISO 6166 ISIN: letters to 10..35, then the Luhn check."""
    if not _ISIN.match(text):
        return False
    digits = "".join(str(int(c, 36)) for c in text)
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def check_isin(text: str) -> str:
    """``text`` as an ISIN, stripped and upper-cased.

    Raises:
        ValueError: the format or the check digit is wrong.
    """
    form = "an ISIN (2 letters, 9 letters or digits, 1 digit)"
    return _checked(text, _ISIN, isin_is_valid, form, "a wrong ISIN check digit")


def isin_with_check_digit(body: str) -> str:
    """The ISIN of an 11-character ``body`` (country code and national number), check digit added.

    Raises:
        ValueError: ``body`` is not two letters and nine letters or digits.
    """
    if not _ISIN.match(body + "0"):
        raise ValueError(f"{body!r} is not the body of an ISIN (2 letters, 9 letters or digits)")
    return next(body + d for d in "0123456789" if isin_is_valid(body + d))


def luhn36_check(payload: str) -> str:
    """The Luhn mod 36 check character of ``payload`` (0-9, A-Z)."""
    total, factor = 0, 2
    for char in reversed(payload):
        addend = factor * _ALNUM.index(char)
        total += addend // 36 + addend % 36
        factor = 1 if factor == 2 else 2
    return _ALNUM[(36 - total % 36) % 36]


def fund_code(serial: int) -> FundCode:
    """The platform fund code of serial number ``serial`` (as the contract issues it)."""
    if not 0 < serial < 36**8:
        raise ValueError(f"serial {serial} is out of range")
    digits = ""
    rest = serial
    for _ in range(8):
        rest, value = divmod(rest, 36)
        digits = _ALNUM[value] + digits
    payload = "BP" + digits
    return FundCode(payload + luhn36_check(payload))


_FUND_CODE = re.compile(r"^BP[0-9A-Z]{9}$")


def check_fund_code(text: str) -> FundCode:
    """``text`` as a platform fund code.

    Raises:
        ValueError: not ``BP`` + 8 base-36 digits + check character, or a wrong check character.
    """
    code = text.strip().upper()
    if not _FUND_CODE.match(code):
        raise ValueError(f"{text!r} is not a platform fund code (BP, 8 digits or letters, 1 check)")
    if luhn36_check(code[:10]) != code[10]:
        raise ValueError(f"{text!r} has a wrong check character")
    return FundCode(code)


_ITA = re.compile(r"^[0-9A-Z]{8}$")


def check_ita_code(text: str) -> str:
    """``text`` as an Investment Trusts Association fund code (8 letters or digits).

    Raises:
        ValueError: not 8 letters or digits.
    """
    code = text.strip().upper()
    if not _ITA.match(code):
        raise ValueError(f"{text!r} is not an ITA fund code (8 letters or digits)")
    return code


_COUNTRIES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA "
    "ZM ZW"
)
ISO_3166_ALPHA2 = frozenset(_COUNTRIES.split())
"""ISO 3166-1 alpha-2 country codes (and XK, which SWIFT uses for Kosovo)."""

_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_GIIN = re.compile(r"^[0-9A-Z]{6}\.[0-9A-Z]{5}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$")


def check_bic(text: str) -> str:
    """``text`` as an ISO 9362 BIC (8 or 11 characters, a real country in characters 5-6).

    Raises:
        ValueError: the format or the country is wrong.
    """
    bic = text.strip().upper()
    if not _BIC.match(bic):
        raise ValueError(f"{text!r} is not a BIC (4 letters, country, 2 letters or digits, branch)")
    if bic[4:6] not in ISO_3166_ALPHA2:
        raise ValueError(f"{text!r}: {bic[4:6]} is not an ISO 3166 country code")
    return bic


def check_giin(text: str) -> str:
    """``text`` as a FATCA GIIN: XXXXXX.XXXXX.XX.XXX (19 characters).

    Raises:
        ValueError: another format.
    """
    giin = text.strip().upper()
    if not _GIIN.match(giin):
        raise ValueError(f"{text!r} is not a GIIN (XXXXXX.XXXXX.XX.XXX)")
    return giin
