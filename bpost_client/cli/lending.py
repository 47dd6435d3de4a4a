"""`bpost lending ...`: use case 3, securities lending. `calc` needs no chain: every input is a
file (the agreements, their positions, the closes, the dividends)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.exceptions import ValidationError
from bpost_client.io.tables import parse_date
from bpost_client.lending import files

__all__ = ["lending_group"]

_FILE = click.Path(dir_okay=False, path_type=Path)


def _day(option: str, text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(f"{option}: {exc}") from exc


@click.group("lending")
def lending_group() -> None:
    """Use case 3: securities lending."""


@lending_group.command("calc")
@click.option("--agreements", type=_FILE, required=True, help="Agreement terms (CSV).")
@click.option("--positions", type=_FILE, required=True, help="Quantity and cash collateral.")
@click.option("--prices", type=_FILE, required=True, help="Closes on business days (CSV).")
@click.option("--dividends", type=_FILE, help="Dividends by record date (CSV).")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day (inclusive).")
@click.option("--out", type=_FILE, required=True, help="Result CSV, one row per agreement.")
@pass_context
def lending_calc(
    ctx: Context,
    agreements: Path,
    positions: Path,
    prices: Path,
    dividends: Path | None,
    start: str,
    end: str,
    out: Path,
) -> None:
    """Lending fee, collateral interest, dividend equivalent and net of every agreement over the
    calendar days --from to --to, exactly, with no chain.

    Every file is checked first: a bad value or a day that accrues without a mark price stops the
    run, each is reported with its file, row and column, and OUT is not written.
    """
    first, last = _day("--from", start), _day("--to", end)
    if last < first:
        raise ValidationError(f"--to {last} is before --from {first}")
    result = files.calculate_files(agreements, positions, prices, dividends, first, last)
    files.write_result(result, out)
    emit(ctx, {"file": str(out), "agreements": len(result)})
