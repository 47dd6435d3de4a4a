"""The package's shape: the public face at the root, domains below it, no private names crossing
modules, and the helpers under ``_utils`` kept inside the package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "bpost_client"
DOMAINS = {"platform", "registry", "reference", "distribution", "lending"}
READERS = {"indexer", "api", "explorer", "cli"}


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def test_root__at_most_ten_modules_beside_the_domain_packages() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert len(modules) <= 10, f"top-level modules: {modules}"
    assert packages >= DOMAINS | READERS, f"missing domain packages: {DOMAINS | READERS - packages}"


def test_no_module__imports_a_private_name_of_another_module() -> None:
    """``from m import _x`` where ``_x`` is a name defined in ``m``; a private *module* (such as
    ``_utils.sender``, or ``standard._csv``) may be imported inside the package."""
    found = []
    for path in _python_files("bpost_client", "scripts", "bench", "tests"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if not node.module.startswith("bpost_client"):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and not _is_module(f"{node.module}.{alias.name}"):
                    found.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert not found, "private names imported across modules:\n" + "\n".join(found)


def test_nothing_outside_the_package__imports_utils() -> None:
    found = []
    for path in _python_files("tests", "scripts", "bench"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("bpost_client._utils") for n in names):
                found.append(str(path.relative_to(ROOT)))
    assert not found, f"bpost_client._utils imported from outside the package: {found}"


def test_domains__import_no_reader_and_no_later_domain() -> None:
    """The layers: platform, then registry and reference, then distribution and lending, then
    the readers (indexer, api, explorer, cli); no import runs back up."""
    layer = {"platform": 0, "registry": 1, "reference": 1, "distribution": 2, "lending": 2}
    found = []
    for path in _python_files("bpost_client"):
        module = _module_of(path).split(".")
        if len(module) < 3 or module[1] not in layer:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bpost_client."):
                target = (node.module or "").split(".")[1]
                if target in READERS or (
                    target in layer and layer[target] >= layer[module[1]] and target != module[1]
                ):
                    found.append(f"{'.'.join(module)} -> {node.module}")
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_reads__all_go_through_client_read() -> None:
    """No ``.call()`` on a contract function outside ``Client.read``: a revert on a read is the
    project's exception everywhere."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _python_files("bpost_client", "scripts")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"\.call\(\)", line)
    ]
    assert not found, f"reads that bypass Client.read: {found}"


def test_exception_names_in_the_code__are_the_contracts_custom_errors() -> None:
    """``except exceptions.X`` is evaluated only when something is raised: a misspelt name would
    surface late, so every name the code uses is checked here."""
    from bpost_client import exceptions
    from bpost_client.contracts import custom_error_names

    known = set(exceptions.__all__) | set(custom_error_names())
    used = {
        (str(path.relative_to(ROOT)), name)
        for path in _python_files("bpost_client", "scripts")
        for name in re.findall(r"(?<![\w.])exceptions\.([A-Z]\w+)", path.read_text("utf-8"))
    }
    assert used, "the scan found no use of exceptions.<Name>"
    unknown = sorted(f"{path}: {name}" for path, name in used if name not in known)
    assert not unknown, f"no such error: {unknown}"


def test_code__cites_no_document_outside_the_repository() -> None:
    """The conventions the code implements are in docs/conventions.md; nothing points at a file
    beside the repository."""
    outside = re.compile(r"\.\./shared|\bDOMAIN\.md|\bSTYLE\.md")
    found = [
        str(path.relative_to(ROOT))
        for folder in ("bpost_client", "tests", "scripts", "bench", "contracts", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".sol", ".md", ".html"}
        and path != Path(__file__)
        and outside.search(path.read_text("utf-8"))
    ]
    assert not found, f"files citing a document outside the repository: {found}"
    assert (ROOT / "docs" / "conventions.md").is_file()
