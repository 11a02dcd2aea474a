"""Report sections of the out-of-time validation: calibration, discrimination, groups, fairness."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from rendement.report import plots
from rendement.report.discrimination import Discrimination
from rendement.report.dutch import Words, dutch_cell, dutch_message
from rendement.report.evaluation import Calibration, GroupAccuracy
from rendement.report.fairness import FairnessCheck
from rendement.report.holdout import HoldoutSample
from rendement.report.sections import Section


def design_text(sample: HoldoutSample, lang: str = "en") -> str:
    say = Words(lang)
    new = int((sample.clients["censored_by"] == "new instrument").sum())
    ended = sample.clients["censored_by"].isin(["aow", "overleden"]).sum()
    how = (
        say(
            "the model's specification was fitted again on the data known at the cut-off only",
            "de specificatie van het model is opnieuw geschat op alleen de gegevens die op de "
            "peildatum bekend waren",
        )
        if sample.refitted
        else say(
            f"the {sample.model.kind} model was used as declared",
            f"het {say.kind(sample.model.kind)} is gebruikt zoals opgegeven",
        )
    )
    return say(
        f"Out of time: {how} ({sample.cutoff.date()}); the {say.count(sample.n)} clients on "
        f"benefit then were scored and followed for {sample.window_months} months, up to the "
        f"extraction date {sample.extraction.date()}. The prediction is the path without a new "
        f"instrument, so {say.count(new)} clients who started a new instrument in that window "
        "count as followed up to the month before it (censored). "
        f"{say.count(int(ended))} clients whose benefit ended by the state pension (AOW) or death "
        "count as followed up to that end, as the model treats them (censored, not outflow).",
        f"Buiten de schattingsperiode: {how} ({sample.cutoff.date()}); de "
        f"{say.count(sample.n)} cliënten die toen een uitkering hadden zijn gescoord en "
        f"{sample.window_months} maanden gevolgd, tot de extractiedatum "
        f"{sample.extraction.date()}. De voorspelling is het pad zonder nieuw instrument, dus "
        f"{say.count(new)} cliënten die in die periode aan een nieuw instrument begonnen, tellen "
        "als gevolgd tot de maand ervoor (gecensureerd). "
        f"{say.count(int(ended))} cliënten van wie de uitkering eindigde door de AOW of "
        "overlijden tellen als gevolgd tot dat einde, zoals het model ze behandelt "
        "(gecensureerd, geen uitstroom).",
    )


def wide_calibration(long: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per ``key`` value; per horizon: predicted, observed, its 95% interval and z."""
    parts = []
    for h, part in long.groupby("horizon", sort=True):
        p = part.set_index(key)
        parts.append(
            pd.DataFrame(
                {
                    f"predicted {h}m": p["predicted"],
                    f"observed {h}m": p["observed"],
                    f"lower {h}m": p["lower"],
                    f"upper {h}m": p["upper"],
                    f"z {h}m": p["z"],
                }
            )
        )
    clients = long.drop_duplicates(key).set_index(key)["clients"]
    return pd.concat([clients, *parts], axis=1)


