"""`bpost` commands of the platform core: the embedded chain, deployment, participants, roles,
code namespaces and status."""
