"""Explaining breaks: each known cause seeded on a small book is found, ranked, and dated; a
two-cause break by the pair; the rest unexplained.

The book: loans of 10,000 shares of 7203 opened in March, partly returned (to 6,000) on
15 April, with cash collateral of 36,500,000 (21,900,000 after the return) at 0.10%, a fee of
0.50%, and a dividend of 35 yen recorded on 27 April. Closes on business days alternate 3,661,
3,650, 3,650 ...: at 3,650 a day's fee is whole yen (500, then 300) and so is every day's
interest (100, then 60); at 3,661 the fee has a fraction. The counterparty's figures come from
its own book, one change per loan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from bpost_client.exceptions import ValidationError
from bpost_client.lending import Agreement, Rounding
from bpost_client.lending.explain import (
    CAUSE_ORDER,
    EXPLANATION_COLUMNS,
    ROUNDING_ORDER,
    Cause,
    explain,
)
from bpost_client.lending.period import Book, calculate_period
from bpost_client.lending.terms import agreements_frame

START, END = date(2026, 4, 1), date(2026, 4, 30)
RETURN, RECORD = date(2026, 4, 15), date(2026, 4, 27)
APRIL = [START + timedelta(days=n) for n in range(30)]


def business_days(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


CLOSES = {
    d: Decimal(3661 if n % 3 == 0 else 3650)
    for n, d in enumerate(business_days(date(2026, 3, 16), END))
}
PRICES = pd.DataFrame(
    [("7203", d, c) for d, c in CLOSES.items()], columns=["security", "date", "close"]
)
PAID = pd.DataFrame(
    [("7203", RECORD, date(2026, 6, 26), Decimal(35))],
    columns=["security", "record_date", "payment_date", "amount_per_share"],
)
BASE = Agreement("X", "LENDER", "BORROWER", "7203", "JPY", Decimal("0.50"), Decimal("0.10"))


def mark(day: date, same_day: bool) -> Decimal:
    """The close of the latest business day before ``day`` (or on it)."""
    return CLOSES[max(d for d in CLOSES if d < day or (same_day and d == day))]


FRACTION_DAYS = [d for d in APRIL if mark(d, False) == 3661]
"""The days whose fee is not whole yen (previous close)."""
PRICE_DAYS = [d for d in APRIL if mark(d, False) != mark(d, True)]
"""The days whose previous close and same-day close differ."""


# Each case: our terms (changes to BASE), theirs (changes to BASE), the cause expected first,
# the change as reported, and the days the figures part.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str, str, list[date]]] = {
    "period_to_daily": (
        {},
        {"rounding": "daily_truncate"},
        "rounding",
        "rounding: period_truncate -> daily_truncate",
        FRACTION_DAYS,
    ),
    "period_to_half_up": (
        {},
        {"rounding": "period_half_up"},
        "rounding",
        "rounding: period_truncate -> period_half_up",
        [],
    ),
    "daily_to_period": (
        {"rounding": "daily_truncate"},
        {"rounding": "period_truncate"},
        "rounding",
        "rounding: daily_truncate -> period_truncate",
        FRACTION_DAYS,
    ),
    "price_basis": (
        {},
        {"price_basis": "same_day_close"},
        "price_basis",
        "price_basis: previous_close -> same_day_close",
        PRICE_DAYS,
    ),
    "days_counted": (
        {},
        {"days_counted": "both_ends"},
        "days_counted",
        "days_counted: one_end -> both_ends",
        [RETURN],
    ),
    "day_count": (
        {},
        {"day_count": "ACT/360"},
        "day_count",
        "day_count: ACT/365F -> ACT/360",
        APRIL,
    ),
    "fee_rate": (
        {},
        {"fee_rate_pct": Decimal("0.45")},
        "fee_rate",
        "fee_rate_pct: 0.50 -> 0.45",
        APRIL,
    ),
    "collateral_rate": (
        {},
        {"collateral_rate_pct": Decimal("0.05")},
        "collateral_rate",
        "collateral_rate_pct: 0.10 -> 0.05",
        APRIL,
    ),
    "dividend_rate": (
        {},
        {"dividend_rate_pct": Decimal("84.685")},
        "dividend_rate",
        "dividend_rate_pct: 100 -> 84.685",
        [RECORD],
    ),
    "quantity": (
        {},
        {},
        "quantity",
        "quantity: their positions",
        [d for d in APRIL if d >= RETURN],
    ),
    "missing_loan": ({}, {}, "missing_loan", "missing loan: ours only", APRIL),
    "pair": (
        {},
        {"fee_rate_pct": Decimal("0.45"), "day_count": "ACT/360"},
        "day_count+fee_rate",
        "day_count: ACT/365F -> ACT/360; fee_rate_pct: 0.50 -> 0.45",
        APRIL,
    ),
    "unexplained": ({}, {}, "", "", []),
}


def held(agreement_id: str, returned_to: int = 6_000) -> list[tuple[str, date, int, Decimal]]:
    return [
        (agreement_id, date(2026, 3, 20), 10_000, Decimal(36_500_000)),
        (agreement_id, RETURN, returned_to, Decimal(21_900_000)),
    ]


def positions(rows: list[tuple[str, date, int, Decimal]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["agreement_id", "date", "quantity", "collateral"])


def books() -> tuple[Book, Book]:
    """Our book and the counterparty's, one loan per case."""
    ours = [replace(BASE, agreement_id=case, **mine) for case, (mine, *_) in CASES.items()]
    theirs = [
        replace(BASE, agreement_id=case, **their)
        for case, (_, their, *_) in CASES.items()
        if case != "missing_loan"
    ]
    our_rows = [row for case in CASES for row in held(case)]
    their_rows = [
        row
        for case in CASES
        if case != "missing_loan"
        for row in held(case, 7_000 if case == "quantity" else 6_000)
    ]
    return (
        Book(agreements_frame(ours), positions(our_rows), PRICES, PAID),
        Book(agreements_frame(theirs), positions(their_rows), PRICES, PAID),
    )


