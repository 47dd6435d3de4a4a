"""The HTTP interface of use case 2: the distribution records on chain, for the institutions
that are parties of each fund.

:mod:`.app` (``create_app``) serves :mod:`.endpoints` and :mod:`.login` over an :mod:`.index` of
the chain's records kept current block by block; :mod:`.auth` authenticates callers as
institutions, :mod:`.visibility` decides which funds each sees, :mod:`.paging` and :mod:`.formats`
shape the answers, :mod:`.models` describes them. The OpenAPI description is
``docs/spec/openapi.json`` (:mod:`.openapi` writes it). The modules are imported on demand, so
``bpost api token`` does not load the web framework.
"""

from __future__ import annotations

__all__: list[str] = []
