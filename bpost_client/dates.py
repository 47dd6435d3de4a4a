"""Dates as the contracts hold them: yyyymmdd integers, 0 for none."""

from __future__ import annotations

from datetime import date

__all__ = ["date_from_int", "day_from_int", "int_from_date"]


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
