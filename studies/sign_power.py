"""How many clients does "the sign of the net return right for 95% of clients" need?

Fits the default model on a simulated Droomstad (no unobserved heterogeneity),
then runs the oracle study of :mod:`rendement.simulate.precision`: the TRUE
model plus estimation errors of an efficient estimator at each municipality
size. Prints, per size, the chance that each instrument reaches 95% and the
mean share. Run from the repository root::

    .venv/bin/python studies/sign_power.py --clients 25000 --draws 200

Takes about a minute per 100 draws per size for 25,000 clients.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from rendement.contract import read_data_folder
from rendement.hazard import fit_hazard
from rendement.model.folder import load_model
from rendement.model.spec import ModelSpec
from rendement.panel import build_panel
from rendement.simulate import SimulationConfig, simulate
from rendement.simulate.precision import sign_accuracy_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument(
        "--sizes",
        default="25000,100000,200000,400000,600000,1000000",
        help="municipality sizes (clients) to evaluate, comma-separated",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sim = simulate(SimulationConfig(clients=args.clients, seed=args.seed, heterogeneity=False))
        sim.write(Path(tmp) / "data", Path(tmp) / "truth")
        data = read_data_folder(Path(tmp) / "data")
        true_model = load_model(Path(tmp) / "truth" / "model")
    panel = build_panel(data)
    spec = ModelSpec().resolve(data.clients, instruments=list(panel.instruments))
    fitted = fit_hazard(panel, spec, instruments_catalogue=data.instruments).to_model()
    assert fitted.cov is not None
    sizes = [int(s) for s in args.sizes.split(",")]
    study = sign_accuracy_study(
        data, true_model, fitted.cov, args.clients, sizes, n_draws=args.draws, seed=args.seed
    )
    print(study.summary())


if __name__ == "__main__":
    main()
