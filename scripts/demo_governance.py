"""`ape run demo_governance`: the consortium admits an institution, idempotent.

The platform's powers sit in the timelock; three founding members (Sakura Asset Management,
Fuji Trust Bank and Minato Securities: dev accounts 1-3) approve its proposals two of three.
Shibuya Custody signs its own admission with its first operator's key (dev account 8); Sakura
proposes the admission, Fuji approves it (the second approval schedules it), the proposal waits
the embedded chain's delay (5 seconds) in public, and anyone executes it. A second run finds
Shibuya admitted and sends nothing.
"""

from __future__ import annotations

import time
from typing import Any

import click
from ape.cli import ConnectedProviderCommand

from bpost_client.client import connect
from bpost_client.exceptions import BPostError
from bpost_client.platform import governance, participants
from bpost_client.platform.signers import dev_account
from bpost_client.types import InstitutionType

SHIBUYA = "3538000SHIBUYACU0198"


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
        wait = max(0, record.ready_at - int(reader.w3.eth.get_block("latest")["timestamp"]))
        click.echo(f"the timelock holds it for {wait} s")
        time.sleep(wait + 1)
        governance.execute(fuji, proposal)
        admitted = participants.get_institution(reader, SHIBUYA)
        operators = ", ".join(admitted.operators)
        click.echo(f"executed: {admitted.legal_name} admitted, operators {operators}")
    except BPostError as exc:
        raise click.ClickException(str(exc)) from exc
