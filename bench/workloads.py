"""Setup and records the benchmarks share, on any chain (anvil or the geth network).

The demo roster and the 2026 Tokyo calendar; funds set up for NAVs (registered, established,
acknowledged, active, with a profile) and a NAV day of them; a data provider's securities and
their closes; a fund table as an asset manager uploads it; the lending pair of Fuji Trust and
Minato Securities with Nihonbashi as agent and a month of its statements. bench_navs,
bench_prices, bench_funds and bench_statements measure them on anvil; bench_network on anvil
and on a 4-validator network side by side.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import coincurve
import pandas as pd
from fresh_chain import ROOT

from bpost_client import dates
from bpost_client.client import Client
from bpost_client.distribution import navs
from bpost_client.identifiers import (
    bytes32_from_ascii,
    check_lei,
    isin_is_valid,
    isin_with_check_digit,
)
from bpost_client.lending import pairs
from bpost_client.lending import statements as st
from bpost_client.lending.matching import MatchUnit
from bpost_client.platform import roster, signers
from bpost_client.platform.mandates import grant_mandate
from bpost_client.platform.participants import (
    InstitutionSpec,
    admission_of,
    list_institutions,
    register_institution,
)
from bpost_client.reference import calendars, prices
from bpost_client.reference.securities import Security, list_securities, register_securities
from bpost_client.registry import funds
from bpost_client.registry.fund_table import FUND_COLUMNS
from bpost_client.types import (
    Address,
    FundStatus,
    FundType,
    InstitutionType,
    MandateScope,
    RequestKind,
    Role,
)

DEMO_ROSTER = ROOT / "config" / "demo-participants.yaml"
TRUSTEE = "3538000FUJITRUST0138"
KANDA, MINATO = "3538000KANDABANK0193", "3538000MINATOSEC0159"
AGENT = "3538000NIHONLEND0172"
LENDING_PARTIES = [TRUSTEE, MINATO, AGENT]
PROVIDER_LEI = "3538000KABUTODATA165"
ESTABLISHED, DUE = date(2026, 4, 1), date(2026, 3, 25)
PROFILE = navs.Profile(closing_months=(6, 12), closing_day=20)
DAILY_MOVE = 0.02
"""Largest daily NAV move drawn, well inside the 10 % default threshold."""
MONTH = (date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 9))
"""A lending month: start, end and settlement date."""


def log(message: str) -> None:
    """A progress line on stderr (the figures go to stdout)."""
    print(message, file=sys.stderr, flush=True)


def is_anvil(client: Client) -> bool:
    """Whether the client's node is anvil (automine; ``evm_`` methods) rather than geth."""
    return str(client.w3.client_version).lower().startswith("anvil")


def apply_demo_roster(operator: Client) -> None:
    """Admit the demo institutions (dev accounts 1-8 as their operators)."""
    demo = roster.read_roster(DEMO_ROSTER)
    roster.apply_plan(
        operator, roster.plan_roster(operator, demo, signers.dev_accounts(operator.chain_id))
    )


def publish_tokyo_2026(operator: Client) -> None:
    """Publish the XTKS calendar of 2026 (NAV days, settlement dates)."""
    tokyo = calendars.sessions_from_exchange_calendars("XTKS", [2026])
    calendars.publish_years(operator, [calendars.year_map("XTKS", 2026, tokyo)])


def _rpc(client: Client, method: str, *params: Any) -> None:
    answer = client.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")


def with_gas(client: Client, calls: Sequence[tuple[Any, str]], factor: float = 1.0) -> list[Any]:
    """Transactions of calls of one kind, each with the gas limit of the first call's estimate
    (with the sender's margin) times ``factor``: one estimate instead of one per transaction."""
    first = calls[0][0]
    gas = client.sender.estimate({"to": first.address, "data": first._encode_transaction_data()})
    return [
        ({"to": call.address, "data": call._encode_transaction_data(), "gas": int(gas * factor)},
         label)
        for call, label in calls
    ]  # fmt: skip


def send_at_once(client: Client, params: Sequence[tuple[Any, str]]) -> list[Any]:
    """Send every transaction without waiting for any receipt first (the in-flight window is
    the whole list), then wait for them all."""
    in_flight = client.sender.max_in_flight
    client.sender.max_in_flight = max(len(params), 1)
    try:
        return client.sender.send_all(params)
    finally:
        client.sender.max_in_flight = in_flight


def pipelined(client: Client, calls: Sequence[tuple[Any, str]]) -> list[Any]:
    """Per-fund calls of one kind, all in flight at once, with one gas estimate (:func:`with_gas`).

    anvil's automine makes a block per transaction, and its time per block grows with the state
    (~4 ms on a fresh chain, ~36 ms with 6,000 funds registered, 100-150 ms once set up),
    so on anvil these are mined once a second instead, as many a block as its gas limit takes;
    automine is back on when they are all in. A Clique network seals every period anyway.
    """
    params = with_gas(client, calls)
    if not is_anvil(client):
        return send_at_once(client, params)
    _rpc(client, "evm_setAutomine", False)
    _rpc(client, "evm_setIntervalMining", 1)
    try:
        return send_at_once(client, params)
    finally:
        _rpc(client, "evm_setIntervalMining", 0)
        _rpc(client, "evm_setAutomine", True)


