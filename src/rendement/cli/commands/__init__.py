"""Subcommands of the ``rendement`` CLI: one module each, with ``register`` and ``run``."""
