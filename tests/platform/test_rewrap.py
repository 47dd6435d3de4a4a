"""Keys rotate, old records stay readable: Fuji Trust Bank rotates its key by its own signed key
change, re-wraps the data keys of what was sealed to the old one (``KeyRewraps``), and opens its
old corporate information with the new key and the re-wrapped copies. Minato Securities, a
competitor, neither finds its payloads among Fuji's nor posts re-wraps in Fuji's name."""

from __future__ import annotations

import coincurve
import pytest

from bpost_client import exceptions
from bpost_client.cli import main
from bpost_client.client import Client, connect
from bpost_client.contracts import DEPLOYED_CONTRACTS
from bpost_client.exceptions import ValidationError
from bpost_client.identifiers import bytes20_from_lei
from bpost_client.platform import rewrap
from bpost_client.platform.confidential import KeyRing, NotEntitledError, payload_id
from bpost_client.platform.participants import (
    add_operator,
    encryption_key_of,
    operator_consent,
    set_encryption_key,
)
from bpost_client.platform.signers import dev_account
from bpost_client.registry import corporate
from tests.conftest import Node
from tests.helpers import strict_json
from tests.registry.test_corporate import FUJI, INFO, MINATO, SECRET

FUJI_KEY = bytes(dev_account(2).key)  # Fuji's key at admission: its operator's (dev account 2)


@pytest.fixture
def minato(isolated: Node) -> Client:
    """Minato Securities' operator (dev account 3), a competitor of Fuji."""
    return connect(isolated.url, isolated.deployments, dev_account(3))


def _rotate(trustee: Client) -> coincurve.PrivateKey:
    """Fuji's own key change to a fresh key (signed by its operator)."""
    new = coincurve.PrivateKey()
    set_encryption_key(trustee, FUJI, new.public_key.format(compressed=True))
    return new


def test_sealed_fields__found_by_their_components_in_every_abi() -> None:
    """Every event field that is a Sealed tuple, from the ABIs alone: no list per domain."""
    found = {(f.contract, f.event, f.name) for f in rewrap.sealed_fields(DEPLOYED_CONTRACTS)}
    assert found == {
        ("SsiRegistry", "SsiPublished", "account"),
        ("CorporateRegistry", "CorporateInfoPublished", "info"),
        ("LendingAgreements", "AgreementProposed", "terms"),
        ("LendingAgreements", "MovementsRecorded", "movements"),
        ("LendingPairs", "PairSettingsProposed", "secrets"),
        ("LendingStatements", "StatementCommitted", "opening"),
        ("LendingStatements", "FiguresSubmitted", "figures"),
        ("LendingStatements", "ResolutionProposed", "adjusted"),
        ("LendingStatements", "StatementCommented", "comment"),
    }


def test_rewrap__after_a_key_rotation__old_record_opens_with_the_ring_once_re_wrapped(
    trustee: Client, minato: Client
) -> None:
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    corporate.publish_corporate_info(minato, [(MINATO, INFO, SECRET)])
    record = corporate.corporate_records(trustee, FUJI)[FUJI]
    others = corporate.corporate_records(trustee, MINATO)[MINATO]
    new = _rotate(trustee)
    with pytest.raises(NotEntitledError):
        corporate.open_corporate(trustee, record, FUJI, new.secret)
    with pytest.raises(NotEntitledError):  # nothing re-wrapped yet
        corporate.open_corporate(trustee, record, FUJI, rewrap.key_ring(trustee, FUJI, new.secret))

    found = {a.payload for a in rewrap.sealed_payloads_to(trustee, FUJI)}
    assert payload_id(record.sealed.ciphertext) in found, "Fuji's own corporate information"
    assert payload_id(others.sealed.ciphertext) not in found, "Minato's is not sealed to Fuji"

    report = rewrap.rewrap_data_keys(trustee, FUJI, FUJI_KEY, new.secret)
    counts = (report.found, report.rewrapped, report.already, report.current)
    assert counts == (len(found), len(found), 0, 0), "every payload sealed to Fuji, once"
    assert report.unopenable == () and len(report.transactions) == 1
    assert report.key_version == rewrap.key_version(trustee, FUJI)
    ring = rewrap.key_ring(trustee, FUJI, new.secret)
    opened = corporate.open_corporate(trustee, record, FUJI, ring)
    assert (opened.info, opened.confidential) == (INFO, SECRET), "the old record opens"

    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])  # sealed to the new key
    again = rewrap.rewrap_data_keys(trustee, FUJI, FUJI_KEY, new.secret)
    assert (again.rewrapped, again.already, again.current) == (0, report.rewrapped, 1)
    assert again.transactions == (), "a second run sends nothing"
    rewrapped = rewrap.rewraps_of(trustee, FUJI, report.key_version)
    assert set(rewrapped) == found and all(len(c) == 1 for c in rewrapped.values()), "once each"


