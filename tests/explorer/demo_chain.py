"""The demo (``make demo``'s steps after the deployment) run against the session chain, for the
explorer's tests of what a person sees of the demo data."""

from __future__ import annotations

from tests.conftest import Node
from tests.e2e.conftest import run_process

__all__ = ["run_demo"]

DEMO_TIMEOUT = 600


def run_demo(node: Node) -> None:
    """Admit an institution through the consortium (``demo_governance``), publish the calendars,
    upload the reference data and run ``demo`` and ``demo_lending`` against ``node`` (as
    ``make demo`` does after deploying and applying the roster).

    Raises:
        AssertionError: a step failed (its output is in the message).
    """
    chain = ["--url", node.url, "--deployments", str(node.deployments)]
    provider = [*chain, "--dev-account", "6"]
    ape = ["--network", node.url, "--deployments", str(node.deployments)]
    steps = [
        ["ape", "run", "demo_governance", *ape],
        ["bpost", *chain, "calendar", "publish", "--year", "2025", "--year", "2026"],
        ["bpost", *provider, "securities", "upload", "config/demo-securities.csv"],
        ["bpost", *provider, "prices", "upload", "config/demo-prices.csv"],
        ["bpost", *provider, "dividends", "upload", "config/demo-dividends.csv"],
        ["ape", "run", "demo", *ape],
        ["ape", "run", "demo_lending", *ape],
    ]
    for step in steps:
        done = run_process(*step, timeout=DEMO_TIMEOUT)
        assert done.code == 0, f"{' '.join(step)} failed:\n{done.out}\n{done.err}"
