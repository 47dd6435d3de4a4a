"""Benchmark: how long `bpost` takes to show a command's help, or to run one that needs neither
a chain nor a table, with the command modules' heavy imports deferred to the commands that use
them.

Each command runs as a fresh process (``python -c`` calling ``bpost_client.cli.main``) RUNS
times, after one unmeasured run; the figure is the median wall time. The naive way is the same
process importing web3, pandas and eth_account first, as the command modules did at import
before their heavy imports moved into the commands. The target is under half a second for
every command measured. No chain is needed. Prints the figures and writes
``bench/results/startup.json``.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from fresh_chain import ROOT, report

RUNS = 5
TARGET_SECONDS = 0.5
COMMANDS = {
    "bpost --help": ["--help"],
    "bpost --version": ["--version"],
    "bpost chain status (no chain)": ["chain", "status", "--data-dir", "{tmp}", "--port", "1"],
    "bpost chain --help": ["chain", "--help"],
    "bpost deploy --help": ["deploy", "--help"],
    "bpost participants --help": ["participants", "--help"],
    "bpost calendar --help": ["calendar", "--help"],
    "bpost securities --help": ["securities", "--help"],
    "bpost funds --help": ["funds", "--help"],
    "bpost distribution --help": ["distribution", "--help"],
    "bpost lending calc --help": ["lending", "calc", "--help"],
    "bpost explorer --help": ["explorer", "--help"],
}
"""What is measured: a label and the arguments of `bpost` ({tmp}: an empty directory)."""

NAIVE_IMPORTS = "import web3, pandas, eth_account\n"


def _seconds(argv: list[str], preamble: str = "") -> float:
    """The median wall time of a process running `bpost` with ``argv`` (``preamble`` first)."""
    code = f"{preamble}from bpost_client.cli import main\nraise SystemExit(main({argv!r}))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for run in range(RUNS + 1):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env
        )
        if run:  # the first run warms the file cache
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, command in COMMANDS.items():
            argv = [word.format(tmp=tmp) for word in command]
            lazy, naive = _seconds(argv), _seconds(argv, NAIVE_IMPORTS)
            rows[name] = {
                "seconds": round(lazy, 3),
                "naive_seconds": round(naive, 3),
                "ratio": round(naive / lazy, 1),
            }
    slowest = max(rows, key=lambda name: rows[name]["seconds"])
    result = {
        "name": "startup",
        "commands": len(rows),
        "runs_per_command": RUNS,
        "target_seconds": TARGET_SECONDS,
        "slowest": slowest,
        "slowest_seconds": rows[slowest]["seconds"],
        "all_under_target": all(row["seconds"] < TARGET_SECONDS for row in rows.values()),
        "naive_slowest_seconds": max(row["naive_seconds"] for row in rows.values()),
        "ratio_median": statistics.median(row["ratio"] for row in rows.values()),
        **rows,
        "machine": f"{platform.machine()}, CPython {platform.python_version()}",
    }
    report("startup", result)
    assert result["all_under_target"], f"{slowest} takes {rows[slowest]['seconds']} s"


if __name__ == "__main__":
    main()
