"""The chain indexer against the session chain: everything from the deployment's first block
decoded into SQLite once, reorganisations followed (and refused past the depth), and a process
killed mid-stream resumed without loss or duplicate."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from web3 import Web3

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.indexer import Indexer, ReorgTooDeepError, SyncReport, open_engine
from bpost_client.indexer.schema import (
    blocks,
    checkpoint,
    events,
    metadata,
    records,
    transactions,
)
from bpost_client.platform import participants, roles
from bpost_client.types import InstitutionType, Role
from tests.conftest import Node, rpc
from tests.helpers import fresh_account, make_lei


@dataclass(frozen=True)
class Contents:
    """Block hashes by number, transaction hashes, and event keys (block, log index), listed
    with any duplicate."""

    blocks: dict[int, str]
    transactions: list[str]
    events: list[tuple[int, int]]


def on_chain(w3: Web3, start: int) -> Contents:
    """What the chain holds from ``start`` to its head, read with web3's own calls."""
    found = Contents({}, [], [])
    for number in range(start, w3.eth.block_number + 1):
        found.blocks[number] = Web3.to_hex(w3.eth.get_block(number)["hash"])
        for receipt in w3.eth.get_block_receipts(number):
            found.transactions.append(Web3.to_hex(receipt["transactionHash"]))
            found.events.extend((number, log["logIndex"]) for log in receipt["logs"])
    return Contents(found.blocks, sorted(found.transactions), sorted(found.events))


def in_index(engine: Engine) -> Contents:
    with engine.connect() as conn:
        numbered = conn.execute(select(blocks.c.number, blocks.c.hash)).all()
        hashes = conn.execute(select(transactions.c.hash)).scalars().all()
        keys = conn.execute(select(events.c.block_number, events.c.log_index)).all()
    return Contents(
        {int(n): str(h) for n, h in numbered},
        sorted(hashes),
        sorted((int(b), int(i)) for b, i in keys),
    )


def transaction_row(engine: Engine, tx_hash: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(transactions).where(transactions.c.hash == Web3.to_hex(tx_hash))
        ).one()


def event_rows(engine: Engine, tx_hash: Any) -> list[Any]:
    with engine.connect() as conn:
        query = select(events).where(events.c.transaction_hash == Web3.to_hex(tx_hash))
        return list(conn.execute(query.order_by(events.c.log_index)).all())


def record_rows(engine: Engine, tx_hash: Any) -> list[tuple[str, str, str | None, str]]:
    """The platform records a transaction made: (kind, key, ref, event), in log order."""
    with engine.connect() as conn:
        query = select(records.c.kind, records.c.key, records.c.ref, records.c.data).where(
            records.c.transaction_hash == Web3.to_hex(tx_hash)
        )
        rows = conn.execute(query.order_by(records.c.log_index)).all()
    return [(str(k), str(key), ref, str(data["event"])) for k, key, ref, data in rows]


def institution(n: int, *operators: str) -> participants.InstitutionSpec:
    return participants.InstitutionSpec(
        make_lei(n),
        f"Indexed Institution {n}",
        InstitutionType.OBSERVER,
        participants.encryption_key_of(fresh_account()),
        tuple(operators),
    )


def admit(operator: Client, spec: participants.InstitutionSpec, account: Any) -> Any:
    """Admit ``spec`` with ``account``, its first operator, signing the admission."""
    admission = participants.admission_of(operator, account, spec)
    return participants.register_institution(operator, spec, admission)


def grant_observers(operator: Client, count: int) -> list[Any]:
    """``count`` transactions, one block each: OBSERVER granted to new accounts."""
    return [
        roles.grant_role(operator, Role.OBSERVER, fresh_account().address)["transactionHash"]
        for _ in range(count)
    ]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_engine(f"sqlite:///{tmp_path / 'index' / 'index.sqlite'}")