# --- NAVs (use case 2) ------------------------------------------------------------------------


def fund_attributes(i: int) -> funds.FundAttributes:
    """The attributes of the NAV benchmarks' fund ``i`` (Fuji Trust its trustee)."""
    return funds.FundAttributes(
        name_ja=f"ベンチ投信{i}",
        name_en=f"Bench Fund {i}",
        trustee=TRUSTEE,
        fund_type=FundType.EQUITY,
        currency="JPY",
        establishment_date=ESTABLISHED,
    )


def set_up_nav_funds(
    manager: Client, trustee: Client, count: int
) -> tuple[list[str], dict[str, float]]:
    """``count`` active funds of the manager with a profile (Tokyo NAV days), on a chain with
    the demo roster and the Tokyo calendar: registered (batched), their establishment proposed,
    acknowledged by the trustee and the funds set active (one transaction per fund, all in
    flight at once), the profiles set (128 a transaction). Returns their codes and the seconds
    of each step."""
    steps: dict[str, float] = {}
    mark = time.perf_counter()
    regs = [funds.FundRegistration(f"NAV-{i:05d}", fund_attributes(i)) for i in range(count)]
    codes = funds.register_funds(manager, regs)
    assert len(codes) == count, f"{len(codes)} funds registered"
    steps["register"] = time.perf_counter() - mark
    log(f"setup: registered {len(codes)} funds in {steps['register']:.1f} s")

    registry = manager.contract("FundRegistry")
    mark = time.perf_counter()
    first_request = int(registry.functions.requestCount().call()) + 1
    proposals = [
        (
            registry.functions.propose(
                bytes32_from_ascii(code),
                int(RequestKind.ESTABLISH),
                fund_attributes(i).to_abi(),
                dates.int_from_date(ESTABLISHED),
                dates.int_from_date(DUE),
            ),
            f"propose establishment of {code}",
        )
        for i, code in enumerate(codes)
    ]
    pipelined(manager, proposals)
    assert int(registry.functions.requestCount().call()) == first_request + count - 1
    steps["propose"] = time.perf_counter() - mark
    log(f"setup: proposed in {steps['propose']:.1f} s")

    mark = time.perf_counter()
    acks = [
        (trustee.contract("FundRegistry").functions.acknowledge(first_request + i), "ack")
        for i in range(count)
    ]
    pipelined(trustee, acks)
    steps["acknowledge"] = time.perf_counter() - mark
    log(f"setup: acknowledged in {steps['acknowledge']:.1f} s")

    mark = time.perf_counter()
    activations = [
        (registry.functions.setStatus(bytes32_from_ascii(c), int(FundStatus.ACTIVE)), "activate")
        for c in codes
    ]
    pipelined(manager, activations)
    steps["activate"] = time.perf_counter() - mark
    log(f"setup: activated in {steps['activate']:.1f} s")

    mark = time.perf_counter()
    navs.set_profiles(manager, codes, PROFILE)
    steps["profiles"] = time.perf_counter() - mark
    log(f"setup: profiles set in {steps['profiles']:.1f} s")
    for code in (codes[0], codes[-1]):
        state = navs.fund_state(manager, code)
        assert (state.status, state.calendar_id) == (int(FundStatus.ACTIVE), 1), state
    return codes, steps


