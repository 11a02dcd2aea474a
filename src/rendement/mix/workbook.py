"""``mix.xlsx``: the optimal mix for managers, in Dutch, ready to print (openpyxl).

* ``Samenvatting``: peildatum, model, the plan's totals, the comparison with planning
  each meter apart in words ("de mix levert € X meer op dan plannen per meter"), and
  the assumptions (which interactions were used, what the check did not test);
* ``Plan per klant``: per client the planned combination (instrument names joined with
  " + ", the codes beside them for linking), net return, months saved, expected cost;
* ``Plaatsen``: per instrument its places, assigned and left;
* ``Toets optelbaarheid``: the additivity check per pair of instruments (when it ran).

Every sheet prints on A4 landscape, one page wide, with the header row repeated
(:func:`rendement.lists.printing.print_setup`). Written in streaming (write-only) mode.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rendement.formatting import date_text, integer, money
from rendement.formulas import as_text
from rendement.lists.cells import cell, header_style
from rendement.lists.printing import header_height, print_setup
from rendement.mix.additivity import AdditivityCheck
from rendement.mix.combos import JOIN
from rendement.mix.notes import Note
from rendement.mix.plan import MixPlan
from rendement.mix.score import MixScore

SUMMARY_SHEET = "Samenvatting"
PLAN_SHEET = "Plan per klant"
PLACES_SHEET = "Plaatsen"
CHECK_SHEET = "Toets optelbaarheid"
#: The words between instrument names of a combination.
NAME_JOIN = " + "
#: What a client without a planned instrument gets.
NONE_WORD = "geen instrument"
FORMATS = {"text": "General", "int": "#,##0", "eur": '"€" #,##0', "dec": "#,##0.0", "p": "0.000"}
METER_WORDS = {
    "reintegratie": "re-integratie",
    "werk_direct": "Werk Direct",
    "handhaving": "handhaving",
}
STATUS_WORDS = {
    "optimal": "bewezen optimaal (op een cent na)",
    "within_gap": "bewezen binnen de gestelde marge van het optimum",
    "time_limit": "beste plan binnen de rekentijd (niet bewezen optimaal)",
}
VERDICT_WORDS = {
    "additive": "optelbaar (geen bewijs tegen optellen)",
    "interaction": "interactie: de effecten tellen niet zomaar op",
    "too_few": "niet te toetsen: te weinig klanten kregen beide",
}


COMPARISON_HEADERS = (
    "",
    "klanten met instrument",
    "met combinatie",
    "netto rendement",
    "bespaarde maanden",
    "verwachte kosten",
)


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its Dutch header, the kind of number and the values."""

    header: str
    kind: str
    values: list[Any]


def write_mix_workbook(
    path: Path,
    mix: MixScore,
    plan: MixPlan,
    comparison: pd.DataFrame,
    check: AdditivityCheck | None,
    notes: Sequence[Note],
    names: Mapping[str, str],
) -> None:
    """Write ``mix.xlsx`` (module docstring) to ``path``."""
    wb = Workbook(write_only=True)
    styles = _styles(wb)
    _summary(wb, styles, mix, plan, comparison, notes)
    _table(wb, styles, PLAN_SHEET, _plan_columns(plan, names), freeze="C2")
    _table(wb, styles, PLACES_SHEET, _places_columns(plan, names))
    if check is not None:
        _table(wb, styles, CHECK_SHEET, _check_columns(check, names))
    wb.save(path)


def combination_names(code: str, names: Mapping[str, str]) -> str:
    """``huisbezoek+jobhunt`` -> ``Huisbezoek + Jobhunt`` (catalogue names); empty: none."""
    if not code:
        return NONE_WORD
    return NAME_JOIN.join(names.get(c, c) for c in code.split(JOIN))


def _plan_columns(plan: MixPlan, names: Mapping[str, str]) -> list[Column]:
    """The clients with a planned instrument, highest net return first."""
    a = plan.assignments[plan.assignments["instruments"] != ""]
    a = a.sort_values("net_return_eur", ascending=False, kind="stable")
    codes = a["instruments"].astype(str)
    return [
        Column("klant", "text", a["client_id"].astype(str).tolist()),
        Column("instrumenten (plan)", "text", [combination_names(c, names) for c in codes]),
        Column("aantal instrumenten", "int", [len(c.split(JOIN)) if c else 0 for c in codes]),
        Column("netto rendement", "eur", a["net_return_eur"].astype(float).tolist()),
        Column("bespaarde uitkeringsmaanden", "dec", a["months_saved"].astype(float).tolist()),
        Column("verwachte kosten", "eur", a["expected_cost_eur"].astype(float).tolist()),
        Column("codes (voor koppelingen)", "text", codes.tolist()),
    ]


