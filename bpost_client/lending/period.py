"""A billing period's figures over the agreed inputs, rate changes included.

A change of terms (a new fee rate, say) is a new version of the agreement: another row of the
agreements table with the same ``agreement_id`` and a later ``effective_from``. In a period, the
version in effect on a day is the latest one effective on or before it (the earliest version also
covers any days before its date). A period that new versions split is calculated as segments,
each with the version in effect and each rounded as a period of its own, as a billing statement
shows one line per rate; the segments' fees, interests and dividend equivalents are summed, and
the minimum fee (of the last version in the period, if it has one) is applied once to the
period's total fee when some day accrued. An agreement with a single version in the period is
exactly :func:`~bpost_client.lending.calculate` over the whole period.

Two passes, whatever the number of versions and change dates: the engine over every agreement
with a single version in the period, and the engine's algorithm over every version of the others
side by side on the whole period, each version's days outside its segment counted as holding
nothing (:class:`Versions`): each sum and rounding is then that of the segment alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpost_client.currencies import MINOR_UNITS
from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import EXACT
from bpost_client.lending.engine import calculate

# the engine's own steps, so that the versions of a split period are calculated exactly as the
# engine calculates a period (one algorithm, one set of integer arithmetic)
from bpost_client.lending.kernel import (
    dividend_equivalents,
    epoch_day,
    epoch_days,
    fractions,
    in_effect,
    kernel_terms,
    mark_prices,
    minimum_fee_units,
    require_marks,
    rounded,
)
from bpost_client.lending.results import (
    MAX_PRICE_AGE_DAYS,
    RESULT_COLUMNS,
    MissingPrice,
    result_frame,
)

__all__ = [
    "MINOR_COLUMNS",
    "PERIOD_COLUMNS",
    "Book",
    "Segment",
    "Versions",
    "calculate_period",
    "period_segments",
    "split_versions",
]

MINOR_COLUMNS = ("fee_minor", "interest_minor", "dividend_minor", "net_minor")
"""The amounts as integers in the currency's minor unit (yen, cents)."""
PERIOD_COLUMNS = (*RESULT_COLUMNS, "security", *MINOR_COLUMNS)
"""The columns of :func:`calculate_period`: the engine's, the security, the minor-unit amounts."""

_EPOCH = date(1970, 1, 1)
_M = TypeVar("_M", bound=MissingPrice)


@dataclass(frozen=True, eq=False)
class Book:
    """The agreed inputs of a calculation, as :func:`~bpost_client.lending.calculate` takes them.

    ``agreements`` may have an ``effective_from`` column (a date) and then several rows (versions)
    per ``agreement_id``; without it, one row per agreement.
    """

    agreements: pd.DataFrame
    positions: pd.DataFrame
    prices: pd.DataFrame
    dividends: pd.DataFrame | None = None

    def only(self, agreement_ids: Iterable[str]) -> Book:
        """The book of these agreements alone: their versions and positions, and the closes and
        dividends of their securities."""
        wanted = pd.Index(list(dict.fromkeys(str(a) for a in agreement_ids)))
        agreements = self.agreements[self.agreements["agreement_id"].astype(str).isin(wanted)]
        securities = pd.Index(agreements["security"].astype(str).unique())
        dividends = self.dividends
        if dividends is not None:
            dividends = dividends[dividends["security"].astype(str).isin(securities)]
        return Book(
            agreements.reset_index(drop=True),
            self.positions[self.positions["agreement_id"].astype(str).isin(wanted)],
            self.prices[self.prices["security"].astype(str).isin(securities)],
            dividends,
        )

    def within(self, start: date, end: date) -> Book:
        """The book with only the closes that can be a mark price of a day of ``start..end``:
        each security's closes in the period and its last close before it (the figures of the
        period are the same)."""
        prices = self.prices
        day = epoch_days(prices["date"], "prices.date")
        first, last = epoch_day(start), epoch_day(end)
        before = pd.Series(np.where(day < first, day, np.iinfo(np.int64).min), index=prices.index)
        latest = before.groupby(prices["security"].astype(str)).transform("max").to_numpy()
        kept = (day <= last) & ((day >= first) | (day == latest))
        return Book(self.agreements, self.positions, prices[kept], self.dividends)


