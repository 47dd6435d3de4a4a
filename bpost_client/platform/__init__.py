"""The platform core: participants, roles, the roster, codes, confidentiality, signers,
deployment and the embedded chain."""
