"""`bpost lending ...`: use case 3, securities lending. `calc` needs no chain: every input is a
file (the agreements, their positions, the closes, the dividends). `agreements`, `movements
record|confirm` and `statement ...` work on the chain."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bpost_client.cli._context import Context, emit, parse_date, pass_context
from bpost_client.exceptions import ValidationError
from bpost_client.lending.limits import MAX_PRICE_AGE_DAYS

if TYPE_CHECKING:
    from bpost_client.client import Client
    from bpost_client.lending.agreements import AgreementRef
    from bpost_client.types import Lei

__all__ = ["lending_group"]

_FILE = click.Path(dir_okay=False, path_type=Path)


def _day(option: str, text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(f"{option}: {exc}") from exc


@click.group("lending")
def lending_group() -> None:
    """Use case 3: securities lending."""


@lending_group.command("calc")
@click.option("--agreements", type=_FILE, required=True, help="Agreement terms (CSV).")
@click.option("--positions", type=_FILE, required=True, help="Quantity and cash collateral.")
@click.option("--prices", type=_FILE, required=True, help="Closes on business days (CSV).")
@click.option("--dividends", type=_FILE, help="Dividends by record date (CSV).")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day (inclusive).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    required=True,
    help="Result CSV, one row per agreement (- for standard output).",
)
@click.option(
    "--max-price-age",
    type=click.IntRange(min=0),
    default=MAX_PRICE_AGE_DAYS,
    show_default=True,
    metavar="DAYS",
    help="Most calendar days a close may be older than the day it marks (the PriceFeed and "
    "the LendingCalculator hold to the default).",
)
@pass_context
def lending_calc(
    ctx: Context,
    agreements: Path,
    positions: Path,
    prices: Path,
    dividends: Path | None,
    start: str,
    end: str,
    out: Path,
    max_price_age: int,
) -> None:
    """Lending fee, collateral interest, dividend equivalent and net of every agreement over the
    calendar days --from to --to, exactly, with no chain.

    Every file is checked first: a bad value, a day that accrues without a mark price or with
    only a close more than --max-price-age days older stops the run, each is reported with its
    file, row and column, and OUT is not written.
    """
    from bpost_client.lending import files
    from bpost_client.lending.results import RESULT_COLUMNS

    first, last = _day("--from", start), _day("--to", end)
    if last < first:
        raise ValidationError(f"--to {last} is before --from {first}")
    result = files.calculate_files(
        agreements, positions, prices, dividends, first, last, max_price_age
    )
    if str(out) == "-":
        if ctx.as_json:
            emit(ctx, result[list(RESULT_COLUMNS)])
        else:
            click.echo(files.result_csv(result), nl=False)
        return
    files.write_result(result, out)
    emit(ctx, {"file": str(out), "agreements": len(result)})


def _party(ctx: Context) -> tuple[Client, Lei, bytes]:
    """A signing client, the signer's institution and its key (which opens what is sealed to
    the institution): a key ring, with the data keys re-wrapped to it since a key rotation."""
    from bpost_client.platform.participants import signer_institution
    from bpost_client.platform.rewrap import key_ring

    client = ctx.client(signing=True)
    if client.account is None:
        raise ValidationError("name the signer with --keystore or --dev-account")
    lei = signer_institution(client, "open agreements")
    return client, lei, key_ring(client, lei, bytes(client.account.key))


def _agreement(client: Client, lei: Lei, key: bytes, text: str) -> AgreementRef:
    """The agreement of the signer's institution named by its reference or its id (0x-hex)."""
    from bpost_client.lending import agreements

    if text.startswith("0x"):
        found = [a for a in agreements.agreements_of(client, lei, key) if a.agreement_id == text]
        match = found[0] if found else None
    else:
        match = agreements.find_agreement(client, text, lei, key)
    if match is None:
        raise ValidationError(f"{lei} is a party of no agreement {text}")
    return match


@lending_group.command("agreements")
@pass_context
def lending_agreements(ctx: Context) -> None:
    """The agreements the signer's institution is a party of, each with its reference (sealed
    to the parties) and its id on chain, the reference checked against the id."""
    import pandas as pd

    from bpost_client.lending import agreements

    client, lei, key = _party(ctx)
    rows = []
    for found in agreements.agreements_of(client, lei, key):
        lender, borrower, *agent = agreements.parties_of(client, found.agreement_id)
        rows.append(
            {
                "reference": found.reference,
                "agreement": found.agreement_id,
                "lender": lender,
                "borrower": borrower,
                "agent": agent[0] if agent else "",
                "proposer": found.proposer,
            }
        )
    columns = ["reference", "agreement", "lender", "borrower", "agent", "proposer"]
    emit(ctx, pd.DataFrame(rows, columns=columns))


@lending_group.group("movements")
def movements_group() -> None:
    """Loan movements: recorded by the lender or its agent, confirmed by the borrower."""


@movements_group.command("record")
@click.argument("agreement")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def movements_record(ctx: Context, agreement: str, file: Path) -> None:
    """Record AGREEMENT's whole movement history from FILE (agreement_id, date, kind, quantity,
    collateral; signed changes) as a new version, sealed to the agreement's parties. AGREEMENT
    is its reference (the agreement_id of the file) or its id on chain (0x-hex).

    The file is checked first (every bad cell with its row, column and reason; a movement of
    another agreement, or one taking the position below zero, is refused) and nothing is sent
    when it is bad.
    """
    from bpost_client.lending import agreements, files

    movements = files.read_movements(file)
    client, lei, key = _party(ctx)
    found = _agreement(client, lei, key, agreement)
    others = sorted({m.agreement_id for m in movements} - {found.reference})
    if others:
        raise ValidationError(f"{file.name}: movements of other agreements ({', '.join(others)})")
    receipt = agreements.record_movements(client, found, movements)
    emit(
        ctx,
        {
            "agreement": found.agreement_id,
            "reference": found.reference,
            "movements": len(movements),
            "block": receipt["blockNumber"],
        },
    )


