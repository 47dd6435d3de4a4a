"""`bpost securities|prices|dividends ...`: the security master, daily closes and dividends."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import pandas as pd

from bpost_client.cli._context import Context, emit, pass_context, progress
from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_isin
from bpost_client.io.tables import parse_date, write_table
from bpost_client.reference import dividend_files, dividends, price_files, prices, security_files

__all__ = ["dividends_group", "prices_group", "securities_group"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_TARGET = click.Path(dir_okay=False, allow_dash=True)


def _date(text: str | None) -> date | None:
    try:
        return parse_date(text) if text else None
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _isin(text: str) -> str:
    try:
        return check_isin(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _write(frame: pd.DataFrame, target: str, ctx: Context) -> None:
    if target == "-":
        frame.to_csv(sys.stdout, index=False)
    else:
        write_table(frame, Path(target))
        emit(ctx, {"file": target, "rows": len(frame)})


def _index_of(client: Client, isin: str) -> int:
    found = client.contract("SecurityRegistry").functions.getSecurity(isin.encode("ascii"))
    return int(client.read(found)[3])


def _upload_options(command: Any) -> Any:
    command = click.option("--dry-run", is_flag=True, help="Validate and plan; send nothing.")(
        command
    )
    return click.option(
        "--skip-invalid", is_flag=True, help="Upload the good rows; report the bad ones."
    )(command)


@click.group("securities")
def securities_group() -> None:
    """The security master: ISIN, local code, name, market, currency."""


@securities_group.command("upload")
@click.argument("file", type=_FILE)
@_upload_options
@pass_context
def securities_upload(ctx: Context, file: Path, skip_invalid: bool, dry_run: bool) -> None:
    """Register the securities of FILE not yet in the master (a data provider)."""
    report = security_files.upload_securities(
        ctx.client(signing=True), file, skip_invalid=skip_invalid, dry_run=dry_run
    )
    emit(
        ctx,
        {
            "file": str(file),
            "registered": 0 if dry_run else len(report.to_register),
            "already_registered": len(report.already),
            "transactions": report.transactions,
            "bad_rows": [str(e) for e in report.errors],
        },
    )


@securities_group.command("export")
@click.argument("target", type=_TARGET)
@pass_context
def securities_export(ctx: Context, target: str) -> None:
    """Write the security master to TARGET (.csv, .xlsx or -)."""
    _write(security_files.export_securities(ctx.client()), target, ctx)


@click.group("prices")
def prices_group() -> None:
    """Daily closing prices: four per storage slot, corrections keep the replaced value."""


@prices_group.command("upload")
@click.argument("file", type=_FILE)
@_upload_options
@pass_context
def prices_upload(ctx: Context, file: Path, skip_invalid: bool, dry_run: bool) -> None:
    """Publish the closes of FILE (date, isin, close, reason); differing closes with a reason
    are corrections (a data provider)."""
    client = ctx.client(signing=True)
    with progress(ctx, None, "price transactions") as advance:
        report = price_files.upload_prices(
            client, file, skip_invalid=skip_invalid, dry_run=dry_run, on_done=advance
        )
    emit(
        ctx,
        {
            "file": str(file),
            "published": 0 if dry_run else len(report.to_publish),
            "corrected": 0 if dry_run else len(report.to_correct),
            "unchanged": len(report.unchanged),
            "transactions": report.transactions,
            "bad_rows": [str(e) for e in report.errors],
        },
    )


@prices_group.command("get")
@click.argument("isin")
@click.argument("day")
@pass_context
def prices_get(ctx: Context, isin: str, day: str) -> None:
    """The close of ISIN on DAY, the latest close on or before it, and its corrections."""
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
            "date": when.isoformat(),
            "close": str(prices.from_units(close)) if close else "none",
            "latest_on_or_before": (
                f"{prices.from_units(latest[1])} on {latest[0]}" if latest else "none"
            ),
            "corrections": [
                f"{prices.from_units(c.previous)} -> {prices.from_units(c.close)}: {c.reason}"
                for c in fixes
            ],
        },
    )


@prices_group.command("export")
@click.argument("target", type=_TARGET)
@click.option("--from", "start", help="First day (default: the first published).")
@click.option("--to", "end", help="Last day (default: the last published).")
@click.option("--isin", "isins", multiple=True, help="Only these securities (repeatable).")
@pass_context
def prices_export(
    ctx: Context, target: str, start: str | None, end: str | None, isins: tuple[str, ...]
) -> None:
    """Write the published closes to TARGET (.csv, .xlsx or -) in the upload's columns."""
    frame = price_files.export_prices(
        ctx.client(), _date(start), _date(end), [_isin(i) for i in isins]
    )
    _write(frame, target, ctx)


@click.group("dividends")
def dividends_group() -> None:
    """Dividends per security and record date, versioned; Tokyo ex-dates from the calendar."""


@dividends_group.command("upload")
@click.argument("file", type=_FILE)
@_upload_options
@pass_context
def dividends_upload(ctx: Context, file: Path, skip_invalid: bool, dry_run: bool) -> None:
    """Record the dividends of FILE that are not on chain as they are (a data provider)."""
    client = ctx.client(signing=True)
    report = dividend_files.upload_dividends(
        client, file, skip_invalid=skip_invalid, dry_run=dry_run
    )
    emit(
        ctx,
        {
            "file": str(file),
            "recorded": 0 if dry_run else len(report.to_record),
            "unchanged": len(report.unchanged),
            "transactions": report.transactions,
            "bad_rows": [str(e) for e in report.errors],
        },
    )


@dividends_group.command("list")
@click.option("--isin", help="Only this security.")
@click.option("--history", is_flag=True, help="Every version, not only the latest.")
@pass_context
def dividends_list(ctx: Context, isin: str | None, history: bool) -> None:
    """The dividends on chain: latest versions, or every version with --history."""
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
@click.argument("target", type=_TARGET)
@click.option("--isin", help="Only this security.")
@pass_context
def dividends_export(ctx: Context, target: str, isin: str | None) -> None:
    """Write the latest version of each dividend to TARGET in the upload's columns."""
    frame = dividend_files.export_dividends(ctx.client(), _isin(isin) if isin else None)
    _write(frame, target, ctx)
