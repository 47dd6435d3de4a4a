"""`bpost participants add|sign-admission|set-key|consent|add-operator|remove-operator|list|show|
history|suspend|reinstate`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

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


def _spec(lei: str, legal_name: str, kind: str, encryption_key: str, operator: str) -> Any:
    from bpost_client.platform import participants as registry

    try:
        return registry.InstitutionSpec(
            lei=check_lei(lei),
            legal_name=legal_name,
            kind=InstitutionType.parse(kind),
            encryption_key=registry.check_encryption_key(encryption_key),
            operators=(check_address(operator),),
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _signature(text: str) -> bytes:
    try:
        raw = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raw = b""
    if len(raw) != 65:
        raise ValidationError("--admission-signature takes 65 bytes of 0x-hex")
    return raw


@participants.command("add")
@click.option("--lei", required=True, help="ISO 17442 LEI (check digits verified).")
@click.option("--name", "legal_name", required=True, help="Legal name.")
@click.option("--type", "kind", required=True, type=click.Choice(TYPE_NAMES))
@click.option("--encryption-key", required=True, help="Compressed secp256k1 public key, 0x-hex.")
@click.option("--operator", required=True, help="The institution's first operator address.")
@click.option(
    "--admission-signature",
    default=None,
    help="The operator's signature of the admission (bpost participants "
    "sign-admission); on a development chain a dev account signs when omitted.",
)
@click.option(
    "--propose",
    is_flag=True,
    help="Submit the admission as a governance proposal (as a member) instead.",
)
@pass_context
def add(
    ctx: Context,
    lei: str,
    legal_name: str,
    kind: str,
    encryption_key: str,
    operator: str,
    admission_signature: str | None,
    propose: bool,
) -> None:
    """Admit an institution with its signed first operator and key (OPERATOR_ROLE: the
    consortium's timelock, so on a consortium chain use --propose)."""
    from bpost_client.platform import governance
    from bpost_client.platform import participants as registry

    spec = _spec(lei, legal_name, kind, encryption_key, operator)
    client = ctx.client(signing=True)
    first = spec.operators[0]
    if admission_signature is not None:
        admission = registry.Admission(first, _signature(admission_signature))
    else:
        held = {a.address: a for a in ctx.dev_accounts(client.chain_id)}
        if first not in held:
            raise ValidationError(
                f"{first} must sign the admission: run 'bpost participants sign-admission' with "
                "its key and pass --admission-signature"
            )
        admission = registry.admission_of(client, held[first], spec)
    if propose:
        call = registry.register_institution_call(spec, admission, client)
        proposal, receipt = governance.propose_calls(client, [call], f"admit {spec.lei}")
        emit(ctx, {"proposed": "0x" + proposal.hex(), "block": receipt["blockNumber"]})
        return
    receipt = registry.register_institution(client, spec, admission)
    emit(ctx, {"registered": spec.lei, "block": receipt["blockNumber"]})


@participants.command("sign-admission")
@click.option("--lei", required=True, help="ISO 17442 LEI of the institution to admit.")
@click.option("--type", "kind", required=True, type=click.Choice(TYPE_NAMES))
@click.option("--encryption-key", required=True, help="Compressed secp256k1 public key, 0x-hex.")
@pass_context
def sign_admission(ctx: Context, lei: str, kind: str, encryption_key: str) -> None:
    """Sign the institution's admission with the signer's key (its first operator address): the
    signature the consortium admits it with."""
    from bpost_client.platform import participants as registry

    client = ctx.client(signing=True)
    spec = _spec(lei, "-", kind, encryption_key, client.address)
    assert client.account is not None  # signing=True
    admission = registry.admission_of(client, client.account, spec)
    emit(ctx, {"lei": spec.lei, "operator": admission.operator,
               "admission_signature": "0x" + admission.signature.hex()})  # fmt: skip


@participants.command("set-key")
@click.argument("lei")
@click.option("--encryption-key", required=True, help="The new compressed public key, 0x-hex.")
@pass_context
def set_key(ctx: Context, lei: str, encryption_key: str) -> None:
    """Rotate the signer's own institution's encryption key, signed by the signer (EIP-712)."""
    from bpost_client.platform import participants as registry

    try:
        key = registry.check_encryption_key(encryption_key)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    receipt = registry.set_encryption_key(ctx.client(signing=True), check_lei(lei), key)
    emit(ctx, {"lei": lei, "encryption_key": "0x" + key.hex(), "block": receipt["blockNumber"]})


@participants.command()
@click.argument("lei")
@pass_context
def consent(ctx: Context, lei: str) -> None:
    """Sign the signer's consent to act for institution LEI (the new address signs; one of the
    institution's operators sends it with add-operator)."""
    from bpost_client.platform import participants as registry

    client = ctx.client(signing=True)
    assert client.account is not None  # signing=True
    signature = registry.operator_consent(client, client.account, check_lei(lei))
    emit(ctx, {"lei": lei, "account": client.address, "consent": "0x" + signature.hex()})


@participants.command("add-operator")
@click.argument("lei")
@click.argument("account")
@click.option("--consent", "consent_hex", required=True, help="ACCOUNT's consent (0x-hex).")
@pass_context
def add_operator(ctx: Context, lei: str, account: str, consent_hex: str) -> None:
    """Bind ACCOUNT to the signer's own institution LEI, with ACCOUNT's consent."""
    from bpost_client.platform import participants as registry

    try:
        signature = bytes.fromhex(consent_hex.removeprefix("0x"))
    except ValueError as exc:
        raise ValidationError("--consent takes 0x-hex") from exc
    client = ctx.client(signing=True)
    receipt = registry.add_operator(client, check_lei(lei), check_address(account), signature)
    emit(ctx, {"lei": lei, "added": account, "block": receipt["blockNumber"]})


@participants.command("remove-operator")
@click.argument("lei")
@click.argument("account")
@pass_context
def remove_operator(ctx: Context, lei: str, account: str) -> None:
    """Unbind ACCOUNT from the signer's own institution LEI (its last address stays)."""
    from bpost_client.platform import participants as registry

    client = ctx.client(signing=True)
    receipt = registry.remove_operator(client, check_lei(lei), check_address(account))
    emit(ctx, {"lei": lei, "removed": account, "block": receipt["blockNumber"]})


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
    if client.chain_id in DEV_CHAIN_IDS and ctx.dev_accounts_refused is None:
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
