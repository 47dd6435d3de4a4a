"""What a contract's ABI lets onto the chain: every field of every member, walked through tuples
and arrays, and a classification of each by its name and type (docs/privacy.md).

:func:`abi_fields` walks an ABI: by default what reaches the chain, the inputs of each function
that is not ``view`` or ``pure`` (a transaction's input) and the fields of each event (a log);
with ``reads`` also the view functions and every output. :func:`classify` says of one field
whether it may sit on chain in clear, and why; :func:`leaks` gives the fields it refuses.

The rules, in order:

1. a field of the ``IConfidential.Sealed`` type is sealed, whatever its name (its shape is
   checked: a commitment, the ciphertext, and the recipients with their wrapped keys);
2. a name that says an ISIN, a security or its index, a status, an amount, a fee, an interest, a
   dividend, a rate, a quantity, a price, a tolerance or a reference is refused unless
   :data:`ALLOWED_NAMES` allows that name with that type, for the reason it gives;
3. an enum must be one :data:`ENUMS` lists (a new one, say an AML status, is refused);
4. an integer must be one :data:`INTEGERS` names (dates, versions, counts: an integer is how an
   amount would go on chain);
5. any other type must be one :data:`TYPES` lists (a string, a ``bytes12`` ISIN or a bare
   ``bytes`` is refused), a bare ``bytes`` by a name :data:`OPAQUE` lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ALLOWED_NAMES",
    "ENUMS",
    "INTEGERS",
    "OPAQUE",
    "SENSITIVE_WORDS",
    "TYPES",
    "Field",
    "abi_fields",
    "classify",
    "leaks",
    "sensitive",
]

SEALED = "struct IConfidential.Sealed"
SEALED_SHAPE = (
    ("commitment", "bytes32"),
    ("ciphertext", "bytes"),
    ("recipients", "tuple[]", (("lei", "bytes20"), ("wrappedKey", "bytes"))),
)
"""The Sealed tuple: keccak256 of the plaintext and its salt, the AES-GCM ciphertext, and per
recipient its LEI and the data key wrapped to its key (bpost_client/platform/confidential.py)."""

SENSITIVE_WORDS = frozenset(
    {
        "isin", "security", "securities", "index", "indices", "status", "amount", "fee",
        "interest", "dividend", "rate", "quantity", "quantities", "price", "tolerance",
        "reference", "aml", "fatca", "crs", "giin",
    }
)  # fmt: skip
"""The words of a field name that say it carries a secret (a word of a camelCase or snake_case
name, in the singular or plural)."""

ALLOWED_NAMES: Mapping[tuple[str, str], str] = {
    ("status", "enum ILendingStatements.Status"): (
        "the statement's workflow state (open, matched, break, resolved, settled, withdrawn, "
        "voided, refused): the state machine stays on chain by design (issue 19), it is no "
        "AML/CFT, FATCA or CRS status"
    ),
    ("amounts", "bytes32"): (
        "a commitment: keccak256(abi.encode(fee, collateralInterest, dividendEquivalent, salt)) "
        "under the statement's salt, sealed to the parties"
    ),
    ("referenceHash", "bytes32"): (
        "keccak256(abi.encode(reference, salt)) with a random salt sealed in the terms: the id "
        "tells nothing of the agreement's reference"
    ),
    ("index", "uint32"): (
        "which of a statement's payloads a party refused: the submitter's role (figures) or the "
        "resolution's serial number, no security index"
    ),
    ("settlementReference", "bytes32"): (
        "keccak256 of the settlement instruction followed by the statements' sealed salts "
        "(lending/settlement.py): no candidate net hashes to it"
    ),
}
"""Names that say a secret but carry none, with the type they must have, and why."""

ENUMS: Mapping[str, str] = {
    "enum ILendingStatements.Status": "a statement's workflow state (see ALLOWED_NAMES)",
    "enum ILendingStatements.Role": "which party acts: lender, borrower or agent",
    "enum ILendingStatements.ResolutionKind": "whose figures a resolution settles on",
    "enum ILendingStatements.Refusal": "why a party refused: unopenable or not as committed",
    "enum ILendingPairs.Unit": "the pair's unit of matching (in clear: the contract enforces it)",
    "enum ILendingStatements.Payload": "which sealed payload a party refused: figures, resolution",
    "enum ILendingAgreements.Payload": "which sealed payload a party refused: terms or movements",
    "enum ILendingAgreements.Refusal": "why a party refused: unopenable or not as committed",
    "enum ILendingPairs.Refusal": "why a party refused a proposal's sealed secrets",
}
"""Enums of workflow state that may go in clear."""

INTEGERS: Mapping[str, str] = {
    **dict.fromkeys(
        ("effectiveFrom", "start", "end", "settlementDate", "overdueAfter"),
        "a date (yyyymmdd): periods, effective and settlement dates stay in clear by design",
    ),
    **dict.fromkeys(
        ("version", "movementsVersion", "settingsVersion"),
        "a record's version number",
    ),
    "resolution": "the serial number of a statement's resolution",
    "approved": "the bit mask of the roles that approved a resolution",
    "overdueBusinessDays": "a pair's setting in clear (the contract enforces it)",
    "billingMonths": "a pair's setting in clear (the contract enforces it)",
    "reason": "why a recipient refused corporate information: 1 unopenable, 2 not authentic, "
    "3 invalid (not which value was invalid)",
}
"""Integers by name, and why each may go in clear; any other integer is refused."""

TYPES: Mapping[str, str] = {
    "bytes32": "a commitment, key or id: a hash over salted or secret input",
    "bytes20": "an LEI (institutions are public)",
    "address": "an account (public, tied to its institution in ParticipantRegistry)",
    "bool": "a flag of the workflow",
    "bytes3": "a currency code (ISO 4217; in clear by design)",
    "bytes4": "a market (MIC): a pair's calendar, public reference data",
}
"""Other types that may go in clear. Not here: ``string`` (text in clear), ``bytes12`` (how the
contracts carry an ISIN), other fixed widths, and a bare ``bytes`` (see OPAQUE)."""

OPAQUE: Mapping[str, str] = {
    "verdicts": "EIP-712 signatures over commitments, a statement id and a settings version",
}
"""Bare ``bytes`` fields outside a Sealed tuple by name, and why each reveals nothing."""


@dataclass(frozen=True)
class Field:
    """One field of a member: ``path`` names it through its tuples (``input.amounts``);
    ``type`` is the ABI type with any array suffix, ``internal`` Solidity's type."""

    member: str
    path: str
    type: str
    internal: str
    components: tuple[Mapping[str, Any], ...] = ()

    @property
    def name(self) -> str:
        """The field's own name, the last part of its path."""
        return self.path.rsplit(".", 1)[-1]

    @property
    def kind(self) -> str:
        """An enum's Solidity type (``enum ILendingPairs.Unit``), else the ABI type."""
        return self.internal if self.internal.startswith("enum ") else self.type

    @property
    def base(self) -> str:
        """The type without its array suffixes (``bytes20[]`` -> ``bytes20``)."""
        return re.sub(r"(\[\d*\])+$", "", self.type)


