"""The per-day detail behind a period's figures, its canonical bytes and their salted commitment.

:func:`daily_detail` gives, for each agreement and calendar day of the period, what the engine
multiplies and sums (steps 1-4 and 7 of :mod:`bpost_client.lending.engine`): the accruing
quantity, the mark price, the fee rate, the day's exact fee; the collateral, the collateral rate,
the day's exact interest; and on a dividend's record date the dividend line. The terms are those
of the version in effect on the day (:mod:`bpost_client.lending.period`).

The party that closes a period commits ``keccak256(salt || canonical_detail(detail))`` on chain
with the figures (:func:`detail_commitment`); a party given the salt and the detail can check it,
and the chain learns nothing of the detail.

It is computed on integer matrices agreements x days, as the engine does; the Decimal values are
made once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd
from eth_utils.crypto import keccak

from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import EXACT, as_decimal, is_missing
from bpost_client.lending.kernel import (
    INT64_LIMIT,
    Ints,
    KernelTerms,
    by_width,
    dividend_pairs,
    epoch_day,
    epoch_days,
    factors,
    fractions,
    in_effect,
    kernel_terms,
    magnitude,
    mark_prices,
    need_columns,
    require_marks,
    row_max,
    trunc,
)
from bpost_client.lending.period import Book, Versions, period_segments, split_versions
from bpost_client.lending.results import MAX_PRICE_AGE_DAYS
from bpost_client.platform.confidential import SALT_BYTES

__all__ = [
    "DETAIL_COLUMNS",
    "EXACT_PLACES",
    "SALT_BYTES",
    "canonical_detail",
    "daily_detail",
    "detail_commitment",
]

DETAIL_COLUMNS = (
    "agreement_id",
    "date",
    "quantity",
    "mark_price",
    "fee_rate_pct",
    "fee_exact",
    "collateral",
    "collateral_rate_pct",
    "interest_exact",
    "dividend_quantity",
    "amount_per_share",
    "dividend_rate_pct",
    "dividend_equivalent",
)
"""The columns of the detail, in the order of the canonical bytes."""
NUMBER_COLUMNS = DETAIL_COLUMNS[2:]
EXACT_PLACES = 10
"""The day's exact fee and interest are given to this many decimals of the major unit, toward
zero."""

_EPOCH = np.datetime64("1970-01-01", "D")


def daily_detail(book: Book, start: date, end: date) -> pd.DataFrame:
    """The detail of each agreement and calendar day of ``start..end``.

    Returns:
        One row per agreement and day, sorted by ``agreement_id`` then ``date`` (datetime64),
        numbers as :class:`~decimal.Decimal` (None where they do not apply):

        - ``quantity``: the accruing quantity (step 2; 0 on a day that does not accrue);
        - ``mark_price``: the mark price (None on a day that does not accrue);
        - ``fee_rate_pct``, ``collateral_rate_pct``: the rates of the version in effect;
        - ``fee_exact``, ``interest_exact``: the day's exact amount in major units, to
          :data:`EXACT_PLACES` decimals toward zero;
        - ``collateral``: the cash collateral in effect;
        - on a dividend's record date (the row's date), ``dividend_quantity`` (the quantity
          held, not the both-ends one), ``amount_per_share``, ``dividend_rate_pct`` and
          ``dividend_equivalent`` (truncated to the minor unit, in major units); two dividends
          of one day are one line with their amounts and equivalents summed.

    Raises:
        MissingPriceError: a day that accrues has no mark price (a
            :class:`~bpost_client.lending.results.StalePriceError` when its close is over the
            31-day window that the LendingCalculator holds to).
        ValidationError: inconsistent or malformed input, as for the calculation.
    """
    segments = period_segments(book, start, end)
    if len(segments) == 1:
        only = segments[0]
        ids = only.agreements["agreement_id"].astype(str).to_numpy(dtype=object)
        every = np.ones((len(ids), (end - start).days + 1), dtype=bool)
        versions = Versions(only.agreements, ids, only.rows, book.positions, every)
    else:
        # several versions of an agreement: each is its own row here, with the positions of
        # its agreement, and keeps only its own days
        versions = split_versions(book, segments, start, end)
    columns = _cells(versions, book.prices, book.dividends, start, end, len(segments) > 1)
    codes = pd.factorize(columns["agreement_id"], sort=True)[0]
    order = np.lexsort((columns["date"].astype(np.int64), codes))
    return pd.DataFrame({c: values[order] for c, values in columns.items()})


def _cells(
    versions: Versions,
    prices: pd.DataFrame,
    dividends: pd.DataFrame | None,
    start: date,
    end: date,
    masked: bool,
) -> dict[str, npt.NDArray[np.generic]]:
    """The detail of each version and day, as columns (versions x days, row-major), only the
    days that are the version's own when ``masked``."""
    valid, ids = versions.valid, versions.ids
    terms = kernel_terms(versions.agreements)
    rows, days = len(terms.frame), (end - start).days + 1
    first = epoch_day(start)
    quantity, collateral, quantity_scale, collateral_scale = in_effect(
        terms, versions.positions, first, days
    )
    held = quantity[:, 1:]
    accruing = np.where(terms.both_ends[:, None], np.maximum(held, quantity[:, :-1]), held)
    accrues = accruing > 0
    close, close_day, mark_index, price_scale = mark_prices(terms, prices, first, days)
    require_marks(
        terms, accrues & valid, close_day, mark_index, start, MAX_PRICE_AGE_DAYS, versions.missing
    )
    mark_index = np.where(accrues, mark_index, -1)
    fee = _exact(
        accruing,
        close[mark_index],
        terms.fee_rate,
        quantity_scale + price_scale + terms.fee_scale,
        terms.basis,
    )
    interest = _exact(
        collateral[:, 1:],
        None,
        terms.collateral_rate,
        collateral_scale + terms.collateral_scale,
        terms.basis,
    )
    marks = _decimals(close, price_scale)
    columns: dict[str, npt.NDArray[np.generic]] = {
        "agreement_id": np.repeat(ids, days),
        "date": np.tile(_EPOCH + first + np.arange(days), rows),
        "quantity": _decimals(accruing, quantity_scale).ravel(),
        "mark_price": np.append(marks[:-1], np.array([None], dtype=object))[mark_index].ravel(),
        "fee_rate_pct": np.repeat(_decimals(terms.fee_rate, terms.fee_scale), days),
        "fee_exact": _decimals(fee, EXACT_PLACES).ravel(),
        "collateral": _decimals(collateral[:, 1:], collateral_scale).ravel(),
        "collateral_rate_pct": np.repeat(
            _decimals(terms.collateral_rate, terms.collateral_scale), days
        ),
        "interest_exact": _decimals(interest, EXACT_PLACES).ravel(),
    }
    lines = _dividend_lines(terms, quantity, quantity_scale, dividends, first, days)
    for name, values in lines.items():
        column = np.full(rows * days, None, dtype=object)
        if len(values):
            column[lines["_cell"]] = values
        columns[name] = column
    del columns["_cell"]
    if not masked:
        return columns
    kept = valid.ravel()
    return {name: values[kept] for name, values in columns.items()}


