"""The chain pages over a real index: what a person reads on the home, block, transaction,
address and contract pages, where the search box leads, and the error pages."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert
from web3 import Web3

from bpost_client.api.auth import issue_api_token
from bpost_client.client import connect
from bpost_client.contracts import DEPLOYED_CONTRACTS
from bpost_client.exceptions import ConfigError
from bpost_client.explorer import chain_pages
from bpost_client.explorer.app import create_explorer
from bpost_client.explorer.names import NameBook
from bpost_client.indexer import Indexer, open_engine
from bpost_client.indexer.schema import checkpoint, create_schema
from bpost_client.platform.entitlement import Reader
from bpost_client.platform.signers import dev_account
from bpost_client.registry import corporate, funds
from bpost_client.types import RequestKind, Role
from tests.conftest import Node
from tests.explorer.conftest import (
    ASSET_MANAGER,
    CORPORATE,
    DISTRIBUTOR,
    FUJI,
    KANDA,
    NEW_NAME,
    OPERATOR,
    SAKURA,
    SSI_ACCOUNT,
    World,
    client_of,
)
from tests.helpers import due_in
from tests.registry.test_funds import attributes

SAKURA_NAME = "Sakura Asset Management Co., Ltd."


def section(page: str, element_id: str) -> str:
    """The HTML of the element with ``id`` (up to the end of its first nested level)."""
    start = page.index(f'id="{element_id}"')
    tag = page.rfind("<", 0, start)
    name = re.match(r"<(\w+)", page[tag:])
    assert name is not None
    end = page.index(f"</{name.group(1)}>", start)
    return page[tag : end + len(name.group(1)) + 3]


def text_of(fragment: str) -> str:
    """The text a person reads in ``fragment``: inline tags dropped, block tags made spaces,
    entities decoded."""
    inline = re.sub(r"</?(a|span|code|q|b|em|strong)\b[^>]*>", "", fragment)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))).strip()


def test_home__head_checkpoint_latest_blocks_and_transactions(
    signed_in: TestClient, world: World
) -> None:
    page = signed_in.get("/").text
    assert text_of(section(page, "checkpoint")).startswith(str(world.indexed_to))
    blocks = section(page, "latest-blocks")
    assert blocks.count("<tr>") == 1 + 20, "a header row and the 20 newest blocks"
    assert f'href="/block/{world.indexed_to}"' in blocks
    latest = text_of(page[page.index('id="latest-transactions"') :])
    assert "ParticipantRegistry.registerInstitution PlatformAccessUnauthorized Reverted" in latest
    assert "FundRegistry.registerFunds" in latest and "SsiRegistry.publishSsis" in latest
    assert SAKURA_NAME in latest, "the sender shown as its institution"


def test_block__header_fields_transactions_and_neighbours(
    signed_in: TestClient, world: World
) -> None:
    number = world.indexed_to
    page = signed_in.get(f"/block/{number}").text
    assert text_of(section(page, "block-number")) == str(number)
    assert f'href="/block/{number - 1}"' in section(page, "block-previous")
    assert 'id="block-next"' not in page, "the last indexed block has no next"
    assert world.failed in page and "Reverted" in page
    assert "UTC" in page
    first = signed_in.get("/block/1").text
    assert 'id="block-previous"' not in first and 'href="/block/2"' in section(first, "block-next")


def test_block__first_indexed__parent_hash_shown_and_every_block_link_leads_to_a_page(
    signed_in: TestClient, isolated: Node
) -> None:
    client = connect(isolated.url, isolated.deployments)
    first = client.manifest.start_block
    for number in (first, first + 1):
        page = signed_in.get(f"/block/{number}").text
        for link in sorted(set(re.findall(r'href="(/block/\d+)"', page))):
            assert signed_in.get(link).status_code == 200, f"block {number} links {link}"
        parent = Web3.to_hex(client.w3.eth.get_block(number)["parentHash"])
        assert parent in text_of(section(page, "block-parent"))
    assert f'href="/block/{first}"' in section(page, "block-parent"), "an indexed parent is linked"


def test_tx__call_decoded_with_legal_name_and_lei(signed_in: TestClient, world: World) -> None:
    page = signed_in.get(f"/tx/{world.registered}").text
    assert text_of(section(page, "tx-status")) == "Success"
    function = section(page, "tx-function")
    assert "ParticipantRegistry.registerInstitution" in text_of(function)
    assert NEW_NAME in text_of(function), "the legal name argument as text"
    assert html.escape(NEW_NAME, quote=False) in function, "escaped, never raw HTML"
    assert f'href="/address/{world.member}"' in function, "the operator address links"
    sender = text_of(section(page, "tx-from"))
    assert "B-POST Platform Operator" in sender and "OPERATOR" in sender
    assert "ParticipantRegistry" in text_of(section(page, "tx-to"))
    events = re.findall(r'<div class="event"', page)
    assert len(events) >= 2
    assert "ParticipantRegistry.InstitutionRegistered" in text_of(page)
    assert "ParticipantRegistry.OperatorAdded" in text_of(page)
    assert f'href="/institution/{world.new_lei}"' in page
    assert 'id="tx-error"' not in page


def test_tx__role_granted__role_by_name_and_account_by_institution(
    signed_in: TestClient, world: World
) -> None:
    page = signed_in.get(f"/tx/{world.granted}").text
    function = text_of(section(page, "tx-function"))
    assert "PlatformAccess.grantRole" in function and Role.OBSERVER.value in function
    assert NEW_NAME in function, "the account labelled with its institution's legal name"
    assert "PlatformAccess.RoleGranted" in text_of(page)


def test_tx__reverted__custom_error_and_its_arguments_highlighted(
    signed_in: TestClient, world: World
) -> None:
    page = signed_in.get(f"/tx/{world.failed}").text
    assert text_of(section(page, "tx-status")) == "Reverted"
    error = page[page.index('id="tx-error"') : page.index('id="tx-function"')]
    assert 'class="alert error"' in page[page.rfind("<", 0, page.index('id="tx-error"')) :][:80]
    assert "PlatformAccessUnauthorized" in text_of(error)
    assert SAKURA_NAME in text_of(error), "the refused account, named"
    assert Role.DEFAULT_ADMIN.value not in text_of(error)
    assert "ParticipantRegistry.registerInstitution" in text_of(section(page, "tx-function"))
    assert "A reverted transaction emits no events." in page


def test_tx__sealed_account__commitment_and_recipients_never_the_ciphertext(
    signed_in: TestClient, world: World
) -> None:
    page = signed_in.get(f"/tx/{world.sealed}").text
    function = section(page, "tx-function")
    assert "sealed" in text_of(function)
    for lei in (FUJI, SAKURA, KANDA):
        assert f'href="/institution/{lei}"' in function, f"recipient {lei} listed"
    assert "ciphertext" not in page and "wrappedKey" not in page
    assert SSI_ACCOUNT not in page
    for code, hex_value in (("XTKS", "0x58544b53"), ("JPY", "0x4a5059")):
        assert f'<span class="text" title="{hex_value}">{code}</span>' in function


def test_tx__fund_registered__fund_code_links_to_the_fund(
    signed_in: TestClient, world: World
) -> None:
    page = signed_in.get(f"/tx/{world.fund_tx}").text
    assert f'href="/fund/{world.fund_code}"' in page
    assert "FundRegistry.FundRegistered" in text_of(page)
    assert "EXPLORER-1" in text_of(section(page, "tx-function"))


def test_address__institution_roles_and_transactions_newest_first(
    signed_in: TestClient, world: World
) -> None:
    address = dev_account(ASSET_MANAGER).address
    page = signed_in.get(f"/address/{address.lower()}").text
    owner = text_of(section(page, "address-owner"))
    assert SAKURA_NAME in owner and SAKURA in owner and "ASSET_MANAGER" in owner
    rows = re.findall(r'<tr class="tx-row">\s*<td><a href="/tx/(0x[0-9a-f]{64})"', page)
    assert rows[:2] == [world.failed, world.fund_tx], "sent transactions, newest first"


def test_address__paged_by_keyset__pages_join_without_gap_or_repeat(
    signed_in: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = dev_account(OPERATOR).address
    monkeypatch.setattr(chain_pages, "ADDRESS_ROWS", 1_000)  # every row on one page
    whole = signed_in.get(f"/address/{address}").text
    everything = re.findall(r'<tr class="tx-row">\s*<td><a href="/tx/(0x[0-9a-f]{64})"', whole)
    monkeypatch.setattr(chain_pages, "ADDRESS_ROWS", 7)
    seen: list[str] = []
    path = f"/address/{address}"
    while True:
        page = signed_in.get(path).text
        seen += re.findall(r'<tr class="tx-row">\s*<td><a href="/tx/(0x[0-9a-f]{64})"', page)
        more = re.search(r'id="more" href="([^"]+)"', page)
        if more is None:
            break
        path = html.unescape(more.group(1))
    assert len(everything) > 7 and seen == everything


def test_address__contract__named_and_linked_to_its_page(signed_in: TestClient) -> None:
    page = section(signed_in.get("/contracts").text, "contracts")
    address = re.search(r'PlatformAccess</a></td><td><a href="/address/(0x[0-9a-fA-F]{40})"', page)
    assert address is not None
    found = signed_in.get(f"/address/{address.group(1)}").text
    assert 'href="/contract/PlatformAccess"' in section(found, "address-owner")


def test_contracts__every_deployed_contract_with_address_and_block(
    signed_in: TestClient,
) -> None:
    page = signed_in.get("/contracts").text
    table = section(page, "contracts")
    for name in DEPLOYED_CONTRACTS:
        assert f'<a href="/contract/{name}">{name}</a>' in table
    assert table.count("<tr>") == 1 + len(DEPLOYED_CONTRACTS)


@pytest.mark.parametrize("name", ["ParticipantRegistry", "PlatformAccess", "FundRegistry"])
def test_contract__abi_sources_and_code_checked_against_the_build(
    signed_in: TestClient, name: str
) -> None:
    page = signed_in.get(f"/contract/{name}").text
    assert 'class="ok"' in section(page, "code-check")
    assert "matches the compiled runtime code" in text_of(section(page, "code-check"))
    assert "0.8.30" in text_of(section(page, "compiler"))
    assert f"contract {name}" in html.unescape(page), "its Solidity source"
    assert '"type": "function"' in html.unescape(page), "the raw ABI"


def test_contract__functions_events_and_errors_listed(signed_in: TestClient) -> None:
    page = html.unescape(signed_in.get("/contract/ParticipantRegistry").text)
    functions = section(page, "abi-functions")
    assert "registerInstitution(bytes20 lei, uint8 kind, string legalName" in functions
    assert "nonpayable" in functions and "view" in functions
    assert "InstitutionRegistered(bytes20 indexed lei" in section(page, "abi-events")
    assert "PlatformAccessUnauthorized(address account, bytes32 role)" in page


def test_contract__unknown_name__404(signed_in: TestClient) -> None:
    answer = signed_in.get("/contract/Nothing")
    assert answer.status_code == 404 and "no contract" in answer.text


def test_search__each_kind_of_term__redirected_to_its_page(
    signed_in: TestClient, world: World
) -> None:
    address = dev_account(ASSET_MANAGER).address
    expected = {
        world.registered.upper().replace("0X", "0x"): f"/tx/{world.registered}",
        f" {world.indexed_to} ": f"/block/{world.indexed_to}",
        address.lower(): f"/address/{address}",
    }
    for term, target in expected.items():
        answer = signed_in.get("/search", params={"q": term})
        assert answer.status_code == 303, f"{term!r}: {answer.status_code}"
        assert answer.headers["location"] == target, f"{term!r} leads to {target}"


def test_search__hashes_and_addresses_without_0x__and_block_hashes(
    signed_in: TestClient, world: World, isolated: Node
) -> None:
    client = connect(isolated.url, isolated.deployments)
    block_hash = Web3.to_hex(client.w3.eth.get_block(world.indexed_to)["hash"])
    address = dev_account(ASSET_MANAGER).address
    expected = {
        world.registered[2:]: f"/tx/{world.registered}",
        world.registered[2:].upper(): f"/tx/{world.registered}",
        block_hash: f"/block/{world.indexed_to}",
        block_hash[2:].upper(): f"/block/{world.indexed_to}",
        address[2:]: f"/address/{address}",
        address[2:].lower(): f"/address/{address}",
    }
    for term, target in expected.items():
        answer = signed_in.get("/search", params={"q": term})
        assert answer.status_code == 303, f"{term!r}: {answer.status_code}"
        assert answer.headers["location"] == target, f"{term!r} leads to {target}"


def test_search__other_terms__asked_of_the_domain_pages(
    signed_in: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def find(_conn: object, term: str, reader: Reader) -> str | None:
        assert reader.lei == KANDA, "asked for the signed-in institution"
        asked.append(term)
        return "/fund/BP000000018" if term in ("BP000000018", "0x" + "12" * 32) else None

    monkeypatch.setattr(chain_pages, "find_domain", find)
    answer = signed_in.get("/search", params={"q": "BP000000018"})
    assert answer.headers["location"] == "/fund/BP000000018"
    agreement = signed_in.get("/search", params={"q": "0x" + "12" * 32})
    assert agreement.headers["location"] == "/fund/BP000000018", "a hash that is no transaction"
    assert signed_in.get("/search", params={"q": "99999999"}).status_code == 404
    assert asked == ["BP000000018", "0x" + "12" * 32, "99999999"]


def test_search__nothing_found__404_with_the_query_escaped(signed_in: TestClient) -> None:
    answer = signed_in.get("/search", params={"q": "<script>alert(1)</script>"})
    assert answer.status_code == 404
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section(answer.text, "search-query")
    assert "Nothing found" in answer.text


def test_search__empty__422(signed_in: TestClient) -> None:
    assert signed_in.get("/search", params={"q": "  "}).status_code == 422


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/block/99999999", 404, "no block 99999999"),
        ("/block/abc", 422, "valid integer"),
        ("/block/-1", 422, "greater than or equal to 0"),
        ("/tx/0x12", 422, "not a transaction hash"),
        ("/tx/0x" + "00" * 32, 404, "no transaction"),
        ("/address/0xnothex", 422, "not an address"),
        ("/address/0x70997970C51812dc3A010C7d01b50e0d17dc79c8", 422, "not an address"),
        ("/address/0x70997970C51812dc3A010C7d01b50e0d17dc79C8?before=x", 422, "before="),
        ("/nowhere", 404, "no page /nowhere"),
    ],
)
def test_error_pages__html_in_the_layout(
    signed_in: TestClient, path: str, status: int, words: str
) -> None:
    answer = signed_in.get(path)
    assert answer.status_code == status, f"{path}: {answer.status_code}"
    assert "text/html" in answer.headers["content-type"]
    assert words in html.unescape(answer.text), f"{path} says {words!r}"
    assert 'id="search"' in answer.text and KANDA in answer.text, "within the signed-in layout"


CORPORATE_HIDDEN = ("marunouchi", "under review", "98q96b", "participating", "2027-03-31")
"""Words of Sakura's corporate information (lower case): sealed, on no page for anyone."""


