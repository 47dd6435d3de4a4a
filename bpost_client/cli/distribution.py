"""`bpost distribution ...`: use case 2, investment-trust distribution data (no chain needed)."""

from __future__ import annotations

from pathlib import Path

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.distribution.convert import FORMATS, convert, dropped

__all__ = ["distribution_group"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_TARGET = click.Path(dir_okay=False, path_type=Path)
_FORMAT_HELP = "ita-csv (public daily-NAV CSV, one fund), csv (vendor CSV), xml or json."


@click.group("distribution")
def distribution_group() -> None:
    """Use case 2: investment-trust distribution data."""


@distribution_group.command("convert")
@click.option("--from", "from_format", type=click.Choice(FORMATS), required=True, help=_FORMAT_HELP)
@click.option("--to", "to_format", type=click.Choice(FORMATS), required=True, help=_FORMAT_HELP)
@click.option(
    "--fund",
    help="Fund code (BP... or ITA code): required with --from ita-csv, the format not carrying "
    "the fund; also limits the output to this fund.",
)
@click.argument("source", metavar="IN", type=_FILE)
@click.argument("target", metavar="OUT", type=_TARGET)
@pass_context
def distribution_convert(
    ctx: Context, from_format: str, to_format: str, fund: str | None, source: Path, target: Path
) -> None:
    """Convert IN to OUT: ita-csv, csv, xml, json.

    The whole of IN is checked first: a bad row stops the conversion, every bad row is listed,
    and OUT is not written (an existing OUT is left as it was).
    """
    if from_format == "ita-csv" and fund is None:
        raise click.UsageError(
            "--fund is required with --from ita-csv: the format does not carry the fund"
        )
    dataset = convert(source, target, from_format, to_format, fund)
    lost = dropped(dataset, to_format)
    summary = ", ".join(f"{n} {name}" for name, n in lost.items()) or "nothing"
    emit(
        ctx,
        {
            "file": str(target),
            "format": to_format,
            "funds": len(dataset.funds()),
            **dataset.counts(),
            "dropped": lost if ctx.as_json else summary,
        },
    )