def their_figures(theirs: Book) -> pd.DataFrame:
    figures = calculate_period(theirs, START, END)
    unexplained = figures["agreement_id"] == "unexplained"
    figures.loc[unexplained, "fee_minor"] += 7  # no change of ours gives this
    return figures


@pytest.fixture(scope="module")
def explained() -> pd.DataFrame:
    """Every case explained in one call."""
    ours, theirs = books()
    return explain(
        ours,
        START,
        END,
        their_figures(theirs),
        theirs.agreements,
        their_positions=theirs.positions,
    )


def test_books__every_seeded_change__changes_a_figure() -> None:
    ours, theirs = books()
    mine = calculate_period(ours, START, END).set_index("agreement_id")
    other = their_figures(theirs).set_index("agreement_id")
    columns = ["fee_minor", "interest_minor", "dividend_minor"]
    for case in CASES:
        if case != "missing_loan":
            assert (mine.loc[case, columns] != other.loc[case, columns]).any(), case


@pytest.mark.parametrize("case", list(CASES))
def test_explain__seeded_cause__ranked_first_with_the_days_that_differ(
    explained: pd.DataFrame, case: str
) -> None:
    _, _, cause, change, days = CASES[case]
    first = explained[(explained["agreement_id"] == case) & (explained["rank"] == 1)].iloc[0]
    assert (first["cause"], first["change"]) == (cause, change), f"{case}: expected {cause}"
    assert first["days"] == days, f"{case}: the days on which the figures part"


def test_explain__outcomes__single_pair_missing_and_unexplained(explained: pd.DataFrame) -> None:
    outcome = explained[explained["rank"] == 1].set_index("agreement_id")["outcome"]
    assert outcome["pair"] == "pair"
    assert outcome["missing_loan"] == "missing_loan"
    assert outcome["unexplained"] == "unexplained"
    singles = set(CASES) - {"pair", "missing_loan", "unexplained"}
    assert {outcome[c] for c in singles} == {"single"}
    assert list(explained.columns) == list(EXPLANATION_COLUMNS)
    assert explained["agreement_id"].drop_duplicates().tolist() == list(CASES)


