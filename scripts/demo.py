"""`ape run demo`: the walk-through of use cases 1, 2 and 3 and the shared reference data,
idempotent.

Sakura Asset Management uploads its funds, proposes their establishment, the trustee and the
distributors acknowledge, the funds go active, one fund's English name is changed with a later
effective date, and every fund's definitive record and the changed fund's history are printed.
Then the reference data that ``make demo`` uploaded (securities, a few days of closes, dividends) is
read back: a close carried over a Tokyo holiday, a corrected close with the value it replaced,
the dividends with their Tokyo ex-dates derived from the on-chain calendar.
Each institution signs with its own dev account of the embedded chain.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand

from bpost_client.cli._context import blank_missing
from bpost_client.client import Client, connect
from bpost_client.distribution import navs, subscriptions
from bpost_client.distribution.publication import publish_dataset
from bpost_client.distribution.standard.convert import read
from bpost_client.distribution.watcher import WatchConfig, Watcher
from bpost_client.exceptions import BPostError
from bpost_client.lending import calculate
from bpost_client.lending.files import read_inputs
from bpost_client.lending.verify import calculate_on_chain
from bpost_client.platform.confidential import NotEntitledError
from bpost_client.platform.participants import clients_by_institution, signer_institution
from bpost_client.platform.signers import dev_account
from bpost_client.reference import dividends, prices
from bpost_client.reference.securities import list_securities
from bpost_client.registry import fund_files, funds, ssi
from bpost_client.registry.ssi_files import upload_ssis
from bpost_client.types import FundStatus, RequestKind

DEMO_FUNDS = Path("config/demo-funds.csv")
DEMO_SSI = Path("config/demo-ssi.csv")
TRUSTEE = "3538000FUJITRUST0138"
CHANGED = "SAKURA-JEQ"
NEW_NAME = "Sakura Japan Equity Open (Sustainable)"
DATA_PROVIDER = "3538000KABUTODATA165"
MANAGER = "3538000SAKURAAM00151"
DISTRIBUTOR = "3538000KANDABANK0193"
DISTRIBUTION_FILES = Path("config/demo-distribution")
INBOX = Path(".bpost/demo/kanda")
KANDA_FUNDS = ("SAKURA-JEQ", "SAKURA-GBD", "SAKURA-REIT")
TOYOTA, IBM = "JP3633400001", "US4592001014"
CORRECTED_DAY = date(2026, 11, 13)


def _clients(url: str, deployments: Path) -> dict[str, Client]:
    """A client per demo institution, signing with the dev account its roster entry names."""
    accounts = [dev_account(i) for i in range(8)]
    return dict(clients_by_institution(connect(url, deployments), accounts))


def _agree(clients: dict[str, Client], request_id: int) -> None:
    request = funds.get_request(next(iter(clients.values())), request_id)
    for lei in request.required:
        if lei not in request.acknowledged:
            funds.acknowledge(clients[lei], request_id)
            click.echo(f"  {lei} acknowledged request {request_id}")


def _walk_through(clients: dict[str, Client], manager: Client) -> list[str]:
    report = fund_files.upload_funds(manager, DEMO_FUNDS)
    registered = len(report.rows("register"))
    click.echo(f"upload: {registered} registered, {len(report.unchanged)} already on chain")
    codes = [code for _row, code in sorted(report.outcomes.items())]
    for code in codes:
        record = funds.get_fund(manager, code)
        if record.status is FundStatus.DRAFT:
            effective = record.attributes.establishment_date
            request = funds.propose(
                manager,
                code,
                RequestKind.ESTABLISH,
                record.attributes,
                effective,
                max(effective - timedelta(days=7), manager.today()),
            )
            click.echo(f"{code}: establishment proposed (request {request})")
            _agree(clients, request)
            funds.set_status(manager, code, FundStatus.ACTIVE)
    changed = funds.resolve_fund(
        manager, funds.manager_namespace(signer_institution(manager)), CHANGED
    )
    assert changed is not None
    record = funds.get_fund(manager, changed)
    if record.attributes.name_en != NEW_NAME:
        renamed = record.attributes.__class__(**{**record.attributes.__dict__, "name_en": NEW_NAME})
        due = max(date(2026, 11, 24), manager.today())
        request = funds.propose(
            manager, changed, RequestKind.CHANGE, renamed, date(2026, 12, 1), due
        )
        click.echo(f"{changed}: name change proposed (request {request}), effective 2026-12-01")
        _agree(clients, request)
    return codes


def _ssi_walk_through(clients: dict[str, Client]) -> None:
    """Fuji Trust Bank publishes its SSIs; Sakura reads the account, Minato cannot."""
    report = upload_ssis(clients[TRUSTEE], DEMO_SSI)
    counts = f"{len(report.rows('publish'))} published, {len(report.unchanged)} unchanged"
    click.echo(f"\nSSIs of {TRUSTEE}: {counts}")
    for reader, index in (("3538000SAKURAAM00151", 1), ("3538000MINATOSEC0159", 3)):
        [found] = ssi.applicable_ssis(
            clients[reader], TRUSTEE, "XTKS", "JPY", date(2026, 5, 1), security_type="EQUITY"
        )
        try:
            account = ssi.read_account(
                clients[reader], found, reader, bytes(dev_account(index).key)
            )
        except NotEntitledError:
            account = "(sealed: not shared with this institution)"
        click.echo(
            f"  XTKS/JPY equity on 2026-05-01, as {reader} reads it: "
            f"{found.terms.custodian_bic} account {account}"
        )


def _reference_walk_through(clients: dict[str, Client]) -> None:
    """Closes over a holiday, a correction that keeps the replaced value, Tokyo ex-dates."""
    provider = clients[DATA_PROVIDER]
    index = {s.isin: s.index for s in list_securities(provider)}
    if TOYOTA not in index or IBM not in index:
        click.echo("\nNo demo securities on chain: `make demo` uploads config/demo-securities.csv")
        return
    click.echo("\nToyota (7203, XTKS): latest close on or before each day, from the contract")
    for day in (date(2026, 11, d) for d in (20, 21, 22, 23, 24)):
        found = prices.latest_close(provider, index[TOYOTA], day)
        shown = f"{prices.from_units(found[1])} JPY (close of {found[0]})" if found else "none"
        click.echo(f"  {day} {day.strftime('%a')}: {shown}")
    ibm = index[IBM]
    if not [c for c in prices.corrections(provider, [ibm]) if c.day == CORRECTED_DAY]:
        prices.publish_closes(provider, CORRECTED_DAY, {ibm: prices.to_units("219.45")})
        fix = prices.CloseCorrection(
            ibm, CORRECTED_DAY, prices.to_units("219.54"), "vendor transposed digits"
        )
        prices.correct_closes(provider, [fix])
    click.echo(f"\nIBM close of {CORRECTED_DAY}, corrected by {DATA_PROVIDER}:")
    for c in prices.corrections(provider, [ibm]):
        click.echo(
            f"  block {c.block}: {prices.from_units(c.previous)} -> "
            f"{prices.from_units(c.close)} USD ({c.reason})"
        )
    click.echo("\nDividends (Tokyo ex-dates: the XTKS business day before the record date):")
    for d in dividends.list_dividends(provider):
        click.echo(
            f"  {d.isin} record {d.record_date} ex {d.ex_date} pay {d.payment_date} "
            f"{d.amount} {d.currency} {d.status.label} (v{d.version})"
        )


def _watch(kanda: Client) -> list[Path]:
    """Kanda's watchers, one per format, catch up with the chain; returns the new files."""
    head = kanda.w3.eth.block_number
    # The deployment block's hash, not an address: anvil gives every fresh chain the same
    # addresses, and a checkpoint of another chain would make the watchers skip its blocks.
    tag = bytes(kanda.w3.eth.get_block(kanda.manifest.start_block)["hash"])[:4].hex()
    before = set((INBOX / tag).rglob("*.*"))
    for fmt in ("ita-csv", "csv", "xml"):
        config = WatchConfig(
            checkpoint=INBOX / f"checkpoint-{fmt}-{tag}.json",
            out_dir=INBOX / tag / fmt,
            format=fmt,
            confirmations=0,
            acknowledge=fmt == "xml",  # one watcher acknowledges receipt on chain
        )
        Watcher(kanda, config).run(poll_seconds=0.1, until_block=head)
    new = sorted(set((INBOX / tag).rglob("*.*")) - before)
    for path in new:
        click.echo(f"  {path}")
    return new


