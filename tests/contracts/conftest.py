"""Fixtures of the contract tests: Ape's in-process chain, the contracts, the actors."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils.crypto import keccak
from web3.utils.address import get_create_address

from tests.contracts.custody import admit
from tests.helpers import make_lei

LEIS = {
    "operator": "3538000BPOSTOPER0110",
    "asset_manager": "3538000SAKURAAM00151",
    "trustee": "3538000FUJITRUST0138",
}
KEY = bytes.fromhex("02" + "11" * 32)
OTHER_KEY = bytes.fromhex("03" + "22" * 32)


def role_id(name: str) -> bytes:
    """The on-chain identifier of a role name."""
    return keccak(text=name)


@pytest.fixture(scope="session")
def admin(accounts: Any) -> Any:
    return accounts[0]


@pytest.fixture(scope="session")
def operator(accounts: Any) -> Any:
    return accounts[1]


@pytest.fixture(scope="session")
def asset_manager(accounts: Any) -> Any:
    return accounts[2]


@pytest.fixture(scope="session")
def trustee(accounts: Any) -> Any:
    return accounts[3]


@pytest.fixture(scope="session")
def registrar(accounts: Any) -> Any:
    return accounts[4]


@pytest.fixture(scope="session")
def outsider(accounts: Any) -> Any:
    return accounts[9]


@pytest.fixture(scope="session")
def access(project: Any, admin: Any, operator: Any, registrar: Any) -> Any:
    """PlatformAccess with ``admin`` as the default admin (the timelock on a real deployment:
    tests of governance deploy their own) and ``operator`` holding OPERATOR_ROLE."""
    contract = project.PlatformAccess.deploy(0, admin, [operator], [], sender=admin)
    contract.grantRole(role_id("CODE_REGISTRAR_ROLE"), registrar, sender=operator)
    return contract


GOVERNANCE_DELAY = 60  # seconds a proposal of the tests' consortium waits


@pytest.fixture(scope="session")
def members(accounts: Any) -> tuple[Any, Any, Any]:
    """The founding members of the tests' consortium, guardians too (2 of 3 for either):
    accounts 2 (the asset manager's key, so a suspension of its institution is seen), 3, 4."""
    return accounts[2], accounts[3], accounts[4]


@pytest.fixture(scope="session")
def governance(
    project: Any, access: Any, registry: Any, admin: Any, members: tuple[Any, Any, Any]
) -> tuple[Any, Any]:
    """The timelock and the members' approvals, as a deployment wires them: the timelock holds
    OPERATOR_ROLE, the approvals GUARDIAN_ROLE (the tests' ``operator`` keeps its role too)."""
    approvals_at = get_create_address(admin.address, admin.nonce + 1)
    timelock = project.PlatformTimelock.deploy(
        GOVERNANCE_DELAY, [approvals_at], [approvals_at], sender=admin
    )
    approvals = project.ConsortiumApprovals.deploy(
        timelock, access, registry, list(members), list(members), 2, 2, sender=admin
    )
    assert approvals.address == approvals_at
    access.grantRole(role_id("OPERATOR_ROLE"), timelock, sender=admin)
    access.grantRole(role_id("GUARDIAN_ROLE"), approvals, sender=admin)
    return timelock, approvals


@pytest.fixture(scope="session")
def registry(project: Any, access: Any, admin: Any, operator: Any) -> Any:
    contract = project.ParticipantRegistry.deploy(access, sender=admin)
    access.setParticipantRegistry(contract, sender=operator)  # roles follow institutions' status
    return contract


def b32(text: str) -> bytes:
    """A namespace or code as the contracts take it: ASCII, zero-padded to 32 bytes."""
    return text.encode().ljust(32, b"\0")


FUND_KIND, SECURITY_KIND = 2, 3  # ICodeRegistry.RecordKind


def types_mask(*kinds: int) -> int:
    """The institution types a linker links for, one bit each (bit t: InstitutionType t)."""
    return sum(1 << kind for kind in kinds)


@pytest.fixture(scope="session")
def mandates(project: Any, access: Any, registry: Any, admin: Any) -> Any:
    """Mandates: an institution acting for another (a lending agent for a lender, a delegate
    publishing for an asset manager) only under the other's mandate."""
    return project.Mandates.deploy(access, registry, sender=admin)


@pytest.fixture(scope="session")
def codes(project: Any, access: Any, registry: Any, admin: Any, operator: Any) -> Any:
    """The code registry with ISIN open (its linkers, the fund and security registries, are
    named by their fixtures)."""
    contract = project.CodeRegistry.deploy(access, registry, sender=admin)
    contract.registerNamespace(b32("ISIN"), False, "ISO 6166", [], sender=operator)
    return contract


@pytest.fixture(scope="session")
def registered(registry: Any, operator: Any, asset_manager: Any) -> bytes:
    """The asset manager's institution, registered with one operator address."""
    lei = LEIS["asset_manager"].encode()
    admit(registry, operator, lei, 2, "Sakura Asset Management", KEY, asset_manager)
    return lei


ASSET_MANAGER_KIND = 2  # IParticipantRegistry.InstitutionType

FUND_ACTORS = {  # name: (account index, institution type, LEI number for tests.helpers.make_lei)
    "fund_manager": (10, 2, 101),
    "fund_trustee": (11, 3, 102),
    "fund_distributor": (12, 5, 103),
    "fund_custodian": (13, 6, 104),
    "rival_manager": (14, 2, 105),
    "other_trustee": (15, 3, 106),
}


@pytest.fixture(scope="session")
def fund_actors(accounts: Any) -> dict[str, Any]:
    """The institutions of the fund tests, by name: account and LEI (bytes)."""
    return {name: (accounts[i], make_lei(n).encode()) for name, (i, _, n) in FUND_ACTORS.items()}


@pytest.fixture(scope="session")
def funds(
    project: Any,
    access: Any,
    registry: Any,
    codes: Any,
    admin: Any,
    operator: Any,
    fund_actors: dict[str, Any],
) -> Any:
    """The fund registry, wired, with two asset managers, two trust banks, a distributor and a
    custodian registered."""
    contract = project.FundRegistry.deploy(access, registry, codes, sender=admin)
    access.grantRole(role_id("CODE_REGISTRAR_ROLE"), contract, sender=operator)
    managers = [(contract, FUND_KIND, types_mask(ASSET_MANAGER_KIND))]
    codes.registerNamespace(b32("BPFC"), True, "platform fund code", managers, sender=operator)
    codes.registerNamespace(b32("ITA"), False, "ITA fund code", managers, sender=operator)
    codes.registerNamespace(
        b32("AM"), False, "asset managers' own codes", managers, sender=operator
    )
    codes.setLinker(b32("ISIN"), contract, *managers[0][1:], sender=operator)
    for name, (account, lei) in fund_actors.items():
        kind = FUND_ACTORS[name][1]
        admit(registry, operator, lei, kind, name, KEY, account)
        if kind == 2:
            access.grantRole(role_id("ASSET_MANAGER_ROLE"), account, sender=operator)
    return contract


@pytest.fixture(scope="session")
def ssis(project: Any, access: Any, registry: Any, codes: Any, admin: Any, funds: Any) -> Any:
    """The SSI registry (after the fund registry, whose institutions it uses)."""
    return project.SsiRegistry.deploy(access, registry, codes, sender=admin)


@pytest.fixture(scope="session")
def corporate(project: Any, access: Any, registry: Any, admin: Any, funds: Any) -> Any:
    """The corporate information registry."""
    return project.CorporateRegistry.deploy(access, registry, sender=admin)


@pytest.fixture(scope="session")
def rewraps(project: Any, access: Any, registry: Any, admin: Any) -> Any:
    """Data keys re-wrapped to an institution's rotated key (events only)."""
    return project.KeyRewraps.deploy(access, registry, sender=admin)


@pytest.fixture(scope="session")
def validators(project: Any, access: Any, registry: Any, admin: Any) -> Any:
    """The platform's record of the chain's validators (written by OPERATOR_ROLE: the timelock)."""
    return project.ConsensusValidators.deploy(access, registry, sender=admin)


@pytest.fixture(scope="session")
def calendar(project: Any, access: Any, admin: Any) -> Any:
    """The market calendar."""
    return project.MarketCalendar.deploy(access, sender=admin)


DATA_PROVIDERS = {  # name: (account index, LEI number for tests.helpers.make_lei)
    "provider": (6, 201),
    "rival_provider": (7, 202),
}
DATA_PROVIDER_KIND = 8


@pytest.fixture(scope="session")
def data_providers(accounts: Any) -> dict[str, tuple[Any, bytes]]:
    """The data providers of the reference-data tests, by name: account and LEI (bytes)."""
    return {name: (accounts[i], make_lei(n).encode()) for name, (i, n) in DATA_PROVIDERS.items()}


@pytest.fixture(scope="session")
def securities(
    project: Any,
    access: Any,
    registry: Any,
    codes: Any,
    admin: Any,
    operator: Any,
    data_providers: dict[str, tuple[Any, bytes]],
) -> Any:
    """The security master; accounts[6] (``provider``) and accounts[7] (``rival_provider``)
    are data providers of two institutions."""
    contract = project.SecurityRegistry.deploy(access, registry, codes, sender=admin)
    access.grantRole(role_id("CODE_REGISTRAR_ROLE"), contract, sender=operator)
    providers = (SECURITY_KIND, types_mask(DATA_PROVIDER_KIND))
    codes.registerNamespace(
        b32("LOCAL"), False, "local codes per market", [(contract, *providers)], sender=operator
    )
    codes.setLinker(b32("ISIN"), contract, *providers, sender=operator)
    for name, (account, lei) in data_providers.items():
        admit(registry, operator, lei, DATA_PROVIDER_KIND, name, KEY, account)
        access.grantRole(role_id("DATA_PROVIDER_ROLE"), account, sender=operator)
    return contract


@pytest.fixture(scope="session")
def prices(project: Any, access: Any, registry: Any, securities: Any, admin: Any) -> Any:
    """The price feed, keyed by the security master's indexes."""
    return project.PriceFeed.deploy(access, registry, securities, sender=admin)


@pytest.fixture(scope="session")
def dividends(
    project: Any, access: Any, registry: Any, securities: Any, calendar: Any, admin: Any
) -> Any:
    """The dividend registry, checking Tokyo ex-dates against the market calendar."""
    return project.DividendRegistry.deploy(access, registry, securities, calendar, sender=admin)


@pytest.fixture(scope="session")
def distribution(
    project: Any,
    access: Any,
    registry: Any,
    funds: Any,
    calendar: Any,
    mandates: Any,
    admin: Any,
    operator: Any,
) -> Any:
    """The distribution registry, named the fund registry's listener (its delegates publish under
    the asset managers' mandates)."""
    contract = project.DistributionRegistry.deploy(
        access, registry, funds, calendar, mandates, sender=admin
    )
    funds.setFundListener(contract, sender=operator)
    return contract


@pytest.fixture(scope="session")
def notices(
    project: Any, access: Any, registry: Any, distribution: Any, calendar: Any, admin: Any
) -> Any:
    """Distributions, non-application days and management reports."""
    return project.FundNotices.deploy(access, registry, distribution, calendar, sender=admin)


@pytest.fixture(scope="session")
def subscriptions(project: Any, access: Any, registry: Any, funds: Any, admin: Any) -> Any:
    """Distributors' subscriptions and receipts."""
    return project.Subscriptions.deploy(access, registry, funds, sender=admin)


@pytest.fixture(scope="session")
def agreements(project: Any, access: Any, registry: Any, mandates: Any, admin: Any) -> Any:
    """Lending agreements with sealed, versioned terms and movements (agents acting under the
    lenders' consent or mandates)."""
    return project.LendingAgreements.deploy(access, registry, mandates, sender=admin)


@pytest.fixture(scope="session")
def calculator(
    project: Any, agreements: Any, securities: Any, prices: Any, dividends: Any, admin: Any
) -> Any:
    """The lending calculator (pure, and checked against the agreements' commitments and the
    shared closes and dividends)."""
    return project.LendingCalculator.deploy(agreements, securities, prices, dividends, sender=admin)


@pytest.fixture(scope="session")
def pairs(project: Any, access: Any, registry: Any, mandates: Any, admin: Any) -> Any:
    """Lending counterparty pairs' settings (an agent under the lender's mandate; the tolerance
    and pair secret sealed)."""
    return project.LendingPairs.deploy(access, registry, mandates, sender=admin)


@pytest.fixture(scope="session")
def statements(
    project: Any,
    access: Any,
    registry: Any,
    agreements: Any,
    pairs: Any,
    calendar: Any,
    mandates: Any,
    admin: Any,
) -> Any:
    """Lending billing statements: matching by commitments and verdicts, breaks, resolutions,
    settlement (the pairs' settings; overdue dates on the market calendar, which the tests
    publish; a pair's agent under the lender's mandate)."""
    return project.LendingStatements.deploy(
        access, registry, agreements, pairs, calendar, mandates, sender=admin
    )


@pytest.fixture
def nav_world(
    distribution: Any, funds: Any, calendar: Any, operator: Any, fund_actors: dict[str, Any]
) -> dict[str, Any]:
    """Two active funds of Sakura with profiles (Tokyo NAV days, New York holidays, closing on
    15 November) and a draft one; the 2026 Tokyo and New York calendars published."""
    from bpost_client.reference.calendars import sessions_from_exchange_calendars, year_map
    from tests.contracts.test_distribution_registry import NOVEMBER, serial_of
    from tests.contracts.test_fund_registry import establish, register, registration

    for market in ("XTKS", "XNYS"):
        m = year_map(market, 2026, sessions_from_exchange_calendars(market, [2026]))
        calendar.publishYears([market.encode()], [2026], [m.low], [m.high], sender=operator)
    manager = fund_actors["fund_manager"][0]
    codes = register(
        funds,
        fund_actors,
        registration(fund_actors, "D-1"),
        registration(fund_actors, "D-2", redeemed=20261124),
        registration(fund_actors, "D-3"),
    )
    for code in codes[:2]:
        establish(funds, fund_actors, code, redeemed=20261124 if code == codes[1] else 0)
        funds.setStatus(code, 3, sender=manager)  # active
    distribution.setProfiles(codes, ([], [b"XNYS"], NOVEMBER, 15, 0), sender=manager)
    return {"codes": codes, "serials": [serial_of(c) for c in codes], "manager": manager}
