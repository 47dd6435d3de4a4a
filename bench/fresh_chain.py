"""The setup every benchmark shares: a fresh embedded chain on a free port with the contracts
deployed, and a client signing as the deployer (the platform operator)."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bpost_client import chain, contracts, deployment, signers
from bpost_client.client import Client, connect, web3_for

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def deployed_chain() -> Iterator[Client]:
    """A client of a freshly deployed chain; the chain stops when the block ends."""
    with tempfile.TemporaryDirectory() as tmp:
        config = chain.ChainConfig(data_dir=Path(tmp), port=_free_port(), state_interval=600)
        chain.start(config)
        try:
            w3 = web3_for(config.url)
            admin = signers.dev_account(0, w3.eth.chain_id)
            build = contracts.load_build_artifacts(ROOT / ".build" / "__local__.json")
            params = deployment.load_params(ROOT / "config" / "deploy" / "local.yaml")
            deployment.deploy(w3, admin, build, params, Path(tmp))
            yield connect(config.url, Path(tmp), admin)
        finally:
            chain.stop(config)
