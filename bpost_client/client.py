"""The client: a web3 connection bound to one deployment of the B-POST contracts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from requests.exceptions import RequestException
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.middleware import ExtraDataToPOAMiddleware
from web3.types import BlockIdentifier

from bpost_client._utils.failover import FailoverProvider
from bpost_client._utils.reverts import read_call
from bpost_client._utils.sender import FeeMode, Sender
from bpost_client.contracts import DEPLOYED_CONTRACTS, load_abi
from bpost_client.exceptions import ChainError, ManifestError, SignerError
from bpost_client.manifest import Manifest, manifest_path
from bpost_client.platform.explorer_links import check_explorer_url, explorer_url_from_env

__all__ = ["Client", "FailoverProvider", "connect", "web3_for"]


def web3_for(url: str | Sequence[str], timeout: float = 30.0) -> Web3:
    """A Web3 over HTTP JSON-RPC that also reads proof-of-authority blocks (Clique, QBFT).

    Given several URLs (nodes of one chain, in order of preference), it talks to the first and
    moves to the next when the one in use is lost (``_utils.failover``).

    Raises:
        ChainError: no node answers now (each URL is tried once).
    """
    urls = [url] if isinstance(url, str) else list(url)
    provider = FailoverProvider(urls, timeout=timeout)
    w3 = Web3(provider)
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    waited, provider.reconnect_timeout = provider.reconnect_timeout, 0.0
    try:
        provider.chain_id = int(w3.eth.chain_id)  # the first answer proves a node answers
    except (ChainError, RequestException, OSError, ValueError) as exc:
        raise ChainError(f"no JSON-RPC node answers at {', '.join(urls)}: {exc}") from exc
    finally:
        provider.reconnect_timeout = waited
    provider.losses = 0  # a node down at connection time is no node lost under a sender
    return w3


@dataclass
class Client:
    """A connection to a node, the deployment it serves, and optionally a signer.

    With an ``explorer_url`` (by default ``$BPOST_EXPLORER_URL`` when set), the client prints a
    link to the explorer's page of every transaction it sends. Being a library, it prints through
    logging: one line ``<label>: <0x hash> <explorer URL>/tx/<0x hash>`` at INFO on the logger
    ``bpost_client.transactions``, when the transaction is sent (before its receipt). The lines
    show once the application configures logging, e.g. ``logging.basicConfig(level=logging.INFO)``;
    the ``bpost`` CLI prints them on stderr. Without an explorer URL (None) nothing is logged. The
    URL is checked and kept without trailing slashes.

    Raises:
        ConfigError: ``explorer_url`` (or ``$BPOST_EXPLORER_URL``) is not an http(s) base URL.
    """

    w3: Web3
    manifest: Manifest
    account: LocalAccount | None = None
    fees: FeeMode = "auto"
    explorer_url: str | None = field(default_factory=explorer_url_from_env)
    _contracts: dict[str, Contract] = field(default_factory=dict, repr=False)
    _sender: Sender | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.explorer_url is not None:
            self.explorer_url = check_explorer_url(self.explorer_url)

    @property
    def chain_id(self) -> int:
        """The chain id of the deployment (checked against the node at connect)."""
        return self.manifest.chain_id

    def contract(self, name: str) -> Contract:
        """The deployed contract ``name`` with the client's packaged ABI."""
        if name not in self._contracts:
            self._contracts[name] = self.w3.eth.contract(
                address=self.manifest.address(name), abi=load_abi(name)
            )
        return self._contracts[name]

    def today(self) -> date:
        """The chain's date: its latest block's time, in UTC (what "today" and "in the past"
        mean for every participant alike, whatever its own clock or time zone)."""
        stamp = int(self.w3.eth.get_block("latest")["timestamp"])
        return datetime.fromtimestamp(stamp, UTC).date()

    def read(self, call: ContractFunction, block: BlockIdentifier = "latest") -> Any:
        """The result of the view function ``call`` (``contract.functions.f(args)``) at
        ``block``: every read of the library goes through here, so a revert is the project's
        exception, never web3's.

        Raises:
            ContractRevert: the call reverted with a custom error (the subclass named after it,
                e.g. ``exceptions.FundRegistryUnknownFund``, arguments decoded).
            TransactionError: it reverted without a custom error.
        """
        return read_call(call, block)

    @property
    def sender(self) -> Sender:
        """The pipelined sender of the client's signer.

        Raises:
            SignerError: the client was connected without a signer (read-only).
        """
        if self.account is None:
            raise SignerError("this client is read-only: connect with a signer to send")
        if self._sender is None:
            self._sender = Sender(
                self.w3, self.account, self.chain_id, fees=self.fees, explorer_url=self.explorer_url
            )
        elif self._sender.explorer_url != self.explorer_url:  # set on the client since
            self._sender.explorer_url = (
                None if self.explorer_url is None else check_explorer_url(self.explorer_url)
            )
        return self._sender

    @property
    def address(self) -> str:
        """The signer's address.

        Raises:
            SignerError: no signer.
        """
        if self.account is None:
            raise SignerError("this client has no signer")
        return str(self.account.address)

    def with_account(self, account: LocalAccount | None) -> Client:
        """The same connection and explorer URL, signing as ``account`` (None: read-only)."""
        return Client(self.w3, self.manifest, account, self.fees, self.explorer_url)


