"""Files written whole (a temporary file beside the target, synced, then renamed over it) and
JSON files read with an error in words."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["read_json", "write_atomic"]

SHARED = 0o644
"""rw-r--r--: what a new file gets unless told otherwise (mkstemp's 0600 would hide it from the
other users a shared directory is meant for)."""


def write_atomic(
    target: Path | str, data: bytes, mode: int | None = None, *, parents: bool = False
) -> Path:
    """Write ``data`` to ``target`` so that a reader sees the old file or the whole new one,
    never a part, and a crash leaves no temporary file behind; returns the path.

    The file gets ``mode`` when given, else keeps the mode of the file it replaces, else
    :data:`SHARED`. With ``parents`` a missing directory is created.

    Raises:
        OSError: the directory or the file cannot be written.
    """
    path = Path(target)
    directory = path.parent if str(path.parent) else Path(".")
    if parents:
        directory.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else SHARED
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def read_json(path: Path | str, error: Callable[[str], Exception], what: str, missing: str) -> Any:
    """The JSON value in ``path``.

    Raises:
        Exception: made by ``error`` with ``missing`` when there is no such file, or with
            "cannot read <what> <path>: <reason>" when it cannot be read or is not JSON.
    """
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise error(missing) from None
    except (OSError, ValueError) as exc:
        raise error(f"cannot read {what} {path}: {exc}") from exc
