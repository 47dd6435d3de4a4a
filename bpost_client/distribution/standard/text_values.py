"""Values as field formats write them: dates (Western and Japanese era), numbers, empty cells.

Every parser first applies NFKC, so full-width digits and punctuation (``２０２６／０４／０１``,
``１２，３４５``) read as their ASCII forms, and strips surrounding spaces (also U+3000).
Each raises ``ValueError`` with a message naming the text it refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "ERAS",
    "format_date_ja",
    "format_scaled",
    "is_blank",
    "normalize",
    "parse_date",
    "parse_iso_date",
    "parse_scaled",
    "parse_whole",
]

ERAS: tuple[tuple[str, str, dt.date], ...] = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
)
"""Japanese eras, newest first: kanji name, initial, first day (元年, year 1, starts there)."""

_DATE_FORMS = "2026年04月01日, 2026/04/01, 2026-04-01, 20260401, 令和8年4月1日 or R8.4.1"
_WESTERN = (
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日$"),
    re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$"),
)
_ERA_KANJI = re.compile(r"^(令和|平成|昭和)(元|[0-9]{1,3})年([0-9]{1,2})月([0-9]{1,2})日$")
_ERA_INITIAL = re.compile(r"^([RHS])(元|[0-9]{1,3})[./]([0-9]{1,2})[./]([0-9]{1,2})$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NUMBER = re.compile(r"^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-"})


def normalize(text: str) -> str:
    """``text`` in NFKC (full-width digits and punctuation as ASCII), stripped."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()


def is_blank(text: str | None) -> bool:
    """Whether a cell is empty (None, or only spaces, full-width ones included)."""
    return text is None or not normalize(text)


def _calendar_date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def _era_date(text: str, name: str, year_text: str, month: int, day: int) -> dt.date:
    index = next(i for i, (kanji, initial, _) in enumerate(ERAS) if name in (kanji, initial))
    kanji, _, first = ERAS[index]
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise ValueError(f"{text!r}: an era year starts at 1 (元年)")
    day_of = _calendar_date(text, first.year + year - 1, month, day)
    if day_of < first:
        raise ValueError(f"{text!r} is before the first day of {kanji} ({first.isoformat()})")
    if index > 0 and day_of >= ERAS[index - 1][2]:
        later = ERAS[index - 1][0]
        raise ValueError(f"{text!r} is after the end of {kanji} (write it in {later})")
    return day_of


def parse_date(text: str) -> dt.date:
    """A date in any form the field formats use: ``2026年04月01日``, ``2026年4月1日``,
    ``2026/04/01``, ``2026-04-01``, ``20260401``, ``令和8年4月1日``, ``R8.4.1`` (平成/H and
    昭和/S too, ``元年`` as year 1), in full-width characters or not.

    Raises:
        ValueError: none of those forms, not a calendar date, or outside its era.
    """
    value = re.sub(r"\s+", "", normalize(text))
    for pattern in _WESTERN:
        found = pattern.match(value)
        if found:
            year, month, day = (int(g) for g in found.groups())
            return _calendar_date(text, year, month, day)
    found = _ERA_KANJI.match(value) or _ERA_INITIAL.match(value.upper())
    if found:
        name, year_text, month_text, day_text = found.groups()
        return _era_date(text, name, year_text, int(month_text), int(day_text))
    raise ValueError(f"{text!r} is not a date ({_DATE_FORMS})")


def parse_iso_date(text: str) -> dt.date:
    """A date written exactly ``YYYY-MM-DD`` (the standard's own formats).

    Raises:
        ValueError: another form, or not a calendar date.
    """
    if not _ISO.match(text):
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    return _calendar_date(text, int(text[:4]), int(text[5:7]), int(text[8:]))


def _decimal(text: str) -> Decimal:
    value = normalize(text)
    found = _NUMBER.match(value)
    if not found:
        raise ValueError(f"{text!r} is not a number")
    sign, whole, fraction = found.groups()
    try:
        return Decimal(f"{sign}{whole.replace(',', '')}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"{text!r} is not a number") from None


def parse_whole(text: str) -> int:
    """A whole number: digits with optional thousands separators (``12,345``, ``１２，３４５``).
    A fractional part of zeros (``12345.00``) is accepted; any other fraction is refused.

    Raises:
        ValueError: not a number, separators not in groups of three, or a fractional part.
    """
    number = _decimal(text)
    if number != number.to_integral_value():
        raise ValueError(f"{text!r} has a fractional part (whole yen and whole numbers only)")
    return int(number)


def parse_scaled(text: str, scale: int, unit: str) -> int:
    """A decimal number of ``unit`` (millions of yen, say: ``scale`` 1,000,000) as a whole number
    of the base unit: ``1,234.5`` millions is 1,234,500,000 yen.

    Raises:
        ValueError: not a number, or finer than one base unit.
    """
    number = _decimal(text) * scale
    if number != number.to_integral_value():
        raise ValueError(f"{text!r} {unit} is not a whole number of yen")
    return int(number)


def format_scaled(value: int, scale: int) -> str:
    """``value`` in units of ``scale``, exactly: an integer when whole, else the shortest exact
    decimal (1,234,500,000 in millions is ``1234.5``)."""
    sign = "-" if value < 0 else ""
    whole, rest = divmod(abs(value), scale)
    if not rest:
        return f"{sign}{whole}"
    digits = len(str(scale)) - 1
    return f"{sign}{whole}.{rest:0{digits}d}".rstrip("0")


def format_date_ja(day: dt.date) -> str:
    """``day`` written ``2026年04月01日``."""
    return f"{day.year:04d}年{day.month:02d}月{day.day:02d}日"
