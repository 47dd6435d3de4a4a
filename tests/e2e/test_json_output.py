"""`bpost --json` prints strict JSON: a walk over the CLI's commands, each run as a user would on
a chain with funds, calendars, securities, closes, dividends and SSIs, its output parsed with
NaN and Infinity refused. Every command is either walked here or listed with why it is not yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pandas as pd

from bpost_client.cli import cli as root
from bpost_client.client import connect
from bpost_client.distribution.standard import ita_csv
from bpost_client.distribution.standard.records import Dataset
from bpost_client.lending import Agreement, agreements
from bpost_client.lending import statements as st
from bpost_client.lending.matching import MatchUnit
from bpost_client.platform.participants import encryption_key_of
from bpost_client.platform.signers import dev_account
from tests.conftest import DEMO_ROSTER, ROOT, Node, rpc
from tests.distribution.test_publication import week
from tests.e2e.conftest import Result
from tests.helpers import due_in, make_lei, strict_json

SAKURA, FUJI, KANDA = "3538000SAKURAAM00151", "3538000FUJITRUST0138", "3538000KANDABANK0193"
TOYOTA = "JP3633400001"
OPERATOR, TRUSTEE, PROVIDER = "0", "2", "6"
SETUP = [
    (OPERATOR, "calendar publish", ["--year", "2026"]),
    (PROVIDER, "securities upload", [str(ROOT / "config/demo-securities.csv")]),
    (PROVIDER, "prices upload", [str(ROOT / "config/demo-prices.csv")]),
    (PROVIDER, "dividends upload", [str(ROOT / "config/demo-dividends.csv")]),
    (TRUSTEE, "ssi upload", [str(ROOT / "config/demo-ssi.csv")]),
    (TRUSTEE, "corporate upload", ["{corporate}"]),
]
"""What the walk's chain is given, through the CLI and with --json too: who, what, arguments."""

NOT_WALKED = {
    "chain start": "a process of its own: tests/e2e/test_chain.py parses its --json",
    "chain stop": "a process of its own: tests/e2e/test_chain.py parses its --json",
    "explorer start": "a process of its own: tests/explorer/test_service.py parses its --json",
    "explorer stop": "a process of its own: tests/explorer/test_service.py parses its --json",
    "explorer serve": "serves until stopped: tests/explorer/test_cli.py parses its --json line",
    "api serve": "serves until stopped: tests/api/test_cli.py parses its --json line",
    "network add-member": (
        "adds a node to a network: tests/network/test_node_loss.py parses its --json"
    ),
    "network start": "starts geth nodes: tests/network/test_network.py parses its --json",
    "network stop": "stops geth nodes: tests/network/test_network.py parses its --json",
    "network propose-validator": (
        "votes on running geth validators: tests/network/test_votes.py parses its --json"
    ),
    "network demo": (
        "runs the demo on a geth network (minutes): tests/network/test_demo.py runs it and "
        "parses its JSON answer"
    ),
}
"""The commands whose --json another test parses, run as processes: where, and why there."""


def leaf_commands() -> list[str]:
    """Every command of `bpost`, as its words."""
    found: list[str] = []

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, [*path, name])
        else:
            found.append(" ".join(path))

    walk(root, [])
    return found


def walked(nav_funds: list[str], scratch: Path = ROOT) -> dict[str, list[list[str]]]:
    """The commands walked and the arguments of each run (``scratch``: an empty directory)."""
    fund = nav_funds[0]
    return {
        "status": [[]],
        "chain status": [["--data-dir", str(scratch / "chain")]],
        "explorer status": [["--data-dir", str(scratch / "explorer")]],
        "network init": [["--validators", "1", "--light-kdf", str(scratch / "network")]],
        "network status": [[str(scratch / "network")]],
        "participants list": [[]],
        "participants show": [[SAKURA]],
        "participants history": [[SAKURA], []],
        "codes namespaces": [[]],
        "codes show": [["ISIN", TOYOTA], ["isin", "JP90C000SK98"]],
        "roles list": [[]],
        "funds list": [[]],
        "funds show": [[fund]],
        "funds history": [[fund]],
        "funds pending": [[]],
        "funds export": [["-"]],
        "calendar show": [["XTKS", "--year", "2026"]],
        "calendar changes": [["XTKS"]],
        "calendar is-business-day": [["XTKS", "2026-11-23"]],
        "calendar add-business-days": [["XTKS", "2026-11-20", "2"]],
        "securities export": [["-"]],
        "securities upload": [["--dry-run", str(ROOT / "config/demo-securities.csv")]],
        "prices get": [[TOYOTA, "2026-11-20"], [TOYOTA, "2026-11-22"]],
        "prices export": [["-"]],
        "prices upload": [["--dry-run", str(ROOT / "config/demo-prices.csv")]],
        "dividends list": [[], ["--history"]],
        "dividends export": [["-"]],
        "dividends upload": [["--dry-run", str(ROOT / "config/demo-dividends.csv")]],
        "ssi export": [["-", "--owner", FUJI]],
        "ssi notices": [["--lei", SAKURA]],
        "ssi list": [["--owner", FUJI], []],
        "lending statement list": [[], ["--lei", FUJI]],
        "lending agreements": [[]],
        "mandates list": [[], ["--lei", FUJI]],
        "governance status": [[]],
        "keys show": [[SAKURA]],
        "ssi applicable": [[FUJI, "--market", "XTKS", "--currency", "JPY", "--on", "2026-11-20"]],
        "corporate show": [[FUJI], [FUJI, "--today", "2027-06-01"]],
        "corporate check": [[FUJI], [FUJI, "--no-refuse"]],
        "corporate export": [["-"]],
        "distribution receipts": [[]],
    }


