"""Roles: grant, revoke, ask, list the holders, and hand the default admin over in two steps."""

from __future__ import annotations

import pandas as pd
from web3.types import TxReceipt

from bpost_client.client import Client
from bpost_client.identifiers import check_address
from bpost_client.platform.participants import institution_of
from bpost_client.platform.projection import PROJECTORS, records_of, roles_held
from bpost_client.types import Lei, Role

__all__ = [
    "accept_admin_transfer",
    "begin_admin_transfer",
    "grant_role",
    "has_role",
    "revoke_role",
    "role_holders",
    "role_institutions",
]

CONTRACT = "PlatformAccess"


def has_role(client: Client, role: Role, account: str) -> bool:
    """Whether ``account`` holds ``role``."""
    access = client.contract(CONTRACT)
    return bool(client.read(access.functions.hasRole(role.id, check_address(account))))


def grant_role(client: Client, role: Role, account: str) -> TxReceipt:
    """Grant ``role`` to ``account`` (the default admin only)."""
    call = client.contract(CONTRACT).functions.grantRole(role.id, check_address(account))
    return client.sender.send(call, f"grant {role.name} to {account}")


def revoke_role(client: Client, role: Role, account: str) -> TxReceipt:
    """Revoke ``role`` from ``account`` (the default admin only)."""
    call = client.contract(CONTRACT).functions.revokeRole(role.id, check_address(account))
    return client.sender.send(call, f"revoke {role.name} from {account}")


def begin_admin_transfer(client: Client, new_admin: str) -> TxReceipt:
    """Step one of a default-admin handover: propose ``new_admin`` (the current admin only)."""
    call = client.contract(CONTRACT).functions.beginDefaultAdminTransfer(check_address(new_admin))
    return client.sender.send(call, f"propose {new_admin} as default admin")


def accept_admin_transfer(client: Client) -> TxReceipt:
    """Step two: the proposed admin accepts, once the delay has passed."""
    call = client.contract(CONTRACT).functions.acceptDefaultAdminTransfer()
    return client.sender.send(call, "accept the default admin role")


def role_holders(client: Client) -> pd.DataFrame:
    """Who holds which role now, from the grant and revoke records since the deployment.

    Columns: role, account, institution (LEI or empty), granted_block.
    """
    rows = []
    for (_, account), granted in roles_held(
        records_of(client, CONTRACT, PROJECTORS, ["RoleGranted", "RoleRevoked"])
    ).items():
        role = Role.from_id(bytes.fromhex(str(granted.data["role"]).removeprefix("0x")))
        lei = institution_of(client, account)
        rows.append(
            {
                "role": role.name,
                "account": account,
                "institution": lei or "",
                "granted_block": granted.block_number,
            }
        )
    frame = pd.DataFrame(rows, columns=["role", "account", "institution", "granted_block"])
    return frame.sort_values(["role", "account"], ignore_index=True)


def role_institutions(client: Client, role: Role) -> set[Lei]:
    """The institutions of the accounts that hold ``role`` now (an account bound to no
    institution left out)."""
    held = roles_held(records_of(client, CONTRACT, PROJECTORS, ["RoleGranted", "RoleRevoked"]))
    found = set()
    for name, account in held:
        if name == role.value and (lei := institution_of(client, account)) is not None:
            found.add(Lei(lei))
    return found
