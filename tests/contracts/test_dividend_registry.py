"""DividendRegistry: Tokyo ex-dates from the calendar, statuses, corrections with versions."""

from __future__ import annotations

from typing import Any

import pytest

from bpost_client.reference.calendars import sessions_from_exchange_calendars, year_map
from tests.contracts.reverts import reverts

TOYOTA, APPLE = b"JP3633400001", b"US0378331005"
FORECAST, DECLARED, PAID, CANCELLED = 1, 2, 3, 4
SCALE = 10**6


def dividend(
    isin: bytes = TOYOTA,
    record: int = 20260930,
    ex: int = 20260929,
    pay: int = 20261127,
    amount: int = 45 * SCALE,
    status: int = DECLARED,
    reason: str = "",
    currency: bytes = b"JPY",
) -> tuple[Any, ...]:
    return (isin, record, ex, pay, amount, currency, status, reason)


@pytest.fixture
def provider(securities: Any, calendar: Any, operator: Any, accounts: Any) -> Any:
    """Toyota (XTKS) and Apple (XNAS) registered, the 2026 Tokyo calendar published."""
    tokyo = year_map("XTKS", 2026, sessions_from_exchange_calendars("XTKS", [2026]))
    calendar.publishYears([b"XTKS"], [2026], [tokyo.low], [tokyo.high], sender=operator)
    securities.registerSecurities(
        [
            (TOYOTA, b"7203".ljust(8, b"\0"), b"XTKS", b"JPY", "Toyota Motor"),
            (APPLE, b"AAPL".ljust(8, b"\0"), b"XNAS", b"USD", "Apple"),
        ],
        sender=accounts[6],
    )
    return accounts[6]


def test_record__stores_version_one_and_lists_record_dates(dividends: Any, provider: Any) -> None:
    tx = dividends.recordDividends(
        [dividend(), dividend(APPLE, 20261110, 20261110, 20261113, 260_000, currency=b"USD")],
        sender=provider,
    )
    events = tx.events.filter(dividends.DividendRecorded)
    assert [(bytes(e.isin), e.version) for e in events] == [(TOYOTA, 1), (APPLE, 1)]
    stored = dividends.getDividend(TOYOTA, 20260930)
    assert (stored.exDate, stored.amountPerShare, stored.status, stored.version) == (
        20260929,
        45 * SCALE,
        DECLARED,
        1,
    )
    assert dividends.recordDatesOf(TOYOTA) == [20260930]


def test_record__tokyo_ex_date_skips_the_september_holidays(dividends: Any, provider: Any) -> None:
    # 21, 22 and 23 September 2026 are holidays: the business day before the 24th is the 18th.
    with reverts(dividends.DividendRegistryExDateMismatch):
        dividends.recordDividends([dividend(record=20260924, ex=20260923)], sender=provider)
    dividends.recordDividends([dividend(record=20260924, ex=20260918)], sender=provider)
    assert dividends.getDividend(TOYOTA, 20260924).exDate == 20260918


def test_record__same_again__changes_nothing(dividends: Any, provider: Any) -> None:
    dividends.recordDividends([dividend()], sender=provider)
    tx = dividends.recordDividends([dividend()], sender=provider)
    assert list(tx.events.filter(dividends.DividendRecorded)) == []
    assert dividends.getDividend(TOYOTA, 20260930).version == 1


def test_lifecycle__forecast_declared_paid_with_versions(dividends: Any, provider: Any) -> None:
    dividends.recordDividends([dividend(amount=40 * SCALE, status=FORECAST)], sender=provider)
    dividends.recordDividends([dividend(amount=45 * SCALE, status=DECLARED)], sender=provider)
    dividends.recordDividends([dividend(amount=45 * SCALE, status=PAID)], sender=provider)
    stored = dividends.getDividend(TOYOTA, 20260930)
    assert (stored.status, stored.version, stored.amountPerShare) == (PAID, 3, 45 * SCALE)


def test_correction__declared_figures_need_a_reason(dividends: Any, provider: Any) -> None:
    dividends.recordDividends([dividend()], sender=provider)
    with reverts(dividends.DividendRegistryReasonRequired):
        dividends.recordDividends([dividend(amount=46 * SCALE)], sender=provider)
    tx = dividends.recordDividends(
        [dividend(amount=46 * SCALE, reason="issuer notice of 2026-10-01")], sender=provider
    )
    event = tx.events.filter(dividends.DividendRecorded)[0]
    assert (event.version, event.amountPerShare, event.reason) == (
        2,
        46 * SCALE,
        "issuer notice of 2026-10-01",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (DECLARED, FORECAST),
        (PAID, CANCELLED),
        (PAID, DECLARED),
        (CANCELLED, DECLARED),
        (FORECAST, PAID),
    ],
)
def test_transition__refused(dividends: Any, provider: Any, before: int, after: int) -> None:
    if before == PAID:
        dividends.recordDividends([dividend(status=DECLARED)], sender=provider)
    dividends.recordDividends([dividend(status=before)], sender=provider)
    with reverts(dividends.DividendRegistryInvalidTransition):
        dividends.recordDividends([dividend(status=after, reason="r")], sender=provider)