def _places_columns(plan: MixPlan, names: Mapping[str, str]) -> list[Column]:
    s = plan.summary
    return [
        Column("instrument", "text", [names.get(c, c) for c in s["instrument"].astype(str)]),
        Column("code", "text", s["instrument"].astype(str).tolist()),
        Column("plaatsen", "int", s["places"].astype(int).tolist()),
        Column("ingepland", "int", s["assigned"].astype(int).tolist()),
        Column("over", "int", s["places_left"].astype(int).tolist()),
    ]


def _check_columns(check: AdditivityCheck, names: Mapping[str, str]) -> list[Column]:
    t = check.table
    pairs = [combination_names(p.replace("&", JOIN), names) for p in t["pair"].astype(str)]
    return [
        Column("instrumenten", "text", pairs),
        Column("klantmaanden na beide", "int", t["person_months_both"].astype(int).tolist()),
        Column("uitstroom na beide", "int", t["outflows_both"].astype(int).tolist()),
        Column("interactie (log-hazard)", "p", t["estimate"].astype(float).tolist()),
        Column("standaardfout", "p", t["std_error"].astype(float).tolist()),
        Column("p-waarde", "p", t["p_lr"].astype(float).tolist()),
        Column("oordeel", "text", [VERDICT_WORDS.get(v, v) for v in t["verdict"].astype(str)]),
        Column("in de mix gebruikt", "text", ["ja" if v else "nee" for v in t["in_model"]]),
        Column("code", "text", t["pair"].astype(str).tolist()),
    ]


def comparison_sentence(comparison: pd.DataFrame) -> str:
    """The mix against the separate plans in one Dutch sentence."""
    mix, apart = (float(v) for v in comparison["net_return_eur"].iloc[:2])
    adds = mix - apart
    if adds >= 0.5:
        head = f"De mix levert {money(adds)} meer op dan plannen per meter"
    elif adds <= -0.5:
        head = f"De mix levert {money(-adds)} minder op dan plannen per meter"
    else:
        head = "De mix levert evenveel op als plannen per meter"
    return (
        f"{head} ({money(mix)} tegen {money(apart)} netto rendement), met dezelfde klanten "
        "en dezelfde plaatsen."
    )


