"""Which terms the data can identify; the others are left out and reported.

Three reasons, checked in this order until nothing changes:

1. **no variation** - the term is 0 in every person-month (a level never seen,
   an instrument never used, an after-effect modifier nobody has);
2. **separation** - the term is non-zero only in person-months without any
   outflow (or only with outflow): its maximum-likelihood estimate is minus
   (plus) infinity. At that limit those person-months add nothing to the
   likelihood, so they are left out too and the remaining estimates are the
   exact maximum-likelihood estimates of the other terms;
3. **collinearity** - the term is (numerically) a linear combination of
   earlier terms; the later term goes, so baseline pieces are kept before client
   terms, and client terms before instrument terms.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from rendement.hazard.cells import CellDesign
from rendement.hazard.newton import weighted_gram
from rendement.hazard.warnings import CollinearityWarning, DroppedTermsWarning, SeparationWarning

#: A column whose (uncentred, exposure-weighted) residual share after projection on the
#: earlier columns is below this is collinear.
COLLINEARITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DroppedTerm:
    """A term left out of the estimation, why, and how many person-months went with it."""

    term: str
    reason: str
    person_months_excluded: int = 0


def identify(design: CellDesign) -> tuple[CellDesign, list[DroppedTerm]]:
    """The design restricted to identified terms (and cells), and the dropped terms."""
    dropped: list[DroppedTerm] = []
    while True:
        design, zero = _drop_without_variation(design)
        design, separated = _drop_separated(design)
        dropped += zero + separated
        if not zero and not separated:
            break
    design, collinear = _drop_collinear(design)
    dropped += collinear
    _warn(dropped)
    return design, dropped


def _drop_without_variation(design: CellDesign) -> tuple[CellDesign, list[DroppedTerm]]:
    nonzero = np.any(design.exog != 0.0, axis=0)
    if nonzero.all():
        return design, []
    gone = [
        DroppedTerm(c, "no variation: never non-zero in the data")
        for c, ok in zip(design.columns, nonzero, strict=True)
        if not ok
    ]
    keep = [c for c, ok in zip(design.columns, nonzero, strict=True) if ok]
    return design.subset(columns=keep), gone


def _drop_separated(design: CellDesign) -> tuple[CellDesign, list[DroppedTerm]]:
    x = design.exog
    excluded = np.zeros(design.n_cells, dtype=bool)
    gone: list[DroppedTerm] = []
    for j, name in enumerate(design.columns):
        col = x[:, j]
        on = col != 0.0
        one_signed = bool((col[on] > 0).all() or (col[on] < 0).all())
        if not one_signed or on.all():
            continue
        events = design.events[on]
        trials = design.trials[on]
        if events.sum() == 0:
            reason = "separation: no outflow in any person-month where the term applies"
        elif np.array_equal(events, trials):
            reason = "separation: outflow in every person-month where the term applies"
        else:
            continue
        newly = on & ~excluded
        gone.append(DroppedTerm(name, reason, int(round(float(design.trials[newly].sum())))))
        excluded |= on
    if not gone:
        return design, []
    keep = [c for c in design.columns if c not in {d.term for d in gone}]
    return design.subset(cells=~excluded, columns=keep), gone


def _drop_collinear(design: CellDesign) -> tuple[CellDesign, list[DroppedTerm]]:
    x = design.exog
    gram = weighted_gram(x, design.trials)
    scale = np.sqrt(np.diag(gram))
    scale[scale == 0] = 1.0
    corr = gram / np.outer(scale, scale)
    kept: list[int] = []
    gone: list[DroppedTerm] = []
    for j, name in enumerate(design.columns):
        if kept:
            sub = corr[np.ix_(kept, kept)]
            v = corr[kept, j]
            resid = corr[j, j] - v @ np.linalg.solve(sub, v)
        else:
            resid = corr[j, j]
        if resid > COLLINEARITY_TOLERANCE:
            kept.append(j)
        else:
            gone.append(DroppedTerm(name, "collinear with earlier terms"))
    if not gone:
        return design, []
    return design.subset(columns=[design.columns[j] for j in kept]), gone


def _warn(dropped: list[DroppedTerm]) -> None:
    zero = [d.term for d in dropped if d.reason.startswith("no variation")]
    sep = [d for d in dropped if d.reason.startswith("separation")]
    col = [d.term for d in dropped if d.reason.startswith("collinear")]
    if zero:
        warnings.warn(
            f"{len(zero)} term(s) have no variation in the data and were left out: {', '.join(zero)}",
            DroppedTermsWarning,
            stacklevel=4,
        )
    for d in sep:
        warnings.warn(
            f"term '{d.term}' left out ({d.reason}); its {d.person_months_excluded} person-month(s) "
            "add nothing to the likelihood at the infinite estimate and were excluded. "
            "Fix: merge the level or instrument with a similar one, or collect more data.",
            SeparationWarning,
            stacklevel=4,
        )
    if col:
        warnings.warn(
            f"term(s) {', '.join(col)} are linear combinations of earlier terms and were left out. "
            "Fix: check for a level that every client has, or an instrument that always "
            "coincides with another.",
            CollinearityWarning,
            stacklevel=4,
        )
