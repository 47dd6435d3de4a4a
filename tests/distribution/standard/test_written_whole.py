"""Every file the client writes is written whole (one helper under the format adapters, the API
tokens, the manifest and the lending results): the new content or the old, a kept mode, no
temporary file left over, a missing directory refused where the caller did not ask for it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bpost_client.api.auth import issue_api_token, load_api_tokens
from bpost_client.distribution.standard.convert import write
from bpost_client.exceptions import ValidationError
from tests.distribution.standard.samples import full_dataset

LEI = "5493001KJTIIGC8Y1R12"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_file__new__readable_by_others_and_no_temporary(tmp_path: Path) -> None:
    target = write(full_dataset(), tmp_path / "a.json", "json")
    assert target.read_bytes().startswith(b"{") and mode_of(target) == 0o644
    assert os.listdir(tmp_path) == ["a.json"]


def test_written_file__replacing__keeps_the_replaced_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write(full_dataset(), target, "json")
    assert target.read_bytes() != b"old" and mode_of(target) == 0o640


def test_written_file__missing_directory__validation_error_and_nothing_made(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValidationError, match="cannot write"):
        write(full_dataset(), tmp_path / "missing" / "a.json", "json")
    assert not (tmp_path / "missing").exists()


def test_written_file__rename_fails__old_file_kept_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"old")

    def refuse(source: str, destination: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ValidationError, match="No space left"):
        write(full_dataset(), target, "json")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.json"]


def test_api_tokens__new_directory__made_and_file_private(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "tokens.yaml"
    issue_api_token(path, LEI)
    issue_api_token(path, LEI)
    assert mode_of(path) == 0o600 and len(load_api_tokens(path)) == 2
    assert os.listdir(path.parent) == ["tokens.yaml"]
