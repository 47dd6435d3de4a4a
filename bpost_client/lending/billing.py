"""A billing period end to end, as each party's client runs it.

- :func:`close_period`: the closing party (usually the lending agent) calculates the agreed inputs
  (:func:`~bpost_client.lending.agreements.agreed_book`), groups the agreements into the pair's
  units of matching and commits each unit's figures with the salted hash of its per-day detail.
- :func:`review_statement`: another party recomputes the platform's figures from the same agreed
  inputs (and checks them against the chain: the opened amounts and the detail hash), compares
  them with its own books within the pair's tolerance, and confirms or submits its own figures
  (its amounts' commitment, and the differing agreements' figures, rates and positions sealed to
  the parties).
- :func:`explain_statement`: any party explains the break: which single change (or pair) of the
  platform's calculation reproduces each submitting party's figures, and on which days they part.
- :func:`settlement_files`: matched or resolved statements become net payment instructions with
  the parties' SSIs (CSV and ISO 20022 pain.001).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from eth_utils.crypto import keccak

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.currencies import minor_unit
from bpost_client.exceptions import BPostError, ValidationError
from bpost_client.lending.agreements import OpenedAgreement, agreed_book
from bpost_client.lending.detail import canonical_detail, daily_detail
from bpost_client.lending.explain import explain
from bpost_client.lending.matching import Comparison, MatchUnit, compare
from bpost_client.lending.movements import POSITION_COLUMNS
from bpost_client.lending.pairs import pair_secrets, pair_settings
from bpost_client.lending.period import PERIOD_COLUMNS, Book, calculate_period
from bpost_client.lending.settlement import (
    Instruction,
    SettlementAccount,
    SettlementItem,
    instructions_csv,
    items_from_statement,
)
from bpost_client.lending.settlement_xml import pain001_xml
from bpost_client.lending.statements import (
    Amounts,
    Statement,
    StatementInput,
    StatementStatus,
    commit_statements,
    confirm,
    get_statement,
    open_statement,
    statement_id,
    submit_figures,
    submitted_figures,
    unit_key,
)
from bpost_client.platform.participants import get_institution
from bpost_client.registry.ssi import applicable_ssis, read_account
from bpost_client.types import Lei

__all__ = [
    "SETTLEMENT_METHOD",
    "SSI_SECURITY_TYPE",
    "Review",
    "UnitFigures",
    "close_period",
    "explain_statement",
    "review_statement",
    "settlement_accounts",
    "settlement_files",
    "settlement_items",
    "unit_figures",
]

SSI_SECURITY_TYPE = "SECLEND"
"""The SSI security type under which institutions publish their lending cash accounts."""
SETTLEMENT_METHOD = "CASH"
"""The SSI settlement method of those accounts."""
_AMOUNT_COLUMNS = ("fee_minor", "interest_minor", "dividend_minor")


@dataclass(frozen=True)
class UnitFigures:
    """The platform's figures of one unit of matching over a period."""

    unit: MatchUnit
    key: str
    """The unit's key on chain: the agreement's id (0x-hex), the ISIN, or '' for the whole
    counterparty pair."""
    lender: Lei
    borrower: Lei
    currency: str
    agreement_ids: tuple[str, ...]
    """The unit's agreements by their references (the ids of the books)."""
    amounts: Amounts
    tolerance: int
    detail: bytes
    """The canonical per-day detail (its salted hash goes on chain)."""
    figures: pd.DataFrame
    """Per agreement, as :func:`~bpost_client.lending.period.calculate_period` gives them."""
    dividends: tuple[tuple[str, date, int], ...]
    """(security, record date, equivalent in minor units) of each dividend line."""


def _unit_key(unit: MatchUnit, row: Mapping[str, Any], ids: Mapping[str, str]) -> str:
    if unit is MatchUnit.AGREEMENT:
        reference = str(row["agreement_id"])
        return ids.get(reference, reference)
    return str(row["security"]) if unit is MatchUnit.SECURITY else ""


