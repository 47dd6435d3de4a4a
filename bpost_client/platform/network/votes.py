"""`bpost network propose-validator`: the validators change by their own vote (Clique), and the
network description follows.

A Clique signer votes by ``clique_propose(address, authorize)``: from then on, each block it
seals carries the vote. Once more than half of the signers have a vote for the same change in
blocks of the chain, the change takes effect: an address is added to the signer set, or
removed. Votes are counted anew at each epoch boundary (30,000 blocks here), where pending
votes are dropped, and a signer's vote stays in its blocks until the change is made or it is
withdrawn with ``clique_discard``. ``clique_propose`` and ``clique_discard`` are sent over each
node's IPC socket, like ``miner_start``: only the user running the node casts its votes.

A new validator needs a node that seals. A member node of the description becomes one by the
vote for its account: its role is written back as ``validator`` and, when it runs, it is
restarted so that its account is unlocked and it seals (geth 1.13 unlocks a key only at start;
``personal_`` is gone). Until the vote passes, geth refuses its seals and it only follows. A
validator voted out keeps running as it is until restarted; its role is written back as
``member`` at once, so the next ``start`` runs it as a member node. The chain's signer set
(``clique_getSigners``) decides who seals; the platform's governance keeps its own record
(``ConsensusValidators``), which :func:`compare_signers` holds against it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import requests

from bpost_client._utils.jsonrpc import ipc_call
from bpost_client.exceptions import ChainError, ValidationError
from bpost_client.identifiers import check_address
from bpost_client.platform.network import lifecycle
from bpost_client.platform.network.description import (
    NetworkDescription,
    NodeDescription,
    NodeRole,
    write_network,
)
from bpost_client.platform.network.geth import ipc_path
from bpost_client.types import Address

__all__ = [
    "MIN_SIGNERS",
    "RECOMMENDED_SIGNERS",
    "SignerComparison",
    "Vote",
    "VoteOutcome",
    "chain_signers",
    "check_proposal",
    "compare_signers",
    "discard_proposal",
    "majority",
    "propose_validator",
    "with_role",
]

MIN_SIGNERS = 1
"""Signers a removal must leave: Clique seals nothing without one."""

RECOMMENDED_SIGNERS = 3
"""Signers to keep for a network that goes on with one down: Clique lets a signer seal once in
floor(n / 2) + 1 blocks, so with 2 signers the one left cannot seal alone; with 3 the two left
take turns."""


def majority(signers: int) -> int:
    """Votes a change needs among ``signers`` signers: more than half."""
    return signers // 2 + 1


def check_proposal(
    address: str, authorize: bool, signers: Sequence[str]
) -> tuple[Address, str | None]:
    """Check a vote to add (``authorize``) or remove ``address`` against the chain's ``signers``.

    Returns:
        The address, checksummed, and a warning when a removal leaves fewer than
        :data:`RECOMMENDED_SIGNERS`.

    Raises:
        ValidationError: not an address; already a signer (add); not a signer, or the last
            :data:`MIN_SIGNERS` (remove).
    """
    try:
        checked = check_address(address)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    current = {s.lower() for s in signers}
    if authorize:
        if checked.lower() in current:
            raise ValidationError(f"{checked} is a signer already: nothing to add")
        return checked, None
    if checked.lower() not in current:
        raise ValidationError(
            f"{checked} is not a signer: nothing to remove (signers: {', '.join(signers)})"
        )
    left = len(current) - 1
    if left < MIN_SIGNERS:
        raise ValidationError(
            f"removing {checked} would leave {left} signer(s): Clique needs at least "
            f"{MIN_SIGNERS} to seal; add another validator first"
        )
    warning = None
    if left < RECOMMENDED_SIGNERS:
        warning = (
            f"{left} signer(s) would be left: with fewer than {RECOMMENDED_SIGNERS}, the network "
            "stops sealing when one validator is down"
        )
    return checked, warning


def chain_signers(network: NetworkDescription) -> list[Address]:
    """The chain's signer set at the head (``clique_getSigners``), from the first node that
    answers.

    Raises:
        ChainError: no node of the network answers.
    """
    for node in network.nodes:
        if lifecycle.running_pid(node) is None:
            continue
        with contextlib.suppress(requests.RequestException, ChainError, ValueError):
            signers = lifecycle.node_call(node, "clique_getSigners", "latest")
            return [check_address(s) for s in signers]
    raise ChainError(f"no node of {network.path} answers: start the network first")


@dataclass(frozen=True)
class Vote:
    """One node's vote: cast, or why not."""

    node: str
    voted: bool
    error: str | None = None


