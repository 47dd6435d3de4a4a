"""`bpost keys show|accept`: the counterparties' encryption keys this client seals to."""

from __future__ import annotations

from typing import Any

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.identifiers import check_lei

__all__ = ["keys"]


def _origin(client: Any, lei: str) -> dict[str, Any]:
    from bpost_client.platform import keys as custody

    origin = custody.key_origin(client, lei)
    pinned = custody.default_pins().pinned(client.chain_id, lei)
    return {
        "lei": lei,
        "encryption_key": "0x" + origin.key.hex(),
        "set_by": origin.event,
        "signed_by_institution": origin.signed_by_institution,
        "signer": origin.signer,
        "block": origin.block,
        "transaction": origin.transaction,
        "reason": origin.reason or None,
        "pinned": None if pinned is None else "0x" + pinned.hex(),
        "pins": str(custody.default_pins().path or "memory"),
    }


@click.group()
def keys() -> None:
    """The encryption keys this client seals to: pinned per institution ($BPOST_KEY_PINS, or
    --key-pins), followed when the institution rotates its own key, refused after a recovery
    by governance until accepted here."""


@keys.command()
@click.argument("lei")
@pass_context
def show(ctx: Context, lei: str) -> None:
    """LEI's current key, the event that set it (and who signed it), and the key pinned."""
    emit(ctx, _origin(ctx.client(), check_lei(lei)))


@keys.command()
@click.argument("lei")
@pass_context
def accept(ctx: Context, lei: str) -> None:
    """Pin LEI's current key, e.g. one a recovery by governance set, once a person has
    confirmed it with the institution out of band."""
    from bpost_client.platform import keys as custody

    client = ctx.client()
    shown = _origin(client, check_lei(lei))
    custody.default_pins().accept(client.chain_id, lei, custody.key_origin(client, lei).key)
    emit(ctx, {**shown, "pinned": shown["encryption_key"]})