def nav_day(
    codes: Sequence[str], day: date, last: dict[str, int], rng: random.Random
) -> list[navs.NavRecord]:
    """A NAV per fund on ``day``, each moved at most DAILY_MOVE from ``last`` (updated)."""
    records = []
    for code in codes:
        nav = round(last[code] * (1 + rng.uniform(-DAILY_MOVE, DAILY_MOVE)))
        last[code] = nav
        units = rng.randrange(10**8, 10**11)
        records.append(navs.NavRecord(code, day, nav, nav * units // 10_000, units))
    return records


# --- closes (reference data) ------------------------------------------------------------------


def bench_securities(count: int) -> list[Security]:
    """``count`` Tokyo securities (ISIN JP9 and a serial)."""
    return [
        Security(
            isin=isin_with_check_digit(f"JP9{i:08d}"),
            name=f"Bench Security {i}",
            market="XTKS",
            currency="JPY",
            local_code=f"{1300 + i}",
        )
        for i in range(1, count + 1)
    ]


PROVIDER_ACCOUNT = 6
"""The demo roster's data provider (Kabuto Market Data)'s operator: dev account 6."""


def make_data_provider(client: Client) -> None:
    """Bind the client's signer to a data-provider institution (on a chain without the demo
    roster) and grant it DATA_PROVIDER."""
    assert client.account is not None
    key = coincurve.PrivateKey(bytes(client.account.key)).public_key.format(compressed=True)
    spec = InstitutionSpec(
        check_lei(PROVIDER_LEI),
        "Bench Market Data",
        InstitutionType.DATA_PROVIDER,
        key,
        (Address(client.sender.address),),
    )
    register_institution(client, spec, admission_of(client, client.account, spec))
    access = client.contract("PlatformAccess")
    grant = access.functions.grantRole(Role.DATA_PROVIDER.id, client.sender.address)
    client.sender.send_all([(grant, "grant DATA_PROVIDER to the signer")])


def set_up_securities(provider: Client, count: int) -> dict[int, int]:
    """Register ``count`` securities as ``provider`` (a data provider) and return a close for
    each security index, in units."""
    wanted = bench_securities(count)
    register_securities(provider, wanted)
    isins = {s.isin for s in wanted}
    indexes = sorted(s.index for s in list_securities(provider) if s.isin in isins)
    assert len(indexes) == count, f"{len(indexes)} securities registered"
    rng = random.Random(11)
    return {i: prices.to_units(Decimal(rng.randrange(1_000, 10_000_000)) / 10) for i in indexes}


# --- fund registration (use case 1) -----------------------------------------------------------


def _isin(serial: int) -> str:
    prefix = f"JP90B{serial:06d}"
    return next(prefix + str(d) for d in range(10) if isin_is_valid(prefix + str(d)))


def fund_table(start: int, count: int, tag: str) -> pd.DataFrame:
    """Funds ``start`` .. ``start + count - 1`` as the fund table an asset manager uploads: an
    ISIN and an ITA code each, Kanda a distributor and Minato a custodian."""
    rows = [
        {
            "manager_code": f"{tag}-{i:05d}",
            "name_ja": f"ベンチファンド{i}",
            "name_en": f"Bench Fund {i}",
            "trustee_lei": TRUSTEE,
            "fund_type": "equity",
            "currency": "JPY",
            "establishment_date": "2026-04-01",
            "redemption_date": "",
            "isin": _isin(i),
            "ita_code": f"B{i:07d}",
            "other_codes": "",
            "distributors": KANDA,
            "custodians": MINATO,
        }
        for i in range(start, start + count)
    ]
    return pd.DataFrame(rows, columns=list(FUND_COLUMNS))


def institution_clients(reader: Client) -> list[Client]:
    """A client of each registered institution, signing as its first operator (dev 0-7)."""
    accounts = {signers.dev_account(i).address: signers.dev_account(i) for i in range(8)}
    return [reader.with_account(accounts[i.operators[0]]) for i in list_institutions(reader)]


# --- lending statements (use case 3) ----------------------------------------------------------


def dev_key(index: int) -> bytes:
    """Dev account ``index``'s private key (an institution's sealing key in the demo)."""
    return bytes(signers.dev_account(index).key)


def set_up_lending(operator: Client) -> dict[str, Client]:
    """On a chain with the demo roster and the Tokyo calendar: Fuji Trust (dev 2) and Minato
    (dev 3) match per security with Nihonbashi (dev 5) as their agent. Returns their clients by
    LEI."""
    clients = {
        lei: operator.with_account(signers.dev_account(i))
        for lei, i in ((TRUSTEE, 2), (MINATO, 3), (AGENT, 5))
    }
    grant_mandate(clients[TRUSTEE], AGENT, MandateScope.LENDING_AGENT, MINATO)
    pairs.propose_pair_settings(clients[TRUSTEE], TRUSTEE, MINATO, MatchUnit.SECURITY, agent=AGENT)
    pairs.accept_pair_settings(clients[MINATO], TRUSTEE, MINATO, 1, MINATO, dev_key(3))
    return clients


def pair_secret(agent: Client) -> bytes:
    """The pair's secret that keys each security of its statements, as the agent derives it."""
    return pairs.pair_secrets(agent, TRUSTEE, MINATO, AGENT, dev_key(5)).secret


def lending_statements(
    prefix: str, count: int, secret: bytes, month: tuple[date, date, date] = MONTH
) -> list[tuple[st.StatementInput, bytes]]:
    """A month's statements of ``count`` securities (keys ``prefix`` and a serial) with their
    detail."""
    start, end, settlement = month
    return [
        (
            st.StatementInput(
                TRUSTEE,
                MINATO,
                MatchUnit.SECURITY,
                f"{prefix}{i:06d}",
                "JPY",
                start,
                end,
                settlement,
                st.Amounts(10_000 + i, 30 + i % 7, 0 if i % 4 else 45_000),
                secret,
            ),
            f"detail of {prefix}{i}".encode(),
        )
        for i in range(count)
    ]
