"""Estimation of the discrete-time proportional hazards model of leaving benefit.

Complementary log-log binomial model on person-months collapsed into cells,
piecewise-constant baseline, client terms at inflow, instrument states
(lock-in and after-effects), standard errors clustered by client.

    >>> from rendement.hazard import fit_hazard
    >>> res = fit_hazard(panel, spec, instruments_catalogue=data.instruments)  # doctest: +SKIP
    >>> print(res.summary())  # doctest: +SKIP
    >>> model = res.to_model()  # doctest: +SKIP
"""

from rendement.hazard.cells import CellDesign, collapse_rows
from rendement.hazard.design import (
    PanelDesign,
    PanelLike,
    instrument_counts,
    panel_design,
    person_month_design,
)
from rendement.hazard.estimate import CellFit, fit_cells, fit_cloglog, fit_hazard
from rendement.hazard.results import HazardResults
from rendement.hazard.warnings import (
    CollinearityWarning,
    ConvergenceWarning,
    DroppedTermsWarning,
    FewObservationsWarning,
    HazardFitError,
    HazardWarning,
    SeparationWarning,
    SparseBaselineWarning,
)

__all__ = [
    "CellDesign",
    "CellFit",
    "CollinearityWarning",
    "ConvergenceWarning",
    "DroppedTermsWarning",
    "FewObservationsWarning",
    "HazardFitError",
    "HazardResults",
    "HazardWarning",
    "PanelDesign",
    "PanelLike",
    "SeparationWarning",
    "SparseBaselineWarning",
    "collapse_rows",
    "fit_cells",
    "fit_cloglog",
    "fit_hazard",
    "instrument_counts",
    "panel_design",
    "person_month_design",
]
