"""Time scoring with the re-inflow chain against today's spell-only scoring.

Run: ``.venv/bin/python benchmarks/bench_reinflow.py [--clients 400000] [--draws 5]
[--draw-clients 50000]``.

The same made-up outflow model and caseload as ``bench_score.py`` (400,000 clients x 8
instruments x 60 months), plus a made-up re-inflow model (the default re-inflow baseline,
seeded random client terms, a durability effect per instrument). Reported: the point score
spell-only and with the chain (the issue's target: at most 3x), and the cost of a parameter
draw for the intervals of both.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import pandas as pd
from bench_score import CODES, made_up_caseload, made_up_model

from rendement.model.hazard_model import HazardModel
from rendement.reinflow.model import WORK_TERM, ExitMix, ReinflowModel, flag_terms
from rendement.reinflow.panel import piece_terms
from rendement.scoring.caseload import score_clients


def made_up_reinflow(model: HazardModel, seed: int = 3) -> ReinflowModel:
    rng = np.random.default_rng(seed)
    spec = model.spec
    terms = [*piece_terms(), *spec.client_terms(), WORK_TERM, *flag_terms(spec.instruments)]
    params = pd.Series(rng.normal(0.0, 0.2, len(terms)), index=terms)
    base = (-4.2, -3.8, -3.9, -4.9, -5.0, -9.0)
    for t, b in zip(piece_terms(), base, strict=True):
        params[t] = b
    a = rng.normal(size=(len(terms), len(terms)))
    cov = pd.DataFrame(a @ a.T / len(terms) * 0.003, index=terms, columns=terms)
    mix = ExitMix(returnable_share=0.85, work_share=0.45, n_exits=10_000)
    return ReinflowModel(spec, params, cov, tuple(spec.instruments), mix)


def _timed(model: HazardModel, frame: pd.DataFrame, **kw: object) -> tuple[float, float, object]:
    t0, c0 = time.perf_counter(), time.process_time()
    score = score_clients(model, frame, **kw)  # type: ignore[arg-type]
    return time.perf_counter() - t0, time.process_time() - c0, score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=400_000)
    ap.add_argument("--draws", type=int, default=5)
    ap.add_argument("--draw-clients", type=int, default=50_000)
    args = ap.parse_args()
    spell_model = made_up_model()
    chain_model = replace(spell_model, reinflow=made_up_reinflow(spell_model))
    frame = made_up_caseload(args.clients)
    w0, c0, _ = _timed(spell_model, frame, interval=None)
    w1, c1, score = _timed(chain_model, frame, interval=None)
    print(
        f"point score, {args.clients:,} clients x {len(CODES)} instruments x 60 months: "
        f"spell-only {w0:.1f} s wall ({c0:.1f} s CPU); with the re-inflow chain {w1:.1f} s wall "
        f"({c1:.1f} s CPU): {c1 / c0:.2f}x CPU (target <= 3x)"
    )
    r = score.ranking  # type: ignore[attr-defined]
    assert (r["expected_benefit_months"] >= r["expected_remaining_months"] - 1e-9).all()
    sub = frame.iloc[: args.draw_clients]
    ws, cs, _ = _timed(spell_model, sub, interval=0.9, n_draws=args.draws)
    wt, ct, _ = _timed(chain_model, sub, interval=0.9, n_draws=args.draws)
    print(
        f"with 90% intervals, {args.draws} draws, {len(sub):,} clients: spell-only {ws:.1f} s "
        f"wall ({cs:.1f} s CPU); with the chain {wt:.1f} s wall ({ct:.1f} s CPU): "
        f"{ct / cs:.2f}x CPU"
    )


if __name__ == "__main__":
    main()
