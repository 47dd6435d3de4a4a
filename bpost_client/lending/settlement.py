"""Settlement of matched or resolved lending statements: net amounts, instructions, CSV.

A statement settles in amounts that fall due on different days: the lending fee net of the cash
collateral interest on the period's settlement date, each dividend equivalent on its payment
date. :func:`items_from_statement` cuts a statement into such :class:`SettlementItem` s (signed:
positive when the borrower pays the lender); :func:`net_instructions` nets them into one
:class:`Instruction` per lender, borrower, currency and value date. The borrower pays a positive
net and the lender a negative one; a zero net is kept, with amount 0, so that it is reported and
its statements can be closed, but no payment is made of it.

Each instruction carries a deterministic :attr:`Instruction.reference` (keccak-256 of what it
nets and of its statements' secrets: each statement's detail salt, sealed to its parties, so
that a member who reads the chain cannot find a net amount by hashing candidates) and an
end-to-end id made from it (``SBL`` + value date + 21 hex digits: 32 characters,
within ISO 20022's 35 and ASCII enough to fit a ``bytes32``); :func:`statement_references`
gives each statement the reference to mark it settled with.

The parties' accounts come from their SSIs: a mapping ``(lei, currency) ->``
:class:`SettlementAccount`. :func:`instructions_csv` writes the instructions with them;
:mod:`bpost_client.lending.settlement_xml` writes the ISO 20022 pain.001 credit transfer.
Everything here is pure: the chain is read and written by the caller.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from eth_utils.crypto import keccak

from bpost_client.currencies import MINOR_UNITS
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import check_bic, lei_is_valid
from bpost_client.lending.terms import format_minor

__all__ = [
    "CSV_COLUMNS",
    "Instruction",
    "Kind",
    "MissingAccountError",
    "PaymentParty",
    "SettlementAccount",
    "SettlementItem",
    "instructions_csv",
    "items_from_statement",
    "net_instructions",
    "resolve_accounts",
    "statement_references",
]

Kind = Literal["fees", "dividend_equivalent"]
"""What an item settles: the fee net of collateral interest, or a dividend equivalent."""

KINDS: tuple[Kind, ...] = get_args(Kind)

CSV_COLUMNS = (
    "value_date",
    "currency",
    "amount",
    "debtor_lei",
    "debtor_name",
    "debtor_bic",
    "debtor_account",
    "creditor_lei",
    "creditor_name",
    "creditor_bic",
    "creditor_account",
    "end_to_end_id",
    "statements",
)
"""The columns of :func:`instructions_csv`, in order."""

_HEX = re.compile(r"^(0x)?[0-9a-fA-F]+$")


def _check_lei(value: str, field: str) -> None:
    if not lei_is_valid(value):
        raise ValidationError(
            f"{field} {value!r} is not a LEI (20 upper-case characters, check digits)"
        )


def _check_currency(value: str) -> None:
    if value not in MINOR_UNITS:
        raise ValidationError(f"currency {value!r} is not an ISO 4217 code with a minor unit")


@dataclass(frozen=True)
class SettlementItem:
    """One amount of a settled statement, due on ``value_date``.

    ``amount_minor`` is in the currency's minor unit, positive when the borrower pays the lender:
    the fee minus the collateral interest (``kind == "fees"``) or a dividend equivalent.
    """

    statement_id: str
    lender: str
    borrower: str
    currency: str
    value_date: date
    kind: Kind
    amount_minor: int
    secret: bytes
    """The statement's detail salt (32 bytes, sealed to its parties): the references take it."""

    def __post_init__(self) -> None:
        if len(self.secret) != 32:
            raise ValidationError(
                f"statement {self.statement_id}: its secret is 32 bytes, not {len(self.secret)}"
            )
        if not _HEX.match(self.statement_id):
            raise ValidationError(f"statement id {self.statement_id!r} is not hexadecimal")
        _check_lei(self.lender, "lender")
        _check_lei(self.borrower, "borrower")
        if self.lender == self.borrower:
            raise ValidationError(f"statement {self.statement_id}: the lender is also the borrower")
        _check_currency(self.currency)
        if self.kind not in KINDS:
            raise ValidationError(f"kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise ValidationError(f"amount {self.amount_minor!r} is not an integer of minor units")


def items_from_statement(
    statement_id: str,
    lender: str,
    borrower: str,
    currency: str,
    settlement_date: date,
    fee_minor: int,
    interest_minor: int,
    dividends: Sequence[tuple[date, int]] = (),
    *,
    secret: bytes,
) -> list[SettlementItem]:
    """A statement's amounts by the day they fall due; ``secret`` is its detail salt.

    The fee minus the collateral interest falls on ``settlement_date``, and is kept when zero so
    that every statement has an instruction; each nonzero dividend equivalent
    ``(payment_date, amount_minor)`` falls on its payment date.

    Raises:
        ValidationError: a LEI, the currency or the statement id is malformed.
    """

    def item(day: date, kind: Kind, amount: int) -> SettlementItem:
        return SettlementItem(statement_id, lender, borrower, currency, day, kind, amount, secret)

    fees = item(settlement_date, "fees", fee_minor - interest_minor)
    return [fees, *(item(d, "dividend_equivalent", a) for d, a in dividends if a)]


@dataclass(frozen=True)
class Instruction:
    """The net of one lender, borrower, currency and value date: ``debtor`` pays ``creditor``
    ``amount_minor`` (never negative; 0 for a zero net, which is reported but not paid)."""

    lender: str
    borrower: str
    currency: str
    value_date: date
    debtor: str
    creditor: str
    amount_minor: int
    statement_ids: tuple[str, ...]
    kinds: tuple[Kind, ...]
    reference: bytes
    """keccak-256 of the lender, borrower, currency, value date, signed net and statements,
    followed by the statements' secrets."""
    end_to_end_id: str

    @property
    def is_payment(self) -> bool:
        """Whether money moves (the net is not zero)."""
        return self.amount_minor != 0


def _instruction(
    key: tuple[str, str, str, date],
    net: int,
    ids: Iterable[str],
    kinds: Iterable[Kind],
    secrets: Mapping[str, bytes],
) -> Instruction:
    lender, borrower, currency, day = key
    statement_ids = tuple(sorted(set(ids)))
    canonical = "|".join(
        [lender, borrower, currency, day.isoformat(), str(net), ",".join(statement_ids)]
    )
    salted = canonical.encode("ascii") + b"".join(secrets[s] for s in statement_ids)
    reference = keccak(salted)
    debtor, creditor = (lender, borrower) if net < 0 else (borrower, lender)
    return Instruction(
        lender=lender,
        borrower=borrower,
        currency=currency,
        value_date=day,
        debtor=debtor,
        creditor=creditor,
        amount_minor=abs(net),
        statement_ids=statement_ids,
        kinds=tuple(k for k in KINDS if k in set(kinds)),
        reference=reference,
        end_to_end_id=f"SBL{day:%Y%m%d}{reference.hex()[:21]}",
    )


def net_instructions(items: Iterable[SettlementItem]) -> list[Instruction]:
    """One instruction per lender, borrower, currency and value date, netting ``items``.

    The result does not depend on the order of ``items``; it is sorted by value date, currency,
    lender and borrower. A pair lending in both directions gets an instruction per direction.

    Raises:
        ValidationError: one statement id comes with two pairs or currencies.
    """
    nets: dict[tuple[str, str, str, date], int] = defaultdict(int)
    ids: dict[tuple[str, str, str, date], list[str]] = defaultdict(list)
    kinds: dict[tuple[str, str, str, date], list[Kind]] = defaultdict(list)
    owners: dict[str, tuple[str, str, str]] = {}
    secrets: dict[str, bytes] = {}
    for item in items:
        owner = (item.lender, item.borrower, item.currency)
        if owners.setdefault(item.statement_id, owner) != owner:
            raise ValidationError(
                f"statement {item.statement_id} is given for {'/'.join(owners[item.statement_id])}"
                f" and for {'/'.join(owner)}"
            )
        if secrets.setdefault(item.statement_id, item.secret) != item.secret:
            raise ValidationError(f"statement {item.statement_id} is given with two secrets")
        key = (*owner, item.value_date)
        nets[key] += item.amount_minor
        ids[key].append(item.statement_id)
        kinds[key].append(item.kind)
    order = sorted(nets, key=lambda k: (k[3], k[2], k[0], k[1]))
    return [_instruction(key, nets[key], ids[key], kinds[key], secrets) for key in order]


def statement_references(instructions: Iterable[Instruction]) -> dict[str, bytes]:
    """The reference to mark each statement settled with: the reference of its instruction, or,
    when its amounts fall on several value dates, keccak-256 of its instructions' references in
    value date order."""
    found: dict[str, list[Instruction]] = defaultdict(list)
    for instruction in instructions:
        for statement in instruction.statement_ids:
            found[statement].append(instruction)
    references = {}
    for statement, among in found.items():
        among.sort(key=lambda i: (i.value_date, i.end_to_end_id))
        references[statement] = (
            among[0].reference if len(among) == 1 else keccak(b"".join(i.reference for i in among))
        )
    return references


@dataclass(frozen=True)
class PaymentParty:
    """An institution as a payment message names it: its LEI and its name."""

    lei: str
    name: str

    def __post_init__(self) -> None:
        _check_lei(self.lei, "LEI")
        if not self.name.strip() or len(self.name) > 140:
            raise ValidationError(
                f"name of {self.lei} must have 1 to 140 characters, not {self.name!r}"
            )


@dataclass(frozen=True)
class SettlementAccount(PaymentParty):
    """Where an institution pays and is paid in one currency: its custodian's BIC and the
    account there (from its SSI)."""

    bic: str
    account: str

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            canonical = check_bic(self.bic)
        except ValueError as exc:
            raise ValidationError(f"BIC of {self.lei}: {exc}") from None
        if canonical != self.bic:
            raise ValidationError(f"BIC of {self.lei} {self.bic!r} is not written as {canonical!r}")
        if not self.account.strip() or len(self.account) > 34:
            raise ValidationError(f"account of {self.lei} must have 1 to 34 characters")


class MissingAccountError(ValidationError):
    """No settlement account is known for an institution in a currency; ``missing`` lists every
    ``(lei, currency)``."""

    def __init__(self, missing: Sequence[tuple[str, str]]) -> None:
        self.missing = tuple(missing)
        shown = ", ".join(f"institution {lei} in {currency}" for lei, currency in self.missing)
        super().__init__(f"no settlement account (SSI) for {shown}")


def resolve_accounts(
    instructions: Iterable[Instruction],
    accounts: Mapping[tuple[str, str], SettlementAccount],
) -> dict[tuple[str, str], SettlementAccount]:
    """The accounts the payments among ``instructions`` use (zero nets need none).

    Raises:
        MissingAccountError: a debtor or creditor has no account in the currency (all listed).
        ValidationError: an account is filed under another institution's LEI.
    """
    needed = dict.fromkeys(
        (lei, i.currency) for i in instructions if i.is_payment for lei in (i.debtor, i.creditor)
    )
    missing = [key for key in needed if key not in accounts]
    if missing:
        raise MissingAccountError(missing)
    for lei, currency in needed:
        if accounts[lei, currency].lei != lei:
            raise ValidationError(
                f"the account filed for {lei} in {currency} is {accounts[lei, currency].lei}'s"
            )
    return {key: accounts[key] for key in needed}


def instructions_csv(
    instructions: Sequence[Instruction],
    accounts: Mapping[tuple[str, str], SettlementAccount],
) -> str:
    """The instructions as CSV, a header of :data:`CSV_COLUMNS` then one row each in the given
    order; amounts in major units with the currency's ISO 4217 decimals, statements joined by
    ``;``. A zero net is written with amount 0 and the accounts that are known.

    Raises:
        MissingAccountError: a payment's debtor or creditor has no account in its currency.
    """
    resolve_accounts(instructions, accounts)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i in instructions:
        row = [i.value_date.isoformat(), i.currency]
        row.append(format_minor(i.amount_minor, MINOR_UNITS[i.currency]))
        for lei in (i.debtor, i.creditor):
            account = accounts.get((lei, i.currency))
            row += [lei, *((account.name, account.bic, account.account) if account else ("",) * 3)]
        row += [i.end_to_end_id, ";".join(i.statement_ids)]
        writer.writerow(row)
    return out.getvalue()
