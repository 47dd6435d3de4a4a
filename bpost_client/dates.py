"""Dates as the contracts hold them (yyyymmdd integers, 0 for none), and dates as people write
them: Western and Japanese-era forms, full-width characters included (:func:`parse_date`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from datetime import date

__all__ = [
    "ERAS",
    "date_from_int",
    "day_from_int",
    "int_from_date",
    "normalize",
    "parse_date",
    "parse_iso_date",
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
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-"})


def normalize(text: str) -> str:
    """``text`` in NFKC (full-width digits and punctuation as ASCII), stripped."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()


def int_from_date(day: date | None) -> int:
    """A date as the contracts hold it: yyyymmdd (0 for none)."""
    return 0 if day is None else day.year * 10_000 + day.month * 100 + day.day


def date_from_int(value: int) -> date | None:
    """A yyyymmdd number as a date (None for 0)."""
    return None if value == 0 else day_from_int(value)


def day_from_int(value: int) -> date:
    """A yyyymmdd number as a date.

    Raises:
        ValueError: not a calendar date.
    """
    return date(value // 10_000, value // 100 % 100, value % 100)


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
