"""`bpost distribution ...`: use case 2, investment-trust distribution data: converting files
between formats (no chain needed), subscribing, watching the chain, receipts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bpost_client.cli._context import (
    Context,
    as_user_error,
    emit,
    pass_context,
    poll_option,
    reorg_depth_option,
)
from bpost_client.distribution.standard.convert import FORMATS, convert, dropped, read, to_bytes
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_fund_code

__all__ = ["distribution_group"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_TARGET = click.Path(dir_okay=False, allow_dash=True, path_type=Path)
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
    """Convert IN to OUT (- for standard output): ita-csv, csv, xml, json.

    The whole of IN is checked first: a bad row stops the conversion, every bad row is listed,
    and OUT is not written (an existing OUT is left as it was).
    """
    if from_format == "ita-csv" and fund is None:
        raise click.UsageError(
            "--fund is required with --from ita-csv: the format does not carry the fund"
        )
    if str(target) == "-":
        if ctx.as_json and to_format != "json":
            raise click.UsageError(
                f"--json prints JSON, and OUT - would print {to_format}: give --to json, or a file"
            )
        sys.stdout.buffer.write(to_bytes(read(source, from_format, fund), to_format, fund))
        sys.stdout.flush()
        return
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


_fund = as_user_error(check_fund_code)


@distribution_group.command("subscribe")
@click.argument("funds", nargs=-1, required=True)
@click.option("--stop", is_flag=True, help="End the subscriptions instead.")
@pass_context
def distribution_subscribe(ctx: Context, funds: tuple[str, ...], stop: bool) -> None:
    """Subscribe the signer's institution to FUNDS it distributes (platform fund codes)."""
    from bpost_client.distribution import subscriptions

    client = ctx.client(signing=True)
    action = subscriptions.unsubscribe if stop else subscriptions.subscribe
    receipts = action(client, [_fund(f) for f in funds])
    emit(ctx, {"funds": len(funds), "subscribed": not stop, "transactions": len(receipts)})


@distribution_group.command("watch")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory the deliveries are written to.",
)
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File holding the last block delivered; a restart resumes from it.",
)
@click.option("--confirmations", type=click.IntRange(0, 1000), default=1, show_default=True)
@poll_option("Seconds between looks at the chain when there is nothing new.")
@click.option("--max-blocks", type=click.IntRange(1, 100_000), default=5_000, show_default=True)
@reorg_depth_option(
    "The most delivered blocks a reorganisation may replace; deeper stops the watcher."
)
@click.option("--no-ack", is_flag=True, help="Do not acknowledge receipt on chain.")
@click.option("--until-head", is_flag=True, help="Stop once caught up with the chain.")
@pass_context
def distribution_watch(
    ctx: Context,
    fmt: str,
    out_dir: Path,
    checkpoint: Path,
    confirmations: int,
    poll: float,
    max_blocks: int,
    reorg_depth: int,
    no_ack: bool,
    until_head: bool,
) -> None:
    """Follow the chain and write the new and corrected records of the signer's institution's
    subscriptions to OUT in FORMAT, acknowledging receipt on chain per block range."""
    from bpost_client.distribution.watcher import WatchConfig, Watcher

    client = ctx.client(signing=True)
    config = WatchConfig(
        checkpoint=checkpoint,
        out_dir=out_dir,
        format=fmt,
        confirmations=confirmations,
        max_blocks=max_blocks,
        acknowledge=not no_ack,
        reorg_depth=reorg_depth,
    )
    watcher = Watcher(client, config)
    until = client.w3.eth.block_number - confirmations if until_head else None
    watcher.run(poll_seconds=poll, until_block=until)
    emit(
        ctx,
        {
            "institution": watcher.lei,
            "delivered_to_block": watcher.checkpoint.processed_to,
            "acknowledged_to_block": watcher.checkpoint.acknowledged_to,
        },
    )


@distribution_group.command("receipts")
@click.option("--lei", help="Only this institution.")
@pass_context
def distribution_receipts(ctx: Context, lei: str | None) -> None:
    """Who has acknowledged which block ranges: what each distributor has received."""
    import pandas as pd

    from bpost_client.distribution import subscriptions

    found = subscriptions.receipts(ctx.client(), lei)
    rows = [
        {
            "lei": r.lei,
            "from_block": r.from_block,
            "to_block": r.to_block,
            "records": r.records,
            "acknowledged_in_block": r.block,
        }
        for r in found
    ]
    columns = ["lei", "from_block", "to_block", "records", "acknowledged_in_block"]
    emit(ctx, pd.DataFrame(rows, columns=columns))


