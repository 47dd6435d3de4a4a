"""Loan movements (new loan, return, recall, collateral change) and the positions they add up to.

A movement is a signed change of an agreement's quantity (whole shares) and cash collateral
(major units of the agreement's currency) on a date. :func:`positions_from_movements` checks every
movement and accumulates them, per agreement in date order (movements of one day in the order
given), into the positions table the engine takes: one row per agreement and date on which
something moved, with the quantity and collateral held from that date on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import pandas as pd

from bpost_client.exceptions import RowError, ValidationError
from bpost_client.lending._values import EXACT, as_date

__all__ = ["POSITION_COLUMNS", "Movement", "MovementKind", "positions_from_movements"]

POSITION_COLUMNS = ("agreement_id", "date", "quantity", "collateral")
"""The columns of :func:`positions_from_movements`' table (the engine's positions)."""


class MovementKind(StrEnum):
    """What a movement does to a loan."""

    NEW_LOAN = "new_loan"
    """Shares lent: quantity > 0 (collateral usually posted with them)."""
    RETURN = "return"
    """Shares returned by the borrower: quantity < 0."""
    RECALL = "recall"
    """Shares recalled by the lender: quantity < 0."""
    COLLATERAL_CHANGE = "collateral_change"
    """Cash collateral called or returned alone: quantity 0, collateral not 0."""


@dataclass(frozen=True)
class Movement:
    """A signed change of one agreement's quantity and cash collateral on ``date``.

    ``kind`` may be given as its value (``"return"``); the signs must fit the kind (see
    :class:`MovementKind`), the quantity be a whole number of shares and the collateral exact
    (Decimal, int or decimal text, never a binary float).

    Raises:
        ValidationError: at construction, a value that does not fit.
    """

    agreement_id: str
    kind: MovementKind
    date: date
    quantity: int
    collateral: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        try:
            kind = MovementKind(self.kind)
        except ValueError:
            allowed = ", ".join(k.value for k in MovementKind)
            raise ValidationError(
                f"movement of {self.agreement_id!r}: kind {self.kind!r} is not one of {allowed}"
            ) from None
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "date", as_date(self.date, f"movement of {self.agreement_id!r}"))
        object.__setattr__(self, "collateral", _collateral(self.collateral, self.agreement_id))
        problem = _sign_problem(kind, self.quantity, self.collateral)
        if problem:
            raise ValidationError(f"{self.describe()}: {problem}")

    def describe(self) -> str:
        """``'return of A1 on 2026-04-03'``: how errors name the movement."""
        return f"{self.kind} of {self.agreement_id!r} on {self.date.isoformat()}"


def _collateral(value: object, agreement_id: str) -> Decimal:
    if isinstance(value, bool | float):
        raise ValidationError(
            f"movement of {agreement_id!r}: collateral {value!r} is a binary float or a bool; "
            "give a Decimal, int or decimal text"
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except ArithmeticError:
            number = Decimal("NaN")
    else:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(f"movement of {agreement_id!r}: collateral {value!r} is not a number")
    return number


def _sign_problem(kind: MovementKind, quantity: object, collateral: Decimal) -> str:
    """Why ``quantity`` and ``collateral`` do not fit ``kind`` ('' when they do)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return f"quantity {quantity!r} is not a whole number of shares"
    if kind is MovementKind.NEW_LOAN and quantity <= 0:
        return f"a new loan lends shares: quantity {quantity} must be above 0"
    if kind in (MovementKind.RETURN, MovementKind.RECALL) and quantity >= 0:
        return f"a {kind.value} gives shares back: quantity {quantity} must be below 0"
    if kind is MovementKind.COLLATERAL_CHANGE:
        if quantity != 0:
            return f"a collateral change moves no shares: quantity {quantity} must be 0"
        if collateral == 0:
            return "a collateral change must change the collateral (it is 0)"
    return ""


def positions_from_movements(movements: Iterable[Movement]) -> pd.DataFrame:
    """The positions the movements add up to, as :func:`bpost_client.lending.calculate` takes.

    Each agreement's movements are applied in date order (those of one day in the order given);
    the quantity and the collateral held must never go below zero, after any movement.

    Returns:
        ``agreement_id``, ``date``, ``quantity`` (int) and ``collateral`` (Decimal), cumulative:
        one row per agreement and date on which it moved, sorted by agreement and date.

    Raises:
        ValidationError: a movement that takes the quantity or the collateral below zero; every
            such movement is listed (its place in ``movements``, from 1, as the row).
    """
    numbered = list(enumerate(movements, start=1))
    for _, movement in numbered:
        if not isinstance(movement, Movement):
            raise ValidationError(f"not a Movement: {movement!r}")
    numbered.sort(key=lambda item: (item[1].agreement_id, item[1].date, item[0]))
    errors: list[RowError] = []
    rows: list[tuple[str, date, int, Decimal]] = []
    held: dict[str, tuple[int, Decimal]] = {}
    for place, movement in numbered:
        quantity, collateral = held.get(movement.agreement_id, (0, Decimal(0)))
        quantity += movement.quantity
        collateral = EXACT.add(collateral, movement.collateral)
        if quantity < 0:
            errors.append(
                RowError(
                    place,
                    "quantity",
                    f"{movement.describe()} takes the quantity to {quantity} "
                    f"(only {quantity - movement.quantity} on loan)",
                )
            )
        if collateral < 0:
            errors.append(
                RowError(
                    place,
                    "collateral",
                    f"{movement.describe()} takes the collateral to {collateral} "
                    f"(only {EXACT.subtract(collateral, movement.collateral)} held)",
                )
            )
        held[movement.agreement_id] = (quantity, collateral)
        if rows and rows[-1][:2] == (movement.agreement_id, movement.date):
            rows[-1] = (movement.agreement_id, movement.date, quantity, collateral)
        else:
            rows.append((movement.agreement_id, movement.date, quantity, collateral))
    if errors:
        raise ValidationError(
            f"{len(errors)} movement(s) would take a position below zero", sorted(errors, key=_row)
        )
    frame = pd.DataFrame(rows, columns=list(POSITION_COLUMNS))
    frame["collateral"] = frame["collateral"].astype(object)
    return frame


def _row(error: RowError) -> int:
    return error.row
