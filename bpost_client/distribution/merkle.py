"""The Merkle trees of NAV batches, built as the DistributionRegistry builds them: leaves in
record order, each pair hashed with the commutative keccak256 of OpenZeppelin's ``Hashes``
(the smaller word first), an odd last node carried up unchanged. Proofs verify with
OpenZeppelin's ``MerkleProof.verify``."""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi.abi import encode
from eth_utils.crypto import keccak

__all__ = ["merkle_proof", "merkle_root", "nav_leaf", "verify"]


def nav_leaf(serial: int, day: int, nav: int, net_assets: int, units: int, version: int) -> bytes:
    """keccak256(keccak256(abi.encode(serial, date, nav, netAssets, units, version)))."""
    inner = keccak(
        encode(
            ["uint32", "uint32", "uint40", "uint64", "uint64", "uint32"],
            [serial, day, nav, net_assets, units, version],
        )
    )
    return keccak(inner)


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def _levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        nodes = levels[-1]
        up = [_pair(nodes[i], nodes[i + 1]) for i in range(0, len(nodes) - 1, 2)]
        if len(nodes) % 2:
            up.append(nodes[-1])
        levels.append(up)
    return levels


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """The root over ``leaves``."""
    return _levels(leaves)[-1][0]


def merkle_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The siblings from leaf ``index`` up to the root (none where a node is carried up)."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} of {len(leaves)}")
    proof = []
    for nodes in _levels(leaves)[:-1]:
        sibling = index ^ 1
        if sibling < len(nodes):
            proof.append(nodes[sibling])
        index //= 2
    return proof


def verify(proof: Sequence[bytes], root: bytes, leaf: bytes) -> bool:
    """Whether ``proof`` leads from ``leaf`` to ``root``."""
    node = leaf
    for sibling in proof:
        node = _pair(node, sibling)
    return node == root
