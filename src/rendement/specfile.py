"""The model specification as a YAML file an analyst edits (*specificatiebestand*).

``rendement spec init --out spec.yaml`` writes :func:`default_spec_yaml` (every
field with a comment); ``rendement fit DATA --spec spec.yaml`` reads it with
:func:`read_spec_file`. Every problem in the file is reported at once, each
with its line (:class:`SpecFileError`); nothing is fitted until the file is
right. The fitted model folder keeps the specification as ``spec.yaml``
(:func:`spec_yaml`), and ``rendement models compare`` lists the differences
(:func:`spec_differences`).

(Over 400 lines: the commented default file and the field-by-field reader belong together.)

Long: reading, checking (every error with its line) and writing the file are one format's three sides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rendement.contract.schema import END_REASONS, METERS
from rendement.errors import RendementError
from rendement.model.interactions import catalogue_problems, form_problems
from rendement.model.spec import (
    ENTRY_HAZARDS,
    ENTRY_PROCESSES,
    FEATURE_LEVELS,
    RETURNS_BASES,
    ModelSpec,
)
from rendement.panel.events import DEFAULT_CENSOR_REASONS
from rendement.protected import protected_reason

HETEROGENEITY = ("none", "npmle")


class SpecFileError(RendementError):
    """A specification file with problems; carries every problem with its line."""

    code = "invalid_spec"

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = list(problems)
        lines = [
            f"  {path}" + (f", line {line}" if line else "") + f": {text}"
            for line, text in self.problems
        ]
        super().__init__(
            f"the specification file has {len(self.problems)} problem(s); nothing was fitted:\n"
            + "\n".join(lines)
        )

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["problems"] = [{"line": ln, "message": m} for ln, m in self.problems]
        return out


@dataclass(frozen=True)
class SpecFile:
    """What a specification file says: the model specification and how to estimate it."""

    spec: ModelSpec
    heterogeneity: str = "none"
    lines: dict[str, int] = field(default_factory=dict)
    #: the line of each pair under ``interactions`` (for the checks that need the data)
    interaction_lines: tuple[int, ...] = ()
    name: str = "spec.yaml"

    def check_catalogue(self, catalogue: Any) -> None:
        """:class:`SpecFileError` for every interaction the instrument catalogue (``instrument``,
        ``meter``) refutes: an unknown code, or two instruments of one meter."""
        problems = catalogue_problems(self.spec.interactions, catalogue)
        if problems:
            at = self.interaction_lines or (self.lines.get("interactions"),) * len(
                self.spec.interactions
            )
            raise SpecFileError(self.name, [(at[k], text) for k, text in problems])


def default_spec_yaml(meter: str = "reintegratie") -> str:
    """The default specification as commented YAML (the text ``rendement spec init`` writes)."""
    spec = ModelSpec(meter=meter)
    levels = "\n".join(
        f"#   {f}: {', '.join(lv)} (reference: {lv[0]})" for f, lv in FEATURE_LEVELS.items()
    )
    return f"""\
# Model specification for rendement (read by: rendement fit DATA --spec spec.yaml).
# Lines starting with # are comments. Lists are written [a, b, c].

# Which rendementmeter: {", ".join(METERS)}.
meter: {spec.meter}

# Client characteristics at inflow (columns of the clients table), each with its levels:
{levels}
features: {_flow(list(spec.features))}

# Extra columns of the clients table to use as features (numbers or text; text columns
# get one term per level). Example: extra_features: [postcode_area, years_in_town]
extra_features: []

# Columns that are protected attributes in your export and must never be features
# (gender, origin, nationality, religion ... are recognised by name already).
# They stay available for the fairness section of the report.
protected: []

# Baseline pieces of elapsed months on benefit: the first month of each piece
# (start at 1, increasing). One piece per month where the data show a spike,
# e.g. [1, 2, 3, 4, 5, 6, 7, 10, 13, 19, 25, 37, 49, 73, 97, 121].
baseline_cuts: {_flow(list(spec.baseline_cuts))}

# After-effects that differ by client group: client terms such as education[laag].
effect_modifiers: {_flow(list(spec.effect_modifiers))}

# Interactions of two instruments of different meters, whose effects do not simply add up
# when a client gets both (rendement mix estimates the term: months after both).
# Example: interactions: [jobhunt&werkdirect]. Without: the effects add (rendement mix
# tests that where the data allow).
interactions: []

# Calendar-year effects (true/false).
calendar: {str(spec.calendar).lower()}