def test_explain__single_causes__only_the_seeded_change_reproduces(
    explained: pd.DataFrame,
) -> None:
    counts = explained.groupby("agreement_id").size()
    assert (counts == 1).all(), f"expected one explanation each: {counts[counts > 1]}"


def test_explain__pairs_tried_only_when_no_single_change_explains() -> None:
    ours, theirs = books()
    result = explain(
        ours,
        START,
        END,
        their_figures(theirs),
        theirs.agreements,
        their_positions=theirs.positions,
        agreement_ids=["fee_rate", "pair"],
    )
    assert result[["agreement_id", "outcome"]].values.tolist() == [
        ["fee_rate", "single"],
        ["pair", "pair"],
    ]


def test_explain__their_inputs_unknown__rate_and_quantity_breaks_unexplained() -> None:
    ours, theirs = books()
    result = explain(
        ours, START, END, their_figures(theirs), agreement_ids=["fee_rate", "quantity", "day_count"]
    )
    assert result.set_index("agreement_id")["outcome"].to_dict() == {
        "fee_rate": "unexplained",
        "quantity": "unexplained",
        "day_count": "single",
    }


def test_explain__two_yen_off_the_alternative__explained_only_within_the_tolerance() -> None:
    ours, theirs = books()
    figures = their_figures(theirs)
    figures.loc[figures["agreement_id"] == "period_to_daily", "fee_minor"] += 2
    for tolerance, outcome in ((0, "unexplained"), (2, "single")):
        result = explain(
            ours, START, END, figures, tolerance_minor=tolerance, agreement_ids=["period_to_daily"]
        )
        assert result["outcome"].tolist()[:1] == [outcome], f"tolerance {tolerance}"
    assert result["change"].iloc[0] == "rounding: period_truncate -> daily_truncate"


def test_explain__figures_that_agree__matched_and_not_searched() -> None:
    ours, _ = books()
    mine = calculate_period(ours, START, END)
    result = explain(ours, START, END, mine, agreement_ids=["fee_rate"])
    assert result[["outcome", "cause", "days"]].values.tolist() == [["matched", "", []]]
    assert explain(ours, START, END, mine).empty  # nothing breaks


def test_explain__loan_only_they_have__missing_loan_without_days() -> None:
    ours, theirs = books()
    figures = pd.concat(
        [their_figures(theirs), their_figures(theirs).iloc[[0]].assign(agreement_id="THEIRS")]
    )
    result = explain(ours, START, END, figures, agreement_ids=["THEIRS"])
    assert result[["outcome", "change", "days"]].values.tolist() == [
        ["missing_loan", "missing loan: theirs only", []]
    ]
    with pytest.raises(ValidationError, match="neither side"):
        explain(ours, START, END, figures, agreement_ids=["NOBODY"])


def test_explain__two_roundings_reproduce__both_reported_truncations_first() -> None:
    """Fractions of the fee summing to 0.74 yen: half up gives one yen more than either
    truncation, so from half up both period and daily truncation reproduce a truncated figure;
    period truncation ranks first (ROUNDING_ORDER)."""
    closes = {d: Decimal(3650) for d in business_days(date(2026, 3, 16), END)}
    closes[date(2026, 4, 9)] = Decimal(3660)  # marks 10 April: 10,000 x 10 x 0.5% / 365 = 1.369
    prices = pd.DataFrame(
        [("7203", d, c) for d, c in closes.items()], columns=["security", "date", "close"]
    )
    terms = replace(
        BASE, agreement_id="H", collateral_rate_pct=Decimal(0), fee_rate_pct=Decimal("0.27")
    )
    ours = Book(
        agreements_frame([replace(terms, rounding=Rounding.PERIOD_HALF_UP)]),
        positions(held("H")),
        prices,
    )
    theirs = Book(agreements_frame([terms]), positions(held("H")), prices)
    figures = calculate_period(theirs, START, END)
    assert (
        figures["fee_minor"].iloc[0] + 1 == calculate_period(ours, START, END)["fee_minor"].iloc[0]
    )
    result = explain(ours, START, END, figures)
    assert result[["rank", "change"]].values.tolist() == [
        [1, "rounding: period_half_up -> period_truncate"],
        [2, "rounding: period_half_up -> daily_truncate"],
    ]


