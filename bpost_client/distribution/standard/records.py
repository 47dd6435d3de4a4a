"""The records of the distribution-data standard (version 1.1.0) and their validation.

Four record kinds, each about one fund: :class:`Nav` (a day's NAV), :class:`Distribution` (a
fiscal period's distribution), :class:`NonApplicationDay` (a day the fund takes no orders) and
:class:`ManagementReport` (a period's report, shared as a hash and a location). A
:class:`Dataset` holds any number of each, ordered by fund and date.

Every record carries ``version`` (1 for the original). A correction has ``version`` > 1, a
``correction_reason`` and ``previous``: the values it replaced, so a correction is visibly one.
Money and counts are ``int`` (whole yen), dates are ``datetime.date``. Constructing a record or a
dataset validates it and raises :class:`RecordError` (a ``ValueError``) naming every bad field.

A dataset in memory is of the current version, :data:`SPEC_VERSION`; the readers also accept
files of the earlier versions in :data:`READ_VERSIONS` (each later version only adds optional
fields, so an earlier file reads as a dataset of the current version).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Literal, TypeAlias

from bpost_client.exceptions import BPostError
from bpost_client.identifiers import check_fund_code, check_ita_code

__all__ = [
    "READ_VERSIONS",
    "RECORD_KINDS",
    "SPEC_VERSION",
    "Dataset",
    "Distribution",
    "FieldSpec",
    "ManagementReport",
    "Nav",
    "NonApplicationDay",
    "NonApplicationReason",
    "Record",
    "RecordError",
    "Value",
    "check_fund",
    "check_value",
    "find_duplicates",
    "versions_text",
]

SPEC_VERSION = "1.1.0"
"""The version of the standard these records implement, and the version the writers write."""
READ_VERSIONS = ("1.0.0", "1.1.0")
"""The versions whose files the readers accept, oldest first (the last is :data:`SPEC_VERSION`)."""

Value: TypeAlias = bool | int | str | dt.date | None
"""A field's value: a boolean, an integer, a text, a date, or None for an absent optional field."""

FieldType = Literal["int", "date", "text", "bool"]


def versions_text(versions: Sequence[str] = READ_VERSIONS) -> str:
    """``versions`` in words, for messages: ``1.0.0 or 1.1.0``."""
    return " or ".join([", ".join(versions[:-1]), versions[-1]] if len(versions) > 1 else versions)


@dataclass(frozen=True)
class FieldSpec:
    """A correctable field of a record kind: its name, type, whether it may lack a value, what a
    file leaving it out means, and the version of the standard that added it."""

    name: str
    type: FieldType
    required: bool = True
    """False: the field may have no value (None; ``null`` among the replaced values)."""
    default: Value = None
    """The value of a field a file leaves out; None: none (a required field is then missing).
    A field with a default always has a value, so it is required."""
    since: str = READ_VERSIONS[0]
    """The version of the standard that added the field: a file of an earlier one has none."""

    @property
    def may_be_left_out(self) -> bool:
        """Whether a file may leave the field out of a record."""
        return not self.required or self.default is not None

    def in_version(self, version: str) -> bool:
        """Whether the field exists in files of ``version`` (one of :data:`READ_VERSIONS`;
        a version not in it is taken as the current one)."""
        if version not in READ_VERSIONS:
            return True
        return READ_VERSIONS.index(self.since) <= READ_VERSIONS.index(version)


class RecordError(BPostError, ValueError):
    """A record or dataset refused; ``problems`` lists (field, reason) for every bad field.

    A field of the replaced values is named ``previous.<field>``.
    """

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in self.problems))


class NonApplicationReason(StrEnum):
    """Why a fund takes no orders on a day."""

    MARKET_HOLIDAY = "market_holiday"
    BANK_HOLIDAY = "bank_holiday"
    OTHER = "other"


_REASONS = ", ".join(r.value for r in NonApplicationReason)
_MIC = re.compile(r"^[A-Z0-9]{4}$")
_HASH = re.compile(r"^0x[0-9a-f]{64}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_DOCUMENT_FORMAT = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,15}$")


