"""Benchmark: matching a month of 10,000 lending agreements between three parties, breaks
explained.

Random but realistic books: 500 securities (a tenth in USD on ACT/360, the rest in JPY on
ACT/365F) with closes on business days from February, 10,000 agreements between three lenders and
four borrowers with a first position before or during April 2026 and up to three changes in the
month, cash collateral at 105% of the loan value, every convention mixed, a tenth with a minimum
fee, a twentieth with a fee-rate change during the month (a second version), and dividends with a
record date in April for a quarter of the securities. Each lender-borrower pair has its unit of
matching (agreement, security or counterparty, in turn).

Three parties: the platform (the lending agent, who closes the period), the lender and the
borrower. The lender's book is the platform's; the borrower's has breaks seeded in 2% of the
agreements, evenly across the known causes (each a single cause: rounding, price basis, days
counted, day count, fee rate, collateral rate, dividend rate, quantity, missing loan), on
agreements where the cause can show (a quantity decrease in the month for the days counted, a
dividend in the month for the dividend rate); a seed that changes no figure is dropped and
counted. No chain is needed: the on-chain part is a handful of transactions, measured elsewhere.

Timed end to end: the platform's figures, per-day detail, canonical bytes and commitment; the
lender's and the borrower's recalculation and comparison (per pair, in the pair's unit); the
explanation of the borrower's breaks. Scored: the fraction of seeded breaks whose seeded cause
ranks first, and is among those reported. The naive way (per breaking agreement and candidate,
a recalculation of that agreement alone by the per-day Decimal reference, closes and positions
grouped beforehand) is timed on a sample of 40 breaks (of agreements with a single version: the
reference knows no versions; missing loans need no recalculation) and scaled to every break that
needs one. Prints the figures and writes ``bench/results/matching.json``.
"""

from __future__ import annotations

import os
import platform
import resource
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from fresh_chain import report

from bpost_client.currencies import MINOR_UNITS
from bpost_client.lending import Rounding
from bpost_client.lending.detail import canonical_detail, daily_detail, detail_commitment
from bpost_client.lending.explain import CAUSE_ORDER, Cause, explain
from bpost_client.lending.matching import MatchUnit, compare
from bpost_client.lending.period import Book, calculate_period
from bpost_client.lending.reference import calculate_reference

AGREEMENTS = 10_000
SECURITIES = 500
BREAKS = 0.02
NAIVE_SAMPLE = 40
START, END = date(2026, 4, 1), date(2026, 4, 30)
HOLIDAYS = {date(2026, 2, 11), date(2026, 2, 23), date(2026, 3, 20), date(2026, 4, 29)}
LENDERS = ("LENDER-A", "LENDER-B", "LENDER-C")
BORROWERS = ("BROKER-W", "BROKER-X", "BROKER-Y", "BROKER-Z")
SEEDED = (*CAUSE_ORDER, Cause.MISSING_LOAN)


def _business_days() -> list[date]:
    days = [date(2026, 2, 2) + timedelta(days=n) for n in range((END - date(2026, 2, 2)).days + 1)]
    return [d for d in days if d.weekday() < 5 and d not in HOLIDAYS]