def browser_of(app: FastAPI, tokens_file: Path, lei: str) -> TestClient:
    """The explorer signed in as ``lei`` (an API token in the header)."""
    token = issue_api_token(tokens_file, lei)
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_institution_page__corporate_information_sealed__no_status_only_its_version(
    app: FastAPI, tokens_file: Path, world: World, isolated: Node
) -> None:
    """The explorer never opens corporate information: the page shows the version, its time and
    publisher, the commitment and the recipients' LEIs; Sakura's own client opens the rest."""
    client = connect(isolated.url, isolated.deployments)
    record = corporate.corporate_records(client, SAKURA)[SAKURA]
    opened = corporate.open_corporate(client, record, SAKURA, bytes(dev_account(1).key))
    assert opened.info == CORPORATE, "the client reads back what was published"
    page = browser_of(app, tokens_file, SAKURA).get(f"/institution/{SAKURA}")
    assert page.status_code == 200
    block = section(page.text, "corporate")
    shown = text_of(block)
    assert "Version 1" in shown and "Refused no" in shown
    assert "0x" + record.commitment.hex() in block, "the commitment (in full in its title)"
    for lei in record.recipients:
        assert lei in block, f"recipient {lei} not named"
    for hidden in CORPORATE_HIDDEN:
        assert hidden not in html.unescape(page.text).lower(), f"{hidden!r} on the page"
    for hidden in ("2027-03-31", "2027-06-30", "AML", "FATCA", "CRS"):
        assert hidden not in shown, f"{hidden!r} in the corporate section"


