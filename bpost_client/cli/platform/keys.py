"""`bpost keys show|accept|rewrap`: the counterparties' encryption keys this client seals to, and
the signer's own institution's data keys re-wrapped after it rotated its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bpost_client.cli._context import Context, emit, pass_context
from bpost_client.exceptions import ValidationError
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


def _key(
    ctx: Context, keystore: Path | None, dev_index: int | None, chain_id: int, which: str
) -> bytes | None:
    """The private key ``--{which}-keystore`` or ``--{which}-dev-account`` names, if one does."""
    from bpost_client.platform.signers import from_keystore

    if keystore is not None and dev_index is not None:
        raise ValidationError(f"give --{which}-keystore or --{which}-dev-account, not both")
    if keystore is not None:
        return bytes(from_keystore(keystore).key)
    if dev_index is not None:
        return bytes(ctx.dev_account(dev_index, chain_id).key)
    return None


@keys.command()
@click.argument("lei")
@click.option(
    "--old-keystore",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keystore of the key LEI held before its rotation (passphrase: "
    "$BPOST_KEYSTORE_PASSPHRASE or a prompt).",
)
@click.option("--old-dev-account", type=int, help="The old key is this dev account's.")
@click.option(
    "--new-keystore",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keystore of LEI's current key (default: the signer's own key).",
)
@click.option("--new-dev-account", type=int, help="LEI's current key is this dev account's.")
@click.option("--from-block", type=int, help="Look for sealed payloads from this block.")
@pass_context
def rewrap(
    ctx: Context,
    lei: str,
    old_keystore: Path | None,
    old_dev_account: int | None,
    new_keystore: Path | None,
    new_dev_account: int | None,
    from_block: int | None,
) -> None:
    """After LEI rotated its key (participants set-key), wrap the data key of every payload
    sealed to its old key again to the current one, sent by the signer (an operator of LEI):
    old records stay readable. A second run sends nothing; a payload the old key does not
    open is listed."""
    from dataclasses import asdict

    from bpost_client.platform import rewrap as rewraps

    client = ctx.client(signing=True)
    assert client.account is not None  # signing=True
    old = _key(ctx, old_keystore, old_dev_account, client.chain_id, "old")
    if old is None:
        raise ValidationError("give the key held before the rotation: --old-keystore or "
                              "--old-dev-account")  # fmt: skip
    new = _key(ctx, new_keystore, new_dev_account, client.chain_id, "new")
    new = new or bytes(client.account.key)
    report = rewraps.rewrap_data_keys(client, check_lei(lei), old, new, from_block)
    emit(ctx, {**asdict(report), "unopenable": list(report.unopenable),
               "transactions": list(report.transactions)})  # fmt: skip
