"""The explorer against the session anvil (``tests/conftest.py``), in-process through FastAPI's
TestClient.

A module's tests share one world, made once under the module's own snapshot and indexed once into
a SQLite file: an institution registered with a new operator, a role granted to it, an SSI whose
account is sealed to two institutions, a fund registered, and a transaction the chain refused
with a custom error. Each test gets a fresh app (its own sessions and caches) over that index.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from eth_account.messages import encode_defunct
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from web3 import Web3

from bpost_client import exceptions
from bpost_client.api.auth import issue_api_token
from bpost_client.client import Client, connect
from bpost_client.explorer.app import create_explorer
from bpost_client.explorer.session import COOKIE
from bpost_client.indexer import Indexer, open_engine
from bpost_client.platform import participants, roles
from bpost_client.platform.signers import dev_account
from bpost_client.registry import corporate, funds, ssi
from bpost_client.types import InstitutionType, Role
from tests.conftest import Node, rpc
from tests.helpers import Clock, fresh_account, make_lei
from tests.registry.test_funds import registration

with warnings.catch_warnings():
    # Starlette would rather use httpx2, which the project does not pin; httpx 0.28 works.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

SAKURA, FUJI, KANDA, KASUMI = (
    "3538000SAKURAAM00151",
    "3538000FUJITRUST0138",
    "3538000KANDABANK0193",
    "3538000KASUMIOBS0164",
)
OPERATOR, ASSET_MANAGER, TRUSTEE, DISTRIBUTOR, OBSERVER = 0, 1, 2, 4, 7
NEW_NAME = "Explorer Test Institution <b>&</b>"
SSI_TERMS = ssi.SsiTerms(
    market="XTKS",
    security_type="EQUITY",
    currency="JPY",
    settlement_method="DVP",
    custodian_bic="MHCBJPJT",
    place_of_settlement="JASDJPJT",
    effective_from=date(2026, 4, 1),
)
SSI_ACCOUNT = "0012345678"
CORPORATE = corporate.CorporateInfo(
    registered_address="0x1 Marunouchi, Chiyoda-ku, Tokyo",  # text that looks like hex stays text
    aml_status=corporate.AmlStatus.UNDER_REVIEW,
    next_review_date=date(2027, 3, 31),
    fatca_status=corporate.FatcaStatus.PARTICIPATING_FFI,
    crs_status=corporate.CrsStatus.FINANCIAL_INSTITUTION,
    lei_renewal_date=date(2027, 6, 30),
    giin="98Q96B.00000.LE.392",
    kyc_document_hashes=(b"\x11" * 32, b"\x22" * 32),
)


@dataclass(frozen=True)
class World:
    """What the module's chain holds beyond the seeded roster, and its index."""

    engine: Engine
    new_lei: str
    member: str
    registered: str
    granted: str
    sealed: str
    fund_tx: str
    fund_code: str
    failed: str
    indexed_to: int


def client_of(node: Node, index: int) -> Client:
    return connect(node.url, node.deployments, dev_account(index))


def _hex(value: Any) -> str:
    return Web3.to_hex(value)


def _make_world(node: Node, database: Path) -> World:
    operator, manager, trustee = (client_of(node, i) for i in (OPERATOR, ASSET_MANAGER, TRUSTEE))
    member_key = fresh_account()
    member = member_key.address
    new_lei = make_lei(77)
    spec = participants.InstitutionSpec(
        new_lei,
        NEW_NAME,
        InstitutionType.OBSERVER,
        participants.encryption_key_of(fresh_account()),
        (member,),
    )
    admission = participants.admission_of(operator, member_key, spec)
    registered = participants.register_institution(operator, spec, admission)["transactionHash"]
    granted = roles.grant_role(operator, Role.OBSERVER, member)["transactionHash"]
    [sealed] = ssi.publish_ssis(trustee, [(SSI_TERMS, SSI_ACCOUNT)], [SAKURA, KANDA])
    secret = corporate.CorporateConfidential("reviewed 2026-09", ("KYC-1",))
    corporate.publish_corporate_info(manager, [(SAKURA, CORPORATE, secret)])
    count = manager.contract("FundRegistry").functions.fundCount().call()
    [code] = funds.register_funds(manager, [registration("EXPLORER-1")])
    assert int(count) >= 0
    fund_block = manager.w3.eth.block_number
    fund_tx = manager.w3.eth.get_block(fund_block)["transactions"][0]
    registry = manager.contract("ParticipantRegistry")
    data = registry.encode_abi(
        "registerInstitution",
        args=[b"\x01" * 20, 1, "Refused", spec.encryption_key, member, b"\x01" * 65],
    )
    with pytest.raises(exceptions.PlatformAccessUnauthorized):  # mined with its gas given
        manager.sender.send({"to": registry.address, "data": data, "gas": 1_000_000})
    failed = manager.w3.eth.get_block("latest")["transactions"][0]
    engine = open_engine(f"sqlite:///{database}")
    reader = connect(node.url, node.deployments)
    report = Indexer(reader, engine).sync()
    assert report.indexed_to is not None
    return World(
        engine=engine,
        new_lei=new_lei,
        member=member,
        registered=_hex(registered),
        granted=_hex(granted),
        sealed=_hex(sealed["transactionHash"]),
        fund_tx=_hex(fund_tx),
        fund_code=str(code),
        failed=_hex(failed),
        indexed_to=report.indexed_to,
    )


@pytest.fixture(scope="module")
def world(node: Node, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The module's world on chain and in its index; gone from the chain after the module."""
    snapshot = rpc(node.url, "evm_snapshot")
    try:
        made = _make_world(node, tmp_path_factory.mktemp("explorer") / "index.sqlite")
        yield made
        made.engine.dispose()
    finally:
        rpc(node.url, "evm_revert", snapshot)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return tmp_path / "api-tokens.yaml"


@pytest.fixture
def app(isolated: Node, world: World, tokens_file: Path, clock: Clock) -> FastAPI:
    return create_explorer(
        world.engine, connect(isolated.url, isolated.deployments), tokens_file, clock=clock
    )


@pytest.fixture
def visitor(app: FastAPI) -> Iterator[TestClient]:
    """A browser that is not signed in (redirects are not followed)."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def kanda_token(tokens_file: Path) -> str:
    """An API token of Kanda Bank, a distributor."""
    return issue_api_token(tokens_file, KANDA)


@pytest.fixture
def signed_in(visitor: TestClient, kanda_token: str) -> TestClient:
    """The browser signed in as Kanda Bank with its API token (the cookie set by /login)."""
    answer = visitor.post("/login", data={"token": kanda_token, "next": "/"})
    assert answer.status_code == 303, answer.text
    assert visitor.cookies.get(COOKIE)
    return visitor


def nonce_of(page: str) -> str:
    """The challenge nonce a login page shows."""
    found = re.search(r'<span id="nonce">([0-9a-f]+)</span>', page)
    assert found, "the login page shows a nonce"
    return found.group(1)


def signature_form(visitor: TestClient, index: int, next_path: str = "/") -> dict[str, str]:
    """The login form of dev account ``index``, signing the nonce of a fresh login page."""
    nonce = nonce_of(visitor.get("/login").text)
    account = dev_account(index)
    text = f"B-POST API login\nnonce: {nonce}"
    signature = account.sign_message(encode_defunct(text=text)).signature
    return {
        "address": account.address,
        "nonce": nonce,
        "signature": "0x" + bytes(signature).hex(),
        "next": next_path,
    }
