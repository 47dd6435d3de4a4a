"""Fixtures of the reference-data client tests."""

from __future__ import annotations

import coincurve
import pytest

from bpost_client.client import Client, connect
from bpost_client.platform.participants import (
    InstitutionSpec,
    admission_of,
    register_institution,
)
from bpost_client.platform.roles import grant_role
from bpost_client.platform.signers import dev_account
from bpost_client.types import Address, InstitutionType, Lei, Role
from tests.conftest import Node
from tests.helpers import make_lei

RIVAL_LEI = Lei(make_lei(301))


@pytest.fixture
def rival(isolated: Node, operator: Client) -> Client:
    """A second data provider, of another institution (dev account 14)."""
    account = dev_account(14)
    client = connect(isolated.url, isolated.deployments, account)
    spec = InstitutionSpec(
        RIVAL_LEI,
        "Rival Market Data",
        InstitutionType.DATA_PROVIDER,
        coincurve.PrivateKey(bytes(account.key)).public_key.format(compressed=True),
        (Address(client.address),),
    )
    register_institution(operator, spec, admission_of(operator, account, spec))
    grant_role(operator, Role.DATA_PROVIDER, client.address)
    return client
