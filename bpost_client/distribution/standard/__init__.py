"""Use case 2: the open standard for investment-trust distribution data (version 1.1.0).

Records (:mod:`.records`): NAVs, distributions, non-application days and management reports,
each about one fund, with versions so that a correction shows what it replaced. Adapters read and
write them in the standard's JSON (:mod:`.standard_json`) and XML (:mod:`.fund_xml`) and in two
field formats: the public daily-NAV CSV (:mod:`.ita_csv`) and a vendor CSV (:mod:`.vendor_csv`);
:mod:`.convert` goes from any of them to any other. No chain is involved.
The specification for implementers is ``docs/spec/README.md``.
"""

from __future__ import annotations

from bpost_client.distribution.standard.convert import FORMATS, convert
from bpost_client.distribution.standard.records import (
    READ_VERSIONS,
    SPEC_VERSION,
    Dataset,
    Distribution,
    ManagementReport,
    Nav,
    NonApplicationDay,
    NonApplicationReason,
    RecordError,
)

__all__ = [
    "FORMATS",
    "READ_VERSIONS",
    "SPEC_VERSION",
    "Dataset",
    "Distribution",
    "ManagementReport",
    "Nav",
    "NonApplicationDay",
    "NonApplicationReason",
    "RecordError",
    "convert",
]
