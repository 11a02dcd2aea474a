"""``make demo``: the whole rendementmeter on the demonstration municipality Droomstad.

Simulates Droomstad, validates the folder, fits the re-integration model,
scores the caseload, writes the managers' lists and an instrument plan, and
(unless ``--serve 0``) starts the service with a demo key. Every step uses the
same Python API as the CLI.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd


def _step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def _done(t0: float, where: Path | None = None) -> None:
    tail = f" -> {where}" if where else ""
    print(f"   done in {time.perf_counter() - t0:.1f} s{tail}", flush=True)


def run_demo(
    out: Path, *, clients: int, as_of: str, seed: int, serve: bool, port: int = 8000
) -> int:
    from rendement.contract import read_data_folder
    from rendement.model.fitting import fit_model
    from rendement.model.registry import Registry
    from rendement.scoring.caseload import score_caseload, write_score
    from rendement.simulate import SimulationConfig, simulate

    if serve:  # a taken port is said now, not after a minute of work
        from rendement.cli.commands.serve import check_port

        check_port("127.0.0.1", port)
    out.mkdir(parents=True, exist_ok=True)
    data_dir, truth_dir = out / "data", out / "data-truth"

    t = _step(f"Simulating Droomstad ({clients:,} clients, extraction date {as_of}, seed {seed})")
    sim = simulate(SimulationConfig(clients=clients, seed=seed, as_of=as_of))
    sim.write(data_dir, truth_dir)
    _done(t, data_dir)

    t = _step("Validating the data folder against the data contract")
    data = read_data_folder(data_dir)
    caseload = data.spells[
        (data.spells["start_date"] <= pd.Timestamp(as_of))
        & (data.spells["end_date"].isna() | (data.spells["end_date"] > pd.Timestamp(as_of)))
    ]
    print(
        f"   valid: {len(data.clients):,} clients, {len(data.spells):,} spells, "
        f"{len(data.trajectories):,} trajectories; caseload on {as_of}: {len(caseload):,}"
    )
    _done(t)

    t = _step("Fitting the re-integration model (discrete-time proportional hazards)")
    model, _ = fit_model(data, meter="reintegratie", progress=True)
    registry = Registry.at(out / "models")
    model_dir = registry.register(model, overwrite=True)
    registry.activate("reintegratie", model_dir.name)
    _done(t, model_dir)

    t = _step(f"Scoring the caseload on {as_of}")
    score = score_caseload(data, model, as_of)
    score_dir = out / "score"
    write_score(score, score_dir)
    groups = score.ranking["outflow_group"].value_counts().sort_index()
    print("   outflow groups: " + ", ".join(f"group {g}: {n:,}" for g, n in groups.items()))
    positive = (score.ranking["best_net_return_eur"] > 0).sum()
    print(
        f"   clients with a positive-return instrument: {positive:,} "
        f"(potential EUR {score.ranking['best_net_return_eur'].clip(lower=0).sum():,.0f})"
    )
    _done(t, score_dir)

    _lists_and_plan(out, data, model, score)
    _mix(out, data, model, as_of)
    _report(out, data, model)

    t = _step("Writing the monthly steering report (maandrapportage, per district)")
    from rendement.dashboard.demo_step import demo_report

    _done(t, demo_report(data, model, as_of, out / "dashboard")[0])

    if serve:
        return _serve(out, model_dir, port)
    _how_to_log_in(out, model_dir, port)
    return 0


def _lists_and_plan(out: Path, data: object, model: object, score: object) -> None:
    from rendement.lists import build_lists, instrument_labels, places_per_year, write_lists
    from rendement.plan import make_plan

    t = _step("Planning the available trajectories (exact optimum under capacity)")
    catalogue = model.meter_instruments  # type: ignore[attr-defined]
    capacity = pd.DataFrame(
        {
            "instrument": catalogue["instrument"],
            # places for one planning quarter: a quarter of the yearly capacity
            "places": (pd.to_numeric(catalogue["capacity"], errors="coerce").fillna(0) // 4).astype(
                int
            ),
        }
    )
    plan_dir = out / "plan"
    plan_dir.mkdir(parents=True, exist_ok=True)
    capacity.to_csv(out / "capacity.csv", index=False)
    plan = make_plan(score, capacity, catalogue)  # type: ignore[arg-type]
    from rendement.plan import write_plan

    write_plan(plan, plan_dir)
    from rendement.plan.text import describe_plan

    print("   " + describe_plan(plan).replace("\n", "\n   "))
    _done(t, plan_dir)

    # the lists after the plan: they show the price of a place it sets
    t = _step("Writing the managers' lists (per district, with the plan's price of a place)")
    lists_dir = out / "lists"
    labels = instrument_labels(model.instruments)  # type: ignore[attr-defined]
    places = places_per_year(model.meter_instruments)  # type: ignore[attr-defined]
    lists = build_lists(
        score,  # type: ignore[arg-type]
        by="district",
        labels=labels,
        places_per_year=places,
        prices=plan.place_prices,
    )
    write_lists(lists, lists_dir)
    _done(t, lists_dir)


def _mix(out: Path, data: object, model: object, as_of: object) -> None:
    """The optimal mix of the three meters (``rendement mix``) in demo/mix/."""
    from rendement.mix.additivity import check_additivity, model_with_interactions
    from rendement.mix.caseload import has_mass_points, score_mix_caseload
    from rendement.mix.notes import mix_notes, names_of, spec_interactions
    from rendement.mix.plan import plan_mix
    from rendement.mix.separate import compare_with_separate, separate_plans
    from rendement.mix.write import write_mix
    from rendement.model.hazard_model import HazardModel

    t = _step("Planning the mix of the three meters (home visit, Werk Direct, trajectory)")
    meters = ["reintegratie", "werk_direct", "handhaving"]
    catalogue = model.instruments  # type: ignore[attr-defined]
    capacity = pd.DataFrame(
        {
            "instrument": catalogue["instrument"],
            # places for one planning quarter of every meter's instruments
            "places": (pd.to_numeric(catalogue["capacity"], errors="coerce").fillna(0) // 4).astype(
                int
            ),
        }
    )
    fitted: HazardModel = model  # type: ignore[assignment]
    named = spec_interactions(fitted, meters)  # the specification's interactions, if any
    check = check_additivity(data, fitted, meters, named=named)  # type: ignore[arg-type]
    scoring, interactions = model_with_interactions(model, check)  # type: ignore[arg-type]
    mix = score_mix_caseload(
        data,  # type: ignore[arg-type]
        scoring,
        pd.Timestamp(as_of),  # type: ignore[arg-type]
        meters,
        interactions=interactions,
    )
    plan = plan_mix(mix, capacity)
    comparison = compare_with_separate(plan, separate_plans(mix, capacity))
    names = names_of(fitted)
    notes = mix_notes(
        check,
        interactions,
        named,
        toe=has_mass_points(fitted),
        names=names,
        searched=fitted.metadata.heterogeneity == "npmle",
    )
    write_mix(mix, plan, comparison, out / "mix", check, notes=notes, names=names)
    totals = plan.totals
    print(
        f"   {int(totals['assigned']):,} clients, {int(totals['combinations']):,} with a "
        f"combination: EUR {totals['net_return_eur']:,.0f} ({totals['status']}); planning each "
        f"meter apart: EUR {comparison['net_return_eur'].iloc[1]:,.0f}; {check.verdict()}"
    )
    _done(t, out / "mix")


def _report(out: Path, data: object, model: object) -> None:
    """The analyst's model report (Dutch, with the verdict) in demo/report/."""
    from rendement.report import build_report
    from rendement.report.html import write_report

    t = _step("Writing the model report (Oordeel, out-of-time validation, fairness)")
    report = build_report(model, data)  # type: ignore[arg-type]
    (out / "report").mkdir(parents=True, exist_ok=True)
    target = write_report(report, out / "report" / "report.html")
    print(f"   verdict (oordeel): {report.key_figures['verdict']['overall']}")
    _done(t, target)


