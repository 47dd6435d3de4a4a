"""The files of `bpost lending calc`: four CSV inputs, validated, and the result CSV.

Inputs (UTF-8, a BOM allowed; columns in any order, names exact, other columns ignored):

- agreements: ``agreement_id, lender, borrower, security, currency, fee_rate_pct,
  collateral_rate_pct, day_count, days_counted, price_basis, rounding, dividend_rate_pct,
  minimum_fee`` (``minimum_fee`` may be empty);
- positions: ``agreement_id, date, quantity, collateral`` (a row holds from its date until the
  agreement's next row; before the first, quantity and collateral are 0);
- prices: ``security, date, close`` (business days only);
- dividends: ``security, record_date, payment_date, amount_per_share``.

Money in the agreement's currency, major units; rates in percent; quantities whole and not
negative. Every file is checked whole before anything is calculated, and every bad value is
reported with its file, spreadsheet row (the header is row 1) and column, as
``row 3, column positions.csv:quantity: '-5' is negative``. The output is written to a temporary
file renamed into place, so a failed run leaves no output (and an earlier one as it was).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from bpost_client._utils import files
from bpost_client._utils.files import SHARED
from bpost_client.currencies import check_currency, minor_unit
from bpost_client.exceptions import RowError, ValidationError
from bpost_client.identifiers import check_isin
from bpost_client.io.tables import (
    FIRST_DATA_ROW,
    WHOLE_ROW,
    malformed_rows,
    parse_date,
    read_table,
)
from bpost_client.lending.engine import calculate
from bpost_client.lending.movements import Movement, MovementKind, positions_from_movements
from bpost_client.lending.results import (
    MAX_PRICE_AGE_DAYS,
    RESULT_COLUMNS,
    MissingPrice,
    MissingPriceError,
    StalePrice,
    StalePriceError,
)
from bpost_client.lending.terms import (
    AGREEMENT_COLUMNS,
    DayCount,
    DaysCounted,
    PriceBasis,
    Rounding,
)

__all__ = [
    "AGREEMENT_FILE_COLUMNS",
    "DIVIDEND_FILE_COLUMNS",
    "MOVEMENT_FILE_COLUMNS",
    "POSITION_FILE_COLUMNS",
    "PRICE_FILE_COLUMNS",
    "LendingInputs",
    "calculate_files",
    "read_inputs",
    "read_movements",
    "result_csv",
    "write_result",
]

AGREEMENT_FILE_COLUMNS = AGREEMENT_COLUMNS
"""The agreements file's columns: the fields of an agreement, in their order."""
POSITION_FILE_COLUMNS = ("agreement_id", "date", "quantity", "collateral")
MOVEMENT_FILE_COLUMNS = ("agreement_id", "date", "kind", "quantity", "collateral")
PRICE_FILE_COLUMNS = ("security", "date", "close")
DIVIDEND_FILE_COLUMNS = ("security", "record_date", "payment_date", "amount_per_share")

T = TypeVar("T")

_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)")
"""A decimal number as people write it: 1939, -0.125, 20,000,000.50 (no exponent)."""


def _number(text: str) -> Decimal:
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"bad number {text!r}")
    return Decimal(text.replace(",", ""))


def _amount(what: str, *, positive: bool = False) -> Callable[[str], Decimal]:
    """A parser of numbers that are not negative (or, with ``positive``, above 0)."""

    def parse(text: str) -> Decimal:
        value = _number(text)
        if value < 0:
            raise ValueError(f"negative {what} {text!r}")
        if positive and value == 0:
            raise ValueError(f"{what} {text!r} is not positive")
        return value

    return parse


def _quantity(text: str) -> int:
    value = _amount("quantity")(text)
    if value != value.to_integral_value():
        raise ValueError(f"quantity {text!r} is not a whole number")
    return int(value)


