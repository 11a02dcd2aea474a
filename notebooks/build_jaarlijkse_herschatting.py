"""Writes ``jaarlijkse-herschatting.ipynb``, the analysts' walk-through of the annual re-estimation.

The notebook is generated from this script so that it stays a plain sequence of
calls to the Python API (no library logic in it) and is stored without outputs::

    .venv/bin/python notebooks/build_jaarlijkse_herschatting.py

``tests/test_notebook.py`` executes it and checks that the file in git equals
what this script writes.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK = Path(__file__).with_name("jaarlijkse-herschatting.ipynb")

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """# Jaarlijkse herschatting van de rendementmeter (annual re-estimation)

Uitstroom uit de bijstand verandert met de economie, het beleid en het klantenbestand. Daarom
schat de analist het model **elk jaar opnieuw**, beoordeelt het nieuwe model, vergelijkt het met
dat van vorig jaar en zet het pas daarna in gebruik.

*Outflow changes with the economy, policy and the caseload, so the model is re-estimated every
year: check the data, fit, compare with last year's model, read the report, then activate.*

Dit notebook doet dat voor **Droomstad**, de gesimuleerde demonstratiegemeente (2.500 cliënten).
Elke stap is één aanroep van de Python-API van `rendement`; met echte gegevens vervang je alleen
stap 1 door de map met de export van het cliëntsysteem. Alles wat het notebook schrijft staat in
de map `herschatting/`.""",
    ),
    (
        "code",
        """from pathlib import Path

from rendement.model.compare import compare_models
from rendement.contract import check_data_folder, read_data_folder, summarise_folder
from rendement.model.fitting import fit_model
from rendement.model.card import render_model_card
from rendement.model.folder import load_model
from rendement.panel import caseload_state
from rendement.model.registry import Registry
from rendement.report import build_report, write_report
from rendement.simulate import SimulationConfig, simulate
from rendement.timeutil import add_months

WORK = Path("herschatting")  # everything this notebook writes
METER = "reintegratie"
""",
    ),
    (
        "md",
        """## 1. De gegevens / The data

Droomstad met een extractiedatum (*peildatum*) van 1 januari 2026. De map `data/` bevat de vier
tabellen van het datacontract (clients, spells, trajectories, instruments); `truth/` de echte
parameters van de simulatie (die heeft een echte gemeente niet).""",
    ),
    (
        "code",
        """droomstad = simulate(SimulationConfig(clients=2500, seed=2026, as_of="2026-01-01"))
droomstad.write(WORK / "data", WORK / "truth")""",
    ),
    (
        "md",
        """## 2. Datacontrole / Data check

Eerst de hele map tegen het datacontract: elke overtreding met bestand, rij en kolom. Pas als de
map geldig is, lezen we hem in.""",
    ),
    (
        "code",
        """check = check_data_folder(WORK / "data")
print(f"valid: {check.valid} ({len(check.violations)} violations)")
for violation in check.violations[:20]:
    print(" -", violation)""",
    ),
    (
        "code",
        """data = read_data_folder(WORK / "data")
extraction = data.extraction_date
print(summarise_folder(data))""",
    ),
    (
        "md",
        """## 3. Vorig jaar en dit jaar schatten / Fit last year's and this year's model

Het model van vorig jaar is geschat op de gegevens tot een jaar voor de extractiedatum
(`until`); dat van dit jaar op alle gegevens. Beide zijn een discreet-tijd hazardmodel met de
instrumenten als toestanden (tijdens: lock-in; erna: effect).""",
    ),
    (
        "code",
        """last_year, _ = fit_model(data, meter=METER, until=add_months(extraction, -12), version="2025-01")
this_year, results = fit_model(data, meter=METER, version="2026-01")
print(results.summary())""",
    ),
    (
        "md",
        """## 4. Register en vergelijken / Register and compare

Beide versies gaan in het modelregister (`models/reintegratie/2025-01`, `.../2026-01`); vorig
jaar is de actieve versie. De vergelijking toont de verschuiving van elke coëfficiënt met een
interval, en op het huidige klantenbestand hoeveel cliënten van uitstroomgroep of beste
instrument wisselen. `shifted()` toont de coëfficiënten die meer verschoven dan toeval
verklaart (een lege tabel: geen enkele).""",
    ),
    (
        "code",
        """registry = Registry.at(WORK / "models")
registry.register(last_year, "2025-01")
registry.activate(METER, "2025-01")
registry.register(this_year, "2026-01")
registry.listing()""",
    ),
    (
        "code",
        """old = load_model(registry.path(METER, "2025-01"))
new = load_model(registry.path(METER, "2026-01"))
caseload = caseload_state(data, extraction, instruments=list(new.spec.instruments))
comparison = compare_models(old, new, caseload=caseload)
comparison.shifted()""",
    ),
    ("code", """comparison.effects.round(3)"""),
    ("code", """comparison.changes"""),
    (
        "md",
        """## 5. Modelrapport / Model report

Het rapport schat dezelfde specificatie opnieuw op de gegevens tot 12 maanden voor de
extractiedatum, scoort het klantenbestand van toen en volgt het een jaar (**validatie buiten de
schattingsperiode**): kalibratie per risicodeciel en uitstroomgroep, onderscheidend vermogen
(concordantie, tijdsafhankelijke AUC), de juistheid van de uitstroomgroepen en de bias-toets naar
geslacht en leeftijd. Het HTML-bestand is op zichzelf staand: mail het zo naar de manager.""",
    ),
    (
        "code",
        """report = build_report(new, data, holdout_months=12)
write_report(report, WORK / "modelrapport-2026-01.html")
{key: report.key_figures[key] for key in ("holdout", "c_index", "auc")}""",
    ),
    ("code", """report.section("calibration").tables["by-decile"].round(3)"""),
    ("code", """report.section("fairness").tables["gender"]"""),
    ("code", """report.warnings"""),
    (
        "md",
        """De **modelkaart** (voor het Algoritmeregister) zit in elke modelmap; met de cijfers van dit
rapport erin schrijven we een bijgewerkte kaart naast het rapport (de modelmap zelf is
beveiligd met controlegetallen en blijft ongewijzigd).""",
    ),
    (
        "code",
        """card = render_model_card(new, report.key_figures)
(WORK / "modelkaart-2026-01.md").write_text(card, encoding="utf-8")
print(card[:2500])""",
    ),
    (
        "md",
        """## 6. Activeren / Activate

Pas na het lezen van het rapport en de vergelijking besluit de analist (niet het notebook) om
de nieuwe versie te activeren. Vanaf dan gebruiken `rendement score` en de dienst voor
klantmanagers deze versie.""",
    ),
    (
        "code",
        """registry.activate(METER, "2026-01")
assert registry.active(METER) == "2026-01"
registry.listing()""",
    ),
    (
        "md",
        """**Daarna**: publiceer de bijgewerkte modelkaart in het Algoritmeregister, vertel de
klantmanagers wat er verandert, en onthoud: de uitkomst is een advies, nooit een opdracht.""",
    ),
]


def build_notebook() -> nbformat.NotebookNode:
    """The notebook, without outputs."""
    cells = [
        new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in CELLS
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids, so the file only changes when the text does
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebook_text() -> str:
    return nbformat.writes(build_notebook()) + "\n"


if __name__ == "__main__":
    NOTEBOOK.write_text(notebook_text(), encoding="utf-8")
    print(f"written {NOTEBOOK}")