@distribution_group.command("publish")
@click.argument("source", metavar="FILE", type=_FILE)
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help=_FORMAT_HELP)
@click.option("--fund", help="The fund of an ita-csv FILE (BP... or ITA code).")
@click.option("--confirm-jumps", is_flag=True, help="Confirm NAV moves beyond the threshold.")
@click.option("--dry-run", is_flag=True, help="Check and plan; send nothing.")
@pass_context
def distribution_publish(
    ctx: Context, source: Path, fmt: str, fund: str | None, confirm_jumps: bool, dry_run: bool
) -> None:
    """Publish the records of FILE that are not on chain as they are (the funds' asset manager
    or a delegate); a record with a version above 1 and a reason corrects the published one.
    Every record is checked against the chain's rules first: nothing is sent if one is bad."""
    from bpost_client.distribution.publication import publish_dataset

    if fmt == "ita-csv" and fund is None:
        raise click.UsageError(
            "--fund is required with --format ita-csv: the format does not carry the fund"
        )
    dataset = read(source, fmt, fund)
    plan = publish_dataset(
        ctx.client(signing=True), dataset, confirm_jumps=confirm_jumps, dry_run=dry_run
    )
    emit(
        ctx,
        {
            "file": str(source),
            "navs": len(plan.new_navs),
            "nav_corrections": len(plan.nav_corrections),
            "other_records": len(plan.new_notices),
            "other_corrections": len(plan.notice_corrections),
            "unchanged": plan.unchanged,
            "transactions": plan.transactions,
            "dry_run": dry_run,
        },
    )


@distribution_group.command("profile")
@click.argument("funds", nargs=-1, required=True)
@click.option("--closing-month", "months", type=click.IntRange(1, 12), multiple=True, required=True)
@click.option("--closing-day", type=click.IntRange(1, 31), required=True, help="31: month end.")
@click.option("--nav-market", "nav_markets", multiple=True, help="MIC (repeatable; default XTKS).")
@click.option("--holiday-market", "holiday_markets", multiple=True, help="MIC (repeatable).")
@click.option("--threshold-bps", type=click.IntRange(0, 65535), default=0, show_default=True)
@pass_context
def distribution_profile(
    ctx: Context,
    funds: tuple[str, ...],
    months: tuple[int, ...],
    closing_day: int,
    nav_markets: tuple[str, ...],
    holiday_markets: tuple[str, ...],
    threshold_bps: int,
) -> None:
    """Give FUNDS (the signer's asset manager's) their distribution profile."""
    from bpost_client.distribution import navs

    profile = navs.Profile(months, closing_day, nav_markets, holiday_markets, threshold_bps)
    try:
        profile.to_abi()
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    receipts = navs.set_profiles(ctx.client(signing=True), [_fund(f) for f in funds], profile)
    emit(ctx, {"funds": len(funds), "transactions": len(receipts)})


@distribution_group.command("confirm")
@click.argument("source", metavar="FILE", type=_FILE)
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help=_FORMAT_HELP)
@click.option("--fund", help="The fund of an ita-csv FILE (BP... or ITA code).")
@pass_context
def distribution_confirm(ctx: Context, source: Path, fmt: str, fund: str | None) -> None:
    """Confirm, as the trustee, the funds' latest NAVs as computed in FILE (each must equal the
    published one)."""
    from bpost_client.distribution import navs
    from bpost_client.registry.funds import resolve_fund

    client = ctx.client(signing=True)
    dataset = read(source, fmt, fund)
    records = []
    for nav in dataset.navs:
        code = (
            check_fund_code(nav.fund)
            if len(nav.fund) != 8
            else resolve_fund(client, "ITA", nav.fund)
        )
        if code is None:
            raise ValidationError(f"{nav.fund} is not a fund on the platform")
        records.append(navs.NavRecord(code, nav.date, nav.nav_per_10000_units, nav.net_assets, 0))
    receipts = navs.confirm_navs(client, records)
    emit(ctx, {"file": str(source), "confirmed": len(records), "transactions": len(receipts)})