def _day(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError(f"bad date {text!r} (YYYY-MM-DD)") from None


def _choice(
    what: str, kind: type[DayCount | DaysCounted | PriceBasis | Rounding]
) -> Callable[[str], str]:
    return _choice_of(what, [member.value for member in kind])


def _choice_of(what: str, allowed: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"unknown {what} {text!r} (one of {', '.join(allowed)})")
        return text

    return parse


def _text(text: str) -> str:
    return text


@dataclass
class _Table:
    """One input file: its cells as text and the errors found in them."""

    label: str
    frame: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    complete: bool = True
    """Every required column is there (else its rows are not read)."""
    columns: Sequence[str] = ()
    malformed: frozenset[int] = frozenset()
    """The indexes of the rows not split into the columns (reported once, not read)."""

    @classmethod
    def read(cls, path: Path, columns: Sequence[str]) -> _Table:
        frame = read_table(path)
        table = cls(path.name, frame, columns=columns)
        bad = malformed_rows(frame)
        table.malformed = frozenset(row - FIRST_DATA_ROW for row in bad)
        table.errors.extend(RowError(row, table.where(WHOLE_ROW), why) for row, why in bad.items())
        for column in columns:
            if column not in table.frame.columns:
                table.errors.append(RowError(1, table.where(column), "missing column"))
                table.complete = False
        return table

    def rows(self, read: Callable[[_Table], pd.DataFrame]) -> pd.DataFrame:
        """What ``read`` makes of the table, or an empty frame of its columns when one of them
        is missing (its rows are not read then)."""
        if not self.complete:
            return pd.DataFrame(columns=list(self.columns))
        return read(self)

    def where(self, column: str) -> str:
        return f"{self.label}:{column}"

    def row(self, index: int) -> int:
        return index + FIRST_DATA_ROW

    def fail(self, index: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row(index), self.where(column), reason))

    def refuse_repeats(
        self,
        keys: Sequence[str | None],
        days: Sequence[date | None],
        what: Callable[[str, date], str],
    ) -> None:
        """Refuse the date of each row whose key and date an earlier row holds, as ``what`` of
        them says, naming that first row."""
        first: dict[tuple[str, date], int] = {}
        for index, (key, day) in enumerate(zip(keys, days, strict=True)):
            if key is None or day is None:
                continue
            if (key, day) in first:
                repeat = what(key, day)
                self.fail(index, "date", f"{repeat} (first in row {self.row(first[key, day])})")
            first.setdefault((key, day), index)

    def parse(
        self, column: str, parse: Callable[[str], T], *, required: bool = True
    ) -> list[T | None]:
        """The column's values parsed (None where empty or refused), refusals recorded; a value
        is parsed once however many rows hold it."""
        seen: dict[str, tuple[T | None, str]] = {}
        values: list[T | None] = []
        for index, text in enumerate(self.frame[column].tolist()):
            if index in self.malformed:
                values.append(None)
                continue
            if not text:
                if required:
                    self.fail(index, column, "empty")
                values.append(None)
                continue
            if text not in seen:
                try:
                    seen[text] = (parse(text), "")
                except (ValueError, KeyError) as exc:
                    seen[text] = (None, str(exc))
            value, refusal = seen[text]
            if refusal:
                self.fail(index, column, refusal)
            values.append(value)
        return values


@dataclass
class LendingInputs:
    """The four inputs, valid, as the engine takes them, with each row's place in its file."""

    agreements: pd.DataFrame
    positions: pd.DataFrame
    prices: pd.DataFrame
    dividends: pd.DataFrame
    positions_label: str
    prices_label: str
    position_rows: list[int]
    """The file row of each row of ``positions``."""


def _agreements(table: _Table) -> pd.DataFrame:
    ids = table.parse("agreement_id", _text)
    currencies = table.parse("currency", check_currency)
    minimum = table.parse("minimum_fee", _amount("minimum fee"), required=False)
    columns: dict[str, list[Any]] = {
        "agreement_id": ids,
        "lender": table.parse("lender", _text),
        "borrower": table.parse("borrower", _text),
        "security": table.parse("security", check_isin),
        "currency": currencies,
        "fee_rate_pct": table.parse("fee_rate_pct", _number),
        "collateral_rate_pct": table.parse("collateral_rate_pct", _number),
        "day_count": table.parse("day_count", _choice("day count", DayCount)),
        "days_counted": table.parse("days_counted", _choice("days counted", DaysCounted)),
        "price_basis": table.parse("price_basis", _choice("price basis", PriceBasis)),
        "rounding": table.parse("rounding", _choice("rounding", Rounding)),
        "dividend_rate_pct": table.parse("dividend_rate_pct", _amount("dividend rate")),
        "minimum_fee": minimum,
    }
    first: dict[str, int] = {}
    for index, agreement_id in enumerate(ids):
        if agreement_id is None:
            continue
        if agreement_id in first:
            table.fail(
                index,
                "agreement_id",
                f"duplicate agreement id {agreement_id!r} "
                f"(first in row {table.row(first[agreement_id])})",
            )
        first.setdefault(agreement_id, index)
    for index, (fee, currency) in enumerate(zip(minimum, currencies, strict=True)):
        if fee is not None and currency is not None:
            places = minor_unit(currency)
            if fee.scaleb(places) != fee.scaleb(places).to_integral_value():
                table.fail(
                    index,
                    "minimum_fee",
                    f"minimum fee {fee} is finer than {currency}'s {places} decimals",
                )
    return pd.DataFrame(columns, columns=list(AGREEMENT_FILE_COLUMNS), dtype=object)


