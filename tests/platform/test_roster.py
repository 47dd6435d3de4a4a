"""Roster files: every bad row named before sending, idempotent application, conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpost_client.client import Client
from bpost_client.exceptions import ValidationError
from bpost_client.platform import roster
from bpost_client.platform.participants import encryption_key_of, get_institution
from bpost_client.platform.roles import has_role
from bpost_client.types import Role
from tests.conftest import DEMO_ROSTER
from tests.helpers import fresh_account, make_lei

KEY = "0x" + encryption_key_of(fresh_account()).hex()


def bad_check_digits(lei: str) -> str:
    return lei[:-2] + f"{(int(lei[-2:]) + 1) % 100:02d}"


def csv_text(*rows: str) -> str:
    return "lei,legal_name,type,encryption_key,address,roles\n" + "\n".join(rows) + "\n"


def test_parse_csv__bad_rows__each_named_with_row_and_column() -> None:
    good = fresh_account().address
    text = csv_text(
        f"{make_lei(1)},Good Bank,custodian,{KEY},{good},CUSTODIAN",
        f"{bad_check_digits(make_lei(2))},Bad Lei,custodian,{KEY},{fresh_account().address},"
        "CUSTODIAN",
        f"{make_lei(3)},Bad Role,custodian,{KEY},{fresh_account().address},CUSTODIAN;KING",
        f"{make_lei(4)},Bad Address,custodian,{KEY},0x1234,OBSERVER",
        f"{make_lei(5)},Bad Type,bakery,{KEY},{fresh_account().address},OBSERVER",
    )
    with pytest.raises(ValidationError) as caught:
        roster.parse_roster(text, "csv")
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "lei"), (4, "roles"), (5, "address"), (6, "type")}
    assert "KING" in str(caught.value) and "row 4, column roles" in str(caught.value)


def test_parse_csv__same_lei_differing_names__refused() -> None:
    text = csv_text(
        f"{make_lei(1)},One Name,custodian,{KEY},{fresh_account().address},CUSTODIAN",
        f"{make_lei(1)},Other Name,custodian,{KEY},{fresh_account().address},OBSERVER",
    )
    with pytest.raises(ValidationError) as caught:
        roster.parse_roster(text, "csv")
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "legal_name")]


def test_parse_yaml__address_twice__refused_with_its_path() -> None:
    address = fresh_account().address
    text = f"""
institutions:
  - lei: {make_lei(1)}
    legal_name: One
    type: custodian
    encryption_key: "{KEY}"
    operators: [{{address: "{address}", roles: [CUSTODIAN]}}]
  - lei: {make_lei(2)}
    legal_name: Two
    type: custodian
    encryption_key: "{KEY}"
    operators: [{{address: "{address}", roles: [OBSERVER]}}]
"""
    with pytest.raises(ValidationError) as caught:
        roster.parse_roster(text, "yaml")
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "institutions[2].operators[1].address")
    ]


def test_parse__default_admin_in_a_roster__refused() -> None:
    text = csv_text(f"{make_lei(1)},One,custodian,{KEY},{fresh_account().address},DEFAULT_ADMIN")
    with pytest.raises(ValidationError, match="two steps"):
        roster.parse_roster(text, "csv")


def test_read__unknown_extension__refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.txt"
    path.write_text("x")
    with pytest.raises(ValidationError, match=r"yaml, \.yml or \.csv"):
        roster.read_roster(path)


def test_apply__demo_roster_again__plans_nothing(operator: Client) -> None:
    plan = roster.plan_roster(operator, roster.read_roster(DEMO_ROSTER))
    assert plan.actions == [] and plan.left_alone == []


def test_apply__csv_roster__registers_then_is_idempotent(operator: Client, tmp_path: Path) -> None:
    first, second = fresh_account().address, fresh_account().address
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(
        f"{make_lei(7)},Seven Custody,custodian,{KEY},{first},CUSTODIAN;OBSERVER",
        f"{make_lei(7)},Seven Custody,custodian,{KEY},{second},OBSERVER",
    ), encoding="utf-8-sig")  # fmt: skip
    parsed = roster.read_roster(path)
    sent = roster.apply_plan(operator, roster.plan_roster(operator, parsed))
    assert sent == 4  # register with both operators, then three role grants
    assert get_institution(operator, make_lei(7)).operators == (first, second)
    assert has_role(operator, Role.CUSTODIAN, first) and has_role(operator, Role.OBSERVER, second)
    assert roster.plan_roster(operator, parsed).actions == []


def test_plan__address_bound_elsewhere__refused_and_nothing_sent(operator: Client) -> None:
    taken = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # the demo asset manager's
    text = csv_text(f"{make_lei(8)},Eight,custodian,{KEY},{taken},CUSTODIAN")
    head = operator.w3.eth.block_number
    with pytest.raises(ValidationError, match="acts for 3538000SAKURAAM00151"):
        roster.plan_roster(operator, roster.parse_roster(text, "csv"))
    assert operator.w3.eth.block_number == head


def test_plan__changed_name_and_new_operator__plans_only_those(operator: Client) -> None:
    text = (Path(DEMO_ROSTER).read_text()
            .replace("Kanda Bank, Ltd.", "Kanda Bank Ltd")
            .replace('roles: [DISTRIBUTOR]\n  - lei: 3538000NIHON',
                     f'roles: [DISTRIBUTOR]\n      - address: "{fresh_account().address}"\n'
                     '        roles: [OBSERVER]\n  - lei: 3538000NIHON'))  # fmt: skip
    plan = roster.plan_roster(operator, roster.parse_roster(text, "yaml"))
    kinds = sorted(a.description.split()[0] for a in plan.actions)
    assert kinds == ["bind", "grant", "rename"]
