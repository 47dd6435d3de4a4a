"""A 4-validator, 1-member geth Clique network: init, start, sealing in turn, the member in step,
status, one node stopped and started again, and init's files and refusals."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from eth_keys.datatypes import PrivateKey

from bpost_client.cli import main
from bpost_client.exceptions import ConfigError
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import (
    NetworkDescription,
    free_base_port,
    read_network,
)
from bpost_client.platform.network.genesis import DEFAULT_BALANCE, signers_of_extra
from bpost_client.platform.network.geth import node_command
from bpost_client.platform.signers import DEV_ACCOUNTS_SHOWN, dev_account, from_keystore
from tests.conftest import DEMO_ROSTER, Node
from tests.e2e.conftest import run_process
from tests.network.conftest import block_hash, ended, head, rpc, wait_until


def one_validator(
    directory: Path, base_port: int | None = None, **options: Any
) -> NetworkDescription:
    """A network of one validator in ``directory``, initialised (with init_network's
    ``options``), not started."""
    from bpost_client.platform.network.init import init_network

    base = free_base_port(1) if base_port is None else base_port
    return init_network(directory, 1, base_port=base, light_kdf=True, **options)


def test_validators__seal_in_turn__every_block_signed_by_a_validator(
    network: NetworkDescription,
) -> None:
    first = network.validators[0]
    wait_until(lambda: head(first) >= 8, 30, "8 blocks sealed", network)
    signers = [rpc(first, "clique_getSigner", hex(n)).lower() for n in range(1, 9)]
    validators = {v.address.lower() for v in network.validators}
    assert set(signers) <= validators, "a block signed by a node that is no validator"
    # Clique lets a signer seal at most once in any floor(4 / 2) + 1 = 3 consecutive blocks.
    assert all(len(set(signers[n : n + 3])) == 3 for n in range(6)), signers
    assert {s.lower() for s in rpc(first, "clique_getSigners", "latest")} == validators


def test_member__follows__same_head_hash_as_every_validator(network: NetworkDescription) -> None:
    member = network.node("member-1")
    # a node that starts behind syncs after geth's forced sync cycle (10 s with under 5 peers)
    wait_until(lambda: head(member) >= 3, 40, "the member node synced", network)

    def agreed() -> bool:
        number = head(member)
        ours = block_hash(member, number)
        return all(block_hash(v, number) == ours for v in network.validators)

    wait_until(agreed, 10, "the member's head block is every validator's", network)
    assert rpc(member, "eth_mining") is False
    assert member.address.lower() not in {s.lower() for s in rpc(member, "clique_getSigners")}


def test_genesis__dev_accounts_and_nodes_funded(network: NetworkDescription) -> None:
    genesis = json.loads(network.genesis.read_text())
    assert signers_of_extra(genesis["extraData"]) == sorted(
        (v.address for v in network.validators), key=str.lower
    )
    funded = {f"0x{a}" for a in genesis["alloc"]}
    dev = {dev_account(i).address.lower() for i in range(DEV_ACCOUNTS_SHOWN)}
    assert funded == dev | {n.address.lower() for n in network.nodes}
    untouched = dev_account(DEV_ACCOUNTS_SHOWN - 1).address  # dev account 0 deploys on it
    balance = rpc(network.node("member-1"), "eth_getBalance", untouched, "latest")
    assert int(balance, 16) == DEFAULT_BALANCE


def test_status__json__head_peers_sealing_and_lag_of_each_node(
    network: NetworkDescription,
) -> None:
    wait_until(lambda: head(network.node("member-1")) >= 3, 40, "the member node synced", network)
    shown = run_process("bpost", "--json", "network", "status", str(network.directory))
    assert shown.code == 0, shown.err
    rows = {row["name"]: row for row in shown.json()["nodes"]}
    assert list(rows) == [n.name for n in network.nodes]
    for node in network.nodes:
        row = rows[node.name]
        assert row["running"] is True and row["url"] == node.url and row["peers"] == 4, row
        assert row["mining"] is row["signer"] is node.is_validator, row
        assert 0 <= row["lag"] <= 3 and row["head"] >= 3 and row["hash"].startswith("0x"), row
    assert min(row["lag"] for row in rows.values()) == 0


def test_stop_and_start_one_node__cli__it_catches_up_and_the_rest_runs(
    network: NetworkDescription,
) -> None:
    member = network.node("member-1")
    directory = str(network.directory)
    pid = lifecycle.running_pid(member)
    assert pid is not None
    stopped = run_process("bpost", "--json", "network", "stop", "--node", "member-1", directory)
    assert stopped.code == 0 and stopped.json() == {"stopped": ["member-1"]}, stopped.err
    assert ended(pid) and lifecycle.running_pid(member) is None
    states = {s.name: s.running for s in lifecycle.status(network)}
    assert states == {n.name: n.name != "member-1" for n in network.nodes}
    before = head(network.validators[0])

    started = run_process("bpost", "--json", "network", "start", "--node", "member-1", directory)
    assert started.code == 0, started.err
    [row] = started.json()
    assert row["name"] == "member-1" and row["running"] is True and row["head"] is not None
    wait_until(lambda: head(member) > before, 40, "the restarted member caught up", network)
    number = head(member)
    assert block_hash(member, number) == wait_until(
        lambda: block_hash(network.validators[0], number), 5, "validator-1 has the block"
    )


def test_start__port_answering_for_another_process__refused(
    network: NetworkDescription, tmp_path: Path
) -> None:
    taken = network.nodes[0].ports.http  # the session network's first node answers there
    other = one_validator(tmp_path / "other", taken)
    refused = run_process("bpost", "network", "start", str(other.directory))
    assert refused.code == 1 and "already answers and is not validator-1" in refused.err
    assert lifecycle.running_pid(other.nodes[0]) is None


def test_init__cli__keys_genesis_peers_and_roster_funded(tmp_path: Path) -> None:
    directory = tmp_path / "net"
    base = free_base_port(3)
    created = run_process(
        "bpost", "--json", "network", "init", "--validators", "2", "--members", "1",
        "--roster", str(DEMO_ROSTER), "--period", "2", "--base-port", str(base), "--light-kdf",
        "--chain-id", "4243", str(directory),
    )  # fmt: skip
    assert created.code == 0, created.err
    shown = created.json()
    assert shown["chain_id"] == 4243 and shown["dev_accounts"] is False
    assert [n["url"] for n in shown["nodes"]] == [
        f"http://127.0.0.1:{base + 10 * i}" for i in range(3)
    ]
    described = read_network(directory)
    assert [n.name for n in described.nodes] == ["validator-1", "validator-2", "member-1"]
    genesis = json.loads(described.genesis.read_text())
    assert genesis["config"]["clique"]["period"] == 2 == described.period
    roster_addresses = {
        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        dev_account(7).address.lower(),
    }
    funded = {f"0x{a}" for a in genesis["alloc"]}
    assert roster_addresses <= funded and dev_account(8).address.lower() not in funded
    assert len(funded) == 8 + 3, "the roster's 8 operators and the 3 nodes"
    for node in described.nodes:
        password = node.password_file.read_text().strip()
        assert stat.S_IMODE(node.password_file.stat().st_mode) == 0o600
        assert from_keystore(node.keystore, password).address == node.address
        node_key = PrivateKey(bytes.fromhex((node.data_dir / "geth" / "nodekey").read_text()))
        assert node.enode.startswith(f"enode://{node_key.public_key.to_hex()[2:]}@127.0.0.1:")
        config = (node.data_dir / "config.toml").read_text()
        others = [p.enode for p in described.nodes if p is not node]
        assert all(enode in config for enode in others) and node.enode not in config
        assert f'ListenAddr = "127.0.0.1:{node.ports.p2p}"' in config
        assert (node.data_dir / "geth" / "chaindata").is_dir(), "geth init ran"

    again = run_process("bpost", "network", "init", "--validators", "1", str(directory))
    assert again.code == 1 and "is not empty" in again.err and "--force" in again.err
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "keep.txt").write_text("mine")
    forced = run_process("bpost", "network", "init", "--validators", "1", "--force", str(stray))
    assert forced.code == 1 and "holds no network.yaml" in forced.err
    assert (stray / "keep.txt").read_text() == "mine"
    replaced = run_process(
        "bpost", "network", "init", "--validators", "1", "--force", "--light-kdf",
        "--base-port", str(base), str(directory),
    )  # fmt: skip
    assert replaced.code == 0, replaced.err
    assert [n.name for n in read_network(directory).nodes] == ["validator-1"]


def test_start__node_exits__refused_with_its_log_tail(tmp_path: Path) -> None:
    import socket

    other = one_validator(tmp_path / "busy")
    node = other.nodes[0]
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", node.ports.p2p))
        squatter.listen()
        refused = run_process("bpost", "network", "start", "--timeout", "30", str(other.directory))
    assert refused.code == 1, refused.out
    assert "validator-1 exited:" in refused.err and "address already in use" in refused.err
    assert lifecycle.running_pid(node) is None and not (node.data_dir / "geth.pid").exists()


def _sign_on(
    network: NetworkDescription, node: Node, capsys: pytest.CaptureFixture[str], *signer: str
) -> tuple[int, str, str]:
    """``bpost --network DIR --url <anvil> [signer] explorer sign``, in-process: the description
    of ``network`` decides, on the embedded chain's id (where the chain-id guard lets the dev
    accounts sign) at the anvil ``node``."""
    code = main([
        "--network", str(network.directory), "--url", node.url, *signer,
        "explorer", "sign", "--nonce", "n",
    ])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_roster_network__cli__dev_accounts_refused_on_the_dev_chain_id(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = one_validator(tmp_path / "members", roster=DEMO_ROSTER)
    assert members.chain_id == 20201030 and members.dev_accounts is False
    assert "dev_accounts: false" in members.path.read_text()

    code, out, err = _sign_on(members, node, capsys, "--dev-account", "1")
    assert code == 1 and out == "", out
    assert "error: dev account 1 refused: the network" in err
    assert "is not one for development" in err and "never sign on it" in err
    code, out, err = _sign_on(members, node, capsys)  # the implicit dev account 0
    assert code == 1 and out == "", out
    assert "error: name the signer with --keystore: dev account 0" in err
    assert "is refused: the network" in err

    development = one_validator(tmp_path / "dev")
    assert development.dev_accounts is True
    code, out, err = _sign_on(development, node, capsys, "--dev-account", "1")
    assert code == 0 and f"signed by {dev_account(1).address}" in err, err
    code, out, err = _sign_on(development, node, capsys)
    assert code == 0 and f"signed by {dev_account(0).address}" in err, err


def test_init__own_chain_id__in_the_genesis__needs_a_roster(tmp_path: Path) -> None:
    own = one_validator(tmp_path / "own", chain_id=4242, roster=DEMO_ROSTER)
    assert json.loads(own.genesis.read_text())["config"]["chainId"] == 4242
    assert read_network(own.directory).chain_id == 4242 and not own.dev_accounts
    command = node_command("geth", own, own.nodes[0])
    assert command[command.index("--networkid") + 1] == "4242"
    with pytest.raises(ConfigError, match=r"chain 4242 takes no dev account .* give --roster"):
        one_validator(tmp_path / "dev", chain_id=4242)
    assert not (tmp_path / "dev").exists(), "refused before anything is written"


def test_init__http_host__recorded_beyond_loopback_without_clique__a_name_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exposed = one_validator(tmp_path / "exposed", http_host="0.0.0.0")
    [described] = read_network(exposed.directory).nodes
    assert (described.host, described.http_host) == ("127.0.0.1", "0.0.0.0")
    assert described.url == f"http://127.0.0.1:{described.ports.http}"
    command = node_command("geth", exposed, described)
    assert command[command.index("--http.api") + 1] == "eth,net,web3,txpool"
    assert (
        f'ListenAddr = "127.0.0.1:{described.ports.p2p}"'
        in (described.data_dir / "config.toml").read_text()
    ), "peer to peer stays on the node's host"

    named = tmp_path / "named"
    code = main(["network", "init", "--validators", "1", "--http-host", "node1", str(named)])
    assert code == 1 and not named.exists()
    assert "error: 'node1' is not an IP address" in capsys.readouterr().err
