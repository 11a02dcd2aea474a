"""The timing-of-events model: outflow and instrument entry with unobserved heterogeneity.

Abbring and Van den Berg (2003) in discrete time: the outflow hazard of the
default model plus an unobserved type term, jointly with the hazard of entering
an instrument of the meter, the types' joint distribution discrete with ``K``
mass points (Heckman-Singer non-parametric maximum likelihood). Dynamic
selection (who is still on benefit, who gets an instrument) then no longer
biases the lock-in and after-effects.

    >>> from rendement.hazard.toe import fit_timing_of_events, posterior_type_weights
    >>> res = fit_timing_of_events(panel, spec, instruments_catalogue=cat)  # doctest: +SKIP
    >>> model = res.to_model()  # doctest: +SKIP
    >>> W = posterior_type_weights(model, panel_at_as_of, caseload)  # doctest: +SKIP
"""

from rendement.hazard.toe.fit import MixtureIdentificationWarning, fit_timing_of_events
from rendement.hazard.toe.posterior import caseload_type_weights, posterior_type_weights
from rendement.hazard.toe.results import TimingOfEventsResults

__all__ = [
    "MixtureIdentificationWarning",
    "TimingOfEventsResults",
    "caseload_type_weights",
    "fit_timing_of_events",
    "posterior_type_weights",
]