def _positions(table: _Table, known: set[str] | None, agreements_label: str) -> pd.DataFrame:
    ids = table.parse("agreement_id", _text)
    days = table.parse("date", _day)
    for index, agreement_id in enumerate(ids):
        if agreement_id is not None and known is not None and agreement_id not in known:
            table.fail(
                index,
                "agreement_id",
                f"unknown agreement {agreement_id!r} (not in {agreements_label})",
            )
    table.refuse_repeats(ids, days, lambda a, d: f"duplicate position date {d} of {a!r}")
    return pd.DataFrame(
        {
            "agreement_id": ids,
            "date": days,
            "quantity": table.parse("quantity", _quantity),
            "collateral": table.parse("collateral", _amount("collateral")),
        },
        dtype=object,
    )


def _prices(table: _Table) -> pd.DataFrame:
    securities = table.parse("security", check_isin)
    days = table.parse("date", _day)
    table.refuse_repeats(securities, days, lambda s, d: f"duplicate close of {s!r} on {d}")
    return pd.DataFrame(
        {
            "security": securities,
            "date": days,
            "close": table.parse("close", _amount("close", positive=True)),
        },
        dtype=object,
    )


def _dividends(table: _Table) -> pd.DataFrame:
    record = table.parse("record_date", _day)
    payment = table.parse("payment_date", _day)
    for index, (recorded, paid) in enumerate(zip(record, payment, strict=True)):
        if recorded is not None and paid is not None and paid < recorded:
            table.fail(
                index, "payment_date", f"payment date {paid} is before the record date {recorded}"
            )
    return pd.DataFrame(
        {
            "security": table.parse("security", check_isin),
            "record_date": record,
            "payment_date": payment,
            "amount_per_share": table.parse("amount_per_share", _amount("amount per share")),
        },
        dtype=object,
    )


def _signed_quantity(text: str) -> int:
    value = _number(text)
    if value != value.to_integral_value():
        raise ValueError(f"quantity {text!r} is not a whole number")
    return int(value)


def read_movements(path: Path | str) -> list[Movement]:
    """The loan movements of a CSV or Excel file (columns :data:`MOVEMENT_FILE_COLUMNS`; the
    quantity and the collateral are signed changes), every one valid and none taking a position
    below zero.

    Raises:
        ValidationError: every bad cell with its row, column and reason; nothing is returned.
    """
    table = _Table.read(Path(path), MOVEMENT_FILE_COLUMNS)
    if not table.complete:
        raise ValidationError(f"{table.label}: missing columns", table.errors)
    kinds = [k.value for k in MovementKind]
    columns = {
        "agreement_id": table.parse("agreement_id", _text),
        "date": table.parse("date", _day),
        "kind": table.parse("kind", _choice_of("movement kind", kinds)),
        "quantity": table.parse("quantity", _signed_quantity),
        "collateral": table.parse("collateral", _number),
    }
    movements: list[Movement] = []
    rows: list[int] = []
    for index, values in enumerate(zip(*columns.values(), strict=True)):
        agreement_id, day, kind, quantity, collateral = values
        if None in (agreement_id, day, kind, quantity, collateral):
            continue
        try:
            movements.append(Movement(agreement_id, kind, day, quantity, collateral))
            rows.append(table.row(index))
        except ValidationError as exc:
            table.fail(index, "quantity" if "quantity" in str(exc) else "collateral", str(exc))
    if not table.errors:
        try:
            positions_from_movements(movements)
        except ValidationError as exc:
            for error in exc.errors:
                table.errors.append(
                    RowError(rows[error.row - 1], table.where(error.column), error.reason)
                )
    if table.errors:
        count = len(table.errors)
        raise ValidationError(f"{table.label}: {count} bad cell(s)", table.errors)
    return movements


def read_inputs(
    agreements: Path | str,
    positions: Path | str,
    prices: Path | str,
    dividends: Path | str | None = None,
) -> LendingInputs:
    """The four files, each checked whole.

    Raises:
        ValidationError: a file cannot be read, or bad values: every one of them, each with its
            file, row and column.
    """
    agreement_table = _Table.read(Path(agreements), AGREEMENT_FILE_COLUMNS)
    position_table = _Table.read(Path(positions), POSITION_FILE_COLUMNS)
    price_table = _Table.read(Path(prices), PRICE_FILE_COLUMNS)
    dividend_table = (
        _Table.read(Path(dividends), DIVIDEND_FILE_COLUMNS)
        if dividends is not None
        else _Table("dividends", pd.DataFrame(columns=list(DIVIDEND_FILE_COLUMNS)))
    )
    agreement_frame = agreement_table.rows(_agreements)
    known = (
        {a for a in agreement_frame["agreement_id"] if a is not None}
        if agreement_table.complete
        else None
    )
    inputs = LendingInputs(
        agreements=agreement_frame,
        positions=position_table.rows(lambda t: _positions(t, known, agreement_table.label)),
        prices=price_table.rows(_prices),
        dividends=dividend_table.rows(_dividends),
        positions_label=position_table.label,
        prices_label=price_table.label,
        position_rows=[position_table.row(i) for i in range(len(position_table.frame))],
    )
    tables = (agreement_table, position_table, price_table, dividend_table)
    errors = [e for t in tables for e in sorted(t.errors, key=lambda e: e.row)]
    if errors:
        named = ", ".join(t.label for t in tables if t.errors)
        raise ValidationError(f"bad values in {named}; nothing was calculated", errors)
    return inputs