def test_rewrap__a_second_rotation__the_first_keys_records_follow_through_their_copies(
    trustee: Client,
) -> None:
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    record = corporate.corporate_records(trustee, FUJI)[FUJI]
    second = _rotate(trustee)
    rewrap.rewrap_data_keys(trustee, FUJI, FUJI_KEY, second.secret)
    third = _rotate(trustee)
    report = rewrap.rewrap_data_keys(trustee, FUJI, second.secret, third.secret)
    assert report.rewrapped == report.found and report.unopenable == ()
    opened = corporate.open_corporate(
        trustee, record, FUJI, rewrap.key_ring(trustee, FUJI, third.secret)
    )
    assert opened.info == INFO


def test_rewrap__a_payload_the_old_key_does_not_open__reported_nothing_sent(
    trustee: Client,
) -> None:
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    new = _rotate(trustee)
    wrong = bytes(dev_account(5).key)
    report = rewrap.rewrap_data_keys(trustee, FUJI, wrong, new.secret)
    assert report.rewrapped == 0 and report.transactions == ()
    assert len(report.unopenable) == report.found >= 1


def test_rewrap__new_key_not_the_current_one__refused_before_sending(trustee: Client) -> None:
    unknown = coincurve.PrivateKey()
    with pytest.raises(ValidationError, match="not 3538000FUJITRUST0138's current encryption"):
        rewrap.rewrap_data_keys(trustee, FUJI, FUJI_KEY, unknown.secret)


def test_rewrap__by_another_institutions_operator__refused_by_the_contract(
    trustee: Client, minato: Client
) -> None:
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    _rotate(trustee)
    version = rewrap.key_version(minato, FUJI)
    [target] = rewrap.sealed_payloads_to(minato, FUJI)
    forged = (target.payload, b"\x04" + b"\x01" * 128)
    with pytest.raises(exceptions.KeyRewrapsNotOwnInstitution) as refused:
        rewrap.post_rewraps(minato, FUJI, version, [forged])
    error = refused.value
    assert (error.account, bytes(error.caller), bytes(error.lei)) == (
        minato.address,
        bytes20_from_lei(MINATO),
        bytes20_from_lei(FUJI),
    )
    assert rewrap.rewraps_of(minato, FUJI) == {}, "nothing posted in Fuji's name"


def test_key_ring__a_plain_key_opens_as_before__the_ring_hides_the_key() -> None:
    key = coincurve.PrivateKey().secret
    ring = KeyRing(key, {b"\x01" * 32: [b"copy"]})
    assert ring == key and ring.key == key and isinstance(ring.key, bytes)
    assert key.hex() not in repr(ring)


def test_cli__keys_rewrap_then_corporate_show__the_new_operator_reads_the_old_record(
    isolated: Node, trustee: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fuji binds a new operator (dev account 19), rotates its key to that operator's, re-wraps
    with `bpost keys rewrap` signed by it, and `bpost corporate show` opens the old record."""
    corporate.publish_corporate_info(trustee, [(FUJI, INFO, SECRET)])
    newcomer = dev_account(19)
    add_operator(trustee, FUJI, newcomer.address, operator_consent(trustee, newcomer, FUJI))
    set_encryption_key(trustee, FUJI, encryption_key_of(newcomer))

    def bpost(*args: str) -> dict[str, object]:
        capsys.readouterr()
        base = ["--url", isolated.url, "--deployments", str(isolated.deployments)]
        code = main([*base, "--dev-account", "19", "--json", *args])
        out = capsys.readouterr()
        assert code == 0, out.err
        shown: dict[str, object] = strict_json(out.out)
        return shown

    assert bpost("corporate", "show", FUJI)["content"] == (
        f"(unopenable: the key given for {FUJI} does not open its copy; refuse it with bpost "
        f"corporate check {FUJI})"
    )
    report = bpost("keys", "rewrap", FUJI, "--old-dev-account", "2")
    assert report["rewrapped"] == report["found"] and report["unopenable"] == []
    assert bpost("keys", "rewrap", FUJI, "--old-dev-account", "2")["transactions"] == []
    assert bpost("corporate", "show", FUJI)["giin"] == INFO.giin
