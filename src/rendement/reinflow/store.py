"""The re-inflow model in the model folder, as readable tables (checksummed and signed with
the rest by :func:`rendement.model.folder.save_model`).

* ``reinflow_parameters.csv`` - term, estimate, std_error (``-inf``: a baseline piece
  without any return, chance 0);
* ``reinflow_covariance.csv`` - the covariance clustered by client;
* ``reinflow.json`` - instruments, baseline cuts, the exit mix and the counts.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.errors import ModelFolderError
from rendement.model.spec import ModelSpec
from rendement.reinflow.model import ExitMix, ReinflowModel

PARAMETERS, COVARIANCE, FACTS = (
    "reinflow_parameters.csv",
    "reinflow_covariance.csv",
    "reinflow.json",
)


def reinflow_files(model: ReinflowModel) -> dict[str, str]:
    """File name -> text of the re-inflow model."""
    se = model.bse()
    params = pd.DataFrame(
        {
            "term": model.params.index,
            "estimate": model.params.to_numpy(),
            "std_error": se.reindex(model.params.index).to_numpy(),
        }
    )
    out = {PARAMETERS: params.to_csv(index=False, float_format="%.17g")}
    if model.cov is not None:
        out[COVARIANCE] = model.cov.to_csv(index_label="term", float_format="%.17g")
    facts = {
        "instruments": list(model.instruments),
        "cuts": list(model.cuts),
        "exit_mix": model.mix.to_dict(),
        "counts": dict(model.counts),
    }
    out[FACTS] = json.dumps(facts, indent=2) + "\n"
    return out


def read_reinflow(folder: Path, spec: ModelSpec) -> ReinflowModel | None:
    """The re-inflow model of a (checked) model folder; None when it has none."""
    if not (folder / FACTS).exists():
        return None
    try:
        facts = json.loads((folder / FACTS).read_text(encoding="utf-8"))
        p = pd.read_csv(folder / PARAMETERS, float_precision="round_trip")
        params = pd.Series(
            p["estimate"].to_numpy(dtype=float), index=p["term"].astype(str), name="estimate"
        )
        cov = None
        if (folder / COVARIANCE).exists():
            text = (folder / COVARIANCE).read_text(encoding="utf-8")
            cov = pd.read_csv(io.StringIO(text), index_col="term", float_precision="round_trip")
            cov.index = cov.index.astype(str)
            cov.columns = cov.columns.astype(str)
        model = ReinflowModel(
            spec=spec,
            params=params,
            cov=cov,
            instruments=tuple(str(c) for c in facts["instruments"]),
            mix=ExitMix(**facts["exit_mix"]),
            cuts=tuple(int(c) for c in facts["cuts"]),
            counts={str(k): int(v) for k, v in facts.get("counts", {}).items()},
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelFolderError(f"{folder}: the re-inflow model is unreadable: {exc}") from exc
    unknown = sorted(set(params.index) - set(model.terms()))
    if unknown or np.isnan(params.to_numpy()).any():
        raise ModelFolderError(
            f"{folder}: {PARAMETERS} has terms the re-inflow model does not know "
            f"or empty estimates: {unknown[:10]}"
        )
    return model