def check_fund(text: str) -> str:
    """``text`` as a fund code: a platform code (``BP``, 11 characters) or an 8-character ITA code.

    Raises:
        ValueError: neither, or a platform code with a wrong check character.
    """
    code = text.strip().upper()
    if len(code) == 11 and code.startswith("BP"):
        return str(check_fund_code(code))
    if len(code) == 8:
        return check_ita_code(code)
    raise ValueError(
        f"{text!r} is not a fund code (a platform code BP... of 11 characters "
        "or an 8-character ITA code)"
    )


def _integer(minimum: int) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{value!r} is not an integer"
        if value < 0:
            return "negative"
        if value < minimum:
            return f"less than {minimum}"
        return None

    return check


def _date(value: object) -> str | None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return f"{value!r} is not a date"
    return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return f"{value!r} is not a text"
    if not value.strip():
        return "empty"
    return None


def _pattern(regex: re.Pattern[str], description: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        problem = _text(value)
        if problem is not None:
            return problem
        if not regex.match(str(value)):
            return f"{value!r} is not {description}"
        return None

    return check


def _boolean(value: object) -> str | None:
    if not isinstance(value, bool):
        return f"{value!r} is not true or false"
    return None


def _reason(value: object) -> str | None:
    if value not in set(NonApplicationReason):
        return f"{value!r} is not a reason (one of {_REASONS})"
    return None


_CHECKS: dict[str, Callable[[object], str | None]] = {
    "date": _date,
    "nav_per_10000_units": _integer(1),
    "net_assets": _integer(0),
    "units_outstanding": _integer(0),
    "period": _integer(1),
    "amount_per_10000_units": _integer(0),
    "reason": _reason,
    "market": _pattern(_MIC, "a market identifier code (MIC, 4 letters or digits, e.g. XNYS)"),
    "note": _text,
    "cancelled": _boolean,
    "content_hash": _pattern(_HASH, "a SHA-256 hash (0x and 64 lowercase hex digits)"),
    "location": _pattern(_URI, "a URI (scheme:..., no spaces)"),
    "format": _pattern(_DOCUMENT_FORMAT, "a document format (lowercase, e.g. pdf, html, xbrl)"),
}


class _Record:
    """What every record kind has: the fund, a version and, for a correction, what it replaced.

    The fields are declared by each record's dataclass (common fields last); this mixin holds
    the validation and the description of the kind.
    """

    KIND: ClassVar[str]
    """The record kind as the standard names it (``nav`` ...)."""
    LIST: ClassVar[str]
    """The name of the list of these records in a dataset (``navs`` ...)."""
    LABEL: ClassVar[str]
    """The kind in words, for messages."""
    KEY: ClassVar[tuple[str, ...]]
    """The fields that identify the record (never corrected): the fund and a date or period."""
    UNIQUE: ClassVar[tuple[str, ...]]
    """Fields each of which a fund's records of this kind may not share."""
    FIELDS: ClassVar[tuple[FieldSpec, ...]]
    """The fields a correction may change, in the standard's order."""

    fund: str
    date: dt.date
    version: int
    correction_reason: str | None
    previous: Mapping[str, Value] | None

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        if isinstance(self.fund, str):
            try:
                object.__setattr__(self, "fund", check_fund(self.fund))
            except ValueError as exc:
                problems.append(("fund", str(exc)))
        else:
            problems.append(("fund", f"{self.fund!r} is not a text"))
        self._coerce()
        for name in self._key_fields():
            problem = _CHECKS[name](getattr(self, name))
            if problem:
                problems.append((name, problem))
        for spec in self.FIELDS:
            value = getattr(self, spec.name)
            if value is None and not spec.required:
                continue
            problem = _CHECKS[spec.name](value) if value is not None else "missing"
            if problem:
                problems.append((spec.name, problem))
        problems.extend(self._rules())
        problems.extend(self._correction_problems())
        if problems:
            raise RecordError(problems)

    @classmethod
    def _key_fields(cls) -> tuple[str, ...]:
        return tuple(name for name in cls.KEY if name != "fund")

    def _coerce(self) -> None:
        if self.previous is not None and isinstance(self.previous, Mapping):
            order = [s.name for s in self.FIELDS]
            ranked = sorted(
                self.previous.items(),
                key=lambda item: order.index(item[0]) if item[0] in order else len(order),
            )
            object.__setattr__(self, "previous", MappingProxyType(dict(ranked)))

    def _rules(self) -> list[tuple[str, str]]:
        return []

    def _correction_problems(self) -> list[tuple[str, str]]:
        problem = _integer(1)(self.version)
        if problem:
            return [("version", problem)]
        if self.version == 1:
            found = []
            if self.correction_reason is not None:
                found.append(("correction_reason", "an original (version 1) has no correction"))
            if self.previous is not None:
                found.append(("previous", "an original (version 1) replaces nothing"))
            return found
        found = []
        if self.correction_reason is None:
            found.append(("correction_reason", "a correction (version > 1) needs a reason"))
        elif reason_problem := _text(self.correction_reason):
            found.append(("correction_reason", reason_problem))
        if not isinstance(self.previous, Mapping) or not self.previous:
            found.append(("previous", "a correction (version > 1) needs the values it replaced"))
            return found
        specs = {s.name: s for s in self.FIELDS}
        for name, value in self.previous.items():
            spec = specs.get(name)
            if spec is None:
                fields = ", ".join(specs)
                found.append((f"previous.{name}", f"not a correctable field (one of {fields})"))
            elif value is None and spec.required:
                found.append((f"previous.{name}", "missing; the field is required"))
            elif value is not None and (problem := _CHECKS[name](value)):
                found.append((f"previous.{name}", problem))
        if not found and all(getattr(self, n) == v for n, v in self.previous.items()):
            found.append(("previous", "repeats the current values: nothing was corrected"))
        return found

    def values(self) -> dict[str, Value]:
        """The correctable fields and their values (None when absent)."""
        return {spec.name: getattr(self, spec.name) for spec in self.FIELDS}

    def key(self) -> tuple[Any, ...]:
        """The fund and the fields that identify the record within it."""
        return tuple(getattr(self, name) for name in self.KEY)

    def sort_key(self) -> tuple[Any, ...]:
        """Records are ordered by fund, then date, then the rest of the key."""
        return (self.fund, self.date, *self.key()[1:])


@dataclass(frozen=True, kw_only=True)
class Nav(_Record):
    """The NAV of a fund on a business day."""

    KIND: ClassVar[str] = "nav"
    LIST: ClassVar[str] = "navs"
    LABEL: ClassVar[str] = "NAV"
    KEY: ClassVar[tuple[str, ...]] = ("fund", "date")
    UNIQUE: ClassVar[tuple[str, ...]] = ("date",)
    FIELDS: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("nav_per_10000_units", "int"),
        FieldSpec("net_assets", "int"),
        FieldSpec("units_outstanding", "int", required=False),
    )

    fund: str
    date: dt.date
    nav_per_10000_units: int
    """Yen per 10,000 units, rounded half up to the yen (at least 1)."""
    net_assets: int
    """Yen."""
    units_outstanding: int | None = None
    """Units; None where the source format does not carry it."""
    version: int = 1
    correction_reason: str | None = None
    previous: Mapping[str, Value] | None = None


