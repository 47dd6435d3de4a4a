"""Who is calling: every caller of the HTTP interface acts for one institution, named by its LEI.

Two ways in, both ending in a bearer token:

- **A signed challenge.** The caller asks for a one-time nonce (valid
  :data:`CHALLENGE_SECONDS`), signs :func:`login_message` with the key of an address bound to its
  institution (EIP-191 ``personal_sign``) and exchanges the signature for a session token (valid
  :data:`SESSION_SECONDS`). The address recovered from the signature must be an active operator
  of an active institution in the ParticipantRegistry; the token is bound to that institution.
- **An API token** issued per institution (:func:`issue_api_token`, ``bpost api token``): the
  server keeps only the SHA-256 of each token, in a YAML file ``{sha256 hex: LEI}`` read again
  when it changes, so a token is added or revoked without a restart.

On every request the institution's standing is checked again at the chain's head (once per
block): a session stops working when its address is unbound or its institution suspended, an API
token when its institution is suspended.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from eth_account import Account
from eth_account.messages import encode_defunct

from bpost_client._utils import files
from bpost_client.client import Client
from bpost_client.exceptions import BPostError, ConfigError
from bpost_client.identifiers import bytes20_from_lei, check_address, check_lei
from bpost_client.platform.participants import institution_of
from bpost_client.types import Address, InstitutionStatus, Lei

__all__ = [
    "CHALLENGE_SECONDS",
    "SESSION_SECONDS",
    "ApiTokens",
    "AuthError",
    "Authenticator",
    "Clock",
    "Principal",
    "issue_api_token",
    "load_api_tokens",
    "login_message",
    "token_hash",
]

CHALLENGE_SECONDS = 300
SESSION_SECONDS = 3600
MAX_PENDING = 10_000
"""Most challenges (and, separately, sessions) held at once; the oldest go first."""
REGISTRY = "ParticipantRegistry"

Clock = Callable[[], float]
V = TypeVar("V")


class AuthError(BPostError, PermissionError):
    """A caller could not be authenticated; the message says why."""


def login_message(nonce: str) -> str:
    """The text a caller signs to log in with ``nonce``."""
    return f"B-POST API login\nnonce: {nonce}"


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as lowercase hex: what the server keeps of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Whom a token stands for: an institution, and the address that logged in (None for an
    API token)."""

    lei: Lei
    address: Address | None = None
    expires_at: float | None = None


def load_api_tokens(path: Path) -> dict[str, Lei]:
    """The API tokens of a file ``{sha256 hex: LEI}`` (an empty or missing file: none).

    Raises:
        ConfigError: unreadable, not a mapping, a key that is no SHA-256 or a value that is no LEI.
    """
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the API tokens {path}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the API tokens are a mapping of SHA-256 hex to LEI")
    found: dict[str, Lei] = {}
    for digest, lei in data.items():
        key = str(digest).lower()
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ConfigError(f"{path}: {digest!r} is not a SHA-256 in hex (64 digits)")
        try:
            found[key] = check_lei(str(lei))
        except ValueError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
    return found


def issue_api_token(path: Path, lei: str) -> str:
    """A new random API token of ``lei``: its SHA-256 is added to the file ``path`` (created if
    missing, readable by its owner alone, replaced whole), and the token is returned; it is
    never stored.

    Raises:
        ConfigError: a bad LEI, or a file that cannot be read or written.
    """
    try:
        owner = check_lei(lei)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    tokens: dict[str, str] = dict(load_api_tokens(path))
    token = "bpost_" + secrets.token_urlsafe(32)
    tokens[token_hash(token)] = owner
    text = yaml.safe_dump(dict(sorted(tokens.items())), default_flow_style=False)
    try:
        files.write_atomic(path, text.encode("utf-8"), 0o600, parents=True)
    except OSError as exc:
        raise ConfigError(f"cannot write the API tokens {path}: {exc}") from exc
    return token


