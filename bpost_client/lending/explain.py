"""Why a counterparty's figures differ from ours: the changes of our calculation that reproduce
them, per loan, most common cause first, and the days on which the figures part.

A break is explained by re-running our calculation (:func:`~bpost_client.lending.period.
calculate_period`) with one change at a time, the candidates:

- ``rounding``: each other rounding (:data:`ROUNDING_ORDER`);
- ``price_basis``, ``days_counted``, ``day_count``: the convention flipped;
- ``quantity``: the counterparty's positions (quantity and collateral as it holds them);
- ``fee_rate``, ``collateral_rate``, ``dividend_rate``: the counterparty's rate (its versions
  and their effective dates, if it gives them).

A candidate explains a break when it reproduces every one of the counterparty's amounts (fee,
collateral interest, dividend equivalent) within the tolerance (exactly, by default). Every single
change that does is reported, ranked by :data:`CAUSE_ORDER`; when none does, every pair of changes
of two different causes that does, ranked by their causes' ranks; when no pair does either, the
break is unexplained. An agreement that one side does not have at all is a missing loan.

Every single change is tried on every breaking agreement in one calculation (each agreement under
each change is an agreement of its own in a trial book), and every pair in a second one over the
agreements still unexplained: two vectorised calculations, not one per agreement and candidate.
The days are found likewise, from one detail of every explanation found.

For each explanation, the days on which the figures part are those on which the day's amount as
each side counts it differs (from :func:`~bpost_client.lending.detail.daily_detail` of both): the
exact fee and interest, or, under ``daily_truncate``, the day's amount truncated to the minor unit,
and the dividend equivalent. A change between ``period_truncate`` and ``period_half_up`` parts no
day (only the period's total is rounded differently): its list is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Context, Decimal
from enum import StrEnum
from itertools import combinations

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpost_client.currencies import MINOR_UNITS
from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import as_date, as_decimal, is_missing
from bpost_client.lending.detail import daily_detail
from bpost_client.lending.kernel import epoch_days
from bpost_client.lending.matching import AMOUNTS
from bpost_client.lending.period import Book, calculate_period
from bpost_client.lending.results import MissingPriceError
from bpost_client.lending.terms import DayCount, DaysCounted, PriceBasis, Rounding

__all__ = [
    "CAUSE_ORDER",
    "EXPLANATION_COLUMNS",
    "ROUNDING_ORDER",
    "Cause",
    "Outcome",
    "explain",
]


class Cause(StrEnum):
    """A cause of a break: a change of our calculation that can reproduce the other figure."""

    ROUNDING = "rounding"
    PRICE_BASIS = "price_basis"
    DAYS_COUNTED = "days_counted"
    DAY_COUNT = "day_count"
    QUANTITY = "quantity"
    FEE_RATE = "fee_rate"
    COLLATERAL_RATE = "collateral_rate"
    DIVIDEND_RATE = "dividend_rate"
    MISSING_LOAN = "missing_loan"


CAUSE_ORDER: tuple[Cause, ...] = (
    Cause.ROUNDING,
    Cause.PRICE_BASIS,
    Cause.DAYS_COUNTED,
    Cause.DAY_COUNT,
    Cause.QUANTITY,
    Cause.FEE_RATE,
    Cause.COLLATERAL_RATE,
    Cause.DIVIDEND_RATE,
)
"""The causes by how common they are, the commonest first: rounding (docs/conventions.md: daily
against period truncation is the commonest single cause of a break), then the other conventions
(the mark price's date, the days counted, the day count), then the quantity, then the rates. A
missing loan is not ranked: it is found before any recalculation."""
ROUNDING_ORDER: tuple[Rounding, ...] = (
    Rounding.PERIOD_TRUNCATE,
    Rounding.DAILY_TRUNCATE,
    Rounding.PERIOD_HALF_UP,
)
"""The other roundings in the order they are tried and ranked: the truncations (daily or
period) before half up, so a switch between daily and period truncation ranks first."""


class Outcome(StrEnum):
    """What :func:`explain` found for an agreement."""

    MATCHED = "matched"
    """The figures agree within the tolerance: nothing to explain."""
    SINGLE = "single"
    PAIR = "pair"
    MISSING_LOAN = "missing_loan"
    UNEXPLAINED = "unexplained"


EXPLANATION_COLUMNS = ("agreement_id", "rank", "outcome", "cause", "change", "days")
"""The columns of :func:`explain`'s result."""

_FLIPS: dict[Cause, tuple[str, dict[str, str]]] = {
    Cause.PRICE_BASIS: (
        "price_basis",
        {
            PriceBasis.PREVIOUS_CLOSE: PriceBasis.SAME_DAY_CLOSE,
            PriceBasis.SAME_DAY_CLOSE: PriceBasis.PREVIOUS_CLOSE,
        },
    ),
    Cause.DAYS_COUNTED: (
        "days_counted",
        {
            DaysCounted.ONE_END: DaysCounted.BOTH_ENDS,
            DaysCounted.BOTH_ENDS: DaysCounted.ONE_END,
        },
    ),
    Cause.DAY_COUNT: (
        "day_count",
        {DayCount.ACT_365F: DayCount.ACT_360, DayCount.ACT_360: DayCount.ACT_365F},
    ),
}
_RATES = {
    Cause.FEE_RATE: "fee_rate_pct",
    Cause.COLLATERAL_RATE: "collateral_rate_pct",
    Cause.DIVIDEND_RATE: "dividend_rate_pct",
}
_EARLIEST = date(1900, 1, 1)
"""The effective date of terms given without one."""
_DOWN = Context(prec=1000, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class _Candidate:
    cause: Cause
    rounding: Rounding | None = None

    @property
    def rank(self) -> int:
        if self.rounding is not None:
            return ROUNDING_ORDER.index(self.rounding)
        return len(ROUNDING_ORDER) - 1 + CAUSE_ORDER.index(self.cause)


_CANDIDATES = (
    *(_Candidate(Cause.ROUNDING, r) for r in ROUNDING_ORDER),
    *(_Candidate(c) for c in CAUSE_ORDER[1:]),
)


@dataclass(frozen=True, eq=False)
class _Theirs:
    """What we know of the counterparty: its figures, its rates, its positions."""

    amounts: pd.DataFrame
    """Indexed by agreement id: fee, interest, dividend (ints, minor units)."""
    inputs: pd.DataFrame | None
    positions: pd.DataFrame | None
    tolerance: int | Mapping[str, int]

    def only(self, ids: Sequence[str]) -> _Theirs:
        """What we know of these agreements."""
        wanted = set(ids)

        def rows(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None:
                return None
            return frame[frame["agreement_id"].astype(str).isin(wanted)]

        return _Theirs(self.amounts, rows(self.inputs), rows(self.positions), self.tolerance)

    def tolerance_of(self, ids: Sequence[str]) -> npt.NDArray[np.int64]:
        if isinstance(self.tolerance, Mapping):
            return np.array([int(self.tolerance.get(i, 0)) for i in ids], dtype=np.int64)
        return np.full(len(ids), int(self.tolerance), dtype=np.int64)


def explain(
    book: Book,
    start: date,
    end: date,
    theirs: pd.DataFrame,
    their_inputs: pd.DataFrame | None = None,
    *,
    their_positions: pd.DataFrame | None = None,
    tolerance_minor: int | Mapping[str, int] = 0,
    agreement_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Explain the breaks between our figures (from ``book``) and the counterparty's.

    Args:
        book: our agreed inputs (versions allowed).
        start: the first day of the period.
        end: the last day of the period.
        theirs: the counterparty's figures: ``agreement_id``, ``fee_minor``, ``interest_minor``,
            ``dividend_minor`` (ints in the minor unit), as
            :func:`~bpost_client.lending.period.calculate_period` gives them.
        their_inputs: the counterparty's terms, if known: ``agreement_id`` and any of
            ``fee_rate_pct``, ``collateral_rate_pct``, ``dividend_rate_pct`` (empty: not
            known), with ``effective_from`` when it has versions; the rate candidates need it.
        their_positions: the counterparty's positions, if known (the engine's positions table;
            agreements it does not cover keep ours); the quantity candidate needs it.
        tolerance_minor: the tolerance of each amount, in minor units; an int or per agreement.
        agreement_ids: the agreements to explain (e.g. :attr:`~bpost_client.lending.matching.
            Comparison.breaks`); by default every agreement of either side whose figures differ.

    Returns:
        :data:`EXPLANATION_COLUMNS`, one row per explanation, best first (``rank`` 1, 2 ...) for
        each agreement: ``outcome`` (:class:`Outcome`), ``cause`` (a :class:`Cause`, two joined
        by ``+`` for a pair, empty when matched or unexplained), ``change`` (what changes, ours
        -> theirs), ``days`` (the dates on which the figures part, a list). An agreement with
        no explanation has one row, outcome ``unexplained``.

    Raises:
        MissingPriceError: our own book has a day that accrues without a mark price.
        ValidationError: malformed figures or inputs.
    """
    other = _Theirs(_amounts(theirs), _inputs(their_inputs), their_positions, tolerance_minor)
    ours_ids = pd.Index(book.agreements["agreement_id"].astype(str).unique())
    if agreement_ids is None:
        ours = calculate_period(book, start, end).set_index("agreement_id")
        requested = [*ours_ids, *other.amounts.index.difference(ours_ids, sort=False)]
        wanted = _breaking(ours, other, ours.index.intersection(other.amounts.index))
        missing = [
            i
            for i in requested
            if (i in ours_ids) != (i in other.amounts.index)
            and _nonzero(ours.loc[i] if i in ours_ids else other.amounts.loc[i])
        ]
        requested = [i for i in requested if i in wanted or i in missing]
    else:
        requested = list(dict.fromkeys(str(i) for i in agreement_ids))
        nowhere = [i for i in requested if i not in ours_ids and i not in other.amounts.index]
        if nowhere:
            raise ValidationError(f"agreement {nowhere[0]!r} is on neither side")
        missing = [i for i in requested if (i in ours_ids) != (i in other.amounts.index)]
        present = [i for i in requested if i in ours_ids and i in other.amounts.index]
        ours = calculate_period(book.only(present), start, end).set_index("agreement_id")
        wanted = _breaking(ours, other, pd.Index(present))
    breaking = [i for i in requested if i in wanted]
    mine = book.only(breaking).within(start, end)
    other = other.only(breaking)
    singles = _search(mine, start, end, other, [(c,) for c in _CANDIDATES], breaking)
    explained = {i for i, _ in singles}
    rest = [i for i in breaking if i not in explained]
    pairs = [(a, b) for a, b in combinations(_CANDIDATES, 2) if a.cause is not b.cause]
    doubles = _search(mine, start, end, other, pairs, rest) if rest else []
    shown = [i for i in requested if i in ours_ids and (i in missing or i in explained)]
    shown += [i for i, _ in doubles]
    our_detail = _detail(book.only(shown).within(start, end), start, end)
    parting = _parting_days(our_detail, mine, start, end, other, [*singles, *doubles])
    our_rows = _by_agreement(mine.agreements)
    their_rows = _by_agreement(other.inputs)
    found: dict[str, list[tuple[tuple[int, ...], Outcome, str, str, list[date]]]] = {}
    for agreement, change in [*singles, *doubles]:
        ranked = sorted(change, key=lambda c: c.rank)
        found.setdefault(agreement, []).append(
            (
                tuple(c.rank for c in ranked),
                Outcome.SINGLE if len(change) == 1 else Outcome.PAIR,
                "+".join(c.cause.value for c in ranked),
                "; ".join(
                    _describe(c, our_rows[agreement], their_rows.get(agreement)) for c in ranked
                ),
                parting.get((agreement, change), []),
            )
        )
    return _report(requested, breaking, missing, found, ours_ids, our_detail)


def _amounts(theirs: pd.DataFrame) -> pd.DataFrame:
    needed = ["agreement_id", *AMOUNTS.values()]
    lacking = [c for c in needed if c not in theirs.columns]
    if lacking:
        raise ValidationError(f"their figures: missing column(s) {', '.join(lacking)}")
    frame = pd.DataFrame(
        {
            amount: [_integer(v, column) for v in theirs[column].tolist()]
            for amount, column in AMOUNTS.items()
        },
        index=pd.Index(theirs["agreement_id"].astype(str), name="agreement_id"),
    )
    if frame.index.duplicated().any():
        raise ValidationError(
            f"their figures: agreement {frame.index[frame.index.duplicated()][0]!r} twice"
        )
    return frame


def _integer(value: object, column: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValidationError(f"their figures: {column} {value!r} is not an integer")
    return int(value)


def _inputs(their_inputs: pd.DataFrame | None) -> pd.DataFrame | None:
    if their_inputs is None:
        return None
    if "agreement_id" not in their_inputs.columns:
        raise ValidationError("their inputs: missing column agreement_id")
    frame = their_inputs.assign(agreement_id=their_inputs["agreement_id"].astype(str))
    days = _effective_days(frame)
    if pd.DataFrame({"a": frame["agreement_id"], "d": days}).duplicated().any():
        raise ValidationError("their inputs: an agreement twice with the same effective date")
    return frame.assign(_day=days).reset_index(drop=True)


def _effective_days(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    if "effective_from" not in frame.columns:
        return np.full(len(frame), (_EARLIEST - date(1970, 1, 1)).days, dtype=np.int64)
    return epoch_days(frame["effective_from"], "effective_from")


def _nonzero(row: pd.Series) -> bool:
    """Some amount of the row (our figures or theirs) is not 0."""
    return any(int(row[c]) != 0 for c in (*AMOUNTS, *AMOUNTS.values()) if c in row.index)


def _figures(book: Book, start: date, end: date) -> pd.DataFrame:
    """Our figures under a candidate, indexed by agreement; agreements it leaves without a mark
    price are dropped (the candidate cannot explain them)."""
    while True:
        try:
            return calculate_period(book, start, end).set_index("agreement_id")
        except MissingPriceError as exc:
            book = book.only(
                set(book.agreements["agreement_id"].astype(str))
                - {m.agreement_id for m in exc.missing}
            )


def _breaking(ours: pd.DataFrame, other: _Theirs, ids: pd.Index) -> set[str]:
    """The agreements among ``ids`` whose amounts differ beyond the tolerance."""
    return set(ids[~_within(ours.loc[ids], ids, other)])


def _search(
    mine: Book,
    start: date,
    end: date,
    other: _Theirs,
    changes: Sequence[tuple[_Candidate, ...]],
    ids: Sequence[str],
) -> list[tuple[str, tuple[_Candidate, ...]]]:
    """Each (agreement, change) of ``ids`` for which the change reproduces their figures: one
    calculation of every change applied to every agreement of ``ids``."""
    book = mine.only(ids)
    trial = _Trial.of(book, [(c, list(ids)) for c in changes if _possible(c, other)], other)
    figures = _figures(trial.book, start, end)
    agreements = [trial.which[p][0] for p in figures.index]
    within = _within(figures, pd.Index(agreements), other)
    return [trial.which[p] for p, ok in zip(figures.index, within, strict=True) if ok]


@dataclass(frozen=True, eq=False)
class _Trial:
    """Several changes tried at once: a book whose agreements are our agreements with a change
    made, each under its own id (``which`` maps it to the agreement and the change)."""

    book: Book
    which: dict[str, tuple[str, tuple[_Candidate, ...]]]

    @classmethod
    def of(
        cls, mine: Book, tries: Sequence[tuple[tuple[_Candidate, ...], list[str]]], other: _Theirs
    ) -> _Trial:
        agreements, positions = [], []
        which: dict[str, tuple[str, tuple[_Candidate, ...]]] = {}
        for n, (change, ids) in enumerate(tries):
            alternative = _apply(mine.only(ids), change, other)
            tag = f"\x1f{n}"
            frame = alternative.agreements.assign(
                agreement_id=alternative.agreements["agreement_id"].astype(str) + tag
            )
            if "effective_from" not in frame.columns:
                frame = frame.assign(effective_from=_EARLIEST)
            agreements.append(frame)
            held = alternative.positions
            positions.append(held.assign(agreement_id=held["agreement_id"].astype(str) + tag))
            which.update({i + tag: (i, change) for i in ids})
        if not agreements:
            return cls(mine.only([]), {})
        book = Book(
            pd.concat(agreements, ignore_index=True),
            pd.concat(positions, ignore_index=True),
            mine.prices,
            mine.dividends,
        )
        return cls(book, which)


def _within(figures: pd.DataFrame, agreements: pd.Index, other: _Theirs) -> npt.NDArray[np.bool_]:
    """Per row of ``figures`` (of ``agreements``), whether it equals their figures within the
    tolerance."""
    known = agreements.isin(other.amounts.index)
    within = np.asarray(known, dtype=bool).copy()
    if not within.any():
        return within
    rows = agreements[known]
    tolerance = other.tolerance_of(list(rows))
    for amount, column in AMOUNTS.items():
        mine = figures[column].to_numpy(dtype=object)[known]  # Python ints: never wrap
        theirs = other.amounts.loc[rows, amount].to_numpy(dtype=object)
        within[known] &= (np.abs(mine - theirs) <= tolerance).astype(bool)
    return within


def _possible(change: tuple[_Candidate, ...], other: _Theirs) -> bool:
    for candidate in change:
        if candidate.cause is Cause.QUANTITY and other.positions is None:
            return False
        if candidate.cause in _RATES and (
            other.inputs is None or _RATES[candidate.cause] not in other.inputs.columns
        ):
            return False
    return True


def _apply(book: Book, change: tuple[_Candidate, ...], other: _Theirs) -> Book:
    """``book`` with the change(s) made to every agreement in it."""
    agreements, positions = book.agreements.copy(), book.positions
    for candidate in change:
        if candidate.rounding is not None:
            agreements["rounding"] = candidate.rounding.value
        elif candidate.cause in _FLIPS:
            column, flip = _FLIPS[candidate.cause]
            agreements[column] = [flip[str(v)] for v in agreements[column].tolist()]
        elif candidate.cause in _RATES:
            assert other.inputs is not None
            agreements = _their_rate(agreements, other.inputs, _RATES[candidate.cause])
        elif candidate.cause is Cause.QUANTITY:
            assert other.positions is not None
            ids = set(agreements["agreement_id"].astype(str))
            given = other.positions["agreement_id"].astype(str)
            covered = ids & set(given)
            positions = pd.concat(
                [
                    positions[~positions["agreement_id"].astype(str).isin(covered)],
                    other.positions[given.isin(covered)],
                ],
                ignore_index=True,
            )
    return Book(agreements, positions, book.prices, book.dividends)


def _their_rate(agreements: pd.DataFrame, inputs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Our versions with their rate in ``column`` as it stood on each day: a version at each of
    our and their effective dates, our other terms and their rate as of that date (the earliest
    of either side also covering the days before it)."""
    theirs = inputs[inputs[column].map(lambda v: not is_missing(v))]
    if "effective_from" not in inputs.columns and "effective_from" not in agreements.columns:
        rate = dict(zip(theirs["agreement_id"], theirs[column], strict=True))
        ids = agreements["agreement_id"].astype(str).tolist()
        values = agreements[column].tolist()
        modified = agreements.copy()
        modified[column] = pd.Series(
            [
                as_decimal(rate[i], f"their inputs: {column}") if i in rate else v
                for i, v in zip(ids, values, strict=True)
            ],
            index=agreements.index,
            dtype=object,
        )
        return modified
    ours = agreements.assign(
        agreement_id=agreements["agreement_id"].astype(str), _day=_effective_days(agreements)
    ).reset_index(drop=True)
    changed = ours["agreement_id"].isin(theirs["agreement_id"])
    if not changed.any():
        return agreements
    theirs = theirs[theirs["agreement_id"].isin(ours["agreement_id"])]
    mine = ours[changed]
    dates = (
        pd.concat([mine[["agreement_id", "_day"]], theirs[["agreement_id", "_day"]]])
        .drop_duplicates()
        .sort_values("_day", kind="stable")
        .reset_index(drop=True)
    )
    our_row = _as_of(dates, mine)
    their_row = _as_of(dates, theirs.reset_index(drop=True))
    versions = mine.iloc[our_row].reset_index(drop=True)
    versions[column] = pd.Series(
        [
            as_decimal(v, f"their inputs: {column}")
            for v in theirs.reset_index(drop=True)[column].iloc[their_row].tolist()
        ],
        index=versions.index,
        dtype=object,
    )
    versions["_day"] = dates["_day"].to_numpy()
    result = pd.concat([ours[~changed], versions], ignore_index=True)
    result["effective_from"] = np.datetime64("1970-01-01", "D") + result["_day"].to_numpy(
        dtype=np.int64
    )
    return result.drop(columns="_day")


def _as_of(dates: pd.DataFrame, table: pd.DataFrame) -> npt.NDArray[np.int64]:
    """For each (agreement, day) of ``dates`` (sorted by day), the position in ``table`` of the
    agreement's latest row effective on or before the day, or its earliest row."""
    rows = table[["agreement_id", "_day"]].assign(_at=np.arange(len(table)))
    rows = rows.sort_values("_day", kind="stable")
    backward = pd.merge_asof(dates, rows, on="_day", by="agreement_id", direction="backward")
    forward = pd.merge_asof(dates, rows, on="_day", by="agreement_id", direction="forward")
    return np.asarray(backward["_at"].fillna(forward["_at"]).to_numpy(dtype=np.int64))


def _detail(book: Book, start: date, end: date) -> pd.DataFrame:
    while True:
        try:
            return daily_detail(book, start, end)
        except MissingPriceError as exc:
            book = book.only(
                set(book.agreements["agreement_id"].astype(str))
                - {m.agreement_id for m in exc.missing}
            )


def _last_terms(book: Book) -> pd.DataFrame:
    """Each agreement's last version, indexed by agreement id."""
    frame = book.agreements.assign(
        agreement_id=book.agreements["agreement_id"].astype(str),
        _day=_effective_days(book.agreements),
    )
    return (
        frame.sort_values("_day", kind="stable")
        .drop_duplicates("agreement_id", keep="last")
        .set_index("agreement_id")
    )


def _parting_days(
    ours: pd.DataFrame,
    mine: Book,
    start: date,
    end: date,
    other: _Theirs,
    found: Sequence[tuple[str, tuple[_Candidate, ...]]],
) -> dict[tuple[str, tuple[_Candidate, ...]], list[date]]:
    """For each (agreement, change) found, the days on which the amounts as counted under the
    change differ from ours (one detail of every change at once)."""
    if not found:
        return {}
    by_change: dict[tuple[_Candidate, ...], list[str]] = {}
    for agreement, change in found:
        by_change.setdefault(change, []).append(agreement)
    trial = _Trial.of(mine, list(by_change.items()), other)
    alternative = _detail(trial.book, start, end)
    tried = alternative["agreement_id"].map(lambda p: trial.which[p][0])
    alternative = alternative.assign(tried=alternative["agreement_id"], agreement_id=tried)
    terms = _last_terms(mine)
    rounding = {i: Rounding(str(r)) for i, r in terms["rounding"].items()}
    places = {i: MINOR_UNITS[str(c)] for i, c in terms["currency"].items()}
    both = ours.merge(alternative, on=["agreement_id", "date"], suffixes=("", "_alt"))
    days: dict[tuple[str, tuple[_Candidate, ...]], list[date]] = {}
    for row in both.itertuples(index=False):
        agreement, change = trial.which[str(row.tried)]
        own = rounding[agreement]
        alt = next((c.rounding for c in change if c.rounding is not None), own)
        m = places[agreement]
        if (
            _counted(row.fee_exact, own, m) != _counted(row.fee_exact_alt, alt, m)
            or _counted(row.interest_exact, own, m) != _counted(row.interest_exact_alt, alt, m)
            or _number(row.dividend_equivalent) != _number(row.dividend_equivalent_alt)
        ):
            days.setdefault((agreement, change), []).append(as_date(row.date, "detail.date"))
    return days


def _counted(value: object, rounding: Rounding, places: int) -> Decimal:
    """The day's amount as ``rounding`` counts it."""
    amount = _number(value)
    if rounding is Rounding.DAILY_TRUNCATE:
        return amount.quantize(Decimal(1).scaleb(-places), context=_DOWN)
    return amount


def _number(value: object) -> Decimal:
    return Decimal(0) if value is None else as_decimal(value, "detail")


def _describe(candidate: _Candidate, rows: pd.DataFrame, theirs: pd.DataFrame | None) -> str:
    """``'day_count: ACT/365F -> ACT/360'`` from our versions' ``rows`` and ``theirs``; the values
    of several versions joined by ``', '``."""

    def ours(column: str) -> list[str]:
        return list(dict.fromkeys(str(v) for v in rows[column].tolist()))

    if candidate.rounding is not None:
        return f"rounding: {', '.join(ours('rounding'))} -> {candidate.rounding.value}"
    if candidate.cause in _FLIPS:
        column, flip = _FLIPS[candidate.cause]
        values = ours(column)
        return f"{column}: {', '.join(values)} -> {', '.join(flip[v] for v in values)}"
    if candidate.cause in _RATES:
        column = _RATES[candidate.cause]
        assert theirs is not None
        given = theirs[column].tolist()
        return f"{column}: {', '.join(ours(column))} -> {', '.join(str(v) for v in given)}"
    return "quantity: their positions"


def _by_agreement(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    if frame is None:
        return {}
    return {str(k): rows for k, rows in frame.groupby(frame["agreement_id"].astype(str))}


def _report(
    requested: list[str],
    breaking: list[str],
    missing: list[str],
    found: dict[str, list[tuple[tuple[int, ...], Outcome, str, str, list[date]]]],
    ours_ids: pd.Index,
    our_detail: pd.DataFrame,
) -> pd.DataFrame:
    rows: list[tuple[str, int, str, str, str, list[date]]] = []
    broken = set(breaking)
    for agreement in requested:
        if agreement in missing:
            side = "ours only" if agreement in ours_ids else "theirs only"
            rows.append(
                (
                    agreement,
                    1,
                    Outcome.MISSING_LOAN.value,
                    Cause.MISSING_LOAN.value,
                    f"missing loan: {side}",
                    _figure_days(our_detail, agreement),
                )
            )
        elif agreement not in broken:
            rows.append((agreement, 1, Outcome.MATCHED.value, "", "", []))
        elif agreement in found:
            ranked = sorted(found[agreement], key=lambda e: e[0])
            for rank, (_, outcome, cause, change, days) in enumerate(ranked, start=1):
                rows.append((agreement, rank, outcome.value, cause, change, days))
        else:
            rows.append((agreement, 1, Outcome.UNEXPLAINED.value, "", "", []))
    return pd.DataFrame(rows, columns=list(EXPLANATION_COLUMNS))


def _figure_days(detail: pd.DataFrame, agreement: str) -> list[date]:
    """The days on which ``agreement`` has an amount in our detail."""
    rows = detail[detail["agreement_id"] == agreement]
    if rows.empty:
        return []
    some = [
        _number(f) != 0 or _number(i) != 0 or _number(d) != 0
        for f, i, d in zip(
            rows["fee_exact"], rows["interest_exact"], rows["dividend_equivalent"], strict=True
        )
    ]
    return [as_date(d, "detail.date") for d in rows.loc[some, "date"]]