def test_explain__return_missed_on_the_last_day__days_counted_ranks_above_quantity() -> None:
    """Their positions lack a return on 30 April: the last day accrues on the loan, as it would
    under both ends; the two causes reproduce the figure and rank in CAUSE_ORDER."""
    rows = [("Q", date(2026, 3, 20), 10_000, Decimal(0)), ("Q", END, 0, Decimal(0))]
    terms = agreements_frame([replace(BASE, agreement_id="Q", collateral_rate_pct=Decimal(0))])
    ours = Book(terms, positions(rows), PRICES)
    theirs = Book(terms, positions(rows[:1]), PRICES)
    result = explain(
        ours,
        START,
        END,
        calculate_period(theirs, START, END),
        terms,
        their_positions=theirs.positions,
    )
    assert result[["rank", "cause", "days"]].values.tolist() == [
        [1, "days_counted", [END]],
        [2, "quantity", [END]],
    ]


TWO_RATES = [
    replace(BASE, agreement_id="V"),
    replace(BASE, agreement_id="V", fee_rate_pct=Decimal("0.60")),
]


def test_explain__rate_change_they_missed__their_single_rate_explains() -> None:
    """Our terms change the fee to 0.60% on 10 April; theirs stay at 0.50%."""
    versions = agreements_frame(
        [
            replace(BASE, agreement_id="V"),
            replace(BASE, agreement_id="V", fee_rate_pct=Decimal("0.60")),
        ]
    ).assign(effective_from=[date(2026, 3, 1), date(2026, 4, 10)])
    ours = Book(versions, positions(held("V")), PRICES, PAID)
    theirs = Book(versions.iloc[[0]], positions(held("V")), PRICES, PAID)
    result = explain(ours, START, END, calculate_period(theirs, START, END), theirs.agreements)
    first = result.iloc[0]
    assert (first["cause"], first["change"]) == ("fee_rate", "fee_rate_pct: 0.50, 0.60 -> 0.50")
    assert first["days"] == [d for d in APRIL if d >= date(2026, 4, 10)]


def test_explain__their_versions_with_another_change_date__explained_as_a_rate() -> None:
    frame = agreements_frame(
        [
            replace(BASE, agreement_id="V"),
            replace(BASE, agreement_id="V", fee_rate_pct=Decimal("0.60")),
        ]
    )
    ours = Book(
        frame.assign(effective_from=[date(2026, 3, 1), date(2026, 4, 10)]),
        positions(held("V")),
        PRICES,
    )
    theirs = Book(
        frame.assign(effective_from=[date(2026, 3, 1), date(2026, 4, 12)]),
        positions(held("V")),
        PRICES,
    )
    result = explain(ours, START, END, calculate_period(theirs, START, END), theirs.agreements)
    assert result[["cause", "days"]].values.tolist() == [
        ["fee_rate", [date(2026, 4, 10), date(2026, 4, 11)]]
    ]


def test_cause_order__documented_commonness__rounding_first_rates_last() -> None:
    assert [c.value for c in CAUSE_ORDER] == [
        "rounding",
        "price_basis",
        "days_counted",
        "day_count",
        "quantity",
        "fee_rate",
        "collateral_rate",
        "dividend_rate",
    ]
    assert ROUNDING_ORDER[:2] == (Rounding.PERIOD_TRUNCATE, Rounding.DAILY_TRUNCATE)
    assert Cause.MISSING_LOAN not in CAUSE_ORDER


def test_explain__malformed_figures__refused() -> None:
    ours, theirs = books()
    figures = their_figures(theirs)
    with pytest.raises(ValidationError, match="missing column"):
        explain(ours, START, END, figures.drop(columns="fee_minor"))
    with pytest.raises(ValidationError, match="not an integer"):
        explain(ours, START, END, figures.assign(fee_minor=1.5))
