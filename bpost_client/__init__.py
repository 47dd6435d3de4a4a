"""bpost_client: the library institutions use to work with B-POST over any EVM JSON-RPC node.

Start with :func:`connect`; the domain modules (``participants``, ``roles``, ``roster``) take the
client it returns. Nothing here imports Ape: the contracts' ABIs ship in ``bpost_client/abi``.
"""

from bpost_client.client import Client, connect
from bpost_client.exceptions import BPostError, ContractRevert, ValidationError

__all__ = ["BPostError", "Client", "ContractRevert", "ValidationError", "connect"]
__version__ = "0.1.0"