@dataclass(frozen=True, kw_only=True)
class Distribution(_Record):
    """A distribution declared on a fiscal period's closing date."""

    KIND: ClassVar[str] = "distribution"
    LIST: ClassVar[str] = "distributions"
    LABEL: ClassVar[str] = "distribution"
    KEY: ClassVar[tuple[str, ...]] = ("fund", "date")
    UNIQUE: ClassVar[tuple[str, ...]] = ("date", "period")
    FIELDS: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("period", "int"),
        FieldSpec("amount_per_10000_units", "int"),
    )

    fund: str
    date: dt.date
    """The closing date of the fiscal period (決算日)."""
    period: int
    """The fiscal period's number (決算期), from 1."""
    amount_per_10000_units: int
    """Yen per 10,000 units; 0 when the period pays nothing."""
    version: int = 1
    correction_reason: str | None = None
    previous: Mapping[str, Value] | None = None


@dataclass(frozen=True, kw_only=True)
class NonApplicationDay(_Record):
    """A day on which the fund accepts no subscription or redemption orders.

    A published day is withdrawn by a correction that sets ``cancelled`` (added in 1.1.0): the
    fund takes orders that day after all. An original (version 1) is never cancelled, so the
    first correction of a day replaced ``cancelled`` false.
    """

    KIND: ClassVar[str] = "non_application_day"
    LIST: ClassVar[str] = "non_application_days"
    LABEL: ClassVar[str] = "non-application day"
    KEY: ClassVar[tuple[str, ...]] = ("fund", "date")
    UNIQUE: ClassVar[tuple[str, ...]] = ("date",)
    FIELDS: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("reason", "text"),
        FieldSpec("market", "text", required=False),
        FieldSpec("note", "text", required=False),
        FieldSpec("cancelled", "bool", default=False, since="1.1.0"),
    )

    fund: str
    date: dt.date
    reason: NonApplicationReason
    market: str | None = None
    """The MIC of the closed market (XNYS ...); required for market and bank holidays that are
    not cancelled."""
    note: str | None = None
    cancelled: bool = False
    """The day was withdrawn by a correction: the fund takes orders that day."""
    version: int = 1
    correction_reason: str | None = None
    previous: Mapping[str, Value] | None = None

    def _coerce(self) -> None:
        super()._coerce()
        if self.reason in set(NonApplicationReason):
            object.__setattr__(self, "reason", NonApplicationReason(self.reason))

    def _rules(self) -> list[tuple[str, str]]:
        found = []
        holiday = (NonApplicationReason.MARKET_HOLIDAY, NonApplicationReason.BANK_HOLIDAY)
        if self.reason in holiday and self.market is None and self.cancelled is not True:
            found.append(("market", f"required when the reason is {self.reason}"))
        if self.cancelled is True and self.version == 1:
            reason = "an original (version 1) cannot be cancelled: a correction withdraws a day"
            found.append(("cancelled", reason))
        if self.version == 2 and isinstance(self.previous, Mapping) and self.previous:
            # The values version 2 replaced are version 1's: never cancelled.
            if self.previous.get("cancelled") is True:
                reason = "true, but the original (version 1) was not cancelled"
                found.append(("previous.cancelled", reason))
            elif self.cancelled is True and "cancelled" not in self.previous:
                reason = "missing: cancelling the original replaced cancelled false"
                found.append(("previous.cancelled", reason))
        return found


