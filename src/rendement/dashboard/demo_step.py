"""The steering report in ``make demo``: one report for Droomstad, with demo inputs beside it.

Droomstad has no real budget or reference municipalities, so the demo writes
fictitious but plausible inputs next to the report (``budget.csv``: last year's
expenditure plus 2% indexation; ``reference.csv``: two fictitious towns, one
doing better and one worse than Droomstad; Droomstad's households: 20 per
client on benefit, about 5 benefits per 100 households). They are labelled as
demo inputs in the files themselves.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.dashboard.build import build_report
from rendement.dashboard.inputs import read_budget, read_reference
from rendement.dashboard.months import payments_by_month
from rendement.dashboard.reference import own_figures
from rendement.dashboard.write import write_report
from rendement.model.hazard_model import HazardModel


def demo_inputs(data: DataFolder, as_of: pd.Timestamp, folder: Path) -> tuple[Path, Path]:
    """Write the demo's ``budget.csv`` and ``reference.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    year = int(as_of.year)
    paid = payments_by_month(data.spells, as_of, np.arange(12 * (year - 1), 12 * year)).sum()
    budget = folder / "budget.csv"
    budget.write_text(f"year,amount,note\n{year},{paid * 1.02:.0f},demo: vorig jaar + 2%\n")
    figures = own_figures(data, as_of)
    own = {c: float(figures[c].to_numpy(dtype=float)[0]) for c in ("caseload", "inflow", "outflow")}
    households = int(own["caseload"] * 20)
    rows = [
        ("Droomstad", "eigen", households, "", "", ""),
        ("Daaddorp (fictief)", "referentie", int(households * 1.2),
         round(own["caseload"] * 1.2 * 0.9), round(own["inflow"] * 1.2 * 0.85),
         round(own["outflow"] * 1.2 * 1.1)),
        ("Verwegen (fictief)", "referentie", int(households * 0.8),
         round(own["caseload"] * 0.8 * 1.05), round(own["inflow"] * 0.8 * 1.05),
         round(own["outflow"] * 0.8 * 0.95)),
    ]  # fmt: skip
    reference = folder / "reference.csv"
    pd.DataFrame(
        rows, columns=["municipality", "role", "households", "caseload", "inflow", "outflow"]
    ).to_csv(reference, index=False)
    return budget, reference


def demo_report(data: DataFolder, model: HazardModel, as_of: str, out: Path) -> list[Path]:
    """Build and write Droomstad's steering report (per district) into ``out``."""
    when = pd.Timestamp(as_of)
    budget, reference = demo_inputs(data, when, out / "invoer")
    report = build_report(
        data, model, when, budget=read_budget(budget), reference=read_reference(reference),
        by="district",
    )  # fmt: skip
    fc = report.forecast
    print(
        f"   expected expenditure {fc.year}: EUR {fc.total:,.0f} "
        f"(90% interval {fc.lower:,.0f} - {fc.upper:,.0f}); expected balance "
        f"EUR {report.balance or 0:,.0f}"
    )
    return write_report(report, out)
