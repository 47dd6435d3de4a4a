"""Publishing a dataset of the standard on chain: the asset manager's side of use case 2.

The dataset (read from any format) is planned against the chain first: records on chain as they
are are skipped, so a re-run or a resumed run publishes nothing twice; a record that differs from
the published one is a correction when it says so (version > 1 and a reason), else an error.
Every NAV is checked by the contract's own rules in one ``checkNavs`` call per day, so every bad
record is reported with its position, field and reason before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.dates import int_from_date
from bpost_client.distribution import navs, notices
from bpost_client.distribution.standard.records import (
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    Record,
)
from bpost_client.exceptions import RowError, ValidationError
from bpost_client.identifiers import check_fund_code
from bpost_client.registry.funds import resolve_fund
from bpost_client.types import FundCode

__all__ = ["NAV_PROBLEMS", "PublicationPlan", "plan_publication", "publish_dataset"]

NAV_PROBLEMS = {
    1: "the fund has no distribution profile",
    2: "the signer may not publish this fund's data",
    3: "the fund is not open (established to redeeming)",
    4: "the date is outside the fund's life",
    5: "not after the fund's last published NAV date",
    6: "not a NAV day of the fund's calendar",
    7: "the NAV is zero",
    8: "moves beyond the fund's threshold: confirm it (--confirm-jumps)",
}
"""What the codes of ``DistributionRegistry.checkNavs`` mean."""


@dataclass
class PublicationPlan:
    """What a publication found and would do (or did)."""

    new_navs: list[navs.NavRecord] = field(default_factory=list)
    nav_corrections: list[navs.NavCorrection] = field(default_factory=list)
    new_notices: list[notices.Notice] = field(default_factory=list)
    notice_corrections: list[tuple[notices.Notice, notices.Notice, str]] = field(
        default_factory=list
    )
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    transactions: int = 0


def _fund_resolver(client: Client) -> Callable[[str], FundCode | None]:
    """A record's fund as a platform code: an ITA code resolved on chain (once each). Whether the
    fund has a profile is left to the contracts' verdicts (``checkNavs``, the notice checks), so
    a file of thousands of funds costs no call per fund here."""
    cache: dict[str, FundCode | None] = {}

    def resolve(text: str) -> FundCode | None:
        if text not in cache:
            is_ita = len(text) == 8
            cache[text] = resolve_fund(client, "ITA", text) if is_ita else check_fund_code(text)
        return cache[text]

    return resolve


def _notice(record: Record, fund: FundCode) -> notices.Notice:
    """A distribution, non-application day or report of the standard as the chain takes it (a
    cancelled day, always a correction, is planned as the correction that withdraws it)."""
    if isinstance(record, Distribution):
        return notices.DistributionNotice(
            fund, record.date, record.period, record.amount_per_10000_units, record.version
        )
    if isinstance(record, NonApplicationDay):
        return notices.NonApplicationNotice(
            fund,
            record.date,
            notices.Reason[record.reason.name],
            record.market or "",
            record.note or "",
            cancelled=record.cancelled,
            version=record.version,
        )
    if isinstance(record, ManagementReport):
        return notices.ReportNotice(
            fund,
            record.period,
            record.date,
            bytes.fromhex(record.content_hash[2:]),
            record.location,
            record.format,
            record.version,
        )
    raise TypeError(f"not a notice: {type(record).__name__}")


_NOTICE_TYPES = (notices.DistributionNotice, notices.NonApplicationNotice, notices.ReportNotice)


def _key(notice: notices.Notice) -> tuple[str, str, object]:
    if isinstance(notice, notices.ReportNotice):
        return ("report", notice.fund, notice.period)
    return (type(notice).__name__, notice.fund, notice.day)


def _same(a: notices.Notice, b: notices.Notice) -> bool:
    """Whether two versions carry the same values."""
    return replace(a, version=0) == replace(b, version=0)


def plan_publication(
    client: Client, dataset: Dataset, confirm_jumps: bool = False
) -> PublicationPlan:
    """What publishing ``dataset`` would do, every problem listed (position in its list, field,
    reason), nothing sent."""
    plan = PublicationPlan()
    resolve = _fund_resolver(client)
    published = navs.current_navs(client)
    versions = _nav_versions(client)
    latest: dict[tuple[str, str, object], notices.Notice] = {}
    for change in notices.notice_changes(client):
        latest[_key(change.record)] = change.record
        for version in (change.previous, change.record):
            if version is not None:
                versions[_key(version), version.version] = version
    by_day: dict[date, list[tuple[int, navs.NavRecord]]] = {}
    lists: list[tuple[str, Sequence[Record]]] = [
        ("navs", dataset.navs),
        ("distributions", dataset.distributions),
        ("non_application_days", dataset.non_application_days),
        ("management_reports", dataset.management_reports),
    ]
    for kind_list, records in lists:
        for position, record in enumerate(records, start=1):
            fund = resolve(record.fund)
            if fund is None:
                reason = "not a fund with a distribution profile on the platform"
                plan.errors.append(RowError(position, f"{kind_list}.fund", reason))
                continue
            if isinstance(record, Nav):
                if _superseded(versions, (fund, record.date), record.version, _nav_values(record)):
                    plan.unchanged += 1
                    continue
                _plan_nav(plan, record, fund, position, published, by_day, confirm_jumps)
            else:
                notice = _notice(record, fund)
                if _superseded(versions, _key(notice), record.version, notice):
                    plan.unchanged += 1
                    continue
                planned = _plan_notice(plan, notice, record, position, kind_list, latest)
                if planned and (problem := _notice_problem(client, notice)):
                    column, reason = problem
                    plan.errors.append(RowError(position, f"{kind_list}.{column}", reason))
    _check_navs(client, plan, by_day)
    plan.errors.sort(key=lambda e: (e.column.split(".")[0], e.row))
    return plan


def _nav_values(record: Nav) -> tuple[int, int, int]:
    return (record.nav_per_10000_units, record.net_assets, record.units_outstanding or 0)


def _nav_versions(client: Client) -> dict[tuple[object, int], object]:
    """Every version of every published NAV: (fund, date), version -> its values."""
    found: dict[tuple[object, int], object] = {}
    for batch in navs.nav_batches(client):
        for r in batch.records:
            found[(r.fund, r.day), 1] = (r.nav, r.net_assets, r.units)
    for change in navs.nav_corrections(client):
        for r in (change.previous, change.current):
            found[(r.fund, r.day), r.version] = (r.nav, r.net_assets, r.units)
    return found


def _superseded(
    versions: dict[tuple[object, int], object], key: object, version: int, values: object
) -> bool:
    """Whether a record is an earlier version, as it was published, of one corrected since: a
    file from before the correction, read again, is not an error."""
    known = versions.get((key, version))
    if (key, version + 1) not in versions or known is None:
        return False
    if isinstance(known, _NOTICE_TYPES) and isinstance(values, _NOTICE_TYPES):
        return _same(known, values)
    return known == values


def _plan_nav(
    plan: PublicationPlan,
    record: Nav,
    fund: FundCode,
    position: int,
    published: dict[tuple[FundCode, date], navs.NavRecord],
    by_day: dict[date, list[tuple[int, navs.NavRecord]]],
    confirm_jumps: bool,
) -> None:
    units = record.units_outstanding or 0
    current = published.get((fund, record.date))
    wanted = navs.NavRecord(
        fund=fund,
        day=record.date,
        nav=record.nav_per_10000_units,
        net_assets=record.net_assets,
        units=units,
        confirm_jump=confirm_jumps,
    )
    if current is None:
        if record.version > 1:
            plan.errors.append(
                RowError(position, "navs.version", "a correction of a NAV that is not published")
            )
            return
        plan.new_navs.append(wanted)
        by_day.setdefault(record.date, []).append((position, wanted))
    elif (current.nav, current.net_assets, current.units) == (wanted.nav, wanted.net_assets, units):
        plan.unchanged += 1
    elif record.version > 1 and record.correction_reason:
        plan.nav_corrections.append(
            navs.NavCorrection(
                fund, record.date, wanted.nav, wanted.net_assets, units, record.correction_reason
            )
        )
    else:
        plan.errors.append(
            RowError(
                position,
                "navs.nav_per_10000_units",
                f"published as {current.nav} (version {current.version}); "
                "a correction needs a version above 1 and a reason",
            )
        )


def _notice_problem(client: Client, notice: notices.Notice) -> tuple[str, str] | None:
    """What ``FundNotices`` would refuse of a record (field, reason), asked of the contracts."""
    registry = client.contract("DistributionRegistry").functions
    serial = navs.serial_of(notice.fund)
    state = navs.fund_state(client, notice.fund)
    if state.calendar_id == 0:
        return ("fund", NAV_PROBLEMS[1])
    if not 2 <= state.status <= 5:
        return ("fund", "the fund is not open (established to redeeming)")
    if isinstance(notice, notices.ReportNotice):
        return None
    when = int_from_date(notice.day)
    if (state.establishment and notice.day < state.establishment) or (
        state.redemption and notice.day > state.redemption
    ):
        return ("date", "outside the fund's life")
    if isinstance(notice, notices.DistributionNotice):
        if not client.read(registry.isClosingDate(serial, when)):
            return ("date", "not a fiscal closing date of the fund")
        return None
    if not client.read(registry.isNavDay(serial, when)):
        return ("date", "not a NAV day of the fund's calendar")
    if notice.cancelled or notice.reason is notices.Reason.OTHER:
        return (
            None if notice.note or notice.cancelled else ("note", "needed when the reason is other")
        )
    holidays = bytes(client.read(registry.fundProfile(serial))[2])
    markets = {holidays[i : i + 4].rstrip(b"\0").decode("ascii") for i in range(0, 12, 4)}
    if notice.market not in markets - {""}:
        return (
            "market",
            f"not one of the fund's holiday markets ({', '.join(sorted(markets - {''}))})",
        )
    calendar = client.contract("MarketCalendar").functions
    if notice.reason is notices.Reason.MARKET_HOLIDAY and client.read(
        calendar.isBusinessDay(notice.market.encode("ascii"), when)
    ):
        return ("date", f"{notice.market} is open that day")
    return None


def _plan_notice(
    plan: PublicationPlan,
    notice: notices.Notice,
    record: Record,
    position: int,
    kind_list: str,
    latest: dict[tuple[str, str, object], notices.Notice],
) -> bool:
    """Plan a record; True when it is to be sent."""
    current = latest.get(_key(notice))
    if current is None:
        if record.version > 1:
            reason = "a correction of a record that is not published"
            plan.errors.append(RowError(position, f"{kind_list}.version", reason))
            return False
        plan.new_notices.append(notice)
        return True
    if _same(current, notice):
        plan.unchanged += 1
        return False
    if record.version > 1 and record.correction_reason:
        plan.notice_corrections.append((current, notice, record.correction_reason))
        return True
    reason = (
        f"published differently (version {current.version}); "
        "a correction needs a version above 1 and a reason"
    )
    plan.errors.append(RowError(position, f"{kind_list}.version", reason))
    return False


def _check_navs(
    client: Client, plan: PublicationPlan, by_day: dict[date, list[tuple[int, navs.NavRecord]]]
) -> None:
    """The contract's verdict on every new NAV, one ``checkNavs`` call per day and chunk."""
    registry = client.contract("DistributionRegistry")
    caller = client.address
    for day, entries in by_day.items():
        for start in range(0, len(entries), navs.MAX_NAVS):
            chunk = entries[start : start + navs.MAX_NAVS]
            words = [navs.pack_nav(r) for _, r in chunk]
            codes = client.read(registry.functions.checkNavs(caller, int_from_date(day), words))
            for (position, _record), code in zip(chunk, codes, strict=True):
                if code:
                    problem = NAV_PROBLEMS.get(int(code), f"refused (code {code})")
                    plan.errors.append(RowError(position, "navs.date", problem))


def publish_dataset(
    client: Client,
    dataset: Dataset,
    *,
    confirm_jumps: bool = False,
    dry_run: bool = False,
    on_done: Callable[[TxReceipt], None] | None = None,
) -> PublicationPlan:
    """Publish what ``dataset`` adds or corrects (the funds' asset manager or a delegate).

    Raises:
        ValidationError: bad records (nothing sent), each with its position, field and reason.
    """
    plan = plan_publication(client, dataset, confirm_jumps)
    if plan.errors:
        raise ValidationError("the dataset has bad records; nothing was sent", plan.errors)
    if dry_run:
        return plan
    if plan.new_navs:
        plan.transactions += len(navs.publish_navs(client, plan.new_navs, on_done))
    if plan.nav_corrections:
        plan.transactions += len(navs.correct_navs(client, plan.nav_corrections, on_done))
    if plan.new_notices:
        plan.transactions += len(notices.publish(client, plan.new_notices, on_done))
    for previous, current, reason in plan.notice_corrections:
        notices.correct(client, previous, current, reason)
        plan.transactions += 1
    return plan