def _resolve_manifest(manifest: Manifest | Path | str, chain_id: int) -> Manifest:
    if isinstance(manifest, Manifest):
        return manifest
    path = Path(manifest)
    if path.is_dir() or (not path.exists() and path.suffix != ".json"):  # a deployments directory
        path = manifest_path(path, chain_id)
    return Manifest.load(path)


def connect(
    url: str | Sequence[str],
    manifest: Manifest | Path | str,
    account: LocalAccount | None = None,
    *,
    fees: FeeMode = "auto",
    check_code: bool = True,
    explorer_url: str | None = None,
) -> Client:
    """Connect to the node at ``url`` and bind the deployment that ``manifest`` describes.

    Args:
        url: JSON-RPC URL of any EVM node (anvil, geth, Besu), or the URLs of several nodes of
            one chain in order of preference: the client moves to the next when its node is
            lost, and its sender sends again what that node held (see :class:`Sender`).
        manifest: a manifest, its file, or a ``deployments/`` directory (the file of the node's
            chain id is taken).
        account: the signer; None for a read-only client.
        fees: ``auto`` (EIP-1559 where blocks carry a base fee), ``legacy``, ``eip1559`` or
            ``free`` (gas price zero).
        check_code: verify that every contract of the manifest has code on the node.
        explorer_url: base URL of the explorer; the client then logs a link for every
            transaction it sends (see :class:`Client`). None: ``$BPOST_EXPLORER_URL`` when set,
            else no links.

    Raises:
        ConfigError: ``explorer_url`` (or ``$BPOST_EXPLORER_URL``) is not an http(s) base URL.
        ChainError: no node answers.
        ManifestError: no manifest for this chain, another chain id, another ABI, or no code.
    """
    explorer = explorer_url_from_env() if explorer_url is None else check_explorer_url(explorer_url)
    w3 = web3_for(url)
    chain_id = w3.eth.chain_id
    bound = _resolve_manifest(manifest, chain_id)
    if bound.chain_id != chain_id:
        raise ManifestError(
            f"the manifest is for chain {bound.chain_id}, the node at "
            f"{getattr(w3.provider, 'endpoint_uri', url)} is chain {chain_id}"
        )
    bound.check_abis()
    if check_code:
        for name in DEPLOYED_CONTRACTS:
            if not w3.eth.get_code(bound.address(name)):
                raise ManifestError(
                    f"no code at {bound.address(name)} ({name}) on chain {chain_id}: "
                    "the chain was reset or the manifest is stale; deploy again"
                )
    return Client(w3, bound, account, fees, explorer)
