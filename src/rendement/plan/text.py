"""The plan in a few lines for a terminal: totals and the comparison with the two rules."""

from __future__ import annotations

from rendement.plan.plan import Plan

#: Names of the comparison's methods in printed output.
METHOD_NAMES = {"optimal": "optimal plan", "seed_rule": "group rule", "first_come": "first come"}

#: What the two rules the plan is compared with do, in one line each.
RULES = (
    "group rule = the rule of thumb (vuistregel): outflow group 1 -> category 1, group 2 -> "
    "2a/2b, group 3 -> 3, highest return first",
    "first come = whoever has been on benefit longest gets a place first",
)

KIND_NOTES = {
    "expert": "the returns come from an EXPERT model (effects set by judgement, not estimated "
    "from data); treat the plan as indicative",
    "borrowed": "the returns come from a BORROWED model (another municipality's estimates); "
    "treat the plan as indicative",
}


def describe_plan(plan: Plan) -> str:
    """Totals, the comparison table (euros and benefit months) and the gains, as text."""
    t = plan.totals.to_dict()
    as_of = plan.as_of.date() if plan.as_of is not None else "-"
    lines = [
        f"Plan on {as_of}: {int(t['clients']):,} clients without a running instrument, "
        f"{int(t['clients_with_positive_return']):,} with a positive-return instrument; "
        f"model {plan.model_version} ({plan.model_kind}).",
    ]
    budget = (
        "no budget limit"
        if plan.budget is None
        else f"budget EUR {plan.budget:,.0f} (left EUR {float(t['budget_left_eur']):,.0f})"
    )
    lines.append(f"  places: {int(t['places']):,}; {budget}")
    if plan.optimal:
        lines.append("  the plan is optimal (proven): no assignment returns more in total")
    else:
        lines.append(
            f"  time limit reached: the plan may fall short of the optimum by at most "
            f"EUR {plan.solution.gap:,.0f}"
        )
    lines.append("")
    lines.append(
        f"  {'':<14}{'clients':>9}{'net return EUR':>17}{'benefit months':>16}{'spend EUR':>14}"
    )
    comp = {str(r["method"]): r for r in plan.comparison.to_dict("records")}
    for method, row in comp.items():
        lines.append(
            f"  {METHOD_NAMES.get(method, method):<14}{int(row['assigned']):>9,}"
            f"{float(row['net_return_eur']):>17,.0f}{float(row['months_saved']):>16,.1f}"
            f"{float(row['expected_cost_eur']):>14,.0f}"
        )
    best = comp["optimal"]
    gains = []
    for method in ("seed_rule", "first_come"):
        if method in comp:
            other = comp[method]
            euros = float(best["net_return_eur"]) - float(other["net_return_eur"])
            months = float(best["months_saved"]) - float(other["months_saved"])
            gains.append(
                f"EUR {euros:,.0f} ({months:+,.1f} benefit months) "
                f"more than the {METHOD_NAMES[method]}"
            )
    if gains:
        lines.append("")
        lines.append("  The optimal plan returns " + "; ".join(gains) + ".")
    lines.extend(f"  {rule}" for rule in RULES)
    note = KIND_NOTES.get(plan.model_kind)
    if note:
        lines.append(f"  note: {note}")
    for w in plan.warnings:
        lines.append(f"  note: {w}")
    return "\n".join(lines)
