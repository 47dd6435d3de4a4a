"""`bpost codes namespaces|show|open|linker|unlink`: the code namespaces with their owners, one
code's record, and the operator's side (open a namespace, name its linkers, free a squatted
code with a reason)."""

from __future__ import annotations

import click

from bpost_client.cli._context import Context, emit, pass_context

__all__ = ["codes"]

LINKER_HELP = (
    "A linker as ACCOUNT:KIND:TYPE[+TYPE...]: a deployed contract's name (FundRegistry) or an "
    "address, the kind of record it links (fund, security, institution; none to remove it) and "
    "the institution types it links for, e.g. FundRegistry:fund:asset_manager."
)


@click.group()
def codes() -> None:
    """Code namespaces, their linkers, and codes: look up, open, unlink (the operator)."""


@codes.command()
@pass_context
def namespaces(ctx: Context) -> None:
    """Every namespace: permanent or not, whose own it is, and who links in it, for which
    kind of record and institution types."""
    from bpost_client.platform import codes as registry

    client = ctx.client()
    names = {str(r.address).lower(): name for name, r in client.manifest.contracts.items()}
    rows = [
        {
            "namespace": ns.name,
            "permanent": ns.permanent,
            "owner": ns.owner or None,
            "linkers": [linker.describe(names) for linker in ns.linkers],
            "description": ns.description,
        }
        for ns in registry.namespaces(client)
    ]
    if ctx.as_json:
        emit(ctx, rows)
        return
    import pandas as pd

    frame = pd.DataFrame(
        rows, columns=["namespace", "permanent", "owner", "linkers", "description"]
    )
    frame["owner"] = frame["owner"].fillna("")
    frame["linkers"] = [", ".join(found) or "(none)" for found in frame["linkers"]]
    emit(ctx, frame)


@codes.command()
@click.argument("namespace")
@click.argument("value")
@pass_context
def show(ctx: Context, namespace: str, value: str) -> None:
    """The record a code points to now, and every link and unlink of it (whom it was linked
    for; who freed it, and why)."""
    from bpost_client.platform import codes as registry

    client = ctx.client()
    namespace = registry.open_namespace(client, namespace)
    target = registry.resolve_code(client, namespace, value)
    history = registry.code_history(client, namespace, value)
    found = {
        "namespace": namespace,
        "value": value,
        "points_to": None if target is None else registry.describe_target(target),
    }
    if ctx.as_json:
        emit(ctx, {**found, "history": history})
        return
    emit(ctx, found)
    for change in history:  # one line a change
        if change["event"] == "CodeLinked":
            what = f"{change['kind']} {change['record']} linked for {change['institution']}"
        else:
            what = f"unlinked by {change['by']}: {change['reason']}"
        click.echo(f"  block {change['block']}: {what}")


@codes.command("open")
@click.argument("namespace")
@click.option("--description", default="", help="What its codes are, for people.")
@click.option("--permanent", is_flag=True, help="Its codes are never freed (one contract linker).")
@click.option("--linker", "linkers", multiple=True, help=LINKER_HELP + " Repeatable.")
@pass_context
def open_(
    ctx: Context, namespace: str, description: str, permanent: bool, linkers: tuple[str, ...]
) -> None:
    """Open a namespace with its linkers (needs OPERATOR_ROLE)."""
    from bpost_client.platform import codes as registry

    client = ctx.client(signing=True)
    named = [registry.parse_linker(client, text) for text in linkers]
    receipt = registry.register_namespace(
        client, namespace, permanent=permanent, description=description, linkers=named
    )
    emit(
        ctx,
        {
            "namespace": namespace,
            "permanent": permanent,
            "linkers": [linker.describe() for linker in named],
            "block": receipt["blockNumber"],
        },
    )


@codes.command()
@click.argument("namespace")
@click.argument("linker")
@pass_context
def linker(ctx: Context, namespace: str, linker: str) -> None:
    """Name, change or remove (KIND none) a LINKER of a namespace that is not permanent (needs
    OPERATOR_ROLE). LINKER is ACCOUNT:KIND:TYPE[+TYPE...], e.g. FundRegistry:fund:asset_manager."""
    from bpost_client.platform import codes as registry

    client = ctx.client(signing=True)
    setting = registry.parse_linker(client, linker)
    receipt = registry.set_linker(client, namespace, setting)
    emit(
        ctx, {"namespace": namespace, "linker": setting.describe(), "block": receipt["blockNumber"]}
    )


@codes.command()
@click.argument("namespace")
@click.argument("value")
@click.option("--reason", required=True, help="Why (a squatted code, a mistake), for the record.")
@pass_context
def unlink(ctx: Context, namespace: str, value: str, reason: str) -> None:
    """Free a code, not in a permanent namespace, the reason on the record (needs OPERATOR_ROLE,
    until governance): undoes a squatted code, which its rightful record then links."""
    from bpost_client.platform import codes as registry

    client = ctx.client(signing=True)
    namespace = registry.open_namespace(client, namespace)
    target = registry.resolve_code(client, namespace, value)
    receipt = registry.unlink_code(client, namespace, value, reason)
    emit(
        ctx,
        {
            "namespace": namespace,
            "value": value,
            "unlinked_from": None if target is None else registry.describe_target(target),
            "reason": reason,
            "block": receipt["blockNumber"],
        },
    )