def _summary(
    wb: Workbook,
    styles: dict[str, str],
    mix: MixScore,
    plan: MixPlan,
    comparison: pd.DataFrame,
    notes: Sequence[Note],
) -> None:
    """Long: the summary sheet reads top to bottom as a manager reads it; one list of rows."""
    ws = wb.create_sheet(SUMMARY_SHEET)
    widths = [34.0, 18.0, 18.0, 18.0, 18.0, 18.0, 18.0]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    print_setup(ws, title="Optimale mix rendementmeter - samenvatting", repeat_rows=None)
    t = plan.totals
    as_of = date_text(mix.as_of) if mix.as_of is not None else "-"
    bold = styles["bold"]
    meters = ", ".join(METER_WORDS.get(m, m) for m in mix.meters)
    rows: list[list[Any]] = [
        [cell(ws, f"Optimale mix van instrumenten - peildatum {as_of}", styles["title"])],
        [cell(ws, "peildatum", bold), as_of],
        [cell(ws, "modelversie", bold), cell(ws, mix.model_version)],
        [cell(ws, "meters", bold), meters],
        [
            cell(ws, "combinaties per klant", bold),
            f"{len(mix.combinations)} (losse instrumenten meegeteld)",
        ],
        [],
        [cell(ws, "Het plan over combinaties", bold)],
        ["klanten zonder lopend instrument", cell(ws, int(t["clients"]), styles["int"])],
        ["klanten met een instrument in het plan", cell(ws, int(t["assigned"]), styles["int"])],
        ["  waarvan met een combinatie", cell(ws, int(t["combinations"]), styles["int"])],
        ["netto rendement", cell(ws, float(t["net_return_eur"]), styles["eur"])],
        ["bespaarde uitkeringsmaanden", cell(ws, float(t["months_saved"]), styles["dec"])],
        ["verwachte kosten", cell(ws, float(t["expected_cost_eur"]), styles["eur"])],
        ["budget", _budget_cell(ws, t["budget_eur"], styles)],
        ["oplossing", STATUS_WORDS.get(str(t["status"]), str(t["status"]))],
        ["hoogstens onder het optimum", cell(ws, float(t["gap_eur"]), styles["eur"])],
        [],
        [cell(ws, "Vergeleken met plannen per meter", bold)],
        [comparison_sentence(comparison)],
        [cell(ws, h, styles["header"]) for h in COMPARISON_HEADERS],
    ]
    header_row = len(rows)  # 1-based row of the comparison's header
    for label, r in zip(
        ("mix over de meters", "plan per meter"), comparison.to_dict("records"), strict=False
    ):
        rows.append(
            [
                label,
                cell(ws, int(r["assigned"]), styles["int"]),
                cell(ws, int(r["combinations"]), styles["int"]),
                cell(ws, float(r["net_return_eur"]), styles["eur"]),
                cell(ws, float(r["months_saved"]), styles["dec"]),
                cell(ws, float(r["expected_cost_eur"]), styles["eur"]),
            ]
        )
    rows += [[], [cell(ws, "Aannames en kanttekeningen", bold)]]
    room = int(sum(widths) * 0.95)
    texts = [
        "Een combinatie is hoogstens één instrument per meter, in een werkbare volgorde "
        "(op wachttijd; een traject begint pas na het vorige). Het netto rendement is de "
        "besparing op de uitkering min de verwachte kosten van alle instrumenten samen.",
        "Het blad 'Plan per klant' noemt de klanten met een instrument in het plan, het "
        "hoogste rendement eerst; de andere klanten krijgen deze periode geen instrument "
        "(alle klanten: mix_plan.csv).",
        *(n.dutch for n in notes),
        "Plannen per meter: elke meter verdeelt zijn eigen plaatsen op zichzelf; wat de "
        "klanten dan samen krijgen, is gewaardeerd met het rendement van die combinatie.",
        "Dit is een advies, geen besluit: de klantmanager beslist.",
    ]
    for text in texts:
        for k, line in enumerate(textwrap.wrap(text, room)):
            rows.append([("• " if k == 0 else "  ") + line])
    ws.row_dimensions[header_row].height = header_height(COMPARISON_HEADERS, widths[:6])
    for row in rows:
        ws.append(row)


def _budget_cell(ws: WriteOnlyWorksheet, budget: Any, styles: dict[str, str]) -> Any:
    value = float(budget) if budget is not None else float("nan")
    return "geen budgetgrens" if np.isnan(value) else cell(ws, value, styles["eur"])


def _table(
    wb: Workbook, styles: dict[str, str], title: str, columns: list[Column], freeze: str = "A2"
) -> None:
    ws = wb.create_sheet(title)
    headers = [c.header for c in columns]
    widths = [_width(c) for c in columns]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = freeze
    print_setup(ws, title=f"Optimale mix rendementmeter - {title.lower()}")
    ws.row_dimensions[1].height = header_height(headers, widths)
    ws.append([cell(ws, h, styles["header"]) for h in headers])
    cells = [cell(ws, None, styles[c.kind]) for c in columns]
    n = len(columns[0].values) if columns else 0
    for i in range(n):
        for slot, column in zip(cells, columns, strict=True):
            v = column.values[i]
            slot.value = None if isinstance(v, float) and np.isnan(v) else v
            as_text(slot)
        ws.append(cells)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{n + 1}"


def _width(column: Column) -> float:
    longest_word = max((len(w) for w in column.header.split()), default=4)
    if column.kind == "text":
        content = max((len(str(v)) for v in column.values), default=4)
    elif column.kind in ("eur", "int"):
        big = max((abs(v) for v in column.values if v == v), default=0)
        content = len(integer(big)) + 3
    else:
        content = 8
    return float(min(max(content, longest_word, min(len(column.header), 14)), 90) + 2)


def _styles(wb: Workbook) -> dict[str, str]:
    out = {}
    for kind, fmt in FORMATS.items():
        name = f"mix_{kind}"
        wb.add_named_style(NamedStyle(name=name, number_format=fmt))
        out[kind] = name
    header = header_style("mix_header")
    wb.add_named_style(header)
    wb.add_named_style(NamedStyle(name="mix_bold", font=Font(bold=True)))
    wb.add_named_style(NamedStyle(name="mix_title", font=Font(bold=True, size=14)))
    out.update(header="mix_header", bold="mix_bold", title="mix_title")
    return out