@dataclass(frozen=True)
class VoteOutcome:
    """What a proposal (or its withdrawal) did: the votes cast, the description's change."""

    address: Address
    action: str
    signers: list[Address]
    needed: int
    votes: list[Vote]
    role: dict[str, str] | None = None
    restarted: list[str] = dataclasses.field(default_factory=list)
    warning: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON takes it."""
        return asdict(self)


def _voters(
    network: NetworkDescription, names: Iterable[str], signers: Sequence[str]
) -> tuple[NodeDescription, ...]:
    """The nodes that vote: the named ones, else every validator of the description whose
    account is a signer.

    Raises:
        ValidationError: a named node whose account is no signer (its blocks would never carry
            the vote), or no voter at all.
    """
    current = {s.lower() for s in signers}
    named = tuple(names)
    chosen = network.select(named) if named else network.validators
    for node in chosen:
        if named and node.address.lower() not in current:
            raise ValidationError(
                f"{node.name} ({node.address}) is not a signer: its vote would never be sealed"
            )
    voters = tuple(n for n in chosen if n.address.lower() in current)
    if not voters:
        raise ValidationError(f"no validator of {network.path} is a signer of the chain")
    return voters


def _cast(voters: Sequence[NodeDescription], method: str, *params: Any) -> list[Vote]:
    votes = []
    for node in voters:
        if lifecycle.running_pid(node) is None:
            votes.append(Vote(node.name, False, "not running"))
            continue
        try:
            ipc_call(ipc_path(node), method, *params)
        except ChainError as exc:
            votes.append(Vote(node.name, False, str(exc)))
        else:
            votes.append(Vote(node.name, True))
    if not any(v.voted for v in votes):
        detail = "; ".join(f"{v.node}: {v.error}" for v in votes)
        raise ChainError(f"{method} was cast by no node: {detail}")
    return votes


def with_role(network: NetworkDescription, name: str, role: NodeRole) -> NetworkDescription:
    """``network`` with node ``name`` given ``role``, written back to its file."""
    nodes = tuple(dataclasses.replace(n, role=role) if n.name == name else n for n in network.nodes)
    changed = dataclasses.replace(network, nodes=nodes)
    write_network(changed)
    return changed


def _node_of(network: NetworkDescription, address: str) -> NodeDescription | None:
    return next((n for n in network.nodes if n.address.lower() == address.lower()), None)


def propose_validator(
    network: NetworkDescription, address: str, authorize: bool, names: Iterable[str] = ()
) -> VoteOutcome:
    """Vote from each voter (the named nodes, else every validator that is a signer) to add
    (``authorize``) or remove ``address``; when it is a node of the description, write its new
    role back, and restart a member node promoted so that it seals.

    Raises:
        ValidationError: see :func:`check_proposal` and the voters refused.
        ChainError: no node answers, or no vote could be cast.
    """
    signers = chain_signers(network)
    checked, warning = check_proposal(address, authorize, signers)
    votes = _cast(_voters(network, names, signers), "clique_propose", checked, authorize)
    outcome = VoteOutcome(
        checked, "add" if authorize else "remove", signers, majority(len(signers)), votes,
        warning=warning,
    )  # fmt: skip
    node = _node_of(network, checked)
    wanted = NodeRole.VALIDATOR if authorize else NodeRole.MEMBER
    if node is None or node.role is wanted:
        return outcome
    changed = with_role(network, node.name, wanted)
    role = {"node": node.name, "from": node.role.value, "to": wanted.value}
    restarted = []
    if authorize and lifecycle.running_pid(node) is not None:
        lifecycle.stop(changed, [node.name])
        lifecycle.start(changed, [node.name])
        restarted.append(node.name)
    return dataclasses.replace(outcome, role=role, restarted=restarted)


def discard_proposal(
    network: NetworkDescription, address: str, names: Iterable[str] = ()
) -> VoteOutcome:
    """Withdraw the voters' votes about ``address`` (``clique_discard``); a node of the
    description with that account gets back the role the chain gives it now (validator while
    a signer, else member), written back; a running node keeps running as it is.

    Raises:
        ValidationError: not an address, or no voter.
        ChainError: no node answers, or no node withdrew its vote.
    """
    try:
        checked = check_address(address)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    signers = chain_signers(network)
    votes = _cast(_voters(network, names, signers), "clique_discard", checked)
    outcome = VoteOutcome(checked, "discard", signers, majority(len(signers)), votes)
    node = _node_of(network, checked)
    signing = checked.lower() in {s.lower() for s in signers}
    wanted = NodeRole.VALIDATOR if signing else NodeRole.MEMBER
    if node is None or node.role is wanted:
        return outcome
    with_role(network, node.name, wanted)
    role = {"node": node.name, "from": node.role.value, "to": wanted.value}
    return dataclasses.replace(outcome, role=role)


@dataclass(frozen=True)
class SignerComparison:
    """The chain's signer set beside the governance record of the validators.

    ``record`` is None when the record is not known (``reason`` says why); ``not_recorded``
    are signers the record lacks, ``not_signing`` recorded validators that are no signer."""

    signers: list[Address] | None
    record: dict[str, str] | None
    not_recorded: list[Address]
    not_signing: list[str]
    reason: str | None = None

    @property
    def agreed(self) -> bool | None:
        """Whether the two agree; None when either side is not known."""
        if self.signers is None or self.record is None:
            return None
        return not self.not_recorded and not self.not_signing

    def as_dict(self) -> dict[str, Any]:
        """The comparison as JSON takes it."""
        return {**asdict(self), "agreed": self.agreed}


def compare_signers(
    signers: Sequence[Address] | None, record: Mapping[str, str] | None, reason: str | None = None
) -> SignerComparison:
    """Hold the chain's ``signers`` against the governance ``record`` (signer address -> LEI of
    the member running it); either side None when not known, with the ``reason``."""
    if signers is None or record is None:
        return SignerComparison(
            None if signers is None else list(signers),
            None if record is None else dict(record),
            [], [], reason,
        )  # fmt: skip
    recorded = {a.lower() for a in record}
    chain = {s.lower() for s in signers}
    return SignerComparison(
        list(signers),
        dict(record),
        [s for s in signers if s.lower() not in recorded],
        [a for a in record if a.lower() not in chain],
        reason,
    )
