"""`bpost mandates grant|revoke|list`: an institution acting for another only under its mandate."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import click

from bpost_client.cli._context import Context, emit, parse_date, pass_context
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_lei
from bpost_client.types import MandateScope

__all__ = ["mandates"]

SCOPES = [s.label for s in MandateScope if s is not MandateScope.NONE]


def _day(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(f"{option}: {exc}") from exc


def _shown(mandate: Any) -> dict[str, Any]:
    shown = asdict(mandate)
    shown["scope"] = mandate.scope.label
    return shown


@click.group()
def mandates() -> None:
    """Mandates: an institution acting for another only under a mandate the other granted.

    A lending agent acts for a lender (scope lending-agent), a delegate publishes a fund's data
    for its asset manager (distribution-delegate)."""


@mandates.command("grant")
@click.argument("agent")
@click.option("--scope", required=True, type=click.Choice(SCOPES), help="What AGENT may do.")
@click.option(
    "--subject",
    default="",
    help="What for: a borrower's LEI (lending-agent), a platform fund code "
    "(distribution-delegate); left out: every one.",
)
@click.option("--from", "valid_from", metavar="YYYY-MM-DD", help="First day (default: today).")
@click.option("--until", "valid_until", metavar="YYYY-MM-DD", help="Last day (default: none).")
@pass_context
def grant(
    ctx: Context,
    agent: str,
    scope: str,
    subject: str,
    valid_from: str | None,
    valid_until: str | None,
) -> None:
    """Grant AGENT (a LEI) a mandate of the signer's institution; granting it again replaces
    its dates."""
    from bpost_client.platform import mandates as registry

    chosen = MandateScope.parse(scope)
    try:
        who = check_lei(agent)
        registry.subject_bytes(chosen, subject)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    granted = registry.grant_mandate(
        ctx.client(signing=True),
        who,
        chosen,
        subject,
        valid_from=_day("--from", valid_from),
        valid_until=_day("--until", valid_until),
    )
    emit(ctx, _shown(granted))


@mandates.command("revoke")
@click.argument("mandate_id")
@pass_context
def revoke(ctx: Context, mandate_id: str) -> None:
    """Revoke MANDATE_ID (0x-hex), a mandate the signer's institution granted."""
    from bpost_client.platform import mandates as registry

    client = ctx.client(signing=True)
    try:
        registry.revoke_mandate(client, mandate_id)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    emit(ctx, _shown(registry.get_mandate(client, mandate_id)))


@mandates.command("list")
@click.option("--lei", help="Only the mandates this institution granted or holds.")
@pass_context
def list_(ctx: Context, lei: str | None) -> None:
    """Every mandate on chain (or an institution's), as its events leave it."""
    import pandas as pd

    from bpost_client.platform import mandates as registry

    try:
        who = check_lei(lei) if lei else None
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    found = registry.mandates_of(ctx.client(), who)
    columns = [
        "mandate_id", "principal", "agent", "scope", "subject", "valid_from", "valid_until",
        "revoked",
    ]  # fmt: skip
    emit(ctx, pd.DataFrame([_shown(m) for m in found], columns=columns))
