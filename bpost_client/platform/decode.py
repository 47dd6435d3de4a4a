"""Decoding with the deployment's ABIs: which contract an address is, which function a
transaction called with which arguments, which event a log is, and why a failed transaction
failed.

Values become JSON-ready: integers of at most 48 bits (enums, days, timestamps) stay numbers,
wider ones (wei, uint256) become decimal strings so no reader loses precision; bytes become
0x-hex, addresses checksummed text, structs objects keyed by field name, arrays lists.

The indexer decodes every transaction with it. It sits in the platform, below the domains, so
that a domain's reads can decode events exactly as the index holds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_abi.abi import decode
from eth_abi.exceptions import DecodingError
from eth_typing import ABIEvent, ABIFunction
from eth_utils.abi import (
    event_abi_to_log_topic,
    function_abi_to_4byte_selector,
    get_abi_input_types,
)
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.types import TxParams

from bpost_client._utils.reverts import decode_revert, revert_data
from bpost_client.contracts import DEPLOYED_CONTRACTS, error_specs, load_abi
from bpost_client.exceptions import UnknownRevert
from bpost_client.manifest import Manifest

__all__ = ["Call", "Decoder", "Failure", "Log", "failure_of", "json_value"]

Param = Mapping[str, Any]

_INTEGER = re.compile(r"u?int(\d*)$")
_EXACT_BITS = 48
"""The widest integer type kept as a JSON number (JavaScript's exact range is 53 bits)."""
_ERROR_STRING = bytes.fromhex("08c379a0")
_PANIC = bytes.fromhex("4e487b71")


def _hex(value: bytes | bytearray) -> str:
    return "0x" + bytes(value).hex()


def json_value(value: Any, param: Param) -> Any:
    """``value``, decoded as the ABI parameter ``param``, in a form JSON holds exactly."""
    kind = str(param["type"])
    if kind.endswith("]"):
        inner = {**param, "type": kind[: kind.rindex("[")]}
        return [json_value(item, inner) for item in value]
    if kind == "tuple":
        components = param["components"]
        return {
            str(c["name"] or f"field{i}"): json_value(v, c)
            for i, (c, v) in enumerate(zip(components, value, strict=True))
        }
    integer = _INTEGER.match(kind)
    if integer:
        bits = int(integer.group(1) or 256)
        return int(value) if bits <= _EXACT_BITS else str(int(value))
    if kind == "address":
        return to_checksum_address(value)
    return _plain(value)


def _plain(value: Any) -> Any:
    """A value of an unknown type (a struct named by its type string only) made JSON-ready."""
    if isinstance(value, bytes | bytearray):
        return _hex(value)
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _arguments(params: Sequence[Param], values: Sequence[Any]) -> dict[str, Any]:
    return {
        str(p["name"] or f"arg{i}"): json_value(v, p)
        for i, (p, v) in enumerate(zip(params, values, strict=True))
    }


@dataclass(frozen=True)
class Call:
    """What a transaction called: the contract's name, the function and its arguments, each
    None when unknown."""

    contract: str | None
    function: str | None
    arguments: dict[str, Any] | None


@dataclass(frozen=True)
class Log:
    """A decoded log; ``event`` is None (and ``arguments`` the raw topics and data) when no
    deployed ABI describes it."""

    contract: str | None
    event: str | None
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """Why a transaction reverted: the custom error (``Error`` for a reason string, ``Panic``
    for a panic code) and its arguments; ``name`` is None when the revert data is unknown."""

    name: str | None
    arguments: dict[str, Any]


@dataclass(frozen=True)
class _Function:
    name: str
    params: tuple[Param, ...]
    types: tuple[str, ...]


@dataclass(frozen=True)
class _Event:
    contract: str
    name: str
    inputs: tuple[Param, ...]
    topics: int
    data_types: tuple[str, ...]


def _function(item: Param) -> _Function:
    types = get_abi_input_types(cast(ABIFunction, item))
    return _Function(str(item["name"]), tuple(item["inputs"]), tuple(types))


def _event(contract: str, item: Param) -> _Event:
    inputs = tuple(item["inputs"])
    data = [p for p in inputs if not p.get("indexed")]
    types = get_abi_input_types(cast(ABIEvent, {"type": "event", "name": "", "inputs": data}))
    return _Event(contract, str(item["name"]), inputs, len(inputs) - len(data), tuple(types))


class Decoder:
    """The deployment's contracts by address, their functions by selector and their events by
    topic, built once from a manifest and the packaged ABIs."""

    def __init__(self, manifest: Manifest) -> None:
        self._names: dict[str, str] = {}
        self._functions: dict[str, dict[bytes, _Function]] = {}
        self._events: dict[bytes, list[_Event]] = {}
        for name in DEPLOYED_CONTRACTS:
            if name not in manifest.contracts:
                continue
            self._names[manifest.address(name).lower()] = name
            selectors = self._functions.setdefault(name, {})
            for item in load_abi(name):
                if item.get("type") == "function":
                    selector = function_abi_to_4byte_selector(cast(ABIFunction, item))
                    selectors[selector] = _function(item)
                elif item.get("type") == "event" and not item.get("anonymous"):
                    topic = event_abi_to_log_topic(cast(ABIEvent, item))
                    self._events.setdefault(topic, []).append(_event(name, item))

    def contract_name(self, address: str | None) -> str | None:
        """The name of the deployed contract at ``address``, or None."""
        return self._names.get(address.lower()) if address else None

    def call(self, to: str | None, data: bytes) -> Call:
        """The function and arguments of calldata ``data`` sent to ``to``."""
        contract = self.contract_name(to)
        if contract is None or len(data) < 4:
            return Call(contract, None, None)
        function = self._functions[contract].get(bytes(data[:4]))
        if function is None:
            return Call(contract, None, None)
        try:
            values = decode(list(function.types), bytes(data[4:]))
        except (DecodingError, OverflowError, ValueError):
            return Call(contract, function.name, None)
        return Call(contract, function.name, _arguments(function.params, values))

    def log(self, address: str, topics: Sequence[bytes], data: bytes) -> Log:
        """The event of a log: matched by its first topic, the emitting contract's ABI first."""
        contract = self.contract_name(address)
        raw = {"topics": [_hex(t) for t in topics], "data": _hex(data)}
        if not topics:
            return Log(contract, None, raw)
        candidates = sorted(
            self._events.get(bytes(topics[0]), []), key=lambda e: e.contract != contract
        )
        for spec in candidates:
            if spec.topics != len(topics) - 1:
                continue
            try:
                values = iter(decode(list(spec.data_types), bytes(data)))
                indexed = iter(topics[1:])
                arguments = {
                    str(p["name"] or f"arg{i}"): (
                        _indexed(p, bytes(next(indexed)))
                        if p.get("indexed")
                        else json_value(next(values), p)
                    )
                    for i, p in enumerate(spec.inputs)
                }
            except (DecodingError, OverflowError, ValueError):
                continue
            return Log(contract, spec.name, arguments)
        return Log(contract, None, raw)

    def failure(self, w3: Web3, replay: TxParams, block_number: int) -> Failure | None:
        """Why the failed transaction ``replay`` (its sender, recipient, data, value and gas),
        mined in ``block_number``, reverted: it is replayed with ``eth_call`` on the state of the
        block before. Best effort: None when the replay does not revert (the state differed, or
        the transaction ran out of gas) or the node refuses it."""
        try:
            w3.eth.call(replay, block_number - 1)
        except Exception as exc:  # web3 raises several classes for a revert
            data = revert_data(exc)
            return None if data is None else failure_of(data)
        return None


def _indexed(param: Param, topic: bytes) -> Any:
    """An indexed argument: dynamic types (strings, bytes, arrays, structs) are stored hashed,
    so they are kept as the topic."""
    kind = str(param["type"])
    if kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("tuple"):
        return _hex(topic)
    (value,) = decode([kind], topic)
    return json_value(value, param)


def failure_of(data: bytes) -> Failure:
    """The error that revert ``data`` carries (a custom error of the deployment, ``Error`` or
    ``Panic``); unknown data gives a nameless failure holding the raw data."""
    data = bytes(data)
    try:
        if data[:4] == _ERROR_STRING:
            (message,) = decode(["string"], data[4:])
            return Failure("Error", {"message": message})
        if data[:4] == _PANIC:
            (code,) = decode(["uint256"], data[4:])
            return Failure("Panic", {"code": json_value(code, {"type": "uint256"})})
    except (DecodingError, OverflowError, ValueError):
        return Failure(None, {"data": _hex(data)})
    error = decode_revert(data)
    spec = error_specs().get(data[:4])
    if isinstance(error, UnknownRevert) or spec is None:
        return Failure(None, {"data": _hex(data)})
    params = [{"name": n, "type": t} for n, t in zip(spec.names, spec.types, strict=True)]
    values = [error.arguments[n] for n in spec.names]
    return Failure(error.error_name, _arguments(params, values))