def test_institution_page__corporate_information_not_sealed_to_the_viewer__withheld(
    signed_in: TestClient,
) -> None:
    page = signed_in.get(f"/institution/{SAKURA}")
    assert page.status_code == 200, "the institution itself is public"
    assert 'id="corporate"' not in page.text
    assert "sealed to only" in text_of(section(page.text, "corporate-withheld"))
    for hidden in CORPORATE_HIDDEN:
        assert hidden not in html.unescape(page.text).lower(), f"{hidden!r} shown to Kanda"


def test_institution_page__the_observer__a_recipient__commitment_but_no_contents(
    app: FastAPI, tokens_file: Path, world: World
) -> None:
    observer = browser_of(app, tokens_file, world.new_lei)
    page = observer.get(f"/institution/{SAKURA}")
    shown = text_of(section(page.text, "corporate"))
    assert shown.startswith("Version 1 (") and "commitment" in shown, shown
    assert world.new_lei in shown, "the observer is among the recipients"
    for hidden in CORPORATE_HIDDEN:
        assert hidden not in html.unescape(page.text).lower(), f"{hidden!r} shown to the observer"


def test_name_book__institutions_operators_roles_and_contracts(app: object, world: World) -> None:
    from bpost_client.explorer.state import Explorer

    explorer = app.state.explorer  # type: ignore[attr-defined]
    assert isinstance(explorer, Explorer)
    book = explorer.names()
    assert isinstance(book, NameBook) and book.block == world.indexed_to
    assert book is explorer.names(), "kept while the checkpoint does not move"
    owner = book.institution_of_address(world.member.lower())
    assert owner is not None and (owner.lei, owner.legal_name) == (world.new_lei, NEW_NAME)
    assert owner.roles == ("OBSERVER",) and owner.kind == "observer" and owner.bound
    assert book.legal_name(SAKURA) == SAKURA_NAME
    assert book.roles_of(dev_account(OPERATOR).address) == [
        "CODE_REGISTRAR",
        "OPERATOR",
    ], "the default admin is the consortium's timelock"
    manager = book.institution_of_address(dev_account(ASSET_MANAGER).address)
    assert manager is not None and manager.lei == SAKURA
    registry = explorer.client.manifest.address("ParticipantRegistry")
    assert book.contract_at(registry.lower()) == "ParticipantRegistry"
    assert book.institution_of_address("0x" + "00" * 20) is None


