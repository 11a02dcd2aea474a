"""The model card (*modelkaart*) in Dutch, with the fields of the Algoritmeregister.

:func:`render_model_card` writes Markdown with the fields the Dutch algorithm
register asks for (naam, organisatie, korte omschrijving, doel en impact,
menselijke tussenkomst, proportionaliteit, rechtsgrond, gebruikte data,
methode en werking, prestaties, beperkingen, eerlijkheid/bias-toets,
risicobeheer, contact). It is generated with every model folder
(:func:`rendement.model.folder.save_model` writes ``model_card.md``, checksummed
like every file). Performance and fairness come from an out-of-time evaluation
(``evaluation``: the ``key_figures`` of a :class:`rendement.report.Report`, or
``model.metadata["evaluation"]``); without one the card says so and how to
make it. Only aggregates appear on the card, never client values.
"""

from __future__ import annotations

from typing import Any

from rendement.model.hazard_model import HazardModel

#: Headings of the card, in order (the Algoritmeregister fields).
CARD_SECTIONS = (
    "Naam",
    "Organisatie",
    "Korte omschrijving",
    "Doel en impact",
    "Menselijke tussenkomst",
    "Proportionaliteit",
    "Rechtsgrond",
    "Gebruikte data",
    "Methode en werking",
    "Prestaties",
    "Beperkingen",
    "Eerlijkheid en bias-toets",
    "Risicobeheer",
    "Contact",
)

METER_NAMES = {
    "reintegratie": "re-integratie (trajecten)",
    "werk_direct": "Werk Direct (werk voorop bij de aanvraag)",
    "handhaving": "handhaving (huisbezoeken)",
}

KIND_NAMES = {
    "estimated": "geschat op de eigen gegevens van de gemeente (estimated)",
    "expert": "EXPERTMODEL (expert): parameters vastgesteld door deskundigen, niet geschat",
    "borrowed": "GELEEND MODEL (borrowed): parameters van een andere gemeente overgenomen",
}

_TODO = "[in te vullen door de gemeente]"


def _num(x: Any, digits: int = 3) -> str:
    if x is None:
        return "–"
    try:
        return f"{float(x):.{digits}f}".replace(".", ",")
    except (TypeError, ValueError):
        return str(x)


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.1f}%".replace(".", ",")


