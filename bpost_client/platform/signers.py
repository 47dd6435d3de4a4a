"""Signers: an encrypted eth-account keystore, or on the embedded chain its dev accounts."""

from __future__ import annotations

import getpass
import json
import os
import sys
from functools import cache
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from bpost_client._utils import files
from bpost_client.exceptions import SignerError
from bpost_client.platform.chain import CHAIN_ID, DEV_CHAIN_IDS, DEV_MNEMONIC

__all__ = [
    "DEV_ACCOUNTS_SHOWN",
    "DEV_CHAIN_IDS",
    "PASSPHRASE_ENV",
    "dev_account",
    "dev_account_index",
    "dev_accounts",
    "from_ape_account",
    "from_keystore",
    "write_keystore",
]

PASSPHRASE_ENV = "BPOST_KEYSTORE_PASSPHRASE"
"""The environment variable a keystore's passphrase is read from before prompting."""

Account.enable_unaudited_hdwallet_features()


DEV_ACCOUNTS_SHOWN = 20
"""The dev accounts the embedded chain funds (anvil's default), which `--dev-account` names."""


@cache
def _dev_addresses() -> dict[str, int]:
    return {dev_account(i).address.lower(): i for i in range(DEV_ACCOUNTS_SHOWN)}


def dev_account_index(address: str) -> int | None:
    """The ``--dev-account`` number of ``address`` when it is one of the embedded chain's funded
    dev accounts, else None."""
    return _dev_addresses().get(address.lower())


def dev_account(index: int, chain_id: int | None = None) -> LocalAccount:
    """Dev account ``index`` of the embedded chain's mnemonic.

    Raises:
        SignerError: ``chain_id`` is given and is not a local development chain, where a key
            everybody knows must never sign.
    """
    if chain_id is not None and chain_id not in DEV_CHAIN_IDS:
        raise SignerError(f"dev accounts sign only on local chains, not on chain {chain_id}")
    if not 0 <= index < 1000:
        raise SignerError(f"dev account index {index} is out of range")
    account: LocalAccount = Account.from_mnemonic(
        DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}"
    )
    return account


def dev_accounts(chain_id: int) -> list[LocalAccount]:
    """The funded dev accounts on a local development chain (every participant's key there), and
    none on any other chain."""
    if chain_id not in DEV_CHAIN_IDS:
        return []
    return [dev_account(i, chain_id) for i in range(DEV_ACCOUNTS_SHOWN)]


def from_keystore(path: Path | str, passphrase: str | None = None) -> LocalAccount:
    """Open an encrypted keystore (Web3 secret storage, as geth, Ape and eth-account write).

    The passphrase is, in order: the argument, ``$BPOST_KEYSTORE_PASSPHRASE``, a prompt when a
    terminal is attached.

    Raises:
        SignerError: the file is missing or malformed, no passphrase, or the passphrase is wrong.
    """
    keyfile = files.read_json(path, SignerError, "the keystore", f"no keystore at {path}")
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        if not sys.stdin.isatty():
            raise SignerError(f"no passphrase for {path}: set {PASSPHRASE_ENV}")
        passphrase = getpass.getpass(f"Passphrase for {path}: ")
    try:
        key = Account.decrypt(keyfile, passphrase)
    except (ValueError, KeyError, TypeError) as exc:
        raise SignerError(f"cannot open the keystore {path}: {exc}") from exc
    account: LocalAccount = Account.from_key(key)
    return account


def write_keystore(account: LocalAccount, path: Path, passphrase: str) -> Path:
    """Encrypt ``account`` into a keystore file (mode 0600)."""
    data = Account.encrypt(account.key, passphrase)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return path


def from_ape_account(account: object | None, chain_id: int) -> LocalAccount:
    """The eth-account signer behind an Ape account, so Ape scripts send through the client.

    Ape's test accounts carry their private key; its keyfile accounts are keystores in the same
    format this module opens. The object is inspected, not imported: the client needs no Ape.
    With no account, dev account 0 signs on the embedded chain.

    Raises:
        SignerError: no account off the embedded chain, or an account of another kind (a
            hardware wallet, say).
    """
    if account is None:
        if chain_id != CHAIN_ID:
            raise SignerError(f"name the signer with --account on chain {chain_id}")
        return dev_account(0, chain_id)
    private_key = getattr(account, "private_key", None)
    if private_key:
        if chain_id not in DEV_CHAIN_IDS:
            raise SignerError(f"test accounts sign only on local chains, not on chain {chain_id}")
        signer: LocalAccount = Account.from_key(private_key)
        return signer
    keyfile = getattr(account, "keyfile_path", None)
    if keyfile is not None:
        return from_keystore(Path(keyfile))
    raise SignerError(f"cannot sign with {type(account).__name__}: use a keyfile or test account")