def test_create_explorer__index_of_another_chain__refused(
    world: World, tmp_path: Path, isolated: Node
) -> None:
    other = open_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    create_schema(other)
    with other.begin() as conn:
        conn.execute(
            insert(checkpoint).values(
                id=1, chain_id=1, start_block=1, block_number=1, block_hash="0x" + "00" * 32
            )
        )
    with pytest.raises(ConfigError, match="indexes chain 1"):
        create_explorer(other, connect(isolated.url, isolated.deployments))


def test_home__empty_index__says_nothing_is_indexed(
    world: World, tmp_path: Path, isolated: Node, kanda_token: str, tokens_file: Path
) -> None:
    empty = open_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    app = create_explorer(empty, connect(isolated.url, isolated.deployments), tokens_file)
    with TestClient(app) as web:
        page = web.get("/", headers={"Authorization": f"Bearer {kanda_token}"})
    assert page.status_code == 200 and "nothing indexed yet" in page.text
    assert "No blocks indexed yet." in page.text


MINATO = "3538000MINATOSEC0159"
"""A member the world's SSI is neither owned by, sealed to nor notified to."""


def _ssi_key(isolated: Node, world: World) -> str:
    client = connect(isolated.url, isolated.deployments)
    logs = client.contract("SsiRegistry").events.SsiPublished.get_logs(from_block=0)
    [log] = [log for log in logs if Web3.to_hex(log["transactionHash"]) == world.sealed]
    return Web3.to_hex(log["args"]["ssiKey"])


