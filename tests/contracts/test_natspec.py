"""The contracts' interface in the manner of OpenZeppelin 5, read from the compiled build.

Every external function, event and custom error of a project contract carries a ``@notice``
and a ``@param`` for each of its parameters (solc puts them in the build's ``userdoc`` and
``devdoc``; the ABIs packaged in ``bpost_client/abi`` carry no documentation). Items the
project inherits from OpenZeppelin (declared in no file under ``contracts/``) keep
OpenZeppelin's own documentation and are not checked.

Every event name is in the past tense: one of its words is a past participle, a word ending in
``-ed`` or one of ``IRREGULAR_PAST_PARTICIPLES`` (``FundVersionMadeDefinitive``,
``DelegateSet``); ``StatementOverdue`` or ``FundVersionDefinitive`` would fail. A new
irregular verb is added to the list, which is short enough to read.

No custom error takes a ``string``: an error names one failure and carries the offending
values, so a string argument (``InvalidTerms("market")``) is a catch-all that lets one error
stand for an authorization failure, a state failure and an input check at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".build" / "__local__.json"
CONTRACTS = ROOT / "contracts"

IRREGULAR_PAST_PARTICIPLES = frozenset({"Made", "Set", "Withdrawn"})

_SECTIONS = {"function": "methods", "event": "events", "error": "errors"}
_DECLARATION = re.compile(r"\b(?:function|event|error)\s+(\w+)\s*\(")
_PUBLIC_VARIABLE = re.compile(
    r"^\s*[\w.\[\]]+\s+public\s+(?:constant\s+|immutable\s+)?(\w+)\s*[=;]", re.MULTILINE
)
_WORD = re.compile(r"[A-Z][a-z0-9]*")


def is_past_tense(event: str) -> bool:
    """Whether one of the words of an event name is a past participle."""
    return any(
        word.endswith("ed") or word in IRREGULAR_PAST_PARTICIPLES for word in _WORD.findall(event)
    )


def _build() -> dict[str, Any]:
    contract_types: dict[str, Any] = json.loads(BUILD.read_text("utf-8"))["contractTypes"]
    return {
        name: contract
        for name, contract in contract_types.items()
        if contract["sourceId"].startswith("contracts/")
    }


def _declarations() -> dict[str, set[str]]:
    """Each function, event and error name (and public variable) declared under contracts/,
    with the files (one contract each, named after it) that declare it."""
    found: dict[str, set[str]] = {}
    for path in CONTRACTS.rglob("*.sol"):
        if ".cache" in path.parts:
            continue
        text = path.read_text("utf-8")
        for name in _DECLARATION.findall(text) + _PUBLIC_VARIABLE.findall(text):
            found.setdefault(name, set()).add(path.stem)
    return found


def _type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        return f"({','.join(_type(c) for c in item['components'])}){item['type'][5:]}"
    return str(item["type"])


def _signature(item: dict[str, Any]) -> str:
    return f"{item['name']}({','.join(_type(i) for i in item['inputs'])})"


def _doc(contract: dict[str, Any], kind: str, signature: str) -> tuple[str, dict[str, str]]:
    """The notice and the parameter descriptions of an item in a contract's build."""
    section = _SECTIONS[kind]
    user = (contract.get("userdoc") or {}).get(section, {}).get(signature)
    dev = (contract.get("devdoc") or {}).get(section, {}).get(signature)
    if kind == "error":  # solc lists an error's documentation per declaration
        user = user[0] if user else None
        dev = dev[0] if dev else None
    return (user or {}).get("notice", ""), (dev or {}).get("params", {})


def _checked_items() -> list[tuple[str, dict[str, Any], set[str]]]:
    """(contract, ABI item, declaring files) for every function, event and error of a project
    contract that the project declares itself."""
    declared = _declarations()
    build = _build()
    signatures = {
        name: {_signature(i) for i in contract["abi"] if i["type"] in _SECTIONS}
        for name, contract in build.items()
    }
    items = []
    for name, contract in sorted(build.items()):
        for item in contract["abi"]:
            if item["type"] not in _SECTIONS:
                continue
            where = declared.get(item["name"], set())
            if name not in where and not any(
                _signature(item) in signatures.get(other, ()) for other in where
            ):
                continue  # OpenZeppelin's (a project item of the same name has other inputs)
            items.append((name, item, where))
    return items


def test_natspec__every_function_event_and_error__has_notice_and_params() -> None:
    build = _build()
    missing = []
    for name, item, where in _checked_items():
        signature = _signature(item)
        notice, params = _doc(build[name], item["type"], signature)
        for declaring in sorted(where & build.keys()):  # an error or event of another contract
            if notice and params.keys() >= {i["name"] for i in item["inputs"]}:
                break
            other_notice, other_params = _doc(build[declaring], item["type"], signature)
            notice = notice or other_notice
            params = {**other_params, **params}
        lacks = [] if notice else ["@notice"]
        lacks += [
            f"@param {i['name'] or '(unnamed)'}" for i in item["inputs"] if i["name"] not in params
        ]
        if lacks:
            missing.append(f"{name}: {item['type']} {signature} lacks {', '.join(lacks)}")
    assert not missing, "NatSpec missing:\n" + "\n".join(sorted(set(missing)))


def test_event_names__are_in_the_past_tense() -> None:
    events = {item["name"] for _, item, _ in _checked_items() if item["type"] == "event"}
    assert events, "no events found: is the build empty?"
    present = sorted(event for event in events if not is_past_tense(event))
    assert not present, f"event names not in the past tense: {present}"


def test_errors__take_no_string_catch_all() -> None:
    catch_alls = sorted(
        {
            f"{name}: {_signature(item)}"
            for name, item, _ in _checked_items()
            if item["type"] == "error"
            and any(i["type"] == "string" or i["name"] == "field" for i in item["inputs"])
        }
    )
    assert not catch_alls, f"errors keyed by a string, not one error per failure: {catch_alls}"


def test_rules__catch_what_they_are_meant_to() -> None:
    """The checks above reject the names and signatures issue 17 found (so they cannot pass
    vacuously)."""
    names = ("FundVersionDefinitive", "StatementOverdue", "FundVersionMadeDefinitive")
    assert [is_past_tense(name) for name in names] == [False, False, True]
    items = _checked_items()
    assert {name for name, _, _ in items} >= {"FundRegistry", "IFundRegistry", "PlatformAccess"}
    assert any(item["type"] == "function" for _, item, _ in items)