@movements_group.command("confirm")
@click.argument("agreement")
@click.argument("version", type=click.IntRange(min=1))
@pass_context
def movements_confirm(ctx: Context, agreement: str, version: int) -> None:
    """Confirm VERSION of AGREEMENT's movements (the borrower); AGREEMENT is its reference or
    its id on chain (0x-hex)."""
    from bpost_client.lending import agreements

    client, lei, key = _party(ctx)
    found = _agreement(client, lei, key, agreement)
    receipt = agreements.confirm_movements(client, found.agreement_id, version)
    emit(
        ctx,
        {
            "agreement": found.agreement_id,
            "reference": found.reference,
            "confirmed": version,
            "block": receipt["blockNumber"],
        },
    )


@lending_group.group("statement")
def statement_group() -> None:
    """Billing statements: where one stands, who did what, the overdue flag."""


def _statement_id(text: str) -> str:
    raw = text.removeprefix("0x")
    if len(raw) != 64 or any(c not in "0123456789abcdefABCDEF" for c in raw):
        raise ValidationError(f"statement id {text!r} is not 32 bytes of hex")
    return "0x" + raw.lower()


def _opened_amounts(client: Client, found: Any) -> dict[str, int]:
    """The platform's amounts, opened when the signer's institution is a party (the chain holds
    only their commitment); nothing otherwise."""
    from bpost_client.exceptions import BPostError
    from bpost_client.lending import statements
    from bpost_client.platform.participants import signer_institution
    from bpost_client.platform.rewrap import key_ring

    if client.account is None:
        return {}
    try:
        lei = signer_institution(client, "open a statement")
    except BPostError:  # the signer operates for no institution: it opens nothing
        return {}
    if lei not in found.parties.values():
        return {}
    ring = key_ring(client, lei, bytes(client.account.key))
    amounts = statements.open_statement(client, found.statement_id, lei, ring).amounts
    return {
        "fee": amounts.fee,
        "collateral_interest": amounts.collateral_interest,
        "dividend_equivalent": amounts.dividend_equivalent,
        "net": amounts.net,
    }


@statement_group.command("show")
@click.argument("statement_id")
@click.option("--history", is_flag=True, help="Also list who did what, in chain order.")
@pass_context
def statement_show(ctx: Context, statement_id: str, history: bool) -> None:
    """STATEMENT_ID's status, parties, period, amounts (minor units, opened for a party) and
    overdue date; with --history, who did what too."""
    from bpost_client.lending import statements

    client = ctx.client(signing=True)
    found = statements.get_statement(client, _statement_id(statement_id))
    shown: dict[str, Any] = {
        "statement": found.statement_id,
        "status": found.status.name.lower(),
        "unit": found.unit.value,
        "key": statements.unit_key_text(found.unit, found.unit_key),
        "lender": found.lender,
        "borrower": found.borrower,
        "agent": found.agent,
        "closer": found.closer,
        "start": found.start,
        "end": found.end,
        "currency": found.currency,
        "amounts_commitment": "0x" + found.platform.hex(),
        "agreed": sorted(r.name.lower() for r in found.agreed),
        "disputed": sorted(r.name.lower() for r in found.disputed),
        "overdue_after": found.overdue_after,
        "overdue": statements.is_overdue(client, found.statement_id),
        "flagged_overdue": found.overdue,
    }
    shown.update(_opened_amounts(client, found))
    if not history:
        emit(ctx, shown)
        return
    steps = statements.statement_history(client, found.statement_id)
    if ctx.as_json:
        emit(ctx, {**shown, "history": steps.to_dict(orient="records")})
        return
    emit(ctx, shown)
    click.echo()
    emit(ctx, steps)


@statement_group.command("list")
@click.option("--lei", help="Only the statements of this institution (lender, borrower or agent).")
@pass_context
def statement_list(ctx: Context, lei: str | None) -> None:
    """Every statement on chain, or an institution's, with its period and status now."""
    from bpost_client.lending import statements

    emit(ctx, statements.statement_list(ctx.client(), lei))


@statement_group.command("flag-overdue")
@click.argument("statement_id")
@pass_context
def statement_flag_overdue(ctx: Context, statement_id: str) -> None:
    """Flag STATEMENT_ID overdue: a break still unresolved after its overdue date."""
    from bpost_client.lending import statements

    receipt = statements.flag_overdue(ctx.client(signing=True), _statement_id(statement_id))
    emit(ctx, {"statement": statement_id, "flagged": True, "block": receipt["blockNumber"]})


@statement_group.command("withdraw")
@click.argument("statement_id")
@pass_context
def statement_withdraw(ctx: Context, statement_id: str) -> None:
    """Withdraw STATEMENT_ID, an open statement the signer's institution committed; its period
    can then be committed anew."""
    from bpost_client.lending import statements

    client = ctx.client(signing=True)
    found = _statement_id(statement_id)
    statements.withdraw_statement(client, found)
    status = statements.get_statement(client, found).status
    emit(ctx, {"statement": statement_id, "status": status.name.lower()})


@statement_group.command("void")
@click.argument("statement_id")
@pass_context
def statement_void(ctx: Context, statement_id: str) -> None:
    """Approve voiding STATEMENT_ID for the signer's institution; it is voided once every party
    (lender, borrower, agent) approved."""
    from bpost_client.lending import statements

    client = ctx.client(signing=True)
    found = _statement_id(statement_id)
    statements.approve_void(client, found)
    status = statements.get_statement(client, found).status
    emit(ctx, {"statement": statement_id, "status": status.name.lower()})
