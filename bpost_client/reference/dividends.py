"""Dividend information on chain: one dividend per security and record date, versioned.

The amount per share is a :class:`~decimal.Decimal` in the dividend's currency; on chain it is an
integer of 10^-6 units. For Tokyo securities the ex-date is the XTKS business day before the
record date, which the contract checks against the market calendar and :func:`tokyo_ex_date`
computes from the same on-chain calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum

from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.dates import int_from_date
from bpost_client.exceptions import name_contract_values
from bpost_client.identifiers import check_isin, fixed_code
from bpost_client.platform.projection import records_of
from bpost_client.reference.calendars import Calendar
from bpost_client.reference.prices import from_units

__all__ = [
    "ALLOWED",
    "Dividend",
    "DividendStatus",
    "change_error",
    "dividend_history",
    "list_dividends",
    "record_dividends",
    "tokyo_ex_date",
]

CONTRACT = "DividendRegistry"
MAX_BATCH = 128
TOKYO = "XTKS"


class DividendStatus(IntEnum):
    """Where a dividend stands (the contract's ``Status``)."""

    FORECAST = 1
    DECLARED = 2
    PAID = 3
    CANCELLED = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> DividendStatus:
        """A status from its label (forecast, declared, paid, cancelled)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            labels = ", ".join(s.label for s in cls)
            raise ValueError(f"{text!r} is not a status ({labels})") from None


name_contract_values({"IDividendRegistry.Status": DividendStatus})


@dataclass(frozen=True)
class Dividend:
    """A dividend of a security; ``version``, ``block`` and ``publisher`` (the LEI of the
    institution that recorded it, the only one that changes it) are filled when read from the
    chain."""

    isin: str
    record_date: date
    ex_date: date
    payment_date: date
    amount_per_share: int
    currency: str
    status: DividendStatus
    reason: str = ""
    version: int = 0
    block: int = 0
    publisher: str = ""

    def __post_init__(self) -> None:
        check_isin(self.isin)
        if not self.ex_date <= self.record_date <= self.payment_date:
            raise ValueError("the ex-date, record date and payment date must be in that order")
        if self.amount_per_share < 0 or (
            self.amount_per_share == 0 and self.status is not DividendStatus.CANCELLED
        ):
            raise ValueError("the amount per share must be positive")
        fixed_code(self.currency, 3, "currency")

    @property
    def amount(self) -> Decimal:
        """The amount per share in the currency."""
        return from_units(self.amount_per_share)

    def same_figures(self, other: Dividend) -> bool:
        """Whether ``other`` has the same dates, amount, currency and status."""
        return (
            self.ex_date,
            self.payment_date,
            self.amount_per_share,
            self.currency,
            self.status,
        ) == (
            other.ex_date,
            other.payment_date,
            other.amount_per_share,
            other.currency,
            other.status,
        )

    def to_abi(self) -> tuple[bytes, int, int, int, int, bytes, int, str]:
        """As the contract's ``DividendInput`` tuple."""
        return (
            self.isin.encode("ascii"),
            int_from_date(self.record_date),
            int_from_date(self.ex_date),
            int_from_date(self.payment_date),
            self.amount_per_share,
            fixed_code(self.currency, 3, "currency"),
            int(self.status),
            self.reason,
        )


ALLOWED = {
    DividendStatus.FORECAST: {
        DividendStatus.FORECAST,
        DividendStatus.DECLARED,
        DividendStatus.CANCELLED,
    },
    DividendStatus.DECLARED: {
        DividendStatus.DECLARED,
        DividendStatus.PAID,
        DividendStatus.CANCELLED,
    },
    DividendStatus.PAID: {DividendStatus.PAID},
    DividendStatus.CANCELLED: set(),
}
"""The status changes the contract allows."""


def change_error(current: Dividend, new: Dividend) -> str:
    """Why the contract would refuse to change ``current`` into ``new``, or ''."""
    if new.status not in ALLOWED[current.status]:
        return f"a {current.status.label} dividend cannot become {new.status.label}"
    figures_changed = (
        current.ex_date,
        current.payment_date,
        current.amount_per_share,
        current.currency,
    ) != (new.ex_date, new.payment_date, new.amount_per_share, new.currency)
    if figures_changed and current.status is not DividendStatus.FORECAST and not new.reason:
        return f"changes a {current.status.label} dividend: a correction needs a reason"
    return ""


def tokyo_ex_date(calendar: Calendar, record_date: date) -> date:
    """The XTKS business day before ``record_date`` (the Tokyo ex-dividend date)."""
    day = record_date - timedelta(days=1)
    while not calendar.is_business_day(day):
        day -= timedelta(days=1)
    return day


def record_dividends(
    client: Client,
    dividends: Sequence[Dividend],
    on_done: Callable[[TxReceipt], None] | None = None,
) -> list[TxReceipt]:
    """Record or change dividends (a data provider), batched. The contract skips a dividend that
    is on chain as it is.

    Raises:
        ContractRevert: e.g. ``DividendRegistryExDateMismatch`` or
            ``DividendRegistryInvalidTransition``.
    """
    record = client.contract(CONTRACT).functions.recordDividends
    items = [d.to_abi() for d in dividends]
    return send_batched(client.sender, record, items, MAX_BATCH, "record {} dividends", on_done)


def dividend_history(client: Client, isin: str | None = None) -> list[Dividend]:
    """Every version of every dividend (of ``isin`` if given), oldest first, from the records
    the index holds (see :func:`bpost_client.reference.projection.dividend_of`)."""
    from bpost_client.reference.projection import PROJECTORS, dividend_of  # builds on this

    where = None if isin is None else {"isin": check_isin(isin).encode("ascii")}
    entries = records_of(client, CONTRACT, PROJECTORS, ["DividendRecorded"], where)
    return [dividend_of(entry) for entry in entries]


def list_dividends(client: Client, isin: str | None = None) -> list[Dividend]:
    """The latest version of every dividend (of ``isin`` if given), by ISIN and record date."""
    latest: dict[tuple[str, date], Dividend] = {}
    for dividend in dividend_history(client, isin):
        latest[dividend.isin, dividend.record_date] = dividend
    return [latest[key] for key in sorted(latest)]