def _serve(out: Path, model_dir: Path, port: int) -> int:
    from rendement.cli.commands import serve as serve_cmd

    db = out / "rendement.db"
    return int(
        serve_cmd.serve_demo(
            model_dir=model_dir,
            database_url=f"sqlite:///{db}",
            port=port,
            log_hash_key=_demo_secret(out / "log-hash.key"),
            outputs_dir=out,
        )
    )


def _how_to_log_in(out: Path, model_dir: Path, port: int) -> None:
    """SERVE=0: make the demo keys now and print them with the exact command that serves."""
    from rendement.cli.commands.serve import build_settings, demo_keys

    db = f"sqlite:///{out / 'rendement.db'}"
    _demo_secret(out / "log-hash.key")
    keys = demo_keys(build_settings(database_url=db))
    print("\nSERVE=0: the service is not started. Start it with:\n")
    print(f'  export RENDEMENT_LOG_HASH_KEY="$(cat {out / "log-hash.key"})"')
    print(
        f"  .venv/bin/rendement serve --model {model_dir} --db {db} --outputs {out} --port {port}"
    )
    print(f"\nthen open http://127.0.0.1:{port}/ and log in with one of these keys (shown once):")
    for role, key in keys:
        where = "the advice page" if role == "caseworker" else "the overview /overzicht"
        print(f"  {role} ({where}): {key}")
    print(
        "More keys: .venv/bin/rendement keys create --role caseworker --user km01 --team noord "
        f"--db {db}"
    )


def _demo_secret(path: Path) -> str:
    """The demo's secret for the advice log's keyed hash: made once, kept beside the log."""
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def main(argv: list[str] | None = None) -> int:
    from rendement.cli.commands.options import iso_date

    p = argparse.ArgumentParser(prog="python -m rendement.cli.demo", description=__doc__)
    p.add_argument("--out", default="demo", help="folder for everything the demo writes")
    p.add_argument("--clients", type=int, default=5000, help="clients of the simulated town")
    p.add_argument("--as-of", default="2026-01-01", type=iso_date, help="extraction date")
    p.add_argument("--seed", type=int, default=2026, help="seed of the simulation")
    p.add_argument(
        "--serve", type=int, default=1, help="1 = start the service at the end, 0 = stop before"
    )
    p.add_argument(
        "--port", type=int, default=8000, help="port of the service (make demo PORT=...)"
    )
    a = p.parse_args(argv)
    from rendement.errors import RendementError

    try:
        return run_demo(
            Path(a.out),
            clients=a.clients,
            as_of=a.as_of,
            seed=a.seed,
            serve=bool(a.serve),
            port=a.port,
        )
    except RendementError as exc:
        from rendement.cli.main import print_error

        print_error(exc)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
