"""The standard's XML: a fund price report in the manner of FundsXML and ISO 20022 reda.

::

    <?xml version="1.0" encoding="UTF-8"?>
    <FundPriceReport xmlns="urn:bpost:distribution:1.1" specVersion="1.1.0">
      <Fund code="BP000000018">
        <Price date="2026-04-01" navPer10000Units="12345" netAssets="1234500000"
               unitsOutstanding="1000000000" version="1"/>
        <Price date="2026-04-02" navPer10000Units="12350" netAssets="1235000000" version="2"
               correctionReason="NAV misstated">
          <Previous navPer10000Units="12305"/>
        </Price>
        <Distribution date="2026-04-15" period="12" amountPer10000Units="100" version="1"/>
        <NonApplicationDay date="2026-04-03" reason="market_holiday" market="XNYS" version="1"/>
        <NonApplicationDay date="2026-04-06" reason="market_holiday" market="XNYS"
                           cancelled="true" version="2" correctionReason="published twice">
          <Previous reason="market_holiday" market="XNYS" cancelled="false"/>
        </NonApplicationDay>
        <Report period="12" date="2026-05-20" contentHash="0x..." location="https://..."
                format="pdf" version="1"/>
      </Fund>
    </FundPriceReport>

One ``Fund`` element per fund, holding its records; each attribute is a field of the standard in
lowerCamelCase, dates ``YYYY-MM-DD``, integers in plain digits and booleans ``true`` or
``false``; a non-application day's ``cancelled`` (1.1.0) is written only when true (absent: false).
A correction carries ``correctionReason`` and a ``Previous`` child with the replaced values (an
empty attribute in ``Previous``: the field had no value; a replaced ``cancelled`` is always true or
false). The format carries everything. Written and read as UTF-8.

The namespace carries the standard's major and minor version and ``specVersion`` the whole one:
a report is written in :data:`NAMESPACE` as version :data:`SPEC_VERSION`; a report of any version
in :data:`READ_VERSIONS` is read in that version's namespace (:data:`NAMESPACES`; a 1.0.0 report,
in ``urn:bpost:distribution:1.0``, has no ``cancelled``).

A document with a DOCTYPE or an entity declaration is refused before it is parsed (no DTD, no
entity expansion). Errors are reported with ``row`` = the line of the element's start tag and
``column`` = the attribute (``Previous.<attribute>`` for a replaced value) or, for an element
out of place, the element's name.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from bpost_client.distribution.standard._files import (
    limit_to_fund,
    load,
    record_errors,
    write_atomic,
)
from bpost_client.distribution.standard.records import (
    READ_VERSIONS,
    SPEC_VERSION,
    Dataset,
    Distribution,
    FieldSpec,
    ManagementReport,
    Nav,
    NonApplicationDay,
    Record,
    RecordError,
    check_fund,
    check_value,
    find_duplicates,
    versions_text,
)
from bpost_client.distribution.standard.text_values import parse_iso_date
from bpost_client.exceptions import RowError, ValidationError

__all__ = [
    "CARRIES",
    "ELEMENTS",
    "NAMESPACE",
    "NAMESPACES",
    "ROOT",
    "camel",
    "namespace_of",
    "read",
    "to_bytes",
    "write",
]


def namespace_of(version: str) -> str:
    """The namespace of a version of the standard: ``urn:bpost:distribution:<major>.<minor>``."""
    major, minor, _patch = version.split(".")
    return f"urn:bpost:distribution:{major}.{minor}"


NAMESPACE = namespace_of(SPEC_VERSION)
"""The namespace reports are written in."""
NAMESPACES = {version: namespace_of(version) for version in READ_VERSIONS}
"""The namespace of each version whose reports are read."""
ROOT = "FundPriceReport"
ELEMENTS: dict[str, type[Record]] = {
    "Price": Nav,
    "Distribution": Distribution,
    "NonApplicationDay": NonApplicationDay,
    "Report": ManagementReport,
}
"""The record elements of a ``Fund`` and the record kind each holds."""
CARRIES = frozenset(
    {
        "navs",
        "distributions",
        "non_application_days",
        "management_reports",
        "units_outstanding",
        "corrections",
    }
)
"""What the format holds: everything."""

_TAG_OF = {kind: tag for tag, kind in ELEMENTS.items()}
_PREVIOUS = "Previous"
_REFUSED = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_INTEGER = re.compile(r"^-?[0-9]+$")
_BOOLEANS = {"true": True, "false": False}
_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


def camel(name: str) -> str:
    """A field's attribute name: ``nav_per_10000_units`` is ``navPer10000Units``."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass
class _Element:
    """An element as parsed, with the line of its start tag."""

    namespace: str
    name: str
    attributes: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text: str = ""


class _Refused(Exception):
    """A DOCTYPE or entity declaration met while parsing (the text check should find it first)."""


def _refuse(*_: object) -> None:
    raise _Refused("refused: no DTD or entity declaration is allowed (nothing is expanded)")


