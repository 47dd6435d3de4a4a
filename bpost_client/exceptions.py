"""Every error the client raises descends from :class:`BPostError`.

Reverts carry the contract's custom error: the client raises a subclass of
:class:`ContractRevert` named after it (``ParticipantRegistryUnknownInstitution`` ...), with the
decoded arguments in ``.arguments``. Those classes are made from the packaged ABIs and reached as
attributes of this module (``exceptions.ParticipantRegistryUnknownInstitution``) or through
:func:`revert_class`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

__all__ = [
    "BPostError",
    "ChainError",
    "ConfigError",
    "ContractRevert",
    "DeploymentError",
    "ManifestError",
    "RowError",
    "SignerError",
    "TransactionDropped",
    "TransactionError",
    "TransactionReplaced",
    "TransactionTooLarge",
    "UnknownRevert",
    "ValidationError",
    "name_contract_values",
    "revert_class",
]


class BPostError(Exception):
    """Root of every error raised by bpost_client."""


class ConfigError(BPostError, ValueError):
    """A setting or argument is missing or malformed."""


class RowError(BPostError, ValueError):
    """One bad value of an input file: where it is and why it is refused."""

    def __init__(self, row: int, column: str, reason: str) -> None:
        super().__init__(f"row {row}, column {column}: {reason}")
        self.row = row
        self.column = column
        self.reason = reason


class ValidationError(BPostError, ValueError):
    """Input refused before anything was sent; ``errors`` lists every bad value found."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        self.errors = list(errors or [])
        detail = "".join(f"\n  {e}" for e in self.errors)
        super().__init__(message + detail)


class ManifestError(BPostError, ValueError):
    """A deployment manifest is missing, malformed, or for another chain or ABI."""


class DeploymentError(BPostError, RuntimeError):
    """A deployment was refused or did not complete."""


class ChainError(BPostError, RuntimeError):
    """The node could not be reached, or the embedded chain could not be started or stopped."""


class SignerError(BPostError, ValueError):
    """No signer, or a keystore that cannot be opened."""


class TransactionError(BPostError, RuntimeError):
    """A transaction failed without a decodable custom error."""


class TransactionDropped(TransactionError):
    """A transaction left the pool and could not be sent again."""


class TransactionReplaced(TransactionError):
    """Another transaction took this one's nonce."""


class TransactionTooLarge(TransactionError):
    """A transaction over the 128 KiB a node's pool accepts: refused before it was sent."""


class ContractRevert(BPostError, RuntimeError):
    """A contract refused a call with a custom error; subclasses are named after the error."""

    error_name = "ContractRevert"

    def __init__(
        self, arguments: dict[str, Any], data: bytes = b"", kinds: Mapping[str, str] | None = None
    ) -> None:
        self.arguments = arguments
        self.data = data
        types = kinds or {}
        shown = ", ".join(f"{k}={_show(v, types.get(k, ''))}" for k, v in arguments.items())
        super().__init__(f"{self.error_name}({shown})")

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["arguments"][name]
        except KeyError:
            raise AttributeError(name) from None


class UnknownRevert(ContractRevert):
    """A revert whose data matches no custom error of the packaged ABIs."""

    error_name = "UnknownRevert"


_ENUMS: dict[str, type[Enum]] = {}
_NAMED_WORDS: dict[bytes, str] = {}


def name_contract_values(
    enums: Mapping[str, type[Enum]] | None = None, words: Mapping[bytes, str] | None = None
) -> None:
    """Show a revert's arguments in words: a value of a contract enum (named as the ABI's
    ``internalType`` without ``enum``, e.g. ``IFundRegistry.RequestState``) by the name of its
    member in ``enums``, and a 32-byte value of ``words`` (a role's identifier) by its name. The
    modules that mirror the contracts' enums and roles call it."""
    _ENUMS.update(enums or {})
    _NAMED_WORDS.update(words or {})


def _show(value: Any, kind: str = "") -> str:
    if kind.startswith("enum ") and kind[5:] in _ENUMS and isinstance(value, int):
        try:
            return _ENUMS[kind[5:]](value).name.lower()
        except ValueError:
            return repr(value)
    if isinstance(value, bytes) and value in _NAMED_WORDS:
        return _NAMED_WORDS[value]
    if isinstance(value, bytes):
        stripped = value.rstrip(b"\0")
        if stripped and all(32 <= b < 127 for b in stripped):
            return repr(stripped.decode("ascii"))
        return "0x" + value.hex()
    return repr(value)


_REVERT_CLASSES: dict[str, type[ContractRevert]] = {}


def revert_class(name: str) -> type[ContractRevert]:
    """The exception class for the custom error ``name`` (made on first use)."""
    cls = _REVERT_CLASSES.get(name)
    if cls is None:
        cls = type(name, (ContractRevert,), {"error_name": name, "__module__": __name__})
        _REVERT_CLASSES[name] = cls
    return cls


def __getattr__(name: str) -> type[ContractRevert]:
    if name[:1].isupper():
        from bpost_client.contracts import custom_error_names

        if name in custom_error_names():
            return revert_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
