"""The ``rendement`` command (:mod:`~rendement.cli.main`), its subcommands
(:mod:`rendement.cli.commands`, one module each) and the ``make demo`` driver
(:mod:`~rendement.cli.demo`): thin layers over the Python API."""