def unit_figures(
    book: Book,
    start: date,
    end: date,
    units: Mapping[tuple[str, str], MatchUnit],
    tolerances: Mapping[tuple[str, str], int],
    onchain: Mapping[str, str] | None = None,
) -> list[UnitFigures]:
    """Each unit's figures and detail: the agreements grouped by pair, currency and the pair's
    unit (``units``: (lender, borrower) -> unit; an agreement unit by default); a unit's
    tolerance is its pair's (``tolerances``, 0 by default). ``onchain`` gives the on-chain id of
    each agreement by its reference (the book's ``agreement_id``), an agreement unit's key."""
    chain_ids = onchain or {}
    figures = calculate_period(book, start, end)
    detail = daily_detail(book, start, end)
    groups: dict[tuple[str, str, str, MatchUnit, str], list[int]] = {}
    for index, record in enumerate(figures.to_dict(orient="records")):
        row = {str(k): v for k, v in record.items()}
        pair = (str(row["lender"]), str(row["borrower"]))
        unit = units.get(pair, MatchUnit.AGREEMENT)
        group = (*pair, str(row["currency"]), unit, _unit_key(unit, row, chain_ids))
        groups.setdefault(group, []).append(index)
    found = []
    for (lender, borrower, currency, unit, key), rows in groups.items():
        part = figures.iloc[rows].reset_index(drop=True)
        ids = tuple(str(i) for i in part["agreement_id"])
        fee, interest, dividend = (int(part[c].sum()) for c in _AMOUNT_COLUMNS)
        lines = detail[detail["agreement_id"].isin(ids)]
        found.append(
            UnitFigures(
                unit,
                key,
                Lei(lender),
                Lei(borrower),
                currency,
                ids,
                Amounts(fee, interest, dividend),
                tolerances.get((lender, borrower), 0),
                canonical_detail(lines),
                part,
                _dividend_lines(lines, part, currency),
            )
        )
    return found


def _chain_ids(opened: Sequence[OpenedAgreement]) -> dict[str, str]:
    """The on-chain id of each agreement by its reference."""
    return {a.reference: a.agreement_id for a in opened}


def _parties(opened: Sequence[OpenedAgreement], lender: str, borrower: str) -> list[str]:
    agents = [a.agent for a in opened if a.lender == lender and a.borrower == borrower and a.agent]
    return list(dict.fromkeys([lender, borrower, *agents]))


def _existing(client: Client, found: str) -> Statement | None:
    try:
        return get_statement(client, found)
    except exceptions.LendingStatementsUnknown:
        return None


def close_period(
    client: Client,
    opened: Sequence[OpenedAgreement],
    prices: pd.DataFrame,
    dividends: pd.DataFrame,
    start: date,
    end: date,
    settlement_date: date,
    lei: str,
    private_key: bytes,
) -> list[tuple[str, UnitFigures]]:
    """Commit the platform's figures of every unit of the ``opened`` agreements over the period
    (the signer is a party of each pair: usually the agent; ``lei`` and its ``private_key`` open
    the pairs' sealed secrets). A unit already committed for the period is left as it is. Returns
    each unit's statement id and figures."""
    book = agreed_book(opened, prices, dividends)
    pairs = {(str(a.lender), str(a.borrower)) for a in opened}
    settings = {pair: pair_settings(client, *pair) for pair in pairs}
    secrets = {pair: pair_secrets(client, *pair, lei, private_key) for pair in pairs}
    units = {pair: s.unit for pair, s in settings.items()}
    tolerances = {pair: s.tolerance for pair, s in secrets.items()}
    committed = []
    pending: dict[tuple[str, str], list[tuple[StatementInput, bytes]]] = {}
    for figures in unit_figures(book, start, end, units, tolerances, _chain_ids(opened)):
        statement = StatementInput(
            figures.lender,
            figures.borrower,
            figures.unit,
            figures.key,
            figures.currency,
            start,
            end,
            settlement_date,
            figures.amounts,
            secrets[(figures.lender, figures.borrower)].secret,
        )
        found = statement_id(statement)
        if _existing(client, found) is None:
            pair = (figures.lender, figures.borrower)
            pending.setdefault(pair, []).append((statement, figures.detail))
        committed.append((found, figures))
    for (lender, borrower), statements in pending.items():
        commit_statements(client, statements, _parties(opened, lender, borrower))
    return committed


def _unit_of(statement: Statement, figures: Sequence[UnitFigures], secret: bytes) -> UnitFigures:
    for unit in figures:
        same_pair = (unit.lender, unit.borrower) == (statement.lender, statement.borrower)
        key = unit_key(unit.unit, unit.key, secret)
        if same_pair and unit.currency == statement.currency and key == statement.unit_key:
            return unit
    raise BPostError(
        f"statement {statement.statement_id}: none of the opened agreements make its unit"
    )


