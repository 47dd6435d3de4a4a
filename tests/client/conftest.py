"""Actors of the client tests: clients signing as the demo institutions' dev accounts."""

from __future__ import annotations

import pytest

from bpost_client.client import Client, connect
from bpost_client.signers import dev_account
from tests.conftest import Node


def _client(node: Node, index: int) -> Client:
    return connect(node.url, node.deployments, dev_account(index))


@pytest.fixture
def operator(isolated: Node) -> Client:
    """The platform operator: deployer, default admin, OPERATOR and CODE_REGISTRAR."""
    return _client(isolated, 0)


@pytest.fixture
def asset_manager(isolated: Node) -> Client:
    return _client(isolated, 1)


@pytest.fixture
def trustee(isolated: Node) -> Client:
    return _client(isolated, 2)


@pytest.fixture
def outsider(isolated: Node) -> Client:
    """An address bound to no institution and holding no role."""
    return _client(isolated, 15)


@pytest.fixture
def reader(isolated: Node) -> Client:
    """A read-only client."""
    return connect(isolated.url, isolated.deployments)
