"""Report sections about the model itself: data, coefficients, instrument effects, mixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from rendement.contract.folder import DataFolder
from rendement.formatting import integer, percent
from rendement.hazard.design import (
    MIN_ENTRIES,
    MIN_EVENTS,
    instrument_counts,
    thin_instrument_problems,
)
from rendement.hazard.inference import term_group
from rendement.model.hazard_model import HazardModel
from rendement.panel import PersonMonthPanel
from rendement.report import plots
from rendement.report.dutch import Words, dutch_problems
from rendement.report.sections import Section
from rendement.scoring.caseload import CaseloadScore

_Z = float(stats.norm.ppf(0.975))


def standard_errors(model: HazardModel) -> pd.Series:
    """Standard errors by term (NaN without a covariance matrix: declared parameters)."""
    if model.cov is None:
        return pd.Series(np.nan, index=model.params.index)
    cov = model.cov.reindex(index=model.params.index, columns=model.params.index)
    return pd.Series(np.sqrt(np.diag(cov.to_numpy(dtype=float))), index=model.params.index)


def instrument_table(model: HazardModel, data: DataFolder, panel: PersonMonthPanel) -> pd.DataFrame:
    """Per model instrument: label, meter, trajectories in the window and panel counts."""
    codes = [c for c in model.spec.instruments if f"in:{c}" in panel.months.columns]
    months = panel.months
    counts = instrument_counts(
        months, codes, months["spell_idx"].to_numpy(), months["outflow"].to_numpy()
    )
    tr = data.trajectories
    in_window = tr[tr["start_date"] <= panel.until]
    per_code = in_window["instrument"].astype(str).value_counts()
    cat = data.instruments.set_index("instrument")
    out = pd.DataFrame(index=pd.Index(codes, name="instrument"))
    out["label"] = [str(cat["label"].get(c, c)) for c in codes]
    out["meter"] = [str(cat["meter"].get(c, "")) for c in codes]
    out["trajectories"] = [int(per_code.get(c, 0)) for c in codes]
    return out.join(counts)


def data_summary_section(
    model: HazardModel,
    data: DataFolder,
    panel: PersonMonthPanel,
    instruments: pd.DataFrame,
    lang: str = "en",
) -> Section:
    say = Words(lang)
    spells = panel.spells
    censored = int(spells["censored"].sum())
    window = model.metadata.get("training_window") or {}
    same = model.metadata.get("data_fingerprint") == data.fingerprint()
    rows = [
        (say("clients", "cliënten"), integer(spells["client_id"].nunique())),
        (say("benefit spells", "uitkeringsperioden"), integer(len(spells))),
        (
            say(
                "spells still running at the cut-off (censored)",
                "perioden die op de peildatum nog lopen (gecensureerd)",
            ),
            f"{integer(censored)} ({percent(censored / max(1, len(spells)), 1)})",
        ),
        (
            say("person-months on benefit", "persoonsmaanden in de uitkering"),
            integer(panel.n_person_months),
        ),
        (
            say("outflows (spells ended)", "uitstroom (beëindigde perioden)"),
            integer(int(panel.months["outflow"].sum())),
        ),
        (
            say("first inflow", "eerste instroom"),
            str(pd.Timestamp(spells["inflow_date"].min()).date()),
        ),
        (say("data used up to", "gegevens gebruikt tot"), str(panel.until.date())),
        (
            say("extraction date of the data folder", "extractiedatum van de gegevensmap"),
            str(pd.Timestamp(data.extraction_date).date()),
        ),
        (
            say("model's training window", "schattingsperiode van het model"),
            say("{a} to {b}", "{a} tot {b}").format(
                a=window.get("first_inflow", "?"), b=window.get("until", "?")
            )
            if window
            else say("not recorded (declared model)", "niet vastgelegd (opgegeven model)"),
        ),
        (
            say("model fitted on this data folder", "model geschat op deze gegevensmap"),
            say("yes", "ja")
            if same
            else say("no (other or changed data)", "nee (andere of gewijzigde gegevens)"),
        ),
    ]
    section = Section("data-summary", say("Data summary", "Gegevens"))
    section.paragraphs.append(
        say(
            "The person-month panel of the data folder as known on the date below: every month a "
            "client was on benefit is one record; a spell still running then is censored (its end "
            "is not known yet).",
            "Het persoonsmaandenbestand van de gegevensmap zoals bekend op de datum hieronder: elke "
            "maand dat een cliënt een uitkering had is één regel; een periode die dan nog loopt is "
            "gecensureerd (het einde is nog niet bekend).",
        )
    )
    section.add_table("data", pd.DataFrame(rows, columns=["measure", "value"]))
    section.add_table(
        "trajectories",
        instruments,
        say(
            "Trajectories per instrument: started in the window, spells that entered it (entries), "
            "person-months in and after it, and outflows in and after it.",
            "Trajecten per instrument: gestart in de periode, uitkeringsperioden die eraan "
            "begonnen (instromers), persoonsmaanden in en na het instrument, en uitstroom in en "
            "na het instrument.",
        ),
    )
    return section


def coefficient_table(model: HazardModel) -> pd.DataFrame:
    """Client, instrument and calendar terms: coefficient, se, hazard ratio with 95% interval, p."""
    se = standard_errors(model)
    terms = [t for t in model.params.index if not t.startswith("baseline:")]
    coef = model.params.reindex(terms).astype(float)
    s = se.reindex(terms)
    return pd.DataFrame(
        {
            "group": [term_group(t) for t in terms],
            "coef": coef,
            "se": s,
            "hazard_ratio": np.exp(coef),
            "lower": np.exp(coef - _Z * s),
            "upper": np.exp(coef + _Z * s),
            "p": 2 * stats.norm.sf(np.abs(coef / s)),
        },
        index=pd.Index(terms, name="term"),
    )


def baseline_table(model: HazardModel) -> pd.DataFrame:
    """Monthly chance of leaving benefit of the reference client per duration piece."""
    se = standard_errors(model)
    terms = model.spec.baseline_terms()
    b = np.array([model.coef(t) for t in terms])
    s = se.reindex(terms).to_numpy(dtype=float)

    def h(x: np.ndarray) -> np.ndarray:
        return -np.expm1(-np.exp(x))

    return pd.DataFrame(
        {
            "months_on_benefit": [t.split(":", 1)[1] for t in terms],
            "monthly_outflow_chance": h(b),
            "lower": h(b - _Z * s),
            "upper": h(b + _Z * s),
        },
        index=pd.Index(terms, name="term"),
    )


def coefficients_section(model: HazardModel, lang: str = "en") -> Section:
    say = Words(lang)
    section = Section(
        "coefficients", say("Coefficients as hazard ratios", "Coëfficiënten als hazard ratio's")
    )
    table = coefficient_table(model)
    if model.cov is None:
        section.paragraphs.append(
            say(
                f"This is a {model.kind} model: its parameters were declared, not estimated, so "
                "there are no standard errors, intervals or p-values.",
                f"Dit is een {say.kind(model.kind)}: de parameters zijn opgegeven, niet geschat, "
                "dus er zijn geen standaardfouten, intervallen of p-waarden.",
            )
        )
    section.paragraphs.append(
        say(
            "A hazard ratio above 1 means a larger monthly chance of leaving benefit than the "
            "reference client (27-34 at inflow, single, middle education, meets the language "
            "requirement, 3-9 years of work experience, no health restriction); below 1 a "
            "smaller one.",
            "Een hazard ratio boven 1 betekent een grotere kans per maand om uit de uitkering te "
            "stromen dan de referentiecliënt (27-34 jaar bij instroom, alleenstaand, middelbaar "
            "opgeleid, voldoet aan de taaleis, 3-9 jaar werkervaring, geen gezondheidsbeperking); "
            "onder 1 een kleinere.",
        )
    )
    section.add_table("hazard-ratios", table)
    section.add_table(
        "baseline",
        baseline_table(model),
        say(
            "Baseline: monthly chance of leaving benefit of the reference client by months on "
            "benefit.",
            "Basisniveau: kans per maand op uitstroom van de referentiecliënt naar maanden in de "
            "uitkering.",
        ),
    )
    shown = table[table["group"].isin(["client", "instruments"])]
    if len(shown):
        section.figures.append(
            plots.forest_plot(
                shown,
                name="forest",
                caption=say(
                    "Hazard ratios with 95% intervals (log scale); 1 = no difference.",
                    "Hazard ratio's met 95%-intervallen (logaritmische schaal); 1 = geen verschil.",
                ),
                lang=lang,
            )
        )
    return section


def effect_table(model: HazardModel, lang: str = "en") -> pd.DataFrame:
    """Per instrument and effect (lock-in, after, after with a modifier): hazard ratio and interval."""
    say = Words(lang)
    se = standard_errors(model)
    cov = model.cov
    rows = []
    meter_codes = set(model.meter_instruments["instrument"].astype(str))
    for code in model.spec.instruments:
        items: list[tuple[str, list[str]]] = [
            (say("lock-in (while in it)", "lock-in (tijdens het instrument)"), [f"in:{code}"]),
            (say("after it", "erna"), [f"after:{code}"]),
        ]
        items += [
            (say(f"after it, if {m}", f"erna, als {m}"), [f"after:{code}", f"after:{code}*{m}"])
            for m in model.spec.effect_modifiers
        ]
        for label, terms in items:
            if not all(model.has_term(t) for t in terms):
                continue
            value = sum(model.coef(t) for t in terms)
            if cov is None:
                s = np.nan
            elif len(terms) == 1:
                s = float(se[terms[0]])
            else:
                sub = cov.reindex(index=terms, columns=terms).to_numpy(dtype=float)
                s = float(np.sqrt(sub.sum()))
            rows.append(
                {
                    "instrument": code,
                    "scored": say("yes", "ja")
                    if code in meter_codes
                    else say("no (other meter)", "nee (andere meter)"),
                    "effect": label,
                    "hazard_ratio": float(np.exp(value)),
                    "lower": float(np.exp(value - _Z * s)),
                    "upper": float(np.exp(value + _Z * s)),
                }
            )
    return pd.DataFrame(
        rows, columns=["instrument", "scored", "effect", "hazard_ratio", "lower", "upper"]
    )


def months_saved_table(score: CaseloadScore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median months saved per instrument by outflow group, and the share with a positive return."""
    ret = score.returns.merge(
        score.ranking[["client_id", "outflow_group"]], on="client_id", how="left"
    )
    if ret.empty:
        empty = pd.DataFrame(index=pd.Index([], name="instrument"))
        return empty, empty
    median = ret.pivot_table(
        index="instrument", columns="outflow_group", values="months_saved", aggfunc="median"
    )
    median.columns = [f"group {g}" for g in median.columns]
    positive = ret.assign(positive=ret["net_return_eur"] > 0).pivot_table(
        index="instrument", columns="outflow_group", values="positive", aggfunc="mean"
    )
    positive.columns = [f"group {g}" for g in positive.columns]
    return median, positive


