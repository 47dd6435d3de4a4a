"""Client.read: the one way the library reads a contract, a revert raised as the project's
exception named after the custom error, never web3's."""

from __future__ import annotations

import pytest
from web3.exceptions import Web3Exception

from bpost_client import exceptions
from bpost_client.client import Client
from bpost_client.identifiers import bytes20_from_lei, bytes32_from_ascii
from bpost_client.registry import funds


def test_read__a_view__returns_its_value(reader: Client) -> None:
    access = reader.contract("PlatformAccess")
    assert reader.read(access.functions.paused()) is False


def test_read__custom_error__the_class_named_after_it_with_its_arguments(reader: Client) -> None:
    call = reader.contract("FundRegistry").functions.getFund(bytes32_from_ascii("BP000000000"))
    with pytest.raises(exceptions.FundRegistryUnknownFund) as refused:
        reader.read(call)
    assert isinstance(refused.value, exceptions.ContractRevert)
    assert not isinstance(refused.value, Web3Exception)
    assert refused.value.arguments["fundCode"] == bytes32_from_ascii("BP000000000")


def test_read__at_a_block__reads_that_state(reader: Client) -> None:
    registry = reader.contract("ParticipantRegistry")
    head = reader.w3.eth.block_number
    assert reader.read(registry.functions.institutionCount(), block=head) == reader.read(
        registry.functions.institutionCount()
    )
    with pytest.raises(exceptions.ChainError, match=r"institutionCount .* block 0"):
        reader.read(registry.functions.institutionCount(), block=0)  # before the deployment


def test_domain_read__unknown_record__the_projects_error(reader: Client) -> None:
    with pytest.raises(exceptions.FundRegistryUnknownFund):
        funds.get_fund(reader, "BP000000018")
    unknown = reader.contract("ParticipantRegistry").functions.getInstitution(
        bytes20_from_lei("969500KSV493XWY0PS33")
    )
    with pytest.raises(exceptions.ParticipantRegistryUnknownInstitution):
        reader.read(unknown)
