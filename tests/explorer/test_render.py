"""The filters every explorer page shares: no chain needed."""

from __future__ import annotations

import re
from dataclasses import fields

from hypothesis import given
from hypothesis import strategies as st

from bpost_client.explorer.domain.lending import StatementPage
from bpost_client.explorer.domain.store import Row
from bpost_client.explorer.names import NameBook, Registration
from bpost_client.explorer.render import (
    address_link,
    bytes_text,
    environment,
    lei_link,
    short,
    utc_time,
    value_html,
)
from bpost_client.lending.projection import statement_of
from bpost_client.types import Role

SAKURA = "3538000SAKURAAM00151"
MANAGER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
REGISTRY = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"


def hex_of(text: str, size: int) -> str:
    return "0x" + text.encode("ascii").ljust(size, b"\0").hex()


def book() -> NameBook:
    sakura = Registration(
        SAKURA, "Sakura <Asset> Management", "asset manager", True, {MANAGER: True}
    )
    return NameBook(
        members={SAKURA: sakura},
        operator_of={MANAGER: SAKURA},
        roles={MANAGER: ["ASSET_MANAGER"]},
        contracts={REGISTRY: "ParticipantRegistry"},
        block=7,
    )


def test_short__long_text_cut_in_the_middle__short_text_kept() -> None:
    assert short(MANAGER) == "0x7099…79C8"
    assert short("0x1234") == "0x1234"
    assert short(None) == ""


def test_time__block_timestamp_as_utc_text() -> None:
    assert utc_time(0) == "1970-01-01 00:00:00 UTC"
    assert utc_time(1_798_761_600) == "2027-01-01 00:00:00 UTC"


def test_bytes_text__zero_padded_ascii__the_text() -> None:
    assert bytes_text(hex_of("XTKS", 4)) == "XTKS"
    assert bytes_text(hex_of("BP000000018", 32)) == "BP000000018"
    assert bytes_text("0x00ff") is None
    assert bytes_text("0x" + "00" * 32) is None
    assert bytes_text("not hex") is None


def test_value__lei_bytes20__link_to_the_institution_with_its_name() -> None:
    html = value_html({"lei": hex_of(SAKURA, 20)}, book())
    assert f'<a href="/institution/{SAKURA}" title="Sakura &lt;Asset&gt; Management"' in html


def test_value__fund_code_bytes32__link_to_the_fund_hex_on_hover() -> None:
    raw = hex_of("BP000000018", 32)
    assert f'<a href="/fund/BP000000018" title="{raw}" class="fund">BP000000018</a>' in (
        value_html(raw)
    )


def test_value__isin_market_currency__text_with_hex_title() -> None:
    for text, size in (("JP3633400001", 12), ("XTKS", 4), ("JPY", 3)):
        raw = hex_of(text, size)
        assert value_html(raw) == f'<span class="text" title="{raw}">{text}</span>'


def test_value__address__labelled_by_institution_or_contract() -> None:
    names = book()
    assert ">Sakura &lt;Asset&gt; Management</a>" in value_html(MANAGER, names)
    assert ">ParticipantRegistry</a>" in value_html(REGISTRY, names)
    assert f'href="/address/{MANAGER}"' in value_html(MANAGER)
    assert ">0x7099…79C8</a>" in str(address_link(MANAGER))


def test_value__role_id__by_name_zero_as_0x0() -> None:
    role = "0x" + Role.TRUSTEE.id.hex()
    assert ">TRUSTEE_ROLE</span>" in value_html(role)
    assert ">0x0</code>" in value_html("0x" + "00" * 32)


def test_value__sealed__commitment_and_recipients_never_the_ciphertext() -> None:
    sealed = {
        "commitment": "0x" + "ab" * 32,
        "ciphertext": "0x" + "cd" * 200,
        "recipients": [{"lei": hex_of(SAKURA, 20), "wrappedKey": "0x" + "ef" * 100}],
    }
    html = value_html({"account": sealed}, book())
    assert "sealed" in html and f'href="/institution/{SAKURA}"' in html
    assert "cdcd" not in html and "efef" not in html


def test_value__long_bytes__cut_with_their_length() -> None:
    html = value_html("0x" + "01" * 100)
    assert "(100 bytes)" in html and "01" * 33 not in html


def test_value__struct_list__table_other_lists_ordered() -> None:
    table = value_html([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    assert table.startswith('<table class="value">') and "<th>a</th><th>b</th>" in table
    assert value_html([1, 2]).startswith('<ol class="value"')
    assert value_html([]) == '<span class="none">none</span>'


@given(st.text(max_size=60))
def test_value__any_text__escaped(text: str) -> None:
    html = value_html({"k": text, text: [text]})
    assert "<script" not in html.replace("&lt;script", "")
    assert str(lei_link(text)).count("<a") <= 1


def _row(block: int, event: str, **data: object) -> Row:
    statement = "0x" + "ab" * 32
    return Row(block, 0, 1_780_000_000, "0x" + f"{block:064x}", "statement", statement, None,
               {"event": event, "statementId": statement, **data})  # fmt: skip


def test_statement__payloads_refused__shown_by_whom_and_why_until_submitted_again() -> None:
    """A statement whose borrower's figures and first resolution a party refused: the page
    names the refusing institution and the reason of each; the borrower's next submission
    takes its refusal off the page."""
    import bpost_client.explorer.domain.pages  # noqa: F401  (the domain filters)

    lender, borrower, agent = (hex_of(lei, 20) for lei in (SAKURA, "3538000BORROWER00011", ""))
    empty = {"commitment": "0x" + "00" * 32, "ciphertext": "0x", "recipients": []}
    given_ = {"unit": 2, "unitKey": "0x" + "00" * 32, "currency": hex_of("JPY", 3),
              "start": 20260601, "end": 20260630, "settlementDate": 20260705,
              "amounts": "0x" + "11" * 32, "detailCommitment": "0x" + "22" * 32}  # fmt: skip
    submitted = {"by": borrower, "role": 1, "amounts": "0x" + "33" * 32, "equal": False,
                 "status": 3, "figures": empty}  # fmt: skip
    rows = [
        _row(
            1,
            "StatementCommitted",
            lender=lender,
            borrower=borrower,
            input=given_,
            agent=agent,
            closer=lender,
            overdueAfter=20260720,
            settingsVersion=0,
            opening=empty,
        ),
        _row(2, "FiguresSubmitted", **submitted),
        _row(3, "PayloadRefused", by=lender, role=0, payload=0, index=1, reason=0),
        _row(
            4,
            "ResolutionProposed",
            resolution=1,
            adjusted=empty,
            proposal={
                "kind": 2,
                "party": 0,
                "amounts": "0x" + "44" * 32,
                "proposedBy": borrower,
                "approved": 2,
            },
        ),
        _row(5, "PayloadRefused", by=lender, role=0, payload=1, index=1, reason=1),
    ]
    template = environment.get_template("domain/_statement.html")

    def shown(records: list[Row]) -> str:
        state = statement_of(records)
        assert state is not None
        page = StatementPage(**{f.name: getattr(state, f.name) for f in fields(state)})
        return re.sub(r"<[^>]+>", "", template.render(statement=page, open_figures=set()))

    text = re.sub(r"\s+", " ", shown(rows))
    assert f"The borrower's figures refused by {SAKURA}: unopenable" in text, text
    assert f"Resolution 1 refused by {SAKURA}: not committed; not approved" in text, text
    again = [*rows, _row(6, "FiguresSubmitted", **submitted)]
    assert "figures refused" not in shown(again), "a new submission clears the refusal"