# Unobserved heterogeneity: none, or npmle (timing-of-events model with mass points).
heterogeneity: none

# Timing-of-events only: which months are at risk of entering an instrument of the meter.
# separate (re-entries after a trajectory with a level of their own), first (only the
# first entry of a spell) or all (re-entries like first entries).
entry_process: {spec.entry_process}

# Timing-of-events only: meter (one hazard of entering any instrument of the meter) or
# instrument (an entry hazard per instrument, each with its own unobserved type: when
# caseworkers choose the kind of trajectory on what they see in the client; slower).
entry_hazard: {spec.entry_hazard}

# Months ahead for expected remaining months (at most until the pension age, AOW).
horizon: {spec.horizon}

# Which return ranks the instruments (best instrument, lists, plan, advice): spell = the
# months of the current spell only; total = every month on benefit over the horizon,
# returns to benefit after leaving included (re-inflow model).
returns_basis: {spec.returns_basis}

# Outflow groups: group 1 when P(leaves within 6 months) >= the first value,
# group 2 when P(within 18 months) >= the second.
group_cutoffs: {_flow(list(spec.group_cutoffs))}

# Which ends of a spell count as outflow. End reasons: {", ".join(END_REASONS)}.
exits:
  # End reasons that censor the spell at its end date (not outflow).
  censor: {_flow(list(DEFAULT_CENSOR_REASONS))}
  # outcome: null = every other end is outflow; werk = only leaving to work is outflow
  # (every other end censors).
  outcome: null
"""


def _flow(values: list[Any]) -> str:
    """A YAML flow list, quoting what needs quotes (``'education[laag]'``)."""
    return str(yaml.safe_dump(values, default_flow_style=True, width=10_000)).strip()


# ---- reading ----------------------------------------------------------------------------


def read_spec_file(path: str | Path) -> SpecFile:
    """Read and check a specification file; :class:`SpecFileError` lists every problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecFileError(str(p), [(None, f"cannot read the file ({exc.strerror})")]) from None
    return parse_spec_text(text, name=str(p))


