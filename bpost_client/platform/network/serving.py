"""Which node of a network a client talks to, and where the network's deployment is recorded.

The client and the deployer read the network's description: ``bpost --network DIR`` connects to
the first node that answers, a member's node before a validator (a member's own node serves its
client; validators seal), and keeps the deployment's manifest in ``DIR/deployments``. A network
has the embedded chain's chain id by default, so its manifest must not share the embedded chain's
``deployments/<chain id>.json``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

import requests

from bpost_client._utils.jsonrpc import call
from bpost_client.exceptions import ChainError
from bpost_client.platform.network.description import NetworkDescription, NodeDescription

__all__ = ["DEPLOYMENTS_DIR", "deployments_dir", "fallback_urls", "serving_node"]

DEPLOYMENTS_DIR = "deployments"
"""The directory, in the network's, of its deployment manifests."""


def deployments_dir(network: NetworkDescription) -> Path:
    """Where the network's deployment manifest is written and read."""
    return network.directory / DEPLOYMENTS_DIR


def serving_node(network: NetworkDescription, names: Iterable[str] = ()) -> NodeDescription:
    """The first node called ``names`` (any node when none) that answers over JSON-RPC, members'
    nodes first.

    Raises:
        ChainError: none answers (the message names each URL tried).
    """
    candidates = sorted(network.select(names), key=lambda n: n.is_validator)
    for node in candidates:
        with contextlib.suppress(requests.RequestException, ChainError, ValueError):
            call(node.url, "eth_blockNumber", timeout=1.0)
            return node
    tried = ", ".join(f"{n.name} ({n.url})" for n in candidates)
    raise ChainError(
        f"no node of {network.path} answers: {tried}; start them with 'bpost network start'"
    )


def fallback_urls(network: NetworkDescription, serving: NodeDescription) -> tuple[str, ...]:
    """The URLs of the network's nodes other than ``serving``, members' nodes first: where a
    client moves when its node is lost (``_utils.failover``). A member lists in its network
    description the nodes it trusts to read from."""
    others = sorted((n for n in network.nodes if n is not serving), key=lambda n: n.is_validator)
    return tuple(n.url for n in others)
