"""connect() and deployment: refusing other chains, other ABIs, stale manifests, overwrites."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bpost_client import contracts
from bpost_client.client import connect, web3_for
from bpost_client.exceptions import ChainError, ConfigError, DeploymentError, ManifestError
from bpost_client.manifest import Manifest, manifest_path
from bpost_client.platform import deployment
from bpost_client.platform.signers import dev_account
from bpost_client.types import RecordKind
from tests.conftest import BUILD, LOCAL_PARAMS, Node, free_port


def test_connect__no_node__raises_chain_error(tmp_path: Path) -> None:
    with pytest.raises(ChainError, match="no JSON-RPC node"):
        connect(f"http://127.0.0.1:{free_port()}", tmp_path)


def test_connect__no_manifest_for_this_chain__raises(isolated: Node, tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="deploy first"):
        connect(isolated.url, tmp_path)


def test_connect__manifest_not_json__raises_in_words(isolated: Node, tmp_path: Path) -> None:
    (tmp_path / "20201030.json").write_text("{")
    with pytest.raises(ManifestError, match=r"cannot read the manifest .*20201030\.json"):
        connect(isolated.url, tmp_path)


def test_connect__manifest_of_another_chain__raises(isolated: Node) -> None:
    manifest = Manifest.load(manifest_path(isolated.deployments, 20201030))
    other = dataclasses.replace(manifest, chain_id=1)
    with pytest.raises(ManifestError, match="for chain 1"):
        connect(isolated.url, other)


def test_connect__abi_digest_differs__raises(isolated: Node) -> None:
    manifest = Manifest.load(manifest_path(isolated.deployments, 20201030))
    records = dict(manifest.contracts)
    records["CodeRegistry"] = dataclasses.replace(records["CodeRegistry"], abi_digest="0x00")
    with pytest.raises(ManifestError, match="CodeRegistry"):
        connect(isolated.url, dataclasses.replace(manifest, contracts=records))


def test_connect__no_code_at_the_addresses__raises(isolated: Node) -> None:
    manifest = Manifest.load(manifest_path(isolated.deployments, 20201030))
    records = {
        name: dataclasses.replace(r, address="0x000000000000000000000000000000000000dEaD")
        for name, r in manifest.contracts.items()
    }
    with pytest.raises(ManifestError, match="no code"):
        connect(isolated.url, dataclasses.replace(manifest, contracts=records))


def test_manifest__malformed_file__raises_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "20201030.json"
    path.write_text(json.dumps({"format_version": 1, "chain_id": "x"}))
    with pytest.raises(ManifestError, match=r"20201030\.json"):
        Manifest.load(path)


def test_deploy__live_deployment__refused_without_force(isolated: Node) -> None:
    w3 = web3_for(isolated.url)
    artifacts = contracts.load_build_artifacts(BUILD)
    params = deployment.load_params(LOCAL_PARAMS)
    before = manifest_path(isolated.deployments, 20201030).read_text()
    with pytest.raises(DeploymentError, match="--force"):
        deployment.deploy(w3, dev_account(0), artifacts, params, isolated.deployments)
    assert manifest_path(isolated.deployments, 20201030).read_text() == before


def test_deploy__force__writes_a_new_manifest_with_provenance(
    isolated: Node, tmp_path: Path
) -> None:
    target = tmp_path / "deployments"
    target.mkdir()
    (target / "20201030.json").write_text(manifest_path(isolated.deployments, 20201030).read_text())
    w3 = web3_for(isolated.url)
    manifest = deployment.deploy(
        w3, dev_account(0), contracts.load_build_artifacts(BUILD),
        deployment.load_params(LOCAL_PARAMS), target, force=True, commit="abc123",
    )  # fmt: skip
    saved = Manifest.load(target / "20201030.json")
    assert saved == manifest and saved.git_commit == "abc123"
    assert saved.deployer == dev_account(0).address
    for name, record in saved.contracts.items():
        receipt = w3.eth.get_transaction_receipt(record.transaction)
        assert receipt["contractAddress"] == record.address, name
        assert receipt["blockNumber"] == record.block
        assert record.abi_digest == contracts.abi_digest(contracts.load_abi(name))
    client = connect(isolated.url, target)
    namespaces = (
        client.contract("CodeRegistry").functions.getNamespace(b"ISIN".ljust(32, b"\0")).call()
    )
    assert namespaces[0] is True


def test_deploy_params__unknown_key__raises_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("admin_delay_seconds: 0\noperaters: []\n")
    with pytest.raises(Exception, match="operaters"):
        deployment.load_params(path)


def test_deploy_params__consortium_example__parses() -> None:
    params = deployment.load_params(LOCAL_PARAMS.parent / "consortium.example.yaml")
    assert params.admin_delay_seconds == 172_800
    names = ["BPFC", "ITA", "LEI", "BIC", "ISIN", "AM", "LOCAL"]
    assert [n.name for n in params.namespaces] == names
    fund_code, isin = params.namespaces[0], params.namespaces[4]
    assert [(n.registry, n.kind) for n in fund_code.linkers] == [("FundRegistry", RecordKind.FUND)]
    assert {n.registry for n in isin.linkers} == {"FundRegistry", "SecurityRegistry"}


TYPES = "institution_types: [asset_manager]"
KEY_LINKER = "{registry: '0x0000000000000000000000000000000000000001', kind: fund, " + TYPES + "}"


@pytest.mark.parametrize(
    ("namespace", "wrong"),
    [
        ("{name: BPFC, permanent: true}", "one linker, a deployed contract"),
        ("{name: BPFC, permanent: true, linkers: [" + KEY_LINKER + "]}",
         "one linker, a deployed contract"),
        ("{name: X, linkers: [{registry: FundRegistry, kind: bond, " + TYPES + "}]}",
         "no such kind"),
        ("{name: X, linkers: [{registry: FundRegistry, kind: fund, institution_types: []}]}",
         "some institution types"),
        ("{name: X, linkers: [{registry: FundRegistry}]}", "needs registry, kind"),
        ("{name: AM/X}", "opened by its parent"),
    ],
)  # fmt: skip
def test_deploy_params__namespace_linkers__checked(
    tmp_path: Path, namespace: str, wrong: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"{GOVERNANCE}\nnamespaces:\n  - {namespace}\n")
    with pytest.raises(ConfigError, match=wrong):
        deployment.load_params(path)


MEMBERS = [f"0x{str(n) * 40}" for n in (1, 2, 3)]
GOVERNANCE = (
    "admin_delay_seconds: 7200\n"
    f"governance: {{members: [{', '.join(repr(m) for m in MEMBERS)}], threshold: 2, "
    "delay_seconds: 3600}"
)


@pytest.mark.parametrize(
    ("governance", "wrong"),
    [
        ("admin_delay_seconds: 7200\n", "governance needs members"),
        ("operators: ['0x0000000000000000000000000000000000000001']\n" + GOVERNANCE,
         "OPERATOR_ROLE belongs to the consortium's timelock"),
        (GOVERNANCE.replace("threshold: 2", "threshold: 1"), "no single key rules"),
        (GOVERNANCE.replace("threshold: 2", "threshold: 4"), "threshold of 2 to 3"),
        (GOVERNANCE.replace(" delay_seconds: 3600", " delay_seconds: 0"), "more than zero"),
        (GOVERNANCE.replace("admin_delay_seconds: 7200", "admin_delay_seconds: 0"),
         "a consortium configuration .* above zero"),
        (GOVERNANCE.replace(MEMBERS[2], MEMBERS[1]), "repeat an address"),
    ],
)  # fmt: skip
def test_deploy_params__governance__checked(tmp_path: Path, governance: str, wrong: str) -> None:
    """No configuration lets one key rule: a threshold of two or more, delays above zero, and no
    operator list (OPERATOR_ROLE is the timelock's)."""
    path = tmp_path / "p.yaml"
    path.write_text(governance + "\n")
    with pytest.raises(ConfigError, match=wrong):
        deployment.load_params(path)


@pytest.fixture(scope="module")
def consortium_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A chain that is not a development chain (id 4242), nothing deployed."""
    from bpost_client.platform.chain import ChainConfig, start, stop

    config = ChainConfig(
        data_dir=tmp_path_factory.mktemp("consortium"), port=free_port(), chain_id=4242
    )
    start(config)
    try:
        yield config.url
    finally:
        stop(config)


def test_deploy__dev_operator_on_another_chain__refused(
    consortium_chain: str, tmp_path: Path
) -> None:
    """dev_operator keeps the deployer an operator: refused on any chain but a development one,
    before anything is sent."""
    w3 = web3_for(consortium_chain)
    params = deployment.load_params(LOCAL_PARAMS)
    before = w3.eth.get_transaction_count(dev_account(0).address)
    with pytest.raises(DeploymentError, match=r"dev_operator .* not chain 4242"):
        deployment.deploy(w3, dev_account(0), contracts.load_build_artifacts(BUILD), params,
                          tmp_path / "deployments")  # fmt: skip
    assert w3.eth.get_transaction_count(dev_account(0).address) == before, "nothing sent"


def test_deploy__consortium__the_timelock_alone_holds_the_powers(
    consortium_chain: str, tmp_path: Path
) -> None:
    """After a consortium deployment the deployer holds no role: the timelock is the default
    admin and the only operator, the approvals contract the guardian."""
    from bpost_client.types import Role

    w3 = web3_for(consortium_chain)
    members = [dev_account(i).address for i in (1, 2, 3)]
    path = tmp_path / "consortium.yaml"
    path.write_text(
        "admin_delay_seconds: 3600\n"
        f"governance: {{members: [{', '.join(repr(m) for m in members)}], threshold: 2, "
        "delay_seconds: 60}\n"
    )
    deployer = dev_account(5)
    manifest = deployment.deploy(
        w3, deployer, contracts.load_build_artifacts(BUILD), deployment.load_params(path),
        tmp_path / "deployments",
    )  # fmt: skip
    client = connect(consortium_chain, tmp_path / "deployments")
    access = client.contract("PlatformAccess").functions
    timelock, approvals = (
        manifest.address("PlatformTimelock"),
        manifest.address("ConsortiumApprovals"),
    )
    assert access.defaultAdmin().call() == timelock
    assert access.hasRole(Role.OPERATOR.id, timelock).call()
    assert not access.hasRole(Role.OPERATOR.id, deployer.address).call()
    assert not access.hasRole(Role.DEFAULT_ADMIN.id, deployer.address).call()
    assert access.hasRole(Role.GUARDIAN.id, approvals).call()
    assert client.contract("PlatformTimelock").functions.getMinDelay().call() == 60
    assert client.contract("ConsortiumApprovals").functions.threshold().call() == 2
