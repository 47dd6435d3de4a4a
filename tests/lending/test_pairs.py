"""A pair's settings through the client: a proposal whose sealed secrets the other party cannot
open is found by its check, refused on chain and not accepted; the next proposal is."""

from __future__ import annotations

import pytest

from bpost_client import exceptions
from bpost_client.client import Client, connect
from bpost_client.identifiers import bytes20_from_lei
from bpost_client.lending import pairs as lp
from bpost_client.lending.matching import MatchUnit
from bpost_client.platform.confidential import seal
from bpost_client.platform.keys import recipient_keys
from bpost_client.platform.signers import dev_account
from tests.conftest import Node

FUJI, MINATO = "3538000FUJITRUST0138", "3538000MINATOSEC0159"
FUJI_KEY, MINATO_KEY = bytes(dev_account(2).key), bytes(dev_account(3).key)


@pytest.fixture
def minato(isolated: Node) -> Client:
    return connect(isolated.url, isolated.deployments, dev_account(3))


def test_refusal__secrets_sealed_with_a_wrong_binding__checked_refused_not_accepted(
    trustee: Client, minato: Client
) -> None:
    """Fuji seals its first settings' secrets bound to version 2, so they open for nobody:
    Minato's check refuses them on chain, and accepting them is refused with the contract's
    error; Fuji's next proposal opens and is accepted."""
    secrets = lp.PairSecrets(5, b"\x21" * 32).to_bytes()
    wrong = lp.secrets_binding(trustee, FUJI, MINATO, 2)
    sealed = seal(secrets, recipient_keys(trustee, [FUJI, MINATO]), wrong)
    pair = (bytes20_from_lei(FUJI), bytes20_from_lei(MINATO))
    call = trustee.contract("LendingPairs").functions.proposePairSettings(
        *pair, 0, bytes(20), b"XTKS", 14, 1, sealed.to_abi()
    )
    trustee.sender.send(call, "secrets sealed for another version")
    assert lp.check_pair_settings(trustee, FUJI, MINATO, FUJI, FUJI_KEY) is None, "its own"
    checked = lp.check_pair_settings(minato, FUJI, MINATO, MINATO, MINATO_KEY)
    assert checked is not None
    assert (checked.version, checked.proposed_by, checked.reason, checked.refused) == (
        1,
        FUJI,
        lp.Refusal.UNOPENABLE,
        True,
    ), checked.problem
    again = lp.check_pair_settings(minato, FUJI, MINATO, MINATO, MINATO_KEY)
    assert again is not None and not again.refused, "refused once"
    accept = minato.contract("LendingPairs").functions.acceptPairSettings(*pair, 1)
    with pytest.raises(exceptions.LendingPairsSettingsRefused) as refused:
        minato.sender.send(accept, "accept refused settings")
    assert refused.value.arguments["version"] == 1
    lp.propose_pair_settings(trustee, FUJI, MINATO, MatchUnit.AGREEMENT, tolerance=5)
    checked = lp.check_pair_settings(minato, FUJI, MINATO, MINATO, MINATO_KEY)
    assert checked is not None and (checked.version, checked.reason) == (2, None)
    lp.accept_pair_settings(minato, FUJI, MINATO, 2, MINATO, MINATO_KEY)
    assert lp.pair_settings(minato, FUJI, MINATO).version == 2
    assert lp.check_pair_settings(minato, FUJI, MINATO, MINATO, MINATO_KEY) is None, "accepted"
