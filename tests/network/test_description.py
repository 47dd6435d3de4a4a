"""The network description file: written and read back, every refused field named."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bpost_client.exceptions import ConfigError
from bpost_client.platform.network import description as nd
from bpost_client.platform.network.description import NodeRole

KEY = "ab" * 64


def node(n: int, role: str = "validator", port: int = 9000) -> dict[str, Any]:
    base = port + 10 * n
    return {
        "name": f"{role}-{n}",
        "role": role,
        "address": "0x" + f"{n:040x}",
        "data_dir": f"{role}-{n}",
        "keystore": f"{role}-{n}/keystore/key",
        "password_file": f"{role}-{n}/password",
        "host": "127.0.0.1",
        "ports": {"http": base, "ws": base + 1, "authrpc": base + 2, "p2p": base + 3},
        "enode": f"enode://{KEY[:-2]}{n:02x}@127.0.0.1:{base + 3}",
    }


def described(*nodes: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"version": 1, "chain_id": 20201030, "period": 1, "geth": "v1.13.15",
            "genesis": "genesis.json", "nodes": list(nodes), **top}  # fmt: skip


def write(directory: Path, data: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / nd.DESCRIPTION_FILE
    path.write_text(yaml.safe_dump(data), "utf-8")
    return path


def refusal(tmp_path: Path, data: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        nd.read_network(write(tmp_path, data))
    return str(caught.value)


def test_read__directory_or_file__typed_nodes_with_absolute_paths(tmp_path: Path) -> None:
    path = write(tmp_path, described(node(1), node(2), node(3, "member")))
    network = nd.read_network(tmp_path)
    assert nd.read_network(path) == network
    assert [n.name for n in network.validators] == ["validator-1", "validator-2"]
    member = network.node("member-3")
    assert member.role is NodeRole.MEMBER and not member.is_validator
    assert member.data_dir == tmp_path / "member-3" and member.url == "http://127.0.0.1:9030"
    assert member.ws_url == "ws://127.0.0.1:9031" and member.ports.p2p == 9033
    assert network.genesis == tmp_path / "genesis.json" and network.period == 1


def test_write_then_read__same_network__paths_follow_a_moved_directory(tmp_path: Path) -> None:
    network = nd.read_network(write(tmp_path / "a", described(node(1), node(2, "member"))))
    nd.write_network(network)
    shutil.move(tmp_path / "a", tmp_path / "b")
    moved = nd.read_network(tmp_path / "b")
    assert moved.nodes[0].data_dir == tmp_path / "b" / "validator-1"
    assert moved.nodes[1].keystore == tmp_path / "b" / "member-2" / "keystore" / "key"
    assert [(n.name, n.enode, n.ports) for n in moved.nodes] == [
        (n.name, n.enode, n.ports) for n in network.nodes
    ]


@pytest.mark.parametrize("flag", [True, False])
def test_dev_accounts__written_then_read__same_flag(tmp_path: Path, flag: bool) -> None:
    network = nd.read_network(write(tmp_path, described(node(1), dev_accounts=flag)))
    assert network.dev_accounts is flag
    nd.write_network(dataclasses.replace(network, dev_accounts=not flag))
    assert f"dev_accounts: {str(not flag).lower()}" in network.path.read_text()
    assert nd.read_network(tmp_path).dev_accounts is (not flag)


def test_dev_accounts__missing__read_as_a_network_of_real_members(tmp_path: Path) -> None:
    assert "dev_accounts" not in described(node(1))
    assert nd.read_network(write(tmp_path, described(node(1)))).dev_accounts is False


def test_dev_accounts__not_a_flag_or_on_a_chain_of_its_own__refused(tmp_path: Path) -> None:
    text = refusal(tmp_path, described(node(1), dev_accounts="yes"))
    assert "dev_accounts: 'yes' is neither true nor false" in text
    text = refusal(tmp_path, described(node(1), dev_accounts=True, chain_id=4242))
    assert "dev_accounts: true on chain 4242, where the dev accounts never sign" in text


def test_http_host__written_then_read__the_url_follows_it(tmp_path: Path) -> None:
    bound = node(1) | {"http_host": "10.0.0.5"}
    everywhere = node(2) | {"http_host": "::"}
    v6 = node(3) | {"http_host": "fd00:0::5"}
    network = nd.read_network(write(tmp_path, described(bound, everywhere, v6, node(4))))
    first, second, third, fourth = network.nodes
    assert (first.http_host, first.url, first.ws_url) == (
        "10.0.0.5", "http://10.0.0.5:9010", "ws://10.0.0.5:9011",
    )  # fmt: skip
    assert (second.http_host, second.url) == ("::", "http://127.0.0.1:9020")
    assert (third.http_host, third.url) == ("fd00::5", "http://[fd00::5]:9030")
    assert fourth.http_host == "127.0.0.1", "missing: the node's host"
    nd.write_network(network)
    assert nd.read_network(tmp_path) == network


def test_http_host__a_name__refused(tmp_path: Path) -> None:
    text = refusal(tmp_path, described(node(1) | {"http_host": "node1.example.org"}))
    assert "nodes[1].http_host: 'node1.example.org' is not an IP address" in text
    text = refusal(tmp_path, described(node(1) | {"host": "localhost"}))
    assert "nodes[1].http_host: missing, and the host: 'localhost' is not an IP address" in text


def test_select__unknown_node__refused_with_the_names(tmp_path: Path) -> None:
    network = nd.read_network(write(tmp_path, described(node(1), node(2))))
    assert [n.name for n in network.select(["validator-2"])] == ["validator-2"]
    assert len(network.select()) == 2
    with pytest.raises(ConfigError, match=r"no node 'validator-9' .* validator-1, validator-2"):
        network.select(["validator-9"])


def test_read__missing__refused_naming_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no network description at .*bpost network init"):
        nd.read_network(tmp_path)


def test_read__not_yaml__refused(tmp_path: Path) -> None:
    (tmp_path / nd.DESCRIPTION_FILE).write_text("nodes: [unclosed", "utf-8")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        nd.read_network(tmp_path)


def test_read__other_version__refused(tmp_path: Path) -> None:
    assert "description version 2, this client reads 1" in refusal(
        tmp_path, described(node(1), version=2)
    )


def test_read__bad_fields__each_named_by_its_place(tmp_path: Path) -> None:
    bad_role = node(1) | {"role": "observer"}
    bad_port = node(2) | {"ports": node(2)["ports"] | {"http": 70000}}
    bad_enode = node(3) | {"enode": f"enode://{KEY}@127.0.0.1:1"}
    bad_address = node(4) | {"address": "0x1234", "name": "Node 4"}
    missing = {k: v for k, v in node(5).items() if k != "keystore"}
    text = refusal(
        tmp_path,
        described(bad_role, bad_port, bad_enode, bad_address, missing, period=9, chain_id="x"),
    )
    for expected in (
        "chain_id: 'x' is not a whole number",
        "period: the block period is 1 to 5 seconds, not 9",
        "nodes[1].role: 'observer' is neither validator nor member",
        "nodes[2].ports.http: 70000 is not between 1 and 65535",
        "nodes[3].enode: its port 1 is not the p2p 9033",
        "nodes[4].address: '0x1234' is not an address",
        "nodes[4].name: 'Node 4' is not lower-case letters, digits and dashes",
        "nodes[5].keystore: missing",
    ):
        assert expected in text, f"{expected!r} not in:\n{text}"


def test_read__shared_name_port_or_key__refused(tmp_path: Path) -> None:
    twin = node(2) | {"name": "validator-1", "ports": node(1)["ports"] | {"http": 9100}}
    twin["enode"] = node(1)["enode"]
    text = refusal(tmp_path, described(node(1), twin))
    assert "nodes[2].name: validator-1 is also nodes[1]'s" in text
    assert "nodes[2].ports.ws: 127.0.0.1:9011 is also nodes[1]'s" in text
    assert "nodes[2].enode: enode://" in text and "nodes[2].ports.http" not in text


def test_read__members_only__refused(tmp_path: Path) -> None:
    text = refusal(tmp_path, described(node(1, "member")))
    assert "no validator: a network needs at least one node that seals" in text


def test_read__no_nodes__refused(tmp_path: Path) -> None:
    assert "nodes: a list of at least one node is needed" in refusal(tmp_path, described())
