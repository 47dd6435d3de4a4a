"""`ape run demo_governance`: the consortium admits an institution, idempotent.

The platform's powers sit in the timelock; three founding members (Sakura Asset Management,
Fuji Trust Bank and Minato Securities: dev accounts 1-3) approve its proposals two of three.
Shibuya Custody signs its own admission with its first operator's key (dev account 8); Sakura
proposes the admission, Fuji approves it (the second approval schedules it), the proposal waits
the timelock's delay in public (5 seconds on the embedded chain, 3 on a geth network, where it
passes in wall-clock time: see :func:`_wait_for_delay`), and anyone executes it. A second run
finds Shibuya admitted and sends nothing.
"""

from __future__ import annotations

import time
from typing import Any

import click
from ape.cli import ConnectedProviderCommand

from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError
from bpost_client.platform import governance, participants
from bpost_client.platform.signers import dev_account
from bpost_client.types import InstitutionType

SHIBUYA = "3538000SHIBUYACU0198"


DELAY_MARGIN = 30
"""Seconds a sealing chain may take, past the delay, to seal a block as late as it ends."""


def _wait_for_delay(reader: Client, ready_at: int) -> None:
    """Wait until the proposal's delay has passed in the chain's time.

    The embedded chain mines a block when a transaction comes, at the wall clock's time: the
    delay's seconds of wall time are enough. A geth network seals a block every period whatever
    comes, and a call is estimated against its latest blocks: the delay has passed only once a
    block that late is sealed (geth's clock cannot be moved, as anvil's is in the tests).
    """
    latest = reader.w3.eth.get_block("latest")
    wait = max(0, ready_at - int(latest["timestamp"]))
    click.echo(f"the timelock holds it for {wait} s")
    time.sleep(wait + 1)
    if reader.w3.eth.block_number == int(latest["number"]):
        return  # no block sealed meanwhile: a chain that mines on demand
    deadline = time.monotonic() + DELAY_MARGIN
    while int(reader.w3.eth.get_block("latest")["timestamp"]) < ready_at:
        if time.monotonic() > deadline:
            raise BPostError(f"no block sealed at or after {ready_at} within {DELAY_MARGIN} s")
        time.sleep(0.2)


@click.command(cls=ConnectedProviderCommand)
@click.option("--deployments", default="deployments", show_default=True)
def cli(provider: Any, deployments: str) -> None:
    """Admit Shibuya Custody through the consortium: proposed, approved 2 of 3, executed."""
    try:
        reader = connect(provider.http_uri, deployments)
        if participants.institution_of(reader, dev_account(8).address) == SHIBUYA:
            click.echo(f"{SHIBUYA} is admitted already: nothing to propose")
            return
        sakura, fuji = (reader.with_account(dev_account(i)) for i in (1, 2))
        shibuya_key = dev_account(8)
        spec = participants.InstitutionSpec(
            SHIBUYA, "Shibuya Custody Co., Ltd.", InstitutionType.CUSTODIAN,
            participants.encryption_key_of(shibuya_key), (shibuya_key.address,),
        )  # fmt: skip
        admission = participants.admission_of(reader, shibuya_key, spec)
        click.echo(f"Shibuya signs its admission with {admission.operator}")
        call = participants.register_institution_call(spec, admission, reader)
        proposal, _ = governance.propose_calls(sakura, [call], f"admit {SHIBUYA}")
        click.echo(f"Sakura proposes 0x{proposal.hex()}: 1 of 2 approvals")
        governance.approve(fuji, proposal)
        record = governance.get_proposal(reader, proposal)
        click.echo(f"Fuji approves: {record.approvals} of 2, {record.status.name.lower()}")
        _wait_for_delay(reader, record.ready_at)
        governance.execute(fuji, proposal)
        admitted = participants.get_institution(reader, SHIBUYA)
        operators = ", ".join(admitted.operators)
        click.echo(f"executed: {admitted.legal_name} admitted, operators {operators}")
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
