"""Benchmark: the lending calculation of 100,000 loans over a 30-day month, vectorised and exact.

Random but realistic books: 2,000 securities (a tenth in USD on ACT/360, the rest in JPY on
ACT/365F) with closes on business days (weekdays but the Japanese holidays) from February,
100,000 loans with a first position before or during April 2026 and up to three changes in the
month (some returned), cash collateral at 105% of the loan value, every convention mixed, a
fifth with a minimum fee, and dividends with a record date in April for a quarter of the
securities. The engine (:func:`bpost_client.lending.calculate`) runs on all of them; the per-day
Decimal loop (:func:`~bpost_client.lending.reference.calculate_reference`) on a sample, whose
time is scaled to the whole book, and the two must agree exactly on the sample. Peak memory of
the engine run is measured by tracemalloc in a second, untimed run. No chain is needed. Prints
the figures and writes ``bench/results/lending.json``.
"""

from __future__ import annotations

import platform
import resource
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from fresh_chain import report

from bpost_client.lending import calculate
from bpost_client.lending.reference import calculate_reference

LOANS = 100_000
SAMPLE = 2_000
SECURITIES = 2_000
START, END = date(2026, 4, 1), date(2026, 4, 30)
HOLIDAYS = {date(2026, 2, 11), date(2026, 2, 23), date(2026, 3, 20), date(2026, 4, 29)}


def _business_days() -> list[date]:
    days = [date(2026, 2, 2) + timedelta(days=n) for n in range((END - date(2026, 2, 2)).days + 1)]
    return [d for d in days if d.weekday() < 5 and d not in HOLIDAYS]


