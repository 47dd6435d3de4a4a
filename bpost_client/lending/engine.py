"""The lending calculation, vectorised and exact: fee, collateral interest, dividend equivalent.

:func:`calculate` takes the agreements, their positions, the closes and the dividends and gives,
per agreement and period, the lending fee, the cash-collateral interest, the dividend equivalent
and the net in the currency's minor unit, exactly; whole arrays of agreements x days at a time,
no Python loop per day or per agreement.

The algorithm, for one agreement and the period ``start..end`` (what a contract must reproduce)
------------------------------------------------------------------------------------------------
Every input is an integer. A decimal input ``x`` is the numerator ``X`` of ``X / 10**k`` for a
scale exponent ``k``: quantity ``Q`` (``kq``), close ``P`` (``kp``), collateral ``C`` (``kc``),
amount per share ``A`` (``ka``), fee rate ``Rf`` (``kf``), collateral rate ``Rc`` (``kr``),
dividend-equivalent rate ``Rd`` (``kd``), rates in percent. The engine takes for each input
column the smallest ``k`` that makes all of its values integers; a contract may fix ``k = 6`` for
everything (inputs of at most six decimals): nothing is rounded before step 5, so the result does
not depend on the scales. Rates may be negative; quantities, closes, collateral and amounts not.
``m`` is the currency's minor-unit decimals (ISO 4217: JPY 0, USD 2) and ``B`` the basis (365 for
ACT/365F, 360 for ACT/360).

1. Quantity and collateral of calendar day D, ``q(D)`` and ``c(D)``: those of the agreement's
   latest position row dated on or before D; 0 and 0 when there is none.
2. Accruing quantity ``a(D)``: ``q(D)`` (one_end) or ``max(q(D), q(D - 1))`` (both_ends; D - 1
   may be the day before the period).
3. Mark price ``p(D)``, needed only when ``a(D) > 0``: the close of the security's latest price
   date strictly before D (previous_close) or on or before D (same_day_close); none is an error
   (:class:`~bpost_client.lending.results.MissingPriceError`), and so is a close more than
   ``max_price_age`` calendar days older than D (31 by default, the PriceFeed's window;
   :class:`~bpost_client.lending.results.StalePriceError`).
4. Day numerators: ``F(D) = a(D) * p(D) * Rf`` when ``a(D) > 0`` (else 0) and ``G(D) = c(D) * Rc``
   for every day. An exact amount in minor units is ``X * 10**m / (10**K * 100 * B)``, ``K`` the
   sum of its factors' scales (``kq + kp + kf`` for the fee, ``kc + kr`` for the interest). With
   ``e = K + 2 - m`` it is ``n / d``, ``n = X * 10**max(0, -e)``, ``d = 10**max(0, e) * B``.
5. Rounding, once, on integers (``//`` is floor division of non-negative integers):
   ``trunc(n, d) = sign(n) * (|n| // d)`` (toward zero) and
   ``half_up(n, d) = sign(n) * ((2 * |n| + d) // (2 * d))`` (a half away from zero);
   period_truncate: ``trunc(sum_D n(D), d)``; period_half_up: ``half_up(sum_D n(D), d)``;
   daily_truncate: ``sum_D trunc(n(D), d)``. The same rule for the fee and the collateral interest.
6. Minimum fee ``M`` (in minor units; it must be a whole number of them): when some day of the
   period accrued, ``fee = max(fee, M)``.
7. Dividend equivalent: for each dividend of the security whose record date ``r`` is in the
   period, ``trunc(q(r) * A * Rd * 10**max(0, -e), 10**max(0, e))`` with
   ``e = kq + ka + kd + 2 - m`` (``q(r)``, not the both-ends quantity); the sum of these.
8. Net = fee + dividend equivalent - collateral interest. ``accrual_days`` = #{D: a(D) > 0}.

The worked example of docs/conventions.md: 10,000 shares (``kq = 0``), closes 2,000 ... 2,030
(``kp = 0``), 0.50% (``Rf = 50``, ``kf = 2``), JPY (``m = 0``), ACT/365F: ``e = 4``,
``d = 10**4 * 365 = 3,650,000``; ``sum_D F(D) = 10,000 * 14,160 * 50 = 7,080,000,000``, so
period_truncate gives ``7,080,000,000 // 3,650,000 = 1,939`` (exactly 1,939.726...) and
daily_truncate ``3 * 273 + 2 * 280 + 2 * 278 = 1,935`` (``10,000 * 2,000 * 50 // 3,650,000 = 273``
...).

How it is vectorised
--------------------
Positions sorted by (agreement, date) give a matrix agreements x (1 + days), from the day before
the period, of the index of the row in effect (the rows' indices scattered on their days, then
``np.maximum.accumulate`` along the days); quantities and collateral are gathered from it. The
closes, sorted by (security, date), are searched once per security and day (``searchsorted``,
left for previous_close, right for same_day_close) and gathered per agreement.

Exact in int64, or else in Python integers: before multiplying, each agreement's largest
possible intermediate is bounded in floating point, ``2 * days * max(1, max|a|) * max(1, max|p|)
* max(1, |Rf * 10**max(0, -e)|) + d`` for the fee (likewise for the interest and the dividends),
which covers every factor, product, sum and ``2 * |n| + d``. Agreements bounded under 2**62 (a 2x
margin over int64 for the float's error) are computed in int64, the others (huge quantities,
prices or scales) in numpy arrays of Python integers (dtype object) by the same expressions, so
nothing wraps silently. Inputs that do not fit in int64 are held as Python integers throughout.

Amounts come back as :class:`~decimal.Decimal` in major units with the currency's decimals (see
:func:`~bpost_client.lending.results.result_frame`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from bpost_client.exceptions import ValidationError
from bpost_client.lending.kernel import (
    dividend_equivalents,
    epoch_day,
    fractions,
    in_effect,
    kernel_terms,
    mark_prices,
    require_marks,
    rounded,
)
from bpost_client.lending.results import MAX_PRICE_AGE_DAYS, as_price_age, result_frame
from bpost_client.lending.terms import Agreement

__all__ = ["calculate"]


def calculate(
    agreements: pd.DataFrame | Iterable[Agreement],
    positions: pd.DataFrame,
    prices: pd.DataFrame,
    dividends: pd.DataFrame | None,
    start: date,
    end: date,
    *,
    max_price_age: int = MAX_PRICE_AGE_DAYS,
) -> pd.DataFrame:
    """Fee, collateral interest, dividend equivalent and net of each agreement over the calendar
    days ``start`` to ``end`` inclusive, exactly, by the algorithm of this module's docstring.

    Args:
        agreements: :class:`~bpost_client.lending.terms.Agreement` records, or a table with their
            fields as columns (``lender``, ``borrower`` and ``minimum_fee`` optional); rates and
            money as Decimal, int or decimal text (never float), conventions as the enums or
            their values.
        positions: ``agreement_id``, ``date``, ``quantity`` (not negative; whole in files),
            ``collateral`` (cash collateral in major units); a row holds from its date until the
            agreement's next row.
        prices: ``security``, ``date``, ``close`` (business days only; one close a day).
        dividends: ``security``, ``record_date``, ``amount_per_share``; or None.
        start: the first day of the period.
        end: the last day of the period.
        max_price_age: how many calendar days a mark price's close may be older than the day it
            marks (31 by default, the PriceFeed's and the LendingCalculator's window).

    Returns:
        One row per agreement, in the given order: ``agreement_id``, ``lender``, ``borrower``,
        ``currency``, ``accrual_days`` (int) and ``lending_fee``, ``collateral_interest``,
        ``dividend_equivalent``, ``net_amount`` as Decimal in major units with the currency's
        decimals.

    Raises:
        MissingPriceError: a day that accrues has no mark price.
        StalePriceError: a day that accrues has only a close over ``max_price_age`` days older
            (a :class:`MissingPriceError` too, raised when no mark price is missing outright).
        ValidationError: inconsistent or malformed input (unknown agreement, duplicate
            agreement id or position date, unknown currency or convention, float values...).
    """
    if end < start:
        raise ValidationError(f"the period ends ({end}) before it starts ({start})")
    max_age = as_price_age(max_price_age)
    terms = kernel_terms(agreements)
    days = (end - start).days + 1
    first = epoch_day(start)
    quantity, collateral, quantity_scale, collateral_scale = in_effect(
        terms, positions, first, days
    )
    held = quantity[:, 1:]
    accruing = np.where(terms.both_ends[:, None], np.maximum(held, quantity[:, :-1]), held)
    accrues = accruing > 0
    close, close_day, mark_index, price_scale = mark_prices(terms, prices, first, days)
    require_marks(terms, accrues, close_day, mark_index, start, max_age)
    mark = close[mark_index]
    accrual_days = accrues.sum(axis=1)

    fee_scale = quantity_scale + price_scale + terms.fee_scale
    fee_mul, fee_den = fractions(fee_scale + 2 - terms.decimals, terms.basis)
    fee = rounded(accruing, mark, terms.fee_rate, fee_mul, fee_den, terms.rounding)
    coll_scale = collateral_scale + terms.collateral_scale
    coll_mul, coll_den = fractions(coll_scale + 2 - terms.decimals, terms.basis)
    interest = rounded(
        collateral[:, 1:], None, terms.collateral_rate, coll_mul, coll_den, terms.rounding
    )
    for i, minimum in enumerate(terms.minimum_fee):
        if minimum is not None and accrual_days[i] > 0 and fee[i] < minimum:
            fee[i] = minimum
    equivalent = dividend_equivalents(terms, quantity, quantity_scale, dividends, first, days)
    return result_frame(
        terms.frame,
        terms.decimals.tolist(),
        accrual_days.tolist(),
        fee.tolist(),
        interest.tolist(),
        equivalent.tolist(),
    )