def _exact(
    left: Ints, right: Ints | None, rate: Ints, scale: int, basis: npt.NDArray[np.int64]
) -> Ints:
    """Per row and day ``left * right * rate / (10**scale * 100 * basis)`` in units of
    ``10**-EXACT_PLACES``, toward zero: int64 where each row's bound allows, else Python ints."""
    multiplier, denominator = fractions(
        np.full(len(basis), scale + 2 - EXACT_PLACES, dtype=np.int64), basis
    )
    bound = np.maximum(1.0, row_max(left)) * np.maximum(1.0, magnitude(rate))
    if right is not None:
        bound *= np.maximum(1.0, row_max(right))
    bound *= magnitude(multiplier)
    result: Ints = np.zeros(left.shape, dtype=np.int64 if (bound < INT64_LIMIT).all() else object)
    for index, dtype in by_width(bound):
        values, factor = factors(left, right, rate, multiplier, index, dtype)
        result[index] = trunc(values * factor[:, None], denominator[index].astype(dtype)[:, None])
    return result


def _decimals(values: Ints, scale: int) -> npt.NDArray[np.object_]:
    """Integer numerators over ``10**scale`` as Decimals, each distinct value made once."""
    flat = values.ravel()
    codes, distinct = pd.factorize(flat)
    made = [Decimal(int(v)).scaleb(-scale, EXACT) for v in distinct.tolist()]
    return _objects(made)[codes].reshape(values.shape)


