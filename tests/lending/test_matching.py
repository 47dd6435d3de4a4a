"""Comparing a party's figures with the platform's: per agreement, per security, per
counterparty; tolerances; missing loans."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.exceptions import ValidationError
from bpost_client.lending.matching import MatchUnit, compare


def figures(*rows: tuple[Any, ...]) -> pd.DataFrame:
    """Figures from (agreement id, lender, borrower, security, currency, fee, interest,
    dividend) rows, as calculate_period gives them."""
    return pd.DataFrame(
        rows,
        columns=[
            "agreement_id",
            "lender",
            "borrower",
            "security",
            "currency",
            "fee_minor",
            "interest_minor",
            "dividend_minor",
        ],
    )


PLATFORM = figures(
    ("A1", "L1", "B1", "7203", "JPY", 1939, 191, 0),
    ("A2", "L1", "B1", "7203", "JPY", 500, 0, 35_000),
    ("A3", "L1", "B1", "6758", "JPY", 120, 10, 0),
    ("A4", "L1", "B2", "7203", "JPY", 80, 0, 0),
    ("U1", "L1", "B1", "AAPL", "USD", 19_397, 0, 0),
)


def party(**changes: tuple[int, int, int]) -> pd.DataFrame:
    """The platform's figures with some agreements' amounts replaced."""
    frame = PLATFORM.copy()
    for agreement, amounts in changes.items():
        at = frame.index[frame["agreement_id"] == agreement][0]
        frame.loc[at, ["fee_minor", "interest_minor", "dividend_minor"]] = amounts
    return frame


@pytest.mark.parametrize("unit", list(MatchUnit))
def test_compare__same_figures__every_unit_matches(unit: MatchUnit) -> None:
    comparison = compare(PLATFORM, party(), 0, unit)
    assert comparison.matched
    assert comparison.breaks == []
    assert comparison.missing_on_party == comparison.missing_on_platform == []
    assert not comparison.agreements["differs"].any()


def test_compare__daily_truncation_one_yen_a_day__breaks_per_agreement_with_its_amounts() -> None:
    comparison = compare(PLATFORM, party(A1=(1935, 189, 0)), 0, MatchUnit.AGREEMENT)
    assert not comparison.matched
    assert comparison.breaks == ["A1"]
    row = comparison.agreements.set_index("agreement_id").loc["A1"]
    assert (row["fee_platform"], row["fee_party"], row["fee_diff"]) == (1939, 1935, -4)
    assert (row["interest_diff"], row["net_platform"], row["net_diff"]) == (-2, 1748, -2)
    units = comparison.units.set_index("unit_key")
    assert units["matched"].to_dict() == {
        "A1": False,
        "A2": True,
        "A3": True,
        "A4": True,
        "U1": True,
    }


@pytest.mark.parametrize(("tolerance", "matched"), [(3, False), (4, True), (5, True)])
def test_compare__within_the_tolerance__matched(tolerance: int, matched: bool) -> None:
    comparison = compare(PLATFORM, party(A1=(1935, 189, 0)), tolerance, MatchUnit.AGREEMENT)
    assert comparison.matched is matched
    assert comparison.breaks == ([] if matched else ["A1"])


def test_compare__tolerance_per_agreement__unit_tolerance_is_the_sum() -> None:
    changed = party(A1=(1937, 191, 0), A2=(498, 0, 35_000))
    by_agreement = compare(PLATFORM, changed, {"A1": 2, "A2": 1}, MatchUnit.AGREEMENT)
    assert by_agreement.breaks == ["A2"]
    by_security = compare(PLATFORM, changed, {"A1": 2, "A2": 1}, MatchUnit.SECURITY)
    units = by_security.units.set_index("unit_key")
    assert (units.at["7203/JPY", "tolerance"], units.at["7203/JPY", "fee_diff"]) == (3, -4)
    assert by_security.breaks == ["A1", "A2"]  # the unit breaks: both differing agreements


def test_compare__offsetting_differences_in_one_security__that_unit_matches() -> None:
    changed = party(A1=(1940, 191, 0), A2=(499, 0, 35_000))
    assert compare(PLATFORM, changed, 0, MatchUnit.SECURITY).matched
    assert compare(PLATFORM, changed, 0, MatchUnit.AGREEMENT).breaks == ["A1", "A2"]


def test_compare__per_security__grouped_by_security_and_currency() -> None:
    comparison = compare(PLATFORM, party(A4=(81, 0, 0)), 0, MatchUnit.SECURITY)
    units = comparison.units.set_index("unit_key")
    assert list(units.index) == ["6758/JPY", "7203/JPY", "AAPL/USD"]
    assert units.loc["7203/JPY", ["agreements", "fee_platform", "fee_party"]].tolist() == [
        3,
        1939 + 500 + 80,
        1939 + 500 + 81,
    ]
    assert comparison.breaks == ["A4"]


def test_compare__per_counterparty__lender_borrower_and_currency() -> None:
    comparison = compare(PLATFORM, party(A3=(121, 10, 0)), 0, MatchUnit.COUNTERPARTY)
    units = comparison.units.set_index("unit_key")
    assert units["agreements"].to_dict() == {"L1/B1/JPY": 3, "L1/B1/USD": 1, "L1/B2/JPY": 1}
    assert units["matched"].to_dict() == {"L1/B1/JPY": False, "L1/B1/USD": True, "L1/B2/JPY": True}
    assert units.at["L1/B1/JPY", "dividend_platform"] == 35_000
    assert comparison.breaks == ["A3"]


def test_compare__missing_loans__listed_and_counted_as_zero_on_the_other_side() -> None:
    theirs = pd.concat(
        [party().iloc[1:], figures(("X9", "L1", "B1", "7203", "JPY", 7, 0, 0))],
        ignore_index=True,
    )
    comparison = compare(PLATFORM, theirs, 0, MatchUnit.SECURITY)
    assert comparison.missing_on_party == ["A1"]
    assert comparison.missing_on_platform == ["X9"]
    units = comparison.units.set_index("unit_key")
    assert units.loc["7203/JPY", ["missing", "fee_diff", "interest_diff"]].tolist() == [
        2,
        7 - 1939,
        -191,
    ]
    assert sorted(comparison.breaks) == ["A1", "X9"]


def test_compare__description_of_a_loan_only_the_party_has__taken_from_the_party() -> None:
    theirs = figures(("X9", "L7", "B7", "9984", "JPY", 7, 0, 0))
    row = compare(PLATFORM.iloc[:0], theirs, 0, MatchUnit.COUNTERPARTY).agreements.iloc[0]
    assert (row["lender"], row["borrower"], row["unit_key"]) == ("L7", "B7", "L7/B7/JPY")


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (PLATFORM.drop(columns="interest_minor"), "missing column"),
        (pd.concat([PLATFORM, PLATFORM.iloc[[0]]]), "'A1' twice"),
        (PLATFORM.assign(fee_minor=[1.5, 2, 3, 4, 5]), "not an integer"),
        (PLATFORM.assign(fee_minor=["1939", 2, 3, 4, 5]), "not an integer"),
    ],
)
def test_compare__malformed_figures__refused(frame: pd.DataFrame, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        compare(PLATFORM, frame, 0, MatchUnit.AGREEMENT)


def test_compare__negative_tolerance__refused() -> None:
    with pytest.raises(ValidationError, match="negative"):
        compare(PLATFORM, party(), -1, MatchUnit.AGREEMENT)


def test_compare__unit_as_its_word__accepted() -> None:
    assert compare(PLATFORM, party(), 0, "counterparty").unit is MatchUnit.COUNTERPARTY


@given(
    st.lists(st.integers(-5, 5), min_size=5, max_size=5),
    st.lists(st.integers(-5, 5), min_size=5, max_size=5),
    st.integers(0, 6),
    st.sampled_from(list(MatchUnit)),
)
def test_compare__random_differences__a_unit_matches_iff_every_summed_difference_is_within(
    fees: list[int], interests: list[int], tolerance: int, unit: MatchUnit
) -> None:
    theirs = PLATFORM.assign(
        fee_minor=PLATFORM["fee_minor"] + fees,
        interest_minor=PLATFORM["interest_minor"] + interests,
    )
    comparison = compare(PLATFORM, theirs, tolerance, unit)
    keys = {
        MatchUnit.AGREEMENT: ["agreement_id"],
        MatchUnit.SECURITY: ["security", "currency"],
        MatchUnit.COUNTERPARTY: ["lender", "borrower", "currency"],
    }[unit]
    summed = PLATFORM.assign(fee=fees, interest=interests).groupby(keys)[["fee", "interest"]].sum()
    expected = ((summed["fee"].abs() <= tolerance) & (summed["interest"].abs() <= tolerance)).all()
    assert comparison.matched is bool(expected)
    assert len(comparison.units) == len(summed)
    differing = {
        a for a, f, i in zip(PLATFORM["agreement_id"], fees, interests, strict=True) if f or i
    }
    assert set(comparison.breaks) <= differing
    if not expected:
        assert comparison.breaks, "a unit breaks, so some agreement is to be explained"