def calculate_files(
    agreements: Path | str,
    positions: Path | str,
    prices: Path | str,
    dividends: Path | str | None,
    start: date,
    end: date,
    max_price_age: int = MAX_PRICE_AGE_DAYS,
) -> pd.DataFrame:
    """Read and check the files, then calculate every agreement over ``start`` to ``end``, with
    closes at most ``max_price_age`` calendar days older than the days they mark.

    Raises:
        ValidationError: bad values, or days that accrue without a mark price or with only a
            close too old (reported on the position row whose quantity accrues, with the day,
            the security and the close's date).
    """
    inputs = read_inputs(agreements, positions, prices, dividends)
    try:
        return calculate(
            inputs.agreements,
            inputs.positions,
            inputs.prices,
            inputs.dividends,
            start,
            end,
            max_price_age=max_price_age,
        )
    except MissingPriceError as exc:
        errors = _missing_prices(inputs, exc.missing)
        what = "close recent enough" if isinstance(exc, StalePriceError) else "mark price"
        raise ValidationError(
            f"{inputs.prices_label} has no {what} for days that accrue a fee; "
            "nothing was calculated",
            errors,
        ) from exc


def _missing_prices(inputs: LendingInputs, missing: Sequence[MissingPrice]) -> list[RowError]:
    """Each missing price as an error on the position row whose quantity accrues on its day."""
    wanted = {m.agreement_id for m in missing}
    rows: dict[str, list[tuple[date, int, int]]] = {}
    positions = inputs.positions
    for agreement_id, day, quantity, row in zip(
        positions["agreement_id"],
        positions["date"],
        positions["quantity"],
        inputs.position_rows,
        strict=True,
    ):
        if agreement_id in wanted:
            rows.setdefault(agreement_id, []).append((day, row, quantity))
    terms = {
        str(record["agreement_id"]): record
        for record in inputs.agreements.to_dict(orient="records")
        if record["agreement_id"] in wanted
    }
    return [
        _missing_price(inputs, m, sorted(rows.get(m.agreement_id, [])), terms[m.agreement_id])
        for m in missing
    ]


def _missing_price(
    inputs: LendingInputs,
    missing: MissingPrice,
    rows: list[tuple[date, int, int]],
    terms: Mapping[Any, Any],
) -> RowError:
    def in_effect(day: date) -> tuple[int, int]:
        """The file row and quantity of the position in effect on ``day``."""
        found = (0, 0)
        for dated, row, quantity in rows:
            if dated <= day:
                found = (row, quantity)
        return found

    row, quantity = in_effect(missing.first_day)
    if terms["days_counted"] == DaysCounted.BOTH_ENDS:
        before = in_effect(missing.first_day - timedelta(days=1))
        if before[1] > quantity:
            row = before[0]
    previous = terms["price_basis"] == PriceBasis.PREVIOUS_CLOSE
    when = "before" if previous else "on or before"
    more = f" (and {missing.days - 1} later day(s))" if missing.days > 1 else ""
    if isinstance(missing, StalePrice):
        return RowError(
            row,
            f"{inputs.positions_label}:quantity",
            f"stale price: {missing.agreement_id} accrues on {missing.first_day.isoformat()}"
            f"{more} but the close of {missing.security!r} on {missing.close_date.isoformat()}, "
            f"the latest in {inputs.prices_label} {when} that day, is {missing.age} days older "
            f"than {missing.first_day.isoformat()}, over the {missing.max_age}-day window; "
            "--max-price-age changes it",
        )
    return RowError(
        row,
        f"{inputs.positions_label}:quantity",
        f"missing price: {missing.agreement_id} accrues on "
        f"{missing.first_day.isoformat()}{more} but "
        f"{inputs.prices_label} has no close of {missing.security!r} {when} that day "
        f"({terms['price_basis']})",
    )


def result_csv(result: pd.DataFrame) -> str:
    """The result as CSV text: a header, then a row per agreement, amounts exact."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for row in result[list(RESULT_COLUMNS)].itertuples(index=False):
        writer.writerow(str(value) for value in row)
    return stream.getvalue()


def write_result(result: pd.DataFrame, path: Path | str) -> Path:
    """Write the result as CSV (UTF-8), through a temporary file renamed into place."""
    return files.write_atomic(path, result_csv(result).encode("utf-8"), SHARED)
