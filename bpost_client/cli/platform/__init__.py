"""`bpost` commands of the platform core: the embedded chain, deployment, participants, roles
and status."""
