"""The consortium network: geth Clique validators run by the members, and members' own nodes.

``geth`` (the pinned binary and a node's command line), ``genesis`` (pure), ``description`` (the
network file the CLI, the client and the deployer read), ``init`` (a network's directory) and
``lifecycle`` (start, stop, status). anvil (``platform.chain``) stays the embedded development
chain; this is the engine a consortium runs.
"""