@dataclass(frozen=True, kw_only=True)
class ManagementReport(_Record):
    """A fiscal period's management report (運用報告書): its hash, location and format."""

    KIND: ClassVar[str] = "management_report"
    LIST: ClassVar[str] = "management_reports"
    LABEL: ClassVar[str] = "management report"
    KEY: ClassVar[tuple[str, ...]] = ("fund", "period")
    UNIQUE: ClassVar[tuple[str, ...]] = ("period",)
    FIELDS: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("date", "date"),
        FieldSpec("content_hash", "text"),
        FieldSpec("location", "text"),
        FieldSpec("format", "text"),
    )

    fund: str
    period: int
    date: dt.date
    """The issue date."""
    content_hash: str
    """``0x`` and the 64 lowercase hex digits of the document's SHA-256."""
    location: str
    """A URI the document can be fetched from."""
    format: str
    """The document's format: pdf, html, xbrl ..."""
    version: int = 1
    correction_reason: str | None = None
    previous: Mapping[str, Value] | None = None


Record: TypeAlias = Nav | Distribution | NonApplicationDay | ManagementReport
RECORD_KINDS: tuple[type[Record], ...] = (Nav, Distribution, NonApplicationDay, ManagementReport)


def _describe(record: Record, name: str) -> str:
    value = getattr(record, name)
    shown = value.isoformat() if isinstance(value, dt.date) else value
    return (
        f"{record.LABEL} of {record.fund} on {shown}"
        if name == "date"
        else (f"{record.LABEL} of {record.fund} for {name} {shown}")
    )