def _tree(raw: bytes, name: str) -> _Element:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name}: the XML is not UTF-8 ({exc.reason})") from exc
    refused = _REFUSED.search(text)
    if refused:
        line = text.count("\n", 0, refused.start()) + 1
        reason = "refused: no DTD or entity declaration is allowed (nothing is expanded)"
        raise ValidationError(
            f"{name}: the XML declares a {refused.group(1).upper()}",
            [RowError(line, refused.group(1).upper(), reason)],
        )
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).upper().replace("-", "") != "UTF8":
        raise ValidationError(
            f"{name}: the XML must be UTF-8",
            [RowError(1, "encoding", f"{declared.group(1)!r} declared; the format is UTF-8")],
        )
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Element] = []
    found: list[_Element] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        namespace, _, local = tag.rpartition(" ")
        element = _Element(namespace, local, dict(attributes), parser.CurrentLineNumber)
        (stack[-1].children if stack else found).append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        reason = f"not well-formed XML: {expat.ErrorString(exc.code)} (offset {exc.offset})"
        raise ValidationError(
            f"{name}: not an XML document", [RowError(exc.lineno, "XML", reason)]
        ) from exc
    except _Refused as exc:
        line = parser.CurrentLineNumber
        raise ValidationError(f"{name}: refused", [RowError(line, "DOCTYPE", str(exc))]) from exc
    return found[0]


def _parse(spec: FieldSpec, text: str) -> Any:
    if spec.type == "bool":
        if text not in _BOOLEANS:
            raise ValueError(f"{text!r} is not true or false")
        return _BOOLEANS[text]
    if spec.type == "date":
        return parse_iso_date(text)
    if spec.type == "int":
        if not _INTEGER.match(text):
            raise ValueError(f"{text!r} is not an integer (digits only)")
        return int(text)
    return text


def _attributes(kind: type[Record]) -> dict[str, FieldSpec]:
    """The attributes of a record element: key, values, version, correction reason."""
    keys = [FieldSpec(n, "date" if n == "date" else "int") for n in kind.KEY[1:]]
    common = [FieldSpec("version", "int"), FieldSpec("correction_reason", "text", False)]
    return {camel(spec.name): spec for spec in (*keys, *kind.FIELDS, *common)}


def _column(name: str) -> str:
    """The attribute of a record's field (``previous.x``: the attribute x of ``Previous``)."""
    if name == "previous":
        return _PREVIOUS
    if name.startswith("previous."):
        return f"{_PREVIOUS}.{camel(name.removeprefix('previous.'))}"
    return camel(name)


