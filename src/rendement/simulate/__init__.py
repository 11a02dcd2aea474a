"""Droomstad, the demonstration municipality, and its exact ground truth.

::

    from rendement.simulate import SimulationConfig, simulate
    sim = simulate(SimulationConfig(clients=5000, seed=1, as_of="2026-01-01"))
    sim.write(data_dir, truth_dir)

The data folder holds the four tables of the data contract; the truth folder
the true model (``parameters.json`` and a model folder ``model/``), and for the
caseload at the extraction date the exact expected durations, outflow chances
and returns (``caseload.csv``, ``returns.csv``). See :mod:`.parameters` for the
true model and :mod:`.truth` for what "exact" means.
"""

from rendement.simulate.config import SimulationConfig, SimulationConfigError
from rendement.simulate.simulation import Simulation, SimulationSummary, simulate

__all__ = [
    "Simulation",
    "SimulationConfig",
    "SimulationConfigError",
    "SimulationSummary",
    "simulate",
]