def _may_belong(agreement: OpenedAgreement, statement: Statement, secret: bytes) -> bool:
    """Whether an agreement is of the statement's pair and, for a per-agreement or per-security
    unit, its agreement or security (keyed by the pair's ``secret``)."""
    if (agreement.lender, agreement.borrower) != (statement.lender, statement.borrower):
        return False
    if statement.unit is MatchUnit.AGREEMENT:
        return agreement.agreement_id == "0x" + statement.unit_key.hex()
    if statement.unit is MatchUnit.SECURITY:
        isins = {bytes(v.terms[0]).decode("ascii") for v in agreement.versions}
        return any(unit_key(MatchUnit.SECURITY, i, secret) == statement.unit_key for i in isins)
    return True


def _platform_unit(
    client: Client,
    statement: Statement,
    opened: Sequence[OpenedAgreement],
    prices: pd.DataFrame,
    dividends: pd.DataFrame,
    lei: str,
    private_key: bytes,
) -> tuple[UnitFigures, Book]:
    """The statement's unit recomputed from the agreed inputs, checked against the chain (only
    the agreements that can be in the unit are calculated); the pair's tolerance is the one of
    the statement's settings version."""
    pair_leis = (statement.lender, statement.borrower)
    secrets = pair_secrets(client, *pair_leis, lei, private_key, statement.settings_version)
    candidates = [a for a in opened if _may_belong(a, statement, secrets.secret)]
    if not candidates:
        raise BPostError(
            f"statement {statement.statement_id}: none of the opened agreements make its unit"
        )
    book = agreed_book(candidates, prices, dividends)
    pair = (str(statement.lender), str(statement.borrower))
    computed = unit_figures(
        book,
        statement.start,
        statement.end,
        {pair: statement.unit},
        {pair: secrets.tolerance},
        _chain_ids(candidates),
    )
    unit = _unit_of(statement, computed, secrets.secret)
    opening = open_statement(client, statement.statement_id, lei, private_key)
    if unit.amounts != opening.amounts or keccak(opening.salt + unit.detail) != (
        statement.detail_commitment
    ):
        raise BPostError(
            f"statement {statement.statement_id}: the committed figures are not those of the "
            "agreed inputs (recomputed: "
            f"{unit.amounts}, committed: {opening.amounts}); do not confirm"
        )
    return unit, book.only(unit.agreement_ids)


@dataclass(frozen=True)
class Review:
    """A party's review of a statement."""

    statement_id: str
    platform: UnitFigures
    comparison: Comparison
    action: str
    """'confirmed' or 'submitted'."""


