"""Code namespaces and their owners through the client, over JSON-RPC: the deployed namespaces
with their linkers, the operator opening one and naming its linkers, and a squatted ISIN
refused to the data provider, then freed by the operator with the reason on the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.platform import codes
from bpost_client.platform.signers import dev_account
from bpost_client.reference import securities, security_files
from bpost_client.registry import funds
from bpost_client.types import InstitutionType, RecordKind
from tests.conftest import Node
from tests.registry.test_funds import registration

MANAGER = "3538000SAKURAAM00151"
SONY = securities.Security("JP3435000009", "Sony Group", "XTKS", "JPY", "6758")


@pytest.fixture
def provider(isolated: Node) -> Client:
    """Kabuto Market Data, the demo data provider."""
    return connect(isolated.url, isolated.deployments, dev_account(6))


def test_namespaces__deployed__each_with_its_linkers(asset_manager: Client) -> None:
    fund_registry = asset_manager.manifest.address("FundRegistry")
    security_registry = asset_manager.manifest.address("SecurityRegistry")
    by_fund = codes.Linker(fund_registry, RecordKind.FUND, (InstitutionType.ASSET_MANAGER,))
    by_master = codes.Linker(
        security_registry, RecordKind.SECURITY, (InstitutionType.DATA_PROVIDER,)
    )
    funds.register_funds(asset_manager, [registration("NS-1")])
    found = {ns.name: ns for ns in codes.namespaces(asset_manager)}
    assert found["BPFC"].permanent and found["BPFC"].linkers == (by_fund,)
    assert set(found["ISIN"].linkers) == {by_fund, by_master}
    assert found["LEI"].linkers == () and found["BIC"].linkers == (), "no one links them yet"
    assert found["LOCAL"].linkers == (by_master,) and found["AM"].linkers == (by_fund,)
    own = found["AM/" + MANAGER]
    assert (own.owner, own.linkers, own.permanent) == (MANAGER, (by_fund,), False)
    assert codes.linker_of(asset_manager, "ISIN", "FundRegistry") == by_fund
    nobody = codes.linker_of(asset_manager, "BPFC", dev_account(0).address)
    assert nobody.kind is RecordKind.NONE, "the operator's key links no platform fund code"


def test_namespace__opened_without_linkers__funds_link_only_once_named(
    operator: Client, asset_manager: Client
) -> None:
    codes.register_namespace(operator, "VENDOR", description="a vendor's fund codes")
    [fund] = funds.register_funds(asset_manager, [registration("NS-2")])
    with pytest.raises(exceptions.CodeRegistryNotLinker):
        funds.link_codes(asset_manager, fund, [("VENDOR", "V-1")])
    linker = codes.parse_linker(operator, "FundRegistry:fund:asset_manager")
    codes.set_linker(operator, "VENDOR", linker)
    funds.link_codes(asset_manager, fund, [("VENDOR", "V-1")])
    assert funds.resolve_fund(asset_manager, "VENDOR", "V-1") == fund
    [history] = codes.code_history(asset_manager, "VENDOR", "V-1")
    assert (history["event"], history["institution"], history["record"]) == (
        "CodeLinked", MANAGER, fund
    ), "the link names the institution it was made for"  # fmt: skip
    codes.set_linker(operator, "VENDOR", codes.parse_linker(operator, "FundRegistry:none"))
    assert codes.linker_of(operator, "VENDOR", "FundRegistry").kind is RecordKind.NONE


def test_squatted_isin__refused_to_the_provider__freed_with_a_reason__then_registered(
    operator: Client, asset_manager: Client, provider: Client, tmp_path: Path
) -> None:
    [fund] = funds.register_funds(asset_manager, [registration("SQUAT")])
    funds.link_codes(asset_manager, fund, [("ISIN", SONY.isin)])
    table = tmp_path / "securities.csv"
    table.write_text(f"isin,local_code,name,market,currency\n{SONY.isin},6758,Sony,XTKS,JPY\n")
    with pytest.raises(
        exceptions.ValidationError, match=f"ISIN {SONY.isin} already points to fund"
    ):
        security_files.upload_securities(provider, table)
    with pytest.raises(exceptions.CodeRegistryCodeHeldByOtherKind):
        securities.register_securities(provider, [SONY])
    with pytest.raises(exceptions.PlatformAccessUnauthorized):
        codes.unlink_code(provider, "ISIN", SONY.isin, "mine")
    with pytest.raises(exceptions.ValidationError, match="reason"):
        codes.unlink_code(operator, "ISIN", SONY.isin, " ")
    reason = "squatted: Sony Group's ISIN"
    codes.unlink_code(operator, "ISIN", SONY.isin, reason)
    linked, unlinked = codes.code_history(operator, "ISIN", SONY.isin)
    assert (linked["event"], linked["record"]) == ("CodeLinked", fund)
    assert (unlinked["event"], unlinked["by"], unlinked["reason"]) == (
        "CodeUnlinked", operator.sender.address, reason
    )  # fmt: skip
    report = security_files.upload_securities(provider, table)
    assert len(report.rows("register")) == 1
    target = codes.resolve_code(provider, "ISIN", SONY.isin)
    assert target is not None and codes.describe_target(target) == f"security {SONY.isin}"


def test_parse_linker__bad_specs__refused_naming_them(reader: Client) -> None:
    assert codes.parse_linker(reader, "SecurityRegistry:security:data_provider").kind is (
        RecordKind.SECURITY
    )
    for text in ("FundRegistry", "FundRegistry:fund", "FundRegistry:none:asset_manager",
                 "FundRegistry:bond:asset_manager", "NoSuchRegistry:fund:asset_manager",
                 "FundRegistry:fund:banker"):  # fmt: skip
        with pytest.raises(exceptions.ValidationError):
            codes.parse_linker(reader, text)