@dataclass(frozen=True, eq=False)
class Segment:
    """Days ``start..end`` of the period and, for each agreement calculated over them, the version
    in effect (one row per agreement, in the book's order, without ``effective_from``)."""

    start: date
    end: date
    agreements: pd.DataFrame
    rows: npt.NDArray[np.int64]
    """The position of each version in the book's agreements table."""
    whole: bool
    """The segment is the whole period (its agreements have one version in it): the minimum fee
    is the engine's; otherwise ``minimum_fee`` is None here and applied to the period's total."""


def period_segments(book: Book, start: date, end: date) -> list[Segment]:
    """The segments the versions of the book's agreements split ``start..end`` into, in order.

    Raises:
        ValidationError: the period ends before it starts, two versions of an agreement with the
            same ``effective_from``, or versions that change the security or the currency.
    """
    if end < start:
        raise ValidationError(f"the period ends ({end}) before it starts ({start})")
    frame = book.agreements.reset_index(drop=True)
    if "effective_from" not in frame.columns or frame.empty:
        frame = frame.drop(columns="effective_from", errors="ignore")
        return [Segment(start, end, frame, np.arange(len(frame), dtype=np.int64), True)]
    if "agreement_id" not in frame.columns:
        raise ValidationError("agreements: missing column(s) agreement_id")
    codes, ids = pd.factorize(frame["agreement_id"].astype(str))
    effective = epoch_days(frame["effective_from"], "agreements.effective_from")
    _check_versions(frame, codes, effective)
    first, last = epoch_day(start), epoch_day(end)

    order = np.lexsort((effective, codes))
    code, day = codes[order], effective[order]
    group_start = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    not_after = np.bincount(code[day <= first], minlength=len(ids))
    opening = group_start + np.maximum(not_after - 1, 0)  # per agreement code
    is_opening = np.zeros(len(order), dtype=bool)
    is_opening[opening] = True
    included = is_opening | ((day > first) & (day <= last))
    row, code, day = order[included], code[included], day[included]
    begins = np.where(is_opening[included], first, day)
    same_next = np.r_[code[1:] == code[:-1], False]
    ends = np.where(same_next, np.r_[begins[1:], 0] - 1, last)
    pieces = np.bincount(code, minlength=len(ids))

    segments = []
    spans, span = np.unique(np.stack([begins, ends], axis=1), axis=0, return_inverse=True)
    span = span.reshape(-1)
    for n, (begin, finish) in enumerate(spans.tolist()):
        chosen = np.flatnonzero(span == n)
        chosen = chosen[np.argsort(code[chosen], kind="stable")]
        rows = row[chosen].astype(np.int64)
        versions = frame.iloc[rows].drop(columns="effective_from")
        whole = bool((pieces[code[chosen]] == 1).all())
        if not whole:
            versions = versions.assign(minimum_fee=None)
        segments.append(
            Segment(
                _EPOCH + timedelta(days=int(begin)),
                _EPOCH + timedelta(days=int(finish)),
                versions.reset_index(drop=True),
                rows,
                whole,
            )
        )
    return segments


def _check_versions(
    frame: pd.DataFrame, codes: npt.NDArray[np.intp], effective: npt.NDArray[np.int64]
) -> None:
    keys = pd.DataFrame({"code": codes, "day": effective})
    twice = keys.duplicated()
    if twice.any():
        at = int(np.flatnonzero(twice.to_numpy())[0])
        raise ValidationError(
            f"agreements: two versions of {frame['agreement_id'].iloc[at]!r} effective from "
            f"{_EPOCH + timedelta(days=int(effective[at]))}"
        )
    for column in ("security", "currency"):
        if column not in frame.columns:
            continue
        changing = frame[column].astype(str).groupby(codes).nunique() > 1
        if changing.any():
            at = int(np.flatnonzero(codes == changing.index[changing.to_numpy()][0])[0])
            raise ValidationError(
                f"agreements: the versions of {frame['agreement_id'].iloc[at]!r} change the "
                f"{column}; a new {column} is a new agreement"
            )


@dataclass(frozen=True, eq=False)
class Versions:
    """The versions of split segments side by side, over the whole period: each version under an
    id of its own (``"0"``, ``"1"`` ...) with its agreement's positions, and the days that are
    its own (``valid``, versions x days); the other days count as if nothing were held."""

    agreements: pd.DataFrame
    ids: npt.NDArray[np.object_]
    """The agreement id of each version."""
    rows: npt.NDArray[np.int64]
    """The position of each version in the book's agreements table."""
    positions: pd.DataFrame
    valid: npt.NDArray[np.bool_]

    def missing(self, found: list[_M]) -> list[_M]:
        """Missing (or stale) prices of versions as those of their agreements (one entry each,
        from the first day of any of its versions, with that day's close if stale)."""
        real = dict(
            zip(self.agreements["agreement_id"].astype(str), self.ids.tolist(), strict=True)
        )
        merged: dict[str, _M] = {}
        for m in found:
            agreement = str(real.get(m.agreement_id, m.agreement_id))
            if agreement in merged:
                seen = merged[agreement]
                earlier = seen if seen.first_day <= m.first_day else m
                m = replace(earlier, days=seen.days + m.days)
            merged[agreement] = replace(m, agreement_id=agreement)
        return list(merged.values())


