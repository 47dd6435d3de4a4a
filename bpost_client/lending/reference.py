"""The lending calculation the straightforward way: a loop over agreements and days in Decimal.

It reads the definitions as they are written, one calendar day at a time, with no scaling and
no vectorisation: the oracle the engine is tested against and the naive baseline it is measured
against. Every product and sum is exact (the Decimal context traps any rounding); the one
rounding is Decimal's integer division (``//`` truncates toward zero) and remainder.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from bpost_client.currencies import minor_unit
from bpost_client.exceptions import ValidationError
from bpost_client.lending._values import as_date, as_decimal, exactly, is_missing
from bpost_client.lending.results import (
    MAX_PRICE_AGE_DAYS,
    MissingPrice,
    MissingPriceError,
    StalePrice,
    StalePriceError,
    as_price_age,
    result_frame,
    too_old,
)
from bpost_client.lending.terms import (
    Agreement,
    DayCount,
    DaysCounted,
    PriceBasis,
    Rounding,
    agreements_frame,
)

__all__ = ["calculate_reference", "divide"]


@exactly
def divide(numerator: Decimal, denominator: Decimal, rounding: Rounding) -> Decimal:
    """numerator / denominator as an integer: truncated toward zero, or rounded half up (away
    from zero) for ``PERIOD_HALF_UP``."""
    quotient = numerator // denominator  # truncates toward zero
    remainder = numerator % denominator  # has the sign of the numerator
    if rounding is Rounding.PERIOD_HALF_UP and 2 * abs(remainder) >= denominator:
        quotient += 1 if numerator > 0 else -1
    return quotient


@exactly
def calculate_reference(
    agreements: pd.DataFrame | Iterable[Agreement],
    positions: pd.DataFrame,
    prices: pd.DataFrame,
    dividends: pd.DataFrame | None,
    start: date,
    end: date,
    *,
    max_price_age: int = MAX_PRICE_AGE_DAYS,
) -> pd.DataFrame:
    """What :func:`bpost_client.lending.calculate` gives, day by day in Decimal (same arguments,
    same result, same errors for a missing or a stale price)."""
    frame = (
        agreements if isinstance(agreements, pd.DataFrame) else agreements_frame(agreements)
    ).reset_index(drop=True)
    if end < start:
        raise ValidationError(f"the period ends ({end}) before it starts ({start})")
    max_age = as_price_age(max_price_age)
    rows_of: dict[str, list[tuple[date, Decimal, Decimal]]] = {}
    for record in positions.to_dict(orient="records"):
        rows_of.setdefault(str(record["agreement_id"]), []).append(
            (
                as_date(record["date"], "positions.date"),
                as_decimal(record["quantity"], "positions.quantity"),
                as_decimal(record["collateral"], "positions.collateral"),
            )
        )
    closes: dict[str, dict[date, Decimal]] = {}
    for record in prices.to_dict(orient="records"):
        day = as_date(record["date"], "prices.date")
        closes.setdefault(str(record["security"]), {})[day] = as_decimal(
            record["close"], "prices.close"
        )
    business_days = {security: sorted(by_day) for security, by_day in closes.items()}
    paid: dict[str, list[tuple[date, Decimal]]] = {}
    if dividends is not None:
        for record in dividends.to_dict(orient="records"):
            paid.setdefault(str(record["security"]), []).append(
                (
                    as_date(record["record_date"], "dividends.record_date"),
                    as_decimal(record["amount_per_share"], "dividends.amount_per_share"),
                )
            )

    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    decimals: list[int] = []
    accrual_days: list[int] = []
    fees: list[int] = []
    interests: list[int] = []
    equivalents: list[int] = []
    missing: list[MissingPrice] = []
    stale: list[StalePrice] = []
    for record in frame.to_dict(orient="records"):
        agreement_id = str(record["agreement_id"])
        security = str(record["security"])
        places = minor_unit(str(record["currency"]))
        basis = Decimal(DayCount(record["day_count"]).basis)
        both_ends = DaysCounted(record["days_counted"]) is DaysCounted.BOTH_ENDS
        previous_close = PriceBasis(record["price_basis"]) is PriceBasis.PREVIOUS_CLOSE
        rounding = Rounding(record["rounding"])
        fee_rate = as_decimal(record["fee_rate_pct"], "fee_rate_pct")
        collateral_rate = as_decimal(record["collateral_rate_pct"], "collateral_rate_pct")
        dividend_rate = as_decimal(record["dividend_rate_pct"], "dividend_rate_pct")
        minor = Decimal(10) ** places
        rows = sorted(rows_of.get(agreement_id, []))

        def in_effect(
            day: date, rows: list[tuple[date, Decimal, Decimal]] = rows
        ) -> tuple[Decimal, Decimal]:
            """The quantity and collateral of the latest row dated on or before ``day``."""
            quantity, collateral = Decimal(0), Decimal(0)
            for dated, row_quantity, row_collateral in rows:
                if dated <= day:
                    quantity, collateral = row_quantity, row_collateral
            return quantity, collateral

        def mark_price(
            day: date, security: str = security, previous: bool = previous_close
        ) -> tuple[date, Decimal] | None:
            """The date and close of the latest close before ``day`` (previous close) or on or
            before it; None when there is none."""
            dates = business_days.get(security, [])
            at = bisect.bisect_left(dates, day) if previous else bisect.bisect_right(dates, day)
            return (dates[at - 1], closes[security][dates[at - 1]]) if at > 0 else None

        fee_sum = collateral_sum = Decimal(0)
        fee_daily = collateral_daily = Decimal(0)
        accrued = 0
        first_missing: date | None = None
        missing_days = 0
        first_stale: tuple[date, date] | None = None  # the day and its close's date
        stale_days = 0
        for day in days:
            quantity, collateral = in_effect(day)
            accruing = (
                max(quantity, in_effect(day - timedelta(days=1))[0]) if both_ends else quantity
            )
            if accruing > 0:
                accrued += 1
                mark = mark_price(day)
                if mark is None:
                    first_missing = first_missing or day
                    missing_days += 1
                    continue
                closed, price = mark
                if too_old((day - closed).days, max_age):
                    first_stale = first_stale or (day, closed)
                    stale_days += 1
                    continue
                fee = accruing * price * fee_rate * minor  # x 100 x basis
                fee_sum += fee
                fee_daily += divide(fee, 100 * basis, Rounding.PERIOD_TRUNCATE)
            interest = collateral * collateral_rate * minor
            collateral_sum += interest
            collateral_daily += divide(interest, 100 * basis, Rounding.PERIOD_TRUNCATE)
        if first_missing is not None:
            missing.append(MissingPrice(agreement_id, security, first_missing, missing_days))
        if first_stale is not None:
            stale_day, close_date = first_stale
            stale.append(
                StalePrice(agreement_id, security, stale_day, stale_days, close_date, max_age)
            )
        if first_missing is not None or first_stale is not None:
            continue
        if rounding is Rounding.DAILY_TRUNCATE:
            fee_total, interest_total = fee_daily, collateral_daily
        else:
            fee_total = divide(fee_sum, 100 * basis, rounding)
            interest_total = divide(collateral_sum, 100 * basis, rounding)
        minimum = record.get("minimum_fee")
        if not is_missing(minimum) and accrued > 0:
            fee_total = max(fee_total, as_decimal(minimum, "minimum_fee") * minor)
        equivalent = Decimal(0)
        for record_date, per_share in paid.get(security, []):
            if start <= record_date <= end:
                amount = in_effect(record_date)[0] * per_share * dividend_rate * minor
                equivalent += divide(amount, Decimal(100), Rounding.PERIOD_TRUNCATE)
        decimals.append(places)
        accrual_days.append(accrued)
        fees.append(int(fee_total))
        interests.append(int(interest_total))
        equivalents.append(int(equivalent))
    if missing:
        raise MissingPriceError(missing)
    if stale:
        raise StalePriceError(stale)
    return result_frame(frame, decimals, accrual_days, fees, interests, equivalents)
