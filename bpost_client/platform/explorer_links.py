"""Links to the explorer's page of a transaction: ``<explorer URL>/tx/<0x hash>``.

The explorer (``bpost explorer``) shows each transaction at ``/tx/`` followed by its hash in
lowercase hexadecimal with ``0x``. A client given an explorer URL logs a link for every
transaction it sends, on the logger named :data:`TRANSACTIONS_LOGGER`.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from hexbytes import HexBytes

from bpost_client.exceptions import ConfigError

__all__ = [
    "EXPLORER_URL_ENV",
    "TRANSACTIONS_LOGGER",
    "check_explorer_url",
    "explorer_url_from_env",
    "tx_link",
]

EXPLORER_URL_ENV = "BPOST_EXPLORER_URL"
"""The environment variable that gives clients and the CLI their explorer URL."""

TRANSACTIONS_LOGGER = "bpost_client.transactions"
"""The logger on which a client with an explorer URL logs each transaction it sends (INFO)."""


def check_explorer_url(url: str) -> str:
    """``url`` without its trailing slashes, once it is known to be an explorer's base URL.

    A base URL is ``http://`` or ``https://``, names a host, and has neither query, fragment nor
    whitespace; it may have a path (``https://example.org/explorer``).

    Raises:
        ConfigError: ``url`` is not such a URL.
    """
    if not url or any(c.isspace() for c in url):
        raise ConfigError(f"explorer URL {url!r} is empty or contains whitespace")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigError(f"explorer URL {url!r} is not an http:// or https:// URL")
    try:
        parts.port  # noqa: B018 - reading the port checks it
    except ValueError as exc:
        raise ConfigError(f"explorer URL {url!r} has a bad port: {exc}") from None
    if not parts.hostname:
        raise ConfigError(f"explorer URL {url!r} names no host")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ConfigError(f"explorer URL {url!r} has a query or a fragment; give the base URL")
    return url.rstrip("/")


def tx_link(explorer_url: str, tx_hash: str | bytes) -> str:
    """The explorer's page of the transaction ``tx_hash``.

    Args:
        explorer_url: the explorer's base URL; a trailing slash is allowed.
        tx_hash: the 32-byte transaction hash, as bytes or as hexadecimal (``0x`` optional,
            either case).

    Returns:
        ``<explorer_url>/tx/0x<64 lowercase hexadecimal digits>``.

    Raises:
        ConfigError: the URL is not an http(s) base URL, or the hash is not 32 bytes.
    """
    base = check_explorer_url(explorer_url)
    try:
        digest = HexBytes(tx_hash)
    except ValueError as exc:
        raise ConfigError(f"transaction hash {tx_hash!r} is not hexadecimal") from exc
    if len(digest) != 32:
        raise ConfigError(
            f"transaction hash {tx_hash!r} has {len(digest)} bytes, a transaction hash has 32"
        )
    return f"{base}/tx/0x{bytes(digest).hex()}"


def explorer_url_from_env() -> str | None:
    """The explorer URL that ``$BPOST_EXPLORER_URL`` gives (checked, trailing slashes removed),
    or None when the variable is unset or empty.

    Raises:
        ConfigError: the variable is set to something that is not an http(s) base URL.
    """
    value = os.environ.get(EXPLORER_URL_ENV, "")
    if value == "":
        return None
    try:
        return check_explorer_url(value)
    except ConfigError as exc:
        raise ConfigError(f"{EXPLORER_URL_ENV}: {exc}") from None