class ApiTokens:
    """The API tokens of a file, read again whenever the file changes."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self._tokens: dict[str, Lei] = {}
        self._lock = threading.Lock()
        self._reload()

    def _reload(self) -> None:
        if self._path is None:
            return
        try:
            stat = self._path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            self._tokens = load_api_tokens(self._path)
            self._stamp = stamp

    def owner(self, token: str) -> Lei | None:
        """The institution of an API token, or None."""
        with self._lock:
            self._reload()
            return self._tokens.get(token_hash(token))


class Authenticator:
    """Challenges, sessions and API tokens; safe from several threads.

    Args:
        client: a client of the deployment (read-only is enough).
        api_tokens: the issued API tokens.
        clock: the time in seconds (``time.time``; tests move it).
    """

    def __init__(self, client: Client, api_tokens: ApiTokens, clock: Clock = time.time) -> None:
        self._client = client
        self._api_tokens = api_tokens
        self._clock = clock
        self._lock = threading.Lock()
        self._challenges: OrderedDict[str, float] = OrderedDict()
        self._sessions: OrderedDict[str, Principal] = OrderedDict()
        self._standing: dict[Principal, int] = {}

    def challenge(self) -> tuple[str, float]:
        """A new one-time nonce and when it expires."""
        now = self._clock()
        nonce = secrets.token_hex(16)
        with self._lock:
            _drop_expired(self._challenges, now, lambda expiry: expiry)
            self._challenges[nonce] = now + CHALLENGE_SECONDS
            while len(self._challenges) > MAX_PENDING:
                self._challenges.popitem(last=False)
        return nonce, now + CHALLENGE_SECONDS

    def login(self, address: str, nonce: str, signature: str) -> tuple[str, Principal]:
        """A session token for a signed challenge, and whom it stands for.

        The nonce is used up whatever the outcome.

        Raises:
            AuthError: an unknown, used or expired nonce; a signature of another address or
                text; an address that is no active operator of an active institution.
        """
        now = self._clock()
        with self._lock:
            expiry = self._challenges.pop(nonce, None)
        if expiry is None or expiry <= now:
            raise AuthError("unknown, used or expired nonce: ask for a new challenge")
        try:
            claimed = check_address(address)
            recovered = Account.recover_message(
                encode_defunct(text=login_message(nonce)), signature=signature
            )
        except (ValueError, TypeError) as exc:
            raise AuthError(f"the signature cannot be read: {exc}") from None
        if recovered != claimed:
            raise AuthError(f"the signature is not {claimed}'s signature of the login text")
        lei = institution_of(self._client, claimed)
        if lei is None or not self._active_operator(claimed):
            raise AuthError(f"{claimed} is not an active operator of an active institution")
        principal = Principal(lei, claimed, now + SESSION_SECONDS)
        token = secrets.token_urlsafe(32)
        with self._lock:
            _drop_expired(self._sessions, now, lambda p: p.expires_at or 0.0)
            self._sessions[token_hash(token)] = principal
            while len(self._sessions) > MAX_PENDING:
                self._sessions.popitem(last=False)
        return token, principal

    def authenticate(self, token: str) -> Principal:
        """Whom a bearer token stands for.

        Raises:
            AuthError: an unknown or expired token.
        """
        digest = token_hash(token)
        with self._lock:
            principal = self._sessions.get(digest)
            if principal is not None and (principal.expires_at or 0.0) <= self._clock():
                del self._sessions[digest]
                raise AuthError("the token has expired: log in again")
        if principal is not None:
            return principal
        owner = self._api_tokens.owner(token)
        if owner is None:
            raise AuthError("unknown token")
        return Principal(owner)

    def check_standing(self, principal: Principal, block: int) -> None:
        """Check, once per block, that a principal's institution (and address) still stands.

        Raises:
            AuthError: the address is no longer an operator of the institution, or the
                institution is not active.
        """
        with self._lock:
            if self._standing.get(principal) == block:
                return
        if principal.address is not None:
            bound = institution_of(self._client, principal.address)
            if bound != principal.lei or not self._active_operator(principal.address):
                raise AuthError(f"{principal.address} no longer acts for an active {principal.lei}")
        else:
            registry = self._client.contract(REGISTRY)
            _kind, status = self._client.read(
                registry.functions.statusOf(bytes20_from_lei(principal.lei))
            )
            if int(status) != InstitutionStatus.ACTIVE:
                raise AuthError(f"the institution {principal.lei} is not active")
        with self._lock:
            if len(self._standing) > MAX_PENDING:
                self._standing.clear()
            self._standing[principal] = block

    def _active_operator(self, address: str) -> bool:
        return bool(
            self._client.read(self._client.contract(REGISTRY).functions.isActiveOperator(address))
        )


def _drop_expired(held: OrderedDict[str, V], now: float, expiry: Callable[[V], float]) -> None:
    """Drop the entries that expired, oldest first (entries are held in order of expiry)."""
    while held:
        first = next(iter(held.values()))
        if expiry(first) > now:
            return
        held.popitem(last=False)
