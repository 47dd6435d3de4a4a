"""The standard's XML: every record and correction kept; faults named by line and attribute."""

from __future__ import annotations

import re

import pytest

from bpost_client.distribution.standard import fund_xml
from bpost_client.exceptions import ValidationError
from tests.conftest import ROOT
from tests.distribution.standard.samples import FUND, OTHER_FUND, full_dataset

SPEC = ROOT / "docs" / "spec" / "README.md"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
OPEN = f'{DECLARATION}<FundPriceReport xmlns="urn:bpost:distribution:1.1" specVersion="1.1.0">\n'
OPEN_1_0 = (
    f'{DECLARATION}<FundPriceReport xmlns="urn:bpost:distribution:1.0" specVersion="1.0.0">\n'
)


def document(*records: str, code: str = FUND, opening: str = OPEN) -> bytes:
    """A report of one fund holding ``records``: the first record is on line 4."""
    body = "\n".join(records)
    return f'{opening}  <Fund code="{code}">\n{body}\n  </Fund>\n</FundPriceReport>\n'.encode()


def errors_of(raw: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(ValidationError) as refused:
        fund_xml.read(raw)
    return [(e.row, e.column, e.reason) for e in refused.value.errors]


PRICE = '<Price date="2026-04-01" navPer10000Units="12345" netAssets="1234500000" version="1"/>'


def test_round_trip__full_dataset__every_value_kept() -> None:
    full = full_dataset()
    written = fund_xml.to_bytes(full)
    assert fund_xml.read(written) == full
    assert fund_xml.to_bytes(fund_xml.read(written)) == written


def test_write__layout__one_fund_element_per_fund_and_previous_children() -> None:
    text = fund_xml.to_bytes(full_dataset()).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<FundPriceReport')
    assert 'xmlns="urn:bpost:distribution:1.1" specVersion="1.1.0"' in text
    assert re.findall(r'<Fund code="(\w+)">', text) == [OTHER_FUND, FUND]
    assert '<Previous navPer10000Units="12305" unitsOutstanding="" />' in text
    assert 'correctionReason="分配金の訂正 (amount &lt;withdrawn&gt; &amp; re-declared)"' in text
    assert 'note="Good Friday&#10;(NYSE closed)"' in text
    assert text.count("cancelled=") == 2, "written when true, and as a replaced value"
    assert 'cancelled="true" version="2"' in text
    assert '<Previous cancelled="false" />' in text


def test_write__fund__limits_to_it() -> None:
    assert fund_xml.read(fund_xml.to_bytes(full_dataset(), fund=OTHER_FUND)).funds() == [OTHER_FUND]


def test_read__spec_example__reads() -> None:
    example = re.search(r"```xml\n(.*?)```", SPEC.read_text(), re.DOTALL)
    assert example is not None, "the spec has an XML example"
    dataset = fund_xml.read(example.group(1).encode())
    assert dataset.counts() == {
        "navs": 2,
        "distributions": 1,
        "non_application_days": 2,
        "management_reports": 1,
    }
    assert dataset.navs[1].previous == {"nav_per_10000_units": 12305}
    withdrawn = dataset.non_application_days[1]
    assert (withdrawn.cancelled, withdrawn.previous) == (True, {"cancelled": False})


def test_read__split_fund_elements_and_foreign_attributes__accepted() -> None:
    raw = (
        f'{OPEN}  <Fund code="{FUND}">\n    {PRICE}\n  </Fund>\n'
        f'  <Fund code="{FUND}" xmlns:x="urn:other" x:source="vendor">\n'
        '    <Distribution date="2026-04-15" period="1" amountPer10000Units="0" version="1"/>\n'
        "  </Fund>\n</FundPriceReport>\n"
    ).encode()
    assert fund_xml.read(raw).counts()["distributions"] == 1


BAD = [
    (PRICE.replace('date="2026-04-01"', 'date="2026-04-31"'), "date", "not a calendar date"),
    (PRICE.replace('date="2026-04-01"', 'date="2026/04/01"'), "date", "YYYY-MM-DD"),
    (PRICE.replace('"12345"', '"12,345"'), "navPer10000Units", "not an integer"),
    (PRICE.replace('"12345"', '"-1"'), "navPer10000Units", "negative"),
    (PRICE.replace('"1234500000"', '"1234.5"'), "netAssets", "not an integer"),
    (PRICE.replace(' version="1"', ""), "version", "missing"),
    (PRICE.replace("/>", ' units="3"/>'), "units", "not an attribute of Price"),
    (
        '<Distribution date="2026-04-15" amountPer10000Units="5" version="1"/>',
        "period",
        "missing",
    ),
    (
        '<NonApplicationDay date="2026-04-03" reason="market_holiday" version="1"/>',
        "market",
        "required when the reason is market_holiday",
    ),
    (
        '<NonApplicationDay date="2026-04-03" reason="weekend" version="1"/>',
        "reason",
        "not a reason",
    ),
    (
        '<Report period="1" date="2026-05-01" contentHash="0x1234" location="https://x/r.pdf" '
        'format="pdf" version="1"/>',
        "contentHash",
        "SHA-256",
    ),
    (
        PRICE.replace('version="1"/>', 'version="2"><Previous navPer10000Units="1"/></Price>'),
        "correctionReason",
        "needs a reason",
    ),
    (
        PRICE.replace('version="1"/>', 'version="2" correctionReason="typo"/>'),
        "Previous",
        "needs the values it replaced",
    ),
    (
        PRICE.replace('version="1"/>', 'version="1"><Previous netAssets="1"/></Price>'),
        "Previous",
        "replaces nothing",
    ),
    (
        PRICE.replace(
            'version="1"/>', 'version="2" correctionReason="x"><Previous netAssets="-1"/></Price>'
        ),
        "Previous.netAssets",
        "negative",
    ),
    (
        PRICE.replace(
            'version="1"/>',
            'version="2" correctionReason="x"><Previous date="2026-04-02"/></Price>',
        ),
        "Previous.date",
        "not an attribute of Previous",
    ),
    (
        PRICE.replace(
            'version="1"/>',
            'version="2" correctionReason="x"><Previous netAssets="1234500000"/></Price>',
        ),
        "Previous",
        "nothing was corrected",
    ),
    (
        '<NonApplicationDay date="2026-04-03" reason="other" cancelled="true" version="1"/>',
        "cancelled",
        "an original (version 1) cannot be cancelled",
    ),
    (
        '<NonApplicationDay date="2026-04-03" reason="other" cancelled="yes" version="1"/>',
        "cancelled",
        "'yes' is not true or false",
    ),
    (
        '<NonApplicationDay date="2026-04-03" reason="other" cancelled="true" version="2" '
        'correctionReason="x"><Previous cancelled=""/></NonApplicationDay>',
        "Previous.cancelled",
        "'' is not true or false",
    ),
    (
        '<NonApplicationDay date="2026-04-03" reason="other" cancelled="true" version="2" '
        'correctionReason="x"><Previous note="Thanksgiving"/></NonApplicationDay>',
        "Previous.cancelled",
        "missing: cancelling the original replaced cancelled false",
    ),
    ("<Dividend/>", "Dividend", "not an element of Fund"),
    (PRICE.replace("/>", ">12345</Price>"), "Price", "holds text"),
]


@pytest.mark.parametrize(("element", "column", "reason"), BAD, ids=[r for _, _, r in BAD])
def test_read__each_bad_element__line_attribute_reason(
    element: str, column: str, reason: str
) -> None:
    found = errors_of(document(PRICE.replace("04-01", "03-31"), element))
    assert [(r, c) for r, c, _ in found] == [(5, column)], found
    assert reason in found[0][2]


def test_read__duplicate_day__names_the_first_line() -> None:
    found = errors_of(document(PRICE, PRICE.replace("12345", "12346")))
    assert found == [(5, "date", "a second NAV of BP000000018 on 2026-04-01 (first at line 4)")]


def test_read__bad_fund_code__named_on_its_line() -> None:
    found = errors_of(document(PRICE, code="BP000000019"))
    assert found == [(3, "code", "'BP000000019' has a wrong check character")]


@pytest.mark.parametrize(
    ("raw", "column", "reason"),
    [
        (b'<FundPriceReport specVersion="1.0.0"/>', "FundPriceReport", "namespace"),
        (
            b'<FundPriceReport xmlns="urn:bpost:distribution:1.0" specVersion="2.0.0"/>',
            "specVersion",
            "'2.0.0' is not 1.0.0 or 1.1.0",
        ),
        (
            b'<FundPriceReport xmlns="urn:bpost:distribution:1.0" specVersion="1.1.0"/>',
            "specVersion",
            "'1.1.0' is not the version of namespace urn:bpost:distribution:1.0 (1.0.0)",
        ),
        (
            b'<FundPriceReport xmlns="urn:bpost:distribution:1.1" specVersion="1.0.0"/>',
            "specVersion",
            "'1.0.0' is not the version of namespace urn:bpost:distribution:1.1 (1.1.0)",
        ),
        (
            b'<FundPriceReport xmlns="urn:bpost:distribution:2.0" specVersion="2.0.0"/>',
            "FundPriceReport",
            "in namespace urn:bpost:distribution:1.1 or urn:bpost:distribution:1.0",
        ),
        (b'<FundPriceReport xmlns="urn:bpost:distribution:1.1"/>', "specVersion", "missing"),
        (b"<FundPriceReport", "XML", "not well-formed"),
        (b"", "XML", "no element found"),
    ],
)
def test_read__bad_document__named(raw: bytes, column: str, reason: str) -> None:
    found = errors_of(raw)
    assert [c for _, c, _ in found] == [column]
    assert reason in found[0][2]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<FundPriceReport xmlns="urn:bpost:distribution:1.0" specVersion="1.0.0">&lol2;</FundPriceReport>
"""


def test_read__doctype__refused_before_parsing() -> None:
    found = errors_of(BILLION_LAUGHS)
    assert found == [
        (2, "DOCTYPE", "refused: no DTD or entity declaration is allowed (nothing is expanded)")
    ]


def test_read__external_entity__refused() -> None:
    raw = b'<?xml version="1.0"?>\n<!doctype r SYSTEM "file:///etc/passwd">\n<r/>'
    assert errors_of(raw)[0][:2] == (2, "DOCTYPE")
    raw = b'<?xml version="1.0"?>\n\n<!ENTITY x SYSTEM "file:///etc/passwd">'
    assert errors_of(raw)[0][:2] == (3, "ENTITY")


def test_read__not_utf8__refused() -> None:
    with pytest.raises(ValidationError, match="not UTF-8"):
        fund_xml.read("<基準価額/>".encode("cp932"))
    declared = b'<?xml version="1.0" encoding="Shift_JIS"?>\n<FundPriceReport/>'
    assert errors_of(declared) == [(1, "encoding", "'Shift_JIS' declared; the format is UTF-8")]
    declared = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<FundPriceReport/>'
    assert errors_of(declared)[0][:2] == (1, "encoding")


WITHDRAWN = (
    '<NonApplicationDay date="2026-11-26" reason="market_holiday" market="XNYS" '
    'cancelled="true" version="2" correctionReason="published twice">\n'
    '      <Previous cancelled="false"/>\n    </NonApplicationDay>'
)


def test_round_trip__withdrawn_day__cancelled_and_previous_kept() -> None:
    dataset = fund_xml.read(document(WITHDRAWN))
    [withdrawn] = dataset.non_application_days
    assert (withdrawn.cancelled, withdrawn.version) == (True, 2)
    assert withdrawn.previous == {"cancelled": False}
    assert fund_xml.read(fund_xml.to_bytes(dataset)) == dataset


def test_read__version_1_0_0_report__read_as_the_current_version() -> None:
    day = '<NonApplicationDay date="2026-11-26" reason="market_holiday" market="XNYS" version="1"/>'
    dataset = fund_xml.read(document(PRICE, day, opening=OPEN_1_0))
    assert dataset.counts()["non_application_days"] == 1
    assert dataset.non_application_days[0].cancelled is False
    written = fund_xml.to_bytes(dataset).decode()
    assert 'xmlns="urn:bpost:distribution:1.1" specVersion="1.1.0"' in written
    assert "cancelled" not in written


def test_read__version_1_0_0_report_with_cancelled__refused_on_its_line() -> None:
    found = errors_of(document(PRICE, WITHDRAWN, opening=OPEN_1_0))
    added = "not an attribute of version 1.0.0 (added in 1.1.0)"
    assert found == [(5, "cancelled", added), (6, "Previous.cancelled", added)]


def test_read__record_of_another_version_s_namespace__refused() -> None:
    day = '<NonApplicationDay xmlns="urn:bpost:distribution:1.0" date="2026-11-26" reason="other" '
    found = errors_of(document(PRICE, f'{day}version="1"/>'))
    assert [(r, c) for r, c, _ in found] == [(5, "NonApplicationDay")]
    assert "in namespace 'urn:bpost:distribution:1.0'" in found[0][2]


def test_camel__field_names() -> None:
    assert fund_xml.camel("nav_per_10000_units") == "navPer10000Units"
    assert fund_xml.camel("content_hash") == "contentHash"
    assert fund_xml.camel("date") == "date"