def render_model_card(model: HazardModel, evaluation: dict[str, Any] | None = None) -> str:
    """The model card of ``model`` as Markdown (Dutch)."""
    meta = model.metadata or {}
    ev = evaluation if evaluation is not None else meta.get("evaluation")
    version = str(meta.get("version") or "onbekend")
    meter = model.spec.meter
    org = str(meta.get("organisation") or meta.get("organisatie") or _TODO)
    contact = str(meta.get("contact") or _TODO)
    parts: list[str] = [
        f"# Modelkaart: rendementmeter {METER_NAMES.get(meter, meter)}, versie {version}",
        "",
    ]
    parts.append(f"Soort model: **{KIND_NAMES.get(model.kind, model.kind)}**.")
    if model.kind in ("expert", "borrowed"):
        parts.append(
            f"Let op: dit is een {'expertmodel (expert)' if model.kind == 'expert' else 'geleend model (borrowed)'}. "
            "Elke uitkomst ervan (lijsten, adviezen, rapporten) vermeldt dat. Vervang het door een "
            "op eigen gegevens geschat model zodra de gegevens dat toelaten."
        )
    parts.append("")

    def section(title: str, lines: list[str]) -> None:
        parts.append(f"## {title}")
        parts.append("")
        previous = ""
        for line in lines:
            in_block = line.startswith(("|", "- ")) and previous.startswith(("|", "- "))
            if previous and not in_block and line:
                parts.append("")  # a paragraph of its own (Markdown joins adjacent lines)
            parts.append(line)
            previous = line
        parts.append("")

    section(
        "Naam", [f"Rendementmeter {METER_NAMES.get(meter, meter)}, model {version} ({model.kind})."]
    )
    section("Organisatie", [f"Organisatie: {org}.", "Afdeling: Werk en Inkomen (sociale dienst)."])
    section(
        "Korte omschrijving",
        [
            "Schat per cliënt in de bijstand hoe lang die naar verwachting nog een uitkering "
            "ontvangt zonder instrument, en met elk instrument (traject, Werk Direct, huisbezoek), "
            "en wat dat netto oplevert. Het resultaat is een advies aan de klantmanager, nooit een "
            "opdracht."
        ],
    )
    section(
        "Doel en impact",
        [
            "Doel: schaarse re-integratietrajecten en handhavingsacties inzetten waar ze het meest "
            "opleveren, en cliënten die zelf snel uitstromen niet onnodig in een traject plaatsen.",
            "Impact: het advies beïnvloedt welke cliënten een traject aangeboden krijgen. Het "
            "model deelt cliënten in uitstroomgroepen in (1: uitstroom binnen 6 maanden; 2: binnen "
            "6-18 maanden; 3: niet binnen 18 maanden). Een cliënt in groep 3 krijgt eerder een "
            "participatietraject dan een traject richting werk; een verkeerde indeling in groep 3 "
            "is daarom het belangrijkste risico voor de cliënt (zie Eerlijkheid).",
            "Onder de Europese AI-verordening is een systeem dat de toegang tot publieke "
            "uitkeringen en diensten beoordeelt hoog-risico (bijlage III, punt 5a).",
        ],
    )
    section(
        "Menselijke tussenkomst",
        [
            "De uitkomst is een advies en geen opdracht. De klantmanager beslist en legt vast "
            "waarom een advies niet is gevolgd; managers zien wie afwijkt en waarom. Het model "
            "neemt geen besluiten over de uitkering zelf.",
        ],
    )
    section(
        "Proportionaliteit",
        [
            "Het model gebruikt alleen gegevens die de gemeente al heeft voor de uitvoering van de "
            "Participatiewet (uitkeringsperioden, trajecten, enkele kenmerken bij instroom). "
            "Beschermde kenmerken (geslacht, herkomst, nationaliteit) zijn nooit invoer van het "
            "model; geslacht wordt alleen gebruikt om het model op vooroordelen te toetsen. Het "
            "alternatief, toewijzing op persoonlijk oordeel zonder toetsing, is minder "
            "controleerbaar.",
            f"Afweging door de gemeente: {_TODO}.",
        ],
    )
    section(
        "Rechtsgrond",
        [
            f"{_TODO} (bijvoorbeeld Participatiewet artikelen 7 en 10 over arbeidsinschakeling en "
            "ondersteuning; de verwerking van persoonsgegevens volgens de AVG, met een DPIA).",
        ],
    )
    section("Gebruikte data", _data_lines(model))
    section("Methode en werking", _method_lines(model))
    section("Prestaties", _performance_lines(ev))
    section("Beperkingen", _limit_lines(model))
    section("Eerlijkheid en bias-toets", _fairness_lines(ev))
    section(
        "Risicobeheer",
        [
            "- Elk model is een map met een manifest en controlegetallen (SHA-256) van alle "
            "bestanden; een gewijzigd model wordt geweigerd.",
            "- Modellen worden per jaar opnieuw geschat, met een modelrapport (validatie buiten de "
            "schattingsperiode, kalibratie, onderscheidend vermogen, bias-toets) en vergeleken met "
            "het vorige model voordat een analist de nieuwe versie activeert.",
            "- Geen BSN in de gegevens of logbestanden; geen cliëntgegevens in logregels.",
            "- Afwijkingen van het advies worden met reden vastgelegd en door managers gevolgd.",
            f"- Eigenaar van het model en periodieke evaluatie: {_TODO}.",
        ],
    )
    section("Contact", [f"{contact}"])
    return "\n".join(parts).rstrip() + "\n"


