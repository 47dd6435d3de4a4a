"""The solc-js wrapper speaks the native solc command line that py-solc-x and Ape call."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import solcx

from tests.conftest import ROOT

VERSION = "0.8.30"


@pytest.fixture(scope="module")
def solc() -> Path:
    folder = Path(os.environ.get("SOLCX_BINARY_PATH", ROOT / ".venv" / "solcx"))
    binary = folder / f"solc-v{VERSION}"
    assert binary.exists(), f"{binary} missing: run 'make install'"
    return binary


def run(solc: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(solc), *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_version__native_format_read_by_py_solc_x(solc: Path) -> None:
    assert f"Version: {VERSION}+commit." in run(solc, "--version").stdout
    assert str(solcx.wrapper.get_solc_version(solc)) == VERSION
    assert VERSION in [str(v) for v in solcx.get_installed_solc_versions(solc.parent)]


def test_standard_json__imports_from_base_and_include_paths(solc: Path, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "lib" / "shared").mkdir(parents=True)
    (tmp_path / "lib" / "shared" / "Base.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Base { uint256 x; }\n"
    )
    source = ('// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n'
              'import {Base} from "shared/Base.sol";\ncontract Child is Base {}\n')  # fmt: skip
    request = {
        "language": "Solidity",
        "sources": {"src/Child.sol": {"content": source}},
        "settings": {
            "evmVersion": "paris",
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    paths = ["--base-path", str(tmp_path), "--include-path", str(tmp_path / "lib")]
    done = run(
        solc, "--standard-json", *paths, "--allow-paths", str(tmp_path), stdin=json.dumps(request)
    )
    output = json.loads(done.stdout)
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"], output
    assert output["contracts"]["src/Child.sol"]["Child"]["evm"]["bytecode"]["object"]


def test_standard_json__missing_import__reported_as_compiler_error(
    solc: Path, tmp_path: Path
) -> None:
    source = 'pragma solidity ^0.8.0;\nimport "nowhere/X.sol";\ncontract A {}\n'
    request = {"language": "Solidity", "sources": {"A.sol": {"content": source}}}
    output = json.loads(run(solc, "--standard-json", "--base-path", str(tmp_path),
                            stdin=json.dumps(request)).stdout)  # fmt: skip
    assert any("nowhere/X.sol" in e["message"] for e in output["errors"])


def test_standard_json__output_over_64_kib__arrives_whole(solc: Path) -> None:
    body = "function f{0}(uint256 a) external pure returns (uint256) {{ return a + {0}; }}"
    functions = "\n".join(body.format(i) for i in range(300))
    request = {
        "language": "Solidity",
        "sources": {
            "Big.sol": {"content": f"pragma solidity ^0.8.0;\ncontract Big {{\n{functions}\n}}\n"}
        },
        "settings": {
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"]}}
        },
    }
    done = run(solc, "--standard-json", stdin=json.dumps(request))
    assert len(done.stdout) > 65_536
    assert len(json.loads(done.stdout)["contracts"]["Big.sol"]["Big"]["abi"]) == 300


def test_combined_json__compile_source_through_py_solc_x(solc: Path) -> None:
    source = (
        "pragma solidity ^0.8.0;\n"
        "contract C { function f() external pure returns (uint8) { return 7; } }\n"
    )
    compiled = solcx.compile_source(
        source,
        output_values=["abi", "bin", "bin-runtime"], solc_binary=solc, evm_version="paris",
    )  # fmt: skip
    contract = compiled["<stdin>:C"]
    assert contract["abi"][0]["name"] == "f" and contract["bin"]


def test_unknown_option__refused_with_exit_code_2(solc: Path) -> None:
    done = run(solc, "--via-ir-please")
    assert done.returncode == 2 and "unsupported option" in done.stderr


def test_combined_json__docs_and_hashes_as_objects_like_native_0_8(
    solc: Path, tmp_path: Path
) -> None:
    source = tmp_path / "C.sol"
    source.write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n/// @title T\ncontract C {\n"
        "    /// @notice Seven.\n    /// @dev Always seven.\n"
        "    function f() external pure returns (uint8) { return 7; }\n}\n"
    )
    fields = "abi,bin,hashes,devdoc,userdoc,metadata,storage-layout"
    done = run(solc, "--combined-json", fields, str(source))
    assert done.returncode == 0, done.stderr
    contract = json.loads(done.stdout)["contracts"][f"{source}:C"]
    # crytic-compile (Slither) reads these as objects for solc >= 0.8, as native solc writes them.
    assert contract["userdoc"]["methods"]["f()"] == {"notice": "Seven."}
    assert contract["devdoc"]["methods"]["f()"] == {"details": "Always seven."}
    assert contract["hashes"] == {"f()": "26121ff0"}
    assert contract["storage-layout"]["storage"] == []
    assert isinstance(contract["abi"], list)
    assert isinstance(contract["bin"], str) and isinstance(contract["metadata"], str)