def _objects(values: Sequence[object]) -> npt.NDArray[np.object_]:
    """A list as an object array (``np.array`` inspects each item, 40 times slower)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _dividend_lines(
    terms: KernelTerms,
    quantity: Ints,
    quantity_scale: int,
    dividends: pd.DataFrame | None,
    first: int,
    days: int,
) -> dict[str, npt.NDArray[np.generic]]:
    """The dividend lines: the cell (version x day, row-major) of each and its values (step 7)."""
    empty: dict[str, npt.NDArray[np.generic]] = {
        "_cell": np.zeros(0, dtype=np.int64),
        "dividend_quantity": np.zeros(0, dtype=object),
        "amount_per_share": np.zeros(0, dtype=object),
        "dividend_rate_pct": np.zeros(0, dtype=object),
        "dividend_equivalent": np.zeros(0, dtype=object),
    }
    pairs = dividend_pairs(terms, quantity, quantity_scale, dividends, first, days)
    if pairs is None:
        return empty
    lines = pd.DataFrame(
        {
            "_cell": pairs.agreement * days + pairs.column - 1,
            "held": pairs.held,
            "per_share": pairs.per_share,
            "equivalent": pairs.equivalent,
            "a": pairs.agreement,
        }
    )
    lines = lines.groupby("_cell", sort=True).agg(
        held=("held", "first"),
        per_share=("per_share", "sum"),
        equivalent=("equivalent", "sum"),
        a=("a", "first"),
    )
    rates = _decimals(terms.dividend_rate, terms.dividend_scale)
    places = terms.decimals[lines["a"].to_numpy()]
    return {
        "_cell": lines.index.to_numpy(dtype=np.int64),
        "dividend_quantity": _decimals(lines["held"].to_numpy(), quantity_scale),
        "amount_per_share": _decimals(lines["per_share"].to_numpy(), pairs.amount_scale),
        "dividend_rate_pct": rates[lines["a"].to_numpy()],
        "dividend_equivalent": _objects(
            [
                Decimal(int(e)).scaleb(-int(m), EXACT)
                for e, m in zip(lines["equivalent"].tolist(), places.tolist(), strict=True)
            ]
        ),
    }


def canonical_detail(detail: pd.DataFrame) -> bytes:
    """The detail as deterministic bytes: CSV in UTF-8 with the header :data:`DETAIL_COLUMNS`,
    rows sorted by agreement and date, ``\\n`` line ends, dates ``YYYY-MM-DD``, numbers as
    normalised decimal text (``1939.5``, ``0``, ``-12``: no exponent, no trailing zeros, no
    ``+``), an empty field for None; fields quoted only when they hold ``,``, ``"`` or a line
    break. The same detail, in any row order, with Decimal, int or text numbers, gives the same
    bytes.

    Raises:
        ValidationError: a column missing, two rows of an agreement and date, or a value that is
            not an exact number (a binary float).
    """
    need_columns(detail, DETAIL_COLUMNS, "detail")
    ids = detail["agreement_id"].astype(str).to_numpy(dtype=object)
    days = epoch_days(detail["date"], "detail.date")
    codes, distinct = pd.factorize(ids, sort=True)
    order = np.lexsort((days, codes))
    codes, days = codes[order], days[order]
    twice = (codes[1:] == codes[:-1]) & (days[1:] == days[:-1])
    if twice.any():
        at = int(np.flatnonzero(twice)[0])
        raise ValidationError(f"detail: two rows of {distinct[codes[at]]!r} on {_EPOCH + days[at]}")
    texts = [
        _objects([_field(str(i)) for i in distinct])[codes],
        _day_texts(days),
    ]
    for column in NUMBER_COLUMNS:
        texts.append(_number_texts(detail[column].to_numpy(dtype=object)[order], column))
    lines = map(",".join, zip(*(t.tolist() for t in texts), strict=True))
    return ("\n".join([",".join(DETAIL_COLUMNS), *lines]) + "\n").encode("utf-8")


def _day_texts(days: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """Days since 1970-01-01 as ``YYYY-MM-DD``, each distinct day written once."""
    codes, distinct = pd.factorize(days)
    texts = np.datetime_as_string(_EPOCH + distinct.astype(np.int64), unit="D").tolist()
    written: npt.NDArray[np.object_] = _objects(texts)[codes]
    return written


def _field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _number_texts(values: npt.NDArray[np.object_], column: str) -> npt.NDArray[np.object_]:
    """Each value as normalised decimal text ('' for None), each object written once: the
    objects are told apart by identity, which is cheaper than hashing Decimals and gives the same
    text (equal values written twice at most once per object)."""
    identity = np.fromiter(map(id, values), dtype=np.int64, count=len(values))
    codes, distinct = pd.factorize(identity)
    made = [_decimal_text(v, column) for v in values[_first_of(codes, len(distinct))].tolist()]
    texts: npt.NDArray[np.object_] = _objects(made)[codes]
    return texts


def _first_of(codes: npt.NDArray[np.intp], count: int) -> npt.NDArray[np.intp]:
    """The position of each code's first occurrence."""
    first = np.empty(count, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


def _decimal_text(value: object, column: str) -> str:
    """``Decimal('1939.50')`` -> ``'1939.5'``, ``Decimal('1E+3')`` -> ``'1000'``, 0 -> ``'0'``,
    None or NaN -> ``''``."""
    if is_missing(value):
        return ""
    number = value if type(value) is Decimal else as_decimal(value, f"detail.{column}")
    if not number.is_finite():
        raise ValidationError(f"detail.{column}: {value!r} is not a finite number")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def detail_commitment(salt: bytes, detail_bytes: bytes) -> bytes:
    """``keccak256(salt || detail_bytes)``: what the closing party commits on chain.

    Raises:
        ValidationError: the salt is not :data:`SALT_BYTES` (32) bytes; a short or fixed salt
            would let anyone who guesses the detail confirm the guess.
    """
    if len(salt) != SALT_BYTES:
        raise ValidationError(f"the salt is {len(salt)} bytes; give {SALT_BYTES} random bytes")
    return keccak(bytes(salt) + bytes(detail_bytes))
