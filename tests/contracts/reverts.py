"""A strict revert check: the call must revert with exactly the named custom error.

``ape.reverts(contract.SomeError)`` accepts any revert when the error class is not bound to a
contract instance, and Ape leaves the custom errors of ``eth_call`` undecoded (an error without
arguments even reads as a four-character revert string), so the contract tests use this instead:
it finds the error's selector in what Ape raised and names it from the contracts' ABIs (and,
when asked, decodes the error's arguments there too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ape.exceptions import ContractLogicError
from eth_abi.abi import decode

from bpost_client.contracts import error_specs

_SELECTOR = re.compile(r"custom error 0x([0-9a-fA-F]{8})")
_ARGUMENTS = re.compile(r"custom error 0x([0-9a-fA-F]{8}): (.*)", re.DOTALL)


def error_name(exc: ContractLogicError) -> str:
    """The custom error ``exc`` carries, by name."""
    if type(exc).__name__ != "ContractLogicError":
        return type(exc).__name__  # decoded by Ape
    message = str(getattr(exc, "message", "") or "")
    raw = str(getattr(exc, "base_err", "") or "").partition("execution reverted: ")[2]
    found = _SELECTOR.search(message)
    if found:
        selector = bytes.fromhex(found.group(1))
    elif re.fullmatch(r"0x[0-9a-fA-F]{8,}", message):  # undecoded revert data
        selector = bytes.fromhex(message[2:10])
    elif len(raw) == 4:  # an error without arguments, read as a revert string
        selector = raw.encode("latin-1")
    else:
        return f"ContractLogicError({message!r})"
    spec = error_specs().get(selector)
    return spec.name if spec else f"0x{selector.hex()}"


def error_arguments(exc: ContractLogicError) -> dict[str, Any]:
    """The arguments of the custom error ``exc`` carries, by name (as Ape decoded them, or from
    its undecoded message)."""
    decoded = getattr(exc, "inputs", None)
    if isinstance(decoded, dict):
        return dict(decoded)
    message = str(getattr(exc, "message", "") or "")
    if re.fullmatch(r"0x[0-9a-fA-F]{8,}", message):  # undecoded revert data (a nested call's)
        spec = error_specs()[bytes.fromhex(message[2:10])]
        values = decode(list(spec.types), bytes.fromhex(message[10:]))
        return dict(zip(spec.names, values, strict=True))
    found = _ARGUMENTS.search(message)
    assert found, f"no custom error arguments in {exc}"
    spec = error_specs()[bytes.fromhex(found.group(1))]
    data = found.group(2)  # hex, or (from a call into another contract) the raw bytes as text
    raw = bytes.fromhex(data) if re.fullmatch(r"[0-9a-fA-F]*", data) else data.encode("latin-1")
    values = decode(list(spec.types), raw)
    return dict(zip(spec.names, values, strict=True))


@contextmanager
def reverts(expected: Any, /, **arguments: Any) -> Iterator[None]:
    """Assert the block reverts with the custom error ``expected`` (a class or its name), and
    with these ``arguments`` (by name) when given."""
    name = expected if isinstance(expected, str) else expected.__name__
    try:
        yield
    except ContractLogicError as exc:
        actual = error_name(exc)
        assert actual == name, f"expected a revert with {name}, got {actual}: {exc}"
        if arguments:
            carried = error_arguments(exc)
            assert {k: carried.get(k) for k in arguments} == arguments, f"{name}{carried}"
        return
    raise AssertionError(f"expected a revert with {name}; the call succeeded")
