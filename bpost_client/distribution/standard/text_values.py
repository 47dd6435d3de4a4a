"""Values as field formats write them: dates (Western and Japanese era), numbers, empty cells.

Every parser first applies NFKC, so full-width digits and punctuation (``２０２６／０４／０１``,
``１２，３４５``) read as their ASCII forms, and strips surrounding spaces (also U+3000).
Each raises ``ValueError`` with a message naming the text it refused.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from bpost_client.dates import ERAS, normalize, parse_date, parse_iso_date

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

_NUMBER = re.compile(r"^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$")


def is_blank(text: str | None) -> bool:
    """Whether a cell is empty (None, or only spaces, full-width ones included)."""
    return text is None or not normalize(text)


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
