"""The standard's own JSON: one object holding the spec version and the four lists of records.

::

    {
      "spec_version": "1.1.0",
      "navs": [{"fund": "BP000000018", "date": "2026-04-01", "nav_per_10000_units": 12345,
                "net_assets": 1234500000, "units_outstanding": 1000000000, "version": 1}],
      "distributions": [...], "non_application_days": [...], "management_reports": [...]
    }

Field names are the standard's; dates are ``YYYY-MM-DD`` strings; money and counts are JSON
integers (a number with a fraction or an exponent is refused, even ``1.0``). An absent optional
field is left out (``null`` is read as absent). A non-application day's ``cancelled`` (1.1.0) is
written only when true; absent, it is false. A correction has ``correction_reason`` and
``previous``, an object of the replaced values (``null`` there: the field had no value; a replaced
``cancelled`` is always true or false). A list may be left out when empty. The format carries
everything; it is written as UTF-8 (no BOM), indented, as version :data:`SPEC_VERSION`; files of
every version in :data:`READ_VERSIONS` are read (a 1.0.0 file has no ``cancelled``).

Errors are reported with ``row`` = the record's 1-based position in its list (0 for the
document itself) and ``column`` = the list and field (``navs.net_assets``,
``navs.previous.net_assets``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from bpost_client.distribution.standard._files import (
    limit_to_fund,
    load,
    record_errors,
    write_atomic,
)
from bpost_client.distribution.standard.records import (
    READ_VERSIONS,
    RECORD_KINDS,
    SPEC_VERSION,
    Dataset,
    FieldSpec,
    Record,
    RecordError,
    Value,
    check_fund,
    check_value,
    find_duplicates,
    versions_text,
)
from bpost_client.distribution.standard.text_values import parse_iso_date
from bpost_client.exceptions import RowError, ValidationError

__all__ = ["CARRIES", "DOCUMENT_ROW", "LISTS", "read", "record_object", "to_bytes", "write"]

LISTS: dict[str, type[Record]] = {kind.LIST: kind for kind in RECORD_KINDS}
"""The lists of a dataset and the record kind each holds."""
CARRIES = frozenset(
    {*LISTS, "units_outstanding", "corrections"},
)
"""What the format holds: everything."""
DOCUMENT_ROW = 0
"""The row of an error about the document itself rather than one record."""


def _fields(kind: type[Record]) -> dict[str, FieldSpec]:
    keys = [FieldSpec(n, "date" if n == "date" else "int") for n in kind.KEY[1:]]
    common = [FieldSpec("version", "int"), FieldSpec("correction_reason", "text", False)]
    every = (FieldSpec("fund", "text"), *keys, *kind.FIELDS, *common)
    return {spec.name: spec for spec in every}


def _value(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{json.dumps(value, default=str)} is not true or false")
        return value
    if spec.type == "int":
        if isinstance(value, Decimal):
            raise ValueError(f"{value} is not an integer (a JSON integer has no fraction)")
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{json.dumps(value)} is not an integer")
        return value
    if not isinstance(value, str):
        shown = json.dumps(value, default=str, ensure_ascii=False)
        kind = "a date (YYYY-MM-DD)" if spec.type == "date" else "a string"
        raise ValueError(f"{shown} is not {kind}")
    return parse_iso_date(value) if spec.type == "date" else value


def _reject_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


class _Reader:
    """The records of a parsed document and an error for each fault found."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.found: dict[str, list[tuple[int, Record]]] = {name: [] for name in LISTS}
        self.version = SPEC_VERSION
        """The document's version (the current one when it names none this reader reads)."""

    def not_here(self, specs: dict[str, FieldSpec], key: str) -> str | None:
        """Why ``key`` is not a field of these records in the document's version, or None."""
        spec = specs.get(key)
        if spec is None:
            return "not a field here"
        if not spec.in_version(self.version):
            return f"not a field of version {self.version} (added in {spec.since})"
        return None

    def values(
        self, row: int, item: Any, specs: dict[str, FieldSpec], prefix: str, replaced: bool
    ) -> dict[str, Any] | None:
        if not isinstance(item, dict):
            what = "the replaced values" if replaced else "a record"
            self.errors.append(RowError(row, prefix.rstrip("."), f"{what} must be an object"))
            return None
        found: dict[str, Any] = {}
        for key in item:
            if key == "previous" and not replaced:
                continue
            if reason := self.not_here(specs, key):
                self.errors.append(RowError(row, f"{prefix}{key}", reason))
        for name, spec in specs.items():
            if not spec.in_version(self.version):
                continue
            if name not in item or (item[name] is None and not replaced):
                if not spec.may_be_left_out and not replaced:
                    self.errors.append(RowError(row, f"{prefix}{name}", "missing"))
                continue
            if item[name] is None:
                found[name] = None  # a replaced value that was absent
                continue
            try:
                value = _value(spec, item[name])
                if name == "fund":
                    value = check_fund(value)
                elif name not in ("version", "correction_reason"):
                    check_value(name, value)
            except ValueError as exc:
                self.errors.append(RowError(row, f"{prefix}{name}", str(exc)))
                continue
            found[name] = value
        return found

    def record(self, list_name: str, row: int, item: Any) -> None:
        kind = LISTS[list_name]
        before = len(self.errors)
        values = self.values(row, item, _fields(kind), f"{list_name}.", replaced=False)
        previous = None
        if isinstance(item, dict) and item.get("previous") is not None:
            replaced = {spec.name: spec for spec in kind.FIELDS}
            previous = self.values(
                row, item["previous"], replaced, f"{list_name}.previous.", replaced=True
            )
        if values is None or len(self.errors) > before:
            return
        try:
            record = kind(**values, previous=previous)
        except RecordError as exc:
            self.errors.extend(record_errors(row, exc, lambda n: f"{list_name}.{n}"))
            return
        self.found[list_name].append((row, record))

    def document(self, document: Any) -> None:
        if not isinstance(document, dict):
            self.errors.append(RowError(DOCUMENT_ROW, "(document)", "not a JSON object"))
            return
        for key in document:
            if key != "spec_version" and key not in LISTS:
                self.errors.append(RowError(DOCUMENT_ROW, key, "not a field of a dataset"))
        version = document.get("spec_version")
        if version in READ_VERSIONS:
            self.version = version
        else:
            shown = (
                "missing" if version is None else f"{json.dumps(version)} is not {versions_text()}"
            )
            self.errors.append(RowError(DOCUMENT_ROW, "spec_version", shown))
        for list_name in LISTS:
            items = document.get(list_name, [])
            if not isinstance(items, list):
                self.errors.append(RowError(DOCUMENT_ROW, list_name, "not a list"))
                continue
            for row, item in enumerate(items, start=1):
                self.record(list_name, row, item)