def _data_lines(model: HazardModel) -> list[str]:
    meta = model.metadata or {}
    lines: list[str] = []
    window = meta.get("training_window") or {}
    metrics = meta.get("metrics") or {}
    if model.kind == "estimated":
        lines.append(
            f"Uitkeringsperioden met instroom van {window.get('first_inflow', '?')} tot "
            f"{window.get('until', '?')} uit het eigen cliëntsysteem van de gemeente."
        )
        if metrics:
            lines.append(
                f"Omvang: {metrics.get('clients', '?')} cliënten, {metrics.get('spells', '?')} "
                f"uitkeringsperioden, {metrics.get('person_months', '?')} persoonsmaanden, "
                f"{metrics.get('events', '?')} uitstromen."
            )
        if meta.get("data_fingerprint"):
            lines.append(f"Vingerafdruk van de gegevens (SHA-256): `{meta['data_fingerprint']}`.")
    elif model.kind == "expert":
        lines.append(
            "Geen eigen schattingsgegevens: de parameters zijn vastgesteld door "
            f"{meta.get('author') or 'deskundigen'}."
        )
        if meta.get("rationale"):
            lines.append(f"Onderbouwing: {str(meta['rationale']).strip()}")
    else:
        lines.append(
            f"Parameters overgenomen van {meta.get('source') or meta.get('borrowed_from') or 'een andere gemeente'}"
            f" ({meta.get('recalibration', 'niet herijkt')})."
        )
    feats = ", ".join(model.spec.features + model.spec.extra_features)
    lines.append(
        f"Kenmerken bij instroom: {feats}; de maanden in de uitkering; per instrument de "
        "toestand (in het instrument, of erna)."
    )
    lines.append(
        "Niet gebruikt als invoer: geslacht, herkomst, nationaliteit en andere beschermde kenmerken."
    )
    codes = ", ".join(model.spec.instruments) or "geen"
    lines.append(f"Instrumenten in het model: {codes}.")
    return lines


def _method_lines(model: HazardModel) -> list[str]:
    lines = [
        "Een discrete-tijd proportioneel hazardmodel (complementaire log-log link) voor de kans "
        "om per maand de uitkering te verlaten, met een stuksgewijs constante basiskans naar "
        "uitkeringsduur, kenmerken bij instroom, en per instrument een effect tijdens het "
        "instrument (lock-in) en erna, geschat op persoonsmaanden met standaardfouten "
        "geclusterd per cliënt.",
        "Uit de maandkansen volgen per cliënt de overlevingscurve, de kans op uitstroom binnen 6 "
        "en 18 maanden, de verwachte resterende uitkeringsduur (horizon "
        f"{model.spec.horizon} maanden) en de uitstroomgroep (grenzen {_num(model.spec.group_cutoffs[0], 2)} "
        f"en {_num(model.spec.group_cutoffs[1], 2)}). Met een instrument: wachttijd, lock-in en effect "
        "erna; bespaarde maanden maal de maanduitkering min de verwachte kosten is het netto "
        "rendement.",
    ]
    het = model.heterogeneity
    if het is not None and len(het.locations) > 1:
        lines.append(
            "Dit model bevat niet-waargenomen heterogeniteit (timing-of-events-model, Abbring en "
            f"Van den Berg) met {len(het.locations)} massapunten, zodat dynamische selectie de "
            "effecten van instrumenten niet vertekent."
        )
    return lines


def _performance_lines(ev: dict[str, Any] | None) -> list[str]:
    if not ev:
        return [
            "Er is nog geen validatie buiten de schattingsperiode opgeslagen bij dit model. Maak die "
            "met `rendement report MODEL_DIR --data DATA_DIR --out rapport.html`: het rapport "
            "schat het model opnieuw op de gegevens tot een peildatum (standaard 12 maanden voor de "
            "extractiedatum), volgt het klantenbestand van die datum in de maanden erna en schrijft "
            "een bijgewerkte modelkaart naast het rapport."
        ]
    ho = ev.get("holdout") or {}
    lines = [
        f"Validatie buiten de schattingsperiode: model geschat op gegevens tot {ho.get('cutoff', '?')}, "
        f"{ho.get('clients', '?')} cliënten in de uitkering op die datum gevolgd gedurende "
        f"{ho.get('window_months', '?')} maanden (tot {ho.get('extraction', '?')}).",
        "",
        "| maat | waarde |",
        "|---|---|",
    ]
    for h, c in (ev.get("calibration") or {}).items():
        lines.append(
            f"| kans op uitstroom binnen {h} maanden: voorspeld / waargenomen | "
            f"{_num(c.get('predicted'))} / {_num(c.get('observed'))} |"
        )
        lines.append(
            f"| kalibratie per deciel ({h} maanden): chi-kwadraat, p-waarde | "
            f"{_num(c.get('decile_chi2'), 1)} ({c.get('decile_df', '?')} vg), {_num(c.get('decile_p_value'))} |"
        )
    lines.append(f"| concordantie (Harrell's C) | {_num(ev.get('c_index'))} |")
    for h, auc in (ev.get("auc") or {}).items():
        lines.append(
            f"| tijdsafhankelijke AUC na {h} maanden | "
            f"{_num(auc) if auc is not None else 'volgperiode te kort'} |"
        )
    ga = ev.get("group_accuracy") or {}
    if ga.get("overall") is not None:
        lines.append(f"| uitstroomgroep juist | {_pct(ga['overall'])} |")
    elif ga:
        lines.append(
            f"| uitstroomgroep juist | tussen {_pct(ga.get('overall_at_least'))} en "
            f"{_pct(ga.get('overall_at_most'))} (volgperiode korter dan 18 maanden) |"
        )
    if ga.get("boundary_6m") is not None:
        lines.append(f"| juist op 'uitstroom binnen 6 maanden' | {_pct(ga['boundary_6m'])} |")
    return lines


