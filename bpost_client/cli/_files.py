"""What the commands that read or write files share: one shape for every `upload` (the upload
pipeline's report, printed the same way) and one way to write a table to a file or stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import Context, emit, pass_context, progress

if TYPE_CHECKING:
    import pandas as pd

    from bpost_client.client import Client
    from bpost_client.io.upload import Upload

__all__ = [
    "FILE",
    "TARGET",
    "add_upload_command",
    "upload_file",
    "upload_options",
    "write_frame",
]

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
"""An existing file to read."""
TARGET = click.Path(dir_okay=False, allow_dash=True)
"""A file to write (.csv or .xlsx), or - for standard output."""


def upload_options(command: Any) -> Any:
    """The options of every `upload` command: --dry-run and --skip-invalid."""
    command = click.option("--dry-run", is_flag=True, help="Validate and plan; send nothing.")(
        command
    )
    return click.option(
        "--skip-invalid", is_flag=True, help="Upload the good rows; report the bad ones."
    )(command)


def upload_file(
    ctx: Context,
    upload_for: Callable[[Client], Upload[Any, Any, Any]],
    file: Path,
    *,
    skip_invalid: bool,
    dry_run: bool,
) -> None:
    """Run the upload pipeline on ``file`` as the signer and print its report: the rows per
    action (sent, or planned by a dry run), the unchanged rows, the transactions, the bad rows
    and the rows' outcomes."""
    from bpost_client.io.upload import run_upload

    client = ctx.client(signing=True)
    upload = upload_for(client)
    with progress(ctx, None, f"{upload.what} transactions") as advance:
        report = run_upload(
            upload, client, file, skip_invalid=skip_invalid, dry_run=dry_run, on_done=advance
        )
    emit(ctx, report.summary())


def add_upload_command(
    group: click.Group, help: str, upload_for: Callable[[Client], Upload[Any, Any, Any]]
) -> click.Command:
    """Add to ``group`` the command ``upload FILE [--dry-run] [--skip-invalid]``, described by
    ``help``, that runs the upload ``upload_for`` gives for the signer's client."""

    @group.command("upload", help=help)
    @click.argument("file", type=FILE)
    @upload_options
    @pass_context
    def upload(ctx: Context, file: Path, skip_invalid: bool, dry_run: bool) -> None:
        upload_file(ctx, upload_for, file, skip_invalid=skip_invalid, dry_run=dry_run)

    return upload


def write_frame(frame: pd.DataFrame, target: str, ctx: Context, counted: str = "rows") -> None:
    """Write ``frame`` to ``target`` (.csv, .xlsx, or - for standard output: CSV, or JSON
    records with ``--json``) and say how many ``counted`` it wrote to a file."""
    from bpost_client.io.tables import write_table

    if target == "-":
        if ctx.as_json:
            emit(ctx, frame)
        else:
            frame.to_csv(sys.stdout, index=False)
    else:
        write_table(frame, Path(target))
        emit(ctx, {"file": target, counted: len(frame)})
