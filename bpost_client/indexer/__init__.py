"""The chain index: blocks, transactions and events of the deployment, decoded with its ABIs and
written into a database through SQLAlchemy (SQLite under ``.bpost/index`` by default, any
SQLAlchemy URL otherwise), checkpointed so that a killed indexer resumes without loss or
duplicate, and following reorganisations up to a set depth.

``Indexer(client, open_engine(url)).sync()`` brings the database up to the head;
:meth:`Indexer.follow` keeps it there. The tables are described in :mod:`.schema`.
"""

from __future__ import annotations

from bpost_client.indexer.indexer import (
    Indexer,
    IndexerError,
    IndexStatus,
    ReorgTooDeepError,
    SyncReport,
)
from bpost_client.indexer.schema import DEFAULT_DATA_DIR, default_database_url, open_engine
from bpost_client.platform.decode import Decoder

__all__ = [
    "DEFAULT_DATA_DIR",
    "Decoder",
    "IndexStatus",
    "Indexer",
    "IndexerError",
    "ReorgTooDeepError",
    "SyncReport",
    "default_database_url",
    "open_engine",
]