def run_json(bpost: Any, account: str, words: str, args: list[str]) -> Any:
    result: Result = bpost("--json", "--dev-account", account, *words.split(), *args)
    assert result.code == 0, f"bpost {words} {' '.join(args)}: {result.err}"
    try:
        return strict_json(result.out)
    except ValueError as exc:
        command = f"bpost --json {words} {' '.join(args)}"
        raise AssertionError(f"{command}: {exc}\n{result.out}") from None


def test_json__each_walked_command__strict_json(
    bpost: Any, nav_funds: list[str], tmp_path: Path
) -> None:
    corporate = tmp_path / "corporate.csv"
    corporate.write_text(
        "lei,registered_address,aml_status,next_review_date,fatca_status,giin,crs_status,"
        "lei_renewal_date,aml_review_details,share_with\n"
        f"{FUJI},Tokyo,cleared,2027-03-31,participating_ffi,98Q96B.00000.LE.392,"
        f"financial_institution,2027-01-15,EDD done,{SAKURA}\n"
    )
    for account, words, args in SETUP:
        run_json(bpost, account, words, [a.format(corporate=corporate) for a in args])
    for words, runs in walked(nav_funds, tmp_path).items():
        for args in runs:
            run_json(bpost, TRUSTEE, words, args)


def test_json__missing_values_null_and_numbers_as_numbers(bpost: Any, nav_funds: list[str]) -> None:
    history = run_json(bpost, TRUSTEE, "participants history", [])
    assert any(row["account"] is None for row in history), "a registration has no account"
    assert all(isinstance(row["block"], int) for row in history)
    versions = [row["version"] for row in run_json(bpost, TRUSTEE, "funds history", [nav_funds[0]])]
    assert versions and all(v is None or isinstance(v, int) for v in versions)


SENT = {
    "funds upload", "funds propose", "funds ack", "funds reject", "funds withdraw",
    "funds waive", "funds close", "funds complete", "funds status", "funds link",
    "participants add", "codes open", "codes linker", "codes unlink",
    "participants sign-admission", "participants consent", "participants add-operator",
    "participants remove-operator", "participants set-key", "governance propose",
    "governance approve", "governance execute", "governance emergency", "keys accept",
    "keys rewrap",
    "participants suspend", "participants reinstate", "roles grant", "roles revoke",
    "roles apply", "deploy",
    "mandates grant", "mandates revoke",
    "distribution profile", "distribution subscribe",
    "distribution publish", "distribution confirm", "distribution convert", "distribution watch",
    "lending movements record", "lending movements confirm", "lending statement show",
    "lending statement flag-overdue", "lending statement void", "lending statement withdraw",
    "lending calc", "explorer sign", "index", "api token",
}  # fmt: skip
"""The commands walked through a workflow, in test_json__each_sending_command__strict_json."""


def test_json__every_command_walked_or_listed_with_why() -> None:
    every = set(leaf_commands())
    read = set(walked(["BP000000018"]))
    listed = read | SENT | set(NOT_WALKED) | {words for _, words, _ in SETUP}
    assert every - listed == set(), "commands neither walked nor listed"
    assert listed - every == set(), "listed commands that do not exist"
    assert not read & set(NOT_WALKED) and not SENT & (read | set(NOT_WALKED))


