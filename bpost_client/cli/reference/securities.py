"""`bpost securities|prices|dividends ...`: the security master, daily closes and dividends."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import Context, as_user_error, emit, parse_date, pass_context
from bpost_client.cli._files import TARGET, add_upload_command, write_frame
from bpost_client.identifiers import check_isin

if TYPE_CHECKING:
    from bpost_client.client import Client
    from bpost_client.io.upload import Upload

__all__ = ["dividends_group", "prices_group", "securities_group"]


_day = as_user_error(parse_date)


def _date(text: str | None) -> date | None:
    return _day(text) if text else None


_isin = as_user_error(check_isin)


def _index_of(client: Client, isin: str) -> int:
    found = client.contract("SecurityRegistry").functions.getSecurity(isin.encode("ascii"))
    return int(client.read(found)[3])


@click.group("securities")
def securities_group() -> None:
    """The security master: ISIN, local code, name, market, currency."""


def _security_upload(_client: Client) -> Upload[Any, Any, Any]:
    from bpost_client.reference import security_files

    return security_files.SECURITY_UPLOAD


add_upload_command(
    securities_group,
    "Register the securities of FILE not yet in the master (a data provider).",
    _security_upload,
)


@securities_group.command("export")
@click.argument("target", type=TARGET)
@pass_context
def securities_export(ctx: Context, target: str) -> None:
    """Write the security master to TARGET (.csv, .xlsx or -)."""
    from bpost_client.reference import security_files

    write_frame(security_files.export_securities(ctx.client()), target, ctx)


@click.group("prices")
def prices_group() -> None:
    """Daily closing prices: four per storage slot, corrections keep the replaced value."""


def _price_upload(_client: Client) -> Upload[Any, Any, Any]:
    from bpost_client.reference import price_files

    return price_files.PRICE_UPLOAD


add_upload_command(
    prices_group,
    "Publish the closes of FILE (date, isin, close, reason); differing closes with a reason "
    "are corrections (a data provider).",
    _price_upload,
)


@prices_group.command("get")
@click.argument("isin")
@click.argument("day")
@pass_context
def prices_get(ctx: Context, isin: str, day: str) -> None:
    """The close of ISIN on DAY, the latest close on or before it, and its corrections."""
    from bpost_client.reference import prices

    client = ctx.client()
    code = _isin(isin)
    when = _date(day) or date.today()
    index = _index_of(client, code)
    close = prices.close_of(client, index, when)
    latest = prices.latest_close(client, index, when)
    fixes = [c for c in prices.corrections(client, [index]) if c.day == when]
    emit(
        ctx,
        {
            "isin": code,
            "date": when,
            "close": prices.from_units(close) if close else None,
            "latest_on_or_before": (
                {"date": latest[0], "close": prices.from_units(latest[1])} if latest else None
            ),
            "corrections": [
                {
                    "previous": prices.from_units(c.previous),
                    "close": prices.from_units(c.close),
                    "reason": c.reason,
                }
                for c in fixes
            ],
        },
    )


@prices_group.command("export")
@click.argument("target", type=TARGET)
@click.option("--from", "start", help="First day (default: the first published).")
@click.option("--to", "end", help="Last day (default: the last published).")
@click.option("--isin", "isins", multiple=True, help="Only these securities (repeatable).")
@pass_context
def prices_export(
    ctx: Context, target: str, start: str | None, end: str | None, isins: tuple[str, ...]
) -> None:
    """Write the published closes to TARGET (.csv, .xlsx or -) in the upload's columns."""
    from bpost_client.reference import price_files

    frame = price_files.export_prices(
        ctx.client(), _date(start), _date(end), [_isin(i) for i in isins]
    )
    write_frame(frame, target, ctx)


@click.group("dividends")
def dividends_group() -> None:
    """Dividends per security and record date, versioned; Tokyo ex-dates from the calendar."""


def _dividend_upload(_client: Client) -> Upload[Any, Any, Any]:
    from bpost_client.reference import dividend_files

    return dividend_files.DIVIDEND_UPLOAD


add_upload_command(
    dividends_group,
    "Record the dividends of FILE that are not on chain as they are (a data provider).",
    _dividend_upload,
)


@dividends_group.command("list")
@click.option("--isin", help="Only this security.")
@click.option("--history", is_flag=True, help="Every version, not only the latest.")
@pass_context
def dividends_list(ctx: Context, isin: str | None, history: bool) -> None:
    """The dividends on chain: latest versions, or every version with --history."""
    import pandas as pd

    from bpost_client.reference import dividend_files, dividends

    client = ctx.client()
    code = _isin(isin) if isin else None
    found = (
        dividends.dividend_history(client, code)
        if history
        else dividends.list_dividends(client, code)
    )
    rows = [
        {
            "isin": d.isin,
            "record_date": d.record_date.isoformat(),
            "ex_date": d.ex_date.isoformat(),
            "payment_date": d.payment_date.isoformat(),
            "amount_per_share": str(d.amount),
            "currency": d.currency,
            "status": d.status.label,
            "version": d.version,
            "reason": d.reason,
        }
        for d in found
    ]
    emit(
        ctx, pd.DataFrame(rows, columns=[*dividend_files.DIVIDEND_COLUMNS[:7], "version", "reason"])
    )


@dividends_group.command("export")
@click.argument("target", type=TARGET)
@click.option("--isin", help="Only this security.")
@pass_context
def dividends_export(ctx: Context, target: str, isin: str | None) -> None:
    """Write the latest version of each dividend to TARGET in the upload's columns."""
    from bpost_client.reference import dividend_files

    frame = dividend_files.export_dividends(ctx.client(), _isin(isin) if isin else None)
    write_frame(frame, target, ctx)
