"""Comparison with reference municipalities (*bestandsmonitor*, seed 001 section 2.1).

Figures per 100 households of the municipality (caseload, inflow) and per 100
households on benefit (outflow), as in APE's *bestandsmonitor*:

* caseload per 100 households = clients on benefit on ``as_of`` x 100 / households
  (a benefit is paid per household, so clients count as benefit households);
* inflow per 100 households = new spells in the 12 months up to ``as_of`` x 100 / households;
* outflow per 100 clients = ended spells in those 12 months x 100 / caseload on ``as_of``.

The *average practice* is the unweighted mean of the reference municipalities'
rates. The **reductiepotentieel** is how far the municipality would move if it
were at the average practice, only where it lags:

* caseload: ``max(0, own - ref) / 100 x households`` clients;
* inflow: ``max(0, own - ref) / 100 x households`` new spells a year;
* outflow: ``max(0, ref - own) / 100 x caseload`` leavers a year;

in euros: those clients x the average monthly benefit of the caseload x 12 (a
year of benefit per client; for the flows an upper bound, since a spell avoided
or shortened does not always last a year).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.contract.schema import HOUSEHOLD_TYPES


def own_figures(data: DataFolder, as_of: pd.Timestamp) -> pd.DataFrame:
    """Caseload on ``as_of``, inflow and outflow in the 12 months before, per household type."""
    sp = data.spells[data.spells["start_date"] <= as_of]
    end = sp["end_date"].where(sp["end_date"] <= as_of)
    since = as_of - pd.DateOffset(months=12)
    household = (
        data.clients.set_index("client_id")["household_type"]
        .reindex(sp["client_id"])
        .to_numpy(dtype=object)
    )
    on = (end.isna()).to_numpy()
    new = (sp["start_date"] > since).to_numpy()
    left = ((end > since) & (end <= as_of)).to_numpy()
    benefit = sp["monthly_benefit"].to_numpy(dtype=float)
    rows = []
    for ht in ("totaal", *HOUSEHOLD_TYPES):
        mask = np.ones(len(sp), bool) if ht == "totaal" else household == ht
        rows.append(
            {
                "household_type": ht,
                "caseload": int((on & mask).sum()),
                "inflow": int((new & mask).sum()),
                "outflow": int((left & mask).sum()),
                "benefit": float(benefit[on & mask].mean()) if (on & mask).any() else np.nan,
            }
        )
    return pd.DataFrame(rows).set_index("household_type")


def compare_with_reference(
    data: DataFolder, as_of: pd.Timestamp, reference: pd.DataFrame
) -> pd.DataFrame:
    """One row per (household type, municipality or average): the three rates, and for the
    own municipality the reductiepotentieel in clients and euros (see module docstring)."""
    own = own_figures(data, as_of)
    own_rows = reference[reference["role"] == "eigen"]
    own_households: dict[str, float] = dict(
        zip(own_rows["household_type"], own_rows["households"].astype(float), strict=True)
    )
    total_households = own_households["totaal"]
    refs = reference[reference["role"] == "referentie"].copy()
    refs["bestand_per_100"] = 100 * refs["caseload"] / refs["households"]
    refs["instroom_per_100"] = 100 * refs["inflow"] / refs["households"]
    refs["uitstroom_per_100"] = 100 * refs["outflow"] / refs["caseload"].replace(0, np.nan)
    rows = []
    for ht in ("totaal", *HOUSEHOLD_TYPES):
        group = refs[refs["household_type"] == ht]
        if not len(group):
            continue
        households = own_households.get(ht, total_households)
        o = own.loc[ht]
        own_rates = {
            "bestand_per_100": 100 * o["caseload"] / households,
            "instroom_per_100": 100 * o["inflow"] / households,
            "uitstroom_per_100": 100 * o["outflow"] / o["caseload"] if o["caseload"] else np.nan,
        }
        avg = {k: float(group[k].mean()) for k in own_rates}
        benefits = own["benefit"].astype(float)
        benefit = benefits["totaal"] if np.isnan(benefits[ht]) else benefits[ht]
        potential = {
            "bestand": max(0.0, own_rates["bestand_per_100"] - avg["bestand_per_100"])
            / 100
            * households,
            "instroom": max(0.0, own_rates["instroom_per_100"] - avg["instroom_per_100"])
            / 100
            * households,
            "uitstroom": max(0.0, avg["uitstroom_per_100"] - own_rates["uitstroom_per_100"])
            / 100
            * o["caseload"],
        }
        for _, r in group.iterrows():
            rows.append(
                {"huishoudtype": ht, "gemeente": r["municipality"], **{k: r[k] for k in avg}}
            )
        rows.append({"huishoudtype": ht, "gemeente": "gemiddelde referentiegemeenten", **avg})
        own_row: dict[str, object] = {"huishoudtype": ht, "gemeente": "eigen gemeente", **own_rates}
        for k, v in potential.items():
            own_row[f"reductiepotentieel_{k}_klanten"] = v
            own_row[f"reductiepotentieel_{k}_eur_per_jaar"] = v * benefit * 12
        rows.append(own_row)
    return pd.DataFrame(rows)
