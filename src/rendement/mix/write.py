"""The mix's files, all or nothing (extensions beside the contract files, which are unchanged).

* ``returns_mix.csv`` -- one row per (client, combination): :data:`rendement.mix.score.MIX_COLUMNS`
  (``instruments`` joins the codes with ``+``), with ``net_return_low_eur`` /
  ``net_return_high_eur`` when intervals were asked for;
* ``mix_best.csv`` -- per client the best single instrument and the best combination;
* ``mix_plan.csv``, ``mix_plan_summary.csv`` -- the plan over combinations and its places;
* ``mix_comparison.csv`` -- the plan over combinations against planning each meter apart;
* ``additivity.csv`` -- the check of adding effects (when it was run);
* ``mix.xlsx`` -- all of it for managers, in Dutch and ready to print
  (:mod:`rendement.mix.workbook`); the CSV files stay the machines' files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from rendement.formulas import write_csv
from rendement.mix.additivity import AdditivityCheck
from rendement.mix.notes import Note
from rendement.mix.plan import MixPlan
from rendement.mix.score import MixScore
from rendement.output import atomic_folder_files
from rendement.plan.plan import csv_rounded


def write_mix(
    mix: MixScore,
    plan: MixPlan,
    comparison: pd.DataFrame,
    out_dir: Path | str,
    check: AdditivityCheck | None = None,
    *,
    notes: Sequence[Note] = (),
    names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the files of the module docstring into ``out_dir``; returns their paths.

    ``notes``: what the mix assumed (:func:`rendement.mix.notes.mix_notes`), in the
    workbook; ``names``: instrument names by code (the catalogue's labels).
    """
    from rendement.mix.workbook import write_mix_workbook

    out = Path(out_dir)
    totals = plan.totals.to_frame("value").rename_axis("figure").reset_index()
    frames = {
        "returns_mix.csv": mix.returns,
        "mix_best.csv": mix.best(),
        "mix_plan.csv": plan.assignments,
        "mix_plan_summary.csv": plan.summary,
        "mix_plan_totals.csv": totals,
        "mix_comparison.csv": comparison,
    }
    if check is not None:
        frames["additivity.csv"] = check.table
    with atomic_folder_files(out) as stage:
        for name, frame in frames.items():
            write_csv(csv_rounded(frame), stage / name, index=False)
        write_mix_workbook(stage / WORKBOOK, mix, plan, comparison, check, notes, names or {})
    return [*(out / n for n in frames), out / WORKBOOK]


#: The managers' workbook.
WORKBOOK = "mix.xlsx"
