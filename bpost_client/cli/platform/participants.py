"""`bpost participants add|list|show|history|suspend|reinstate`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_address, check_lei
from bpost_client.types import InstitutionType

__all__ = ["participants"]

TYPE_NAMES = [t.label for t in InstitutionType if t is not InstitutionType.NONE]


@click.group()
def participants() -> None:
    """Institutions taking part in B-POST."""


@participants.command("add")
@click.option("--lei", required=True, help="ISO 17442 LEI (check digits verified).")
@click.option("--name", "legal_name", required=True, help="Legal name.")
@click.option("--type", "kind", required=True, type=click.Choice(TYPE_NAMES))
@click.option("--encryption-key", required=True, help="Compressed secp256k1 public key, 0x-hex.")
@click.option("--operator", "operators", multiple=True, help="Operator address (repeatable).")
@pass_context
def add(
    ctx: Context,
    lei: str,
    legal_name: str,
    kind: str,
    encryption_key: str,
    operators: tuple[str, ...],
) -> None:
    """Admit an institution (needs OPERATOR_ROLE)."""
    from bpost_client.platform import participants as registry

    try:
        spec = registry.InstitutionSpec(
            lei=check_lei(lei),
            legal_name=legal_name,
            kind=InstitutionType.parse(kind),
            encryption_key=registry.check_encryption_key(encryption_key),
            operators=tuple(check_address(o) for o in operators),
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    client = ctx.client(signing=True)
    receipt = registry.register_institution(client, spec)
    emit(ctx, {"registered": spec.lei, "block": receipt["blockNumber"]})


@participants.command("list")
@pass_context
def list_(ctx: Context) -> None:
    """Every institution with its type, status and operators; on a local development chain,
    the --dev-account number that signs for it."""
    import pandas as pd

    from bpost_client.platform import participants as registry
    from bpost_client.platform.signers import DEV_CHAIN_IDS, dev_account_index

    client = ctx.client()
    frame = registry.institutions_frame(client)
    if client.chain_id in DEV_CHAIN_IDS:
        numbers = [
            next((n for a in ops if (n := dev_account_index(a)) is not None), None)
            for ops in frame["operators"]
        ]
        shown = numbers if ctx.as_json else ["" if n is None else str(n) for n in numbers]
        frame["dev_account"] = pd.Series(shown, index=frame.index, dtype=object)
    if not ctx.as_json:
        frame = frame.drop(columns=["encryption_key"])
        frame["operators"] = [", ".join(ops) for ops in frame["operators"]]
    emit(ctx, frame)


@participants.command()
@click.argument("lei")
@pass_context
def show(ctx: Context, lei: str) -> None:
    """One institution."""
    from bpost_client.platform import participants as registry

    institution = registry.get_institution(ctx.client(), check_lei(lei))
    record = asdict(institution)
    record["kind"] = institution.kind.label
    record["status"] = institution.status.name.lower()
    record["operators"] = list(institution.operators)
    for when in ("registered_at", "updated_at"):  # block timestamps, UTC
        record[when] = datetime.fromtimestamp(record[when], UTC).isoformat()
    emit(ctx, record)


@participants.command()
@click.argument("lei", required=False)
@pass_context
def history(ctx: Context, lei: str | None) -> None:
    """Every change to institutions (or to one) since the deployment, from events."""
    from bpost_client.platform import participants as registry

    frame = registry.history(ctx.client(), check_lei(lei) if lei else None)
    columns = [
        c
        for c in ("block", "time", "event", "lei", "legal_name", "account", "reason")
        if c in frame
    ]
    emit(ctx, frame if ctx.as_json else frame[columns])


@participants.command()
@click.argument("lei")
@click.option("--reason", required=True, help="Why, for the audit trail.")
@pass_context
def suspend(ctx: Context, lei: str, reason: str) -> None:
    """Suspend an institution (needs OPERATOR_ROLE)."""
    from bpost_client.platform import participants as registry

    receipt = registry.suspend_institution(ctx.client(signing=True), check_lei(lei), reason)
    emit(ctx, {"suspended": lei, "block": receipt["blockNumber"]})


@participants.command()
@click.argument("lei")
@pass_context
def reinstate(ctx: Context, lei: str) -> None:
    """Reinstate a suspended institution (needs OPERATOR_ROLE)."""
    from bpost_client.platform import participants as registry

    receipt = registry.reinstate_institution(ctx.client(signing=True), check_lei(lei))
    emit(ctx, {"reinstated": lei, "block": receipt["blockNumber"]})