def _records(frame: pd.DataFrame, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dictionaries (``columns``: source -> name): integers stay integers,
    everything else (Decimal, dates) becomes its text."""
    return [
        {
            name: int(value) if isinstance(value, int | np.integer) else str(value)
            for name, value in zip(columns.values(), row, strict=True)
        }
        for row in frame[list(columns)].itertuples(index=False)
    ]


def _payload(comparison: Comparison, own: Book) -> bytes:
    """The party's figures where they differ from the platform's, with its rates (and their
    versions' dates) and positions for those agreements, and the agreements it does not have;
    compressed JSON."""
    rows = comparison.agreements
    differing = rows[rows["differs"] & rows["on_party"]]
    ids = set(differing["agreement_id"])
    rates = own.agreements[own.agreements["agreement_id"].isin(ids)]
    rate_columns = ["agreement_id", "fee_rate_pct", "collateral_rate_pct", "dividend_rate_pct"]
    if "effective_from" in rates.columns:
        rate_columns.append("effective_from")
    positions = own.positions[own.positions["agreement_id"].isin(ids)]
    body = {
        "figures": _records(
            differing,
            {
                "agreement_id": "agreement_id",
                "fee_party": "fee_minor",
                "interest_party": "interest_minor",
                "dividend_party": "dividend_minor",
            },
        ),
        "inputs": _records(rates, {c: c for c in rate_columns}),
        "positions": _records(positions, {c: c for c in POSITION_COLUMNS}),
        "missing": sorted(comparison.missing_on_party),
    }
    return zlib.compress(json.dumps(body, sort_keys=True).encode("utf-8"), 9)


def review_statement(
    client: Client,
    statement: str,
    opened: Sequence[OpenedAgreement],
    prices: pd.DataFrame,
    dividends: pd.DataFrame,
    own: Book,
    lei: str,
    private_key: bytes,
) -> Review:
    """Recompute a statement's figures from the agreed inputs (refusing figures that are not
    theirs), compare them with the party's own books (``own``: its agreements, positions,
    prices and dividends), and confirm them or submit the party's figures.

    Raises:
        BPostError: the committed figures or detail are not those of the agreed inputs.
    """
    stored = get_statement(client, statement)
    if stored.status not in (StatementStatus.OPEN, StatementStatus.BREAK):
        raise BPostError(
            f"statement {statement} is {stored.status.name.lower()}: nothing to review"
        )
    unit, _ = _platform_unit(client, stored, opened, prices, dividends, lei, private_key)
    mine = own.only(unit.agreement_ids)
    own_figures = (
        calculate_period(mine, stored.start, stored.end)
        if len(mine.agreements)
        else pd.DataFrame(columns=list(PERIOD_COLUMNS))
    )
    comparison = compare(unit.figures, own_figures, unit.tolerance, unit.unit)
    if comparison.matched:
        confirm(client, statement)
        return Review(statement, unit, comparison, "confirmed")
    amounts = Amounts(*(int(own_figures[c].sum()) for c in _AMOUNT_COLUMNS))
    parties = list(stored.parties.values())
    salt = open_statement(client, statement, lei, private_key).salt
    submit_figures(client, statement, amounts, _payload(comparison, mine), parties, salt)
    return Review(statement, unit, comparison, "submitted")


def _their_frames(
    body: Mapping[str, Any], platform: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None, list[str]]:
    theirs = platform[["agreement_id", *_AMOUNT_COLUMNS]].copy()
    theirs = theirs[~theirs["agreement_id"].isin(body["missing"])]
    changed = pd.DataFrame(body["figures"], columns=["agreement_id", *_AMOUNT_COLUMNS])
    theirs = pd.concat([theirs[~theirs["agreement_id"].isin(changed["agreement_id"])], changed])
    inputs = pd.DataFrame(body["inputs"]) if body["inputs"] else None
    if inputs is not None:
        for column in ("fee_rate_pct", "collateral_rate_pct", "dividend_rate_pct"):
            inputs[column] = pd.Series([Decimal(v) for v in inputs[column]], dtype=object)
        if "effective_from" in inputs.columns:
            inputs["effective_from"] = [date.fromisoformat(v) for v in inputs["effective_from"]]
    positions = None
    if body["positions"]:
        positions = pd.DataFrame(body["positions"])
        positions["date"] = [date.fromisoformat(v) for v in positions["date"]]
        positions["collateral"] = pd.Series(
            [Decimal(v) for v in positions["collateral"]], dtype=object
        )
        positions["quantity"] = positions["quantity"].astype(object)
    breaking = sorted({*changed["agreement_id"], *body["missing"]})
    return theirs.reset_index(drop=True), inputs, positions, breaking


def explain_statement(
    client: Client,
    statement: str,
    opened: Sequence[OpenedAgreement],
    prices: pd.DataFrame,
    dividends: pd.DataFrame,
    lei: str,
    private_key: bytes,
) -> dict[Lei, pd.DataFrame]:
    """Explain each party's submitted figures that break with the platform's: per submitting
    institution, :func:`~bpost_client.lending.explain.explain`'s table (agreement, rank,
    outcome, cause, change, days)."""
    stored = get_statement(client, statement)
    unit, book = _platform_unit(client, stored, opened, prices, dividends, lei, private_key)
    explained = {}
    for party, submitted in submitted_figures(client, statement, lei, private_key).items():
        try:
            body = json.loads(zlib.decompress(submitted.figures))
        except (zlib.error, ValueError) as exc:
            raise BPostError(f"figures of {party} on {statement} are not readable: {exc}") from exc
        theirs, inputs, positions, breaking = _their_frames(body, unit.figures)
        if not breaking:
            continue
        explained[party] = explain(
            book,
            stored.start,
            stored.end,
            theirs,
            inputs,
            their_positions=positions,
            agreement_ids=breaking,
        )
    return explained


def settlement_items(
    statement: Statement,
    unit: UnitFigures,
    settled: Amounts,
    payment_dates: Mapping[tuple[str, date], date],
    secret: bytes,
) -> list[SettlementItem]:
    """A matched or resolved (or already settled) statement cut into what falls due when: the
    fee net of the collateral interest of the amounts it settles on (``settled``,
    :func:`statements.settled_amounts`) on its settlement date, each dividend equivalent on its
    payment date; ``secret`` is the statement's salt (:func:`statements.open_statement`),
    which the settlement references take
    (``payment_dates``: (security, record date) -> payment date). When the settled dividend
    equivalent differs from the calculated one (an adjusted resolution), the difference falls on
    the last payment date."""
    agreed = (StatementStatus.MATCHED, StatementStatus.RESOLVED, StatementStatus.SETTLED)
    if statement.status not in agreed:
        raise BPostError(f"statement {statement.statement_id} is not matched or resolved")
    by_date: dict[date, int] = {}
    for security, record, amount in unit.dividends:
        paid = payment_dates.get((security, record))
        if paid is None:
            raise ValidationError(f"no payment date for the dividend of {security} on {record}")
        by_date[paid] = by_date.get(paid, 0) + amount
    gap = settled.dividend_equivalent - sum(by_date.values())
    if gap:
        last = max(by_date) if by_date else statement.settlement_date
        by_date[last] = by_date.get(last, 0) + gap
    return items_from_statement(
        statement.statement_id,
        statement.lender,
        statement.borrower,
        statement.currency,
        statement.settlement_date,
        settled.fee,
        settled.collateral_interest,
        sorted(by_date.items()),
        secret=secret,
    )


def _dividend_lines(
    detail: pd.DataFrame, figures: pd.DataFrame, currency: str
) -> tuple[tuple[str, date, int], ...]:
    """(security, record date, equivalent in minor units) of the detail's dividend lines."""
    lines = detail[detail["dividend_equivalent"].notna()]
    securities = dict(zip(figures["agreement_id"], figures["security"], strict=True))
    places = minor_unit(currency)
    return tuple(
        (
            str(securities[r["agreement_id"]]),
            pd.Timestamp(r["date"]).date(),
            int(Decimal(r["dividend_equivalent"]).scaleb(places)),
        )
        for r in lines.to_dict(orient="records")
    )


