"""Institutions through the client: register, read, change, suspend, history from events."""

from __future__ import annotations

import pytest

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.platform import participants
from bpost_client.platform.events import iter_events
from bpost_client.types import InstitutionStatus, InstitutionType
from tests.helpers import fresh_account, make_lei

DEMO_AM = "3538000SAKURAAM00151"


def spec(n: int, *operators: str) -> participants.InstitutionSpec:
    return participants.InstitutionSpec(
        make_lei(n), f"Test Institution {n}", InstitutionType.DISTRIBUTOR,
        participants.encryption_key_of(fresh_account()), tuple(operators),
    )  # fmt: skip


def test_list__seeded_chain__has_the_demo_roster(reader: Client) -> None:
    institutions = participants.list_institutions(reader)
    assert len(institutions) == 8
    am = next(i for i in institutions if i.lei == DEMO_AM)
    assert am.kind is InstitutionType.ASSET_MANAGER and am.status is InstitutionStatus.ACTIVE


def test_register__then_get__returns_what_was_registered(operator: Client) -> None:
    account = fresh_account()
    new = spec(10, account.address)
    participants.register_institution(
        operator, new, participants.admission_of(operator, account, new)
    )
    got = participants.get_institution(operator, new.lei)
    assert (got.lei, got.legal_name, got.kind, got.encryption_key, got.operators) == (
        new.lei, new.legal_name, new.kind, new.encryption_key, (account.address,),
    )  # fmt: skip
    assert participants.institution_of(operator, account.address) == new.lei


def test_register__by_non_operator__raises_unauthorized(asset_manager: Client) -> None:
    account = fresh_account()
    new = spec(11, account.address)
    admission = participants.admission_of(asset_manager, account, new)
    with pytest.raises(exceptions.PlatformAccessUnauthorized):
        participants.register_institution(asset_manager, new, admission)


def test_register__admission_signed_by_another_address__refused(operator: Client) -> None:
    """The operator cannot bind an address that did not sign: here it signs itself."""
    new = spec(12, fresh_account().address)
    forged = participants.admission_of(operator, operator.account, new)  # type: ignore[arg-type]
    named = participants.Admission(new.operators[0], forged.signature)
    with pytest.raises(exceptions.ParticipantRegistryInvalidSignature):
        participants.register_institution(operator, new, named)


def test_spec__key_not_on_the_curve__refused_before_sending() -> None:
    with pytest.raises(ValueError, match="not a point"):
        participants.check_encryption_key(b"\x02" + b"\xff" * 32)
    with pytest.raises(ValueError, match="check digits"):
        participants.InstitutionSpec(
            "3538000SAKURAAM00152", "x", InstitutionType.OBSERVER, b"\x02" + b"\x11" * 32
        )


def test_history__lists_every_change_in_chain_order(operator: Client) -> None:
    participants.rename_institution(operator, DEMO_AM, "Sakura AM")
    participants.suspend_institution(operator, DEMO_AM, "AML review")
    participants.reinstate_institution(operator, DEMO_AM)
    frame = participants.history(operator, DEMO_AM)
    assert list(frame["event"]) == [
        "InstitutionRegistered", "OperatorAdded", "InstitutionRenamed",
        "InstitutionSuspended", "InstitutionReinstated",
    ]  # fmt: skip
    assert set(frame["lei"]) == {DEMO_AM}
    assert frame["block"].is_monotonic_increasing
    assert frame.loc[frame["event"] == "InstitutionSuspended", "reason"].item() == "AML review"
    assert participants.get_institution(operator, DEMO_AM).version == 4


def test_operators__added_and_removed_by_the_institution_itself(
    asset_manager: Client, operator: Client
) -> None:
    extra = fresh_account()
    consent = participants.operator_consent(asset_manager, extra, DEMO_AM)
    with pytest.raises(ValidationError, match="only its own operators"):
        participants.add_operator(operator, DEMO_AM, extra.address, consent)
    participants.add_operator(asset_manager, DEMO_AM, extra.address, consent)
    assert extra.address in participants.get_institution(operator, DEMO_AM).operators
    participants.remove_operator(asset_manager, DEMO_AM, extra.address)
    assert extra.address not in participants.get_institution(operator, DEMO_AM).operators
    assert participants.institution_of(operator, extra.address) is None


def test_set_key__by_the_institution__signed_and_visible(asset_manager: Client) -> None:
    key = participants.encryption_key_of(fresh_account())
    participants.set_encryption_key(asset_manager, DEMO_AM, key)
    assert participants.get_institution(asset_manager, DEMO_AM).encryption_key == key
    last = participants.history(asset_manager, DEMO_AM).iloc[-1]
    assert last["event"] == "EncryptionKeyChanged"
    assert last["signer"] == asset_manager.address


def test_set_key__by_the_platform_operator__refused_before_sending(operator: Client) -> None:
    key = participants.encryption_key_of(fresh_account())
    with pytest.raises(ValidationError, match="only its own operators"):
        participants.set_encryption_key(operator, DEMO_AM, key)


def test_iter_events__one_block_pages__equal_one_large_page(reader: Client) -> None:
    registry = reader.contract("ParticipantRegistry")
    start = reader.manifest.start_block
    small = list(iter_events(registry, "OperatorAdded", start, page=1))
    large = list(iter_events(registry, "OperatorAdded", start, page=10_000))
    assert len(small) == 8
    assert small == large


def test_history__arguments_then_where_and_when(reader: Client) -> None:
    frame = participants.history(reader)
    assert list(frame.columns) == [
        "lei", "kind", "legalName", "encryptionKey", "account",
        "event", "block", "time", "transaction", "log_index", "contract",
    ]  # fmt: skip
    assert str(frame["time"].dt.tz) == "UTC" and frame["block"].is_monotonic_increasing
    assert set(frame["contract"]) == {reader.manifest.address("ParticipantRegistry")}
    assert all(t.startswith("0x") and len(t) == 66 for t in frame["transaction"])
