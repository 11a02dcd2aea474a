"""Writing a simulated municipality: the data folder and the truth folder, each whole or not at all.

Data folder (data contract): ``clients.csv``, ``spells.csv``, ``trajectories.csv``,
``instruments.csv`` (UTF-8, ISO dates, booleans as ``ja``/``nee``, empty = missing).

Truth folder: ``parameters.json`` (the true model, heterogeneity, entry hazard,
selection rules and the configuration), ``caseload.csv``, ``returns.csv`` and
``model/`` (the true model as a model folder that scoring can load).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rendement.contract.schema import TABLES
from rendement.output import atomic_folder_files

if TYPE_CHECKING:
    from rendement.simulate.simulation import Simulation


def write_data_folder(sim: Simulation, data_dir: Path) -> None:
    """The four contract tables as CSV files in ``data_dir``."""
    tables = {
        "clients": sim.clients,
        "spells": sim.spells,
        "trajectories": sim.trajectories,
        "instruments": sim.instruments,
    }
    with atomic_folder_files(data_dir) as stage:
        for name, frame in tables.items():
            contract_csv(frame, name).to_csv(stage / f"{name}.csv", index=False)


def contract_csv(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with contract columns in contract order, formatted as the CSV files show them."""
    out = pd.DataFrame(index=frame.index)
    for col in TABLES[table].columns:
        values = frame[col.name]
        if col.type == "date":
            out[col.name] = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
        elif col.type == "bool":
            b = values.astype("boolean")
            out[col.name] = b.map({True: "ja", False: "nee"}).astype(object).where(b.notna(), "")
        else:
            out[col.name] = values.astype(object).where(values.notna(), "")
    return out


def write_truth_folder(sim: Simulation, truth_dir: Path) -> None:
    """``parameters.json``, ``caseload.csv``, ``returns.csv`` and ``model/`` in ``truth_dir``."""
    from rendement.model.folder import save_model

    with atomic_folder_files(truth_dir) as stage:
        (stage / "parameters.json").write_text(
            json.dumps(truth_parameters(sim), indent=2) + "\n", encoding="utf-8"
        )
        sim.truth_caseload.to_csv(stage / "caseload.csv", index=False, float_format="%.10g")
        sim.truth_returns.to_csv(stage / "returns.csv", index=False, float_format="%.10g")
        save_model(sim.truth_model, stage / "model")


def truth_parameters(sim: Simulation) -> dict[str, Any]:
    """Everything about the true process, as JSON-ready data."""
    p = sim.process
    model = p.model
    return {
        "description": "Ground truth of the simulated municipality Droomstad: the outflow model "
        "the data were drawn from (discrete-time cloglog hazard, spell-level heterogeneity: a new "
        "type at every inflow) and how instruments were given.",
        "config": sim.config.to_dict(),
        "model": {
            "kind": model.kind,
            "specification": model.spec.to_dict(),
            "params": {k: float(v) for k, v in model.params.items()},
            "metadata": model.metadata.to_dict(),
        },
        "heterogeneity": model.heterogeneity.to_dict() if model.heterogeneity else None,
        "entry": {
            "description": "Monthly cloglog hazard of starting a re-integration trajectory "
            "(clients without a running instrument), plus entry_locations[type]; the "
            "trajectory is then chosen by a multinomial logit on observed terms and "
            "duration:1-12 / duration:25+ (months on benefit at entry).",
            "params": {k: float(v) for k, v in p.entry_params.items()},
            "locations": [float(x) for x in p.entry_locations],
            "choice": {
                code: {k: float(v) for k, v in row.items()} for code, row in p.choice.iterrows()
            },
        },
        "werk_direct": {
            "description": "Chance that a new applicant starts Werk Direct in spell month 1 (logit).",
            "params": {k: float(v) for k, v in p.werk_direct.items()},
        },
        "home_visit": {
            "description": "log of the monthly chance of a home visit, at most one per spell.",
            "params": {k: float(v) for k, v in p.home_visit.items()},
        },
        "dropout_monthly": p.dropout,
        "return_chance": [
            {"months_since_end_up_to": b, "monthly_chance": c} for b, c in p.return_chance
        ],
        "end_reasons": p.end_reasons,
        "summary": sim.summary().to_dict(),
    }