def test_record__refusals(
    dividends: Any, securities: Any, calendar: Any, provider: Any, accounts: Any
) -> None:
    with reverts(dividends.PlatformAccessUnauthorized):
        dividends.recordDividends([dividend()], sender=accounts[9])
    with reverts(securities.SecurityRegistryUnknownSecurity):
        dividends.recordDividends([dividend(isin=b"JP3435000009")], sender=provider)
    with reverts(dividends.DividendRegistryInvalidRecordDate, isin=TOYOTA, recordDate=20260931):
        dividends.recordDividends([dividend(record=20260931)], sender=provider)
    with reverts(dividends.DividendRegistryInvalidExDate, recordDate=20260930, exDate=20260229):
        dividends.recordDividends([dividend(ex=20260229)], sender=provider)
    with reverts(
        dividends.DividendRegistryInvalidPaymentDate, recordDate=20260930, paymentDate=20261131
    ):
        dividends.recordDividends([dividend(pay=20261131)], sender=provider)
    with reverts(dividends.DividendRegistryDateOrder, exDate=20260929, paymentDate=20260901):
        dividends.recordDividends([dividend(pay=20260901)], sender=provider)
    with reverts(dividends.DividendRegistryDateOrder, exDate=20261111, paymentDate=20261113):
        dividends.recordDividends(  # ex-date after the record date
            [dividend(APPLE, 20261110, 20261111, 20261113, currency=b"USD")], sender=provider
        )
    with reverts(dividends.DividendRegistryZeroAmount, isin=TOYOTA, status=DECLARED):
        dividends.recordDividends([dividend(amount=0)], sender=provider)
    with reverts(dividends.DividendRegistryStatusMissing, isin=TOYOTA, recordDate=20260930):
        dividends.recordDividends([dividend(status=0)], sender=provider)
    with reverts(dividends.DividendRegistryInvalidCurrency, currency=b"\0\0\0"):
        dividends.recordDividends([dividend(currency=b"\0\0\0")], sender=provider)
    with reverts(calendar.MarketCalendarNotPublished):  # no 2027 Tokyo calendar
        dividends.recordDividends(
            [dividend(record=20270331, ex=20270330, pay=20270601)], sender=provider
        )
    with reverts(dividends.DividendRegistryUnknownDividend):
        dividends.getDividend(TOYOTA, 20260331)
    with reverts(dividends.DividendRegistryBatchTooLarge):
        dividends.recordDividends([dividend()] * 129, sender=provider)


def test_record__tokyo_with_no_business_day_in_the_lookback__refused_naming_the_dividend(
    dividends: Any, calendar: Any, provider: Any, operator: Any
) -> None:
    """A Tokyo ex-date is checked against the business day before the record date; with none
    within MAX_LOOKBACK_DAYS (a year published all closed) the dividend cannot be checked."""
    calendar.publishYears([b"XTKS"], [2026], [0], [0], sender=operator)
    with reverts(dividends.DividendRegistryNoBusinessDayBefore, isin=TOYOTA, recordDate=20260930):
        dividends.recordDividends([dividend()], sender=provider)


# --- ownership: a dividend is its publisher's (the institution that recorded it) -------------


def test_owner__rival_cannot_correct_a_dividend__specific_error_names_the_publisher(
    dividends: Any, provider: Any, data_providers: dict[str, Any]
) -> None:
    rival, caller = data_providers["rival_provider"]
    owner = data_providers["provider"][1]
    tx = dividends.recordDividends([dividend()], sender=provider)
    assert bytes(tx.events.filter(dividends.DividendRecorded)[0].publisher) == owner
    assert bytes(dividends.getDividend(TOYOTA, 20260930).publisher) == owner
    fix = dividend(amount=1, reason="rival's figure")
    with reverts(
        dividends.DividendRegistryNotPublisher,
        isin=TOYOTA, recordDate=20260930, publisher=owner, caller=caller,
    ):  # fmt: skip
        dividends.recordDividends([fix], sender=rival)
    with reverts(dividends.DividendRegistryNotPublisher):  # nor cancel it
        dividends.recordDividends([dividend(status=CANCELLED)], sender=rival)
    dividends.recordDividends(
        [dividend(amount=46 * SCALE, reason="issuer notice")], sender=provider
    )
    stored = dividends.getDividend(TOYOTA, 20260930)
    assert (stored.amountPerShare, stored.version, bytes(stored.publisher)) == (
        46 * SCALE,
        2,
        owner,
    )


def test_owner__rival_records_its_own_dividend_and_alone_changes_it(
    dividends: Any, provider: Any, data_providers: dict[str, Any]
) -> None:
    rival, rival_lei = data_providers["rival_provider"]
    apple = dividend(APPLE, 20261110, 20261110, 20261113, 260_000, FORECAST, currency=b"USD")
    dividends.recordDividends([apple], sender=rival)
    assert bytes(dividends.getDividend(APPLE, 20261110).publisher) == rival_lei
    with reverts(dividends.DividendRegistryNotPublisher):
        dividends.recordDividends(
            [dividend(APPLE, 20261110, 20261110, 20261113, 1)], sender=provider
        )
    # The same figures again from anyone change nothing and refuse nothing.
    dividends.recordDividends([apple], sender=provider)
    assert dividends.getDividend(APPLE, 20261110).version == 1


def test_version__is_64_bits_in_storage_event_and_view(dividends: Any) -> None:
    """Versions do not run out: 2**64 - 1 changes at even 1,000 gas each would take 1.8e22
    gas (the old uint16 froze a dividend after 65,535). Only the width can be shown: no
    transaction reaches 65,536 versions cheaply, and no harness may set the field."""
    abi = {entry.name: entry for entry in dividends.contract_type.abi if hasattr(entry, "name")}
    event = {i.name: i.type for i in abi["DividendRecorded"].inputs}
    view = {c.name: c.type for c in abi["getDividend"].outputs[0].components}
    assert event["version"] == view["version"] == "uint64"
    assert event["publisher"] == view["publisher"] == "bytes20"
