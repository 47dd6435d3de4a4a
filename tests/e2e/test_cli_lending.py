"""`bpost lending agreements`, `bpost lending movements record|confirm` and `bpost lending
statement show|flag-overdue` against the session chain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bpost_client.client import connect
from bpost_client.lending import Agreement
from bpost_client.lending import agreements as lending
from bpost_client.lending import statements as st
from bpost_client.lending.matching import MatchUnit
from bpost_client.lending.projection import PROJECTORS, statement_of
from bpost_client.platform.projection import records_of
from bpost_client.platform.signers import dev_account
from bpost_client.reference import calendars
from tests.conftest import Node

FUJI, MINATO = "3538000FUJITRUST0138", "3538000MINATOSEC0159"
KANDA_LEI = "3538000KANDABANK0193"
TERMS = Agreement(
    agreement_id="SBL-CLI",
    lender=FUJI,
    borrower=MINATO,
    security="JP3633400001",
    currency="JPY",
    fee_rate_pct=Decimal("0.5"),
    collateral_rate_pct=Decimal(0),
)
HEADER = "agreement_id,date,kind,quantity,collateral\n"


def _movements(tmp_path: Path, body: str) -> str:
    path = tmp_path / "movements.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_movements_record_confirm__then_statement_show_and_overdue(
    isolated: Node, bpost: Any, tmp_path: Path
) -> None:
    fuji = connect(isolated.url, isolated.deployments, dev_account(2))
    agreement = lending.propose(fuji, TERMS, effective_from=date(2026, 6, 1)).agreement_id
    lending.acknowledge(connect(isolated.url, isolated.deployments, dev_account(3)), agreement, 1)
    listed = bpost("--json", "--dev-account", "3", "lending", "agreements").json()
    assert listed == [
        {"reference": "SBL-CLI", "agreement": agreement, "lender": FUJI, "borrower": MINATO,
         "agent": "", "proposer": FUJI}
    ], "the borrower reads the reference back, sealed to it"  # fmt: skip
    assert bpost("--json", "--dev-account", "4", "lending", "agreements").json() == []
    unknown = bpost("--dev-account", "4", "lending", "movements", "confirm", "SBL-CLI", "1")
    assert unknown.code == 1 and f"{KANDA_LEI} is a party of no agreement SBL-CLI" in unknown.err

    bad = _movements(
        tmp_path, "SBL-CLI,2026-06-01,new_loan,100,0\nSBL-CLI,2026-06-03,return,-200,0\n"
    )
    refused = bpost("--dev-account", "2", "lending", "movements", "record", "SBL-CLI", bad)
    assert refused.code == 1 and "row 3, column movements.csv:quantity" in refused.err
    other = _movements(tmp_path, "SBL-XYZ,2026-06-01,new_loan,100,0\n")
    refused = bpost("--dev-account", "2", "lending", "movements", "record", "SBL-CLI", other)
    assert refused.code == 1 and "other agreements (SBL-XYZ)" in refused.err
    good = _movements(
        tmp_path, "SBL-CLI,2026-06-01,new_loan,100,0\nSBL-CLI,2026-06-03,return,-100,0\n"
    )
    recorded = bpost(
        "--json", "--dev-account", "2", "lending", "movements", "record", "SBL-CLI", good
    )
    assert recorded.code == 0, recorded.err
    assert (recorded.json()["movements"], recorded.json()["agreement"]) == (2, agreement)
    not_borrower = bpost("--dev-account", "2", "lending", "movements", "confirm", "SBL-CLI", "1")
    assert not_borrower.code == 1 and "LendingAgreementsNotParty" in not_borrower.err
    confirmed = bpost("--dev-account", "3", "lending", "movements", "confirm", agreement, "1")
    assert confirmed.code == 0, confirmed.err
    opened = lending.open_agreement(fuji, agreement, FUJI, bytes(dev_account(2).key))
    assert [m[2] for m in opened.movements] == [100 * 10**6, -100 * 10**6]

    operator = connect(isolated.url, isolated.deployments, dev_account(0))
    sessions = calendars.sessions_from_exchange_calendars("XTKS", [2026])
    calendars.publish_years(operator, [calendars.year_map("XTKS", 2026, sessions)])
    statement = st.StatementInput(
        FUJI,
        MINATO,
        MatchUnit.AGREEMENT,
        agreement,
        "JPY",
        date(2026, 6, 1),
        date(2026, 6, 30),
        date(2026, 7, 10),
        st.Amounts(27, 0, 0),
    )
    found, _ = st.commit_statement(fuji, statement, b"detail", [FUJI, MINATO])
    minato = connect(isolated.url, isolated.deployments, dev_account(3))
    salt = st.open_statement(minato, found, MINATO, bytes(dev_account(3).key)).salt
    st.submit_figures(minato, found, st.Amounts(29, 0, 0), b"figures", [FUJI, MINATO], salt)

    shown = bpost("--json", "--dev-account", "3", "lending", "statement", "show", found).json()
    assert (shown["status"], shown["key"], shown["fee"], shown["disputed"]) == (
        "break",
        agreement,
        27,
        ["borrower"],
    ), "a party's client opens the amounts"
    anyone = bpost("--json", "lending", "statement", "show", found).json()
    assert "fee" not in anyone, "the chain holds the amounts' commitment only"
    assert anyone["amounts_commitment"] == "0x" + st.get_statement(minato, found).platform.hex()
    assert (shown["start"], shown["end"], shown["agent"]) == ("2026-06-01", "2026-06-30", None)
    # the 14th Tokyo business day after 30 June (Marine Day, 20 July, is a holiday)
    assert shown["overdue_after"] == "2026-07-21" and shown["overdue"] is True
    assert shown["flagged_overdue"] is False
    flagged = bpost("--dev-account", "2", "lending", "statement", "flag-overdue", found)
    assert flagged.code == 0, flagged.err
    both = bpost("--json", "lending", "statement", "show", found, "--history").json()
    assert both["statement"] == found and both["flagged_overdue"] is True, "the statement kept"
    history = both["history"]
    assert [(h["event"], h["by"]) for h in history] == [
        ("StatementCommitted", FUJI),
        ("FiguresSubmitted", MINATO),
        ("StatementFlaggedOverdue", FUJI),
    ]
    listed = bpost("--json", "lending", "statement", "list", "--lei", MINATO).json()
    assert [(s["statement"], s["status"], s["end"]) for s in listed] == [
        (found, "break", "2026-06-30")
    ]
    assert bpost("--json", "lending", "statement", "list", "--lei", KANDA_LEI).json() == []
    bad_id = bpost("lending", "statement", "show", "0x1234")
    assert bad_id.code == 1 and "not 32 bytes of hex" in bad_id.err


def test_statement_withdrawn_then_committed_anew__listed_once_as_the_new_one(
    isolated: Node, bpost: Any, tmp_path: Path
) -> None:
    fuji = connect(isolated.url, isolated.deployments, dev_account(2))
    minato = connect(isolated.url, isolated.deployments, dev_account(3))
    agreement = lending.propose(fuji, TERMS, effective_from=date(2026, 6, 1)).agreement_id
    lending.acknowledge(minato, agreement, 1)
    movements = _movements(tmp_path, "SBL-CLI,2026-06-01,new_loan,100,0\n")
    record = ["lending", "movements", "record", "SBL-CLI", movements]
    assert bpost("--dev-account", "2", *record).code == 0
    assert bpost("--dev-account", "3", "lending", "movements", "confirm", "SBL-CLI", "1").code == 0
    operator = connect(isolated.url, isolated.deployments, dev_account(0))
    sessions = calendars.sessions_from_exchange_calendars("XTKS", [2026])
    calendars.publish_years(operator, [calendars.year_map("XTKS", 2026, sessions)])

    def june(fee: int) -> str:
        found, _ = st.commit_statement(fuji, st.StatementInput(
            FUJI, MINATO, MatchUnit.AGREEMENT, agreement, "JPY", date(2026, 6, 1),
            date(2026, 6, 30), date(2026, 7, 10), st.Amounts(fee, 0, 0),
        ), b"detail", [FUJI, MINATO])  # fmt: skip
        return found

    first = june(27)
    refused = bpost("--dev-account", "3", "lending", "statement", "withdraw", first)
    assert refused.code == 1 and "LendingStatementsNotCloser" in refused.err, "only its closer"
    withdrawn = bpost("--json", "--dev-account", "2", "lending", "statement", "withdraw", first)
    assert withdrawn.json()["status"] == "withdrawn"
    again = june(28)
    assert again == first, "the same period, the same statement id"
    listed = bpost("--json", "lending", "statement", "list", "--lei", FUJI).json()
    assert [(s["statement"], s["status"]) for s in listed] == [(first, "open")]
    shown = bpost("--json", "--dev-account", "2", "lending", "statement", "show", first).json()
    assert (shown["status"], shown["fee"]) == ("open", 28), "the new commitment, not the old"
    where = {"statementId": bytes.fromhex(first[2:])}
    entries = records_of(fuji, "LendingStatements", PROJECTORS, st.STATEMENT_EVENTS, where)
    folded = statement_of(entries)  # what the explorer and the list fold
    assert folded is not None and folded.withdrawn is None
    assert folded.platform == st.get_statement(fuji, first).platform, "the new commitment"
    assert [status for status, _ in folded.history] == [st.StatementStatus.OPEN]