def calibration_section(sample: HoldoutSample, cal: Calibration, lang: str = "en") -> Section:
    say = Words(lang)
    section = Section(
        "calibration",
        say("Calibration, out of time", "Kalibratie buiten de schattingsperiode"),
    )
    section.paragraphs.append(design_text(sample, lang))
    top = max(cal.horizons)
    section.paragraphs.append(
        say(
            f"Per decile of predicted risk (1 = lowest chance of leaving within {top} months) "
            "and per outflow group: the mean predicted chance of leaving benefit against the "
            "observed (Kaplan-Meier) chance with its 95% interval. z is the difference in "
            "standard errors; the chi-square test sums z squared over the rows (a small p-value "
            "means the predictions are off by more than chance).",
            f"Per deciel van voorspeld risico (1 = kleinste kans op uitstroom binnen {top} "
            "maanden) en per uitstroomgroep: de gemiddelde voorspelde kans op uitstroom tegen de "
            "waargenomen kans (Kaplan-Meier) met het 95%-interval. z is het verschil in "
            "standaardfouten; de chi-kwadraattoets telt z in het kwadraat op over de rijen (een "
            "kleine p-waarde betekent dat de voorspellingen meer afwijken dan toeval verklaart).",
        )
    )
    n = say.num
    for h, row in cal.decile_test.iterrows():
        over = cal.overall.loc[cast(Any, h)]
        p, o, lo, hi = over["predicted"], over["observed"], over["lower"], over["upper"]
        section.paragraphs.append(
            say(
                f"Within {h} months: predicted {n(p)}, observed {n(o)} (95% interval "
                f"{n(lo)}-{n(hi)}); deciles: chi-square {n(row['chi2'], 1)} on {int(row['df'])} "
                f"df, p = {n(row['p_value'])}, largest difference {n(row['max_abs_difference'])}.",
                f"Binnen {h} maanden: voorspeld {n(p)}, waargenomen {n(o)} (95%-interval "
                f"{n(lo)}-{n(hi)}); decielen: chi-kwadraat {n(row['chi2'], 1)} bij "
                f"{int(row['df'])} vrijheidsgraden, p = {n(row['p_value'])}, grootste verschil "
                f"{n(row['max_abs_difference'])}.",
            )
        )
        if row["p_value"] < 0.01:
            section.warnings.append(
                say(
                    f"calibration within {h} months is off by more than sampling error "
                    f"(p = {n(row['p_value'], 4)}); see the deciles",
                    f"de kalibratie binnen {h} maanden wijkt meer af dan toeval verklaart "
                    f"(p = {n(row['p_value'], 4)}); zie de decielen",
                )
            )
    section.add_table("by-decile", wide_calibration(cal.by_decile, "decile"))
    section.add_table("by-group", wide_calibration(cal.by_group, "outflow_group"))
    tests = pd.concat(
        {"deciles": cal.decile_test, "outflow groups": cal.group_test}, names=["rows"]
    )
    section.add_table(
        "tests",
        tests,
        say(
            "Chi-square tests of calibration per horizon.",
            "Chi-kwadraattoetsen van de kalibratie per horizon.",
        ),
    )
    section.figures.append(
        plots.calibration_plot(
            cal.by_decile,
            cal.by_group,
            cal.horizons,
            caption=say(
                "Predicted against observed chance of leaving benefit (hold-out window); points "
                "on the dashed line are perfectly calibrated.",
                "Voorspelde tegen waargenomen kans op uitstroom (periode buiten de schatting); "
                "punten op de stippellijn zijn precies goed gekalibreerd.",
            ),
            lang=lang,
        )
    )
    return section


def discrimination_section(disc: Discrimination, lang: str = "en") -> Section:
    say = Words(lang)
    section = Section("discrimination", say("Discrimination", "Onderscheidend vermogen"))
    section.paragraphs.append(
        say(
            f"Harrell's concordance index on the hold-out: {say.num(disc.c_index)} (0.5 = no "
            "better than chance, 1 = perfect ranking of who leaves first). The time-dependent "
            "AUC at h months (cumulative/dynamic, with inverse-probability-of-censoring weights) "
            "is the chance that a client who left within h months had a higher predicted chance "
            "of leaving than a client still on benefit after h months.",
            f"Harrells concordantie-index buiten de schattingsperiode: {say.num(disc.c_index)} "
            "(0,5 = niet beter dan toeval, 1 = een volmaakte volgorde van wie het eerst "
            "uitstroomt). De tijdsafhankelijke AUC op h maanden (cumulatief/dynamisch, met "
            "gewichten voor censurering) is de kans dat een cliënt die binnen h maanden uitstroomde "
            "een hogere voorspelde uitstroomkans had dan een cliënt die na h maanden nog een "
            "uitkering had.",
        )
    )
    for h, row in disc.auc.iterrows():
        if not np.isfinite(row["auc"]):
            section.paragraphs.append(
                say(
                    f"AUC at {h} months not computed: {row['note']}.",
                    f"AUC op {h} maanden niet berekend: "
                    + f"{dutch_cell(dutch_message(str(row['note'])))}.",
                )
            )
    section.add_table(
        "concordance",
        pd.DataFrame({"measure": ["Harrell's C"], "value": [disc.c_index]}),
    )
    section.add_table("auc", disc.auc)
    return section


def _accuracy_note(acc: GroupAccuracy, say: Words) -> str:
    w = acc.window_months
    if w >= 18:
        return say(acc.note, "alle drie de groepen zijn gecontroleerd over 18 maanden")
    if w >= 6:
        return say(
            acc.note,
            f"de periode buiten de schatting is {w} maanden: groep 1 (6 maanden) is precies "
            "gecontroleerd; de grens van 18 maanden tussen groep 2 en 3 is nog niet te zien, dus "
            "hun aandelen zijn grenzen",
        )
    return say(
        acc.note,
        f"de periode buiten de schatting van {w} maanden is te kort om een uitstroomgroep te "
        "controleren",
    )


