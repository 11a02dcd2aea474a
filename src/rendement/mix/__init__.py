"""The optimal mix: instruments of several meters on one client (issue 18).

* :mod:`rendement.mix.combos` -- combinations of at most one instrument per meter, scheduled;
* :mod:`rendement.mix.score` -- their returns per client (:func:`score_mix`, ``returns_mix.csv``);
* :mod:`rendement.mix.caseload` -- the same for the caseload of a data folder, with each
  client's posterior type weights for a timing-of-events model (:func:`score_mix_caseload`);
* :mod:`rendement.mix.plan` -- the plan over combinations under every instrument's places
  and a budget, and its comparison with planning each meter separately;
* :mod:`rendement.mix.additivity` -- does the data support adding the effects of two
  instruments on the log-hazard scale? (a likelihood-ratio and Wald test of their interaction)
"""

from __future__ import annotations

from rendement.mix.combos import JOIN, Combination, combinations
from rendement.mix.score import MIX_COLUMNS, MixScore, score_mix

__all__ = ["JOIN", "MIX_COLUMNS", "Combination", "MixScore", "combinations", "score_mix"]