def test_json__each_sending_command__strict_json(
    bpost: Any, isolated: Node, nav_funds: list[str], tmp_path: Path
) -> None:
    ran: set[str] = set()

    def sent(account: str, words: str, *args: str) -> Any:
        ran.add(words)
        return run_json(bpost, account, words, list(args))

    # use case 1: a fund from upload to definitive, a change rejected, another withdrawn
    uploaded = sent(MANAGER, "funds upload", str(ROOT / "config/demo-funds.csv"))
    rows = pd.read_csv(ROOT / "config/demo-funds.csv", dtype=str)["manager_code"].tolist()
    fund = {rows[int(row) - 2]: code for row, code in uploaded["outcomes"].items()}["SAKURA-GBD"]
    due = due_in().isoformat()
    dates = ["--effective", "2026-04-01", "--due", due]
    request = sent(MANAGER, "funds propose", fund, "--kind", "establish", *dates)["request_id"]
    sent(TRUSTEE, "funds ack", str(request))
    assert sent(KANDA_ACCOUNT, "funds ack", str(request))["acknowledged"] == [FUJI, KANDA]
    assert sent(MANAGER, "funds status", fund, "active")["status"] == "active"
    assert sent(MANAGER, "funds link", fund, "ISIN:JP90C000SK98")["linked"] == 1
    # the code registry: a namespace opened, its linker named, a squatted code freed
    sent(OPERATOR, "codes open", "VENDOR", "--description", "a vendor's fund codes")
    sent(OPERATOR, "codes linker", "VENDOR", "FundRegistry:fund:asset_manager")
    assert sent(MANAGER, "funds link", fund, "VENDOR:V-1")["linked"] == 1
    freed = sent(OPERATOR, "codes unlink", "VENDOR", "V-1", "--reason", "squatted")
    assert freed["unlinked_from"] == f"fund {fund}"
    renamed = [fund, "--kind", "change", "--name-en", "Renamed", *dates]
    request = sent(MANAGER, "funds propose", *renamed)["request_id"]
    sent(TRUSTEE, "funds reject", str(request), "--reason", "not agreed")
    request = sent(MANAGER, "funds propose", *renamed)["request_id"]
    sent(MANAGER, "funds withdraw", str(request))
    # the distributor suspended: its acknowledgment waived on one request, another closed
    request = sent(MANAGER, "funds propose", *renamed)["request_id"]
    sent(TRUSTEE, "funds ack", str(request))
    sent(OPERATOR, "participants suspend", KANDA, "--reason", "licence withdrawn")
    assert sent(OPERATOR, "funds waive", str(request), KANDA, "--reason", "suspended") == {
        "request_id": request, "waived": KANDA, "state": "definitive",
    }  # fmt: skip
    request = sent(MANAGER, "funds propose", *renamed)["request_id"]
    assert sent(OPERATOR, "funds close", str(request), "--reason", "suspended")["state"] == "closed"
    sent(OPERATOR, "participants reinstate", KANDA)

    # the platform: an institution admitted, suspended, reinstated; roles granted and revoked
    # (dev account 17 its first operator, signing the admission; 18 bound later with consent)
    account, second = dev_account(17), dev_account(18)
    lei = make_lei(61)
    key = "0x" + encryption_key_of(account).hex()
    signed = sent("17", "participants sign-admission", "--lei", lei, "--type", "custodian",
                  "--encryption-key", key)  # fmt: skip
    sent(OPERATOR, "participants add", "--lei", lei, "--name", "Walk Bank", "--type",
         "custodian", "--encryption-key", key, "--operator", account.address,
         "--admission-signature", signed["admission_signature"])  # fmt: skip
    consent = sent("18", "participants consent", lei)["consent"]
    sent("17", "participants add-operator", lei, second.address, "--consent", consent)
    sent("17", "participants remove-operator", lei, second.address)
    sent("17", "participants set-key", lei, "--encryption-key",
         "0x" + encryption_key_of(second).hex())  # fmt: skip
    rewrapped = sent("17", "keys rewrap", lei, "--old-dev-account", "17", "--new-dev-account", "18")
    assert (rewrapped["found"], rewrapped["transactions"]) == (0, []), "nothing sealed to it yet"
    # governance: proposed, approved two of three, executed after the delay; one cancelled
    proposal = sent(MANAGER, "governance propose", "ParticipantRegistry", "renameInstitution",
                    "0x" + lei.encode().hex(), "Walk Bank Ltd.", "-m", "rename")["id"]  # fmt: skip
    signature = sent(TRUSTEE, "governance approve", proposal, "--sign-only")["signature"]
    assert sent(OPERATOR, "governance approve", proposal, "--signature", signature,
                "--member", dev_account(2).address)["status"] == "scheduled"  # fmt: skip
    rpc(isolated.url, "evm_increaseTime", 6)
    rpc(isolated.url, "evm_mine")
    assert sent(OPERATOR, "governance execute", proposal)["status"] == "executed"
    doomed = sent(MANAGER, "governance propose", "PlatformAccess", "unpause", "-m", "x")["id"]
    cancel = sent(MANAGER, "governance emergency", "cancel", "--proposal", doomed,
                  "--reason", "not agreed")["emergency"]  # fmt: skip
    sent(TRUSTEE, "governance emergency", "cancel", "--reason", "agreed", "--approve", cancel)
    status = run_json(bpost, OPERATOR, "governance status", [doomed])
    assert status["status"] == "cancelled"
    assert sent(OPERATOR, "keys accept", lei)["set_by"] == "EncryptionKeyChanged"
    sent(OPERATOR, "participants suspend", lei, "--reason", "late fees")
    sent(OPERATOR, "participants reinstate", lei)
    assert sent(OPERATOR, "roles grant", "observer", account.address)["changed"] is True
    assert sent(OPERATOR, "roles revoke", "observer", account.address)["changed"] is True
    sent(OPERATOR, "roles apply", str(DEMO_ROSTER))
    assert sent(OPERATOR, "deploy", "--skip-if-deployed")["already_deployed"] is True

    # use case 2: a profile, a subscriber, a delegate mandated and revoked, NAVs published,
    # confirmed, watched
    navs = nav_funds[0]
    sent(MANAGER, "distribution profile", navs, "--closing-month", "1", "--closing-day", "15")
    sent(KANDA_ACCOUNT, "distribution subscribe", navs)
    delegate = ["--scope", "distribution-delegate", "--subject", navs]
    granted = sent(MANAGER, "mandates grant", MINATO, *delegate, "--until", "2030-12-31")
    assert (granted["principal"], granted["agent"], granted["revoked"]) == (SAKURA, MINATO, False)
    assert sent(MANAGER, "mandates revoke", granted["mandate_id"])["revoked"] is True
    source = tmp_path / "nav.csv"
    source.write_bytes(ita_csv.to_bytes(Dataset.of(week(nav_funds[:1])), navs))
    ita = ["--format", "ita-csv", "--fund", navs]
    assert sent(MANAGER, "distribution publish", str(source), *ita)["navs"] == 2
    latest = tmp_path / "latest.csv"
    latest.write_bytes(ita_csv.to_bytes(Dataset.of(week(nav_funds[:1])[1:]), navs))
    assert sent(TRUSTEE, "distribution confirm", str(latest), *ita)["confirmed"] == 1
    converted = sent(TRUSTEE, "distribution convert", "--from", "ita-csv", "--to", "json",
                     "--fund", navs, str(source), "-")  # fmt: skip
    assert converted, "the converted document itself"
    xml = bpost("--json", "distribution", "convert", "--from", "ita-csv", "--to", "xml",
                "--fund", navs, str(source), "-")  # fmt: skip
    assert xml.code == 2 and "give --to json, or a file" in xml.err, "never XML for --json"
    sent(TRUSTEE, "distribution convert", "--from", "ita-csv", "--to", "xml", "--fund", navs,
         str(source), str(tmp_path / "nav.xml"))  # fmt: skip
    inbox = ["--out", str(tmp_path / "inbox"), "--checkpoint", str(tmp_path / "checkpoint")]
    watched = sent(KANDA_ACCOUNT, "distribution watch", *inbox, "--until-head", "--no-ack")
    assert watched, "a summary of what was delivered"

    # use case 3: movements recorded and confirmed, a statement shown and flagged overdue
    walk = _agreement(isolated)
    movements = tmp_path / "movements.csv"
    movements.write_text(
        "agreement_id,date,kind,quantity,collateral\nSBL-WALK,2026-06-01,new_loan,100,0\n"
    )
    recorded = sent(TRUSTEE, "lending movements record", "SBL-WALK", str(movements))
    assert (recorded["agreement"], recorded["reference"]) == (walk, "SBL-WALK")
    sent(MINATO_ACCOUNT, "lending movements confirm", walk, "1")
    statement = _statement(isolated, walk, date(2026, 6, 1), date(2026, 6, 30), disputed=True)
    assert sent(TRUSTEE, "lending statement show", statement)["status"] == "break"
    sent(TRUSTEE, "lending statement flag-overdue", statement)
    assert sent(TRUSTEE, "lending statement void", statement)["status"] == "break"
    assert sent(MINATO_ACCOUNT, "lending statement void", statement)["status"] == "voided"
    july = _statement(isolated, walk, date(2026, 7, 1), date(2026, 7, 31), disputed=False)
    assert sent(TRUSTEE, "lending statement withdraw", july)["status"] == "withdrawn"
    demo = ROOT / "config/demo-lending"
    calc = [f"--{name}={demo / f'{name}.csv'}" for name in LENDING_FILES]
    calc += ["--from", "2026-09-01", "--to", "2026-09-30"]
    rows_out = sent(TRUSTEE, "lending calc", *calc, "--out", "-")
    assert rows_out and all(isinstance(r["accrual_days"], int) for r in rows_out)
    fees = [r["lending_fee"] for r in rows_out]  # major units, exact: decimal text
    assert all(isinstance(fee, str) and Decimal(fee).is_finite() for fee in fees)
    assert sent(TRUSTEE, "lending calc", *calc, "--out", str(tmp_path / "fees.csv"))["agreements"]

    # the tools around: a login signature, an index, an API token
    assert sent(KANDA_ACCOUNT, "explorer sign", "--nonce", "walk")["nonce"] == "walk"
    database = f"sqlite:///{tmp_path / 'index.sqlite'}"
    assert sent(TRUSTEE, "index", "--database", database)["indexed_to_block"] > 0
    tokens = str(tmp_path / "tokens.yaml")
    assert sent(TRUSTEE, "api token", "--lei", FUJI, "--tokens", tokens)["lei"] == FUJI

    # last, as the chain moves a day on: a redemption the distributor leaves unacknowledged,
    # completed after its due date
    today = connect(isolated.url, isolated.deployments, dev_account(0)).today().isoformat()
    ends = ["--redemption-date", "2030-12-31", "--effective", "2030-12-31", "--due", today]
    request = sent(MANAGER, "funds propose", fund, "--kind", "redeem", *ends)["request_id"]
    sent(TRUSTEE, "funds ack", str(request))
    rpc(isolated.url, "evm_increaseTime", 86400)
    rpc(isolated.url, "evm_mine")
    completed = sent(MANAGER, "funds complete", str(request))
    assert (completed["state"], completed["not_acknowledged"]) == ("definitive", [KANDA])

    assert ran == SENT