def _distribution_walk_through(clients: dict[str, Client]) -> None:
    """Use case 2: Sakura publishes a week of NAVs, a distribution, non-application days and a
    report from the files of config/demo-distribution; Kanda Bank receives them in three formats;
    a correction reaches it as a correction."""
    manager, kanda = clients[MANAGER], clients[DISTRIBUTOR]
    namespace = funds.manager_namespace(MANAGER)
    codes = {name: funds.resolve_fund(manager, namespace, name) for name in KANDA_FUNDS}
    fresh = [c for c in codes.values() if c and navs.fund_state(manager, c).calendar_id == 0]
    if fresh:
        holidays = ("XNYS", "XLON")
        navs.set_profiles(manager, fresh, navs.Profile((11,), 15, holiday_markets=holidays))
    click.echo("\nUse case 2: distribution data (profiles: Tokyo NAV days, closing on 15 November)")
    files = (("0331A01A.csv", "ita-csv", "0331A01A"), ("sakura-funds.xml", "xml", None))
    for name, fmt, fund in files:
        plan = publish_dataset(manager, read(DISTRIBUTION_FILES / name, fmt, fund))
        click.echo(
            f"  {name}: {len(plan.new_navs)} NAVs, {len(plan.new_notices)} other records "
            f"published, {plan.unchanged} already on chain"
        )
    subscribed = subscriptions.subscribed_funds(kanda, DISTRIBUTOR)
    missing = [c for c in codes.values() if c and c not in subscribed]
    if missing:  # a second run subscribes nothing again
        subscriptions.subscribe(kanda, missing)
    click.echo(f"Kanda Bank's deliveries ({INBOX}):")
    _watch(kanda)
    jeq = codes["SAKURA-JEQ"]
    assert jeq is not None
    day = date(2026, 11, 19)
    if navs.current_navs(manager)[jeq, day].version == 1:
        previous = navs.current_navs(manager)[jeq, day]
        reason = "a holding's closing price was revised by the exchange"
        fix = navs.NavCorrection(
            jeq, day, previous.nav + 7, previous.net_assets, previous.units, reason
        )
        navs.correct_navs(manager, [fix])
    click.echo(f"Sakura corrected the NAV of {jeq} on {day}; Kanda Bank's next deliveries:")
    for path in _watch(kanda):
        if path.suffix == ".xml":
            for nav in read(path, "xml").navs:
                replaced = {k: v for k, v in (nav.previous or {}).items() if getattr(nav, k) != v}
                click.echo(
                    f"  as it arrived: {nav.fund} {nav.date} NAV {nav.nav_per_10000_units} "
                    f"version {nav.version}, replacing {replaced}: {nav.correction_reason}"
                )
    for receipt in subscriptions.receipts(kanda, DISTRIBUTOR):
        click.echo(
            f"  receipt on chain: blocks {receipt.from_block}-{receipt.to_block}, "
            f"{receipt.records} record(s)"
        )


