"""The JSON-RPC namespaces a node serves, by the address its listeners bind: beyond loopback,
none of the operator's (a vote, sealing, peers), which then go over IPC alone. Milliseconds: no
geth runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpost_client.exceptions import ConfigError
from bpost_client.platform.network import description as nd
from bpost_client.platform.network.geth import OPERATOR_APIS, RPC_APIS, node_command, rpc_apis
from tests.network.test_description import described, node, write


def flag(command: list[str], name: str) -> str:
    """The value given to geth's ``name`` in ``command``."""
    return command[command.index(name) + 1]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1"])
def test_rpc_apis__loopback__every_namespace_with_clique(host: str) -> None:
    assert rpc_apis(host) == RPC_APIS == "eth,net,web3,clique,txpool"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.168.1.20", "fd00::5"])
def test_rpc_apis__beyond_loopback__no_operator_namespace(host: str) -> None:
    served = rpc_apis(host).split(",")
    assert served == ["eth", "net", "web3", "txpool"]
    assert not set(served) & OPERATOR_APIS
    assert {"admin", "clique", "debug", "miner", "personal"} == OPERATOR_APIS


@pytest.mark.parametrize("host", ["localhost", "node1.example.org", "", "10.0.0.256"])
def test_rpc_apis__not_an_ip_address__refused(host: str) -> None:
    with pytest.raises(ConfigError, match="is not an IP address: a node binds to an address"):
        rpc_apis(host)


def test_node_command__bound_beyond_loopback__no_clique_over_http_or_ws(tmp_path: Path) -> None:
    public = node(1) | {"http_host": "0.0.0.0"}
    network = nd.read_network(write(tmp_path, described(public, node(2))))
    exposed, local = network.nodes
    command = node_command("geth", network, exposed)
    assert flag(command, "--http.addr") == flag(command, "--ws.addr") == "0.0.0.0"
    assert flag(command, "--http.api") == flag(command, "--ws.api") == "eth,net,web3,txpool"
    assert "clique" not in " ".join(command)
    assert flag(command, "--authrpc.addr") == "127.0.0.1", "the engine API stays on loopback"
    assert flag(command, "--ipcpath").endswith("validator-1/geth.ipc")
    assert exposed.url == "http://127.0.0.1:9010", "reached over loopback from this machine"

    command = node_command("geth", network, local)
    assert flag(command, "--http.addr") == "127.0.0.1"
    assert flag(command, "--http.api") == flag(command, "--ws.api") == RPC_APIS
