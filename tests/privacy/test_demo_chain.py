"""A competitor reads the whole demo chain and finds none of the lending figures sealed in it.

After the demo's three use cases have run (``make demo``'s steps, tests/explorer/demo_chain.py), a
newly admitted institution reads every block from block 0: each transaction's input and each
log. It searches all of it for what the lending parties sealed: every statement's amounts (the
platform's and each party's submitted figures), the agreements' rates, and the agreements'
references, in each spelling :func:`~tests.privacy.scanner.encodings` gives. None is found. The
same scanner then finds each of those values once a transaction writes it in clear (the
positive control, in the same chain), so the scan can fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

import pytest
from eth_abi.abi import encode

from bpost_client.client import Client, connect
from bpost_client.lending import agreements as lending
from bpost_client.lending import statements as st
from bpost_client.lending.verify import SCALE
from bpost_client.platform import participants
from bpost_client.platform.participants import (
    InstitutionSpec,
    admission_of,
    encryption_key_of,
    register_institution,
)
from bpost_client.platform.signers import dev_account
from bpost_client.types import InstitutionType
from tests.conftest import Node, rpc
from tests.explorer.demo_chain import run_demo
from tests.helpers import fresh_account, make_lei
from tests.privacy.scanner import chain_bytes, encodings, found
from tests.privacy.senders import acts_by_record, relationships

AGENT = "3538000NIHONLEND0172"
"""Nihonbashi Lending Agent, a party of every demo statement it closed (dev account 5)."""
MINATO = "3538000MINATOSEC0159"
KANDA = "3538000KANDABANK0193"
"""Kanda Bank, the lender that would close its own loan's statement (dev account 4)."""
CLOSERS = {AGENT: 5, KANDA: 4}
RATE_COLUMNS = ("fee_rate_pct", "collateral_rate_pct", "dividend_rate_pct")
SIGNIFICANT = 5
"""The fewest significant digits of a value searched: a shorter one (a count, a round number) is
on any chain by chance."""


def significant_digits(value: int | Decimal) -> int:
    """The significant digits of ``value`` (trailing zeros of an integer are not significant)."""
    digits = Decimal(value).normalize().as_tuple().digits
    return len(digits)


@dataclass(frozen=True)
class Sealed:
    """The values the demo sealed, as the parties know them."""

    amounts: dict[str, int]
    """Each non-zero statement amount in minor units, by where it comes from."""
    rates: dict[str, Decimal]
    references: list[str]


@dataclass(frozen=True)
class Competitor:
    client: Client
    lei: str


@pytest.fixture(scope="module")
def demo_chain(node: Node) -> Iterator[Node]:
    """The session chain with the demo run on it (reverted at the end of the module)."""
    snapshot = rpc(node.url, "evm_snapshot")
    try:
        run_demo(node)
        yield node
    finally:
        rpc(node.url, "evm_revert", snapshot)


@pytest.fixture(scope="module")
def competitor(demo_chain: Node) -> Competitor:
    """A rival institution admitted after the demo, reading through its own account."""
    operator = connect(demo_chain.url, demo_chain.deployments, dev_account(0))
    account = fresh_account()
    lei = make_lei(919)
    spec = InstitutionSpec(
        lei, "Rival Securities", InstitutionType.SECURITIES_COMPANY, encryption_key_of(account),
        (account.address,),
    )  # fmt: skip
    register_institution(operator, spec, admission_of(operator, account, spec))
    return Competitor(connect(demo_chain.url, demo_chain.deployments, account), lei)


def _demo_statements(client: Client) -> list[tuple[str, str]]:
    """Each demo statement's id and the LEI of the party that closed it."""
    logs = client.contract("LendingStatements").events.StatementCommitted.get_logs(from_block=0)
    found = []
    for log in logs:
        statement_id = "0x" + bytes(log["args"]["statementId"]).hex()
        statement = st.get_statement(client, statement_id)
        closer = AGENT if statement.agent else statement.lender
        found.append((statement_id, str(closer)))
    return found


