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
    """The first operator's key is at hand (the caller holds it, as on a development chain), so
    the admission is signed; the second address is the institution's own to bind."""
    first_key, second = fresh_account(), fresh_account().address
    first = first_key.address
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(
        f"{make_lei(7)},Seven Custody,custodian,{KEY},{first},CUSTODIAN;OBSERVER",
        f"{make_lei(7)},Seven Custody,custodian,{KEY},{second},OBSERVER",
    ), encoding="utf-8-sig")  # fmt: skip
    parsed = roster.read_roster(path)
    plan = roster.plan_roster(operator, parsed, [first_key])
    assert plan.top_ups == [], "the embedded chain (base fee 0) is gas-free: no ether sent"
    assert roster.apply_plan(operator, plan) == 4  # register, then three role grants
    assert operator.w3.eth.get_balance(first) == 0
    assert [n for n in plan.left_alone if second in n] == [
        f"bind {second} to {make_lei(7)}: the institution's own operator does it, with the "
        "address's consent (bpost participants add-operator)"
    ]
    assert get_institution(operator, make_lei(7)).operators == (first,)
    assert has_role(operator, Role.CUSTODIAN, first) and has_role(operator, Role.OBSERVER, second)
    assert roster.plan_roster(operator, parsed).actions == []


def test_plan__new_institution_without_its_signature__refused_naming_the_row(
    operator: Client,
) -> None:
    text = csv_text(f"{make_lei(9)},Nine,custodian,{KEY},{fresh_account().address},CUSTODIAN")
    with pytest.raises(ValidationError) as caught:
        roster.plan_roster(operator, roster.parse_roster(text, "csv"))
    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "admission_signature")


def test_plan__admission_signature_in_the_roster__admits(operator: Client) -> None:
    from bpost_client.platform.participants import InstitutionSpec, admission_of
    from bpost_client.types import InstitutionType

    account = fresh_account()
    key = bytes.fromhex(KEY[2:])
    spec = InstitutionSpec(make_lei(10), "Ten", InstitutionType.CUSTODIAN, key, (account.address,))
    signature = "0x" + admission_of(operator, account, spec).signature.hex()
    text = (
        "lei,legal_name,type,encryption_key,address,roles,admission_signature\n"
        f"{make_lei(10)},Ten,custodian,{KEY},{account.address},CUSTODIAN,{signature}\n"
    )
    roster.apply_plan(operator, roster.plan_roster(operator, roster.parse_roster(text, "csv")))
    assert get_institution(operator, make_lei(10)).operators == (account.address,)


def test_roster__key_rotated_by_the_institution__left_alone(
    operator: Client, asset_manager: Client
) -> None:
    from bpost_client.platform.participants import set_encryption_key

    rotated = encryption_key_of(fresh_account())
    set_encryption_key(asset_manager, "3538000SAKURAAM00151", rotated)
    plan = roster.plan_roster(operator, roster.read_roster(DEMO_ROSTER))
    assert plan.actions == []
    assert plan.left_alone == [
        "3538000SAKURAAM00151 holds another encryption key on chain: an institution rotates "
        "its own key, the roster never overwrites it"
    ]
    assert get_institution(operator, "3538000SAKURAAM00151").encryption_key == rotated


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
    assert kinds == ["grant", "rename"]
    assert [n.split()[0] for n in plan.left_alone] == ["bind"]