def parse_spec_text(text: str, *, name: str = "spec.yaml") -> SpecFile:
    """As :func:`read_spec_file`, from the file's text."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = f"not valid YAML: {getattr(exc, 'problem', exc)}"
        raise SpecFileError(name, [(line, problem)]) from None
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        raise SpecFileError(name, [(root.start_mark.line + 1, "expected 'field: value' lines")])
    reader = _Reader(name)
    values = reader.fields(root)
    spec_file = reader.build(values)
    if reader.problems:
        raise SpecFileError(name, sorted(reader.problems, key=lambda p: p[0] or 0))
    assert spec_file is not None
    return spec_file


_Node = yaml.Node


class _Reader:
    """Checks field by field, collecting problems with their lines."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[tuple[int | None, str]] = []
        self.lines: dict[str, int] = {}
        self.interaction_lines: tuple[int, ...] = ()

    def problem(self, node: _Node | None, text: str) -> None:
        self.problems.append((None if node is None else node.start_mark.line + 1, text))

    def fields(self, root: yaml.MappingNode) -> dict[str, Any]:
        checks: dict[str, Callable[[_Node], Any]] = {
            "meter": lambda n: self.choice(n, "meter", METERS),
            "features": self.features,
            "extra_features": lambda n: self.names(n, "extra_features"),
            "protected": lambda n: self.names(n, "protected"),
            "baseline_cuts": self.cuts,
            "effect_modifiers": lambda n: self.names(n, "effect_modifiers"),
            "interactions": self.interactions,
            "calendar": self.boolean,
            "heterogeneity": lambda n: self.choice(n, "heterogeneity", HETEROGENEITY),
            "entry_process": lambda n: self.choice(n, "entry_process", ENTRY_PROCESSES),
            "entry_hazard": lambda n: self.choice(n, "entry_hazard", ENTRY_HAZARDS),
            "horizon": self.horizon,
            "group_cutoffs": self.cutoffs,
            "returns_basis": lambda n: self.choice(n, "returns_basis", RETURNS_BASES),
            "exits": self.exits,
        }
        out: dict[str, Any] = {}
        for key_node, value_node in root.value:
            key = str(key_node.value)
            self.lines[key] = key_node.start_mark.line + 1
            if key not in checks:
                self.problem(key_node, f"unknown field '{key}'; known fields: {', '.join(checks)}")
                continue
            if key in out:
                self.problem(key_node, f"field '{key}' is given twice")
                continue
            out[key] = checks[key](value_node)
        return out

    # ---- scalar and list checks ---------------------------------------------------------
    def scalar(self, node: _Node) -> Any:
        return yaml.safe_load(yaml.serialize(node))

    def choice(self, node: _Node, what: str, allowed: tuple[str, ...]) -> str | None:
        value = self.scalar(node)
        if not isinstance(value, str) or value not in allowed:
            self.problem(node, f"{what} must be one of {', '.join(allowed)}; found {value!r}")
            return None
        return value

    def names(self, node: _Node, what: str) -> tuple[str, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            value = self.scalar(node)
            if value is None:
                return ()
            self.problem(node, f"{what} must be a list such as [a, b]; found {value!r}")
            return None
        out = []
        for item in node.value:
            value = self.scalar(item)
            if not isinstance(value, str) or not value.strip():
                self.problem(item, f"{what}: expected a name, found {value!r}")
            else:
                out.append(value.strip())
        return tuple(out)

    def interactions(self, node: _Node) -> tuple[str, ...] | None:
        names = self.names(node, "interactions")
        if names is None:
            return None
        items = list(getattr(node, "value", []))
        self.interaction_lines = tuple(i.start_mark.line + 1 for i in items)
        problems = form_problems(names)
        for k, text in problems:
            self.problem(items[k] if k < len(items) else node, text)
        return None if problems else tuple(names)

    def features(self, node: _Node) -> tuple[str, ...] | None:
        names = self.names(node, "features")
        if names is None:
            return None
        for item, name in zip(node.value, names, strict=False):
            if name not in FEATURE_LEVELS:
                self.problem(
                    item,
                    f"unknown feature '{name}'; known: {', '.join(FEATURE_LEVELS)} "
                    "(name other columns under extra_features)",
                )
        return tuple(n for n in names if n in FEATURE_LEVELS)

    def cuts(self, node: _Node) -> tuple[int, ...] | None:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, "baseline_cuts must be a list of whole months such as [1, 2, 4, 7]")
            return None
        cuts: list[int] = []
        for item in node.value:
            value = self.scalar(item)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.problem(item, f"baseline_cuts: expected a whole month >= 1, found {value!r}")
                return None
            if cuts and value <= cuts[-1]:
                self.problem(item, f"baseline_cuts must increase: {value} follows {cuts[-1]}")
                return None
            cuts.append(value)
        if cuts[0] != 1:
            self.problem(node, f"baseline_cuts must start at 1 (the first month), not {cuts[0]}")
            return None
        return tuple(cuts)

    def boolean(self, node: _Node) -> bool | None:
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.problem(node, f"calendar must be true or false; found {value!r}")
            return None
        return value

    def horizon(self, node: _Node) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 600:
            self.problem(node, f"horizon must be a whole number of months 1..600; found {value!r}")
            return None
        return value

    def cutoffs(self, node: _Node) -> tuple[float, float] | None:
        value = self.scalar(node)
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and all(0.0 < float(v) < 1.0 for v in value)
        )
        if not ok:
            self.problem(
                node, f"group_cutoffs must be two chances such as [0.5, 0.5]; found {value!r}"
            )
            return None
        return (float(value[0]), float(value[1]))

    def exits(self, node: _Node) -> dict[str, Any] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "exits must hold 'censor: [...]' and 'outcome: ...' lines")
            return None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "censor":
                reasons = self.names(value_node, "exits.censor")
                if reasons is not None:
                    for item, r in zip(getattr(value_node, "value", []), reasons, strict=False):
                        if r not in END_REASONS:
                            self.problem(
                                item,
                                f"exits.censor: unknown end reason '{r}'; the data contract "
                                f"knows {', '.join(END_REASONS)}",
                            )
                    out["censor"] = tuple(r for r in reasons if r in END_REASONS)
                    out["censor_line"] = key_node.start_mark.line + 1
            elif key == "outcome":
                value = self.scalar(value_node)
                if value is not None and value not in END_REASONS:
                    self.problem(
                        value_node,
                        f"exits.outcome must be empty (null) or one end reason "
                        f"({', '.join(END_REASONS)}); found {value!r}",
                    )
                else:
                    out["outcome"] = value
                    out["outcome_line"] = value_node.start_mark.line + 1
            else:
                self.problem(key_node, f"unknown field 'exits.{key}'; known: censor, outcome")
        return out

    # ---- the whole ------------------------------------------------------------------------
    def build(self, v: dict[str, Any]) -> SpecFile | None:
        """Cross-field checks and the :class:`ModelSpec` (None when a field had a problem)."""
        protected = v.get("protected") or ()
        for name in v.get("extra_features") or ():
            why = protected_reason(name, protected)
            if why:
                self.problems.append(
                    (
                        self.lines.get("extra_features"),
                        f"extra_features: '{name}' is never a model feature: {why}; "
                        "it remains available for the fairness section of the report",
                    )
                )
        exits = v.get("exits") or {}
        outcome = exits.get("outcome")
        if outcome is not None and outcome in exits.get("censor", ()):
            self.problems.append(
                (
                    exits.get("outcome_line"),
                    f"exits.outcome '{outcome}' is also listed under censor",
                )
            )
        if self.problems or any(val is None for k, val in v.items() if k != "exits"):
            return None
        kw: dict[str, Any] = {k: v[k] for k in v if k not in ("exits", "heterogeneity")}
        if "censor" in exits:
            kw["censor_reasons"] = exits["censor"]
        kw["outcome"] = outcome
        try:
            spec = ModelSpec(**kw)
        except ValueError as exc:  # e.g. an effect modifier that is not a client term
            field_name = "effect_modifiers" if "modifier" in str(exc) else None
            self.problems.append((self.lines.get(field_name or "", None), str(exc)))
            return None
        return SpecFile(
            spec,
            v.get("heterogeneity") or "none",
            dict(self.lines),
            self.interaction_lines,
            self.name,
        )


