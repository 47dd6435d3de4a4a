"""Conversion between the standard's formats and the field formats: read all, check, write once.

========== ================================================== ====================
format     module (in this package)                           carries
========== ================================================== ====================
ita-csv    :mod:`ita_csv` (one fund, CP932)                   NAVs, distributions
csv        :mod:`vendor_csv` (UTF-8, BOM)                     + units outstanding
xml        :mod:`fund_xml`                                    everything
json       :mod:`standard_json`                               everything
========== ================================================== ====================
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import NamedTuple

from bpost_client.distribution.standard.records import Dataset
from bpost_client.exceptions import ValidationError

__all__ = ["FORMATS", "carries", "convert", "dropped", "read", "to_bytes", "write"]

FORMATS = ("ita-csv", "csv", "xml", "json")
"""The formats :func:`convert` reads and writes."""


class _Adapter(NamedTuple):
    read: Callable[[Path | bytes, str | None], Dataset]
    write: Callable[[Dataset, Path, str | None], Path]
    to_bytes: Callable[[Dataset, str | None], bytes]
    carries: frozenset[str]


@cache
def _adapters() -> dict[str, _Adapter]:
    """The adapter of each format, imported on first use: the CSV adapters load pandas, which
    what only names the formats (`bpost distribution --help`) does without."""
    from bpost_client.distribution.standard import fund_xml, ita_csv, standard_json, vendor_csv

    return {
        "ita-csv": _Adapter(ita_csv.read, ita_csv.write, ita_csv.to_bytes, ita_csv.CARRIES),
        "csv": _Adapter(vendor_csv.read, vendor_csv.write, vendor_csv.to_bytes, vendor_csv.CARRIES),
        "xml": _Adapter(fund_xml.read, fund_xml.write, fund_xml.to_bytes, fund_xml.CARRIES),
        "json": _Adapter(
            standard_json.read, standard_json.write, standard_json.to_bytes, standard_json.CARRIES
        ),
    }


def _adapter(name: str) -> _Adapter:
    try:
        return _adapters()[name]
    except KeyError:
        raise ValidationError(f"unknown format {name!r} (one of {', '.join(FORMATS)})") from None


def read(source: Path | bytes, fmt: str, fund: str | None = None) -> Dataset:
    """The dataset in ``source``, a file of format ``fmt`` (its records of ``fund`` alone when
    given; ita-csv needs ``fund``, the format not carrying it).

    Raises:
        ValidationError: an unknown format, or the adapter's refusal (every bad row listed).
    """
    return _adapter(fmt).read(source, fund)


def write(dataset: Dataset, target: Path, fmt: str, fund: str | None = None) -> Path:
    """Write ``dataset`` (its records of ``fund`` alone when given) to ``target`` in ``fmt``,
    atomically: the target is replaced whole or not at all.

    Raises:
        ValidationError: an unknown format, or something essential the format cannot express.
    """
    return _adapter(fmt).write(dataset, target, fund)


def to_bytes(dataset: Dataset, fmt: str, fund: str | None = None) -> bytes:
    """``dataset`` (its records of ``fund`` alone when given) as the bytes of a file in ``fmt``.

    Raises:
        ValidationError: an unknown format, or something essential the format cannot express.
    """
    return _adapter(fmt).to_bytes(dataset, fund)


def carries(fmt: str) -> frozenset[str]:
    """The lists of a dataset (and ``units_outstanding``, ``corrections``) ``fmt`` can hold.

    Raises:
        ValidationError: an unknown format.
    """
    return _adapter(fmt).carries


def dropped(dataset: Dataset, fmt: str) -> dict[str, int]:
    """What writing ``dataset`` in ``fmt`` leaves out: the number of records of each list the
    format does not carry, of NAVs whose units outstanding are lost, and of corrections whose
    history (version, reason, replaced values) is lost. Only non-zero counts are given."""
    carries = _adapter(fmt).carries
    lost = {name: n for name, n in dataset.counts().items() if name not in carries}
    if "navs" in carries and "units_outstanding" not in carries:
        lost["units_outstanding"] = sum(n.units_outstanding is not None for n in dataset.navs)
    if "corrections" not in carries:
        lost["corrections"] = sum(
            r.version > 1 for r in dataset.records() if type(r).LIST in carries
        )
    return {name: n for name, n in lost.items() if n}


def convert(
    source: Path, target: Path, from_format: str, to_format: str, fund: str | None = None
) -> Dataset:
    """Read ``source`` in ``from_format`` whole, check it, and write it to ``target`` in
    ``to_format``; returns the dataset read.

    ``fund`` names the fund of an ita-csv source (the format does not carry it) and limits the
    output to that fund (an ita-csv target holds one fund). Nothing is written unless the whole
    source is valid and the target format can express it; the target is written to a temporary
    file beside it and renamed over it, so an existing target is replaced whole or left as it
    was.

    Raises:
        ValidationError: a bad source (every bad row listed), or a dataset the target format
            cannot express.
    """
    dataset = read(source, from_format, fund)
    write(dataset, target, to_format, fund)
    return dataset