def test_sync__platform_transactions__every_block_transaction_and_event_decoded_once(
    operator: Client, asset_manager: Client, reader: Client, engine: Engine
) -> None:
    member_key = fresh_account()
    member = member_key.address
    spec = institution(40, member)
    admission = participants.admission_of(operator, member_key, spec)
    registered = participants.register_institution(operator, spec, admission)["transactionHash"]
    granted = roles.grant_role(operator, Role.OBSERVER, member)["transactionHash"]
    registry = asset_manager.contract("ParticipantRegistry")
    data = registry.encode_abi(
        "registerInstitution",
        args=[b"\x01" * 20, 1, "Refused", spec.encryption_key, member, b"\x01" * 65],
    )
    with pytest.raises(exceptions.PlatformAccessUnauthorized):  # mined with its gas given
        asset_manager.sender.send({"to": registry.address, "data": data, "gas": 1_000_000})
    failed = reader.w3.eth.get_block("latest")["transactions"][0]

    indexer = Indexer(reader, engine, batch_blocks=7)
    report = indexer.sync()

    start = reader.manifest.start_block
    expected = on_chain(reader.w3, start)
    assert in_index(engine) == expected, "every block, transaction and event once"
    assert (report.blocks, report.transactions, report.events) == (
        len(expected.blocks),
        len(expected.transactions),
        len(expected.events),
    )
    assert report.indexed_to == max(expected.blocks)
    row = transaction_row(engine, registered)
    assert (row.contract, row.function, row.status, row.error) == (
        "ParticipantRegistry",
        "registerInstitution",
        1,
        None,
    )
    assert row.arguments["legalName"] == spec.legal_name
    assert row.arguments["operator"] == member
    assert row.arguments["kind"] == int(InstitutionType.OBSERVER)
    row = transaction_row(engine, granted)
    assert (row.function, row.arguments) == (
        "grantRole",
        {"role": Web3.to_hex(Role.OBSERVER.id), "account": member},
    )
    [event] = event_rows(engine, granted)
    assert (event.contract, event.event, event.arguments["account"]) == (
        "PlatformAccess",
        "RoleGranted",
        member,
    )
    assert "InstitutionRegistered" in [e.event for e in event_rows(engine, registered)]
    row = transaction_row(engine, failed)
    assert (row.status, row.function, row.error) == (
        0,
        "registerInstitution",
        "PlatformAccessUnauthorized",
    )
    assert row.error_arguments["account"] == asset_manager.address
    with engine.connect() as conn:
        undecoded = conn.execute(select(events).where(events.c.event.is_(None))).all()
    assert undecoded == [], "every log of the deployment decodes"

    assert indexer.sync() == SyncReport(indexed_to=report.indexed_to), "a second sync adds nothing"
    assert in_index(engine) == expected


def test_sync__after_a_reorganisation__replaced_blocks_gone_new_ones_once(
    isolated: Node, operator: Client, reader: Client, engine: Engine
) -> None:
    indexer = Indexer(reader, engine, reorg_depth=4, batch_blocks=3)
    indexer.sync()
    snapshot = rpc(isolated.url, "evm_snapshot")
    lost = grant_observers(operator, 2)
    indexer.sync()
    assert all(transaction_row(engine, h) for h in lost)

    rpc(isolated.url, "evm_revert", snapshot)  # the chain is 2 blocks shorter
    shorter = indexer.sync()
    assert (shorter.reorged_blocks, shorter.blocks) == (2, 0)
    operator.sender.resync_nonce()
    kept = grant_observers(operator, 3)  # other transactions in blocks of the same numbers
    report = indexer.sync()
    assert (report.reorged_blocks, report.blocks, report.transactions) == (0, 3, 3)
    assert in_index(engine) == on_chain(reader.w3, reader.manifest.start_block)
    indexed = set(in_index(engine).transactions)
    assert not indexed & {Web3.to_hex(h) for h in lost}, "the replaced transactions are gone"
    assert {Web3.to_hex(h) for h in kept} <= indexed
    assert all(event_rows(engine, h) == [] for h in lost), "and their events"
    assert all(record_rows(engine, h) == [] for h in lost), "and their records"
    assert all(len(record_rows(engine, h)) == 1 for h in kept), "the new records, once each"

    rpc(isolated.url, "anvil_reorg", 2, [])  # the last 2 blocks replaced at the same height
    report = indexer.sync()
    assert (report.reorged_blocks, report.blocks, report.transactions) == (2, 2, 0)
    assert in_index(engine) == on_chain(reader.w3, reader.manifest.start_block)


