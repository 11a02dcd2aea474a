"""The advice in words a caseworker reads (Dutch): groups, amounts, the recommendation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rendement.formatting import money, months

NOTICE = (
    "Dit is een advies, geen besluit. De klantmanager beslist; wie afwijkt, legt de reden vast."
)

GROUP_TEXT = {
    1: "Groep 1: stroomt naar verwachting binnen 6 maanden uit",
    2: "Groep 2: stroomt naar verwachting binnen 6 tot 18 maanden uit",
    3: "Groep 3: stroomt naar verwachting niet binnen 18 maanden uit",
}


def recommendation(
    best: str | None,
    current: str | None,
    instruments: Sequence[dict[str, Any]],
    label: Callable[[str], str],
    *,
    basis: str = "spell",
) -> str:
    """The advice in one sentence, including the 'help them leave on their own' message.

    With ``basis="total"`` the euros and months count returns to benefit (rendement.reinflow).
    """
    if current:
        return (
            f"De klant volgt nu {label(current)}; er is geen nieuw instrument geadviseerd "
            "zolang dit loopt."
        )
    if not instruments:
        return "Dit model heeft geen instrumenten met een bekend effect; alleen de prognose is gegeven."
    if best in (None, "geen"):
        text = (
            "Geen instrument: bij elk instrument is het verwachte netto rendement negatief. Het is "
            "goedkoper deze klant op eigen kracht te laten uitstromen."
        )
        hopeful = [i for i in instruments if (i.get("net_return_high_eur") or 0.0) > 0]
        if hopeful:
            top = max(hopeful, key=lambda i: float(i["net_return_high_eur"]))
            text += (
                f" Zeker is dat niet: bij {top['label']} reikt het interval tot "
                f"{money(top['net_return_high_eur'])}."
            )
        return text
    row = next(i for i in instruments if i["instrument"] == best)
    if basis == "total" and row.get("net_return_total_eur") is not None:
        row = {
            **row,
            "net_return_eur": row["net_return_total_eur"],
            "net_return_low_eur": row.get("net_return_total_low_eur"),
            "net_return_high_eur": row.get("net_return_total_high_eur"),
            "months_saved": row["benefit_months_saved"],
        }
    text = f"Advies: {row['label']}. Verwacht netto rendement {money(row['net_return_eur'])}"
    if basis == "total":
        text += " over alle uitkeringsmaanden binnen de horizon, terugkeer in de bijstand meegeteld"
    low, high = row.get("net_return_low_eur"), row.get("net_return_high_eur")
    if low is not None and high is not None:
        text += f" (interval {money(low)} tot {money(high)})"
    saved = row["months_saved"]
    text += (
        f"; de klant is naar verwachting {months(saved)} maanden korter in de uitkering."
        if saved >= 0
        else f"; de klant is naar verwachting {months(-saved)} maanden langer in de uitkering."
    )
    if low is not None and low < 0:
        # the sign of a return near zero is uncertain (README, "How many clients does the sign
        # need?"): say so rather than let the point estimate speak alone
        text += (
            " Het interval loopt tot onder nul: of dit instrument zich terugverdient, is onzeker."
        )
    return text
