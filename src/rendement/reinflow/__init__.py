"""Re-inflow: coming back to benefit after a spell, and months on benefit counting returns.

* :mod:`.panel` - months off benefit after every ended spell (by baseline piece);
* :mod:`.model` - :class:`ReinflowModel` (data only) and the exit mix;
* :mod:`.fit` - estimation with the cloglog machinery of :mod:`rendement.hazard`;
* :mod:`.chain` - the Markov chain of expected months on benefit over the horizon.
"""

from rendement.reinflow.fit import fit_reinflow
from rendement.reinflow.model import ExitMix, ReinflowModel

__all__ = ["ExitMix", "ReinflowModel", "fit_reinflow"]
