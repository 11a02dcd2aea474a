"""Models from declared parameters: expert judgement or another municipality's model.

When a municipality's own data is too thin, the seed's agreed fallback is to
use another municipality's estimates or to set the effects by expert judgement,
and to replace them as soon as data allows. ``rendement fit --from-spec
SPEC.yaml`` builds a usable model folder from such a declaration; the model's
``kind`` ("expert" or "borrowed") travels into every output.

An **expert** specification::

    kind: expert
    meter: reintegratie
    version: 2026-expert
    author: Team Werk en Inkomen
    rationale: Why these numbers (sources, sessions with caseworkers).
    baseline_outflow:          # chance of leaving benefit per month, by months on benefit
      "1-3": 0.08              # ranges must start at 1 and follow each other; the last may be "25+"
      "4-12": 0.05
      "13-24": 0.03
      "25+": 0.012
    client_effects:            # hazard ratios against the reference client (optional)
      "education[laag]": 0.75
      "age_band[55+]": 0.5
    instruments:
      - instrument: jobhunt
        label: Sollicitatietraining en vacaturebemiddeling
        category: "1"
        price: 1500
        duration_months: 3
        waiting_months: 1
        lock_in_hazard_ratio: 0.7    # while in the instrument
        after_hazard_ratio: 1.4      # after it
        after_hazard_ratio_by: {"education[laag]": 1.1}   # optional effect modifiers

A **borrowed** specification::

    kind: borrowed
    meter: reintegratie
    version: 2026-leen
    source: Gemeente Voorbeeldstad, model 2025-01
    borrowed_from: path/to/their/model/folder
    recalibrate_to: path/to/our/data/folder     # optional: shift the baseline to local outflow levels
    recalibration: level                         # level (one shift) or per_piece

Long: expert and borrowed models share their checks; split them when a third kind comes.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from rendement.contract.schema import CATEGORIES, METERS
from rendement.errors import RendementError
from rendement.model.hazard_model import HazardModel
from rendement.model.metadata import ModelMetadata
from rendement.model.spec import FEATURE_LEVELS, ModelSpec, SpecificationError


class SpecFileError(RendementError):
    """A declared-model YAML file with missing or invalid fields (every problem listed)."""

    code = "invalid_spec_file"

    def __init__(self, path: Path | str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the model specification:\n{lines}")


_INSTRUMENT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "instrument": str,
    "label": str,
    "price": (int, float),
    "duration_months": int,
    "waiting_months": int,
}


def load_spec_file(path: Path | str) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise SpecFileError(p, ["the file does not exist"])
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecFileError(p, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(doc, dict):
        raise SpecFileError(p, ["expected a mapping with at least 'kind', 'meter' and 'version'"])
    return doc


def model_from_spec_file(path: Path | str) -> HazardModel:
    """Build the declared model of ``path`` (expert or borrowed); raises :class:`SpecFileError`."""
    p = Path(path)
    doc = load_spec_file(p)
    problems: list[str] = []
    kind = doc.get("kind")
    if kind not in ("expert", "borrowed"):
        problems.append(f"kind: found {kind!r}; expected 'expert' or 'borrowed'")
    meter = doc.get("meter")
    if meter not in METERS:
        problems.append(f"meter: found {meter!r}; expected one of {', '.join(METERS)}")
    version = doc.get("version")
    if not isinstance(version, str | int) or not str(version).strip():
        problems.append("version: missing; expected a label such as 2026-expert")
    if problems:
        raise SpecFileError(p, problems)
    if kind == "expert":
        return _expert_model(p, doc)
    return _borrowed_model(p, doc)


# ---- expert ----------------------------------------------------------------------


def _parse_range(label: str) -> tuple[int, int | None]:
    s = str(label).strip()
    if s.endswith("+"):
        return int(s[:-1]), None
    if "-" in s:
        lo, hi = s.split("-", 1)
        return int(lo), int(hi)
    return int(s), int(s)


def _baseline(base: Any) -> tuple[list[int], list[float], list[str]]:
    """The declared baseline: cut points, monthly outflow chances and the problems found."""
    problems: list[str] = []
    cuts: list[int] = []
    probs: list[float] = []
    if not isinstance(base, dict) or not base:
        problems.append(
            "baseline_outflow: missing; expected monthly outflow chances by months on benefit, "
            "e.g. {'1-3': 0.08, '4-12': 0.05, '13+': 0.02}"
        )
        return cuts, probs, problems
    expected_lo = 1
    items = list(base.items())
    for i, (label, prob) in enumerate(items):
        try:
            lo, hi = _parse_range(label)
        except ValueError:
            problems.append(f"baseline_outflow: range {label!r} is not like '1-3', '7' or '25+'")
            continue
        if lo != expected_lo:
            problems.append(
                f"baseline_outflow: range {label!r} should start at month {expected_lo}"
            )
        if hi is None and i != len(items) - 1:
            problems.append(f"baseline_outflow: open range {label!r} must be the last")
        if not isinstance(prob, int | float) or not 0 < float(prob) < 1:
            problems.append(
                f"baseline_outflow[{label}]: found {prob!r}; expected a chance between 0 and 1"
            )
        cuts.append(lo)
        probs.append(float(prob) if isinstance(prob, int | float) else 0.5)
        expected_lo = (hi + 1) if hi is not None else expected_lo
    return cuts, probs, problems


def _expert_model(path: Path, doc: dict[str, Any]) -> HazardModel:
    cuts, probs, problems = _baseline(doc.get("baseline_outflow"))
    effects = doc.get("client_effects") or {}
    known_terms = ModelSpec().client_terms()
    if not isinstance(effects, dict):
        problems.append("client_effects: expected a mapping term -> hazard ratio")
        effects = {}
    for term, hr in effects.items():
        if term not in known_terms:
            problems.append(
                f"client_effects: unknown term {term!r}; known terms: {', '.join(known_terms)}"
            )
        if not isinstance(hr, int | float) or float(hr) <= 0:
            problems.append(f"client_effects[{term}]: found {hr!r}; expected a hazard ratio > 0")
    catalogue, inst_params, inst_problems = _instruments(doc, str(doc["meter"]))
    problems += inst_problems
    if problems:
        raise SpecFileError(path, problems)
    try:
        modifiers = sorted({k.split("*", 1)[1] for k in inst_params if "*" in k})
        spec = ModelSpec(
            meter=str(doc["meter"]),
            baseline_cuts=tuple(cuts),
            instruments=tuple(catalogue["instrument"]),
            effect_modifiers=tuple(modifiers) or ("education[laag]",),
            horizon=int(doc.get("horizon", 60)),
        )
    except SpecificationError as exc:
        raise SpecFileError(path, [str(exc)]) from exc
    params: dict[str, float] = {}
    for term, pr in zip(spec.baseline_terms(), probs, strict=True):
        params[term] = math.log(-math.log(1.0 - pr))
    for term, hr in effects.items():
        params[term] = math.log(float(hr))
    params.update(inst_params)
    meta = {
        "version": str(doc["version"]),
        "author": doc.get("author", ""),
        "rationale": doc.get("rationale", ""),
        "declared_in": str(path),
        "declaration": doc,
    }
    return HazardModel(
        spec,
        pd.Series(params, dtype=float),
        None,
        catalogue,
        kind="expert",
        metadata=ModelMetadata(meta),
    )


def _instruments(
    doc: dict[str, Any], meter: str
) -> tuple[pd.DataFrame, dict[str, float], list[str]]:
    problems: list[str] = []
    rows = []
    params: dict[str, float] = {}
    items = doc.get("instruments")
    if not isinstance(items, list) or not items:
        return (
            pd.DataFrame(),
            {},
            ["instruments: missing; expected a list of instruments with their effects"],
        )
    for i, it in enumerate(items, start=1):
        where = f"instruments[{i}]"
        if not isinstance(it, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        for name, typ in _INSTRUMENT_FIELDS.items():
            if name not in it:
                problems.append(f"{where}.{name}: missing")
            elif not isinstance(it[name], typ) or (typ is int and it[name] < 0):
                problems.append(
                    f"{where}.{name}: found {it[name]!r}; expected {'a whole number >= 0' if typ is int else 'a number' if typ is not str else 'a text'}"
                )
        code = str(it.get("instrument", f"#{i}"))
        cat = it.get("category")
        if cat is not None and str(cat) not in CATEGORIES:
            problems.append(
                f"{where}.category: found {cat!r}; expected one of {', '.join(CATEGORIES)}"
            )
        share = it.get("success_share", 0.0)
        if not isinstance(share, int | float) or not 0 <= share <= 1:
            problems.append(f"{where}.success_share: found {share!r}; expected a number in [0, 1]")
        for key in ("lock_in_hazard_ratio", "after_hazard_ratio"):
            v = it.get(key)
            if key == "lock_in_hazard_ratio" and it.get("duration_months", 1) == 0 and v is None:
                continue
            if not isinstance(v, int | float) or v <= 0:
                problems.append(f"{where}.{key}: found {v!r}; expected a hazard ratio > 0")
        by = it.get("after_hazard_ratio_by") or {}
        for term, hr in by.items() if isinstance(by, dict) else []:
            if term not in ModelSpec().client_terms():
                problems.append(f"{where}.after_hazard_ratio_by: unknown term {term!r}")
            elif not isinstance(hr, int | float) or hr <= 0:
                problems.append(
                    f"{where}.after_hazard_ratio_by[{term}]: expected a hazard ratio > 0"
                )
        rows.append(
            {
                "instrument": code,
                "label": it.get("label", code),
                "meter": it.get("meter", meter),
                "category": None if cat is None else str(cat),
                "price": float(it.get("price", 0) or 0),
                "duration_months": int(it.get("duration_months", 0) or 0),
                "waiting_months": int(it.get("waiting_months", 0) or 0),
                "success_share": float(share) if isinstance(share, int | float) else 0.0,
                "capacity": it.get("capacity"),
            }
        )
        if (
            isinstance(it.get("lock_in_hazard_ratio"), int | float)
            and it["lock_in_hazard_ratio"] > 0
        ):
            params[f"in:{code}"] = math.log(it["lock_in_hazard_ratio"])
        if isinstance(it.get("after_hazard_ratio"), int | float) and it["after_hazard_ratio"] > 0:
            params[f"after:{code}"] = math.log(it["after_hazard_ratio"])
        for term, hr in by.items() if isinstance(by, dict) else []:
            if isinstance(hr, int | float) and hr > 0:
                params[f"after:{code}*{term}"] = math.log(hr)
        if it.get("duration_months") == 0 and f"after:{code}" in params:
            params.setdefault(f"in:{code}", 0.0)
    return pd.DataFrame(rows), params, problems


# ---- borrowed --------------------------------------------------------------------


def _borrowed_model(path: Path, doc: dict[str, Any]) -> HazardModel:
    from rendement.errors import ModelFolderError
    from rendement.model.folder import load_model

    problems: list[str] = []
    src = doc.get("borrowed_from")
    if not src:
        problems.append(
            "borrowed_from: missing; expected the path of the other municipality's model folder"
        )
    how = doc.get("recalibration", "level")
    if how not in ("level", "per_piece"):
        problems.append(f"recalibration: found {how!r}; expected 'level' or 'per_piece'")
    if problems:
        raise SpecFileError(path, problems)
    src_path = (path.parent / str(src)) if not Path(str(src)).is_absolute() else Path(str(src))
    try:
        # another municipality's folder is signed with its key, not ours (if at all); the
        # borrowed model is saved as a new folder, signed with the local key
        other = load_model(src_path, verify_signature=False)
    except ModelFolderError as exc:
        raise SpecFileError(path, [f"borrowed_from: {exc}"]) from exc
    if other.spec.meter != doc["meter"]:
        raise SpecFileError(
            path,
            [f"borrowed_from: that model is for meter {other.spec.meter!r}, not {doc['meter']!r}"],
        )
    params = other.params.copy()
    shift_note = "not recalibrated"
    if doc.get("recalibrate_to"):
        from rendement.contract import read_data_folder

        data_path = Path(str(doc["recalibrate_to"]))
        if not data_path.is_absolute():
            data_path = path.parent / data_path
        data = read_data_folder(data_path)
        shifts = recalibrate_baseline(other, data, per_piece=(how == "per_piece"))
        for term, s in shifts.items():
            params[term] = params.get(term, 0.0) + s
        shift_note = f"baseline recalibrated ({how}) to {data_path}: " + ", ".join(
            f"{t} {s:+.3f}" for t, s in shifts.items()
        )
    meta = {
        "version": str(doc["version"]),
        "source": doc.get("source", str(src_path)),
        "borrowed_from": str(src_path),
        "borrowed_version": other.metadata.version,
        "recalibration": shift_note,
        "declared_in": str(path),
    }
    return replace(other, params=params, kind="borrowed", metadata=ModelMetadata(meta))


def recalibrate_baseline(
    model: HazardModel, data: Any, *, per_piece: bool = False
) -> dict[str, float]:
    """Shifts of the baseline terms so the model's predicted outflow equals the local observed outflow.

    Solves ``sum_i h(eta_i + c) = observed events`` for ``c`` by Newton's method,
    once for all person-months (``level``) or per baseline piece.
    """
    from rendement.panel import build_panel
    from rendement.scoring.survival import hazard_from_eta

    panel = build_panel(data)
    months = panel.months
    design = model.client_design(panel.spells)
    spell_idx = months["spell_idx"].to_numpy()
    eta = (
        model.baseline_eta(months["month"].to_numpy())
        + (design.to_numpy() @ np.array([model.coef(t) for t in design.columns]))[spell_idx]
    )
    codes = [c for c in model.spec.instruments if f"in:{c}" in months.columns]
    if codes:
        lock = np.array([model.coef(f"in:{c}") for c in codes])
        after = model.after_effects(design, codes)[spell_idx]
        eta = eta + months[[f"in:{c}" for c in codes]].to_numpy() @ lock
        eta = eta + (months[[f"after:{c}" for c in codes]].to_numpy() * after).sum(axis=1)
    y = months["outflow"].to_numpy()
    pieces = model.spec.baseline_piece(months["month"].to_numpy())
    groups = np.unique(pieces) if per_piece else np.array([-1])
    out: dict[str, float] = {}
    names = model.spec.baseline_terms()
    for g in groups:
        sel = np.ones(len(y), bool) if g == -1 else pieces == g
        target = y[sel].sum()
        c = 0.0
        for _ in range(50):
            h = hazard_from_eta(eta[sel] + c)
            f = h.sum() - target
            # d h / d c = (1 - h) * exp(eta + c) * ... = -(1-h) log(1-h)
            deriv = -((1 - h) * np.log1p(-np.minimum(h, 1 - 1e-12))).sum()
            step = f / max(deriv, 1e-12)
            c -= step
            if abs(step) < 1e-10:
                break
        if g == -1:
            out = {t: c for t in names}
        else:
            out[names[int(g)]] = c
    return out


def expert_feature_help() -> str:
    """The client terms an expert may set, for error messages and the README."""
    return ", ".join(f"{f}[{lvl}]" for f, lv in FEATURE_LEVELS.items() for lvl in lv[1:])
