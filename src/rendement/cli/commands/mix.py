"""``rendement mix DATA_DIR --model MODEL_DIR --as-of DATE --capacity CAPACITY.csv --out OUT_DIR
[--meters reintegratie,werk_direct,handhaving] [--budget EUR] [--intervals] [--no-check]``:
the optimal mix over the instruments of several meters.

Scores every combination of at most one instrument per meter for the caseload
(``returns_mix.csv``, ``mix_best.csv``), plans the combinations under the places
of every instrument and an optional budget (``mix_plan.csv``, ``mix_plan_summary.csv``,
``mix_plan_totals.csv``), compares that with planning each meter apart
(``mix_comparison.csv``) and checks whether the effects of two instruments add up
(``additivity.csv``), all or nothing (:mod:`rendement.mix.write`). The check runs first:
where the data reject adding two instruments' effects, the combinations are computed
with the estimated interaction (and the main effects refitted beside it).

The model decides how the clients' unobserved types count: a timing-of-events
model (``rendement fit --heterogeneity npmle``) scores every client with the
posterior weights of its types given the history of the current spell
(:mod:`rendement.mix.caseload`); with the default model the output says that its
effects are biased where caseworkers select on what the data do not show, and
recommends the timing-of-events model (README, *The optimal mix*, gives what
each reaches on simulated Droomstad with such selection).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rendement.cli.commands.options import iso_date
from rendement.cli.commands.plan import parse_budget
from rendement.contract.schema import METERS
from rendement.errors import UsageError
from rendement.mix.notes import mix_notes, names_of, spec_interactions, unique_pairs
from rendement.model.registry import add_model_arguments, load_model_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mix",
        help="returns of combinations of instruments of several meters per client, the plan "
        "over combinations under places and budget, its gain over planning each meter apart, "
        "and a check that the instruments' effects add up",
    )
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    add_model_arguments(p)
    p.add_argument("--as-of", required=True, type=iso_date, help="planning date YYYY-MM-DD")
    p.add_argument(
        "--capacity",
        required=True,
        metavar="CAPACITY.csv",
        help="places per instrument of all the meters for the planning period (instrument, places)",
    )
    p.add_argument(
        "--meters",
        default=",".join(METERS),
        help=f"meters whose instruments are combined, comma-separated (default: {','.join(METERS)})",
    )
    p.add_argument("--budget", default=None, metavar="EUR", help="total expected cost allowed")
    p.add_argument(
        "--intervals",
        action="store_true",
        help="90%% intervals of every combination's net return (100 parameter draws; slower)",
    )
    p.add_argument(
        "--no-check",
        action="store_true",
        help="skip the check that the effects of two instruments add up (it refits the "
        "outflow model once per pair of instruments)",
    )
    p.add_argument(
        "--interaction",
        action="append",
        default=[],
        metavar="X&Y",
        help="an interaction of two instruments (of different meters) to put in the model "
        "whatever its test says, e.g. jobhunt&werkdirect (may be given more than once)",
    )
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds for the exact search")
    p.add_argument("--out", required=True, help="folder for the mix's files")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Long: read, score, plan, compare, check and write, each step printing what it found."""
    from rendement.contract import read_data_folder
    from rendement.mix.additivity import check_additivity, model_with_interactions
    from rendement.mix.caseload import has_mass_points, score_mix_caseload
    from rendement.mix.plan import plan_mix
    from rendement.mix.separate import compare_with_separate, separate_plans
    from rendement.mix.write import write_mix
    from rendement.plan import read_capacity

    t0 = time.perf_counter()
    budget = parse_budget(args.budget)
    meters = [m.strip() for m in str(args.meters).split(",") if m.strip()]
    unknown = [m for m in meters if m not in METERS]
    if unknown or len(meters) < 2:
        raise UsageError(
            f"--meters must name at least two of {', '.join(METERS)}; got {args.meters!r}"
        )
    model = load_model_argument(args)
    catalogue = model.instruments[model.instruments["meter"].isin(meters)].assign(meter="mix")
    capacity = read_capacity(args.capacity, catalogue, meter="mix")
    data = read_data_folder(args.data_dir)
    from_spec = spec_interactions(model, meters)
    named = unique_pairs([*from_spec, *args.interaction])
    if named and args.no_check:
        raise UsageError(
            f"the interaction(s) {', '.join(named)} (from --interaction or the model's "
            "specification) are estimated by the check: drop --no-check"
        )
    try:
        check = None if args.no_check else check_additivity(data, model, meters, named=named)
    except ValueError as exc:
        if not named:
            raise
        raise UsageError(f"--interaction or the specification's interactions: {exc}") from None
    scoring_model, interactions = (
        (model, {}) if check is None else model_with_interactions(model, check)
    )
    # a timing-of-events model scores every client with the posterior weights of the
    # types given the history of the current spell
    mix = score_mix_caseload(
        data,
        scoring_model,
        args.as_of,
        meters,
        interval=0.9 if args.intervals and not interactions else None,
        interactions=interactions,
    )
    plan = plan_mix(mix, capacity, budget=budget, time_limit=args.time_limit)
    comparison = compare_with_separate(plan, separate_plans(mix, capacity, budget=budget))
    notes = mix_notes(
        check,
        interactions,
        from_spec,
        toe=has_mass_points(model),
        names=names_of(model),
        searched=model.metadata.heterogeneity == "npmle",
    )
    written = write_mix(
        mix, plan, comparison, Path(args.out), check, notes=notes, names=names_of(model)
    )
    if not args.quiet:
        t = plan.totals
        print(
            f"Mix of {', '.join(meters)} on {args.as_of}: {len(mix.combinations)} combinations "
            f"for {int(t['clients']):,} clients."
        )
        print(
            f"Plan over combinations ({t['status']}, at most EUR {t['gap_eur']:,.2f} short of "
            f"the optimum): {int(t['assigned']):,} clients, {int(t['combinations']):,} with a "
            f"combination, net return EUR {t['net_return_eur']:,.0f}; planning each meter "
            f"apart: EUR {comparison['net_return_eur'].iloc[1]:,.0f} "
            f"(the mix adds EUR {comparison['mix_adds_eur'].iloc[0]:,.0f})."
        )
        if check is not None:
            print(f"Additivity: {check.verdict()}.")
        else:
            print("Additivity: assumed (the effects add on the log-hazard scale), not checked.")
        for note in notes:
            print(f"  {note.english}")
        outside = [p for p in model.spec.interactions if p not in from_spec]
        if outside:
            print(
                f"  The specification's interaction(s) {', '.join(outside)} join an instrument "
                "of a meter outside --meters: not used."
            )
        print(f"Written {len(written)} files in {args.out} in {time.perf_counter() - t0:.1f} s.")
    return 0