def test_ssi__owner_and_recipients_and_observer_see_it__a_third_finds_nothing(
    app: FastAPI, tokens_file: Path, world: World, isolated: Node
) -> None:
    key = _ssi_key(isolated, world)
    for lei in (FUJI, KANDA, SAKURA, world.new_lei):  # owner, recipients, the observer
        web = browser_of(app, tokens_file, lei)
        assert web.get(f"/ssi/{key}").status_code == 200, lei
        assert f"/ssi/{key}" in web.get("/ssis").text, lei
        assert f"/ssi/{key}" in web.get(f"/institution/{FUJI}").text, lei
        found = web.get("/search", params={"q": key}, follow_redirects=False)
        assert found.headers.get("location") == f"/ssi/{key}", lei
    third = browser_of(app, tokens_file, MINATO)
    answer = third.get(f"/ssi/{key}")
    unknown = third.get("/ssi/0x" + "ab" * 32)
    assert answer.status_code == unknown.status_code == 404
    main = [re.search(r"<main>(.*)</main>", a.text, flags=re.S) for a in (answer, unknown)]
    assert main[0] and main[1], "pages with a <main>"
    assert text_of(main[0].group(1)).replace(key, "K") == text_of(main[1].group(1)).replace(
        "0x" + "ab" * 32, "K"
    ), "answered as an unknown key"
    assert key not in third.get("/ssis").text
    assert key not in third.get(f"/institution/{FUJI}").text
    assert third.get("/search", params={"q": key}).status_code == 404


