"""The lending calculation's kernel: the integer arithmetic and the agreement x day matrices.

The building blocks of the algorithm written out in :mod:`bpost_client.lending.engine`, shared by
the engine (one period), :mod:`~bpost_client.lending.period` (a period split at rate changes) and
:mod:`~bpost_client.lending.detail` (the per-day detail a statement commits to). Pure functions
over numpy arrays and pandas frames: no chain, no files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpost_client.currencies import MINOR_UNITS
from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import EXACT, as_decimal, is_missing
from bpost_client.lending.results import (
    MissingPrice,
    MissingPriceError,
    StalePrice,
    StalePriceError,
    too_old,
)
from bpost_client.lending.terms import (
    REQUIRED_AGREEMENT_COLUMNS,
    Agreement,
    DayCount,
    DaysCounted,
    PriceBasis,
    Rounding,
    agreements_frame,
)

__all__ = [
    "INT64_LIMIT",
    "DividendPairs",
    "Ints",
    "KernelTerms",
    "Naming",
    "by_width",
    "dividend_equivalents",
    "dividend_pairs",
    "epoch_day",
    "epoch_days",
    "factors",
    "fractions",
    "in_effect",
    "kernel_terms",
    "magnitude",
    "mark_prices",
    "minimum_fee_units",
    "missing_prices",
    "need_columns",
    "require_marks",
    "rounded",
    "row_max",
    "stale_prices",
    "trunc",
]

Ints = npt.NDArray[Any]
"""An array of integers: int64, or object holding Python ints where int64 could overflow."""

INT64_LIMIT = 2.0**62
"""Agreements whose largest intermediate is bounded under this are computed in int64."""
_CAP = 2**1000
_PERIOD_TRUNCATE, _DAILY_TRUNCATE, _PERIOD_HALF_UP = 0, 1, 2
_ROUNDING = {
    Rounding.PERIOD_TRUNCATE: _PERIOD_TRUNCATE,
    Rounding.DAILY_TRUNCATE: _DAILY_TRUNCATE,
    Rounding.PERIOD_HALF_UP: _PERIOD_HALF_UP,
}
_KEY_DAYS = 1 << 32
"""(security, day) sort key: security code * 2**32 + day + 2**31."""


@dataclass(frozen=True)
class KernelTerms:
    frame: pd.DataFrame
    securities: pd.Index
    security: npt.NDArray[np.int64]
    basis: npt.NDArray[np.int64]
    both_ends: npt.NDArray[np.bool_]
    previous_close: npt.NDArray[np.bool_]
    rounding: npt.NDArray[np.int64]
    decimals: npt.NDArray[np.int64]
    fee_rate: Ints
    fee_scale: int
    collateral_rate: Ints
    collateral_scale: int
    dividend_rate: Ints
    dividend_scale: int
    minimum_fee: list[int | None]


# --- the arithmetic ---------------------------------------------------------------------------


def trunc(numerator: Ints, denominator: Ints) -> Ints:
    """numerator / denominator truncated toward zero (denominator > 0)."""
    quotient = np.abs(numerator) // denominator
    return np.where(numerator < 0, -quotient, quotient)


def _half_up(numerator: Ints, denominator: Ints) -> Ints:
    """numerator / denominator rounded half away from zero (denominator > 0)."""
    quotient = (2 * np.abs(numerator) + denominator) // (2 * denominator)
    return np.where(numerator < 0, -quotient, quotient)


def magnitude(values: Ints) -> npt.NDArray[np.float64]:
    """|values| as floats, for bounds only (capped at 2**1000)."""
    if values.dtype != object:
        return np.abs(values.astype(np.float64))
    flat = [float(min(abs(int(v)), _CAP)) for v in values.ravel().tolist()]
    return np.array(flat, dtype=np.float64).reshape(values.shape)


def row_max(values: Ints) -> npt.NDArray[np.float64]:
    if values.shape[1] == 0:
        return np.zeros(values.shape[0])
    if values.dtype != object:
        return np.asarray(magnitude(values).max(axis=1), dtype=np.float64)
    return magnitude(np.abs(values).max(axis=1))


def by_width(bound: npt.NDArray[np.float64]) -> Iterator[tuple[npt.NDArray[np.intp], type]]:
    """The rows whose largest intermediate is bounded under :data:`INT64_LIMIT`, to compute in
    int64, then the others, in Python integers (dtype object); each with its dtype, empty sets
    skipped."""
    fast = bound < INT64_LIMIT
    for chosen, dtype in ((fast, np.int64), (~fast, object)):
        index = np.flatnonzero(chosen)
        if index.size:
            yield index, dtype


def factors(
    left: Ints, right: Ints | None, rate: Ints, multiplier: Ints, index: Ints, dtype: type
) -> tuple[Ints, Ints]:
    """For rows ``index``: the days' ``left * right`` and the row's ``rate * multiplier``."""
    values: Ints = left[index].astype(dtype)
    if right is not None:
        values = values * right[index].astype(dtype)
    return values, rate[index].astype(dtype) * multiplier[index].astype(dtype)


def rounded(
    left: Ints,
    right: Ints | None,
    rate: Ints,
    multiplier: Ints,
    denominator: Ints,
    rounding: npt.NDArray[np.int64],
) -> Ints:
    """Per row, the days' ``left * right * rate * multiplier / denominator`` rounded by the row's
    rule (steps 4-5 of the algorithm), as an object array of Python ints."""
    rows, days = left.shape
    # every factor, product and sum below is at most this (each factor at least 1 in it)
    bound = 2.0 * days * np.maximum(1.0, row_max(left))
    if right is not None:
        bound *= np.maximum(1.0, row_max(right))
    bound *= np.maximum(1.0, magnitude(rate) * magnitude(multiplier))
    bound += magnitude(denominator)
    result = np.zeros(rows, dtype=object)
    for index, dtype in by_width(bound):
        values, factor = factors(left, right, rate, multiplier, index, dtype)
        divisor: Ints = denominator[index].astype(dtype)
        rule = rounding[index]
        total = values.sum(axis=1) * factor
        amount = np.where(rule == _PERIOD_HALF_UP, _half_up(total, divisor), trunc(total, divisor))
        daily = np.flatnonzero(rule == _DAILY_TRUNCATE)
        if daily.size:
            each = values[daily] * factor[daily, None]
            amount[daily] = trunc(each, divisor[daily, None]).sum(axis=1)
        result[index] = amount.tolist()
    return result


# --- the inputs as integer arrays -------------------------------------------------------------


def _int_array(values: list[int]) -> Ints:
    """int64 when every value fits, else an object array of Python ints."""
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array


def _scaled(column: pd.Series, what: str) -> tuple[Ints, int]:
    """A column of numbers as integer numerators over 10**k, with the smallest such k."""
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_float_dtype(column):
        raise ValidationError(f"{what}: binary floats are not exact; give Decimal, int or text")
    if pd.api.types.is_integer_dtype(column) and not column.hasnans:
        return column.to_numpy(dtype=np.int64), 0
    values = column.to_numpy(dtype=object)
    try:  # each distinct value converted once (rates and closes repeat)
        codes, distinct = pd.factorize(values)
    except TypeError:  # unhashable
        codes, distinct = np.arange(len(values)), values
    if (codes < 0).any():
        raise ValidationError(f"{what}: a value is missing")
    numbers = [as_decimal(v, what) for v in distinct]
    scale = max([0, *(-int(n.as_tuple().exponent) for n in numbers)])
    array = _int_array([int(n.scaleb(scale, EXACT)) for n in numbers])
    if array.dtype != object:
        while scale > 0 and array.size and not (array % 10).any():
            array //= 10
            scale -= 1
    return array[codes], scale


def epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def epoch_days(column: pd.Series, what: str) -> npt.NDArray[np.int64]:
    """A column of dates as days since 1970-01-01."""
    try:
        if pd.api.types.is_datetime64_any_dtype(column):
            days = column.to_numpy().astype("datetime64[D]")
        else:
            days = np.array(column.tolist(), dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{what}: not dates ({exc})") from exc
    if np.isnat(days).any():
        raise ValidationError(f"{what}: a date is missing")
    return days.astype(np.int64)


def need_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(f"{what}: missing column(s) {', '.join(missing)}")


def _codes(
    column: pd.Series, kind: type[DayCount | DaysCounted | PriceBasis | Rounding]
) -> npt.NDArray[np.int64]:
    """Each value's position among the enum's members (the members or their values given)."""
    mapped = column.map({member.value: n for n, member in enumerate(kind)})
    if mapped.isna().any():
        bad = column[mapped.isna()].iloc[0]
        allowed = ", ".join(m.value for m in kind)
        raise ValidationError(f"agreements: {bad!r} is not one of {allowed}")
    return np.asarray(mapped.to_numpy(), dtype=np.int64)


def fractions(exponent: npt.NDArray[np.int64], basis: npt.NDArray[np.int64]) -> tuple[Ints, Ints]:
    """Per row, the multiplier ``10**max(0, -e)`` and the denominator ``10**max(0, e) * basis``
    (step 4), computed once per distinct (e, basis)."""
    keys, inverse = np.unique(exponent * 1024 + basis, return_inverse=True)  # basis < 1024
    pairs = [divmod(int(k), 1024) for k in keys]
    multiplier = _int_array([10 ** max(0, -e) for e, _ in pairs])
    denominator = _int_array([10 ** max(0, e) * b for e, b in pairs])
    return multiplier[inverse.reshape(-1)], denominator[inverse.reshape(-1)]


def minimum_fee_units(value: object, places: int) -> int | None:
    """A minimum fee in minor units, None when there is none."""
    if is_missing(value):
        return None
    units = as_decimal(value, "agreements.minimum_fee").scaleb(places, EXACT)
    if units != units.to_integral_value():
        raise ValidationError(f"agreements.minimum_fee: {value} is finer than the minor unit")
    return int(units)


def kernel_terms(agreements: pd.DataFrame | Iterable[Agreement]) -> KernelTerms:
    frame = (
        agreements if isinstance(agreements, pd.DataFrame) else agreements_frame(agreements)
    ).reset_index(drop=True)
    need_columns(frame, REQUIRED_AGREEMENT_COLUMNS, "agreements")
    ids = frame["agreement_id"].astype(str)
    if ids.duplicated().any():
        raise ValidationError(f"agreements: agreement id {ids[ids.duplicated()].iloc[0]!r} twice")
    decimals = frame["currency"].map(MINOR_UNITS)
    if decimals.isna().any():
        bad = frame["currency"][decimals.isna()].iloc[0]
        raise ValidationError(f"agreements: {bad!r} is not a known currency (ISO 4217)")
    day_count = _codes(frame["day_count"], DayCount)
    securities, security = pd.factorize(frame["security"].astype(str))
    fee_rate, fee_scale = _scaled(frame["fee_rate_pct"], "agreements.fee_rate_pct")
    coll_rate, coll_scale = _scaled(frame["collateral_rate_pct"], "agreements.collateral_rate_pct")
    div_rate, div_scale = _scaled(frame["dividend_rate_pct"], "agreements.dividend_rate_pct")
    given = frame["minimum_fee"].tolist() if "minimum_fee" in frame else [None] * len(frame)
    converted: dict[tuple[Any, int], int | None] = {}
    minimum: list[int | None] = []
    for value, places in zip(given, decimals.astype(int).tolist(), strict=True):
        key = (value, places)
        if key not in converted:
            converted[key] = minimum_fee_units(value, places)
        minimum.append(converted[key])
    rule = np.array([_ROUNDING[r] for r in Rounding], dtype=np.int64)
    return KernelTerms(
        frame=frame,
        securities=pd.Index(security),
        security=securities.astype(np.int64),
        basis=np.array([d.basis for d in DayCount], dtype=np.int64)[day_count],
        both_ends=_codes(frame["days_counted"], DaysCounted)
        == list(DaysCounted).index(DaysCounted.BOTH_ENDS),
        previous_close=_codes(frame["price_basis"], PriceBasis)
        == list(PriceBasis).index(PriceBasis.PREVIOUS_CLOSE),
        rounding=rule[_codes(frame["rounding"], Rounding)],
        decimals=np.asarray(decimals.to_numpy(), dtype=np.int64),
        fee_rate=fee_rate,
        fee_scale=fee_scale,
        collateral_rate=coll_rate,
        collateral_scale=coll_scale,
        dividend_rate=div_rate,
        dividend_scale=div_scale,
        minimum_fee=minimum,
    )


# --- positions, prices, dividends as matrices -------------------------------------------------


def in_effect(
    terms: KernelTerms, positions: pd.DataFrame, first: int, days: int
) -> tuple[Ints, Ints, int, int]:
    """Quantity and collateral in effect, agreements x (the day before the period + its days),
    with the scales of the quantity and the collateral."""
    need_columns(positions, ("agreement_id", "date", "quantity", "collateral"), "positions")
    ids = pd.Index(terms.frame["agreement_id"].astype(str))
    agreement = ids.get_indexer(pd.Index(positions["agreement_id"].astype(str)))
    if (agreement < 0).any():
        bad = positions["agreement_id"][agreement < 0].iloc[0]
        raise ValidationError(f"positions: agreement {bad!r} is not among the agreements")
    day = epoch_days(positions["date"], "positions.date")
    quantity, quantity_scale = _scaled(positions["quantity"], "positions.quantity")
    collateral, collateral_scale = _scaled(positions["collateral"], "positions.collateral")
    if (quantity < 0).any():
        raise ValidationError("positions.quantity: a quantity is negative")
    order = np.lexsort((day, agreement))
    agreement, day = agreement[order], day[order]
    twice = (agreement[1:] == agreement[:-1]) & (day[1:] == day[:-1])
    if twice.any():
        at = int(np.flatnonzero(twice)[0])
        raise ValidationError(
            f"positions: two rows of agreement {ids[agreement[at]]!r} on "
            f"{date(1970, 1, 1) + timedelta(days=int(day[at]))}"
        )
    kept = day < first + days
    order, agreement, day = order[kept], agreement[kept], day[kept]
    column = np.maximum(day - (first - 1), 0)
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (agreement[1:] != agreement[:-1]) | (column[1:] != column[:-1])
    row = np.full((len(terms.frame), days + 1), -1, dtype=np.int64)
    row[agreement[last], column[last]] = np.flatnonzero(last)
    np.maximum.accumulate(row, axis=1, out=row)
    # index -1 (no row yet) picks the appended 0
    held = np.append(quantity[order], np.zeros(1, quantity.dtype))[row]
    cash = np.append(collateral[order], np.zeros(1, collateral.dtype))[row]
    return held, cash, quantity_scale, collateral_scale


def mark_prices(
    terms: KernelTerms, prices: pd.DataFrame, first: int, days: int
) -> tuple[Ints, npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """The closes (with a 0 appended), their days (epoch days, with a 0 appended), agreements x
    days the index of each day's mark price among them (-1, which picks the 0s: none), and the
    closes' scale. How old a close may be is not checked here (:func:`require_marks`)."""
    need_columns(prices, ("security", "date", "close"), "prices")
    security = terms.securities.get_indexer(pd.Index(prices["security"].astype(str)))
    wanted = security >= 0
    chosen = prices[wanted]
    day = epoch_days(chosen["date"], "prices.date")
    close, scale = _scaled(chosen["close"], "prices.close")
    if (close <= 0).any():
        raise ValidationError("prices.close: a close is not positive")
    key = security[wanted].astype(np.int64) * _KEY_DAYS + day + _KEY_DAYS // 2
    order = np.argsort(key, kind="stable")
    key, close = key[order], close[order]
    if (key[1:] == key[:-1]).any():
        raise ValidationError("prices: two closes of a security on the same day")
    codes = np.arange(len(terms.securities), dtype=np.int64)
    wanted_keys = codes[:, None] * _KEY_DAYS + (first + np.arange(days) + _KEY_DAYS // 2)[None, :]

    # the key's security of each sorted close, with -1 for "none" (found index -1 picks it)
    owner = np.append(key // _KEY_DAYS, -1)

    def latest(found: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        found = found - 1
        return np.where(owner[found] == codes[:, None], found, -1).astype(np.int64)

    previous = latest(np.searchsorted(key, wanted_keys, side="left"))
    same_day = latest(np.searchsorted(key, wanted_keys, side="right"))
    index = np.where(
        terms.previous_close[:, None], previous[terms.security], same_day[terms.security]
    )
    dated = np.append(key % _KEY_DAYS - _KEY_DAYS // 2, 0).astype(np.int64)
    return np.append(close, np.zeros(1, close.dtype)), dated, index, scale


def _first_days(
    flagged: npt.NDArray[np.bool_],
) -> tuple[list[int], list[int], list[int]]:
    """The rows with a flagged day, the column of each one's first and how many it has."""
    rows, columns = np.nonzero(flagged)
    agreements, first = np.unique(rows, return_index=True)
    counts = np.bincount(rows)[agreements]
    return agreements.tolist(), columns[first].tolist(), counts.tolist()


def missing_prices(
    terms: KernelTerms, missing: npt.NDArray[np.bool_], start: date
) -> list[MissingPrice]:
    ids = terms.frame["agreement_id"].astype(str).tolist()
    return [
        MissingPrice(ids[a], str(terms.securities[terms.security[a]]), start + timedelta(days=c), n)
        for a, c, n in zip(*_first_days(missing), strict=True)
    ]


def stale_prices(
    terms: KernelTerms,
    stale: npt.NDArray[np.bool_],
    mark_day: npt.NDArray[np.int64],
    start: date,
    max_age: int,
) -> list[StalePrice]:
    """One entry per agreement with ``stale`` days, with the date of its first one's close
    (``mark_day``, agreements x days, the epoch day of each day's close)."""
    ids = terms.frame["agreement_id"].astype(str).tolist()
    return [
        StalePrice(
            ids[a],
            str(terms.securities[terms.security[a]]),
            start + timedelta(days=c),
            n,
            date(1970, 1, 1) + timedelta(days=int(mark_day[a, c])),
            max_age,
        )
        for a, c, n in zip(*_first_days(stale), strict=True)
    ]


_M = TypeVar("_M", bound=MissingPrice)


class Naming(Protocol):
    """What gives a calculation's entries of missing prices their agreements' ids."""

    def __call__(self, found: list[_M], /) -> list[_M]: ...


def _as_found(found: list[_M], /) -> list[_M]:
    return found


def require_marks(
    terms: KernelTerms,
    accrues: npt.NDArray[np.bool_],
    close_day: npt.NDArray[np.int64],
    mark_index: npt.NDArray[np.int64],
    start: date,
    max_age: int,
    named: Naming = _as_found,
) -> None:
    """Every day that accrues (``accrues``, agreements x days from ``start``) has a mark price:
    a close (``close_day`` and ``mark_index`` of :func:`mark_prices`) at most ``max_age``
    calendar days older than the day, by the one rule of
    :func:`~bpost_client.lending.results.too_old`. ``named`` gives the entries their agreements'
    ids (as :meth:`~bpost_client.lending.period.Versions.missing` does).

    Raises:
        MissingPriceError: a day that accrues has no close on or before it (as the price basis
            reads it); reported first, whatever else.
        StalePriceError: a day that accrues has only a close over ``max_age`` days older.
    """
    missing = accrues & (mark_index < 0)
    if missing.any():
        raise MissingPriceError(named(missing_prices(terms, missing, start)))
    mark_day = close_day[mark_index]
    day = epoch_day(start) + np.arange(accrues.shape[1], dtype=np.int64)
    stale = accrues & too_old(day[None, :] - mark_day, max_age)
    if stale.any():
        raise StalePriceError(named(stale_prices(terms, stale, mark_day, start, max_age)))


@dataclass(frozen=True)
class DividendPairs:
    """Each agreement paired with each dividend of its security recorded in the period."""

    agreement: npt.NDArray[np.int64]
    column: npt.NDArray[np.int64]
    """The record date's column in the quantity matrix (0 is the day before the period)."""
    held: Ints
    per_share: Ints
    amount_scale: int
    """The scale of ``per_share`` (numerators over ``10**amount_scale``)."""
    equivalent: Ints
    """The truncated equivalent in minor units (step 7)."""


def dividend_pairs(
    terms: KernelTerms,
    quantity: Ints,
    quantity_scale: int,
    dividends: pd.DataFrame | None,
    first: int,
    days: int,
) -> DividendPairs | None:
    """The agreements' dividends in the period with their equivalents; None when there is none."""
    if dividends is None or dividends.empty or len(terms.frame) == 0:
        return None
    need_columns(dividends, ("security", "record_date", "amount_per_share"), "dividends")
    security = terms.securities.get_indexer(pd.Index(dividends["security"].astype(str)))
    record = epoch_days(dividends["record_date"], "dividends.record_date")
    chosen = (security >= 0) & (record >= first) & (record < first + days)
    if not chosen.any():
        return None
    amount, amount_scale = _scaled(
        dividends["amount_per_share"][chosen], "dividends.amount_per_share"
    )
    if (amount < 0).any():
        raise ValidationError("dividends.amount_per_share: an amount is negative")
    dividend = pd.DataFrame(
        {
            "security": security[chosen],
            "column": record[chosen] - first + 1,
            "d": range(chosen.sum()),
        }
    )
    holder = pd.DataFrame({"security": terms.security, "a": np.arange(len(terms.frame))})
    pairs = holder.merge(dividend, on="security")
    if pairs.empty:
        return None
    agreement = pairs["a"].to_numpy()
    column = pairs["column"].to_numpy()
    held = quantity[agreement, column][:, None]
    per_share = amount[pairs["d"].to_numpy()][:, None]
    exponent = quantity_scale + amount_scale + terms.dividend_scale + 2 - terms.decimals[agreement]
    multiplier, denominator = fractions(exponent, np.ones(len(pairs), dtype=np.int64))
    equivalent = rounded(
        held,
        per_share,
        terms.dividend_rate[agreement],
        multiplier,
        denominator,
        np.full(len(pairs), _PERIOD_TRUNCATE, dtype=np.int64),
    )
    return DividendPairs(agreement, column, held[:, 0], per_share[:, 0], amount_scale, equivalent)


def dividend_equivalents(
    terms: KernelTerms,
    quantity: Ints,
    quantity_scale: int,
    dividends: pd.DataFrame | None,
    first: int,
    days: int,
) -> Ints:
    """Per agreement, the sum of its dividends' truncated equivalents (step 7)."""
    total = np.zeros(len(terms.frame), dtype=object)
    pairs = dividend_pairs(terms, quantity, quantity_scale, dividends, first, days)
    if pairs is not None:
        np.add.at(total, pairs.agreement, pairs.equivalent)
    return total
