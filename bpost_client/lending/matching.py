"""Comparing a party's figures with the platform's, per unit of matching.

Each counterparty pair agrees its unit of matching (:class:`MatchUnit`): per agreement, per
security (and currency) or per counterparty (lender, borrower and currency). The platform's and
the party's figures are compared per agreement, in the currency's minor unit; the differences are
summed to the unit, and a unit matches when the absolute difference of each of its amounts (fee,
collateral interest, dividend equivalent: the amounts committed on chain) is within the
tolerance. An agreement present on one side only is a missing loan; its amounts count as 0 on
the other side.

Tolerance: an int is the tolerance of every unit, whatever the unit; a mapping gives each
agreement its own, and a unit's tolerance is the sum of its agreements' (0 for those not in it),
the most that agreements each within their own tolerance can add up to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpost_client.exceptions import ValidationError

__all__ = [
    "AMOUNTS",
    "UNIT_KEYS",
    "Comparison",
    "MatchUnit",
    "compare",
]


class MatchUnit(StrEnum):
    """What a statement covers (``ILendingStatements.Unit``)."""

    AGREEMENT = "agreement"
    SECURITY = "security"
    COUNTERPARTY = "counterparty"


AMOUNTS = {"fee": "fee_minor", "interest": "interest_minor", "dividend": "dividend_minor"}
"""The amounts compared, and their columns (ints in the minor unit) in a period's figures."""
UNIT_KEYS: dict[MatchUnit, tuple[str, ...]] = {
    MatchUnit.AGREEMENT: ("agreement_id", "currency"),
    MatchUnit.SECURITY: ("security", "currency"),
    MatchUnit.COUNTERPARTY: ("lender", "borrower", "currency"),
}
"""The columns whose values make a unit."""
_DESCRIPTIVE = ("lender", "borrower", "security", "currency")
_SIDES = ("platform", "party")


@dataclass(frozen=True, eq=False)
class Comparison:
    """The outcome of :func:`compare`.

    ``agreements``: one row per agreement on either side, with ``agreement_id``, ``lender``,
    ``borrower``, ``security``, ``currency``, ``unit_key`` (the agreement id, ``security/currency``
    or ``lender/borrower/currency``), ``on_platform``, ``on_party``, for
    each amount (``fee``, ``interest``, ``dividend``, ``net``) ``<amount>_platform``,
    ``<amount>_party`` and ``<amount>_diff`` (party - platform), ``tolerance`` and ``differs``
    (any amount differs, or missing on a side).

    ``units``: one row per unit, with ``unit_key``, the unit's key columns, ``agreements``,
    ``missing`` (missing loans in it), the summed amounts and differences, ``tolerance`` and
    ``matched``.
    """

    unit: MatchUnit
    agreements: pd.DataFrame
    units: pd.DataFrame

    @property
    def matched(self) -> bool:
        """Every unit matches (and there is at least one, or nothing on either side)."""
        return bool(self.units["matched"].all())

    @property
    def missing_on_party(self) -> list[str]:
        """Agreements the platform has and the party has not."""
        rows = self.agreements
        return rows.loc[~rows["on_party"], "agreement_id"].tolist()

    @property
    def missing_on_platform(self) -> list[str]:
        """Agreements the party has and the platform has not."""
        rows = self.agreements
        return rows.loc[~rows["on_platform"], "agreement_id"].tolist()

    @property
    def breaks(self) -> list[str]:
        """The agreements to explain: those that differ (or are missing) in units that do not
        match."""
        broken = self.units.loc[~self.units["matched"], "unit_key"]
        rows = self.agreements
        return rows.loc[rows["differs"] & rows["unit_key"].isin(broken), "agreement_id"].tolist()