@pytest.fixture(scope="module")
def sealed(demo_chain: Node) -> Sealed:
    """What the parties sealed: the statements' amounts opened with a party's key, the rates and
    references of the agreements, opened by Minato Securities (the borrower of all three)."""
    client = connect(demo_chain.url, demo_chain.deployments)
    amounts: dict[str, int] = {}
    for statement_id, closer in _demo_statements(client):
        key = bytes(dev_account(CLOSERS[closer]).key)
        opened = st.open_statement(client, statement_id, closer, key).amounts
        where = statement_id[:10]
        for name, value in zip(("fee", "interest", "dividend"), opened.to_abi(), strict=True):
            if value:
                amounts[f"{where} platform {name}"] = abs(value)
        for by, figures in st.submitted_figures(client, statement_id, closer, key).items():
            for name, value in zip(
                ("fee", "interest", "dividend"), figures.amounts.to_abi(), strict=True
            ):
                if value:
                    amounts[f"{where} submitted by {by} {name}"] = abs(value)
    minato = bytes(dev_account(3).key)
    rates: dict[str, Decimal] = {}
    references = []
    for found_ref in lending.agreements_of(client, MINATO, minato):
        opened = lending.open_agreement(client, found_ref.agreement_id, MINATO, minato)
        references.append(opened.reference)
        for version in opened.versions:
            calculation = version.terms[2]
            for column, scaled in zip(RATE_COLUMNS, calculation[:3], strict=True):
                rate = Decimal(int(scaled)) / SCALE
                if significant_digits(rate) >= SIGNIFICANT:
                    rates[f"{opened.reference} v{version.version} {column}"] = rate
    return Sealed(amounts, rates, references)


def test_demo_values__five_significant_digits__enough_of_them(sealed: Sealed) -> None:
    """The values searched are not round: each has five or more significant digits, and the
    demo has statements, differing submitted figures, rates and references to search for."""
    assert len([k for k in sealed.amounts if "platform" in k]) >= 6, sealed.amounts
    assert any(f"by {MINATO}" in k for k in sealed.amounts), "Minato's differing figures"
    assert len(sealed.rates) >= 7 and len(sealed.references) == 3
    for what, value in [*sealed.amounts.items(), *sealed.rates.items()]:
        assert significant_digits(value) >= SIGNIFICANT, f"{what}: {value}"


def test_competitor__reads_the_whole_chain__finds_no_sealed_value(
    competitor: Competitor, sealed: Sealed
) -> None:
    chain = chain_bytes(competitor.client.w3)
    assert chain.first == 0 and chain.transactions > 100 and chain.logs > 100, chain.last
    numbers: list[int | Decimal] = [*sealed.amounts.values(), *sealed.rates.values()]
    seen = {value: spelled for value, spelled in found(chain, numbers).items() if spelled}
    assert seen == {}, f"sealed values on chain: {seen}"
    for reference in sealed.references:
        assert reference.encode("ascii") not in chain.data, reference


def test_competitor__positive_control__each_value_written_in_clear_is_found(
    demo_chain: Node, competitor: Competitor, sealed: Sealed
) -> None:
    """A run that writes the same values in clear (each spelling in a transaction's input):
    the same scan finds every spelling of every one."""
    numbers: list[int | Decimal] = [*sealed.amounts.values(), *sealed.rates.values()]
    writer = connect(demo_chain.url, demo_chain.deployments, dev_account(0))
    to = fresh_account().address
    for value in numbers:
        spelled = b"".join(encode(["bytes"], [raw]) for raw in encodings(value).values())
        writer.sender.send({"to": to, "data": spelled})
    references = b"".join(r.encode("ascii") for r in sealed.references)
    writer.sender.send({"to": to, "data": references})
    chain = chain_bytes(competitor.client.w3)
    for value, spelled in found(chain, numbers).items():
        assert sorted(spelled) == sorted(encodings(Decimal(value))), value
    for reference in sealed.references:
        assert reference.encode("ascii") in chain.data, reference


def test_competitor__from_senders_alone__infers_who_deals_with_whom(
    competitor: Competitor,
) -> None:
    """The leak issue 19 leaves (docs/privacy.md, "What still leaks"), measured: grouping the
    senders of the transactions to the lending contracts by the record they act on gives every
    lending relationship of the demo, and no other, with how often and when."""
    client = competitor.client
    known: dict[str, str | None] = {}

    def institution(account: str) -> str | None:
        if account not in known:
            known[account] = participants.institution_of(client, account)
        return known[account]

    contracts = [client.manifest.address(n) for n in ("LendingAgreements", "LendingStatements")]
    inferred = relationships(acts_by_record(client.w3, contracts, institution))
    minato = bytes(dev_account(3).key)
    truth = set()
    for found_ref in lending.agreements_of(client, MINATO, minato):
        opened = lending.open_agreement(client, found_ref.agreement_id, MINATO, minato)
        parties = [lei for lei in (opened.lender, opened.borrower, opened.agent) if lei]
        truth |= {frozenset(pair) for pair in combinations(parties, 2)}
    assert set(inferred) == truth, "every relationship, and no other"
    for pair, seen in inferred.items():
        assert seen.acts >= 2 * seen.records and seen.first <= seen.last, (sorted(pair), seen)
    fuji_minato = inferred[frozenset(("3538000FUJITRUST0138", MINATO))]
    assert fuji_minato.records == 2, "the two statements both confirmed, under the agent's loans"