def settlement_accounts(
    client: Client,
    leis: Sequence[str],
    currency: str,
    on: date,
    reader: str,
    private_key: bytes,
    *,
    market: str = "XTKS",
) -> dict[tuple[str, str], SettlementAccount]:
    """The parties' cash accounts for lending settlement from their SSIs (security type
    :data:`SSI_SECURITY_TYPE`, method :data:`SETTLEMENT_METHOD`), opened by ``reader``.

    Raises:
        ValidationError: a party has no such SSI in effect on ``on``.
        NotEntitledError: an account is not shared with ``reader``.
    """
    found = {}
    for lei in dict.fromkeys(leis):
        ssis = applicable_ssis(
            client,
            lei,
            market,
            currency,
            on,
            security_type=SSI_SECURITY_TYPE,
            settlement_method=SETTLEMENT_METHOD,
        )
        if not ssis:
            raise ValidationError(
                f"{lei} has no {market} {currency} {SSI_SECURITY_TYPE}/{SETTLEMENT_METHOD} SSI "
                f"in effect on {on}"
            )
        ssi = ssis[-1]
        account = read_account(client, ssi, reader, private_key)
        name = get_institution(client, lei).legal_name
        found[(lei, currency)] = SettlementAccount(lei, name, ssi.terms.custodian_bic, account)
    return found


def settlement_files(
    instructions: Sequence[Instruction],
    accounts: Mapping[tuple[str, str], SettlementAccount],
    initiating: SettlementAccount,
    message_id: str,
    created: datetime,
) -> tuple[str, bytes]:
    """The instructions as CSV and as a pain.001.001.09 document (validated against the XSD)."""
    csv_text = instructions_csv(instructions, accounts)
    xml = pain001_xml(
        instructions, accounts, initiating_party=initiating, message_id=message_id, created=created
    )
    return csv_text, xml