def compare(
    platform: pd.DataFrame,
    party: pd.DataFrame,
    tolerance_minor: int | Mapping[str, int],
    unit: MatchUnit | str = MatchUnit.AGREEMENT,
) -> Comparison:
    """Compare a party's figures with the platform's, per agreement and per ``unit``.

    Args:
        platform: the platform's figures, as :func:`~bpost_client.lending.period.
            calculate_period` gives them: ``agreement_id``, ``fee_minor``, ``interest_minor``,
            ``dividend_minor`` (ints), and the columns of the unit (``security``, ``currency``,
            ``lender``, ``borrower``).
        party: the party's figures, the same columns (those describing an agreement are taken
            from the platform when it has the agreement).
        tolerance_minor: in minor units; an int for every unit, or per agreement.
        unit: the pair's unit of matching.

    Raises:
        ValidationError: a column missing, an agreement twice on one side, an amount that is not
            an integer, or a negative tolerance.
    """
    unit = MatchUnit(unit)
    needed = ("agreement_id", *AMOUNTS.values())
    describing = tuple(c for c in UNIT_KEYS[unit] if c != "agreement_id")
    for side, frame in zip(_SIDES, (platform, party), strict=True):
        missing = [c for c in (*needed, *describing) if c not in frame.columns]
        if missing:
            raise ValidationError(f"{side} figures: missing column(s) {', '.join(missing)}")
        ids = frame["agreement_id"].astype(str)
        if ids.duplicated().any():
            raise ValidationError(
                f"{side} figures: agreement {ids[ids.duplicated()].iloc[0]!r} twice"
            )
    left, right = (_side(f, s) for f, s in zip((platform, party), _SIDES, strict=True))
    rows = left.merge(right, on="agreement_id", how="outer", indicator=True, sort=False)
    rows["on_platform"] = rows["_merge"] != "right_only"
    rows["on_party"] = rows["_merge"] != "left_only"
    for column in _DESCRIPTIVE:
        rows[column] = rows[f"{column}_platform"].where(
            rows["on_platform"], rows[f"{column}_party"]
        )
    differs = ~(rows["on_platform"] & rows["on_party"])
    for amount in AMOUNTS:
        for side in _SIDES:
            rows[f"{amount}_{side}"] = rows[f"{amount}_{side}"].fillna(0).astype(np.int64)
        rows[f"{amount}_diff"] = rows[f"{amount}_party"] - rows[f"{amount}_platform"]
        differs |= rows[f"{amount}_diff"] != 0
    for side in _SIDES:
        rows[f"net_{side}"] = (
            rows[f"fee_{side}"] + rows[f"dividend_{side}"] - rows[f"interest_{side}"]
        )
    rows["net_diff"] = rows["net_party"] - rows["net_platform"]
    rows["tolerance"] = _tolerances(rows["agreement_id"], tolerance_minor)
    rows["differs"] = differs
    keys = list(UNIT_KEYS[unit])
    rows["unit_key"] = rows[keys[0]].astype(str)
    for key in keys[1:] if unit is not MatchUnit.AGREEMENT else ():
        rows["unit_key"] = rows["unit_key"] + "/" + rows[key].astype(str)
    columns = [
        "agreement_id",
        *_DESCRIPTIVE,
        "unit_key",
        "on_platform",
        "on_party",
        *(f"{a}_{s}" for a in (*AMOUNTS, "net") for s in (*_SIDES, "diff")),
        "tolerance",
        "differs",
    ]
    agreements = rows[columns].reset_index(drop=True)
    return Comparison(unit, agreements, _units(agreements, keys, tolerance_minor))


def _side(frame: pd.DataFrame, side: str) -> pd.DataFrame:
    """One side's figures: the agreement id, its describing columns and amounts, suffixed."""
    out = pd.DataFrame({"agreement_id": frame["agreement_id"].astype(str).to_numpy()})
    for column in _DESCRIPTIVE:
        values = frame[column].astype(str).to_numpy() if column in frame else ""
        out[f"{column}_{side}"] = values
    for amount, column in AMOUNTS.items():
        out[f"{amount}_{side}"] = _integers(frame[column], f"{side} figures: {column}")
    return out


def _integers(column: pd.Series, what: str) -> npt.NDArray[np.int64]:
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype=np.int64)
    values = column.tolist()
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int | np.integer)]
    if bad:
        raise ValidationError(f"{what}: {bad[0]!r} is not an integer amount in the minor unit")
    return np.array(values, dtype=np.int64)


def _tolerances(ids: pd.Series, tolerance: int | Mapping[str, int]) -> npt.NDArray[np.int64]:
    if isinstance(tolerance, Mapping):
        values = np.array([int(tolerance.get(i, 0)) for i in ids.tolist()], dtype=np.int64)
    else:
        values = np.full(len(ids), int(tolerance), dtype=np.int64)
    if (values < 0).any():
        raise ValidationError("the tolerance is negative")
    return values


def _units(
    agreements: pd.DataFrame, keys: list[str], tolerance: int | Mapping[str, int]
) -> pd.DataFrame:
    summed = [f"{a}_{s}" for a in (*AMOUNTS, "net") for s in (*_SIDES, "diff")]
    grouped = agreements.assign(missing=~(agreements["on_platform"] & agreements["on_party"]))
    units = grouped.groupby(["unit_key", *keys], sort=True, dropna=False).agg(
        agreements=("agreement_id", "size"),
        missing=("missing", "sum"),
        tolerance=("tolerance", "sum"),
        **{c: (c, "sum") for c in summed},
    )
    units = units.reset_index()
    if not isinstance(tolerance, Mapping):
        units["tolerance"] = int(tolerance)
    within = np.ones(len(units), dtype=bool)
    for amount in AMOUNTS:
        within &= units[f"{amount}_diff"].abs().to_numpy() <= units["tolerance"].to_numpy()
    units["matched"] = within
    return units