# ---- writing and comparing ------------------------------------------------------------


def spec_yaml(spec: ModelSpec, heterogeneity: str = "none") -> str:
    """The specification of a fitted model as YAML (as stored in the model folder)."""
    d = spec.to_dict()
    body = {
        "meter": d["meter"],
        "features": d["features"],
        "extra_features": d["extra_features"],
        "protected": d.get("protected", []),
        "baseline_cuts": d["baseline_cuts"],
        "effect_modifiers": d["effect_modifiers"],
        "interactions": d.get("interactions", []),
        "calendar": d["calendar"],
        "heterogeneity": heterogeneity,
        "entry_process": d["entry_process"],
        "entry_hazard": d["entry_hazard"],
        "horizon": d["horizon"],
        "group_cutoffs": d["group_cutoffs"],
        "returns_basis": d.get("returns_basis", "spell"),
        "exits": {"censor": d.get("censor_reasons", []), "outcome": d.get("outcome")},
    }
    head = "# The specification this model was fitted with (rendement fit --spec).\n"
    return head + yaml.safe_dump(body, sort_keys=False, default_flow_style=None, allow_unicode=True)


#: Fields compared by :func:`spec_differences`, with their Dutch names.
COMPARED_FIELDS = (
    ("features", "kenmerken"),
    ("extra_features", "extra kolommen"),
    ("baseline_cuts", "basisstukken (baseline_cuts)"),
    ("effect_modifiers", "effectmodificatoren"),
    ("interactions", "interacties van instrumenten (rendement mix)"),
    ("calendar", "kalenderjaren"),
    ("entry_process", "instroom in een instrument (timing-of-events)"),
    ("entry_hazard", "instroomkans per instrument of per meter (timing-of-events)"),
    ("horizon", "horizon (maanden)"),
    ("group_cutoffs", "grenzen uitstroomgroepen"),
    ("returns_basis", "rendement over (spell/total)"),
    ("censor_reasons", "eindredenen die censureren"),
    ("outcome", "uitkomst"),
    ("protected", "beschermde kolommen"),
    ("instruments", "instrumenten"),
)


def spec_differences(a: ModelSpec, b: ModelSpec) -> list[tuple[str, str, str]]:
    """``(field, value in a, value in b)`` for every specification field that differs."""
    da, db = a.to_dict(), b.to_dict()
    out = []
    for key, _label in COMPARED_FIELDS:
        va, vb = da.get(key), db.get(key)
        if key == "interactions":  # absent (none) is the empty list; the order does not matter
            va, vb = _pairs(va), _pairs(vb)
        if va != vb:
            out.append((key, _show(va), _show(vb)))
    return out


def _pairs(names: list[str] | None) -> list[str]:
    """Interactions as sorted ``X&Y`` with the codes in order: ``b&a`` is ``a&b``."""
    return sorted("&".join(sorted(n.split("&"))) for n in names or [])


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "-" if value is None else str(value)