def split_versions(book: Book, segments: list[Segment], start: date, end: date) -> Versions:
    """The versions of ``segments`` (of ``start..end``) side by side (see :class:`Versions`).

    Raises:
        ValidationError: a position of an agreement that is not in the book.
    """
    _check_positions(book)
    versions = pd.concat([s.agreements for s in segments], ignore_index=True)
    ids = versions["agreement_id"].astype(str).to_numpy(dtype=object)
    pseudo = pd.DataFrame({"agreement_id": ids, "_version": np.arange(len(ids)).astype(str)})
    held = book.positions.assign(agreement_id=book.positions["agreement_id"].astype(str))
    held = held.merge(pseudo, on="agreement_id")
    first = np.concatenate([np.full(len(s.agreements), (s.start - start).days) for s in segments])
    last = np.concatenate([np.full(len(s.agreements), (s.end - start).days) for s in segments])
    day = np.arange((end - start).days + 1)
    return Versions(
        versions.assign(agreement_id=pseudo["_version"].to_numpy()),
        ids,
        np.concatenate([s.rows for s in segments]),
        held.assign(agreement_id=held["_version"]).drop(columns="_version"),
        (day[None, :] >= first[:, None]) & (day[None, :] <= last[:, None]),
    )


def _check_positions(book: Book) -> None:
    known = pd.Index(book.agreements["agreement_id"].astype(str).unique())
    held = known.get_indexer(pd.Index(book.positions["agreement_id"].astype(str)))
    if (held < 0).any():
        bad = book.positions["agreement_id"].iloc[int(np.flatnonzero(held < 0)[0])]
        raise ValidationError(f"positions: agreement {bad!r} is not among the agreements")


def _split_amounts(
    versions: Versions, book: Book, start: date, end: date
) -> tuple[list[int], list[int], list[int], list[int]]:
    """Accrual days, fee, interest and dividend equivalent of each version over its own days,
    each rounded apart, without a minimum fee: the engine's algorithm (steps 1-5 and 7) on the
    whole period with every other day's quantity and collateral taken as 0, which adds nothing
    to any sum and rounds as the version's segment alone would."""
    terms = kernel_terms(versions.agreements)
    days, first = (end - start).days + 1, epoch_day(start)
    quantity, collateral, quantity_scale, collateral_scale = in_effect(
        terms, versions.positions, first, days
    )
    held = quantity[:, 1:]
    accruing = np.where(terms.both_ends[:, None], np.maximum(held, quantity[:, :-1]), held)
    accruing = np.where(versions.valid, accruing, 0)
    accrues = accruing > 0
    close, close_day, mark_index, price_scale = mark_prices(terms, book.prices, first, days)
    require_marks(
        terms, accrues, close_day, mark_index, start, MAX_PRICE_AGE_DAYS, versions.missing
    )
    fee_mul, fee_den = fractions(
        quantity_scale + price_scale + terms.fee_scale + 2 - terms.decimals, terms.basis
    )
    fee = rounded(accruing, close[mark_index], terms.fee_rate, fee_mul, fee_den, terms.rounding)
    cash = np.where(versions.valid, collateral[:, 1:], 0)
    coll_mul, coll_den = fractions(
        collateral_scale + terms.collateral_scale + 2 - terms.decimals, terms.basis
    )
    interest = rounded(cash, None, terms.collateral_rate, coll_mul, coll_den, terms.rounding)
    own = quantity.copy()
    own[:, 1:] = np.where(versions.valid, quantity[:, 1:], 0)
    equivalent = dividend_equivalents(terms, own, quantity_scale, book.dividends, first, days)
    return (
        [int(n) for n in accrues.sum(axis=1).tolist()],
        [int(n) for n in fee.tolist()],
        [int(n) for n in interest.tolist()],
        [int(n) for n in equivalent.tolist()],
    )


