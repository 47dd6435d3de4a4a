"""Turn revert data into the exception class named after the contract's custom error."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3.contract.contract import ContractFunction
from web3.exceptions import (
    BadFunctionCallOutput,
    ContractCustomError,
    ContractLogicError,
    ContractPanicError,
)
from web3.types import BlockIdentifier

from bpost_client.contracts import error_specs
from bpost_client.exceptions import (
    ChainError,
    ContractRevert,
    TransactionError,
    UnknownRevert,
    revert_class,
)

__all__ = ["decode_revert", "read_call", "revert_data", "translate"]


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, bytes):
        return bytes(value)
    return value


def decode_revert(data: bytes) -> ContractRevert:
    """The exception for revert ``data`` (selector and ABI-encoded arguments)."""
    spec = error_specs().get(bytes(data[:4]))
    if spec is None:
        return UnknownRevert({"data": bytes(data)}, bytes(data))
    try:
        values = decode(list(spec.types), bytes(data[4:]))
    except DecodingError:
        return UnknownRevert({"data": bytes(data)}, bytes(data))
    arguments = {
        name: to_checksum_address(v) if kind == "address" else _plain(v)
        for name, kind, v in zip(spec.names, spec.types, values, strict=True)
    }
    kinds = dict(zip(spec.names, spec.internal_types, strict=False))
    return revert_class(spec.name)(arguments, bytes(data), kinds)


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert data web3 attached to ``exc``, if any."""
    data = getattr(exc, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        return bytes(HexBytes(data))
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    return None


def translate(exc: BaseException) -> BaseException:
    """A web3 contract error as a bpost_client exception; other errors unchanged."""
    if isinstance(exc, ContractCustomError | ContractPanicError | ContractLogicError):
        data = revert_data(exc)
        if data and len(data) >= 4 and isinstance(exc, ContractCustomError):
            return decode_revert(data)
        return TransactionError(f"reverted: {exc}")
    return exc


def read_call(call: ContractFunction, block: BlockIdentifier = "latest") -> Any:
    """``call.call(block_identifier=block)``, a revert raised as the project's exception and an
    empty answer (no code at the address at that block) as a :class:`ChainError`."""
    try:
        return call.call(block_identifier=block)
    except (ContractCustomError, ContractPanicError, ContractLogicError) as exc:
        raise translate(exc) from exc
    except BadFunctionCallOutput as exc:
        raise ChainError(
            f"{call.fn_name} at {call.address} answered nothing at block {block!r}: no contract "
            "there at that block (a block before the deployment, or a chain that was reset)"
        ) from exc
