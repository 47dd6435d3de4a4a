"""The explorer's background indexer keeps following when another indexer writes to the same
database: a conflict is retried, not the end of the following."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from bpost_client.cli.explorer import follow_index
from bpost_client.client import connect
from bpost_client.indexer import Indexer, open_engine
from bpost_client.indexer.schema import transactions
from bpost_client.platform import roles
from bpost_client.platform.signers import dev_account
from bpost_client.types import Role
from tests.conftest import Node
from tests.helpers import fresh_account


def test_follow__two_followers_on_one_database__both_keep_going_every_row_once(
    isolated: Node, tmp_path: Path
) -> None:
    operator = connect(isolated.url, isolated.deployments, dev_account(0))
    reader = connect(isolated.url, isolated.deployments)
    engine = open_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    stop = threading.Event()
    followers = [
        threading.Thread(target=follow_index, args=(Indexer(reader, engine), 0.05, stop))
        for _ in range(2)
    ]
    for follower in followers:
        follower.start()
    try:
        sent = [
            roles.grant_role(operator, Role.OBSERVER, fresh_account().address)["transactionHash"]
            for _ in range(6)
        ]
        head = reader.w3.eth.block_number
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = Indexer(reader, engine).status()
            if status.block_number == head:
                break
            time.sleep(0.1)
        assert all(f.is_alive() for f in followers), "neither follower gave up"
    finally:
        stop.set()
        for follower in followers:
            follower.join(timeout=30)
    with engine.connect() as conn:
        hashes = conn.execute(select(transactions.c.hash)).scalars().all()
        count = conn.execute(select(func.count()).select_from(transactions)).scalar_one()
    assert count == len(set(hashes)), "no transaction twice"
    assert {"0x" + bytes(h).hex() for h in sent} <= set(hashes)
    assert Indexer(reader, engine).status().block_number == head
