"""The report's section on returns to benefit: the re-inflow model, durable outflow, and the
spell-only and total returns side by side (section id ``returns-to-benefit``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.formatting import integer, money, number, percent
from rendement.model.hazard_model import HazardModel
from rendement.reinflow.durability import durability_table, repeat_inflow
from rendement.reinflow.model import ReinflowModel
from rendement.reinflow.panel import ended_spells
from rendement.report.sections import Section

SECTION_ID = "returns-to-benefit"


def returns_section(model: HazardModel, data: DataFolder, score: object) -> Section | None:
    """None for a model without a re-inflow model."""
    reinflow: ReinflowModel | None = model.reinflow
    if reinflow is None:
        return None
    section = Section(SECTION_ID, "Terugkeer in de bijstand en duurzame uitstroom")
    section.paragraphs.append(
        "Wie uitstroomt kan terugkomen. Het herinstroommodel schat per maand na het einde van "
        "een uitkering de kans op een nieuwe uitkering (discrete-tijd hazardmodel met cloglog, "
        "standaardfouten geclusterd per cliënt), naar maanden sinds het einde, "
        "cliëntkenmerken (dezelfde als het uitstroommodel, nooit beschermde kenmerken), "
        "uitstroom naar werk, en per instrument of de uitkering eindigde tijdens "
        "(ended_in) of na (ended_after) het instrument: de duurzaamheid van de uitstroom. "
        "Een hazardratio boven 1 betekent vaker terugkomen, dus minder duurzame uitstroom."
    )
    section.add_table("reinflow-coefficients", _coefficients(reinflow), "Herinstroommodel")
    section.paragraphs.extend(_durability_verdict(reinflow))
    ended = ended_spells(
        data.spells,
        data.trajectories,
        reinflow.instruments,
        data.extraction_date,
        data.clients,
    )
    section.add_table(
        "durability",
        _durability_display(durability_table(ended, reinflow.instruments)),
        "Duurzame uitstroom per instrument (95%-interval, Wilson): durable_12 = 12 maanden "
        "geen bijstand (gemeentelijke definitie, evaluatie Den Haag); durable_24 = 24 maanden "
        "geen bijstand (CBS-definitie duurzame uitstroom); back_12 = terug binnen 12 maanden",
    )
    p, lo, hi, n = repeat_inflow(data.spells)
    if np.isfinite(p):
        section.paragraphs.append(
            f"Herhaalde instroom (CBS-definitie: instroom binnen 12 maanden na een vorige "
            f"uitkering): {percent(p)} van {integer(n)} instromers (95%-interval {percent(lo)} "
            f"tot {percent(hi)})."
        )
    returns = getattr(score, "returns", None)
    if isinstance(returns, pd.DataFrame) and "net_return_total_eur" in returns.columns:
        table = side_by_side(returns)
        section.add_table(
            "spell-and-total",
            _side_display(table),
            "Gemiddeld per cliënt: rendement over de huidige uitkering en over alle maanden "
            "(terugkeer meegeteld)",
        )
        section.paragraphs.append(_disagreement(table, model.spec.returns_basis))
    return section


def _durability_display(t: pd.DataFrame) -> pd.DataFrame:
    def interval(name: str) -> list[str]:
        return [
            f"{percent(a)} tot {percent(b)}"
            for a, b in zip(t[f"{name}_lower"], t[f"{name}_upper"], strict=True)
        ]

    return pd.DataFrame(
        {
            "groep": t["group"],
            "uitstromers (12 mnd gevolgd)": [integer(x) for x in t["durable_12_exits"]],
            "duurzaam 12 mnd (Den Haag)": [percent(x) for x in t["durable_12"]],
            "interval 12": interval("durable_12"),
            "uitstromers (24 mnd gevolgd)": [integer(x) for x in t["durable_24_exits"]],
            "duurzaam 24 mnd (CBS)": [percent(x) for x in t["durable_24"]],
            "interval 24": interval("durable_24"),
            "terug binnen 12 mnd": [percent(x) for x in t["back_12"]],
        }
    )


def _side_display(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "instrument": t["instrument"],
            "maanden bespaard (uitkering)": [number(x, 2) for x in t["months_saved"]],
            "maanden bespaard (totaal)": [number(x, 2) for x in t["benefit_months_saved"]],
            "netto rendement (uitkering)": [money(x) for x in t["net_return_eur"]],
            "netto rendement (totaal)": [money(x) for x in t["net_return_total_eur"]],
            "volgorde (uitkering)": t["order_spell"].astype(int),
            "volgorde (totaal)": t["order_total"].astype(int),
        }
    )


def _coefficients(reinflow: ReinflowModel) -> pd.DataFrame:
    t = reinflow.table().reset_index()
    return t[["term", "estimate", "std_error", "lower", "upper", "hazard_ratio"]]


def _durability_verdict(reinflow: ReinflowModel) -> list[str]:
    t = reinflow.table()
    out = []
    for code in reinflow.instruments:
        for kind, words in (("ended_in", "tijdens"), ("ended_after", "na")):
            term = f"{kind}:{code}"
            if term not in t.index:
                continue
            _, se, lo, hi, hr = t.loc[term].to_numpy(dtype=float)
            if not np.isfinite(se):
                continue
            if lo <= 0 <= hi:
                continue
            verdict = "vaker terug: minder" if lo > 0 else "minder vaak terug: meer"
            out.append(
                f"{code}: wie {words} het instrument uitstroomt, komt {verdict} duurzame "
                f"uitstroom (hazardratio {number(hr, 2)}, 95%-interval "
                f"{number(np.exp(lo), 2)} tot {number(np.exp(hi), 2)})."
            )
    if not out:
        out.append("Geen instrument verandert de kans op terugkomen aantoonbaar (95%).")
    return out


def side_by_side(returns: pd.DataFrame) -> pd.DataFrame:
    """Per instrument: mean months saved and net return, spell-only and total, and the order."""
    g = returns.groupby("instrument", sort=True)
    table = pd.DataFrame(
        {
            "months_saved": g["months_saved"].mean(),
            "benefit_months_saved": g["benefit_months_saved"].mean(),
            "net_return_eur": g["net_return_eur"].mean(),
            "net_return_total_eur": g["net_return_total_eur"].mean(),
        }
    )
    table["order_spell"] = table["net_return_eur"].rank(ascending=False, method="min")
    table["order_total"] = table["net_return_total_eur"].rank(ascending=False, method="min")
    return table.reset_index()


def _disagreement(table: pd.DataFrame, basis: str) -> str:
    moved = table[table["order_spell"] != table["order_total"]]
    sign = table[np.sign(table["net_return_eur"]) != np.sign(table["net_return_total_eur"])]
    head = (
        f"De rangorde gebruikt het rendement over {'alle maanden' if basis == 'total' else 'de huidige uitkering'} "
        f"(returns_basis: {basis}). "
    )
    if moved.empty and sign.empty:
        return head + "Beide rendementen geven dezelfde volgorde van de instrumenten."
    parts = []
    if not moved.empty:
        parts.append(
            "andere plaats in de volgorde: "
            + ", ".join(
                f"{code} ({int(a)} -> {int(b)})"
                for code, a, b in zip(
                    moved["instrument"].astype(str),
                    moved["order_spell"].to_numpy(dtype=float),
                    moved["order_total"].to_numpy(dtype=float),
                    strict=True,
                )
            )
        )
    if not sign.empty:
        parts.append("ander teken van het netto rendement: " + ", ".join(sign["instrument"]))
    return head + "Waar ze verschillen: " + "; ".join(parts) + "."