def check_value(name: str, value: object) -> None:
    """Check ``value`` as the field ``name`` of a record (alone: rules between fields are checked
    when the record is made).

    Raises:
        ValueError: the value is refused (the message says why); KeyError: no such field.
    """
    problem = _CHECKS[name](value)
    if problem:
        raise ValueError(problem)


def find_duplicates(
    entries: Iterable[tuple[int, Record]], unit: str = "row"
) -> list[tuple[int, str, str]]:
    """(row, field, reason) for each record that repeats a unique field of an earlier record of
    the same kind and fund; ``row`` numbers the records as the caller's format does and
    ``unit`` names that number in the reason ("first at row 3")."""
    seen: dict[tuple[str, str, Any], int] = {}
    found: list[tuple[int, str, str]] = []
    for row, record in entries:
        for name in record.UNIQUE:
            key = (record.KIND, record.fund, (name, getattr(record, name)))
            first = seen.get(key)
            if first is None:
                seen[key] = row
            else:
                reason = f"a second {_describe(record, name)} (first at {unit} {first})"
                found.append((row, name, reason))
    return found


@dataclass(frozen=True)
class Dataset:
    """Records of the four kinds, each list ordered by fund and date (sorted on construction).

    Raises:
        RecordError: a list holds another kind of record, two records share a key, or the
            spec version is not :data:`SPEC_VERSION` (a reader of an earlier version's file
            makes a dataset of the current one).
    """

    navs: Sequence[Nav] = ()
    distributions: Sequence[Distribution] = ()
    non_application_days: Sequence[NonApplicationDay] = ()
    management_reports: Sequence[ManagementReport] = ()
    spec_version: str = SPEC_VERSION

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        if self.spec_version != SPEC_VERSION:
            problems.append(("spec_version", f"{self.spec_version!r} is not {SPEC_VERSION}"))
        for kind in RECORD_KINDS:
            records = tuple(getattr(self, kind.LIST))
            wrong = [r for r in records if not isinstance(r, kind)]
            if wrong:
                problems.append(
                    (kind.LIST, f"holds {type(wrong[0]).__name__}, not {kind.__name__}")
                )
                continue
            ordered = tuple(sorted(records, key=lambda r: r.sort_key()))
            object.__setattr__(self, kind.LIST, ordered)
            numbered = list(enumerate(ordered, start=1))
            problems.extend(
                (f"{kind.LIST}.{name}", reason) for _, name, reason in find_duplicates(numbered)
            )
        if problems:
            raise RecordError(problems)

    @classmethod
    def of(cls, records: Iterable[Record]) -> Dataset:
        """The dataset of ``records``, of any kinds, each put in its list.

        Raises:
            RecordError: as the constructor.
        """
        every = list(records)
        return cls(
            navs=[r for r in every if isinstance(r, Nav)],
            distributions=[r for r in every if isinstance(r, Distribution)],
            non_application_days=[r for r in every if isinstance(r, NonApplicationDay)],
            management_reports=[r for r in every if isinstance(r, ManagementReport)],
        )

    def records(self) -> Iterator[Record]:
        """Every record, NAVs first, then distributions, non-application days and reports."""
        for kind in RECORD_KINDS:
            yield from getattr(self, kind.LIST)

    def funds(self) -> list[str]:
        """The funds the records are about, sorted."""
        return sorted({r.fund for r in self.records()})

    def only(self, fund: str) -> Dataset:
        """The records of ``fund`` alone."""
        return Dataset(
            navs=[r for r in self.navs if r.fund == fund],
            distributions=[r for r in self.distributions if r.fund == fund],
            non_application_days=[r for r in self.non_application_days if r.fund == fund],
            management_reports=[r for r in self.management_reports if r.fund == fund],
            spec_version=self.spec_version,
        )

    def counts(self) -> dict[str, int]:
        """The number of records of each kind, by list name."""
        return {kind.LIST: len(getattr(self, kind.LIST)) for kind in RECORD_KINDS}

    def __len__(self) -> int:
        return sum(self.counts().values())
