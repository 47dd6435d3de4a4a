"""Corporate information sealed to those entitled: Fuji Trust Bank's statuses, GIIN and dates
reach the parties of its funds (Sakura, Kanda), its lending counterparties and the supervisory
observer (Kasumigaseki); Minato Securities, a competitor reading the whole chain, finds none of
them. The contract checks no status: the publisher's client refuses a bad value before sealing,
and a recipient's client refuses on chain a version it cannot open or finds invalid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.exceptions import ValidationError
from bpost_client.lending import agreements as lending
from bpost_client.lending.counterparties import agreement_counterparties
from bpost_client.platform.confidential import NotEntitledError, seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.signers import dev_account
from bpost_client.registry import corporate, funds
from bpost_client.registry.corporate import RefusalReason
from tests.conftest import Node
from tests.lending.test_agreements import TERMS as LENDING_TERMS
from tests.privacy.scanner import ChainBytes, chain_bytes, found
from tests.registry.test_funds import registration

FUJI, SAKURA, KANDA = "3538000FUJITRUST0138", "3538000SAKURAAM00151", "3538000KANDABANK0193"
MINATO, KASUMI = "3538000MINATOSEC0159", "3538000KASUMIOBS0164"
NEXT_REVIEW, RENEWAL = date(2029, 5, 17), date(2028, 11, 23)  # dates no public record holds
GIIN = "7Q4K2M.99731.LE.392"
ADDRESS = "4-5-6 Kitahama, Chuo-ku, Osaka 541-0041"
INFO = corporate.CorporateInfo(
    registered_address=ADDRESS,
    aml_status=corporate.AmlStatus.ESCALATED,
    next_review_date=NEXT_REVIEW,
    fatca_status=corporate.FatcaStatus.REPORTING_MODEL1_FFI,
    crs_status=corporate.CrsStatus.FINANCIAL_INSTITUTION,
    lei_renewal_date=RENEWAL,
    giin=GIIN,
    kyc_document_hashes=(keccak(b"Fuji articles of incorporation 2026"),),
)
SECRET = corporate.CorporateConfidential("EDD reopened 2026-09", ("vault://kyc/fuji/2026",))


def _client(node: Node, index: int) -> Client:
    return connect(node.url, node.deployments, dev_account(index))


def _key(index: int) -> bytes:
    return bytes(dev_account(index).key)


@pytest.fixture
def minato(isolated: Node) -> Client:
    return _client(isolated, 3)


@pytest.fixture
def fund(asset_manager: Client) -> str:
    """A Sakura fund with Fuji as trustee and Kanda as distributor."""
    [code] = funds.register_funds(asset_manager, [registration("SAKURA-CORP")])
    return code


def test_publish__sealed_to_fund_parties_and_observer__a_competitor_reads_nothing(
    isolated: Node, trustee: Client, asset_manager: Client, minato: Client, fund: str
) -> None:
    before = trustee.w3.eth.block_number
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    record = corporate.corporate_records(minato, FUJI)[FUJI]
    assert record.recipients == (FUJI, KANDA, SAKURA, KASUMI), "owner, fund parties, observer"
    for reader, index in ((SAKURA, 1), (KANDA, 4), (KASUMI, 7), (FUJI, 2)):
        opened = corporate.open_corporate(asset_manager, record, reader, _key(index))
        assert (opened.info, opened.confidential) == (INFO, SECRET), f"{reader} opens it"
    with pytest.raises(NotEntitledError):
        corporate.open_corporate(minato, record, MINATO, _key(3))

    # the competitor: every input and log of the chain, and the stored state
    seen = chain_bytes(minato.w3, before)
    dates = [int(d.strftime("%Y%m%d")) for d in (NEXT_REVIEW, RENEWAL)]
    assert found(seen, dates) == {str(d): [] for d in dates}, "no date in any encoding"
    for text in (GIIN.encode(), ADDRESS.encode(), b"EDD reopened", *INFO.kyc_document_hashes):
        assert text not in seen.data, f"{text!r} is on chain in clear"
    state = minato.read(
        minato.contract("CorporateRegistry").functions.getCorporateInfo(FUJI.encode())
    )
    assert not set(dates) & {v for v in state if isinstance(v, int)}
    # the positive control: the same search finds the values in the plaintext that was sealed
    plain = ChainBytes(0, 0, 0, 0, corporate.plaintext_of(INFO, SECRET))
    assert all(found(plain, dates).values()) and GIIN.encode() in plain.data


def test_publish__lending_counterparties__among_the_recipients(
    trustee: Client, minato: Client
) -> None:
    lending.propose(trustee, LENDING_TERMS, effective_from=date(2026, 6, 1))  # Fuji lends to Minato
    assert agreement_counterparties(minato, FUJI) == {MINATO}
    assert agreement_counterparties(minato, KANDA) == set()
    corporate.publish_corporate_info(
        trustee, [(FUJI, INFO, SECRET)], counterparties=agreement_counterparties
    )
    record = corporate.corporate_records(minato, FUJI)[FUJI]
    assert record.recipients == (FUJI, MINATO, KASUMI)
    assert corporate.open_corporate(minato, record, MINATO, _key(3)).info == INFO


def test_publish__invalid_values__refused_by_the_publishers_client_before_sealing(
    trustee: Client,
) -> None:
    """A status the enums do not hold cannot be built; one smuggled past them (an int where an
    enum belongs) and a bad date are named by field, and nothing is sent."""
    bad = replace(INFO, aml_status=9)  # type: ignore[arg-type]
    head = trustee.w3.eth.block_number
    with pytest.raises(corporate.InvalidCorporateInfo) as caught:
        corporate.publish_corporate_info(trustee, [(FUJI, bad, SECRET)])
    assert [(e.column, e.reason) for e in caught.value.errors] == [
        ("aml_status", "9 is outside 1 to 4")
    ]
    assert trustee.w3.eth.block_number == head, "nothing sent"
    values = list(INFO.to_abi())
    values[2], values[5] = 20291340, 0
    assert corporate.problems_of(values) == [
        ("crs_status", "0 is outside 1 to 3"),
        ("next_review_date", "20291340 is not a yyyymmdd date"),
    ]


def _publish_raw(client: Client, plaintext: bytes, recipients: list[str], version: int) -> None:
    """What a publisher whose client does not check sends: any plaintext, sealed properly."""
    binding = corporate.corporate_binding(client, FUJI, version)
    sealed = seal(plaintext, recipient_keys(client, recipients), binding)
    publish = client.contract("CorporateRegistry").functions.publishCorporateInfo
    client.sender.send(publish([(FUJI.encode(), sealed.to_abi())]))


def test_check__invalid_status__refused_on_chain_by_the_recipient_then_republished(
    trustee: Client, asset_manager: Client, minato: Client, fund: str
) -> None:
    values = list(INFO.to_abi())
    values[1] = 7  # an AML/CFT status that is none
    plaintext = encode([corporate.PLAINTEXT_ABI], [(*values, "", [])])
    _publish_raw(trustee, plaintext, [FUJI, SAKURA, KANDA, KASUMI], version=1)
    with pytest.raises(corporate.InvalidCorporateInfo, match="aml_status: 7 is outside 1 to 4"):
        record = corporate.corporate_records(asset_manager, FUJI)[FUJI]
        corporate.open_corporate(asset_manager, record, SAKURA, _key(1))

    checked = corporate.check_corporate(asset_manager, FUJI, SAKURA, _key(1))
    assert (checked.reason, checked.refused) == (RefusalReason.INVALID, True)
    assert "aml_status" in checked.problem
    record = corporate.corporate_records(minato, FUJI)[FUJI]
    assert (record.refused_by, record.refusal_reason) == (SAKURA, RefusalReason.INVALID)
    again = corporate.check_corporate(asset_manager, FUJI, SAKURA, _key(1))
    assert again.refused is False, "refused once"

    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    latest = corporate.corporate_records(minato, FUJI)[FUJI]
    assert (latest.version, latest.refused) == (2, False)
    assert corporate.check_corporate(asset_manager, FUJI, SAKURA, _key(1)).opened is not None


def test_check__not_openable_by_its_recipient__refused_as_unopenable(
    trustee: Client, asset_manager: Client
) -> None:
    """Sakura is named a recipient, but its copy of the data key was wrapped to another key."""
    plaintext = corporate.plaintext_of(INFO, SECRET)
    binding = corporate.corporate_binding(trustee, FUJI, 1)
    keys = recipient_keys(trustee, [FUJI, KANDA])
    sealed = seal(plaintext, {FUJI: keys[FUJI], SAKURA: keys[KANDA]}, binding)  # type: ignore[index]
    publish = trustee.contract("CorporateRegistry").functions.publishCorporateInfo
    trustee.sender.send(publish([(FUJI.encode(), sealed.to_abi())]))
    checked = corporate.check_corporate(asset_manager, FUJI, SAKURA, _key(1))
    assert (checked.reason, checked.refused) == (RefusalReason.UNOPENABLE, True)


def test_refuse__by_a_competitor_not_among_the_recipients__refused_with_the_contract_error(
    trustee: Client, minato: Client
) -> None:
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    record = corporate.corporate_records(minato, FUJI)[FUJI]
    with pytest.raises(exceptions.CorporateRegistryNotRecipient):
        corporate.refuse_corporate_info(minato, record, RefusalReason.INVALID)
    with pytest.raises(ValidationError, match="not sealed to"):
        corporate.check_corporate(minato, FUJI, MINATO, _key(3))


def test_recipients_hash__as_the_contract_stores_it(trustee: Client) -> None:
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    record = corporate.corporate_records(trustee, FUJI)[FUJI]
    state = trustee.read(
        trustee.contract("CorporateRegistry").functions.getCorporateInfo(FUJI.encode())
    )
    assert bytes(state[3]) == corporate.recipients_hash(record.recipients)
    assert bytes(state[2]) == record.commitment


def test_check_plaintext__non_canonical_or_garbage__invalid() -> None:
    plaintext = corporate.plaintext_of(INFO, SECRET)
    assert corporate.check_plaintext(plaintext) == (INFO, SECRET)
    for bad in (plaintext + b"\0" * 32, b"not an encoding", plaintext[:-32]):
        with pytest.raises(corporate.InvalidCorporateInfo):
            corporate.check_plaintext(bad)


def test_abi__no_input_event_or_view_field_carries_a_status_date_giin_or_address() -> None:
    """A structural walk of CorporateRegistry's ABI (the shared walker of tests/privacy, which
    also classifies each field that reaches the chain): what every member reads names none of
    the sealed fields (the positive control: the sealed plaintext's own field names do)."""
    import re

    from bpost_client.contracts import load_abi
    from tests.privacy.abi_fields import abi_fields

    sealed = re.compile(r"status|date|giin|address|aml|fatca|crs|kyc|review|renewal", re.I)
    fields = [f.name for f in abi_fields(load_abi("CorporateRegistry"), reads=True)]
    assert fields and [f for f in fields if sealed.search(f)] == []
    assert sealed.search("amlStatus") and sealed.search("nextReviewDate"), "the pattern can fail"
