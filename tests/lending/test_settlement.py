"""Settlement of lending statements: netting, the CSV and the ISO 20022 pain.001.001.09 document."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
import xmlschema
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.exceptions import ValidationError
from bpost_client.lending.settlement import (
    CSV_COLUMNS,
    Instruction,
    MissingAccountError,
    PaymentParty,
    SettlementAccount,
    SettlementItem,
    instructions_csv,
    items_from_statement,
    net_instructions,
    statement_references,
)
from bpost_client.lending.settlement_xml import (
    NAMESPACE,
    Pain001Error,
    pain001_xml,
    remittance_text,
    schema_path,
    validate_pain001,
)
from tests.helpers import make_lei

LENDER = make_lei(1)
BORROWER = make_lei(2)
OTHER_LENDER = make_lei(3)
S1 = "0x" + "11" * 32
S2 = "0x" + "22" * 32
S3 = "0x" + "33" * 32
SETTLE = date(2026, 10, 5)
SECRETS = {S1: b"\x01" * 32, S2: b"\x02" * 32}  # the statements' detail salts
DIVIDEND_DAY = date(2026, 9, 30)
CREATED = datetime(2026, 10, 1, 9, 30, tzinfo=timezone(timedelta(hours=9)))
NS = {"p": NAMESPACE}

ACCOUNTS = {
    (LENDER, "JPY"): SettlementAccount(LENDER, "Lender Trust", "MHCBJPJT", "JP-L-001"),
    (BORROWER, "JPY"): SettlementAccount(BORROWER, "Borrower Securities", "BOTKJPJTXXX", "JP-B-9"),
    (OTHER_LENDER, "JPY"): SettlementAccount(OTHER_LENDER, "Pension Fund", "SMBCJPJT", "JP-P-7"),
    (LENDER, "USD"): SettlementAccount(LENDER, "Lender Trust", "CHASUS33", "US-L-001"),
    (BORROWER, "USD"): SettlementAccount(BORROWER, "Borrower Securities", "CITIUS33", "US-B-9"),
}


def statement(
    statement_id: str = S1,
    *,
    lender: str = LENDER,
    currency: str = "JPY",
    fee: int = 10_000,
    interest: int = 0,
    dividends: list[tuple[date, int]] | None = None,
) -> list[SettlementItem]:
    return items_from_statement(
        statement_id, lender, BORROWER, currency, SETTLE, fee, interest, dividends or [],
        secret=SECRETS.get(statement_id, bytes(32)),
    )  # fmt: skip


def xml_of(instructions: list[Instruction], **changes: object) -> bytes:
    arguments: dict[str, object] = {
        "initiating_party": PaymentParty(BORROWER, "Borrower Securities"),
        "message_id": "BPOST-SBL-202609",
        "created": CREATED,
    }
    arguments.update(changes)
    return pain001_xml(instructions, ACCOUNTS, **arguments)  # type: ignore[arg-type]


def texts(root: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in root.iterfind(path, NS)]


# items


def test_items_from_statement__fee_interest_dividends__fall_on_their_dates() -> None:
    items = statement(fee=1_939, interest=200, dividends=[(DIVIDEND_DAY, 5_000), (SETTLE, 0)])

    assert [(i.value_date, i.kind, i.amount_minor) for i in items] == [
        (SETTLE, "fees", 1_739),
        (DIVIDEND_DAY, "dividend_equivalent", 5_000),
    ], "fee net of interest on the settlement date, nonzero dividends on their payment dates"


def test_items_from_statement__no_fee__keeps_a_zero_fees_item() -> None:
    items = statement(fee=0, interest=0)

    assert [(i.kind, i.amount_minor) for i in items] == [("fees", 0)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lender": "NOTALEI"}, "lender 'NOTALEI' is not a LEI"),
        ({"borrower": LENDER}, "the lender is also the borrower"),
        ({"currency": "XYZ"}, "currency 'XYZ' is not an ISO 4217 code"),
        ({"kind": "rebate"}, "kind 'rebate' is not one of fees, dividend_equivalent"),
        ({"statement_id": "statement-1"}, "not hexadecimal"),
        ({"amount_minor": 1.5}, "not an integer of minor units"),
    ],
)
def test_settlement_item__malformed_field__refused(
    changes: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {
        "statement_id": S1,
        "lender": LENDER,
        "borrower": BORROWER,
        "currency": "JPY",
        "value_date": SETTLE,
        "kind": "fees",
        "amount_minor": 1,
        "secret": SECRETS[S1],
    }
    values.update(changes)
    with pytest.raises(ValidationError, match=message):
        SettlementItem(**values)  # type: ignore[arg-type]


# netting


def test_net_instructions__fees_and_dividends__one_per_value_date() -> None:
    items = statement(fee=1_939, interest=200, dividends=[(DIVIDEND_DAY, 5_000)])

    found = [
        (i.value_date, i.debtor, i.creditor, i.amount_minor, i.kinds)
        for i in net_instructions(items)
    ]

    assert found == [
        (DIVIDEND_DAY, BORROWER, LENDER, 5_000, ("dividend_equivalent",)),
        (SETTLE, BORROWER, LENDER, 1_739, ("fees",)),
    ]


def test_net_instructions__two_statements_same_pair_and_date__netted() -> None:
    items = statement(S2, fee=3_000, interest=500) + statement(S1, fee=1_000, interest=100)

    (only,) = net_instructions(items)

    assert (only.debtor, only.creditor, only.amount_minor) == (BORROWER, LENDER, 3_400)
    assert only.statement_ids == (S1, S2), "statement ids sorted, each once"


def test_net_instructions__dividend_on_settlement_date__netted_with_fees() -> None:
    items = statement(fee=1_000, interest=0, dividends=[(SETTLE, 2_500)])

    (only,) = net_instructions(items)

    assert only.amount_minor == 3_500
    assert only.kinds == ("fees", "dividend_equivalent")
    assert only.statement_ids == (S1,)


def test_net_instructions__opposite_directions__net_to_the_difference() -> None:
    items = statement(S1, fee=1_000, interest=0) + statement(S2, fee=100, interest=400)

    (only,) = net_instructions(items)

    assert (only.debtor, only.creditor, only.amount_minor) == (BORROWER, LENDER, 700)


def test_net_instructions__interest_exceeds_fees__lender_pays() -> None:
    (only,) = net_instructions(statement(fee=1_000, interest=1_250))

    assert (only.lender, only.borrower) == (LENDER, BORROWER)
    assert (only.debtor, only.creditor, only.amount_minor) == (LENDER, BORROWER, 250)


def test_net_instructions__zero_net__kept_with_amount_zero_not_a_payment() -> None:
    items = statement(S1, fee=500, interest=0) + statement(S2, fee=0, interest=500)

    (only,) = net_instructions(items)

    assert only.amount_minor == 0 and not only.is_payment
    assert only.statement_ids == (S1, S2), "a zero net still names the statements it closes"


def test_net_instructions__currencies_and_pairs__kept_apart() -> None:
    items = (
        statement(S1, fee=1_000)
        + statement(S2, currency="USD", fee=1_000)
        + statement(S3, lender=OTHER_LENDER, fee=1_000)
    )

    found = [(i.currency, i.creditor) for i in net_instructions(items)]

    assert sorted(found) == sorted([("JPY", LENDER), ("USD", LENDER), ("JPY", OTHER_LENDER)])


def test_net_instructions__statement_with_two_pairs__refused() -> None:
    items = statement(S1) + statement(S1, lender=OTHER_LENDER)

    with pytest.raises(ValidationError, match=f"statement {S1} is given for"):
        net_instructions(items)


def test_net_instructions__end_to_end_id__deterministic_and_short() -> None:
    items = statement(S1, fee=900) + statement(S2, fee=100, dividends=[(DIVIDEND_DAY, 7)])

    first = net_instructions(items)
    again = net_instructions(list(reversed(items)))

    assert first == again, "the order of the items changes nothing"
    assert all(re.fullmatch(r"SBL\d{8}[0-9a-f]{21}", i.end_to_end_id) for i in first)
    assert len({i.end_to_end_id for i in first}) == len(first)
    assert first[1].end_to_end_id.startswith("SBL20261005")
    changed = net_instructions(statement(S1, fee=901) + statement(S2, fee=100))
    assert changed[0].end_to_end_id != first[1].end_to_end_id, "the amount is in the id"


_days = st.sampled_from([DIVIDEND_DAY, SETTLE])
_items = st.lists(
    st.builds(
        SettlementItem,
        statement_id=st.sampled_from([S1, S2]),
        lender=st.just(LENDER),
        borrower=st.just(BORROWER),
        currency=st.just("JPY"),
        value_date=_days,
        kind=st.sampled_from(["fees", "dividend_equivalent"]),
        amount_minor=st.integers(-(10**12), 10**12),
        secret=st.just(b"\x01" * 32),
    ),
    max_size=12,
)


@given(items=_items, seed=st.integers(0, 1000))
def test_net_instructions__any_items__conserve_the_net_in_any_order(
    items: list[SettlementItem], seed: int
) -> None:
    expected: dict[date, int] = defaultdict(int)
    for item in items:
        expected[item.value_date] += item.amount_minor

    found = net_instructions(items)
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)

    signed = {
        i.value_date: i.amount_minor if i.debtor == BORROWER else -i.amount_minor for i in found
    }
    assert signed == dict(expected)
    assert all(i.amount_minor >= 0 for i in found)
    assert net_instructions(shuffled) == found


def test_statement_references__one_or_several_value_dates() -> None:
    instructions = net_instructions(
        statement(S1, dividends=[(DIVIDEND_DAY, 10)]) + statement(S2, fee=5)
    )

    references = statement_references(instructions)

    dividend, fees = instructions
    assert references[S2] == fees.reference
    assert references[S1] not in (dividend.reference, fees.reference)
    assert all(len(r) == 32 for r in references.values())


# accounts


@pytest.mark.parametrize(
    ("bic", "account", "message"),
    [
        ("MHCBXXJT", "1", "XX is not an ISO 3166 country code"),
        ("mhcbjpjt", "1", "is not written as 'MHCBJPJT'"),
        ("MHCBJPJT", "1" * 35, "1 to 34 characters"),
        ("MHCBJPJT", " ", "1 to 34 characters"),
    ],
)
def test_settlement_account__malformed__refused(bic: str, account: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SettlementAccount(LENDER, "Lender Trust", bic, account)


def test_instructions_csv__missing_account__names_institution_and_currency() -> None:
    instructions = net_instructions(statement(fee=10, currency="EUR"))

    with pytest.raises(MissingAccountError, match=f"institution {BORROWER} in EUR") as caught:
        instructions_csv(instructions, ACCOUNTS)

    assert caught.value.missing == ((BORROWER, "EUR"), (LENDER, "EUR"))


def test_pain001_xml__missing_account__names_institution_and_currency() -> None:
    accounts = {k: v for k, v in ACCOUNTS.items() if k != (LENDER, "USD")}
    instructions = net_instructions(statement(currency="USD", fee=10))

    with pytest.raises(MissingAccountError, match=f"institution {LENDER} in USD"):
        pain001_xml(
            instructions,
            accounts,
            initiating_party=ACCOUNTS[BORROWER, "USD"],
            message_id="M1",
            created=CREATED,
        )


# CSV


def test_instructions_csv__small_case__exact_text() -> None:
    items = (
        statement(S1, fee=1_939, interest=200, dividends=[(DIVIDEND_DAY, 5_000)])
        + statement(S2, fee=0, interest=0)
        + statement(S3, currency="USD", fee=1_000, interest=1_250)
    )
    instructions = net_instructions(items)
    jpy_dividend, jpy_fees, usd_fees = (i.end_to_end_id for i in instructions)

    text = instructions_csv(instructions, ACCOUNTS)

    assert text == (
        ",".join(CSV_COLUMNS) + "\n"
        f"2026-09-30,JPY,5000,{BORROWER},Borrower Securities,BOTKJPJTXXX,JP-B-9,"
        f"{LENDER},Lender Trust,MHCBJPJT,JP-L-001,{jpy_dividend},{S1}\n"
        f"2026-10-05,JPY,1739,{BORROWER},Borrower Securities,BOTKJPJTXXX,JP-B-9,"
        f"{LENDER},Lender Trust,MHCBJPJT,JP-L-001,{jpy_fees},{S1};{S2}\n"
        f"2026-10-05,USD,2.50,{LENDER},Lender Trust,CHASUS33,US-L-001,"
        f"{BORROWER},Borrower Securities,CITIUS33,US-B-9,{usd_fees},{S3}\n"
    )


def test_instructions_csv__zero_net_without_accounts__reported_with_amount_zero() -> None:
    (zero,) = net_instructions(statement(currency="EUR", fee=300, interest=300))

    text = instructions_csv([zero], ACCOUNTS)

    assert text.splitlines()[1] == (
        f"2026-10-05,EUR,0.00,{BORROWER},,,,{LENDER},,,,{zero.end_to_end_id},{S1}"
    )


# pain.001.001.09


def test_pain001_xml__payments__validate_against_the_pain001_package_xsd() -> None:
    items = (
        statement(S1, fee=1_939, interest=200, dividends=[(DIVIDEND_DAY, 5_000)])
        + statement(S2, lender=OTHER_LENDER, fee=800)
        + statement(S3, currency="USD", fee=1_000, interest=1_250)
    )

    document = xml_of(net_instructions(items))

    schema = xmlschema.XMLSchema(str(schema_path()))
    assert schema.is_valid(document.decode("utf-8")), list(schema.iter_errors(document.decode()))
    validate_pain001(document)
    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:')


def test_schema_path__the_generic_xsd_of_the_pain001_package() -> None:
    path = schema_path()

    assert path.parts[-3:] == ("templates", "pain.001.001.09", "pain.001.001.09.xsd")
    assert 'targetNamespace="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"' in path.read_text()


def test_pain001_xml__group_header__counts_and_control_sum() -> None:
    items = statement(S1, fee=1_000) + statement(S2, currency="USD", fee=1_250)

    root = ET.fromstring(xml_of(net_instructions(items)))

    header = "p:CstmrCdtTrfInitn/p:GrpHdr/"
    assert texts(root, header + "p:MsgId") == ["BPOST-SBL-202609"]
    assert texts(root, header + "p:CreDtTm") == ["2026-10-01T09:30:00+09:00"]
    assert texts(root, header + "p:NbOfTxs") == ["2"]
    assert texts(root, header + "p:CtrlSum") == ["1012.50"]
    assert texts(root, header + "p:InitgPty/p:Nm") == ["Borrower Securities"]
    assert texts(root, header + "p:InitgPty/p:Id/p:OrgId/p:LEI") == [BORROWER]


def test_pain001_xml__one_payment_block_per_debtor_date_currency() -> None:
    items = (
        statement(S1, fee=1_000, dividends=[(DIVIDEND_DAY, 40)])
        + statement(S2, lender=OTHER_LENDER, fee=2_000)
        + statement(S3, currency="USD", fee=100, interest=400)
    )

    root = ET.fromstring(xml_of(net_instructions(items)))

    blocks = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    summary = [
        (
            texts(b, "p:ReqdExctnDt/p:Dt")[0],
            texts(b, "p:DbtrAcct/p:Ccy")[0],
            texts(b, "p:Dbtr/p:Id/p:OrgId/p:LEI")[0],
            texts(b, "p:NbOfTxs")[0],
            texts(b, "p:CtrlSum")[0],
            texts(b, "p:CdtTrfTxInf/p:Cdtr/p:Id/p:OrgId/p:LEI"),
        )
        for b in blocks
    ]
    assert summary == [
        ("2026-09-30", "JPY", BORROWER, "1", "40", [LENDER]),
        ("2026-10-05", "JPY", BORROWER, "2", "3000", [LENDER, OTHER_LENDER]),
        ("2026-10-05", "USD", LENDER, "1", "3.00", [BORROWER]),
    ]
    assert texts(root, ".//p:PmtMtd") == ["TRF"] * 3
    assert texts(blocks[2], "p:DbtrAgt/p:FinInstnId/p:BICFI") == ["CHASUS33"]
    assert texts(blocks[2], "p:DbtrAcct/p:Id/p:Othr/p:Id") == ["US-L-001"]
    assert texts(blocks[2], "p:CdtTrfTxInf/p:CdtrAgt/p:FinInstnId/p:BICFI") == ["CITIUS33"]
    assert texts(blocks[2], "p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:Othr/p:Id") == ["US-B-9"]


def test_pain001_xml__amounts__jpy_without_decimals_usd_with_two() -> None:
    items = statement(S1, fee=1_939) + statement(S2, currency="USD", fee=123_405)

    root = ET.fromstring(xml_of(net_instructions(items)))

    amounts = root.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)
    assert [(a.get("Ccy"), a.text) for a in amounts] == [("JPY", "1939"), ("USD", "1234.05")]


def test_pain001_xml__transaction__ids_and_remittance() -> None:
    instructions = net_instructions(statement(S1, fee=10) + statement(S2, fee=20))

    root = ET.fromstring(xml_of(instructions))

    (tx,) = root.findall(".//p:CdtTrfTxInf", NS)
    e2e = instructions[0].end_to_end_id
    assert texts(tx, "p:PmtId/p:EndToEndId") == [e2e]
    assert texts(tx, "p:PmtId/p:InstrId") == [e2e]
    assert texts(tx, "p:RmtInf/p:Ustrd") == [
        "SBL fees net of collateral interest 2026-10-05 statements 0x1111111111 0x2222222222"
    ]


def test_remittance_text__many_statements__trimmed_to_140() -> None:
    ids = [f"0x{n:064x}" for n in range(20)]
    items = [i for s in ids for i in statement(s, fee=1)]

    (only,) = net_instructions(items)

    text = remittance_text(only)
    assert len(text) == 140 and text.endswith("...")


def test_pain001_xml__zero_net__left_out() -> None:
    items = statement(S1, fee=100, interest=100) + statement(S2, currency="USD", fee=5)

    root = ET.fromstring(xml_of(net_instructions(items)))

    assert texts(root, ".//p:GrpHdr/p:NbOfTxs") == ["1"]
    assert texts(root, ".//p:InstdAmt") == ["0.05"]


def test_pain001_xml__every_net_zero__refused() -> None:
    with pytest.raises(ValidationError, match="no payment to instruct"):
        xml_of(net_instructions(statement(fee=100, interest=100)))


def test_pain001_xml__message_id_too_long__refused() -> None:
    with pytest.raises(ValidationError, match="1 to 35 characters"):
        xml_of(net_instructions(statement()), message_id="M" * 36)


def test_validate_pain001__wrong_currency_code__rejected() -> None:
    document = xml_of(net_instructions(statement()))
    broken = document.replace(b'Ccy="JPY"', b'Ccy="jpy"')

    with pytest.raises(Pain001Error, match="jpy") as caught:
        validate_pain001(broken)

    assert any("InstdAmt" in p for p in caught.value.problems), caught.value.problems


def test_validate_pain001__missing_end_to_end_id__rejected() -> None:
    document = xml_of(net_instructions(statement()))
    broken = re.sub(rb"\s*<EndToEndId>[^<]*</EndToEndId>", b"", document)

    with pytest.raises(Pain001Error) as caught:
        validate_pain001(broken)

    assert any("PmtId" in p and "EndToEndId" in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_validate_pain001__elements_out_of_order__rejected() -> None:
    document = xml_of(net_instructions(statement()))
    broken = re.sub(rb"(<MsgId>[^<]*</MsgId>)(\s*)(<CreDtTm>[^<]*</CreDtTm>)", rb"\3\2\1", document)

    with pytest.raises(Pain001Error, match="GrpHdr"):
        validate_pain001(broken)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<Document", "not well-formed XML"),
        (b'<!DOCTYPE d [<!ENTITY e "x">]><Document/>', "DOCTYPE"),
        (b"<Document/>", "Document"),
    ],
)
def test_validate_pain001__not_a_pain001_document__rejected(document: bytes, message: str) -> None:
    with pytest.raises(Pain001Error, match=message):
        validate_pain001(document)


def test_reference__takes_the_statements_secret__no_candidate_net_finds_it() -> None:
    """A member reads the pair, currency, date and statement ids on chain; without the secret
    sealed to the parties, hashing candidate nets does not give the reference."""
    (only,) = net_instructions(statement(fee=12_345))
    fields = [LENDER, BORROWER, "JPY", SETTLE.isoformat(), "12345", S1]
    assert only.reference != keccak("|".join(fields).encode()), "not the unsalted hash"
    other = items_from_statement(
        S1, LENDER, BORROWER, "JPY", SETTLE, 12_345, 0, secret=b"\x09" * 32
    )
    assert net_instructions(other)[0].reference != only.reference
    with pytest.raises(ValidationError, match="two secrets"):
        net_instructions([*statement(fee=1), *other])
    with pytest.raises(ValidationError, match="32 bytes"):
        items_from_statement(S1, LENDER, BORROWER, "JPY", SETTLE, 1, 0, secret=b"short")
