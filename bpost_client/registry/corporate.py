"""Basic corporate information of institutions: registered address, AML/CFT review, FATCA, CRS,
LEI renewal and KYC documents. It extends the participant record (LEI and legal name stay there).

The whole information is sealed (:mod:`bpost_client.platform.confidential`) to the institutions
entitled to it (:func:`entitled_recipients`): the institution, its counterparties (the parties of
the funds it is a party of; those its caller names, such as the parties of its lending
agreements) and the supervisory observer. Every member reads only the LEI, the version, its
publisher and block, the commitment and whom it was sealed to.

The contract reads no status, so the clients check what it used to: the publisher's before it
seals (:func:`publish_corporate_info`, and the file reader row by row), each recipient's when it
opens a version (:func:`open_corporate`). A recipient that cannot open a version sealed to it, or
finds it invalid, refuses it on chain (:func:`refuse_corporate_info`, :func:`check_corporate`):
a refused version is not used, and the institution publishes a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.dates import day_from_int, int_from_date
from bpost_client.exceptions import BPostError, ContractRevert, RowError, ValidationError
from bpost_client.identifiers import bytes20_from_lei, check_giin, check_lei
from bpost_client.platform.confidential import Binding, NotEntitledError, Sealed, open_sealed, seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.projection import Recorded, records_of
from bpost_client.platform.roles import role_institutions
from bpost_client.types import Lei, Role

__all__ = [
    "MAX_DOCUMENTS",
    "MAX_RECIPIENTS",
    "PLAINTEXT_ABI",
    "AmlStatus",
    "CorporateCheck",
    "CorporateConfidential",
    "CorporateInfo",
    "CorporateRecord",
    "CrsStatus",
    "FatcaStatus",
    "InvalidCorporateInfo",
    "OpenedCorporate",
    "RefusalReason",
    "check_corporate",
    "check_plaintext",
    "corporate_binding",
    "corporate_records",
    "corporate_versions",
    "entitled_recipients",
    "fund_counterparties",
    "open_corporate",
    "plaintext_of",
    "problems_of",
    "problems_text",
    "publish_corporate_info",
    "recipients_hash",
    "refusal_reason",
    "refuse_corporate_info",
    "warnings",
]

CONTRACT = "CorporateRegistry"
MAX_BATCH = 64
MAX_RECIPIENTS = 32
"""``CorporateRegistry.MAX_ITEMS``: the most institutions one version is sealed to."""
MAX_DOCUMENTS = 32
"""The most KYC document hashes of one version (the contract's former limit, kept)."""
PLAINTEXT_ABI = (
    "(string,uint8,uint32,uint8,bytes19,uint8,uint32,bytes32[],string,string[])"
)  # fmt: skip
"""The sealed plaintext: the ABI encoding of (registered address, AML/CFT status, next review
date, FATCA status, GIIN, CRS status, LEI renewal date, KYC document hashes, review details, KYC
references); dates yyyymmdd, the GIIN ASCII padded with zero bytes (zero for none). The
encoding is canonical: a recipient re-encodes what it decoded and refuses any other bytes."""


class AmlStatus(IntEnum):
    """AML/CFT review status."""

    NOT_REVIEWED = 1
    UNDER_REVIEW = 2
    CLEARED = 3
    ESCALATED = 4


class FatcaStatus(IntEnum):
    """FATCA classification (the first four are financial institutions that hold a GIIN)."""

    PARTICIPATING_FFI = 1
    REPORTING_MODEL1_FFI = 2
    REPORTING_MODEL2_FFI = 3
    REGISTERED_DEEMED_COMPLIANT = 4
    EXEMPT_BENEFICIAL_OWNER = 5
    ACTIVE_NFFE = 6
    PASSIVE_NFFE = 7


class CrsStatus(IntEnum):
    """OECD Common Reporting Standard status."""

    FINANCIAL_INSTITUTION = 1
    ACTIVE_NFE = 2
    PASSIVE_NFE = 3


class RefusalReason(IntEnum):
    """Why a recipient refused a version (``CorporateInfoRefused.reason``)."""

    UNOPENABLE = 1
    """Its copy of the data key does not open with the recipient's key."""
    TAMPERED = 2
    """It fails its authentication or its commitment (altered, or sealed for another record)."""
    INVALID = 3
    """It opens, but its content breaks a rule (a status out of range, a date that is none)."""


GIIN_HOLDERS = frozenset(FatcaStatus(v) for v in range(1, 5))


class InvalidCorporateInfo(ValidationError):
    """Corporate information that breaks the rules, each problem as (field, reason) in
    ``errors`` (row 0: no file row)."""


@dataclass(frozen=True)
class CorporateInfo:
    """An institution's corporate information (sealed with :class:`CorporateConfidential`)."""

    registered_address: str
    aml_status: AmlStatus
    next_review_date: date
    fatca_status: FatcaStatus
    crs_status: CrsStatus
    lei_renewal_date: date
    giin: str = ""
    kyc_document_hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if not self.registered_address.strip():
            raise ValueError("the registered address is empty")
        if self.giin:
            check_giin(self.giin)
        elif self.fatca_status in GIIN_HOLDERS:
            raise ValueError(f"a {self.fatca_status.name.lower()} holds a GIIN")
        for digest in self.kyc_document_hashes:
            if len(digest) != 32:
                raise ValueError("a KYC document hash is 32 bytes (keccak256 or SHA-256)")

    def to_abi(self) -> tuple[Any, ...]:
        """The first eight fields of :data:`PLAINTEXT_ABI`."""
        return (
            self.registered_address,
            int(self.aml_status),
            int_from_date(self.next_review_date),
            int(self.fatca_status),
            self.giin.encode("ascii").ljust(19, b"\0"),
            int(self.crs_status),
            int_from_date(self.lei_renewal_date),
            list(self.kyc_document_hashes),
        )


@dataclass(frozen=True)
class CorporateConfidential:
    """AML/CFT review details and where the KYC documents are."""

    aml_review_details: str = ""
    kyc_references: tuple[str, ...] = ()


@dataclass(frozen=True)
class CorporateRecord:
    """One published version as every member reads it: no content, only the sealed payload,
    who published it and when, and whether a recipient refused it."""

    lei: Lei
    version: int
    publisher: str
    sealed: Sealed
    block: int
    transaction: str
    refused_by: Lei | None = None
    refusal_reason: RefusalReason | None = None

    @property
    def commitment(self) -> bytes:
        """keccak256(salt || plaintext), the plaintext as :data:`PLAINTEXT_ABI` encodes it."""
        return self.sealed.commitment

    @property
    def recipients(self) -> tuple[Lei, ...]:
        """The institutions it was sealed to, in the payload's order."""
        return self.sealed.entitled

    @property
    def refused(self) -> bool:
        """Whether a recipient refused it (then it is not used)."""
        return self.refused_by is not None


@dataclass(frozen=True)
class OpenedCorporate:
    """A version opened by one of its recipients, its content checked."""

    record: CorporateRecord
    info: CorporateInfo
    confidential: CorporateConfidential


# --- the plaintext and its rules (pure) --------------------------------------------------------


def plaintext_of(info: CorporateInfo, confidential: CorporateConfidential) -> bytes:
    """The canonical plaintext that is sealed (:data:`PLAINTEXT_ABI`)."""
    values = (*info.to_abi(), confidential.aml_review_details, list(confidential.kyc_references))
    return encode([PLAINTEXT_ABI], [values])


def _date_problem(value: int) -> str | None:
    try:
        day_from_int(value)
    except ValueError:
        return f"{value} is not a yyyymmdd date"
    return None


def problems_of(values: Sequence[Any]) -> list[tuple[str, str]]:
    """Every rule the plaintext's values (in :data:`PLAINTEXT_ABI` order) break, as (field,
    reason): the rules the contract checked before the information was sealed."""
    address, aml, review, fatca, giin, crs, renewal, documents = list(values)[:8]
    found: list[tuple[str, str]] = []
    if not str(address).strip():
        found.append(("registered_address", "empty"))
    for name, value, kind in (
        ("aml_status", aml, AmlStatus),
        ("fatca_status", fatca, FatcaStatus),
        ("crs_status", crs, CrsStatus),
    ):
        if int(value) not in {int(m) for m in kind}:
            found.append((name, f"{value} is outside 1 to {max(kind)}"))
    for name, value in (("next_review_date", review), ("lei_renewal_date", renewal)):
        if (problem := _date_problem(int(value))) is not None:
            found.append((name, problem))
    text = bytes(giin).rstrip(b"\0")
    if text:
        try:
            check_giin(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            found.append(("giin", f"{text!r} is not a GIIN (XXXXXX.XXXXX.XX.XXX)"))
    elif int(fatca) in {int(m) for m in GIIN_HOLDERS}:
        found.append(("giin", f"a {FatcaStatus(int(fatca)).name.lower()} holds a GIIN"))
    if len(documents) > MAX_DOCUMENTS:
        found.append(("kyc_document_hashes", f"{len(documents)} hashes, at most {MAX_DOCUMENTS}"))
    return found


def _invalid(problems: Sequence[tuple[str, str]], what: str) -> InvalidCorporateInfo:
    errors = [RowError(0, field, reason) for field, reason in problems]
    return InvalidCorporateInfo(f"{what} breaks the rules of corporate information", errors)


def check_plaintext(raw: bytes) -> tuple[CorporateInfo, CorporateConfidential]:
    """The information an opened plaintext holds, every rule checked.

    Raises:
        InvalidCorporateInfo: not the canonical encoding of :data:`PLAINTEXT_ABI`, or a value
            breaks a rule (each named in ``errors``).
    """
    try:
        [values] = decode([PLAINTEXT_ABI], raw)
    except Exception as exc:  # eth_abi raises several kinds for bytes that are no encoding
        problem = [("plaintext", f"not the corporate encoding: {exc}")]
        raise _invalid(problem, "the plaintext") from exc
    if encode([PLAINTEXT_ABI], [values]) != raw:
        raise _invalid([("plaintext", "not the canonical encoding")], "the plaintext")
    if problems := problems_of(values):
        raise _invalid(problems, "the plaintext")
    address, aml, review, fatca, giin, crs, renewal, documents, details, references = values
    info = CorporateInfo(
        registered_address=str(address),
        aml_status=AmlStatus(aml),
        next_review_date=day_from_int(int(review)),
        fatca_status=FatcaStatus(fatca),
        crs_status=CrsStatus(crs),
        lei_renewal_date=day_from_int(int(renewal)),
        giin=bytes(giin).rstrip(b"\0").decode("ascii"),
        kyc_document_hashes=tuple(bytes(d) for d in documents),
    )
    return info, CorporateConfidential(str(details), tuple(str(r) for r in references))


def recipients_hash(recipients: Iterable[str]) -> bytes:
    """keccak256(abi.encode(bytes20[] recipients)), as the contract stores it."""
    return keccak(encode(["bytes20[]"], [[bytes20_from_lei(r) for r in recipients]]))


# --- who is entitled ---------------------------------------------------------------------------


def fund_counterparties(client: Client, lei: str) -> set[Lei]:
    """The parties of every fund ``lei`` is a party of now (its asset manager, trustee,
    distributors and custodians), ``lei`` left out."""
    from bpost_client.registry.funds import FUND_EVENTS
    from bpost_client.registry.projection import PROJECTORS, fold_fund  # they build on this

    rows: dict[str, list[Any]] = {}
    for entry in records_of(client, "FundRegistry", PROJECTORS, FUND_EVENTS):
        rows.setdefault(entry.record.key, []).append(entry)
    found: set[Lei] = set()
    for code, fund_rows in rows.items():
        fund = fold_fund(code, fund_rows)
        parties = set() if fund is None else {p.lei for p in fund.parties}
        if lei in parties:
            found |= parties
    found.discard(Lei(lei))
    return found


def entitled_recipients(
    client: Client, lei: str, counterparties: Iterable[str] = (), share_with: Iterable[str] = ()
) -> tuple[Lei, ...]:
    """Whom a version of ``lei``'s information is sealed to: the institution first, the parties
    of its funds, ``counterparties`` (the caller's other relationships, such as
    :func:`bpost_client.lending.counterparties.agreement_counterparties`), ``share_with``, then
    every institution holding the observer role.

    Raises:
        ValidationError: more than :data:`MAX_RECIPIENTS` institutions.
    """
    owner = check_lei(lei)
    named = [*sorted(fund_counterparties(client, owner)), *counterparties, *share_with]
    observers = sorted(role_institutions(client, Role.OBSERVER))
    found = tuple(dict.fromkeys([owner, *(check_lei(str(x)) for x in named), *observers]))
    if len(found) > MAX_RECIPIENTS:
        raise ValidationError(
            f"the corporate information of {owner} would be sealed to {len(found)} "
            f"institutions, at most {MAX_RECIPIENTS}"
        )
    return found


# --- publishing --------------------------------------------------------------------------------


def publish_corporate_info(
    client: Client,
    entries: Sequence[tuple[str, CorporateInfo, CorporateConfidential]],
    share_with: Sequence[str] | Sequence[Sequence[str]] = (),
    counterparties: Callable[[Client, Lei], Iterable[str]] | None = None,
) -> list[TxReceipt]:
    """Publish corporate information (the signer's own institution, or any as the operator),
    batched, each entry checked and then sealed to :func:`entitled_recipients`: the
    institution, its funds' parties, ``counterparties(client, lei)`` when given, ``share_with``
    (one list for every entry, or one list per entry) and the observers.

    Raises:
        InvalidCorporateInfo: an entry breaks a rule (nothing is sent).
        ValidationError: too many recipients.
    """
    per_entry = (
        [list(s) for s in share_with] if share_with and not isinstance(share_with[0], str) else None
    )
    for lei, info, _ in entries:
        if problems := problems_of(info.to_abi()):
            raise _invalid(problems, f"the corporate information of {lei}")
    keys: dict[Lei, bytes] = {}
    next_version: dict[Lei, int] = {}  # a batch may publish one institution's twice
    inputs = []
    for n, (lei, info, secret) in enumerate(entries):
        owner = check_lei(lei)
        shared = per_entry[n] if per_entry is not None else list(share_with)
        others = counterparties(client, owner) if counterparties is not None else ()
        recipients = entitled_recipients(client, owner, others, [str(s) for s in shared])
        keys.update(recipient_keys(client, [r for r in recipients if r not in keys]))
        version = next_version.get(owner) or _version_of(client, owner) + 1
        next_version[owner] = version + 1
        binding = corporate_binding(client, owner, version)
        sealed = seal(plaintext_of(info, secret), {r: keys[r] for r in recipients}, binding)
        inputs.append((bytes20_from_lei(owner), sealed.to_abi()))
    publish = client.contract(CONTRACT).functions.publishCorporateInfo
    label = "publish corporate information of {} institution(s)"
    return send_batched(client.sender, publish, inputs, MAX_BATCH, label)


def _version_of(client: Client, lei: str) -> int:
    """The institution's latest published version (0 before its first)."""
    try:
        state = client.read(
            client.contract(CONTRACT).functions.getCorporateInfo(bytes20_from_lei(lei))
        )
    except ContractRevert as exc:
        if exc.error_name != "CorporateRegistryNotPublished":
            raise
        return 0
    return int(state[0])


def corporate_binding(client: Client, lei: str, version: int) -> Binding:
    """What a version's sealed payload belongs to: this deployment's CorporateRegistry, the
    institution and the version."""
    return Binding(
        client.chain_id, client.manifest.address(CONTRACT), bytes20_from_lei(lei), version, "info"
    )


# --- reading -----------------------------------------------------------------------------------


def corporate_versions(rows: Iterable[Recorded]) -> dict[int, CorporateRecord]:
    """Every version of one institution from its ``corporate`` records in chain order, each
    refusal folded onto the version it refused."""
    from bpost_client.registry.projection import corporate_of, refusal_of  # it builds on this

    versions: dict[int, CorporateRecord] = {}
    for row in rows:
        if row.event == "CorporateInfoPublished":
            record = corporate_of(row)
            versions[record.version] = record
        elif row.event == "CorporateInfoRefused":
            version, by, reason = refusal_of(row)
            if (found := versions.get(version)) is not None and found.refused_by is None:
                versions[version] = _refused(found, by, reason)
    return versions


def _refused(record: CorporateRecord, by: Lei, reason: RefusalReason) -> CorporateRecord:
    return CorporateRecord(
        record.lei, record.version, record.publisher, record.sealed, record.block,
        record.transaction, by, reason,
    )  # fmt: skip


def corporate_records(client: Client, lei: str | None = None) -> dict[Lei, CorporateRecord]:
    """The latest published version per institution (or of one), refused or not, from the
    corporate records."""
    from bpost_client.registry.projection import PROJECTORS  # it builds on this module

    where = {"lei": bytes20_from_lei(lei)} if lei else None
    events = ["CorporateInfoPublished", "CorporateInfoRefused"]
    by_lei: dict[str, list[Any]] = {}
    for entry in records_of(client, CONTRACT, PROJECTORS, events, where):
        by_lei.setdefault(entry.record.key, []).append(entry)
    found: dict[Lei, CorporateRecord] = {}
    for rows in by_lei.values():
        versions = corporate_versions(rows)
        if versions:
            latest = versions[max(versions)]
            found[latest.lei] = latest
    return found


def open_corporate(
    client: Client, record: CorporateRecord, lei: str, private_key: bytes
) -> OpenedCorporate:
    """A version's content, for an institution it was sealed to, every rule checked.

    Raises:
        NotEntitledError: ``lei`` is no recipient, or the key does not open its copy.
        BPostError: the payload fails its authentication or commitment.
        InvalidCorporateInfo: it opens, but its content breaks a rule.
    """
    binding = corporate_binding(client, record.lei, record.version)
    info, confidential = check_plaintext(open_sealed(record.sealed, lei, private_key, binding))
    return OpenedCorporate(record, info, confidential)


def refusal_reason(exc: BPostError) -> RefusalReason:
    """The reason a recipient gives for what :func:`open_corporate` raised."""
    if isinstance(exc, InvalidCorporateInfo):
        return RefusalReason.INVALID
    if isinstance(exc, NotEntitledError):
        return RefusalReason.UNOPENABLE
    return RefusalReason.TAMPERED


def refuse_corporate_info(
    client: Client, record: CorporateRecord, reason: RefusalReason
) -> TxReceipt:
    """Refuse a version as one of its recipients (the signer's institution); it must be the
    institution's latest.

    Raises:
        CorporateRegistryNotRecipient: the signer's institution is not a recipient (and the
            contract's other refusals, each a ContractRevert).
    """
    call = client.contract(CONTRACT).functions.refuseCorporateInfo(
        bytes20_from_lei(record.lei),
        record.version,
        [bytes20_from_lei(r) for r in record.recipients],
        int(reason),
    )
    label = f"refuse corporate information of {record.lei} version {record.version}"
    return client.sender.send(call, label)


@dataclass(frozen=True)
class CorporateCheck:
    """What a recipient found in a version: opened (``opened``) or the reason it refuses it,
    with the problem, and whether it sent the refusal."""

    record: CorporateRecord
    opened: OpenedCorporate | None
    reason: RefusalReason | None
    problem: str
    refused: bool


def check_corporate(
    client: Client, lei: str, reader: str, private_key: bytes, *, refuse: bool = True
) -> CorporateCheck:
    """Open the latest version of ``lei``'s information as ``reader`` (one of its recipients)
    and check it; when it cannot be opened or is invalid, refuse it on chain (``refuse``),
    unless a recipient already did.

    Raises:
        ValidationError: ``lei`` published nothing, or ``reader`` is not among the recipients.
    """
    record = corporate_records(client, lei).get(check_lei(lei))
    if record is None:
        raise ValidationError(f"{lei} has published no corporate information")
    if check_lei(reader) not in record.recipients:
        raise ValidationError(
            f"version {record.version} of {lei} is not sealed to {reader}: nothing to check"
        )
    try:
        opened = open_corporate(client, record, reader, private_key)
    except BPostError as exc:
        reason = refusal_reason(exc)
        send = refuse and not record.refused
        if send:
            refuse_corporate_info(client, record, reason)
        return CorporateCheck(record, None, reason, str(exc), send)
    return CorporateCheck(record, opened, None, "", False)


def warnings(opened: OpenedCorporate, today: date) -> list[str]:
    """What a counterparty should look at: a lapsed LEI renewal, an overdue or escalated AML/CFT
    review (from the content it opened)."""
    lei, info = opened.record.lei, opened.info
    found = []
    if info.lei_renewal_date < today:
        found.append(f"{lei}: LEI renewal lapsed on {info.lei_renewal_date}")
    if info.next_review_date < today:
        found.append(f"{lei}: AML/CFT review overdue since {info.next_review_date}")
    if info.aml_status is AmlStatus.ESCALATED:
        found.append(f"{lei}: AML/CFT review escalated")
    return found


def problems_text(errors: Sequence[RowError]) -> str:
    """The problems of an :class:`InvalidCorporateInfo` as one line."""
    return "; ".join(f"{e.column}: {e.reason}" for e in errors)