class _Reader:
    """The records of a parsed document and an error for each fault found."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.found: dict[type[Record], list[tuple[int, Record]]] = {k: [] for k in _TAG_OF}
        self.namespace = NAMESPACE
        """The report's namespace: its elements' too."""
        self.version = SPEC_VERSION
        """The report's version (the namespace's when ``specVersion`` is missing or wrong)."""

    def fail(self, line: int, column: str, reason: str) -> None:
        self.errors.append(RowError(line, column, reason))

    def unknown_attributes(
        self,
        element: _Element,
        known: Collection[str] | dict[str, FieldSpec],
        column: Callable[[str], str] = str,
    ) -> None:
        for attribute in element.attributes:
            if " " in attribute:  # attributes in other namespaces are ignored
                continue
            if attribute not in known:
                self.fail(element.line, column(attribute), f"not an attribute of {element.name}")
            elif isinstance(known, dict) and not known[attribute].in_version(self.version):
                since = known[attribute].since
                reason = f"not an attribute of version {self.version} (added in {since})"
                self.fail(element.line, column(attribute), reason)

    def text_in(self, element: _Element) -> None:
        if element.text.strip():
            self.fail(element.line, element.name, "holds text; only attributes are read")

    def misplaced(self, element: _Element, parent: str, allowed: Collection[str]) -> bool:
        if element.namespace == self.namespace and element.name in allowed:
            return False
        outside = element.namespace != self.namespace
        where = f" in namespace {element.namespace!r}" if outside else ""
        self.fail(element.line, element.name, f"not an element of {parent}{where}")
        return True

    def report(self, root: _Element) -> None:
        by_namespace = {namespace: version for version, namespace in NAMESPACES.items()}
        if root.namespace not in by_namespace or root.name != ROOT:
            spaces = versions_text(list(reversed(NAMESPACES.values())))
            self.fail(root.line, root.name, f"the root must be {ROOT} in namespace {spaces}")
            return
        self.namespace = root.namespace
        self.version = by_namespace[root.namespace]
        self.unknown_attributes(root, {"specVersion"})
        self.text_in(root)
        version = root.attributes.get("specVersion")
        if version is None:
            self.fail(root.line, "specVersion", "missing")
        elif version not in READ_VERSIONS:
            self.fail(root.line, "specVersion", f"{version!r} is not {versions_text()}")
        elif version != self.version:
            namespace = f"namespace {root.namespace} ({self.version})"
            self.fail(root.line, "specVersion", f"{version!r} is not the version of {namespace}")
        for fund in root.children:
            if not self.misplaced(fund, ROOT, ("Fund",)):
                self.fund(fund)

    def fund(self, element: _Element) -> None:
        self.unknown_attributes(element, {"code"})
        self.text_in(element)
        try:
            code = check_fund(element.attributes.get("code", ""))
        except ValueError as exc:
            missing = "code" not in element.attributes
            self.fail(element.line, "code", "missing" if missing else str(exc))
            return
        for child in element.children:
            if not self.misplaced(child, "Fund", ELEMENTS):
                self.record(child, ELEMENTS[child.name], code)

    def values(
        self, element: _Element, specs: dict[str, FieldSpec], column: Callable[[str], str]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        self.unknown_attributes(element, specs, column)
        self.text_in(element)
        for attribute, spec in specs.items():
            text = element.attributes.get(attribute)
            if text is None or not spec.in_version(self.version):
                if text is None and not spec.may_be_left_out and element.name != _PREVIOUS:
                    self.fail(element.line, column(attribute), "missing")
                continue
            if text == "" and element.name == _PREVIOUS and not spec.required:
                found[spec.name] = None
                continue
            try:
                value = _parse(spec, text)
                if spec.name not in ("version", "correction_reason"):
                    check_value(spec.name, value)
            except ValueError as exc:
                self.fail(element.line, column(attribute), str(exc))
                continue
            found[spec.name] = value
        return found

    def record(self, element: _Element, kind: type[Record], fund: str) -> None:
        before = len(self.errors)
        values = self.values(element, _attributes(kind), str)
        changes: list[_Element] = []
        for child in element.children:
            if self.misplaced(child, element.name, (_PREVIOUS,)):
                continue
            if changes:
                self.fail(child.line, _PREVIOUS, "a second Previous")
                continue
            changes.append(child)
        for change in changes:
            replaced = {camel(s.name): s for s in kind.FIELDS}
            values["previous"] = self.values(change, replaced, lambda a: f"{_PREVIOUS}.{a}")
        if len(self.errors) > before:
            return
        previous_line = changes[0].line if changes else element.line
        try:
            record = kind(fund=fund, **values)
        except RecordError as exc:
            self.errors.extend(
                record_errors(
                    element.line,
                    exc,
                    _column,
                    lambda n: previous_line if n.startswith("previous") else element.line,
                )
            )
            return
        self.found[kind].append((element.line, record))


def read(source: Path | bytes, fund: str | None = None) -> Dataset:
    """The records of the XML report ``source`` (a path or the document's bytes), of ``fund``
    alone when given: a report of any version in :data:`READ_VERSIONS`, read as a dataset of the
    current version.

    Raises:
        ValidationError: not UTF-8, a DOCTYPE or entity declaration, not well-formed, or bad
            elements: every fault listed with its line and attribute.
    """
    raw, name = load(source)
    root = _tree(raw, name)
    reader = _Reader()
    reader.report(root)
    for entries in reader.found.values():
        reader.errors.extend(
            RowError(line, camel(field_name), reason)
            for line, field_name, reason in find_duplicates(entries, unit="line")
        )
    if reader.errors:
        raise ValidationError(
            f"{name}: the XML has bad elements", sorted(reader.errors, key=lambda e: e.row)
        )
    dataset = Dataset.of(r for entries in reader.found.values() for _, r in entries)
    return limit_to_fund(dataset, fund, name)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _element(parent: ET.Element, record: Record) -> None:
    attributes = {}
    for attribute, spec in _attributes(type(record)).items():
        value = getattr(record, spec.name)
        if value is not None and value != spec.default:  # cancelled is written when true
            attributes[attribute] = _text(value)
    element = ET.SubElement(parent, _TAG_OF[type(record)], attributes)
    if record.previous is not None:
        ET.SubElement(element, _PREVIOUS, {camel(n): _text(v) for n, v in record.previous.items()})


def to_bytes(dataset: Dataset, fund: str | None = None) -> bytes:
    """The XML report of ``dataset`` (of ``fund`` alone when given), UTF-8.

    Raises:
        ValidationError: no record of ``fund``.
    """
    data = limit_to_fund(dataset, fund, "the dataset")
    # The default namespace is written as a plain attribute: no prefix is registered globally.
    # A dataset is of the current version (its spec_version), so is its namespace.
    root = ET.Element(ROOT, {"xmlns": NAMESPACE, "specVersion": data.spec_version})
    for code in data.funds():
        holder = ET.SubElement(root, "Fund", {"code": code})
        for record in data.records():
            if record.fund == code:
                _element(holder, record)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def write(dataset: Dataset, target: Path, fund: str | None = None) -> Path:
    """Write ``dataset`` (of ``fund`` alone when given) to ``target`` as XML, atomically.

    Raises:
        ValidationError: as :func:`to_bytes`, or the target cannot be written.
    """
    return write_atomic(target, to_bytes(dataset, fund))