def test_fund_page__a_rejected_proposal__its_record_and_reason_shown_to_the_parties_only(
    isolated: Node, world: World, tokens_file: Path, tmp_path: Path
) -> None:
    manager, distributor = (client_of(isolated, i) for i in (ASSET_MANAGER, DISTRIBUTOR))
    proposed = attributes("Proposed Name Not Definitive")
    request = funds.propose(
        manager, world.fund_code, RequestKind.ESTABLISH, proposed, date(2026, 4, 1), due_in()
    )
    reason = "The prospectus disagrees on page 7"
    funds.reject(distributor, request, reason)
    engine = open_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    Indexer(connect(isolated.url, isolated.deployments), engine).sync()
    app = create_explorer(engine, connect(isolated.url, isolated.deployments), tokens_file)
    viewers = {SAKURA: True, FUJI: True, KANDA: True, MINATO: False, world.new_lei: False}
    for lei, party in viewers.items():  # manager, trustee, distributor; a third, the observer
        page = browser_of(app, tokens_file, lei).get(f"/fund/{world.fund_code}")
        assert page.status_code == 200, "the fund page is public"
        versions = text_of(section(page.text, "fund-versions"))
        assert f"#{request} " in versions and f"rejected by {KANDA}" in versions, lei
        assert (proposed.name_en in versions) is party, lei
        assert (reason in versions) is party, lei
        if not party:
            assert "shown to the fund's parties only" in versions
    engine.dispose()
