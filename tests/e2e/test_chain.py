"""The embedded chain: restarts keep every record; ports and block times as configured."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bpost_client.client import connect, web3_for
from bpost_client.platform import chain, participants, roles
from bpost_client.platform.chain import CHAIN_ID, ChainConfig
from tests.conftest import DEMO_ROSTER, free_port
from tests.e2e.conftest import run_process
from tests.helpers import strict_json


def test_restart__keeps_participants_roles_and_events(tmp_path: Path) -> None:
    port = str(free_port())
    data = str(tmp_path / "chain")
    deployments = tmp_path / "deployments"
    common = ["--url", f"http://127.0.0.1:{port}", "--deployments", str(deployments)]
    chain_args = ["--data-dir", data, "--port", port]
    try:
        started = run_process("bpost", "--json", "chain", "start", *chain_args)
        assert strict_json(started.out)["running"] is True, started.err
        deployed = run_process("bpost", *common, "deploy")
        assert deployed.code == 0, deployed.err
        applied = run_process("bpost", *common, "roles", "apply", str(DEMO_ROSTER))
        assert applied.code == 0, applied.err

        client = connect(f"http://127.0.0.1:{port}", deployments)
        head = client.w3.eth.block_number
        before = (participants.institutions_frame(client), participants.history(client),
                  roles.role_holders(client))  # fmt: skip

        pid = int(Path(data, "anvil.pid").read_text().split('"pid": ')[1].split(",")[0])
        stopped = run_process("bpost", "--json", "chain", "stop", *chain_args)
        assert stopped.code == 0 and strict_json(stopped.out)["stopped"] is True
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid), "the chain process ended"
        assert (
            '"running": false' in run_process("bpost", "--json", "chain", "status", *chain_args).out
        )

        assert run_process("bpost", "chain", "start", *chain_args).code == 0
        client = connect(f"http://127.0.0.1:{port}", deployments)
        assert client.w3.eth.block_number == head
        after = (participants.institutions_frame(client), participants.history(client),
                 roles.role_holders(client))  # fmt: skip
        for old, new in zip(before, after, strict=True):
            assert old.equals(new)
        assert len(before[1]) == 16  # 8 registrations and 8 operator bindings
    finally:
        run_process("bpost", "chain", "stop", *chain_args)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_chain_start__port_taken_by_another_node__refused(tmp_path: Path) -> None:
    port = str(free_port())
    first = ["--data-dir", str(tmp_path / "a"), "--port", port]
    second = ["--data-dir", str(tmp_path / "b"), "--port", port]
    try:
        assert run_process("bpost", "chain", "start", *first).code == 0
        refused = run_process("bpost", "chain", "start", *second)
        assert refused.code == 1 and "already answers" in refused.err
        assert os.path.exists(tmp_path / "a" / "anvil.pid")
    finally:
        run_process("bpost", "chain", "stop", *first)


def test_chain_start__block_time__mines_without_transactions(tmp_path: Path) -> None:
    port = free_port()
    config = ChainConfig(data_dir=tmp_path, port=port, block_time=1)
    try:
        started = chain.start(config)
        time.sleep(2.5)
        assert chain.status(config).block >= (started.block or 0) + 2  # type: ignore[operator]
        assert web3_for(config.url).eth.chain_id == CHAIN_ID
    finally:
        chain.stop(config)
    assert not chain.status(config).running