LENDING_FILES = ("agreements", "positions", "prices", "dividends")
MANAGER, KANDA_ACCOUNT, MINATO_ACCOUNT = "1", "4", "3"
MINATO, KANDA = "3538000MINATOSEC0159", KANDA


def _agreement(node: Node) -> str:
    """Agreement SBL-WALK: Fuji lends Toyota shares to Minato, acknowledged by both; its id."""
    fuji = connect(node.url, node.deployments, dev_account(2))
    minato = connect(node.url, node.deployments, dev_account(3))
    terms = Agreement(agreement_id="SBL-WALK", lender=FUJI, borrower=MINATO,
                      security=TOYOTA, currency="JPY", fee_rate_pct=Decimal("0.5"),
                      collateral_rate_pct=Decimal(0))  # fmt: skip
    found = agreements.propose(fuji, terms, effective_from=date(2026, 6, 1))
    agreements.acknowledge(minato, found.agreement_id, 1)
    return found.agreement_id


def _statement(node: Node, agreement_id: str, start: date, end: date, *, disputed: bool) -> str:
    """A statement of SBL-WALK (``agreement_id`` on chain) over ``start`` to ``end`` committed
    by the lender, open, or a break when the borrower disputes its figures."""
    fuji = connect(node.url, node.deployments, dev_account(2))
    minato = connect(node.url, node.deployments, dev_account(3))
    period = st.StatementInput(FUJI, MINATO, MatchUnit.AGREEMENT, agreement_id, "JPY", start,
                               end, end + timedelta(days=10), st.Amounts(27, 0, 0))  # fmt: skip
    found, _ = st.commit_statement(fuji, period, b"detail", [FUJI, MINATO])
    if disputed:
        salt = st.open_statement(minato, found, MINATO, bytes(dev_account(3).key)).salt
        st.submit_figures(minato, found, st.Amounts(29, 0, 0), b"figures", [FUJI, MINATO], salt)
    return found
