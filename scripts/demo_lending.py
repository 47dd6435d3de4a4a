"""`ape run demo_lending`: use case 3 from agreement to settlement, idempotent.

Fuji Trust Bank grants Nihonbashi Lending Agent a lending-agent mandate for its loans to Minato
Securities; under it Nihonbashi registers Fuji's loans to Minato (terms sealed to the three of
them, with each agreement's reference and the salt of its id; a rate change as a new version with
its effective date), records the loan movements and Minato, which finds each agreement by its
reference and checks it against the id, confirms them. Kanda Bank's own loan to Minato is
registered by Kanda. At
the end of September the agent closes the period: it commits each agreement's figures as
commitments under the statement's salt, with the salted hash of the per-day detail, and seals the
salt and the amounts to the parties (no member reads an amount on chain). Fuji and Minato
recompute them from the agreed inputs and compare them with their own books: SBL-2026-001 is
matched; Minato's system rounds SBL-2026-002 differently, so it submits its own figures and the
statement is a break, which the agent's client explains. The parties comment and resolve it;
the settlement instructions (CSV and ISO 20022 pain.001) come out of the agreed figures with the
parties' SSIs, and the statements are marked settled.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pandas as pd
from ape.cli import ConnectedProviderCommand

from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError
from bpost_client.lending import Agreement, pairs
from bpost_client.lending import agreements as lending
from bpost_client.lending import statements as st
from bpost_client.lending.billing import (
    close_period,
    explain_statement,
    review_statement,
    settlement_accounts,
    settlement_files,
    settlement_items,
)
from bpost_client.lending.files import read_inputs, read_movements
from bpost_client.lending.matching import MatchUnit
from bpost_client.lending.period import Book
from bpost_client.lending.settlement import net_instructions, statement_references
from bpost_client.platform.mandates import grant_mandate, is_mandated
from bpost_client.platform.participants import clients_by_institution
from bpost_client.platform.signers import dev_account
from bpost_client.reference import price_files
from bpost_client.registry.ssi_files import upload_ssis
from bpost_client.types import MandateScope

LENDING = Path("config/demo-lending")
OUT = Path(".bpost/demo")
PERIOD = (date(2026, 9, 1), date(2026, 9, 30))
SETTLEMENT_DATE = date(2026, 10, 9)
FUJI, MINATO, KANDA = "3538000FUJITRUST0138", "3538000MINATOSEC0159", "3538000KANDABANK0193"
AGENT, DATA_PROVIDER = "3538000NIHONLEND0172", "3538000KABUTODATA165"
KEYS = {FUJI: 2, MINATO: 3, KANDA: 4, AGENT: 5}
"""The dev account index of each party (its encryption key is the account's)."""
RATE_CHANGE = ("SBL-2026-001", Decimal("0.46875"), date(2026, 9, 16))
"""SBL-2026-001's fee rate falls to 0.46875% from 16 September: version 2 of its terms."""
MINATO_ROUNDING = ("SBL-2026-002", "period_truncate")
"""Minato's back office truncates SBL-2026-002's period sum; the agreement says daily."""


_OPEN = (st.StatementStatus.OPEN, st.StatementStatus.BREAK)


def _key(lei: str) -> bytes:
    return bytes(dev_account(KEYS[lei]).key)


def _agreement_id(clients: dict[str, Client], reference: str, lei: str) -> str:
    """The id on chain of the agreement ``lei`` knows by ``reference`` (its own key opens the
    sealed reference and checks it against the id)."""
    found = lending.find_agreement(clients[lei], reference, lei, _key(lei))
    if found is None:
        raise BPostError(f"{lei} is a party of no agreement {reference}")
    return found.agreement_id


def _mandate(clients: dict[str, Client]) -> None:
    """Fuji grants Nihonbashi a lending-agent mandate for its loans to Minato (once)."""
    if not is_mandated(clients[FUJI], FUJI, AGENT, MandateScope.LENDING_AGENT, MINATO):
        grant_mandate(clients[FUJI], AGENT, MandateScope.LENDING_AGENT, MINATO)
    click.echo(
        f"  {FUJI} mandates {AGENT} as its lending agent for its loans to {MINATO}: the agent's "
        "proposals bind Fuji without its consent to each version"
    )


def _register(clients: dict[str, Client], inputs: Any) -> None:
    """The agent (for Fuji, under its mandate) or the lender (Kanda) proposes, Minato finds the
    agreement by its reference and acknowledges it; the movements are recorded and confirmed;
    SBL-2026-001 gets a rate change."""
    movements = read_movements(LENDING / "movements.csv")
    borrower = clients[MINATO]
    click.echo("\nUse case 3: agreements on chain (terms and movements sealed to the parties)")
    _mandate(clients)
    for record in inputs.agreements.to_dict(orient="records"):
        fields = {str(k): v for k, v in record.items()}
        terms = Agreement(**{k: fields[k] for k in Agreement.__dataclass_fields__})
        reference = terms.agreement_id
        agent = AGENT if terms.lender == FUJI else None
        proposing = agent or terms.lender
        proposer = clients[proposing]
        own = [m for m in movements if m.agreement_id == reference]
        found = lending.find_agreement(
            proposer, reference, proposing, _key(proposing), proposer=proposing
        )
        if found is None:
            start = min(m.date for m in own)
            found = lending.propose(
                proposer, terms, effective_from=start, agent=agent, private_key=_key(proposing)
            )
            agreement_id = _agreement_id(clients, reference, MINATO)  # as Minato reads it
            lending.acknowledge(borrower, agreement_id, 1)
            if reference == RATE_CHANGE[0]:
                changed = replace(terms, fee_rate_pct=RATE_CHANGE[1])
                lending.amend(proposer, found, changed, effective_from=RATE_CHANGE[2])
                lending.acknowledge(borrower, agreement_id, 2)
            lending.record_movements(proposer, found, own)
            lending.confirm_movements(borrower, agreement_id, 1)
        by = f" (agent {agent})" if agent else ""
        click.echo(
            f"  {reference} ({found.agreement_id[:18]}...): {terms.lender} lends "
            f"{terms.security} to {terms.borrower}{by}, {len(own)} movements confirmed"
        )
    click.echo(
        f"  {RATE_CHANGE[0]}: fee rate {RATE_CHANGE[1]}% from {RATE_CHANGE[2]} (terms version 2)"
    )


def _verify(clients: dict[str, Client], inputs: Any) -> None:
    """Minato has the LendingCalculator check SBL-2026-001's first half of September against
    the commitments and the shared closes and dividends."""
    table = inputs.prices.rename(columns={"security": "isin"})
    price_files.upload_prices(clients[DATA_PROVIDER], table[["date", "isin", "close"]])
    borrower = clients[MINATO]
    agreement_id = _agreement_id(clients, "SBL-2026-001", MINATO)
    opened = lending.open_agreement(borrower, agreement_id, MINATO, _key(MINATO))
    security = inputs.prices[inputs.prices["security"] == "JP3633400001"]
    closes = [(r.date, r.close) for r in security.itertuples()]
    fee, interest, _dividend, _net, days = lending.calculate_committed(
        borrower,
        opened,
        closes,
        [],
        date(2026, 9, 1),
        date(2026, 9, 15),
        version=opened.versions[0],
    )
    click.echo(
        "  Minato opens SBL-2026-001; the LendingCalculator checks terms v1 and the movements "
        f"against their commitments: 1-15 September fee {fee}, collateral interest {interest} "
        f"JPY over {days} days"
    )


def _settings(clients: dict[str, Client]) -> None:
    current = pairs.pair_settings(clients[FUJI], FUJI, MINATO)
    if not current.accepted:
        pairs.propose_pair_settings(clients[FUJI], FUJI, MINATO, MatchUnit.AGREEMENT, agent=AGENT)
        pending = current.version + 1
        pairs.accept_pair_settings(clients[MINATO], FUJI, MINATO, pending, MINATO, _key(MINATO))
    settings = pairs.pair_settings(clients[FUJI], FUJI, MINATO)
    click.echo(
        f"\nPair settings {FUJI}/{MINATO} (proposed by Fuji, accepted by Minato): matched per "
        f"{settings.unit.value}, agent {settings.agent}, a break is overdue "
        f"{settings.overdue_business_days} {settings.market} business days after the period; "
        "the tolerance and the pair secret sealed to the three of them"
    )


def _own_book(book: Book) -> Book:
    """Minato's own books: the agreed inputs, but its system's rounding for SBL-2026-002."""
    agreements = book.agreements.copy()
    mask = agreements["agreement_id"] == MINATO_ROUNDING[0]
    agreements.loc[mask, "rounding"] = MINATO_ROUNDING[1]
    return replace(book, agreements=agreements)


def _days(days: list[date]) -> str:
    """``09-02, 09-03`` or, for many, ``29 days (09-02 ... 09-30)``."""
    shown = [d.isoformat()[5:] for d in days]
    if len(shown) > 4:
        return f"{len(shown)} days ({shown[0]} ... {shown[-1]})"
    return ", ".join(shown) or "no single day"


def _label(figures: Any) -> str:
    """A unit by the references of its agreements (an agreement unit's key on chain is the
    agreement's id, which the parties know by its reference)."""
    return ", ".join(figures.agreement_ids)


def _amounts(amounts: st.Amounts) -> str:
    return (
        f"fee {amounts.fee}, collateral interest {amounts.collateral_interest}, "
        f"dividend equivalent {amounts.dividend_equivalent}, net {amounts.net}"
    )


def _walk_through(clients: dict[str, Client]) -> None:
    inputs = read_inputs(
        LENDING / "agreements.csv",
        LENDING / "positions.csv",
        LENDING / "prices.csv",
        LENDING / "dividends.csv",
    )
    _register(clients, inputs)
    _verify(clients, inputs)
    for lei in (FUJI, MINATO):
        upload_ssis(clients[lei], LENDING / f"ssi-{lei}.csv")
    _settings(clients)

    agent = clients[AGENT]
    references = ["SBL-2026-001", "SBL-2026-002"]
    opened = {
        lei: [
            lending.open_agreement(clients[lei], _agreement_id(clients, r, lei), lei, _key(lei))
            for r in references
        ]
        for lei in (AGENT, FUJI, MINATO)
    }
    prices, dividends = inputs.prices, inputs.dividends
    start, end = PERIOD
    click.echo(f"\nNihonbashi closes {start}..{end}: the platform's figures (JPY) on chain")
    committed = close_period(
        agent, opened[AGENT], prices, dividends, start, end, SETTLEMENT_DATE, AGENT, _key(AGENT)
    )
    for found, figures in committed:
        click.echo(f"  {_label(figures)}: {_amounts(figures.amounts)}  statement {found[:18]}...")

    click.echo("\nFuji and Minato recompute them from the agreed inputs and compare their books:")
    agreed = lending.agreed_book(opened[MINATO], prices, dividends)
    books = {FUJI: agreed, MINATO: _own_book(agreed)}
    for found, figures in committed:
        for lei in (FUJI, MINATO):
            stored = st.get_statement(agent, found)
            reviewed = stored.agreed | stored.disputed
            if stored.status not in _OPEN or stored.role_of(lei) in reviewed:
                continue
            review = review_statement(
                clients[lei], found, opened[lei], prices, dividends, books[lei], lei, _key(lei)
            )
            click.echo(f"  {_label(figures)}: {lei} {review.action} its figures")
        stored = st.get_statement(agent, found)
        click.echo(f"  {_label(figures)}: {stored.status.name.lower()}")

    found, figures = next((f, u) for f, u in committed if MINATO_ROUNDING[0] in u.agreement_ids)
    click.echo(f"\nThe agent's client explains the break on {_label(figures)}:")
    for party, table in explain_statement(
        agent, found, opened[AGENT], prices, dividends, AGENT, _key(AGENT)
    ).items():
        for row in table.to_dict(orient="records"):
            days = _days(row["days"])
            click.echo(
                f"  {party}'s figures: #{row['rank']} {row['change']} ({row['outcome']} "
                f"change); the figures part on {days}"
            )
    stored = st.get_statement(agent, found)
    parties = list(stored.parties.values())
    if stored.status is st.StatementStatus.BREAK and st.is_overdue(agent, found):
        st.flag_overdue(clients[FUJI], found)  # September's break, still open in November
    if st.get_statement(agent, found).overdue:
        click.echo(
            f"  unresolved after {stored.overdue_after} (14 business days after the period): "
            "flagged overdue by Fuji"
        )
    if stored.status is st.StatementStatus.BREAK:
        st.comment(
            clients[MINATO],
            found,
            "Our system truncates the period's sum; the agreement says daily truncation. "
            "We accept the platform's figures.",
            parties,
        )
        st.propose_resolution(agent, found, st.ResolutionKind.PLATFORM)
        current = st.get_statement(agent, found).resolutions
        for lei in (FUJI, MINATO):
            st.approve_resolution(clients[lei], found, current)
    for author, text in st.comments(agent, found, AGENT, _key(AGENT)):
        click.echo(f"  comment by {author}: {text}")
    click.echo(f"  {_label(figures)} is {st.get_statement(agent, found).status.name.lower()}")
    history = st.statement_history(agent, found)
    click.echo(history.to_string(index=False))

    _settle(clients, committed, dividends)


def _settle(clients: dict[str, Client], committed: list[Any], dividends: pd.DataFrame) -> None:
    """Net instructions from the matched and resolved statements, the parties' SSIs, the files;
    Minato pays and marks the statements settled."""
    agent = clients[AGENT]
    payment_dates = {
        (str(r.security), r.record_date): r.payment_date for r in dividends.itertuples()
    }
    items = []
    for found, figures in committed:
        stored = st.get_statement(agent, found)
        salt = st.open_statement(agent, found, AGENT, _key(AGENT)).salt  # sealed to the parties
        settled = st.settled_amounts(agent, found, AGENT, _key(AGENT))
        items.extend(settlement_items(stored, figures, settled, payment_dates, salt))
    instructions = net_instructions(items)
    accounts = settlement_accounts(
        agent, [FUJI, MINATO], "JPY", SETTLEMENT_DATE, AGENT, _key(AGENT)
    )
    initiating = accounts[(MINATO, "JPY")]
    csv_text, xml = settlement_files(
        instructions,
        accounts,
        initiating,
        "BPOST-SBL-2026-09",
        datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "settlement-2026-09.csv").write_text(csv_text, encoding="utf-8")
    (OUT / "settlement-2026-09.xml").write_bytes(xml)
    click.echo(
        "\nSettlement instructions (one net amount per pair, currency and value date), "
        f"written to {OUT}/settlement-2026-09.csv and .xml (pain.001.001.09, valid against "
        "its XSD):"
    )
    click.echo(csv_text.rstrip())
    for found, reference in statement_references(instructions).items():
        confirmed = st.settlement_confirmations(agent, found)
        for side, lei in ((st.StatementRole.BORROWER, MINATO), (st.StatementRole.LENDER, FUJI)):
            if st.get_statement(agent, found).status is not st.StatementStatus.SETTLED and (
                side not in confirmed
            ):  # the payer confirms it paid, the payee that it was paid: both, or not settled
                st.confirm_settlement(clients[lei], found, reference)
    for found, figures in committed:
        click.echo(f"  {_label(figures)}: {st.get_statement(agent, found).status.name.lower()}")


@click.command(cls=ConnectedProviderCommand)
@click.option(
    "--deployments",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
def cli(provider: Any, deployments: Path) -> None:
    """Register, match, explain, resolve and settle the demo lending agreements."""
    try:
        accounts = [dev_account(i) for i in range(8)]
        clients = dict(clients_by_institution(connect(provider.http_uri, deployments), accounts))
        _walk_through(clients)
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
