"""`bpost ssi ...` and `bpost corporate ...`: standing settlement instructions and corporate
information, with their confidential fields opened for the signer's institution when entitled."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import Context, as_user_error, emit, parse_date, pass_context
from bpost_client.cli._files import TARGET, add_upload_command, write_frame
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_lei

if TYPE_CHECKING:
    import pandas as pd

    from bpost_client.client import Client
    from bpost_client.io.upload import Upload

__all__ = ["corporate_group", "ssi_group"]

APPLICABLE_COLUMNS = [
    "version",
    "security_type",
    "settlement_method",
    "custodian_bic",
    "place_of_settlement",
    "account",
    "effective_from",
    "effective_to",
    "fund_code",
]


def _reader(ctx: Context) -> tuple[Client, str | None, bytes | None]:
    """A client, the signer's institution and the signer's private key (None when no signer):
    a key ring, with the data keys re-wrapped to it since a key rotation."""
    from bpost_client.platform.participants import institution_of
    from bpost_client.platform.rewrap import key_ring

    client = ctx.client(signing=True)
    if client.account is None:
        return client, None, None
    lei = institution_of(client, client.address)
    key = bytes(client.account.key)
    return client, lei, key if lei is None else key_ring(client, lei, key)


def _owned_ssis(ctx: Context, owner: str | None) -> pd.DataFrame:
    """The latest SSIs of ``owner`` (default: the signer's institution), the account opened
    when the signer is the owner."""
    from bpost_client.registry import ssi_files

    client, lei, key = _reader(ctx)
    who = check_lei(owner) if owner else lei
    if who is None:
        raise ValidationError("give --owner: the signer acts for no institution")
    return ssi_files.export_ssis(client, who, key if who == lei else None)


_parse_date = as_user_error(parse_date)


def _day(text: str | None) -> date:
    return _parse_date(text) if text else date.today()


@click.group("ssi")
def ssi_group() -> None:
    """Standing settlement instructions: one golden copy per institution."""


def _ssi_upload(_client: Client) -> Upload[Any, Any, Any]:
    from bpost_client.registry import ssi_files

    return ssi_files.SSI_UPLOAD


add_upload_command(
    ssi_group,
    "Publish the signer's institution's SSIs in FILE that differ from what is published.",
    _ssi_upload,
)


@ssi_group.command("export")
@click.argument("target", type=TARGET)
@click.option("--owner", help="Whose SSIs (default: the signer's institution).")
@pass_context
def ssi_export(ctx: Context, target: str, owner: str | None) -> None:
    """Write the latest version of each SSI to TARGET (.csv, .xlsx or -)."""
    write_frame(_owned_ssis(ctx, owner), target, ctx)


@ssi_group.command("list")
@click.option("--owner", help="Whose SSIs (default: the signer's institution).")
@pass_context
def ssi_list(ctx: Context, owner: str | None) -> None:
    """The latest version of each SSI of an institution (the account shown to its owner)."""
    emit(ctx, _owned_ssis(ctx, owner))


@ssi_group.command("applicable")
@click.argument("owner")
@click.option("--market", required=True, help="MIC, e.g. XTKS.")
@click.option("--currency", required=True)
@click.option("--on", "day", help="The settlement date (default: today).")
@click.option("--security-type")
@click.option("--method", "settlement_method")
@click.option("--fund", "fund_code", help="A platform fund code: its own SSI wins.")
@pass_context
def applicable(
    ctx: Context,
    owner: str,
    market: str,
    currency: str,
    day: str | None,
    security_type: str | None,
    settlement_method: str | None,
    fund_code: str | None,
) -> None:
    """Which SSI of OWNER applies for a market and currency on a date (the account shown when
    the signer's institution is entitled)."""
    import pandas as pd

    from bpost_client.platform.confidential import NotEntitledError
    from bpost_client.registry import ssi

    client, lei, key = _reader(ctx)
    found = ssi.applicable_ssis(
        client,
        check_lei(owner),
        market,
        currency,
        _day(day),
        security_type=security_type,
        settlement_method=settlement_method,
        fund_code=fund_code,
    )
    rows = []
    for item in found:
        account = "(not shared with you)"
        if lei is not None and key is not None:
            with contextlib.suppress(NotEntitledError):
                account = ssi.read_account(client, item, lei, key)
        terms = item.terms
        rows.append(
            {
                "version": item.version,
                "security_type": terms.security_type,
                "settlement_method": terms.settlement_method,
                "custodian_bic": terms.custodian_bic,
                "place_of_settlement": terms.place_of_settlement,
                "account": account,
                "effective_from": terms.effective_from,
                "effective_to": terms.effective_to or "",
                "fund_code": terms.fund_code or "",
            }
        )
    emit(ctx, pd.DataFrame(rows, columns=APPLICABLE_COLUMNS))


@ssi_group.command("notices")
@click.option("--lei", help="The counterparty (default: the signer's institution).")
@pass_context
def notices(ctx: Context, lei: str | None) -> None:
    """The SSI change notices an institution received."""
    from bpost_client.registry import ssi

    client, own, _ = _reader(ctx)
    who = check_lei(lei) if lei else own
    if who is None:
        raise ValidationError("give --lei: the signer acts for no institution")
    emit(ctx, ssi.notifications(client, who))


@click.group("corporate")
def corporate_group() -> None:
    """Basic corporate information: AML/CFT, FATCA, CRS, LEI renewal, KYC documents."""


def _corporate_upload(client: Client) -> Upload[Any, Any, Any]:
    """The corporate upload, sealed to the institution's fund and lending counterparties and
    the observers, the latest version opened with the signer's key."""
    from bpost_client.lending.counterparties import agreement_counterparties
    from bpost_client.registry import corporate_files

    key = None if client.account is None else bytes(client.account.key)
    return corporate_files.corporate_upload(key, agreement_counterparties)


add_upload_command(
    corporate_group,
    "Publish corporate information in FILE (own institution, or any as the operator), sealed "
    "to its counterparties and the observers.",
    _corporate_upload,
)


def _corporate_facts(record: Any) -> dict[str, object]:
    """What every member reads of a version: no content."""
    refused = "no"
    if record.refused_by is not None:
        refused = f"by {record.refused_by}: {record.refusal_reason.name.lower()}"
    return {
        "lei": record.lei,
        "version": record.version,
        "block": record.block,
        "publisher": record.publisher,
        "commitment": "0x" + record.commitment.hex(),
        "recipients": "; ".join(record.recipients),
        "refused": refused,
    }


@corporate_group.command("show")
@click.argument("lei")
@click.option("--today", help="The date warnings are judged against (default: today).")
@pass_context
def corporate_show(ctx: Context, lei: str, today: str | None) -> None:
    """An institution's latest corporate information: its version, publisher, commitment and
    recipients; its content and warnings when it is sealed to the signer's institution, opens
    and is valid (a refused version is not used)."""
    from bpost_client.exceptions import BPostError
    from bpost_client.registry import corporate

    client, own, key = _reader(ctx)
    record = corporate.corporate_records(client, check_lei(lei)).get(check_lei(lei))
    if record is None:
        raise ValidationError(f"{lei} has published no corporate information")
    shown = _corporate_facts(record)
    if record.refused:
        shown["content"] = "(refused: not used until a new version)"
    elif own is None or key is None or own not in record.recipients:
        shown["content"] = "(not shared with you)"
    else:
        try:
            opened = corporate.open_corporate(client, record, own, key)
        except BPostError as exc:
            reason = corporate.refusal_reason(exc).name.lower()
            shown["content"] = f"({reason}: {exc}; refuse it with bpost corporate check {lei})"
        else:
            info, secret = opened.info, opened.confidential
            shown |= {
                "registered_address": info.registered_address,
                "aml_status": info.aml_status.name.lower(),
                "next_review_date": info.next_review_date,
                "fatca_status": info.fatca_status.name.lower(),
                "giin": info.giin,
                "crs_status": info.crs_status.name.lower(),
                "lei_renewal_date": info.lei_renewal_date,
                "kyc_documents": len(info.kyc_document_hashes),
                "aml_review_details": secret.aml_review_details,
                "kyc_references": "; ".join(secret.kyc_references),
                "warnings": "; ".join(corporate.warnings(opened, _day(today))) or "none",
            }
    emit(ctx, shown)


@corporate_group.command("check")
@click.argument("lei")
@click.option("--no-refuse", is_flag=True, help="Report only; send no refusal.")
@pass_context
def corporate_check(ctx: Context, lei: str, no_refuse: bool) -> None:
    """Open LEI's latest corporate information as the signer's institution (one of its
    recipients) and check it; refuse it on chain when it cannot be opened or is invalid."""
    from bpost_client.registry import corporate

    client, own, key = _reader(ctx)
    if own is None or key is None:
        raise ValidationError("the signer acts for no institution: nothing is sealed to it")
    found = corporate.check_corporate(client, check_lei(lei), own, key, refuse=not no_refuse)
    emit(
        ctx,
        {
            **_corporate_facts(found.record),
            "valid": found.opened is not None,
            "problem": found.problem or "none",
            "refusal_sent": found.refused,
        },
    )


@corporate_group.command("export")
@click.argument("target", type=TARGET)
@pass_context
def corporate_export(ctx: Context, target: str) -> None:
    """Write every institution's latest corporate information to TARGET (.csv, .xlsx or -)."""
    from bpost_client.registry import corporate_files

    client, _, key = _reader(ctx)
    write_frame(corporate_files.export_corporate(client, key), target, ctx)
