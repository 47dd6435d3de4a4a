"""Write the solc standard-JSON input that `make slither` gives Slither, from ape-config.yaml.

    python tools/slither/input.py [ROOT] > input.json

Every `.sol` file under the project's contracts folder, compiled as Ape compiles them (the EVM
version and optimizer settings of ape-config.yaml, ape-solidity's defaults otherwise), and its
import remappings pointed at the npm packages Ape takes its dependencies from
(`node_modules/<npm>`, checked to be the configured version). Slither compiles this input in
one run of the project's solc with `--compile-force-framework Solc-json` (slither.config.json).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def remappings(root: Path, config: dict[str, Any]) -> list[str]:
    """Ape's `prefix=<name>/<version>` remappings as `prefix/=node_modules/<npm>/<folder>/`."""
    dependencies = {(d["name"], str(d["version"])): d for d in config.get("dependencies", [])}
    result = []
    for remapping in config.get("solidity", {}).get("import_remapping", []):
        prefix, target = remapping.split("=", 1)
        name, version = target.split("/", 1)
        dependency = dependencies.get((name, version))
        if dependency is None or "npm" not in dependency:
            sys.exit(f"{remapping}: no npm dependency {name} {version} in ape-config.yaml")
        package = root / "node_modules" / dependency["npm"]
        installed = json.loads((package / "package.json").read_text())["version"]
        if installed != version:
            sys.exit(f"{package} is {installed}, ape-config.yaml wants {version}: run npm ci")
        folder = dependency.get("config_override", {}).get("contracts_folder", ".")
        path = (package / folder).relative_to(root).as_posix()
        result.append(f"{prefix.rstrip('/')}/={path.rstrip('/')}/")
    return result


def standard_input(root: Path) -> dict[str, Any]:
    """The standard-JSON input of every contract of the project at `root`."""
    config = yaml.safe_load((root / "ape-config.yaml").read_text())
    folder = root / config.get("contracts_folder", "contracts")
    sources = sorted(
        p.relative_to(root).as_posix()
        for p in folder.rglob("*.sol")
        if ".cache" not in p.relative_to(folder).parts
    )
    if not sources:
        sys.exit(f"no .sol files under {folder}")
    solidity = config.get("solidity", {})
    settings: dict[str, Any] = {
        "remappings": remappings(root, config),
        # ape-solidity's defaults: the optimizer on, 200 runs.
        "optimizer": {
            "enabled": solidity.get("optimize", True),
            "runs": solidity.get("optimization_runs", 200),
        },
    }
    if "evm_version" in solidity:
        settings["evmVersion"] = solidity["evm_version"]
    if "via_ir" in solidity:
        settings["viaIR"] = solidity["via_ir"]
    return {
        "language": "Solidity",
        "sources": {source: {"urls": [source]} for source in sources},
        "settings": settings,
    }


if __name__ == "__main__":
    project = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    json.dump(standard_input(project), sys.stdout, indent=1)
    sys.stdout.write("\n")