def test_sync__reorganisation_deeper_than_the_depth__raises_and_keeps_the_index(
    isolated: Node, operator: Client, reader: Client, engine: Engine
) -> None:
    indexer = Indexer(reader, engine, reorg_depth=2)
    snapshot = rpc(isolated.url, "evm_snapshot")
    grant_observers(operator, 3)
    indexer.sync()
    before = in_index(engine)
    rpc(isolated.url, "evm_revert", snapshot)
    operator.sender.resync_nonce()
    grant_observers(operator, 4)
    with pytest.raises(ReorgTooDeepError, match="more than 2"):
        indexer.sync()
    assert in_index(engine) == before, "nothing is deleted when the reorganisation is refused"


def test_index_process__killed_mid_stream__restarted__every_row_once(
    isolated: Node, operator: Client, reader: Client, tmp_path: Path
) -> None:
    access = operator.contract("PlatformAccess")
    backlog = [
        access.functions.grantRole(Role.OBSERVER.id, fresh_account().address) for _ in range(150)
    ]
    operator.sender.send_all(backlog)  # one block each
    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    command = [
        str(Path(sys.executable).parent / "bpost"),
        "--url",
        isolated.url,
        "--deployments",
        str(isolated.deployments),
        "index",
        "--database",
        url,
        "--batch-blocks",
        "3",
        "--poll",
        "0.05",
    ]
    engine = open_engine(url)
    process = subprocess.Popen(
        [*command, "--follow"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while indexed_to(engine) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert indexed_to(engine) is not None, "the indexer wrote before the kill"
        grant_observers(operator, 10)  # transactions keep coming while it runs
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    killed_at = indexed_to(engine)
    grant_observers(operator, 5)
    assert killed_at is not None and killed_at < reader.w3.eth.block_number

    finished = subprocess.run(command, capture_output=True, text=True, timeout=60)

    assert finished.returncode == 0, finished.stderr
    assert in_index(engine) == on_chain(reader.w3, reader.manifest.start_block)


def indexed_to(engine: Engine) -> int | None:
    """The checkpoint of a database another process writes (None before its first batch)."""
    try:
        with engine.connect() as conn:
            number = conn.execute(select(checkpoint.c.block_number)).scalar()
    except OperationalError:  # the tables are not made yet
        return None
    return None if number is None else int(number)


def test_follow__blocks_arriving__indexed_until_stopped(
    operator: Client, reader: Client, engine: Engine
) -> None:
    indexer = Indexer(reader, engine)
    stop = threading.Event()
    seen: list[SyncReport] = []
    follower = threading.Thread(target=indexer.follow, args=(0.02, stop, seen.append))
    follower.start()
    try:
        sent = grant_observers(operator, 3)
        head = reader.w3.eth.block_number
        deadline = time.monotonic() + 10
        while indexed_to(engine) != head and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        follower.join(timeout=10)
    assert not follower.is_alive(), "the follower stops once told to"
    assert seen and all(report.blocks for report in seen)
    assert all(transaction_row(engine, h).function == "grantRole" for h in sent)
    assert in_index(engine) == on_chain(reader.w3, reader.manifest.start_block)


def test_sync__into_postgresql__the_same_rows_as_sqlite(
    operator: Client, reader: Client, engine: Engine, postgres_url: str
) -> None:
    """The PostgreSQL path, on a real server (Debian's, started for the session)."""
    member_key = fresh_account()
    member = member_key.address
    registered = admit(operator, institution(41, member), member_key)
    roles.grant_role(operator, Role.OBSERVER, member)
    postgres = open_engine(postgres_url)
    metadata.drop_all(postgres)  # the server outlives a test; start from nothing
    try:
        Indexer(reader, engine).sync()
        report = Indexer(reader, postgres, batch_blocks=5).sync()
        assert report.indexed_to == reader.w3.eth.block_number
        assert (
            in_index(postgres)
            == in_index(engine)
            == on_chain(reader.w3, reader.manifest.start_block)
        )
        tx_hash = registered["transactionHash"]
        mine, theirs = transaction_row(engine, tx_hash), transaction_row(postgres, tx_hash)
        assert theirs._asdict() == mine._asdict(), "decoded the same, JSON included"
        assert event_rows(postgres, tx_hash) == event_rows(engine, tx_hash)
        assert record_rows(postgres, tx_hash) == record_rows(engine, tx_hash) != []
        assert Indexer(reader, postgres).sync().blocks == 0, "resumes from its checkpoint"
    finally:
        postgres.dispose()


def test_sync__platform_events__projected_into_records_by_what_they_are_about(
    operator: Client, reader: Client, engine: Engine
) -> None:
    member_key = fresh_account()
    member = member_key.address
    registered = admit(operator, institution(42, member), member_key)
    granted = roles.grant_role(operator, Role.OBSERVER, member)
    Indexer(reader, engine).sync()
    lei = make_lei(42)
    assert record_rows(engine, registered["transactionHash"]) == [
        ("institution", lei, None, "InstitutionRegistered"),
        ("institution", lei, None, "OperatorAdded"),
    ]
    assert record_rows(engine, granted["transactionHash"]) == [
        ("role", member, None, "RoleGranted")
    ]
    with engine.connect() as conn:
        data = conn.execute(
            select(records.c.data).where(records.c.kind == "role", records.c.key == member)
        ).scalar_one()
    assert data["roleName"] == "OBSERVER_ROLE"
    assert data["sender"] == operator.address


def test_index_made_before_records__opened__its_stored_events_projected(
    operator: Client, reader: Client, engine: Engine
) -> None:
    member_key = fresh_account()
    member = member_key.address
    registered = admit(operator, institution(43, member), member_key)
    Indexer(reader, engine).sync()
    expected = record_rows(engine, registered["transactionHash"])
    assert expected
    records.drop(engine)  # as an index written by the version without the table

    Indexer(reader, engine)
    assert record_rows(engine, registered["transactionHash"]) == expected


def test_fund_records__read_from_the_node__the_index_records_and_one_fold(
    asset_manager: Client, trustee: Client, reader: Client, isolated: Node, engine: Engine
) -> None:
    """A fund's records as the client reads them from the node are the index's (but for the
    transaction's sender, which the node read leaves empty), so the client and the explorer
    fold the same records into the same fund."""
    from bpost_client.platform.signers import dev_account
    from bpost_client.registry import funds
    from bpost_client.registry.projection import fold_fund
    from bpost_client.types import FundStatus
    from tests.registry.test_funds import establish, registration

    distributor = connect(isolated.url, isolated.deployments, dev_account(4))
    [code] = funds.register_funds(asset_manager, [registration("FOLD-1")])
    establish(asset_manager, trustee, distributor, code)
    funds.set_status(asset_manager, code, FundStatus.ACTIVE)
    Indexer(reader, engine).sync()
    with engine.connect() as conn:
        query = select(records.c.data, records.c.transaction_hash).where(
            records.c.kind == "fund", records.c.key == code
        )
        indexed = conn.execute(query.order_by(records.c.block_number, records.c.log_index)).all()
    read = funds.fund_records(reader, code)
    with patch("bpost_client.platform.events.DEFAULT_PAGE", 1):  # one block an eth_getLogs
        assert funds.fund_records(reader, code) == read, "paged reads give the same records"
    without_sender = [({**dict(d), "sender": ""}, str(h)) for d, h in indexed]
    assert [(e.data, e.transaction_hash) for e in read] == without_sender
    # Established when its establishment became definitive, then active.
    assert [e.event for e in read] == [
        "FundRegistered", "ChangeProposed", "ChangeAcknowledged", "ChangeAcknowledged",
        "FundVersionMadeDefinitive", "FundStatusChanged", "FundStatusChanged",
    ]  # fmt: skip
    fund = fold_fund(code, read)
    assert fund is not None and fund.status is FundStatus.ACTIVE
    assert fund.attributes == funds.get_fund(reader, code).attributes
    assert [r.outcome for r in fund.requests] == ["definitive as version 2"]