def _list_position(error: RowError, order: list[str]) -> int:
    """Where an error's list comes in a dataset (-1 for the document itself)."""
    head = error.column.split(".")[0]
    return order.index(head) if error.row != DOCUMENT_ROW and head in order else -1


def read(source: Path | bytes, fund: str | None = None) -> Dataset:
    """The records of the standard JSON ``source`` (a path or the document's bytes), of ``fund``
    alone when given: a file of any version in :data:`READ_VERSIONS`, read as a dataset of the
    current version.

    Raises:
        ValidationError: not UTF-8 JSON, or bad records: every fault listed with its position in
            its list and its field.
    """
    raw, name = load(source)
    try:
        document = json.loads(
            raw.decode("utf-8-sig"), parse_float=Decimal, parse_constant=_reject_constant
        )
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name}: the JSON is not UTF-8 ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        reason = f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise ValidationError(
            f"{name}: not a JSON document", [RowError(DOCUMENT_ROW, "(document)", reason)]
        ) from exc
    except ValueError as exc:
        raise ValidationError(
            f"{name}: not a JSON document", [RowError(DOCUMENT_ROW, "(document)", str(exc))]
        ) from exc
    reader = _Reader()
    reader.document(document)
    for list_name, entries in reader.found.items():
        reader.errors.extend(
            RowError(row, f"{list_name}.{field_name}", reason)
            for row, field_name, reason in find_duplicates(entries)
        )
    if reader.errors:
        order = list(LISTS)
        raise ValidationError(
            f"{name}: the JSON has bad records",
            sorted(reader.errors, key=lambda e: (_list_position(e, order), e.row)),
        )
    dataset = Dataset.of(r for entries in reader.found.values() for _, r in entries)
    return limit_to_fund(dataset, fund, name)


def _json(value: Value) -> Any:
    if value is None or isinstance(value, int):  # bool included
        return value
    if isinstance(value, str):
        return str(value)
    return value.isoformat()


def record_object(record: Record) -> dict[str, Any]:
    """``record`` as the standard's JSON object: absent optional fields and fields at their
    default (``cancelled`` false) left out; every replaced value kept."""
    found: dict[str, Any] = {}
    for name, spec in _fields(type(record)).items():
        value = getattr(record, name)
        if value is not None and value != spec.default:
            found[name] = _json(value)
    if record.previous is not None:
        found["previous"] = {n: _json(v) for n, v in record.previous.items()}
    return found


def to_bytes(dataset: Dataset, fund: str | None = None) -> bytes:
    """The standard JSON of ``dataset`` (of ``fund`` alone when given), UTF-8.

    Raises:
        ValidationError: no record of ``fund``.
    """
    data = limit_to_fund(dataset, fund, "the dataset")
    document: dict[str, Any] = {"spec_version": data.spec_version}
    for list_name in LISTS:
        document[list_name] = [record_object(r) for r in getattr(data, list_name)]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def write(dataset: Dataset, target: Path, fund: str | None = None) -> Path:
    """Write ``dataset`` (of ``fund`` alone when given) to ``target`` as JSON, atomically.

    Raises:
        ValidationError: as :func:`to_bytes`, or the target cannot be written.
    """
    return write_atomic(target, to_bytes(dataset, fund))
