"""Every state-changing function of every contract, called by a suspended institution that holds
every role and by an outsider: each must refuse them with an authorization or status error
before it looks at anything else.

The functions come from the ABIs the client ships (``bpost_client.contracts``), so a function
added to a contract and left out of ``MATRIX`` fails :func:`test_matrix__covers_every_function`.
The arguments are placeholders built from each function's ABI: the check of the caller comes
first, so what they hold does not matter. Calls are ``eth_call`` from the callers' addresses
(no key is needed to call), on one prepared state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_account import Account
from eth_utils.crypto import keccak

from bpost_client.contracts import DEPLOYED_CONTRACTS, error_specs, load_abi
from tests.contracts.conftest import KEY, role_id
from tests.contracts.custody import admit
from tests.helpers import make_lei

SUSPENDED_KEY = Account.from_key(keccak(text="status matrix: suspended"))
SUSPENDED = SUSPENDED_KEY.address  # an operator of a suspended institution, holding every role
OUTSIDER = "0x000000000000000000000000000000000000dead"  # no institution, no role
ROLES = (
    "OPERATOR_ROLE",
    "CODE_REGISTRAR_ROLE",
    "ASSET_MANAGER_ROLE",
    "TRUSTEE_ROLE",
    "DISTRIBUTOR_ROLE",
    "SECURITIES_COMPANY_ROLE",
    "CUSTODIAN_ROLE",
    "LENDING_AGENT_ROLE",
    "DATA_PROVIDER_ROLE",
    "OBSERVER_ROLE",
    "GUARDIAN_ROLE",
)
POWERS = ("OPERATOR_ROLE", "GUARDIAN_ROLE")  # granted by the default admin, the rest by an operator

FIXTURES = {
    "PlatformAccess": "access",
    "ParticipantRegistry": "registry",
    "Mandates": "mandates",
    "CodeRegistry": "codes",
    "FundRegistry": "funds",
    "SsiRegistry": "ssis",
    "CorporateRegistry": "corporate",
    "MarketCalendar": "calendar",
    "SecurityRegistry": "securities",
    "PriceFeed": "prices",
    "DividendRegistry": "dividends",
    "DistributionRegistry": "distribution",
    "FundNotices": "notices",
    "Subscriptions": "subscriptions",
    "LendingAgreements": "agreements",
    "LendingCalculator": "calculator",
    "LendingPairs": "pairs",
    "LendingStatements": "statements",
    "KeyRewraps": "rewraps",
    "ConsensusValidators": "validators",
    "PlatformTimelock": "timelock",
    "ConsortiumApprovals": "approvals",
}


@dataclass(frozen=True)
class Refused:
    """The errors a function refuses each caller with (the suspended one's first)."""

    suspended: str
    outsider: str


ROLE = Refused("PlatformAccessUnauthorized", "PlatformAccessUnauthorized")
ADMIN = Refused("AccessControlUnauthorizedAccount", "AccessControlUnauthorizedAccount")


def _institution(error: str) -> Refused:
    """A function that acts for the caller's institution: refused as no active institution."""
    return Refused(error, error)


REFUSALS: dict[str, dict[str, Refused]] = {
    "PlatformAccess": {
        "beginDefaultAdminTransfer": ADMIN,
        "cancelDefaultAdminTransfer": ADMIN,
        "changeDefaultAdminDelay": ADMIN,
        "rollbackDefaultAdminDelay": ADMIN,
        "grantRole": ADMIN,
        "revokeRole": ADMIN,
        "setParticipantRegistry": ROLE,
        "acceptDefaultAdminTransfer": Refused(
            "AccessControlInvalidDefaultAdmin", "AccessControlInvalidDefaultAdmin"
        ),
        "pause": ROLE,
        "unpause": ROLE,
    },
    "ParticipantRegistry": {
        "registerInstitution": ROLE,
        "renameInstitution": ROLE,
        "addOperator": _institution("ParticipantRegistryNotAllowed"),
        "removeOperator": _institution("ParticipantRegistryNotAllowed"),
        "suspendInstitution": _institution("ParticipantRegistryNotOperatorOrGuardian"),
        "reinstateInstitution": ROLE,
        "recoverInstitution": ROLE,
        "setEncryptionKey": _institution("ParticipantRegistryNotAllowed"),  # its signer's
    },
    "PlatformTimelock": {
        "schedule": ADMIN,
        "scheduleBatch": ADMIN,
        "cancel": ADMIN,
        "execute": ADMIN,
        "executeBatch": ADMIN,
        "grantRole": ADMIN,
        "revokeRole": ADMIN,
        "updateDelay": _institution("TimelockUnauthorizedCaller"),
    },
    "ConsortiumApprovals": {
        "propose": _institution("ConsortiumApprovalsNotMember"),
        "approve": _institution("ConsortiumApprovalsNotMember"),
        "approveBySignature": _institution("ConsortiumApprovalsInvalidSignature"),
        "execute": _institution("ConsortiumApprovalsUnknownProposal"),  # anyone, once scheduled
        "proposeEmergency": _institution("ConsortiumApprovalsNotGuardian"),
        "approveEmergency": _institution("ConsortiumApprovalsNotGuardian"),
        "setThresholds": _institution("ConsortiumApprovalsNotTimelock"),
        "grantRole": ADMIN,
        "revokeRole": ADMIN,
    },
    "Mandates": {
        "grant": _institution("MandatesNotInstitution"),
        "revoke": _institution("MandatesNotInstitution"),
    },
    "CodeRegistry": {
        "registerNamespace": ROLE,
        "setLinker": ROLE,
        "openSubNamespace": ROLE,
        "link": ROLE,
        "linkAll": ROLE,
        "unlink": ROLE,
    },
    "FundRegistry": {
        "registerFunds": ROLE,
        "linkCodes": ROLE,
        "propose": ROLE,
        "acknowledge": _institution("FundRegistryNotInstitution"),
        "reject": _institution("FundRegistryNotInstitution"),
        "withdraw": ROLE,
        "setStatus": ROLE,
        "completeRedemption": ROLE,
        "waiveAcknowledgment": ROLE,
        "closeRequest": ROLE,
        "setFundListener": ROLE,
    },
    "SsiRegistry": {"publishSsis": _institution("SsiRegistryNotAnOperator")},
    "CorporateRegistry": {
        "publishCorporateInfo": _institution("CorporateRegistryNotAllowed"),
        "refuseCorporateInfo": _institution("CorporateRegistryNotInstitution"),
    },
    "MarketCalendar": {"publishYears": ROLE},
    "SecurityRegistry": {"registerSecurities": ROLE},
    "PriceFeed": {"publishCloses": ROLE, "correctCloses": ROLE},
    "DividendRegistry": {"recordDividends": ROLE},
    "DistributionRegistry": {
        name: _institution("DistributionNotInstitution")
        for name in (
            "setProfiles",
            "publishNavs",
            "correctNavs",
            "confirmNavs",
            "syncFund",
        )
    }
    | {"onFundChanged": _institution("DistributionOnlyFundRegistry")},
    "FundNotices": {
        name: _institution("FundNoticesNotInstitution")
        for name in (
            "publishDistributions",
            "correctDistribution",
            "publishNonApplicationDays",
            "correctNonApplicationDay",
            "publishReports",
            "correctReport",
        )
    },
    "Subscriptions": {
        name: _institution("SubscriptionsNotInstitution")
        for name in ("subscribe", "unsubscribe", "acknowledgeReceipt")
    },
    "LendingAgreements": {
        name: _institution("LendingAgreementsNotInstitution")
        for name in (
            "propose",
            "amend",
            "acknowledge",
            "consent",
            "recordMovements",
            "confirmMovements",
            "refusePayload",
        )
    },
    "LendingCalculator": {},
    "LendingPairs": {
        name: _institution("LendingPairsNotInstitution")
        for name in ("proposePairSettings", "acceptPairSettings", "refusePairSettings")
    },
    "LendingStatements": {
        name: _institution("LendingStatementsNotInstitution")
        for name in (
            "commitStatement",
            "confirm",
            "submitFigures",
            "recordVerdicts",
            "refuseStatement",
            "refusePayload",
            "comment",
            "proposeResolution",
            "approveResolution",
            "flagOverdue",
            "confirmSettlement",
            "withdrawStatement",
            "approveVoid",
        )
    },
    "KeyRewraps": {"rewrap": _institution("KeyRewrapsNotInstitution")},
    "ConsensusValidators": {"addValidator": ROLE, "removeValidator": ROLE},
}

_RECEIVER = "accepts a token sent to the timelock (OpenZeppelin's holder hooks): changes nothing"
EXEMPT: dict[str, dict[str, str]] = {
    "PlatformAccess": {
        "renounceRole": "acts on the caller's own roles only (OpenZeppelin's confirmation)",
    },
    "PlatformTimelock": {
        "renounceRole": "acts on the caller's own roles only (OpenZeppelin's confirmation)",
        "onERC721Received": _RECEIVER,
        "onERC1155Received": _RECEIVER,
        "onERC1155BatchReceived": _RECEIVER,
    },
    "ConsortiumApprovals": {
        "renounceRole": "acts on the caller's own roles only (OpenZeppelin's confirmation)",
    },
}


def _canonical(item: Mapping[str, Any]) -> str:
    """An ABI parameter's canonical type, tuples spelt out."""
    kind = str(item["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_canonical(c) for c in item["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def _placeholder(item: Mapping[str, Any]) -> Any:
    """A value of an ABI parameter's type: one element in each list, ones everywhere."""
    kind = str(item["type"])
    if kind.endswith("]"):
        element = dict(item) | {"type": kind[: kind.rindex("[")]}
        size = kind[kind.rindex("[") + 1 : -1]
        return [_placeholder(element)] * (int(size) if size else 1)
    if kind == "tuple":
        return tuple(_placeholder(c) for c in item["components"])
    if kind.startswith(("uint", "int")):
        return 1
    if kind == "bool":
        return False
    if kind == "address":
        return OUTSIDER
    if kind == "string":
        return "x"
    if kind == "bytes":
        return b"\x01"
    if kind.startswith("bytes"):
        return b"\x01" * int(kind[len("bytes") :])
    raise AssertionError(f"no placeholder for {kind}")


@dataclass(frozen=True)
class Function:
    contract: str
    name: str
    signature: str
    calldata: bytes

    @property
    def key(self) -> str:
        return f"{self.contract}.{self.name}"


def _functions() -> Iterator[Function]:
    for contract in DEPLOYED_CONTRACTS:
        for item in load_abi(contract):
            mutability = item.get("stateMutability")
            if item.get("type") != "function" or mutability in ("view", "pure"):
                continue
            types = [_canonical(i) for i in item["inputs"]]
            signature = f"{item['name']}({','.join(types)})"
            args = [_placeholder(i) for i in item["inputs"]]
            calldata = keccak(text=signature)[:4] + encode(types, args)
            yield Function(contract, item["name"], signature, calldata)


FUNCTIONS = list(_functions())
CHECKED = [f for f in FUNCTIONS if f.name not in EXEMPT.get(f.contract, {})]


def test_matrix__covers_every_function() -> None:
    """Each state-changing function of the ABIs is in the matrix or exempt with a reason, and
    the matrix names no function the ABIs lack."""
    found = {(f.contract, f.name) for f in FUNCTIONS}
    listed = {(c, n) for c, names in REFUSALS.items() for n in names}
    exempt = {(c, n) for c, names in EXEMPT.items() for n in names}
    assert sorted(found - listed - exempt) == [], "functions missing from the matrix"
    assert sorted((listed | exempt) - found) == [], "matrix entries of no function"
    assert set(REFUSALS) == set(DEPLOYED_CONTRACTS)


@pytest.fixture(scope="module")
def addresses(
    access: Any,
    registry: Any,
    mandates: Any,
    codes: Any,
    funds: Any,
    ssis: Any,
    corporate: Any,
    calendar: Any,
    securities: Any,
    prices: Any,
    dividends: Any,
    distribution: Any,
    notices: Any,
    subscriptions: Any,
    agreements: Any,
    calculator: Any,
    pairs: Any,
    statements: Any,
    rewraps: Any,
    validators: Any,
    governance: tuple[Any, Any],
    admin: Any,
    operator: Any,
) -> dict[str, str]:
    """Every contract deployed (named as parameters, so that Ape's isolation keeps them for the
    other modules); an institution whose operator holds every role, suspended."""
    timelock, approvals = governance
    deployed = locals()
    found = {name: str(deployed[f].address) for name, f in FIXTURES.items()}
    lei = make_lei(777).encode()
    admit(registry, operator, lei, 2, "Suspended & Co", KEY, SUSPENDED_KEY)
    for role in ROLES:
        access.grantRole(role_id(role), SUSPENDED, sender=admin if role in POWERS else operator)

    registry.suspendInstitution(lei, "matrix", sender=operator)
    return found


def _refusal(chain: Any, to: str, sender: str, calldata: bytes) -> str:
    """The name of the custom error an ``eth_call`` reverts with ('succeeded' if it does not)."""
    answer = chain.provider.web3.provider.make_request(
        "eth_call", [{"from": sender, "to": to, "data": "0x" + calldata.hex()}, "latest"]
    )
    if "error" not in answer:
        return "succeeded"
    data = answer["error"].get("data") or "0x"
    raw = bytes.fromhex(str(data).removeprefix("0x"))
    spec = error_specs().get(raw[:4])
    return spec.name if spec else f"unknown revert {raw.hex() or answer['error']}"


@pytest.mark.parametrize("function", CHECKED, ids=[f.key for f in CHECKED])
def test_matrix__suspended_and_outsider__refused_first(
    chain: Any, addresses: dict[str, str], function: Function
) -> None:
    expected = REFUSALS[function.contract][function.name]
    to = addresses[function.contract]
    got = (
        _refusal(chain, to, SUSPENDED, function.calldata),
        _refusal(chain, to, OUTSIDER, function.calldata),
    )
    assert got == (expected.suspended, expected.outsider), f"{function.signature}: {got}"
