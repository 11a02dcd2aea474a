"""Parameter draws of a timing-of-events model that vary the mixture too.

The intervals of months saved and net return come from scoring parameter
draws (:mod:`rendement.scoring.intervals`). For a timing-of-events model the mass
points, their probabilities and the entry equation are estimated jointly with
the outflow coefficients, and strongly correlated with them (a lower baseline
and a faster type explain the same outflow). A draw therefore takes the whole
parameter vector from ``N(theta, V)`` with the joint clustered covariance that
the fit stores (``metadata["mixture_parameters"]["joint"]``), and each draw
weighs the types again by its own posterior given the client's history
(:class:`rendement.hazard.toe.posterior.ClientHistories`).

Models without the joint covariance (fitted before it was stored, expert or
borrowed models) have no mixture draws: their intervals hold the mixture fixed
and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel, Heterogeneity


def joint_covariance(model: HazardModel) -> tuple[list[str], np.ndarray] | None:
    """``(terms, covariance)`` of every estimated parameter, when the model stores it."""
    mix: Any = model.metadata.get("mixture_parameters")
    if not isinstance(mix, Mapping) or not isinstance(mix.get("joint"), Mapping):
        return None
    joint = mix["joint"]
    terms = [str(t) for t in joint["terms"]]
    cov = np.asarray(joint["covariance"], dtype=float)
    if cov.shape != (len(terms), len(terms)) or not np.isfinite(cov).all():
        return None
    return terms, cov


def draw_models(model: HazardModel, n_draws: int, seed: int) -> list[HazardModel] | None:
    """``n_draws`` models whose coefficients, entry equation and mass points are drawn jointly
    from ``N(estimate, joint covariance)`` (seeded); ``None`` without a joint covariance."""
    het = model.heterogeneity
    found = joint_covariance(model)
    if het is None or found is None or len(het.locations) < 2:
        return None
    terms, cov = found
    from rendement.scoring.intervals import normal_deviations

    draws = _estimate(model, terms)[None, :] + normal_deviations(cov, n_draws, seed)
    return [_model_at(model, terms, draws[r]) for r in range(n_draws)]


def _estimate(model: HazardModel, terms: list[str]) -> np.ndarray:
    het = model.heterogeneity
    assert het is not None
    ep = model.entry_params if model.entry_params is not None else pd.Series(dtype=float)
    logits = np.log(np.clip(np.asarray(het.probabilities, dtype=float), 1e-300, None))
    logits = logits - logits[0]
    values = []
    for t in terms:
        if t.startswith("mixture:"):
            name, k = t.removeprefix("mixture:").rstrip("]").split("[")
            i = int(k) - 1
            offsets = dict(zip(het.entry_channels[1:], het.channel_offsets, strict=True))
            if name.startswith("v_entry:"):
                source = offsets[name.removeprefix("v_entry:")]
            else:
                source = {
                    "v_outflow": het.locations,
                    "v_entry": het.entry_locations,
                    "logit": tuple(logits),
                }[name]
            values.append(float(source[i]))
        elif t.startswith("entry:"):
            values.append(float(ep[t.removeprefix("entry:")]))
        else:
            values.append(float(model.params[t]))
    return np.asarray(values)


def _model_at(model: HazardModel, terms: list[str], theta: np.ndarray) -> HazardModel:
    """``model`` with the parameters ``theta`` (named ``terms``) put in."""
    het = model.heterogeneity
    assert het is not None
    K = len(het.locations)
    v_o = np.zeros(K)
    v_e = np.zeros(K) if het.entry_locations else np.zeros(0)
    logits = np.zeros(K)
    offsets = {c: np.zeros(K) for c in het.entry_channels[1:]}
    params = model.params.copy()
    entry = model.entry_params.copy() if model.entry_params is not None else None
    for t, value in zip(terms, theta, strict=True):
        if t.startswith("mixture:"):
            name, k = t.removeprefix("mixture:").rstrip("]").split("[")
            target = {"v_outflow": v_o, "v_entry": v_e, "logit": logits}
            target |= {f"v_entry:{c}": o for c, o in offsets.items()}
            target[name][int(k) - 1] = value
        elif t.startswith("entry:"):
            if entry is not None:
                entry[t.removeprefix("entry:")] = value
        else:
            params[t] = value
    p = np.exp(logits - logits.max())
    p /= p.sum()
    drawn = Heterogeneity(
        tuple(float(x) for x in v_o),
        tuple(float(x) for x in p),
        tuple(float(x) for x in v_e),
        het.entry_process,
        het.entry_channels,
        tuple(tuple(float(x) for x in offsets[c]) for c in het.entry_channels[1:]),
    )
    return replace(model, params=params, heterogeneity=drawn, entry_params=entry)