def _limit_lines(model: HazardModel) -> list[str]:
    meta = model.metadata or {}
    lines = [
        "- De effecten van instrumenten komen uit waargenomen gegevens, niet uit een experiment. "
        "Ze zijn alleen causaal als de toewijzing van instrumenten, gegeven de kenmerken in het "
        "model en de uitkeringsduur, niet samenhangt met onbekende kansen op werk"
        + (
            " (dit model corrigeert daarvoor met niet-waargenomen heterogeniteit)."
            if model.heterogeneity is not None and len(model.heterogeneity.locations) > 1
            else "."
        ),
        "- Uitstroom verandert met de economie, het beleid en het klantenbestand; het model moet "
        "jaarlijks opnieuw geschat en gevalideerd worden.",
        "- Voorspellingen voor groepen met weinig waarnemingen zijn onzeker; zie de "
        "waarschuwingen in het modelrapport.",
    ]
    for d in meta.get("dropped_terms") or []:
        if isinstance(d, dict):
            lines.append(f"- Niet geschat: {d.get('term')} ({d.get('reason')}).")
    if model.kind in ("expert", "borrowed"):
        lines.append(
            "- Parameters zijn niet op de eigen gegevens geschat; er zijn geen standaardfouten of "
            "betrouwbaarheidsintervallen."
        )
    return lines


def _fairness_lines(ev: dict[str, Any] | None) -> list[str]:
    if not ev or not ev.get("fairness"):
        return [
            "Nog niet getoetst: er is geen validatie buiten de schattingsperiode opgeslagen. Het "
            "modelrapport (`rendement report`) toetst per geslacht en leeftijdsgroep de verdeling "
            "over de uitstroomgroepen, de kalibratie (waargenomen gedeeld door voorspelde "
            "uitstroom) en het aandeel onterecht in groep 3 ingedeelde cliënten."
        ]
    threshold = ev.get("fairness_threshold") or 1.25
    lines = [
        "Per groep, vergeleken met alle cliënten (verhouding groep / alle cliënten; een "
        f"verhouding boven {_num(threshold, 2)} of onder {_num(1 / float(threshold), 2)} geeft een "
        "waarschuwing):",
        "",
        "| kenmerk | groep | cliënten | aandeel groep 3 | verh. | waargenomen/voorspeld | verh. | onterecht groep 3 | verh. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for attr, f in ev["fairness"].items():
        for level, g in (f.get("groups") or {}).items():
            lines.append(
                f"| {attr} | {level} | {g.get('clients')} | {_pct(g.get('share_group_3'))} | "
                f"{_num(g.get('ratio_group3_share'), 2)} | {_num(g.get('calibration'), 2)} | "
                f"{_num(g.get('ratio_calibration'), 2)} | {_pct(g.get('false_group3_rate'))} | "
                f"{_num(g.get('ratio_false_group3'), 2)} |"
            )
    warnings = ev.get("fairness_warnings") or []
    lines.append("")
    if warnings:
        lines.append("Waarschuwingen:")
        lines.extend(f"- {w}" for w in warnings)
    else:
        lines.append("Geen verhouding buiten de grens.")
    return lines
