"""`bpost calendar ...`: market calendars published on chain and answered from it."""

from __future__ import annotations

import click

from bpost_client.cli._context import Context, as_user_error, emit, parse_date, pass_context

__all__ = ["calendar_group"]


_date = as_user_error(parse_date)


def _mic(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """A market's MIC as the chain holds it: upper case (``xtks`` is XTKS)."""
    return value.strip().upper()


@click.group("calendar")
def calendar_group() -> None:
    """Business days per market (MIC), per year, on chain."""


@calendar_group.command()
@click.option("--market", "markets", multiple=True, help="MIC (repeatable; default: all nine).")
@click.option("--year", "years", multiple=True, type=click.IntRange(1970, 9999), required=True)
@pass_context
def publish(ctx: Context, markets: tuple[str, ...], years: tuple[int, ...]) -> None:
    """Publish calendars from exchange_calendars (the operator); unchanged years are skipped."""
    from bpost_client.reference import calendars

    chosen = markets or calendars.MARKETS
    maps = [
        calendars.year_map(m, y, calendars.sessions_from_exchange_calendars(m, years))
        for m in chosen
        for y in years
    ]
    receipts = calendars.publish_years(ctx.client(signing=True), maps)
    emit(
        ctx,
        {
            "markets": list(chosen),
            "years": list(years),
            "transactions": len(receipts),
        },
    )


@calendar_group.command()
@click.argument("market", callback=_mic)
@click.option("--year", type=click.IntRange(1970, 9999), required=True)
@pass_context
def show(ctx: Context, market: str, year: int) -> None:
    """The holidays (weekdays that are not business days) of MARKET in a year, and its version."""
    from bpost_client.reference import calendars

    calendar = calendars.load_calendar(ctx.client(), market)
    holidays = calendar.holidays(year)
    emit(
        ctx,
        {
            "market": market,
            "year": year,
            "version": calendar.years[year].version,
            "holidays": holidays,
        },
    )


@calendar_group.command("is-business-day")
@click.argument("market", callback=_mic)
@click.argument("day")
@pass_context
def is_business_day(ctx: Context, market: str, day: str) -> None:
    """Whether DAY is a business day in MARKET."""
    from bpost_client.reference import calendars

    when = _date(day)
    answer = calendars.load_calendar(ctx.client(), market).is_business_day(when)
    emit(ctx, {"market": market, "date": when, "business_day": answer})


@calendar_group.command(
    "add-business-days", context_settings={"ignore_unknown_options": True}
)  # a negative COUNT is a number, not an option
@click.argument("market", callback=_mic)
@click.argument("day")
@click.argument("count", type=click.IntRange(-1000, 1000))
@pass_context
def add_business_days(ctx: Context, market: str, day: str, count: int) -> None:
    """The COUNT-th business day after DAY in MARKET (T+2: count 2), or before it for a
    negative COUNT (T-1: count -1)."""
    from bpost_client.reference import calendars

    start = _date(day)
    result = calendars.load_calendar(ctx.client(), market).add_business_days(start, count)
    emit(ctx, {"market": market, "from": start, "count": count, "date": result})


@calendar_group.command()
@click.argument("market", callback=_mic)
@pass_context
def changes(ctx: Context, market: str) -> None:
    """The days later versions of MARKET's calendar changed."""
    from bpost_client.reference import calendars

    emit(ctx, calendars.calendar_changes(ctx.client(), market))
