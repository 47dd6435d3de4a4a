"""What the explorer keeps between requests (the index, the chain, authentication, caches) and
the FastAPI dependencies that hand it to the pages: ``Db`` (a connection to the index) and
``State`` (the :class:`Explorer`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection, Engine

from bpost_client.api.auth import Authenticator, Clock
from bpost_client.client import Client
from bpost_client.contracts import load_sources, masked_code_hash
from bpost_client.explorer.names import NameBook
from bpost_client.indexer.schema import IndexCheckpoint, read_checkpoint

__all__ = [
    "HEAD_SECONDS",
    "CodeCheck",
    "Db",
    "Explorer",
    "State",
    "connection",
    "explorer",
]

HEAD_SECONDS = 2.0
"""How long the chain's head block number is reused before the node is asked again."""


@dataclass(frozen=True)
class CodeCheck:
    """Whether the code at a contract's address is the compiled code of its packaged sources.

    ``matches`` is None when the comparison could not be made; ``detail`` says why, or how the
    comparison was made.
    """

    matches: bool | None
    detail: str


class Explorer:
    """The explorer's services and caches; safe from several threads.

    Args:
        engine: the index database.
        client: a client of the deployment (read-only is enough).
        auth: the authenticator of the signed-in institutions.
        clock: the time in seconds (tests move it).
    """

    def __init__(
        self, engine: Engine, client: Client, auth: Authenticator, clock: Clock = time.time
    ) -> None:
        self.engine = engine
        self.client = client
        self.auth = auth
        self.clock = clock
        self._lock = threading.Lock()
        self._head: tuple[float, int] | None = None
        self._names: NameBook | None = None
        self._codes: dict[str, CodeCheck] = {}

    def head(self) -> int:
        """The chain's head block number, asked of the node at most every
        :data:`HEAD_SECONDS`."""
        now = self.clock()
        with self._lock:
            if self._head is not None and now - self._head[0] < HEAD_SECONDS:
                return self._head[1]
        number = int(self.client.w3.eth.block_number)
        with self._lock:
            self._head = (now, number)
        return number

    @staticmethod
    def checkpoint(conn: Connection) -> IndexCheckpoint | None:
        """The index's checkpoint, or None while the index is empty."""
        return read_checkpoint(conn)

    def names(self, conn: Connection | None = None) -> NameBook:
        """The name book at the index's checkpoint, loaded again only when the checkpoint
        moved."""
        if conn is None:
            with self.engine.connect() as own:
                return self.names(own)
        position = self.checkpoint(conn)
        block = None if position is None else position.block_number
        with self._lock:
            if self._names is not None and self._names.block == block and block is not None:
                return self._names
        book = NameBook.load(conn, self.client.manifest, block)
        with self._lock:
            self._names = book
        return book

    def code_check(self, name: str) -> CodeCheck:
        """Compare the code at contract ``name``'s address with its compiled runtime code, the
        positions of its ``immutable`` values masked (they are written at deployment). Asked of
        the node once per contract."""
        with self._lock:
            known = self._codes.get(name)
        if known is not None:
            return known
        check = self._compare(name)
        if check.matches is not None:
            with self._lock:
                self._codes[name] = check
        return check

    def _compare(self, name: str) -> CodeCheck:
        sources = load_sources(name)
        if sources is None:
            return CodeCheck(None, "not compared: no sources are packaged for this contract")
        if sources.immutables is None:
            return CodeCheck(
                None,
                "not compared: the positions of its immutable values are unknown "
                "(the export could not recompile it)",
            )
        try:
            code = bytes(self.client.w3.eth.get_code(self.client.manifest.address(name)))
        except Exception as exc:  # the node's failure is shown, not raised
            return CodeCheck(None, f"not compared: the node did not answer ({exc})")
        if len(code) != sources.runtime_size:
            return CodeCheck(
                False,
                f"differs: {len(code)} bytes at the address, {sources.runtime_size} compiled",
            )
        if masked_code_hash(code, sources.immutables) != sources.runtime_keccak:
            return CodeCheck(False, "differs from the compiled runtime code")
        masked = len(sources.immutables)
        how = (
            f"{masked} immutable value{'s' if masked != 1 else ''} "
            f"({sum(r.length for r in sources.immutables)} bytes) masked"
            if masked
            else "byte for byte"
        )
        return CodeCheck(True, f"matches the compiled runtime code ({how})")


def explorer(request: Request) -> Explorer:
    """The app's :class:`Explorer`."""
    found = getattr(request.app.state, "explorer", None)
    if not isinstance(found, Explorer):
        raise RuntimeError("this app was not built by create_explorer")
    return found


State = Annotated[Explorer, Depends(explorer)]


def connection(app: State) -> Iterator[Connection]:
    """A connection to the index for one request."""
    with app.engine.connect() as conn:
        yield conn


Db = Annotated[Connection, Depends(connection)]