def group_accuracy_section(acc: GroupAccuracy, lang: str = "en") -> Section:
    say = Words(lang)
    n = say.num
    section = Section(
        "group-accuracy",
        say("Accuracy of the outflow groups", "Juistheid van de uitstroomgroepen"),
    )
    note = _accuracy_note(acc, say)
    section.paragraphs.append(
        say(
            "For the clients of each predicted outflow group: the observed (Kaplan-Meier) chance "
            "of leaving within 6 and 18 months and the share for whom the group came true (group "
            "1: left within 6 months; group 2: within 6-18 months; group 3: not within 18 "
            "months). ",
            "Voor de cliënten van elke voorspelde uitstroomgroep: de waargenomen kans "
            "(Kaplan-Meier) op uitstroom binnen 6 en 18 maanden en het aandeel voor wie de groep "
            "uitkwam (groep 1: uitgestroomd binnen 6 maanden; groep 2: binnen 6-18 maanden; "
            "groep 3: niet binnen 18 maanden). ",
        )
        + f"{note[0].upper() + note[1:]}."
    )
    if np.isfinite(acc.overall):
        section.paragraphs.append(
            say(
                f"Overall share classified right: {n(acc.overall)}.",
                f"Aandeel goed ingedeeld, in totaal: {n(acc.overall)}.",
            )
        )
    else:
        lo, hi = n(acc.overall_at_least), n(acc.overall_at_most)
        section.paragraphs.append(
            say(
                f"Overall share classified right: between {lo} and {hi} (bounds; a longer "
                "hold-out gives the exact share).",
                f"Aandeel goed ingedeeld, in totaal: tussen {lo} en {hi} (grenzen; een langere "
                "periode buiten de schatting geeft het precieze aandeel).",
            )
        )
    if np.isfinite(acc.boundary_6m):
        section.paragraphs.append(
            say(
                "Classified right on leaving within 6 months alone (group 1 against groups 2 and "
                f"3): {n(acc.boundary_6m)}.",
                "Goed ingedeeld op alleen uitstroom binnen 6 maanden (groep 1 tegen groep 2 en "
                f"3): {n(acc.boundary_6m)}.",
            )
        )
    if np.isfinite(acc.boundary_18m):
        section.paragraphs.append(
            say(
                "Classified right on leaving within 18 months alone (groups 1 and 2 against "
                f"group 3): {n(acc.boundary_18m)}.",
                "Goed ingedeeld op alleen uitstroom binnen 18 maanden (groep 1 en 2 tegen groep "
                f"3): {n(acc.boundary_18m)}.",
            )
        )
    section.add_table("accuracy", acc.table)
    section.add_table(
        "outcomes",
        acc.outcomes,
        say(
            "Predicted group against what was observed in the hold-out window (counts of clients).",
            "Voorspelde groep tegen wat werd waargenomen buiten de schattingsperiode (aantallen "
            "cliënten).",
        ),
    )
    return section