def platform_book(seed: int = 11) -> Book:
    """The agreed inputs: agreements (with versions), positions, closes, dividends."""
    rng = np.random.default_rng(seed)
    codes = [f"{1300 + n}" for n in range(SECURITIES)]
    usd = rng.random(SECURITIES) < 0.1
    business = _business_days()
    level = np.where(usd, rng.uniform(20, 400, SECURITIES), rng.uniform(300, 12_000, SECURITIES))
    walk = np.cumprod(1 + rng.normal(0, 0.015, (SECURITIES, len(business))), axis=1)
    closes = np.where(
        usd[:, None], np.round(level[:, None] * walk, 2), np.round(level[:, None] * walk, 1)
    )
    prices = pd.DataFrame(
        {
            "security": np.repeat(codes, len(business)),
            "date": np.tile(np.array(business, dtype="datetime64[D]"), SECURITIES),
            "close": [Decimal(f"{c:.2f}") for c in closes.ravel()],
        }
    )

    n = AGREEMENTS
    security = rng.integers(0, SECURITIES, n)
    dollars = usd[security]
    opened = np.datetime64("2026-02-01") + rng.integers(0, 74, n).astype("timedelta64[D]")
    agreements = pd.DataFrame(
        {
            "agreement_id": [f"M{k:05d}" for k in range(n)],
            "lender": rng.choice(LENDERS, n),
            "borrower": rng.choice(BORROWERS, n),
            "security": [codes[s] for s in security],
            "currency": np.where(dollars, "USD", "JPY"),
            "fee_rate_pct": [Decimal(int(r)).scaleb(-2) for r in rng.integers(10, 500, n)],
            "collateral_rate_pct": [Decimal(int(r)).scaleb(-3) for r in rng.integers(1, 100, n)],
            "day_count": np.where(dollars, "ACT/360", "ACT/365F"),
            "days_counted": np.where(rng.random(n) < 0.8, "one_end", "both_ends"),
            "price_basis": np.where(rng.random(n) < 0.8, "previous_close", "same_day_close"),
            "rounding": rng.choice([r.value for r in Rounding], n),
            "dividend_rate_pct": np.where(rng.random(n) < 0.5, "100", "84.685"),
            "minimum_fee": np.where(rng.random(n) < 0.1, np.where(dollars, "25.00", "3000"), None),
            "effective_from": opened,
        }
    )
    changing = np.flatnonzero(rng.random(n) < 0.05)
    changes = agreements.iloc[changing].assign(
        fee_rate_pct=[Decimal(int(r)).scaleb(-2) for r in rng.integers(10, 500, changing.size)],
        effective_from=np.maximum(
            opened[changing] + np.timedelta64(1, "D"),
            np.datetime64(START) + rng.integers(1, 30, changing.size).astype("timedelta64[D]"),
        ),
    )
    agreements = pd.concat([agreements, changes], ignore_index=True)

    moves = rng.integers(0, 4, n)
    loan = np.concatenate([np.arange(n), np.repeat(np.arange(n), moves)])
    offsets = np.sort(rng.integers(1, 30, (n, 3)), axis=1)
    later = np.concatenate([offsets[k, : moves[k]] for k in range(n)])
    when = np.concatenate([opened, np.datetime64(START) + later.astype("timedelta64[D]")])
    quantity = rng.integers(1, 500, len(loan)) * 100
    quantity[n:][rng.random(len(loan) - n) < 0.15] = 0
    frame = pd.DataFrame({"loan": loan, "date": when, "quantity": quantity})
    frame = frame.drop_duplicates(["loan", "date"], keep="last").sort_values(["loan", "date"])
    held = frame["loan"].to_numpy()
    value = frame["quantity"].to_numpy() * level[security[held]] * 1.05
    cents = np.where(dollars[held], 2, 0)
    positions = pd.DataFrame(
        {
            "agreement_id": agreements["agreement_id"].to_numpy()[held],
            "date": frame["date"].to_numpy(),
            "quantity": frame["quantity"].to_numpy(),
            "collateral": [
                Decimal(f"{v:.{c}f}") for v, c in zip(value.tolist(), cents.tolist(), strict=True)
            ],
        }
    ).reset_index(drop=True)

    paying = rng.choice(SECURITIES, SECURITIES // 4, replace=False)
    dividends = pd.DataFrame(
        {
            "security": [codes[s] for s in paying],
            "record_date": [
                START + timedelta(days=int(d)) for d in rng.integers(1, 29, paying.size)
            ],
            "payment_date": [date(2026, 6, 26)] * paying.size,
            "amount_per_share": [
                Decimal(int(a)).scaleb(-2) if usd[s] else Decimal(int(a))
                for a, s in zip(rng.integers(5, 150, paying.size), paying, strict=True)
            ],
        }
    )
    return Book(agreements, positions, prices, dividends)


# --- the borrower's book: breaks seeded ---------------------------------------------------------


def _eligible(book: Book, cause: Cause) -> set[str]:
    """The agreements on which ``cause`` can change a figure."""
    ids = book.agreements["agreement_id"]
    single = set(ids[~ids.duplicated(keep=False)])
    if cause is Cause.DAYS_COUNTED:
        rows = book.positions.sort_values(["agreement_id", "date"])
        fell = rows["quantity"].diff() < 0
        same = rows["agreement_id"].eq(rows["agreement_id"].shift())
        inside = pd.to_datetime(rows["date"]) >= pd.Timestamp(START)
        return set(rows.loc[fell & same & inside, "agreement_id"]) & single
    if cause is Cause.DIVIDEND_RATE:
        assert book.dividends is not None
        paying = set(book.dividends["security"])
        terms = book.agreements.drop_duplicates("agreement_id")
        return set(terms.loc[terms["security"].isin(paying), "agreement_id"]) & single
    if cause is Cause.FEE_RATE:
        return set(ids)
    return single


def _seed(book: Book, rng: np.random.Generator) -> tuple[Book, dict[str, Cause]]:
    """The borrower's book: the platform's with one break of each seeded cause in turn."""
    count = round(AGREEMENTS * BREAKS)
    chosen: dict[str, Cause] = {}
    for k in range(count):
        cause = SEEDED[k % len(SEEDED)]
        pool = sorted(_eligible(book, cause) - set(chosen))
        chosen[pool[int(rng.integers(len(pool)))]] = cause
    agreements = book.agreements.copy()
    positions = book.positions.copy()
    flips = {
        Cause.PRICE_BASIS: ("price_basis", {"previous_close": "same_day_close"}, "previous_close"),
        Cause.DAYS_COUNTED: ("days_counted", {"one_end": "both_ends"}, "one_end"),
        Cause.DAY_COUNT: ("day_count", {"ACT/365F": "ACT/360"}, "ACT/365F"),
        Cause.DIVIDEND_RATE: ("dividend_rate_pct", {"100": "84.685"}, "100"),
    }
    dropped: list[int] = []
    for agreement, cause in chosen.items():
        rows = agreements.index[agreements["agreement_id"] == agreement]
        if cause in flips:
            column, forward, back = flips[cause]
            value = str(agreements.at[rows[0], column])
            agreements.loc[rows, column] = forward.get(value, back)
        elif cause is Cause.ROUNDING:
            value = str(agreements.at[rows[0], "rounding"])
            other = "period_truncate" if value != "period_truncate" else "daily_truncate"
            agreements.loc[rows, "rounding"] = other
        elif cause is Cause.FEE_RATE and len(rows) > 1:
            dropped.append(int(rows[-1]))  # the borrower missed the rate change
        elif cause is Cause.FEE_RATE:
            agreements.at[rows[0], "fee_rate_pct"] += Decimal("0.05")
        elif cause is Cause.COLLATERAL_RATE:
            agreements.at[rows[0], "collateral_rate_pct"] += Decimal("0.05")
        elif cause is Cause.QUANTITY:
            first = positions.index[positions["agreement_id"] == agreement][0]
            positions.at[first, "quantity"] += 100
        elif cause is Cause.MISSING_LOAN:
            dropped.extend(rows.tolist())
            positions = positions[positions["agreement_id"] != agreement]
    agreements = agreements.drop(index=dropped).reset_index(drop=True)
    return Book(agreements, positions, book.prices, book.dividends), chosen


def _unseed(book: Book, seeded: Book, chosen: dict[str, Cause]) -> tuple[Book, dict[str, Cause]]:
    """The seeded book without the seeds that change no figure (put back as the platform's)."""
    ours = calculate_period(book, START, END).set_index("agreement_id")
    theirs = calculate_period(seeded, START, END).set_index("agreement_id")
    amounts = ["fee_minor", "interest_minor", "dividend_minor"]
    idle = [
        a
        for a, c in chosen.items()
        if c is not Cause.MISSING_LOAN and (ours.loc[a, amounts] == theirs.loc[a, amounts]).all()
    ]
    agreements = pd.concat(
        [
            seeded.agreements[~seeded.agreements["agreement_id"].isin(idle)],
            book.agreements[book.agreements["agreement_id"].isin(idle)],
        ],
        ignore_index=True,
    )
    positions = pd.concat(
        [
            seeded.positions[~seeded.positions["agreement_id"].isin(idle)],
            book.positions[book.positions["agreement_id"].isin(idle)],
        ],
        ignore_index=True,
    )
    kept = {a: c for a, c in chosen.items() if a not in idle}
    return Book(agreements, positions, book.prices, book.dividends), kept


# --- the run --------------------------------------------------------------------------------------


def units_of_pairs() -> dict[tuple[str, str], MatchUnit]:
    """Each lender-borrower pair's unit of matching, in turn."""
    units = list(MatchUnit)
    pairs = [(lender, borrower) for lender in LENDERS for borrower in BORROWERS]
    return {pair: units[k % len(units)] for k, pair in enumerate(pairs)}


def match(platform_figures: pd.DataFrame, party: pd.DataFrame) -> list[str]:
    """The party's breaks: each pair's agreements compared in the pair's unit."""
    breaks: list[str] = []
    units = units_of_pairs()
    unit_of = [
        units[(lender, borrower)]
        for lender, borrower in zip(
            platform_figures["lender"], platform_figures["borrower"], strict=True
        )
    ]
    chosen = pd.Series(unit_of, index=platform_figures["agreement_id"])
    party_unit = party["agreement_id"].map(chosen).fillna(MatchUnit.AGREEMENT)
    for unit in MatchUnit:
        ours = platform_figures[chosen.to_numpy() == unit]
        theirs = party[party_unit.to_numpy() == unit]
        breaks += compare(ours, theirs, 0, unit).breaks
    return breaks


@dataclass
class Timings:
    platform: float = 0.0
    detail: float = 0.0
    lender: float = 0.0
    borrower: float = 0.0
    explain: float = 0.0


def run(
    book: Book, lender: Book, borrower: Book
) -> tuple[Timings, pd.DataFrame, list[str], list[str], int]:
    """The timed steps: the explanation, the borrower's and the lender's breaks, the detail's
    rows."""
    times = Timings()
    began = time.perf_counter()
    figures = calculate_period(book, START, END)
    times.platform = time.perf_counter() - began
    began = time.perf_counter()
    detail = daily_detail(book, START, END)
    commitment = detail_commitment(os.urandom(32), canonical_detail(detail))
    assert len(commitment) == 32
    times.detail = time.perf_counter() - began
    began = time.perf_counter()
    lender_breaks = match(figures, calculate_period(lender, START, END))
    times.lender = time.perf_counter() - began
    began = time.perf_counter()
    theirs = calculate_period(borrower, START, END)
    breaks = match(figures, theirs)
    times.borrower = time.perf_counter() - began
    began = time.perf_counter()
    explained = explain(
        book,
        START,
        END,
        theirs,
        borrower.agreements,
        their_positions=borrower.positions,
        agreement_ids=breaks,
    )
    times.explain = time.perf_counter() - began
    return times, explained, breaks, lender_breaks, len(detail)


# --- the naive way --------------------------------------------------------------------------------


def naive_explain(
    book: Book, borrower: Book, theirs: pd.DataFrame, ids: list[str]
) -> tuple[float, dict[str, list[str]]]:
    """Per agreement and candidate, the reference calculation of the one agreement: the seconds
    and the causes that reproduce their figures."""
    closes = {s: g for s, g in book.prices.groupby("security")}
    assert book.dividends is not None
    paid = {s: g for s, g in book.dividends.groupby("security")}
    held = {a: g for a, g in book.positions.groupby("agreement_id")}
    their_held = {a: g for a, g in borrower.positions.groupby("agreement_id")}
    terms = book.agreements.set_index("agreement_id")
    their_terms = borrower.agreements.set_index("agreement_id")
    their_amounts = theirs.set_index("agreement_id")
    flips = {
        "price_basis": {"previous_close": "same_day_close", "same_day_close": "previous_close"},
        "days_counted": {"one_end": "both_ends", "both_ends": "one_end"},
        "day_count": {"ACT/365F": "ACT/360", "ACT/360": "ACT/365F"},
    }
    found: dict[str, list[str]] = {}
    began = time.perf_counter()
    for agreement in ids:
        row = terms.loc[[agreement]].reset_index().drop(columns="effective_from")
        security = str(row.at[0, "security"])
        places = MINOR_UNITS[str(row.at[0, "currency"])]
        candidates: list[tuple[str, pd.DataFrame, pd.DataFrame]] = []
        for rounding in Rounding:
            if rounding.value != row.at[0, "rounding"]:
                candidates.append(
                    ("rounding", row.assign(rounding=rounding.value), held[agreement])
                )
        for column, flip in flips.items():
            candidates.append(
                (column, row.assign(**{column: flip[str(row.at[0, column])]}), held[agreement])
            )
        candidates.append(("quantity", row, their_held[agreement]))
        for cause, column in (
            ("fee_rate", "fee_rate_pct"),
            ("collateral_rate", "collateral_rate_pct"),
            ("dividend_rate", "dividend_rate_pct"),
        ):
            value = their_terms.loc[agreement, column]
            candidates.append((cause, row.assign(**{column: [value]}), held[agreement]))
        want = their_amounts.loc[agreement]
        for cause, candidate, positions in candidates:
            result = calculate_reference(
                candidate, positions, closes[security], paid.get(security), START, END
            ).iloc[0]
            got = [
                int(result[c].scaleb(places))
                for c in ("lending_fee", "collateral_interest", "dividend_equivalent")
            ]
            if got == [want["fee_minor"], want["interest_minor"], want["dividend_minor"]]:
                found.setdefault(agreement, []).append(cause)
    return time.perf_counter() - began, found


def main() -> None:
    book = platform_book()
    rng = np.random.default_rng(5)
    seeded, chosen = _seed(book, rng)
    borrower, kept = _unseed(book, seeded, chosen)
    lender = Book(book.agreements.copy(), book.positions.copy(), book.prices, book.dividends)

    times, explained, breaks, lender_breaks, detail_rows = run(book, lender, borrower)
    total = times.platform + times.detail + times.lender + times.borrower + times.explain

    top = explained[explained["rank"] == 1].set_index("agreement_id")
    single = explained[explained["outcome"].isin(["single", "missing_loan"])]
    reported = single.groupby("agreement_id")["cause"].agg(set)
    first_right = sum(1 for a, c in kept.items() if a in top.index and top.at[a, "cause"] == c)
    among = sum(1 for a, c in kept.items() if c in reported.get(a, set()))
    wrong = {
        c.value: sum(
            1
            for a, k in kept.items()
            if k is c and not (a in top.index and top.at[a, "cause"] == c)
        )
        for c in SEEDED
    }

    theirs = calculate_period(borrower, START, END)
    terms = book.agreements
    single_version = set(terms["agreement_id"][~terms["agreement_id"].duplicated(keep=False)])
    sample = [a for a, c in kept.items() if c is not Cause.MISSING_LOAN and a in single_version]
    sample = sample[:: max(1, len(sample) // NAIVE_SAMPLE)][:NAIVE_SAMPLE]
    naive_seconds, naive_found = naive_explain(book, borrower, theirs, sample)
    naive_agrees = sum(1 for a in sample if kept[a].value in naive_found.get(a, []))
    to_explain = sum(1 for c in kept.values() if c is not Cause.MISSING_LOAN)
    naive_projected = naive_seconds * to_explain / len(sample)

    figures = {
        "name": "matching",
        "agreements": AGREEMENTS,
        "versions": len(book.agreements),
        "parties": 3,
        "days": (END - START).days + 1,
        "positions": len(book.positions),
        "prices": len(book.prices),
        "dividends": 0 if book.dividends is None else len(book.dividends),
        "detail_rows": detail_rows,
        "seeded_breaks": len(chosen),
        "seeded_breaks_kept": len(kept),
        "seeded_dropped_no_figure_change": len(chosen) - len(kept),
        "kept_by_cause": dict(Counter(c.value for c in kept.values())),
        "borrower_breaks_found": len(breaks),
        "breaks_not_seeded": len(set(breaks) - set(kept)),
        "lender_breaks_found": len(lender_breaks),
        "platform_calculation_seconds": round(times.platform, 2),
        "platform_detail_and_commitment_seconds": round(times.detail, 2),
        "lender_recalculate_and_compare_seconds": round(times.lender, 2),
        "borrower_recalculate_and_compare_seconds": round(times.borrower, 2),
        "explain_seconds": round(times.explain, 2),
        "end_to_end_seconds": round(total, 2),
        "agreements_per_second_end_to_end": round(AGREEMENTS / total),
        "detail_rows_per_second": round(detail_rows / times.detail),
        "explained_top_ranked_correct": round(first_right / len(kept), 4),
        "explained_cause_among_reported": round(among / len(kept), 4),
        "top_ranked_wrong_by_cause": {c: n for c, n in wrong.items() if n},
        "unexplained": int((explained["outcome"] == "unexplained").sum()),
        "naive_sample": len(sample),
        "naive_sample_seconds": round(naive_seconds, 2),
        "naive_sample_agrees": naive_agrees,
        "naive_explain_seconds_projected": round(naive_projected, 1),
        "ratio_explain_to_naive": round(naive_projected / times.explain, 1),
        "process_max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }
    report("matching", figures)


if __name__ == "__main__":
    main()
