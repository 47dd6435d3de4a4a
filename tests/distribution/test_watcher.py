"""The distributor's watcher: deliveries in each format, corrections delivered as corrections,
receipts on chain per block range, and a run that dies mid-delivery resumes without loss or
duplicate."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from bpost_client.client import Client, connect
from bpost_client.distribution import navs, notices, subscriptions
from bpost_client.distribution.feed import Delivery
from bpost_client.distribution.standard import standard_json
from bpost_client.distribution.standard.convert import read
from bpost_client.distribution.watcher import WatchConfig, Watcher
from bpost_client.exceptions import ConfigError
from bpost_client.platform.follower import ReorgTooDeepError, Rollback
from bpost_client.platform.signers import dev_account
from tests.conftest import Node, rpc
from tests.distribution.test_navs import records

DISTRIBUTOR = "3538000KANDABANK0193"
DAY1, DAY2, THANKSGIVING = date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 26)


@pytest.fixture
def distributor(isolated: Node, nav_funds: list[str]) -> Client:
    """Kanda Bank, subscribed to the first two of the three funds."""
    client = connect(isolated.url, isolated.deployments, dev_account(4))
    subscriptions.subscribe(client, nav_funds[:2])
    return client


def watcher(client: Client, tmp_path: Path, fmt: str = "json", **kw: object) -> Watcher:
    config = WatchConfig(
        checkpoint=tmp_path / f"{fmt}.checkpoint.json",
        out_dir=tmp_path / fmt,
        format=fmt,
        confirmations=0,
        **kw,  # type: ignore[arg-type]
    )
    return Watcher(client, config)


def delivered(directory: Path) -> list[object]:
    found = []
    for path in sorted(directory.glob("*.json")):
        found.extend(standard_json.read(path).records())
    return found


def test_watch__new_then_corrected__as_json_with_receipts(
    asset_manager: Client, distributor: Client, nav_funds: list[str], tmp_path: Path
) -> None:
    navs.publish_navs(asset_manager, records(nav_funds, DAY1))
    first = watcher(distributor, tmp_path)
    delivery = first.step()
    assert delivery is not None and delivery.count == 2  # the third fund is not subscribed
    fix = navs.NavCorrection(nav_funds[1], DAY1, 10_009, 10_009 * 10**6, 10**10 + 1, "stale")
    navs.correct_navs(asset_manager, [fix])
    navs.publish_navs(asset_manager, records(nav_funds, DAY2, 10_100))
    day = notices.NonApplicationNotice(
        nav_funds[0], THANKSGIVING, notices.Reason.MARKET_HOLIDAY, "XNYS"
    )
    notices.publish(asset_manager, [day])
    assert first.step() is not None
    got = delivered(tmp_path / "json")
    assert len(got) == 6  # 2 NAVs; a correction, 2 NAVs and a non-application day
    [correction] = [r for r in got if r.version > 1]
    assert correction.fund == nav_funds[1] and correction.correction_reason == "stale"
    assert correction.previous["nav_per_10000_units"] == 10_001
    [receipt_1, receipt_2] = subscriptions.receipts(distributor, DISTRIBUTOR)
    assert (receipt_1.records, receipt_2.records) == (2, 4)
    assert receipt_2.from_block == receipt_1.to_block + 1
    assert subscriptions.received_up_to(distributor, DISTRIBUTOR) == first.checkpoint.processed_to


@pytest.mark.parametrize("fmt", ["ita-csv", "csv", "xml"])
def test_watch__each_format__corrections_kept_apart_or_in_place(
    asset_manager: Client, distributor: Client, nav_funds: list[str], tmp_path: Path, fmt: str
) -> None:
    navs.publish_navs(asset_manager, records(nav_funds, DAY1))
    follower = watcher(distributor, tmp_path, fmt, acknowledge=False)
    follower.step()
    fix = navs.NavCorrection(nav_funds[0], DAY1, 10_004, 10**10, 10**10, "holding repriced")
    navs.correct_navs(asset_manager, [fix])
    follower.step()
    out = tmp_path / fmt
    if fmt == "ita-csv":
        fund = nav_funds[0]
        [original] = sorted((out / fund).glob("*[0-9].csv"))
        [corrected] = sorted((out / fund).glob("*.corrections.csv"))
        assert read(original, fmt, fund).navs[0].nav_per_10000_units == 10_000
        assert read(corrected, fmt, fund).navs[0].nav_per_10000_units == 10_004
        assert original.read_bytes().decode("cp932").startswith("年月日")
        # the sidecar keeps what the format cannot: units, and the correction's history
        sidecar = sorted(out.glob("*.json"))[-1]
        assert [r.version for r in standard_json.read(sidecar).navs] == [2]
    elif fmt == "csv":
        assert len(list(out.glob("*.corrections.csv"))) == 1
    else:
        first, second = sorted(out.glob("*.xml"))
        assert [n.version for n in read(first, fmt).navs] == [1, 1]
        [correction] = read(second, fmt).navs
        assert (correction.version, correction.correction_reason) == (2, "holding repriced")


def test_watch__dies_after_writing__resumes_the_same_range_once(
    asset_manager: Client, distributor: Client, nav_funds: list[str], tmp_path: Path
) -> None:
    navs.publish_navs(asset_manager, records(nav_funds, DAY1))
    seen: list[tuple[int, int]] = []

    def crash(delivery: Delivery) -> None:
        seen.append((delivery.from_block, delivery.to_block))
        raise RuntimeError("killed after writing, before the checkpoint")

    config = WatchConfig(tmp_path / "cp.json", tmp_path / "out", "json", confirmations=0)
    with pytest.raises(RuntimeError):
        Watcher(distributor, config, crash).step()
    navs.publish_navs(asset_manager, records(nav_funds, DAY2))  # the head moves on meanwhile
    resumed = Watcher(distributor, config, lambda d: seen.append((d.from_block, d.to_block)))
    resumed.run(poll_seconds=0.01, until_block=distributor.w3.eth.block_number)
    assert seen[0] == seen[1], "the interrupted range is delivered again, the same range"
    got = delivered(tmp_path / "out")
    assert sorted((r.fund, r.date) for r in got) == sorted(
        (f, d) for f in nav_funds[:2] for d in (DAY1, DAY2)
    )


def test_watch__delivered_blocks_replaced__files_set_aside_and_delivered_anew(
    isolated: Node, asset_manager: Client, distributor: Client, nav_funds: list[str], tmp_path: Path
) -> None:
    navs.publish_navs(asset_manager, records(nav_funds, DAY1))
    rollbacks: list[Rollback] = []
    config = WatchConfig(tmp_path / "cp.json", tmp_path / "out", "json", confirmations=0)
    first = Watcher(distributor, config, on_rollback=rollbacks.append)
    assert first.step() is not None
    kept_files = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    fork = rpc(isolated.url, "evm_snapshot")
    navs.publish_navs(asset_manager, records(nav_funds, DAY2, 10_100))
    assert first.step() is not None
    replaced_to = first.checkpoint.processed_to
    [replaced_file] = sorted({p.name for p in (tmp_path / "out").glob("*.json")} - set(kept_files))

    rpc(isolated.url, "evm_revert", fork)  # the second range and its receipt are gone
    for client in (asset_manager, distributor):
        client.sender.resync_nonce()
    navs.publish_navs(asset_manager, records(nav_funds, DAY2, 10_200))
    navs.publish_navs(asset_manager, records(nav_funds, THANKSGIVING, 10_300))
    resumed = Watcher(distributor, config, on_rollback=rollbacks.append)  # from the checkpoint
    resumed.run(poll_seconds=0.01, until_block=distributor.w3.eth.block_number)

    [rollback] = rollbacks
    assert rollback.to is not None and rollback.to.number < replaced_to
    assert (tmp_path / "out" / "replaced" / replaced_file).exists()
    assert not (tmp_path / "out" / replaced_file).exists()
    got = delivered(tmp_path / "out")
    assert sorted((r.fund, r.date, r.nav_per_10000_units) for r in got) == sorted(
        (f, day, base + i)
        for day, base in ((DAY1, 10_000), (DAY2, 10_200), (THANKSGIVING, 10_300))
        for i, f in enumerate(nav_funds[:2])
    ), "the replaced NAVs are not delivered; their replacements are, once"
    receipts = subscriptions.receipts(distributor, DISTRIBUTOR)
    assert [r.records for r in receipts] == [2, 4]
    assert receipts[1].from_block == rollback.to.number + 1
    assert subscriptions.received_up_to(distributor, DISTRIBUTOR) == resumed.checkpoint.processed_to


def test_watch__replaced_deeper_than_the_depth__refused_and_checkpoint_kept(
    isolated: Node, asset_manager: Client, distributor: Client, nav_funds: list[str], tmp_path: Path
) -> None:
    fork = rpc(isolated.url, "evm_snapshot")
    navs.publish_navs(asset_manager, records(nav_funds, DAY1))
    navs.publish_navs(asset_manager, records(nav_funds, DAY2))
    config = WatchConfig(  # a trail of the last range and the one below
        tmp_path / "cp.json", tmp_path / "out", confirmations=0, max_blocks=1, reorg_depth=0
    )
    follower = Watcher(distributor, config)
    follower.run(poll_seconds=0.01, until_block=distributor.w3.eth.block_number)
    saved = config.checkpoint.read_bytes()
    rpc(isolated.url, "evm_revert", fork)
    rpc(isolated.url, "anvil_mine", "0x5")
    with pytest.raises(ReorgTooDeepError, match="start from a new checkpoint file"):
        Watcher(distributor, config).step()
    assert config.checkpoint.read_bytes() == saved


def test_watch__checkpoint_of_another_chain__refused_in_words(
    distributor: Client, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "cp.json"
    head = distributor.w3.eth.block_number
    checkpoint.write_text(
        json.dumps(
            {
                "chain_id": distributor.chain_id,
                "lei": DISTRIBUTOR,
                "processed_to": head + 1_000,
                "acknowledged_to": head + 1_000,
            }
        )
    )
    config = WatchConfig(checkpoint, tmp_path / "out", "json", confirmations=0)
    with pytest.raises(ConfigError, match="past the chain's head: it is of another chain"):
        Watcher(distributor, config)
    checkpoint.write_text(checkpoint.read_text().replace("}", ', "trail": [[1, "0x01"]]}'))
    with pytest.raises(ConfigError, match="its trail ends at block 1"):
        Watcher(distributor, config)


def test_watch_process__killed_mid_stream__restarted__every_record_once(
    isolated: Node, asset_manager: Client, distributor: Client, nav_funds: list[str], tmp_path: Path
) -> None:
    days = [date(2026, 11, d) for d in (4, 5, 6, 9, 10, 11, 12, 13)]
    options = {
        "--url": isolated.url,
        "--deployments": str(isolated.deployments),
        "--dev-account": "4",
    }
    watch = {
        "--format": "json",
        "--out": str(tmp_path / "out"),
        "--checkpoint": str(tmp_path / "cp.json"),
        "--confirmations": "0",
        "--poll": "0.05",
        "--max-blocks": "2",
    }
    command = [
        str(Path(sys.executable).parent / "bpost"),
        *[part for pair in options.items() for part in pair],
        "distribution",
        "watch",
        *[part for pair in watch.items() for part in pair],
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for day in days[:4]:
            navs.publish_navs(asset_manager, records(nav_funds, day))
        deadline = time.monotonic() + 30
        while not list((tmp_path / "out").glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list((tmp_path / "out").glob("*.json")), "the watcher delivered before the kill"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    for day in days[4:]:
        navs.publish_navs(asset_manager, records(nav_funds, day))
    finished = subprocess.run(
        [*command, "--until-head"], capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    got = delivered(tmp_path / "out")
    keys = [(r.fund, r.date) for r in got]
    assert sorted(keys) == sorted((f, d) for f in nav_funds[:2] for d in days)
    receipts = subscriptions.receipts(distributor, DISTRIBUTOR)
    assert sum(r.records for r in receipts) == len(keys)


def test_subscribed_funds__subscriptions_and_their_ends_in_chain_order(
    distributor: Client, nav_funds: list[str]
) -> None:
    assert subscriptions.subscribed_funds(distributor, DISTRIBUTOR) == set(nav_funds[:2])
    head = distributor.w3.eth.block_number
    subscriptions.unsubscribe(distributor, nav_funds[:1])
    subscriptions.subscribe(distributor, nav_funds[2:])
    assert subscriptions.subscribed_funds(distributor, DISTRIBUTOR) == set(nav_funds[1:])
    as_of = subscriptions.subscribed_funds(distributor, DISTRIBUTOR, to_block=head)
    assert as_of == set(nav_funds[:2]), "as of a block, before the end and the new one"
    subscriptions.subscribe(distributor, nav_funds[:1])
    assert subscriptions.subscribed_funds(distributor, DISTRIBUTOR) == set(nav_funds)
