"""The compiled contracts: under the 24 KiB limit, paris rules, ABIs packaged with the client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bpost_client.contracts import DEPLOYED_CONTRACTS, abi_digest, load_abi, load_build_artifacts

BUILD = Path(__file__).resolve().parents[2] / ".build" / "__local__.json"
# Opcodes the paris rules do not have: PUSH0 (Shanghai), MCOPY, TLOAD, TSTORE (Cancun).
POST_PARIS = {0x5F: "PUSH0", 0x5E: "MCOPY", 0x5C: "TLOAD", 0x5D: "TSTORE"}


_TERMINATORS = {0x00, 0x56, 0xF3, 0xFD, 0xFE, 0xFF}  # STOP JUMP RETURN REVERT INVALID SELFDESTRUCT
_JUMPDEST = 0x5B


def _push_size(op: int) -> int:
    return op - 0x5F if 0x60 <= op <= 0x7F else 0


def opcodes(code: bytes) -> set[int]:
    """The opcodes ``code`` can execute, skipping PUSH data, the metadata trailer and the data the
    compiler appends after the code (constants it copies with CODECOPY).

    Reachable code starts at 0 and at each JUMPDEST some PUSH names as a destination; a block
    runs until a terminator (STOP, JUMP, RETURN, REVERT, INVALID, SELFDESTRUCT)."""
    if len(code) >= 2:
        code = code[: len(code) - 2 - int.from_bytes(code[-2:], "big")]
    targets, i = {0}, 0
    while i < len(code):
        size = _push_size(code[i])
        if size:
            targets.add(int.from_bytes(code[i + 1 : i + 1 + size], "big"))
        i += 1 + size
    seen: set[int] = set()
    for start in sorted(t for t in targets if t == 0 or (t < len(code) and code[t] == _JUMPDEST)):
        i = start
        while i < len(code):
            op = code[i]
            seen.add(op)
            if op in _TERMINATORS:
                break
            i += 1 + _push_size(op)
    return seen


def test_opcodes__code_after_data__found_data_after_code__skipped() -> None:
    """TSTORE (0x5D) in reachable code is found; in data after an INVALID, not."""
    tstore_reached = bytes([0x60, 0x01, 0x60, 0x00, 0x5D, 0x00])  # PUSH1 1 PUSH1 0 TSTORE STOP
    assert 0x5D in opcodes(tstore_reached + b"\x00\x00")
    data_after = bytes([0x00, 0xFE]) + b"\x5d" * 32
    assert 0x5D not in opcodes(data_after + b"\x00\x00")


@pytest.mark.parametrize("name", DEPLOYED_CONTRACTS)
def test_deployed_size__under_24_kib(
    access: Any,
    registry: Any,
    mandates: Any,
    codes: Any,
    funds: Any,
    ssis: Any,
    corporate: Any,
    calendar: Any,
    securities: Any,
    prices: Any,
    dividends: Any,
    distribution: Any,
    notices: Any,
    subscriptions: Any,
    calculator: Any,
    agreements: Any,
    pairs: Any,
    statements: Any,
    rewraps: Any,
    validators: Any,
    governance: tuple[Any, Any],
    name: str,
    chain: Any,
) -> None:
    deployed = {
        "PlatformAccess": access,
        "ParticipantRegistry": registry,
        "Mandates": mandates,
        "CodeRegistry": codes,
        "FundRegistry": funds,
        "SsiRegistry": ssis,
        "CorporateRegistry": corporate,
        "MarketCalendar": calendar,
        "SecurityRegistry": securities,
        "PriceFeed": prices,
        "DividendRegistry": dividends,
        "DistributionRegistry": distribution,
        "FundNotices": notices,
        "Subscriptions": subscriptions,
        "LendingCalculator": calculator,
        "LendingAgreements": agreements,
        "LendingPairs": pairs,
        "LendingStatements": statements,
        "KeyRewraps": rewraps,
        "ConsensusValidators": validators,
        "PlatformTimelock": governance[0],
        "ConsortiumApprovals": governance[1],
    }[name]
    size = len(chain.provider.web3.eth.get_code(deployed.address))
    assert 0 < size <= 24_576, f"{name} holds {size} bytes of code"


@pytest.mark.parametrize("name", DEPLOYED_CONTRACTS)
def test_bytecode__uses_no_opcode_after_paris(name: str) -> None:
    artifact = load_build_artifacts(BUILD)[name]
    runtime = json.loads(BUILD.read_text())["contractTypes"][name]["runtimeBytecode"]["bytecode"]
    found = opcodes(bytes.fromhex(runtime[2:])) & POST_PARIS.keys()
    assert not found, f"{name} uses {[POST_PARIS[o] for o in found]}"
    assert artifact.runtime_size > 0


def test_compiler_settings__pin_paris() -> None:
    compilers = json.loads(BUILD.read_text())["compilers"]
    assert {c["settings"]["evmVersion"] for c in compilers} == {"paris"}


@pytest.mark.parametrize("name", DEPLOYED_CONTRACTS)
def test_packaged_abi__equals_the_compiled_abi(name: str) -> None:
    compiled = load_build_artifacts(BUILD)[name].abi
    assert abi_digest(load_abi(name)) == abi_digest(compiled), (
        f"bpost_client/abi/{name}.json is stale: run 'make abi'"
    )