def effects_section(model: HazardModel, score: CaseloadScore, lang: str = "en") -> Section:
    say = Words(lang)
    section = Section(
        "instrument-effects", say("Instrument effects", "Effecten van de instrumenten")
    )
    when = str(score.as_of.date()) if score.as_of is not None else None
    section.paragraphs.append(
        say(
            "Lock-in: the hazard ratio while a client is in the instrument (people search less "
            "while in a programme); after: the hazard ratio for the rest of the spell after it "
            "ended. Months saved translates both into expected months on benefit for the clients "
            f"on benefit at {when or 'the extraction date'} (without minus with the instrument, "
            f"waiting time and lock-in included, horizon {model.spec.horizon} months): the median "
            "client of each outflow group.",
            "Lock-in: de hazard ratio zolang een cliënt in het instrument zit (mensen zoeken minder "
            "tijdens een traject); erna: de hazard ratio voor de rest van de uitkeringsperiode na "
            "afloop. Bespaarde maanden vertaalt beide in verwachte maanden in de uitkering voor de "
            f"cliënten met een uitkering op {when or 'de extractiedatum'} (zonder min met het "
            f"instrument, wachttijd en lock-in meegeteld, horizon {model.spec.horizon} maanden): "
            "de mediane cliënt van elke uitstroomgroep.",
        )
    )
    section.add_table("effects", effect_table(model, lang))
    median, positive = months_saved_table(score)
    if len(median):
        section.add_table(
            "months-saved",
            median,
            say(
                "Median months on benefit saved per client, by outflow group (negative: the "
                "instrument lengthens the time on benefit, e.g. by its lock-in).",
                "Mediaan aantal bespaarde uitkeringsmaanden per cliënt, naar uitstroomgroep "
                "(negatief: het instrument verlengt de tijd in de uitkering, bijvoorbeeld door de "
                "lock-in).",
            ),
        )
        section.add_table(
            "positive-return-share",
            positive,
            say(
                "Share of clients for whom the instrument has a positive net return.",
                "Aandeel cliënten voor wie het instrument een positief netto rendement heeft.",
            ),
        )
        section.figures.append(
            plots.months_saved_plot(
                median,
                caption=say(
                    "Months saved by the median client of each outflow group.",
                    "Bespaarde maanden van de mediane cliënt van elke uitstroomgroep.",
                ),
                lang=lang,
            )
        )
    else:
        section.paragraphs.append(
            say(
                "No instrument of this meter could be scored.",
                "Geen enkel instrument van deze meter kon worden gescoord.",
            )
        )
    return section


def instrument_warnings(instruments: pd.DataFrame, lang: str = "en") -> list[str]:
    """Instruments with too few entries or outflows for a precise effect."""
    say = Words(lang)
    out = []
    for code, row in instruments.iterrows():
        problems = thin_instrument_problems(row)
        if problems:
            out.append(
                say(
                    f"instrument {code}: only {', '.join(problems)} (at least {MIN_ENTRIES} "
                    f"entries and {MIN_EVENTS} outflows in and after are advised); its effects "
                    "are imprecise",
                    f"instrument {code}: alleen {dutch_problems(', '.join(problems))} (geadviseerd zijn "
                    "minstens "
                    f"{MIN_ENTRIES} instromers en {MIN_EVENTS} keer uitstroom in en na het "
                    "instrument); de effecten zijn onnauwkeurig",
                )
            )
    return out