def book(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Agreements, positions, prices and dividends of the benchmark's book."""
    rng = np.random.default_rng(seed)
    codes = [f"{1300 + n}" for n in range(SECURITIES)]
    usd = rng.random(SECURITIES) < 0.1
    business = _business_days()
    # closes: a random walk, yen to 0.1, dollars to the cent
    level = np.where(usd, rng.uniform(20, 400, SECURITIES), rng.uniform(300, 12_000, SECURITIES))
    walk = np.cumprod(1 + rng.normal(0, 0.015, (SECURITIES, len(business))), axis=1)
    closes = level[:, None] * walk
    closes = np.where(usd[:, None], np.round(closes, 2), np.round(closes, 1))
    prices = pd.DataFrame(
        {
            "security": np.repeat(codes, len(business)),
            "date": np.tile(np.array(business, dtype="datetime64[D]"), SECURITIES),
            "close": [Decimal(f"{c:.2f}") for c in closes.ravel()],
        }
    )

    security = rng.integers(0, SECURITIES, LOANS)
    dollars = usd[security]
    agreements = pd.DataFrame(
        {
            "agreement_id": [f"L{n:06d}" for n in range(LOANS)],
            "lender": rng.choice(["LENDER-A", "LENDER-B", "LENDER-C"], LOANS),
            "borrower": rng.choice(["BROKER-X", "BROKER-Y", "BROKER-Z", "BROKER-W"], LOANS),
            "security": [codes[s] for s in security],
            "currency": np.where(dollars, "USD", "JPY"),
            "fee_rate_pct": [Decimal(int(r)).scaleb(-2) for r in rng.integers(10, 500, LOANS)],
            "collateral_rate_pct": [
                Decimal(int(r)).scaleb(-3) for r in rng.integers(0, 100, LOANS)
            ],
            "day_count": np.where(dollars, "ACT/360", "ACT/365F"),
            "days_counted": np.where(rng.random(LOANS) < 0.8, "one_end", "both_ends"),
            "price_basis": np.where(rng.random(LOANS) < 0.8, "previous_close", "same_day_close"),
            "rounding": rng.choice(["period_truncate", "daily_truncate", "period_half_up"], LOANS),
            "dividend_rate_pct": np.where(rng.random(LOANS) < 0.5, "100", "84.685"),
            "minimum_fee": np.where(
                rng.random(LOANS) < 0.2, np.where(dollars, "25.00", "3000"), None
            ),
        }
    )

    # positions: the first row from February to mid-April, then up to three changes in April
    changes = rng.integers(0, 4, LOANS)
    rows = LOANS + int(changes.sum())
    loan = np.concatenate([np.arange(LOANS), np.repeat(np.arange(LOANS), changes)])
    opened = np.datetime64("2026-02-01") + rng.integers(0, 74, LOANS).astype("timedelta64[D]")
    offsets = rng.choice(np.arange(1, 30), size=(LOANS, 3), replace=True)
    offsets.sort(axis=1)
    later = np.concatenate([offsets[n, : changes[n]] for n in range(LOANS)]) if rows > LOANS else []
    when = np.concatenate(
        [
            opened,
            np.datetime64(START) + np.array(later, dtype="timedelta64[D]"),
        ]
    )
    quantity = rng.integers(1, 500, rows) * 100
    quantity[LOANS:][rng.random(rows - LOANS) < 0.15] = 0  # returned
    frame = pd.DataFrame({"loan": loan, "date": when, "quantity": quantity})
    frame = frame.drop_duplicates(["loan", "date"], keep="last").sort_values(["loan", "date"])
    value = frame["quantity"].to_numpy() * level[security[frame["loan"].to_numpy()]] * 1.05
    cents = np.where(dollars[frame["loan"].to_numpy()], 2, 0)
    positions = pd.DataFrame(
        {
            "agreement_id": agreements["agreement_id"].to_numpy()[frame["loan"].to_numpy()],
            "date": frame["date"].to_numpy(),
            "quantity": frame["quantity"].to_numpy(),
            "collateral": [
                Decimal(f"{v:.{c}f}") for v, c in zip(value.tolist(), cents.tolist(), strict=True)
            ],
        }
    )

    paying = rng.choice(SECURITIES, SECURITIES // 4, replace=False)
    record = START + timedelta(days=1)
    dividends = pd.DataFrame(
        {
            "security": [codes[s] for s in paying],
            "record_date": [
                record + timedelta(days=int(d)) for d in rng.integers(0, 28, paying.size)
            ],
            "payment_date": [date(2026, 6, 26)] * paying.size,
            "amount_per_share": [
                Decimal(int(a)).scaleb(-2) if usd[s] else Decimal(int(a))
                for a, s in zip(rng.integers(5, 150, paying.size), paying, strict=True)
            ],
        }
    )
    return agreements, positions, prices, dividends


def main() -> None:
    agreements, positions, prices, dividends = book()
    start = time.perf_counter()
    result = calculate(agreements, positions, prices, dividends, START, END)
    engine_seconds = time.perf_counter() - start

    # the loop's fixed cost (reading every close and dividend) is measured apart, and only its
    # cost per loan is scaled to the whole book
    start = time.perf_counter()
    calculate_reference(agreements.iloc[:0], positions.iloc[:0], prices, dividends, START, END)
    naive_fixed = time.perf_counter() - start
    sample_ids = set(agreements["agreement_id"].iloc[:SAMPLE])
    sample_positions = positions[positions["agreement_id"].isin(sample_ids)]
    start = time.perf_counter()
    naive = calculate_reference(
        agreements.iloc[:SAMPLE], sample_positions, prices, dividends, START, END
    )
    naive_seconds = time.perf_counter() - start
    assert naive.equals(result.iloc[:SAMPLE].reset_index(drop=True)), "engine != reference"
    naive_projected = naive_fixed + (naive_seconds - naive_fixed) * LOANS / SAMPLE

    tracemalloc.start()
    calculate(agreements, positions, prices, dividends, START, END)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures = {
        "name": "lending",
        "loans": LOANS,
        "days": (END - START).days + 1,
        "positions": len(positions),
        "prices": len(prices),
        "dividends": len(dividends),
        "engine_seconds": round(engine_seconds, 2),
        "engine_loans_per_second": round(LOANS / engine_seconds),
        "naive_sample": SAMPLE,
        "naive_sample_seconds": round(naive_seconds, 2),
        "naive_fixed_seconds": round(naive_fixed, 2),
        "naive_seconds_projected": round(naive_projected, 1),
        "naive_loans_per_second": round(LOANS / naive_projected),
        "ratio_engine_to_naive": round(naive_projected / engine_seconds, 1),
        "engine_peak_mib_tracemalloc": round(peak / 2**20),
        "process_max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "accrual_days": int(result["accrual_days"].sum()),
        "lending_fee_jpy": str(result.loc[result["currency"] == "JPY", "lending_fee"].sum()),
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }
    report("lending", figures)


if __name__ == "__main__":
    main()