def fairness_display(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The fairness table for reading: rates, and each ratio with its 95% interval in one cell."""
    say = Words(lang)

    def with_interval(name: str) -> list[str]:
        out = []
        for r, lo, hi in zip(
            table[name], table[f"{name}_lower"], table[f"{name}_upper"], strict=True
        ):
            if not np.isfinite(r):
                out.append("–")
            elif np.isfinite(lo) and np.isfinite(hi) and (lo, hi) != (r, r):
                out.append(f"{say.num(r, 2)} ({say.num(max(lo, 0), 2)}-{say.num(hi, 2)})")
            else:
                out.append(say.num(r, 2))
        return out

    return pd.DataFrame(
        {
            "clients": table["clients"],
            "share group 1": table["share_group_1"],
            "share group 2": table["share_group_2"],
            "share group 3": table["share_group_3"],
            "ratio group-3 share": with_interval("ratio_group3_share"),
            "predicted": table["predicted"],
            "observed": table["observed"],
            "observed/predicted": table["calibration"],
            "ratio observed/predicted": with_interval("ratio_calibration"),
            "in group 3": table["group3_clients"],
            "false group-3 rate": table["false_group3_rate"],
            "ratio false group-3 rate": with_interval("ratio_false_group3"),
        },
        index=table.index,
    )


def fairness_section(checks: list[FairnessCheck], lang: str = "en") -> Section:
    say = Words(lang)
    section = Section(
        "fairness",
        say(
            "Fairness by gender and age band",
            "Eerlijkheid naar geslacht en leeftijd (bias-toets)",
        ),
    )
    first = checks[0]
    low = say.num(1 / first.threshold, 2)
    section.paragraphs.append(
        say(
            _FAIRNESS_EN.format(
                h=first.horizon,
                h3=first.false3_horizon,
                t=f"{first.threshold:g}",
                low=low,
                n=first.min_clients,
            ),
            _FAIRNESS_NL.format(
                h=first.horizon,
                h3=first.false3_horizon,
                t=f"{first.threshold:g}".replace(".", ","),
                low=low,
                n=first.min_clients,
            ),
        )
    )
    for check in checks:
        section.add_table(check.attribute, fairness_display(check.table, lang))
        section.warnings.extend(say(f"fairness: {w}", f"eerlijkheid: {w}") for w in check.warnings)
    section.figures.append(
        plots.fairness_plot(
            {c.attribute: c.table for c in checks},
            first.threshold,
            caption=say(
                "Ratios of each group to all clients (log scale).",
                "Verhouding van elke groep tot alle cliënten (logaritmische schaal).",
            ),
            lang=lang,
        )
    )
    return section


_FAIRNESS_EN = (
    "Gender is a protected attribute: it is never a model feature and is used here only, to "
    "check the model. Age band is the age at the cut-off. Per group: the shares of the outflow "
    "groups, observed over predicted chance of leaving within {h} months (calibration), and the "
    "false group-3 rate: among clients predicted in group 3, the observed chance of leaving "
    "within {h3} months. Each ratio compares the group with all clients (in brackets: the 95% "
    "interval from the group's own sampling error; an interval that includes 1 means the "
    "disparity could be chance); a warning is given when a ratio is above {t} or below {low} "
    "for a group of at least {n} clients. Differences in group shares can reflect real "
    "differences in outflow (age is a model feature); differences in calibration are errors "
    "that fall unequally. False group-3 rates also differ when groups sit at different "
    "distances from the 18-month boundary (a well-calibrated model cannot have equal error "
    "rates for groups with different outflow), so read them together with the calibration ratio. "
    "The verdict tests all groups at once (bootstrap intervals widened for the number of groups), "
    "so a disparity marked 'more than chance' for one group here can still be chance there."
)
_FAIRNESS_NL = (
    "Geslacht is een beschermd kenmerk: het is nooit een kenmerk van het model en wordt alleen "
    "hier gebruikt, om het model te toetsen. Leeftijdsklasse is de leeftijd op de peildatum. Per "
    "groep: de aandelen van de uitstroomgroepen, de waargenomen gedeeld door de voorspelde kans "
    "op uitstroom binnen {h} maanden (kalibratie), en het aandeel onterecht in groep 3: van de "
    "cliënten die in groep 3 zijn voorspeld, de waargenomen kans op uitstroom binnen {h3} "
    "maanden. Elke verhouding vergelijkt de groep met alle cliënten (tussen haakjes: het "
    "95%-interval uit de eigen steekproefonzekerheid van de groep; een interval waarin 1 ligt "
    "betekent dat het verschil toeval kan zijn); een waarschuwing volgt als een verhouding "
    "boven {t} of onder {low} ligt voor een groep van minstens {n} cliënten. Verschillen in "
    "aandelen per groep kunnen echte verschillen in uitstroom weergeven (leeftijd is een kenmerk "
    "van het model); verschillen in kalibratie zijn fouten die ongelijk vallen. Het aandeel "
    "onterecht in groep 3 verschilt ook wanneer groepen op verschillende afstand van de grens "
    "van 18 maanden liggen (een goed gekalibreerd model kan geen gelijke foutpercentages hebben "
    "voor groepen met verschillende uitstroom); lees het dus samen met de kalibratieverhouding. "
    "Het oordeel toetst alle groepen tegelijk (bootstrap-intervallen verbreed naar het aantal "
    "groepen), dus een verschil dat hier voor één groep 'meer dan toeval' heet, kan daar nog "
    "toeval zijn."
)
