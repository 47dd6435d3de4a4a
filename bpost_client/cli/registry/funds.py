"""`bpost funds ...`: upload, export, read, and the establishment/change/redemption workflow."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bpost_client.cli._context import (
    Context,
    as_user_error,
    blank_missing,
    emit,
    parse_date,
    pass_context,
)
from bpost_client.cli._files import FILE, upload_file, upload_options, write_frame
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_fund_code, check_lei
from bpost_client.types import FundStatus, RequestKind

if TYPE_CHECKING:
    from bpost_client.registry.funds import FundRecord

__all__ = ["funds_group"]

LIST_COLUMNS = ["fund_code", "manager_code", "name_en", "status", "version", "trustee_lei"]


_date = as_user_error(parse_date)


def _record(record: FundRecord) -> dict[str, object]:
    attributes = record.attributes
    return {
        "fund_code": record.code, "status": record.status.name.lower(), "version": record.version,
        "effective_date": record.effective_date, "asset_manager": record.asset_manager,
        "name_ja": attributes.name_ja, "name_en": attributes.name_en,
        "trustee": attributes.trustee, "fund_type": attributes.fund_type.name.lower(),
        "currency": attributes.currency, "establishment_date": attributes.establishment_date,
        "redemption_date": attributes.redemption_date, "open_request": record.open_request,
        "parties": [f"{p.lei} ({p.role.name.lower()})" for p in record.parties],
    }  # fmt: skip


def _signer_lei(ctx: Context) -> str:
    from bpost_client.platform.participants import signer_institution

    return signer_institution(ctx.client(signing=True))


@click.group("funds")
def funds_group() -> None:
    """Funds: the platform fund code, linked codes, parties and the acknowledgment workflow."""


@funds_group.command()
@click.argument("file", type=FILE)
@upload_options
@click.option("--batch", "max_batch", default=256, show_default=True, type=click.IntRange(1, 256),
              help="Most funds per transaction (batches are also sized by gas).")  # fmt: skip
@pass_context
def upload(ctx: Context, file: Path, skip_invalid: bool, dry_run: bool, max_batch: int) -> None:
    """Register the funds of a CSV or Excel FILE not on chain yet (keyed by the manager's code)."""
    from bpost_client.registry import fund_files

    upload_file(
        ctx,
        lambda _client: fund_files.fund_upload(max_batch),
        file,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )


@funds_group.command()
@click.argument("target", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--manager", help="Only this asset manager's funds (LEI).")
@pass_context
def export(ctx: Context, target: str, manager: str | None) -> None:
    """Write every fund to TARGET (.csv or .xlsx; - for CSV on standard output)."""
    from bpost_client.registry import fund_files

    frame = fund_files.export_funds(ctx.client(), check_lei(manager) if manager else None)
    write_frame(frame, target, ctx, "funds")


@funds_group.command("list")
@click.option("--manager", help="Only this asset manager's funds (LEI).")
@pass_context
def list_(ctx: Context, manager: str | None) -> None:
    """Every fund's code, names, status and version."""
    from bpost_client.registry import fund_files

    frame = fund_files.export_funds(ctx.client(), check_lei(manager) if manager else None)
    emit(ctx, frame if ctx.as_json else frame[LIST_COLUMNS])


@funds_group.command()
@click.argument("code", required=False)
@click.option("--namespace", help="Look the fund up by a code of this namespace (ISIN, ITA...).")
@pass_context
def show(ctx: Context, code: str | None, namespace: str | None) -> None:
    """A fund's definitive record, by its platform code or by CODE in --namespace."""
    from bpost_client.platform.codes import open_namespace
    from bpost_client.registry import funds

    client = ctx.client()
    if code is None:
        raise ValidationError("give a fund code, or a code with --namespace")
    if namespace:
        namespace = open_namespace(client, namespace)
    fund_code = funds.resolve_fund(client, namespace, code) if namespace else check_fund_code(code)
    if fund_code is None:
        raise ValidationError(f"no fund has {namespace} {code}")
    emit(ctx, _record(funds.get_fund(client, fund_code)))


@funds_group.command()
@click.argument("code")
@click.argument("codes", nargs=-1, required=True)
@pass_context
def link(ctx: Context, code: str, codes: tuple[str, ...]) -> None:
    """Link more codes to fund CODE, each as NAMESPACE:VALUE (the fund's asset manager)."""
    from bpost_client.platform.codes import open_namespace
    from bpost_client.registry import funds

    pairs = []
    for item in codes:
        namespace, sep, value = item.partition(":")
        if not sep or not namespace or not value:
            raise ValidationError(f"{item!r} is not NAMESPACE:VALUE")
        pairs.append((namespace, value))
    client = ctx.client(signing=True)
    pairs = [(open_namespace(client, namespace), value) for namespace, value in pairs]
    receipts = funds.link_codes(client, check_fund_code(code), pairs)
    emit(ctx, {"fund_code": code, "linked": len(pairs), "transactions": len(receipts)})


@funds_group.command()
@click.argument("code")
@pass_context
def history(ctx: Context, code: str) -> None:
    """Every event of a fund: proposals, acknowledgments, rejections, versions, statuses."""
    from bpost_client.registry import funds

    frame = funds.fund_history(ctx.client(), check_fund_code(code))
    shown = ["block", "event", "request_id", "version", "status", "lei", "reason", "effective_date"]
    emit(ctx, frame if ctx.as_json else blank_missing(frame[shown]))


@funds_group.command()
@click.option("--lei", help="The institution (default: the signer's).")
@click.option("--today", help="The date overdue is judged against (default: today).")
@pass_context
def pending(ctx: Context, lei: str | None, today: str | None) -> None:
    """What an institution still has to acknowledge, overdue requests flagged."""
    from bpost_client.registry import funds

    who = check_lei(lei) if lei else _signer_lei(ctx)
    emit(ctx, funds.pending_for(ctx.client(), who, _date(today) if today else date.today()))


@funds_group.command()
@click.argument("code")
@click.option("--kind", type=click.Choice(["establish", "change", "redeem"]), required=True)
@click.option("--effective", required=True, help="When the new version takes effect (YYYY-MM-DD).")
@click.option("--due", required=True, help="By when the parties should acknowledge (YYYY-MM-DD).")
@click.option("--name-ja")
@click.option("--name-en")
@click.option("--trustee", help="A new trustee (LEI).")
@click.option("--redemption-date", help="YYYY-MM-DD.")
@pass_context
def propose(
    ctx: Context, code: str, kind: str, effective: str, due: str, name_ja: str | None,
    name_en: str | None, trustee: str | None, redemption_date: str | None,
) -> None:  # fmt: skip
    """Propose an establishment, change or redemption of CODE: its attributes as they are, with
    the changes given as options."""
    from bpost_client.registry import funds

    client = ctx.client(signing=True)
    current = funds.get_fund(client, check_fund_code(code)).attributes
    changes: dict[str, object] = {
        k: v for k, v in {"name_ja": name_ja, "name_en": name_en}.items() if v is not None
    }
    if trustee:
        changes["trustee"] = check_lei(trustee)
    if redemption_date:
        changes["redemption_date"] = _date(redemption_date)
    try:
        attributes = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    request = funds.propose(
        client, code, RequestKind[kind.upper()], attributes, _date(effective), _date(due)
    )
    emit(ctx, {"request_id": request, "fund_code": code, "kind": kind})


@funds_group.command()
@click.argument("request_id", type=int)
@pass_context
def ack(ctx: Context, request_id: int) -> None:
    """Acknowledge REQUEST_ID for the signer's institution."""
    from bpost_client.registry import funds

    client = ctx.client(signing=True)
    funds.acknowledge(client, request_id)
    request = funds.get_request(client, request_id)
    emit(ctx, {"request_id": request_id, "state": request.state.name.lower(),
               "acknowledged": list(request.acknowledged)})  # fmt: skip


@funds_group.command()
@click.argument("request_id", type=int)
@click.option("--reason", required=True)
@pass_context
def reject(ctx: Context, request_id: int, reason: str) -> None:
    """Reject REQUEST_ID for the signer's institution."""
    from bpost_client.registry import funds

    funds.reject(ctx.client(signing=True), request_id, reason)
    emit(ctx, {"request_id": request_id, "state": "rejected"})


@funds_group.command()
@click.argument("request_id", type=int)
@pass_context
def withdraw(ctx: Context, request_id: int) -> None:
    """Withdraw REQUEST_ID (the fund's asset manager)."""
    from bpost_client.registry import funds

    funds.withdraw(ctx.client(signing=True), request_id)
    emit(ctx, {"request_id": request_id, "state": "withdrawn"})


@funds_group.command()
@click.argument("request_id", type=int)
@pass_context
def complete(ctx: Context, request_id: int) -> None:
    """Complete the redemption REQUEST_ID past its due date with the trustee's acknowledgment
    (the fund's asset manager); parties that did not acknowledge no longer hold it up."""
    from bpost_client.registry import funds

    client = ctx.client(signing=True)
    funds.complete_redemption(client, request_id)
    request = funds.get_request(client, request_id)
    emit(ctx, {"request_id": request_id, "fund_code": request.fund_code,
               "state": request.state.name.lower(),
               "not_acknowledged": [lei for lei in request.required
                                    if lei not in request.acknowledged]})  # fmt: skip


@funds_group.command()
@click.argument("request_id", type=int)
@click.argument("lei")
@click.option("--reason", required=True)
@pass_context
def waive(ctx: Context, request_id: int, lei: str, reason: str) -> None:
    """Waive the acknowledgment LEI owes REQUEST_ID, the institution being suspended or no longer
    registered (the platform operator)."""
    from bpost_client.registry import funds

    client = ctx.client(signing=True)
    funds.waive_acknowledgment(client, request_id, check_lei(lei), reason)
    request = funds.get_request(client, request_id)
    emit(ctx, {"request_id": request_id, "waived": lei, "state": request.state.name.lower()})


@funds_group.command()
@click.argument("request_id", type=int)
@click.option("--reason", required=True)
@pass_context
def close(ctx: Context, request_id: int, reason: str) -> None:
    """Close REQUEST_ID, which awaits a suspended or unregistered party (the platform operator)."""
    from bpost_client.registry import funds

    funds.close_request(ctx.client(signing=True), request_id, reason)
    emit(ctx, {"request_id": request_id, "state": "closed"})


@funds_group.command("status")
@click.argument("code")
@click.argument("to", type=click.Choice(["active", "suspended", "redeemed"]))
@pass_context
def status_(ctx: Context, code: str, to: str) -> None:
    """Activate, suspend, resume or complete the redemption of CODE."""
    from bpost_client.registry import funds

    client = ctx.client(signing=True)
    funds.set_status(client, check_fund_code(code), FundStatus[to.upper()])
    emit(ctx, {"fund_code": code, "status": to})
