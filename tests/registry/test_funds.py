"""Funds through the client: registration, look-up by any code, workflow, history, as-of reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.identifiers import fund_code
from bpost_client.registry import funds
from bpost_client.types import FundStatus, FundType, PartyRole, RequestKind, RequestState
from tests.helpers import due_in

TRUSTEE = "3538000FUJITRUST0138"
DISTRIBUTOR = "3538000KANDABANK0193"
MANAGER = "3538000SAKURAAM00151"


def attributes(name: str = "Sakura Japan Equity", **changes: object) -> funds.FundAttributes:
    values: dict[str, object] = {
        "name_ja": "さくら日本株式", "name_en": name, "trustee": TRUSTEE,
        "fund_type": FundType.EQUITY, "currency": "JPY", "establishment_date": date(2026, 4, 1),
    }  # fmt: skip
    values.update(changes)
    return funds.FundAttributes(**values)  # type: ignore[arg-type]


def registration(manager_code: str, *codes: tuple[str, str]) -> funds.FundRegistration:
    return funds.FundRegistration(
        manager_code, attributes(), codes, (funds.Party(DISTRIBUTOR, PartyRole.DISTRIBUTOR),)
    )


def establish(manager: Client, trustee: Client, distributor: Client, code: str) -> int:
    request = funds.propose(
        manager, code, RequestKind.ESTABLISH, attributes(), date(2026, 4, 1), due_in()
    )
    funds.acknowledge(trustee, request)
    funds.acknowledge(distributor, request)
    return request


@pytest.fixture
def distributor(isolated: object) -> Client:
    from bpost_client.client import connect
    from bpost_client.platform.signers import dev_account

    return connect(isolated.url, isolated.deployments, dev_account(4))  # type: ignore[attr-defined]


def test_register__then_read__the_record_and_every_code(asset_manager: Client) -> None:
    count = asset_manager.contract("FundRegistry").functions.fundCount().call()
    [code] = funds.register_funds(
        asset_manager, [registration("SAKURA-1", ("ISIN", "JP90C000H1T1"), ("ITA", "0331418A"))]
    )
    assert code == fund_code(count + 1)
    record = funds.get_fund(asset_manager, code)
    assert record.status is FundStatus.DRAFT and record.version == 1
    assert record.attributes == attributes() and record.asset_manager == MANAGER
    assert [p.role for p in record.parties] == [PartyRole.ASSET_MANAGER, PartyRole.TRUSTEE,
                                               PartyRole.DISTRIBUTOR]  # fmt: skip
    assert funds.resolve_fund(asset_manager, "ISIN", "JP90C000H1T1") == code
    assert funds.resolve_fund(asset_manager, "ITA", "0331418A") == code
    assert funds.resolve_fund(asset_manager, funds.manager_namespace(MANAGER), "SAKURA-1") == code
    assert funds.resolve_fund(asset_manager, "BPFC", code) == code
    assert funds.resolve_fund(asset_manager, "ISIN", "US0378331005") is None


def test_register__three_hundred__batched_under_the_gas_limit(asset_manager: Client) -> None:
    head = asset_manager.w3.eth.block_number
    regs = [registration(f"BULK-{i}") for i in range(300)]
    codes = funds.register_funds(asset_manager, regs)
    first = int(asset_manager.contract("FundRegistry").functions.fundCount().call()) - 299
    assert codes == [fund_code(first + i) for i in range(300)]
    blocks = [
        asset_manager.w3.eth.get_block(n)
        for n in range(head + 1, asset_manager.w3.eth.block_number + 1)
    ]
    assert len(blocks) > 1, "more than one transaction"
    assert all(b["gasUsed"] <= 0.8 * b["gasLimit"] for b in blocks)


def test_register__bad_isin__refused_naming_the_error(asset_manager: Client) -> None:
    with pytest.raises(exceptions.FundRegistryInvalidIsin):
        funds.register_funds(asset_manager, [registration("BAD", ("ISIN", "JP90C000H1T2"))])


@pytest.mark.both_backends
def test_workflow__pending_list_then_definitive(
    asset_manager: Client, trustee: Client, distributor: Client
) -> None:
    [code] = funds.register_funds(asset_manager, [registration("FLOW")])
    request = funds.propose(
        asset_manager,
        code,
        RequestKind.ESTABLISH,
        attributes(),
        date(2026, 4, 1),
        due := due_in(),
    )
    after = due + timedelta(days=1)
    pending = funds.pending_for(trustee, TRUSTEE, today=after)
    row = pending[pending["request_id"] == request].iloc[0]
    assert row["fund_code"] == code and row["kind"] == "establish" and bool(row["overdue"])
    assert not funds.pending_for(trustee, TRUSTEE, today=due).iloc[-1]["overdue"]
    funds.acknowledge(trustee, request)
    assert request not in set(funds.pending_for(trustee, TRUSTEE, after)["request_id"])
    assert funds.get_request(asset_manager, request).acknowledged == (TRUSTEE,)
    funds.acknowledge(distributor, request)
    assert funds.get_request(asset_manager, request).state is RequestState.DEFINITIVE
    record = funds.get_fund(asset_manager, code)
    assert record.status is FundStatus.ESTABLISHED and record.version == 2


def test_history__who_did_what_in_order(
    asset_manager: Client, trustee: Client, distributor: Client
) -> None:
    [code] = funds.register_funds(asset_manager, [registration("HIST")])
    establish(asset_manager, trustee, distributor, code)
    funds.set_status(asset_manager, code, FundStatus.ACTIVE)
    history = funds.fund_history(asset_manager, code)
    assert list(history["event"]) == [
        "FundRegistered", "ChangeProposed", "ChangeAcknowledged", "ChangeAcknowledged",
        "FundVersionMadeDefinitive", "FundStatusChanged", "FundStatusChanged",
    ]  # fmt: skip
    assert list(history["lei"][2:4]) == [TRUSTEE, DISTRIBUTOR]
    assert history.iloc[0]["lei"] == MANAGER
    assert list(history["status"].dropna()) == ["established", "active"]


def test_as_of__a_change_agreed_now_takes_effect_later(
    asset_manager: Client, trustee: Client, distributor: Client
) -> None:
    [code] = funds.register_funds(asset_manager, [registration("ASOF")])
    establish(asset_manager, trustee, distributor, code)
    renamed = attributes("Sakura Japan Equity Plus")
    request = funds.propose(
        asset_manager, code, RequestKind.CHANGE, renamed, date(2026, 10, 1), due_in()
    )
    funds.acknowledge(trustee, request)
    funds.acknowledge(distributor, request)
    assert funds.fund_as_of(asset_manager, code, date(2026, 3, 31)) == attributes()
    assert funds.fund_as_of(asset_manager, code, date(2026, 9, 30)) == attributes()
    assert funds.fund_as_of(asset_manager, code, date(2026, 10, 1)) == renamed
    assert funds.get_fund(asset_manager, code).attributes == renamed


def test_reject__by_a_party__leaves_the_fund_as_it_was(
    asset_manager: Client, trustee: Client
) -> None:
    [code] = funds.register_funds(asset_manager, [registration("NO")])
    request = funds.propose(
        asset_manager,
        code,
        RequestKind.ESTABLISH,
        attributes(),
        date(2026, 4, 1),
        due_in(),
    )
    funds.reject(trustee, request, "trust deed not signed")
    assert funds.get_request(asset_manager, request).state is RequestState.REJECTED
    assert funds.get_fund(asset_manager, code).status is FundStatus.DRAFT
    history = funds.fund_history(asset_manager, code)
    assert history.iloc[-1]["reason"] == "trust deed not signed"


def test_attributes__python_hash__equals_the_contract_commitment(asset_manager: Client) -> None:
    [code] = funds.register_funds(asset_manager, [registration("HASH")])
    stored = (
        asset_manager.contract("FundRegistry")
        .functions.getFund(code.encode().ljust(32, b"\0"))
        .call()
    )
    assert bytes(stored[-1]) == attributes().hash()


def test_link_codes__more_than_eight__resolve_and_export(asset_manager: Client) -> None:
    from bpost_client.registry.fund_files import export_funds

    [code] = funds.register_funds(asset_manager, [registration("LINKS")])
    extra = [("ITA", f"L{i:07d}") for i in range(10)]
    receipts = funds.link_codes(asset_manager, code, extra)
    assert len(receipts) == 2
    assert all(funds.resolve_fund(asset_manager, ns, v) == code for ns, v in extra)
    row = export_funds(asset_manager).set_index("fund_code").loc[code]
    assert row["ita_code"] == "L0000000"
    assert row["other_codes"] == ";".join(f"ITA:L{i:07d}" for i in range(1, 10))


def test_propose__due_date_in_the_past__refused_before_sending(asset_manager: Client) -> None:
    [code] = funds.register_funds(asset_manager, [registration("LATE")])
    yesterday = asset_manager.today() - timedelta(days=1)
    with pytest.raises(exceptions.ValidationError, match=f"due date {yesterday} is in the past"):
        funds.propose(
            asset_manager, code, RequestKind.ESTABLISH, attributes(), date(2026, 4, 1), yesterday
        )
    assert funds.get_fund(asset_manager, code).open_request == 0, "nothing proposed"
    today = funds.propose(
        asset_manager,
        code,
        RequestKind.ESTABLISH,
        attributes(),
        date(2026, 4, 1),
        yesterday + timedelta(days=1),
    )
    assert funds.get_request(asset_manager, today).due_date == asset_manager.today()


def test_waive__suspended_distributor__operator_waives_and_the_request_completes(
    operator: Client, asset_manager: Client, trustee: Client
) -> None:
    from bpost_client.platform.participants import suspend_institution

    [code] = funds.register_funds(asset_manager, [registration("WAIVED")])
    request = funds.propose(
        asset_manager, code, RequestKind.ESTABLISH, attributes(), date(2026, 4, 1), due_in()
    )
    funds.acknowledge(trustee, request)
    with pytest.raises(exceptions.FundRegistryPartyActive):
        funds.waive_acknowledgment(operator, request, DISTRIBUTOR, "absent")
    suspend_institution(operator, DISTRIBUTOR, "licence withdrawn")
    assert DISTRIBUTOR in funds.get_request(operator, request).required
    funds.waive_acknowledgment(operator, request, DISTRIBUTOR, "distributor suspended")
    waived = funds.get_request(operator, request)
    assert waived.state is RequestState.DEFINITIVE and waived.required == (TRUSTEE,)
    assert funds.get_fund(operator, code).status is FundStatus.ESTABLISHED
    history = funds.fund_history(operator, code)
    row = history[history["event"] == "ChangeAcknowledgmentWaived"].iloc[0]
    assert (row["lei"], row["reason"]) == (DISTRIBUTOR, "distributor suspended")


def test_close__request_awaiting_a_suspended_distributor__closed_with_its_reason(
    operator: Client, asset_manager: Client
) -> None:
    from bpost_client.platform.participants import suspend_institution
    from bpost_client.registry.projection import fold_fund

    [code] = funds.register_funds(asset_manager, [registration("CLOSED")])
    request = funds.propose(
        asset_manager, code, RequestKind.ESTABLISH, attributes(), date(2026, 4, 1), due_in()
    )
    with pytest.raises(exceptions.FundRegistryRequiredPartiesActive):
        funds.close_request(operator, request, "stuck")
    suspend_institution(operator, DISTRIBUTOR, "licence withdrawn")
    funds.close_request(operator, request, "distributor suspended")
    assert funds.get_request(operator, request).state is RequestState.CLOSED
    assert funds.get_fund(operator, code).open_request == 0
    fund = fold_fund(code, funds.fund_records(operator, code))
    assert fund is not None
    assert fund.requests[-1].outcome == "closed by the operator: distributor suspended"


def test_redeem__distributor_silent__manager_completes_after_the_due_date(
    isolated: object, asset_manager: Client, trustee: Client, distributor: Client
) -> None:
    from tests.conftest import rpc

    [code] = funds.register_funds(asset_manager, [registration("REDEEM")])
    establish(asset_manager, trustee, distributor, code)
    ends = attributes(redemption_date=date(2030, 12, 31))
    today = asset_manager.today()
    request = funds.propose(
        asset_manager, code, RequestKind.REDEEM, ends, date(2030, 12, 31), today
    )
    with pytest.raises(exceptions.FundRegistryRedemptionNotRejectable):
        funds.reject(distributor, request, "we still sell it")
    funds.acknowledge(trustee, request)
    with pytest.raises(exceptions.FundRegistryNotPastDue):
        funds.complete_redemption(asset_manager, request)
    rpc(isolated.url, "evm_increaseTime", 86400)  # type: ignore[attr-defined]
    rpc(isolated.url, "evm_mine")  # type: ignore[attr-defined]
    funds.complete_redemption(asset_manager, request)
    done = funds.get_request(asset_manager, request)
    assert done.state is RequestState.DEFINITIVE and done.acknowledged == (TRUSTEE,)
    assert funds.get_fund(asset_manager, code).status is FundStatus.REDEEMING
    history = funds.fund_history(asset_manager, code)
    assert list(history["event"])[-3:] == [
        "RedemptionCompletedPastDue", "FundVersionMadeDefinitive", "FundStatusChanged",
    ]  # fmt: skip