def calculate_period(book: Book, start: date, end: date) -> pd.DataFrame:
    """Each agreement's figures over the calendar days ``start..end``, versions included.

    Returns:
        One row per agreement (in the order of its first row in ``book.agreements``): the
        engine's columns (:data:`~bpost_client.lending.RESULT_COLUMNS`, amounts as Decimal in
        major units), ``security``, and the amounts as ints in the minor unit: ``fee_minor``,
        ``interest_minor``, ``dividend_minor`` and ``net_minor`` (fee + dividend equivalent -
        interest). Without versions the engine's columns are exactly
        :func:`~bpost_client.lending.calculate`'s.

    Raises:
        MissingPriceError: a day that accrues has no mark price (a
            :class:`~bpost_client.lending.results.StalePriceError` when its close is over the
            31-day window that the LendingCalculator holds to).
        ValidationError: inconsistent or malformed input (see :func:`period_segments` and
            :func:`~bpost_client.lending.calculate`).
    """
    segments = period_segments(book, start, end)
    if len(segments) == 1 and segments[0].whole:
        only = segments[0]
        result = calculate(only.agreements, book.positions, book.prices, book.dividends, start, end)
        return _with_minor(result, only.agreements)

    _check_positions(book)
    frame = book.agreements.reset_index(drop=True)
    amounts = ["accrual_days", "fee_minor", "interest_minor", "dividend_minor"]
    parts = []
    whole = [s for s in segments if s.whole]
    if whole:
        ids = whole[0].agreements["agreement_id"].astype(str)
        held = book.positions[book.positions["agreement_id"].astype(str).isin(ids)]
        result = calculate(whole[0].agreements, held, book.prices, book.dividends, start, end)
        parts.append(
            _with_minor(result, whole[0].agreements)[["agreement_id", *amounts]].assign(
                begins=start, row=whole[0].rows, split=False
            )
        )
    split = [s for s in segments if not s.whole]
    versions = split_versions(book, split, start, end)
    parts.append(
        pd.DataFrame(
            dict(zip(amounts, _split_amounts(versions, book, start, end), strict=True)),
        ).assign(
            agreement_id=versions.ids,
            begins=np.concatenate([np.full(len(s.agreements), s.start) for s in split]),
            row=versions.rows,
            split=True,
        )
    )
    known = pd.Index(frame["agreement_id"].astype(str).unique())
    pieces = pd.concat(parts, ignore_index=True)
    pieces["order"] = known.get_indexer(pd.Index(pieces["agreement_id"]))
    pieces = pieces.sort_values(["order", "begins"], kind="stable")
    totals = [[0] * len(known) for _ in amounts]
    last_row = [0] * len(known)
    is_split = [False] * len(known)
    for order, row, split_piece, *values in zip(
        pieces["order"].tolist(),
        pieces["row"].tolist(),
        pieces["split"].tolist(),
        *(pieces[a].tolist() for a in amounts),
        strict=True,
    ):
        for total, value in zip(totals, values, strict=True):
            total[order] += int(value)
        last_row[order], is_split[order] = row, split_piece
    accrued, fees, interests, equivalents = totals
    last = frame.iloc[last_row].reset_index(drop=True)
    decimals = [MINOR_UNITS[str(c)] for c in last["currency"]]
    given = last["minimum_fee"].tolist() if "minimum_fee" in last else [None] * len(known)
    for i in range(len(known)):
        minimum = minimum_fee_units(given[i], decimals[i]) if is_split[i] and accrued[i] else None
        if minimum is not None and fees[i] < minimum:
            fees[i] = minimum
    result = result_frame(last, decimals, accrued, fees, interests, equivalents)
    return _with_minor(result, last)


def _with_minor(result: pd.DataFrame, agreements: pd.DataFrame) -> pd.DataFrame:
    """The engine's result with the security and the amounts in the minor unit."""
    decimals = [MINOR_UNITS[c] for c in result["currency"]]

    def minor(column: str) -> list[int]:
        return [
            int(v.scaleb(m, EXACT)) for v, m in zip(result[column].tolist(), decimals, strict=True)
        ]

    fee, interest, dividend = (
        minor(c) for c in ("lending_fee", "collateral_interest", "dividend_equivalent")
    )
    security = (
        agreements["security"].astype(str).tolist()
        if "security" in agreements
        else [""] * len(result)
    )
    return result.assign(
        security=security,
        fee_minor=fee,
        interest_minor=interest,
        dividend_minor=dividend,
        net_minor=[f + d - i for f, d, i in zip(fee, dividend, interest, strict=True)],
    )[list(PERIOD_COLUMNS)]
