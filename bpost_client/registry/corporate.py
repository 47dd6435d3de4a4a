"""Basic corporate information of institutions: AML/CFT review, FATCA, CRS, LEI renewal and
KYC documents. It extends the participant record (LEI and legal name stay there); review details
and KYC document references are sealed to the institution and those it shares them with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bpost_client._utils.batching import send_batched
from bpost_client.client import Client
from bpost_client.dates import date_from_int, int_from_date
from bpost_client.exceptions import ContractRevert
from bpost_client.identifiers import bytes20_from_lei, check_giin, check_lei
from bpost_client.platform.confidential import Binding, Sealed, open_sealed, seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.projection import records_of
from bpost_client.types import Lei

__all__ = [
    "INFO_ABI",
    "AmlStatus",
    "CorporateConfidential",
    "CorporateInfo",
    "CorporateRecord",
    "CrsStatus",
    "FatcaStatus",
    "confidential_binding",
    "corporate_records",
    "publish_corporate_info",
    "read_confidential",
    "warnings",
]

CONTRACT = "CorporateRegistry"
MAX_BATCH = 64
INFO_ABI = "(string,uint8,uint32,uint8,bytes19,uint8,uint32,bytes32[])"


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


GIIN_HOLDERS = frozenset(FatcaStatus(v) for v in range(1, 5))


@dataclass(frozen=True)
class CorporateInfo:
    """The public part of an institution's corporate information."""

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
        """As the contract's ``CorporateInfo`` tuple."""
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

    def hash(self) -> bytes:
        """keccak256(abi.encode(info)), as the contract computes it."""
        return keccak(encode([INFO_ABI], [self.to_abi()]))

    @classmethod
    def from_abi(cls, raw: Sequence[Any] | Mapping[str, Any]) -> CorporateInfo:
        """From a decoded tuple or event dictionary."""
        values = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
        address, aml, review, fatca, giin, crs, renewal, documents = values
        return cls(
            registered_address=str(address),
            aml_status=AmlStatus(aml),
            next_review_date=date_from_int(int(review)) or date.min,
            fatca_status=FatcaStatus(fatca),
            crs_status=CrsStatus(crs),
            lei_renewal_date=date_from_int(int(renewal)) or date.min,
            giin=bytes(giin).rstrip(b"\0").decode("ascii"),
            kyc_document_hashes=tuple(bytes(d) for d in documents),
        )


@dataclass(frozen=True)
class CorporateConfidential:
    """The confidential part: AML/CFT review details and where the KYC documents are."""

    aml_review_details: str = ""
    kyc_references: tuple[str, ...] = ()

    def to_bytes(self) -> bytes:
        payload = {
            "aml_review_details": self.aml_review_details,
            "kyc_references": list(self.kyc_references),
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> CorporateConfidential:
        payload = json.loads(raw.decode("utf-8"))
        return cls(str(payload["aml_review_details"]), tuple(payload["kyc_references"]))


@dataclass(frozen=True)
class CorporateRecord:
    """One published version."""

    lei: Lei
    version: int
    info: CorporateInfo
    confidential: Sealed
    block: int


def publish_corporate_info(
    client: Client,
    entries: Sequence[tuple[str, CorporateInfo, CorporateConfidential]],
    share_with: Sequence[str] | Sequence[Sequence[str]] = (),
) -> list[TxReceipt]:
    """Publish corporate information (the signer's own institution, or any as the operator),
    batched. The confidential part is sealed to the institution and ``share_with``: one list for
    every entry, or one list per entry.
    """
    per_entry = (
        [list(s) for s in share_with] if share_with and not isinstance(share_with[0], str) else None
    )
    keys: dict[Lei, bytes] = {}
    next_version: dict[Lei, int] = {}  # a batch may publish one institution's twice
    inputs = []
    for n, (lei, info, secret) in enumerate(entries):
        shared = per_entry[n] if per_entry is not None else list(share_with)
        recipients = list(dict.fromkeys([check_lei(lei), *(check_lei(str(s)) for s in shared)]))
        keys.update(recipient_keys(client, [r for r in recipients if r not in keys]))
        owner = check_lei(lei)
        version = next_version.get(owner) or _version_of(client, owner) + 1
        next_version[owner] = version + 1
        binding = confidential_binding(client, owner, version)
        sealed = seal(secret.to_bytes(), {r: keys[r] for r in recipients}, binding)
        inputs.append((bytes20_from_lei(lei), info.to_abi(), sealed.to_abi()))
    publish = client.contract(CONTRACT).functions.publishCorporateInfo
    label = "publish corporate information of {} institution(s)"
    return send_batched(client.sender, publish, inputs, MAX_BATCH, label)


def corporate_records(client: Client, lei: str | None = None) -> dict[Lei, CorporateRecord]:
    """The latest published version per institution (or of one), from the corporate records."""
    from bpost_client.registry.projection import PROJECTORS, corporate_of  # it builds on this

    where = {"lei": bytes20_from_lei(lei)} if lei else None
    entries = records_of(client, CONTRACT, PROJECTORS, ["CorporateInfoPublished"], where)
    return {record.lei: record for record in map(corporate_of, entries)}


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


def confidential_binding(client: Client, lei: str, version: int) -> Binding:
    """What a version's sealed part belongs to: this deployment's CorporateRegistry, the
    institution and the version."""
    return Binding(
        client.chain_id, client.manifest.address(CONTRACT), bytes20_from_lei(lei), version,
        "confidential",
    )  # fmt: skip


def read_confidential(
    client: Client, record: CorporateRecord, lei: str, private_key: bytes
) -> CorporateConfidential:
    """The confidential part, for an institution it was sealed to (bound to this version).

    Raises:
        NotEntitledError: ``lei`` is not entitled, or the key is not its key.
        BPostError: sealed for another institution or version, or tampered with.
    """
    binding = confidential_binding(client, record.lei, record.version)
    return CorporateConfidential.from_bytes(
        open_sealed(record.confidential, lei, private_key, binding)
    )


def warnings(record: CorporateRecord, today: date) -> list[str]:
    """What a counterparty should look at: a lapsed LEI renewal, an overdue AML/CFT review."""
    found = []
    if record.info.lei_renewal_date < today:
        found.append(f"{record.lei}: LEI renewal lapsed on {record.info.lei_renewal_date}")
    if record.info.next_review_date < today:
        found.append(f"{record.lei}: AML/CFT review overdue since {record.info.next_review_date}")
    if record.info.aml_status is AmlStatus.ESCALATED:
        found.append(f"{record.lei}: AML/CFT review escalated")
    return found
