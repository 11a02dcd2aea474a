"""``rendement score DATA_DIR --model MODEL_DIR --as-of DATE --out OUT_DIR``: score the caseload."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rendement.cli.commands.options import iso_date
from rendement.errors import UsageError
from rendement.model.registry import add_model_arguments, load_model_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score the caseload at a date: ranking.csv (outflow chances, groups, best instrument) "
        "and returns.csv (months saved and net return per instrument)",
    )
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    add_model_arguments(p)
    p.add_argument(
        "--as-of", required=True, type=iso_date, help="scoring date YYYY-MM-DD (the caseload on it)"
    )
    p.add_argument("--out", required=True, help="folder for ranking.csv and returns.csv")
    p.add_argument(
        "--horizon", type=int, default=None, help="months ahead (default: the model's, 60)"
    )
    p.add_argument(
        "--discount-rate",
        type=float,
        default=0.0,
        help="yearly rate to discount future benefit months (default 0: undiscounted)",
    )
    p.add_argument(
        "--interval",
        default="0.9",
        help="interval level for months saved and net return, or 'none' (default 0.9)",
    )
    p.add_argument(
        "--draws",
        type=int,
        default=200,
        help="parameter draws for the intervals (default 200); each draw costs one more "
        "evaluation of the caseload, about 0.5 s per 100,000 clients",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the parameter draws")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def _interval(text: str) -> float | None:
    if text.strip().lower() in ("none", "geen", "0", ""):
        return None
    try:
        level = float(text)
    except ValueError:
        raise UsageError(
            f"--interval must be a level between 0 and 1 (e.g. 0.9) or 'none', got {text!r}"
        ) from None
    if not 0.0 < level < 1.0:
        raise UsageError(f"--interval must be between 0 and 1 (e.g. 0.9), got {text!r}")
    return level


def run(args: argparse.Namespace) -> int:
    from rendement.contract import read_data_folder
    from rendement.progress import Progress
    from rendement.scoring.caseload import score_caseload, write_score

    t0 = time.perf_counter()
    level = _interval(args.interval)
    if args.horizon is not None and args.horizon < 1:
        raise UsageError(f"--horizon must be at least 1 month, got {args.horizon}")
    if args.draws < 2:
        raise UsageError(f"--draws must be at least 2, got {args.draws}")
    if args.discount_rate <= -1.0:
        raise UsageError(f"--discount-rate must be above -1, got {args.discount_rate}")
    progress = Progress(enabled=False if args.quiet else None)  # live on a terminal only
    with progress.stage("reading the data folder"):
        data = read_data_folder(args.data_dir)
    model = load_model_argument(args)
    draws = f", {args.draws} parameter draws for the intervals" if level is not None else ""
    with progress.stage(f"scoring the caseload on {args.as_of}{draws}"):
        score = score_caseload(
            data,
            model,
            args.as_of,
            horizon=args.horizon,
            discount_rate=args.discount_rate,
            interval=level,
            n_draws=args.draws,
            seed=args.seed,
        )
    out = Path(args.out)
    with progress.stage("writing ranking.csv and returns.csv"):
        write_score(score, out)
    if not args.quiet:
        print(summary(score, out, time.perf_counter() - t0))
    return 0


def summary(score: object, out: Path, seconds: float) -> str:
    """What a manager reads after scoring: groups, positive returns, where the files are."""
    from rendement.scoring.caseload import CaseloadScore

    assert isinstance(score, CaseloadScore)
    rk = score.ranking
    lines = [
        f"Caseload on {score.as_of.date() if score.as_of is not None else '-'}: "
        f"{len(rk):,} clients on benefit; model {score.model_version} ({score.model_kind}).",
    ]
    counts = rk["outflow_group"].value_counts()
    labels = {1: "within 6 months", 2: "within 6-18 months", 3: "not within 18 months"}
    for g in (1, 2, 3):
        lines.append(f"  outflow group {g} ({labels[g]}): {int(counts.get(g, 0)):,}")
    running = int((rk["current_instrument"] != "").sum())
    positive = rk["best_net_return_eur"] > 0
    lines.append(f"  in an instrument now (not advised a new one): {running:,}")
    lines.append(
        f"  clients with a positive-return instrument: {int(positive.sum()):,}; "
        f"total potential net return EUR {rk.loc[positive, 'best_net_return_eur'].sum():,.0f}"
    )
    if "returns_basis" in rk.columns and len(rk):
        basis = str(rk["returns_basis"].iloc[0])
        words = {"spell": "the current spell only", "total": "all months, returns counted"}
        lines.append(f"  returns ranked on: {basis} ({words.get(basis, basis)})")
    if "expected_benefit_months" in rk.columns and rk["expected_benefit_months"].notna().any():
        lines.append(
            f"  expected months on benefit in the horizon: {rk['expected_remaining_months'].mean():.1f} "
            f"in the current spell, {rk['expected_benefit_months'].mean():.1f} counting returns"
        )
    for w in score.warnings:
        lines.append(f"  note: {w}")
    lines.append(f"Written {out / 'ranking.csv'} and {out / 'returns.csv'} in {seconds:.1f} s.")
    return "\n".join(lines)
