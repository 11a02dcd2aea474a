"""``rendement report MODEL_DIR --data DATA_DIR --out report.html``: the model report.

Writes, whole or not at all, next to each other:

* ``report.html`` - the self-contained report (mail it as it is);
* ``report.model_card.md`` - the model card with this report's performance and
  fairness figures (the card inside the checksummed model folder is not touched);
* ``report.json`` - the key figures as JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rendement.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the model report (one self-contained HTML file) and an updated model card",
    )
    p.add_argument(
        "model", metavar="MODEL_DIR", help="model folder, or METER/VERSION in the registry"
    )
    p.add_argument("--data", required=True, metavar="DATA_DIR", help="data folder to validate on")
    p.add_argument("--out", required=True, metavar="REPORT.html", help="the HTML file to write")
    p.add_argument(
        "--holdout-months",
        type=int,
        default=12,
        help="months before the extraction date held out for the out-of-time validation, "
        "1 to 24 (default 12; 18 or more also checks the 18-month boundary of the outflow groups)",
    )
    p.add_argument(
        "--lang", default="nl", choices=("nl", "en"), help="language of the report (default nl)"
    )
    p.add_argument("--registry", default=None, help="registry for METER/VERSION (default: models/)")
    p.add_argument(
        "--progress", action="store_true", help="show progress even when not on a terminal"
    )
    p.add_argument("--quiet", action="store_true", help="no progress and no summary")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.contract import read_data_folder
    from rendement.model.card import render_model_card
    from rendement.model.folder import load_model
    from rendement.model.registry import Registry
    from rendement.output import atomic_files_into
    from rendement.progress import Progress
    from rendement.report import build_report
    from rendement.report.html import render_html

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--out must name an .html file, got {out}")
    if not 1 <= args.holdout_months <= 24:
        raise UsageError(f"--holdout-months must be 1 to 24, got {args.holdout_months}")
    progress = Progress(enabled=False if args.quiet else (True if args.progress else None))
    with progress.stage("reading the model and the data folder"):
        model = load_model(Registry.at(args.registry).resolve(args.model, "reintegratie"))
        data = read_data_folder(args.data)
    report = build_report(
        model, data, holdout_months=args.holdout_months, progress=progress, lang=args.lang
    )
    card = render_model_card(model, report.key_figures)
    with progress.stage("writing the report"), atomic_files_into(out.parent) as stage:
        (stage / out.name).write_text(render_html(report), encoding="utf-8")
        (stage / f"{out.stem}.model_card.md").write_text(card, encoding="utf-8")
        (stage / f"{out.stem}.json").write_text(
            json.dumps(report.key_figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    if not args.quiet:
        print(_summary(report.key_figures, report.warnings))
        print(
            f"\nReport written to {out}; model card with these figures: "
            f"{out.parent / (out.stem + '.model_card.md')}"
        )
    return 0


def _summary(fig: dict, warnings: list[str]) -> str:  # type: ignore[type-arg]
    def f(x: object, d: int = 3) -> str:
        return "-" if x is None else f"{float(x):.{d}f}"  # type: ignore[arg-type]

    m, ho = fig["model"], fig["holdout"]
    lines = [
        f"Model {m['version']} ({m['kind']}) of meter {m['meter']}",
        f"Out of time: cut-off {ho['cutoff']}, {ho['clients']:,} clients followed "
        f"{ho['window_months']} months",
    ]
    for h, c in fig["calibration"].items():
        lines.append(
            f"  P(leave within {h} months): predicted {f(c['predicted'])}, observed "
            f"{f(c['observed'])} [{f(c['observed_lower'])}, {f(c['observed_upper'])}]; "
            f"deciles chi2 {f(c['decile_chi2'], 1)} ({c['decile_df']} df), p = {f(c['decile_p_value'])}"
        )
    lines.append(f"  Harrell's C {f(fig['c_index'])}")
    for h, a in fig["auc"].items():
        lines.append(f"  AUC at {h} months: {f(a) if a is not None else 'follow-up too short'}")
    ga = fig["group_accuracy"]
    overall = (
        f(ga["overall"])
        if ga["overall"] is not None
        else f"between {f(ga['overall_at_least'])} and {f(ga['overall_at_most'])}"
    )
    lines.append(
        f"  outflow groups right: {overall}; on the 6-month boundary {f(ga['boundary_6m'])}"
    )
    for attr, v in fig["fairness"].items():
        lines.append(
            f"  fairness by {attr}: largest ratio calibration {f(v['max_ratio_calibration'], 2)}x, "
            f"false group 3 {f(v['max_ratio_false_group3'], 2)}x, group-3 share "
            f"{f(v['max_ratio_group3_share'], 2)}x"
        )
    verdict = fig.get("verdict") or {}
    if verdict:
        lines.append(f"Verdict (Oordeel): {verdict.get('overall')}")
        for topic, v in verdict.items():
            if isinstance(v, dict):
                lines.append(f"  [{v['colour']}] {topic}: {v['text']}")
    lines.append(f"{len(warnings)} warning(s) in the report")
    return "\n".join(lines)