LENDING = Path("config/demo-lending")
LENDING_PERIOD = (date(2026, 9, 1), date(2026, 9, 30))


def _lending_walk_through(client: Client) -> None:
    """Use case 3: September's lending fee, collateral interest and dividend equivalent of the
    demo agreements, by the engine and, by eth_call, by the LendingCalculator contract."""
    inputs = read_inputs(
        LENDING / "agreements.csv",
        LENDING / "positions.csv",
        LENDING / "prices.csv",
        LENDING / "dividends.csv",
    )
    period = LENDING_PERIOD
    tables = (inputs.agreements, inputs.positions, inputs.prices, inputs.dividends)
    engine = calculate(*tables, *period)
    chain = calculate_on_chain(client, *tables, *period)
    click.echo("\nUse case 3: September 2026 of the demo lending agreements (config/demo-lending)")
    columns = ["agreement_id", "currency", "accrual_days", "lending_fee", "collateral_interest"]
    columns += ["dividend_equivalent", "net_amount"]
    click.echo(engine[columns].to_string(index=False))
    same = engine[list(chain.columns)].to_dict(orient="records") == chain.to_dict(orient="records")
    verdict = "the same figures" if same else "DIFFERENT figures"
    click.echo(f"LendingCalculator by eth_call, from the same inputs: {verdict}")


@click.command(cls=ConnectedProviderCommand)
@click.option(
    "--deployments",
    default="deployments",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
def cli(provider: Any, deployments: Path) -> None:
    """Register, establish, activate and change the demo funds; print their records and history."""
    try:
        clients = _clients(provider.http_uri, deployments)
        manager = clients["3538000SAKURAAM00151"]
        codes = _walk_through(clients, manager)
        click.echo("\nDefinitive records:")
        for code in codes:
            record = funds.get_fund(manager, code)
            status = record.status.name.lower()
            click.echo(
                f"  {code}  v{record.version:<2} {status:<11} {record.attributes.name_en}"
                f"  (effective {record.effective_date})"
            )
        changed = codes[0]
        click.echo(f"\nHistory of {changed}:")
        history = funds.fund_history(manager, changed)
        columns = ["block", "event", "request_id", "version", "status", "lei", "effective_date"]
        click.echo(blank_missing(history[columns]).to_string(index=False))
        before = funds.fund_as_of(manager, changed, date(2026, 11, 30))
        after = funds.fund_as_of(manager, changed, date(2026, 12, 1))
        click.echo(f"\nIn force on 2026-11-30: {before.name_en if before else '-'}")
        click.echo(f"In force on 2026-12-01: {after.name_en if after else '-'}")
        _ssi_walk_through(clients)
        _reference_walk_through(clients)
        _distribution_walk_through(clients)
        _lending_walk_through(manager)
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
