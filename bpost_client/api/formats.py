"""The formats the HTTP interface answers in, their media types, and what each can express.

``json`` (the default) is the standard's JSON dataset plus the paging fields, made from the
response models; the others are written by the standard's adapters: ``xml`` (everything), ``csv``
(the vendor CSV: NAVs and distributions of many funds) and ``ita-csv`` (the public daily-NAV CSV
of one fund, Shift_JIS). A request whose records a format cannot hold (non-application days in a
CSV, corrections in a CSV, several funds in ita-csv) is refused; what a format drops of the
records it holds (a correction's history and units outstanding in the CSVs) is named in the
``X-BPOST-Dropped`` header of the answer.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from bpost_client.distribution.standard.convert import carries, dropped, to_bytes
from bpost_client.distribution.standard.records import Dataset
from bpost_client.exceptions import BPostError, ValidationError

__all__ = [
    "DROPPED_HEADER",
    "MEDIA_TYPES",
    "Format",
    "FormatError",
    "check_format",
    "dropped_header",
    "render",
]

DROPPED_HEADER = "X-BPOST-Dropped"


class Format(StrEnum):
    """The formats of an answer."""

    JSON = "json"
    XML = "xml"
    CSV = "csv"
    ITA_CSV = "ita-csv"


MEDIA_TYPES = {
    Format.JSON: "application/json",
    Format.XML: "application/xml",
    Format.CSV: "text/csv; charset=utf-8",
    Format.ITA_CSV: "text/csv; charset=shift_jis",
}


class FormatError(BPostError, ValueError):
    """A format that cannot express what was asked for."""


def check_format(fmt: Format, lists: Collection[str], one_fund: bool) -> None:
    """Refuse a format that cannot hold the lists a request answers with (``corrections`` for a
    list of corrections) or, for ita-csv, a request about more than one fund.

    Raises:
        FormatError: the format cannot express the answer; the message says what can.
    """
    if fmt is Format.JSON:
        return
    missing = [name for name in lists if name not in carries(fmt.value)]
    if missing:
        able = [f.value for f in Format if f is Format.JSON or set(lists) <= carries(f.value)]
        raise FormatError(
            f"the {fmt.value} format cannot express {', '.join(missing)}: "
            f"ask for {' or '.join(able)}"
        )
    if fmt is Format.ITA_CSV and not one_fund:
        raise FormatError("the ita-csv format holds one fund: ask for one fund's records")


def render(dataset: Dataset, fmt: Format, fund: str | None = None) -> bytes:
    """``dataset`` in a file format (not json: the JSON answers are made from the models).

    Raises:
        FormatError: the adapter refused the dataset (e.g. a distribution on a day without a NAV
            in a CSV).
    """
    if fmt is Format.JSON:
        raise ValueError("the JSON answers are made from the response models")
    try:
        return to_bytes(dataset, fmt.value, fund)
    except ValidationError as exc:
        raise FormatError(f"the {fmt.value} format cannot express the answer: {exc}") from exc


def dropped_header(dataset: Dataset, fmt: Format) -> str | None:
    """What writing ``dataset`` in ``fmt`` leaves out, as ``name=count, ...``, or None."""
    if fmt is Format.JSON:
        return None
    lost = dropped(dataset, fmt.value)
    return ", ".join(f"{name}={count}" for name, count in lost.items()) or None
