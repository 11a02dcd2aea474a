"""What can go wrong when estimating the hazard model, as warnings and errors.

Warnings say that a number was estimated but deserves care (few observations,
no convergence) or that a term was left out (no variation, not identified,
collinear). They never carry client values: only term names and counts.
"""

from __future__ import annotations

from rendement.errors import RendementError


class HazardWarning(UserWarning):
    """Base of the warnings of :mod:`rendement.hazard`."""


class DroppedTermsWarning(HazardWarning):
    """Terms without variation in the data (a level never seen, an instrument never used)."""


class FewObservationsWarning(HazardWarning):
    """An effect rests on few entries or few outflows; its estimate is imprecise."""


class SeparationWarning(HazardWarning):
    """A term with no (or only) outflow: its estimate is infinite, so the term was left out.

    The person-months it covers add nothing to the likelihood at that limit, so
    they are left out of the estimation as well; the other estimates are the
    maximum-likelihood estimates.
    """


class CollinearityWarning(HazardWarning):
    """A term is a linear combination of earlier terms and was left out."""


class ConvergenceWarning(HazardWarning):
    """Newton-Raphson stopped at ``maxiter`` before the convergence criterion was met."""


class SparseBaselineWarning(HazardWarning):
    """A baseline piece without outflow was merged with its neighbour."""


class HazardFitError(RendementError):
    """The hazard model cannot be estimated from these data (what is missing and how to fix it)."""

    code = "fit_failed"