def _walk(member: str, params: Sequence[Mapping[str, Any]], prefix: str) -> Iterator[Field]:
    for param in params:
        path = prefix + (str(param.get("name", "")) or "?")
        components = tuple(param.get("components", ()))
        field = Field(member, path, param["type"], str(param.get("internalType", "")), components)
        yield field
        if components and field.internal.removesuffix("[]") != SEALED:
            yield from _walk(member, components, path + ".")


def abi_fields(abi: Sequence[Mapping[str, Any]], *, reads: bool = False) -> list[Field]:
    """Every field of ``abi`` that reaches the chain: each input of each function that is not
    view or pure, and each field of each event; tuples are given themselves and walked into,
    except a Sealed tuple. With ``reads``, also the view functions and every output."""
    found: list[Field] = []
    for item in abi:
        kind = item.get("type")
        viewing = item.get("stateMutability") in ("view", "pure")
        if kind == "event" or (kind == "function" and (reads or not viewing)):
            member = f"{kind} {item['name']}"
            params = [*item.get("inputs", ()), *(item.get("outputs", ()) if reads else ())]
            found += _walk(member, params, "")
    return found


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
    return [w.lower() for w in spaced.split("_") if w]


def sensitive(name: str) -> bool:
    """Whether a word of ``name`` (singular or plural) says a secret (SENSITIVE_WORDS)."""
    return any({w, w[:-1], w[:-2]} & SENSITIVE_WORDS for w in _words(name))


def _shape(components: Sequence[Mapping[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(
        (c["name"], c["type"], *((_shape(c["components"]),) if "components" in c else ()))
        for c in components
    )


def classify(field: Field) -> tuple[bool, str]:
    """Whether ``field`` may go on chain in clear, and why (or why not)."""
    key = field.kind
    if field.internal.removesuffix("[]") == SEALED:
        if _shape(field.components) != SEALED_SHAPE:
            return False, f"not the Sealed shape: {_shape(field.components)}"
        return True, "sealed to its recipients"
    if field.components:
        return True, "a tuple: its fields are classified each"
    if sensitive(field.name):
        reason = ALLOWED_NAMES.get((field.name, key))
        return (True, reason) if reason else (False, f"says a secret, in clear as {key}")
    if key.startswith("enum "):
        return (True, ENUMS[key]) if key in ENUMS else (False, f"an enum not listed: {key}")
    if re.fullmatch(r"u?int\d*", field.base):
        reason = INTEGERS.get(field.name)
        return (True, reason) if reason else (False, f"an integer not listed: {field.type}")
    if field.base == "bytes":
        reason = OPAQUE.get(field.name)
        return (True, reason) if reason else (False, "bare bytes outside a Sealed tuple")
    reason = TYPES.get(field.base)
    return (True, reason) if reason else (False, f"{field.type} may carry text in clear")


def leaks(abi: Sequence[Mapping[str, Any]]) -> list[str]:
    """The fields of ``abi`` that reach the chain and :func:`classify` refuses, each as
    ``member path type: why``."""
    return [
        f"{f.member} {f.path} {f.type}: {why}"
        for f in abi_fields(abi)
        for ok, why in [classify(f)]
        if not ok
    ]
