"""SSI and corporate information through the client, and the confidentiality property: an
institution the data was not sealed to, reading the same chain, cannot recover the plaintext."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from eth_utils.crypto import keccak

from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError
from bpost_client.platform.confidential import (
    Binding,
    NotEntitledError,
    open_sealed,
    padded_size,
    seal,
)
from bpost_client.platform.participants import encryption_key_of
from bpost_client.platform.signers import dev_account
from bpost_client.registry import corporate, ssi
from tests.conftest import Node

MANAGER, TRUSTEE, MINATO, KANDA = (
    "3538000SAKURAAM00151",
    "3538000FUJITRUST0138",
    "3538000MINATOSEC0159",
    "3538000KANDABANK0193",
)
ACCOUNT = "0012345678"
TERMS = ssi.SsiTerms(
    market="XTKS",
    security_type="EQUITY",
    currency="JPY",
    settlement_method="DVP",
    custodian_bic="MHCBJPJT",
    place_of_settlement="JASDJPJT",
    effective_from=date(2026, 4, 1),
)


@pytest.fixture
def kanda(isolated: Node) -> Client:
    return connect(isolated.url, isolated.deployments, dev_account(4))


@pytest.fixture
def minato(isolated: Node) -> Client:
    return connect(isolated.url, isolated.deployments, dev_account(3))


def chain_bytes(client: Client, receipts: list[object]) -> bytes:
    """Every byte of the transactions and logs a node operator sees for ``receipts``."""
    seen = b""
    for receipt in receipts:
        tx_hash = receipt["transactionHash"]  # type: ignore[index]
        seen += bytes(client.w3.eth.get_transaction(tx_hash)["input"])
        for log in client.w3.eth.get_transaction_receipt(tx_hash)["logs"]:
            seen += bytes(log["data"]) + b"".join(bytes(t) for t in log["topics"])
    return seen


@pytest.mark.both_backends
def test_ssi__entitled_read_the_account__others_cannot(
    trustee: Client, asset_manager: Client, minato: Client
) -> None:
    receipts = ssi.publish_ssis(trustee, [(TERMS, ACCOUNT)], [MANAGER, KANDA])
    on = date(2026, 5, 1)  # the network keeps other tests' SSIs of Fuji (securities lending's)
    [found] = ssi.applicable_ssis(asset_manager, TRUSTEE, "XTKS", "JPY", on, security_type="EQUITY")
    assert found.terms == TERMS and found.account.entitled == (TRUSTEE, MANAGER, KANDA)
    assert ssi.read_account(asset_manager, found, MANAGER, bytes(dev_account(1).key)) == ACCOUNT
    assert ssi.read_account(asset_manager, found, TRUSTEE, bytes(dev_account(2).key)) == ACCOUNT
    [seen_by_minato] = ssi.applicable_ssis(
        minato, TRUSTEE, "XTKS", "JPY", on, security_type="EQUITY"
    )
    with pytest.raises(NotEntitledError):
        ssi.read_account(minato, seen_by_minato, MINATO, bytes(dev_account(3).key))
    binding = ssi.account_binding(minato, seen_by_minato.key, seen_by_minato.version)
    for lei, _ in seen_by_minato.account.recipients:  # Minato's key opens no copy
        with pytest.raises(NotEntitledError):
            open_sealed(seen_by_minato.account, lei, bytes(dev_account(3).key), binding)
    on_chain = chain_bytes(trustee, receipts)
    assert ACCOUNT.encode() not in on_chain
    assert keccak(ACCOUNT.encode()) not in on_chain, "an unsalted hash would give the account away"
    assert found.account.commitment in on_chain


def test_ssi__future_dated_version_replaces_on_its_date_and_notifies(
    trustee: Client, asset_manager: Client
) -> None:
    ssi.publish_ssis(trustee, [(TERMS, ACCOUNT)], [MANAGER])
    later = replace(TERMS, effective_from=date(2026, 10, 1), custodian_bic="BOTKJPJTXXX")
    ssi.publish_ssis(trustee, [(later, "0099999999")], [MANAGER])
    [before] = ssi.applicable_ssis(asset_manager, TRUSTEE, "XTKS", "JPY", date(2026, 9, 30))
    [after] = ssi.applicable_ssis(asset_manager, TRUSTEE, "XTKS", "JPY", date(2026, 10, 1))
    assert (before.version, before.terms.custodian_bic) == (1, "MHCBJPJT")
    assert (after.version, after.terms.custodian_bic) == (2, "BOTKJPJTXXX")
    assert (
        ssi.read_account(asset_manager, after, MANAGER, bytes(dev_account(1).key)) == "0099999999"
    )
    assert ssi.applicable_ssis(asset_manager, TRUSTEE, "XTKS", "USD", date(2026, 10, 1)) == []
    notices = ssi.notifications(asset_manager, MANAGER)
    assert list(notices["owner"]) == [TRUSTEE, TRUSTEE] and list(notices["version"]) == [1, 2]
    assert list(notices["effective_from"]) == [date(2026, 4, 1), date(2026, 10, 1)]
    assert list(notices["ssi_key"]) == ["0x" + before.key.hex()] * 2
    assert list(notices.columns) == [
        "block",
        "time",
        "owner",
        "ssi_key",
        "version",
        "effective_from",
    ]
    assert str(notices["time"].dt.tz) == "UTC" and notices["block"].is_monotonic_increasing
    assert ssi.ssi_key(TRUSTEE, TERMS) == before.key == after.key


def test_ssi_terms__bad_bic_country__refused_before_sending() -> None:
    with pytest.raises(ValueError, match="ISO 3166"):
        replace(TERMS, custodian_bic="MHCBQQJT")


def test_corporate__content_for_the_entitled_only(
    trustee: Client, asset_manager: Client, minato: Client
) -> None:
    info = corporate.CorporateInfo(
        registered_address="1-2-3 Marunouchi, Chiyoda-ku, Tokyo",
        aml_status=corporate.AmlStatus.CLEARED,
        next_review_date=date(2027, 3, 31),
        fatca_status=corporate.FatcaStatus.PARTICIPATING_FFI,
        crs_status=corporate.CrsStatus.FINANCIAL_INSTITUTION,
        lei_renewal_date=date(2026, 1, 15),
        giin="98Q96B.00000.LE.392",
        kyc_document_hashes=(keccak(b"articles of incorporation"),),
    )
    secret = corporate.CorporateConfidential(
        "EDD completed 2026-03; no adverse media", ("vault://kyc/fuji/2026",)
    )
    [receipt] = corporate.publish_corporate_info(
        trustee, [(TRUSTEE, info, secret)], share_with=[MANAGER]
    )
    record = corporate.corporate_records(minato, TRUSTEE)[TRUSTEE]
    assert record.version == 1
    opened = corporate.open_corporate(minato, record, MANAGER, bytes(dev_account(1).key))
    assert (opened.info, opened.confidential) == (info, secret)
    with pytest.raises(NotEntitledError):
        corporate.open_corporate(minato, record, MINATO, bytes(dev_account(3).key))
    on_chain = chain_bytes(trustee, [receipt])
    for clear in (b"vault://kyc", b"adverse media", b"98Q96B.00000.LE.392", b"Marunouchi"):
        assert clear not in on_chain, f"{clear!r} in clear"
    assert corporate.warnings(opened, date(2026, 6, 1)) == [
        f"{TRUSTEE}: LEI renewal lapsed on 2026-01-15"
    ]


def test_corporate__ffi_without_giin__refused() -> None:
    with pytest.raises(ValueError, match="GIIN"):
        corporate.CorporateInfo(
            "Tokyo",
            corporate.AmlStatus.CLEARED,
            date(2027, 1, 1),
            corporate.FatcaStatus.PARTICIPATING_FFI,
            corporate.CrsStatus.FINANCIAL_INSTITUTION,
            date(2027, 1, 1),
        )


BINDING = Binding(20201030, "0x" + "11" * 20, b"\x01" * 32, 1, "account")


def test_sealed__tampered_ciphertext_or_commitment__detected() -> None:
    key = bytes(dev_account(1).key)
    sealed = seal(b"secret", {MANAGER: encryption_key_of(dev_account(1))}, BINDING)
    assert open_sealed(sealed, MANAGER, key, BINDING) == b"secret"
    flipped = sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])
    with pytest.raises(BPostError, match="authentication"):
        open_sealed(replace(sealed, ciphertext=flipped), MANAGER, key, BINDING)
    with pytest.raises(BPostError, match="commitment"):
        open_sealed(replace(sealed, commitment=b"\0" * 32), MANAGER, key, BINDING)


@pytest.mark.parametrize(
    "elsewhere",
    [
        replace(BINDING, chain_id=1),
        replace(BINDING, contract="0x" + "22" * 20),
        replace(BINDING, record=b"\x02" * 32),
        replace(BINDING, version=2),
        replace(BINDING, field="figures"),
    ],
    ids=["chain", "contract", "record", "version", "field"],
)
def test_sealed__opened_as_another_records__refused(elsewhere: Binding) -> None:
    """A payload opens only as what it was sealed for: replayed into another chain, contract,
    record, version or field, its authentication fails."""
    key = bytes(dev_account(1).key)
    sealed = seal(b"secret", {MANAGER: encryption_key_of(dev_account(1))}, BINDING)
    with pytest.raises(BPostError, match="sealed for another record"):
        open_sealed(sealed, MANAGER, key, elsewhere)


def test_ssi__account_replayed_into_another_ssi__refused(
    trustee: Client, asset_manager: Client
) -> None:
    """Fuji copies its sealed account of one SSI, as the chain shows it, into another SSI's
    version: Sakura's client refuses to read it as that SSI's account."""
    ssi.publish_ssis(trustee, [(TERMS, ACCOUNT)], [MANAGER])
    [original] = ssi.applicable_ssis(asset_manager, TRUSTEE, "XTKS", "JPY", date(2026, 5, 1))
    other = replace(TERMS, currency="USD")
    publish = trustee.contract("SsiRegistry").functions.publishSsis
    trustee.sender.send(publish([(other.to_abi(), original.account.to_abi())]))
    [copied] = ssi.applicable_ssis(asset_manager, TRUSTEE, "XTKS", "USD", date(2026, 5, 1))
    assert copied.account == original.account, "the same bytes on chain"
    with pytest.raises(BPostError, match="sealed for another record"):
        ssi.read_account(asset_manager, copied, MANAGER, bytes(dev_account(1).key))


def test_padded_size__buckets_then_steps_of_4096() -> None:
    assert [padded_size(n) for n in (0, 255, 256, 511, 4095, 4096, 8191, 8192)] == [
        256, 256, 512, 512, 4096, 8192, 8192, 12288,
    ]  # fmt: skip


@pytest.mark.parametrize("plaintext", [b"", b"\x80", b"ends in the mark\x80\x00\x00", b"x" * 300])
def test_sealed__padded__opens_to_the_exact_plaintext(plaintext: bytes) -> None:
    key = bytes(dev_account(1).key)
    sealed = seal(plaintext, {MANAGER: encryption_key_of(dev_account(1))}, BINDING)
    assert open_sealed(sealed, MANAGER, key, BINDING) == plaintext


def test_sealed__lengths_hidden__a_1_byte_and_a_200_byte_payload_alike() -> None:
    recipients = {MANAGER: encryption_key_of(dev_account(1))}
    short, long = (seal(b"x" * n, recipients, BINDING) for n in (1, 200))
    assert len(short.ciphertext) == len(long.ciphertext) == 12 + 16 + 256
    assert len(seal(b"x" * 300, recipients, BINDING).ciphertext) == 12 + 16 + 512
