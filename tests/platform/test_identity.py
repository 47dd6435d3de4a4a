"""Identifiers, roles mirrored from Solidity, signers."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpost_client.client import Client
from bpost_client.exceptions import SignerError
from bpost_client.identifiers import check_address, check_lei, lei_is_valid
from bpost_client.platform import signers
from bpost_client.types import Role

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def with_check_digits(prefix: str) -> str:
    number = int("".join(str(int(c, 36)) for c in prefix + "00"))
    return f"{prefix}{98 - number % 97:02d}"


@given(st.text(alphabet=ALNUM, min_size=18, max_size=18))
def test_lei__computed_check_digits__valid(prefix: str) -> None:
    assert lei_is_valid(with_check_digits(prefix))


DIGITS = "0123456789"


@given(
    st.text(alphabet=DIGITS, min_size=18, max_size=18), st.integers(0, 19), st.sampled_from(DIGITS)
)
def test_lei__one_digit_changed__invalid(prefix: str, position: int, char: str) -> None:
    # MOD 97-10 catches every single substitution of a digit by a digit (a letter becomes two
    # digits, so a letter-for-digit change can slip through, as ISO 7064 allows).
    lei = with_check_digits(prefix)
    changed = lei[:position] + char + lei[position + 1 :]
    if changed != lei:
        assert not lei_is_valid(changed)


def test_lei__known_examples() -> None:
    assert check_lei(" 969500ksv493xwy0ps33") == "969500KSV493XWY0PS33"
    with pytest.raises(ValueError, match="check digits"):
        check_lei("969500KSV493XWY0PS34")
    with pytest.raises(ValueError, match="not a LEI"):
        check_lei("969500KSV493XWY0PS3")


def test_address__bad_checksum__refused() -> None:
    good = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert check_address(good.lower()) == good
    with pytest.raises(ValueError):
        check_address(good.replace("C5", "c5"))


def test_roles__python_enum__matches_the_contract_constants(reader: Client) -> None:
    access = reader.contract("PlatformAccess")
    for role in Role:
        assert getattr(access.functions, role.value)().call() == role.id, role
        assert access.functions.isKnownRole(role.id).call()
    abi_roles = {i["name"] for i in access.abi if i.get("name", "").endswith("_ROLE")}
    assert abi_roles == {r.value for r in Role}


def test_keystore__round_trip_with_the_environment_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = signers.dev_account(3)
    path = signers.write_keystore(account, tmp_path / "key.json", "s3cret")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv(signers.PASSPHRASE_ENV, "s3cret")
    assert signers.from_keystore(path).address == account.address
    monkeypatch.setenv(signers.PASSPHRASE_ENV, "wrong")
    with pytest.raises(SignerError, match="cannot open"):
        signers.from_keystore(path)


def test_keystore__missing_or_not_json__refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(SignerError, match=r"no keystore at .*missing\.json"):
        signers.from_keystore(tmp_path / "missing.json", "x")
    (tmp_path / "cut.json").write_text('{"crypto": ')
    with pytest.raises(SignerError, match=r"cannot read the keystore .*cut\.json: Expecting value"):
        signers.from_keystore(tmp_path / "cut.json", "x")


def test_keystore__no_passphrase_and_no_terminal__refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = signers.write_keystore(signers.dev_account(3), tmp_path / "key.json", "x")
    monkeypatch.delenv(signers.PASSPHRASE_ENV, raising=False)
    with pytest.raises(SignerError, match=signers.PASSPHRASE_ENV):
        signers.from_keystore(path)
    (tmp_path / "bad.json").write_text(json.dumps({"not": "a keystore"}))
    with pytest.raises(SignerError):
        signers.from_keystore(tmp_path / "bad.json", "x")


def test_dev_account__on_a_public_chain__refused() -> None:
    assert signers.dev_account(0, 20201030).address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    with pytest.raises(SignerError, match="local chains"):
        signers.dev_account(0, 1)


def test_keystore__passphrase_prompted_on_a_terminal(tmp_path: Path) -> None:
    account = signers.dev_account(4)
    path = signers.write_keystore(account, tmp_path / "key.json", "typed-in")
    script = (
        "from bpost_client.platform.signers import from_keystore\n"
        f"print(from_keystore({str(path)!r}).address)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != signers.PASSPHRASE_ENV}
    child = pexpect.spawn(sys.executable, ["-c", script], env=env, encoding="utf-8", timeout=30)
    child.expect("Passphrase for")
    child.sendline("typed-in")
    child.expect(pexpect.EOF)
    assert account.address in (child.before or "")
