"""The monthly ranked lists (*lijstwerk*) as tables: one per district or caseworker, and a summary.

A list holds the caseload (or the part of it in one district or with one
caseworker) in ranking order -- rank 1 has the highest chance of leaving
benefit without help -- with the outflow group, the best instrument and its
net return, and any instrument already running. The summary
(*samenvatting*) counts, per list and outflow group, the clients, the
expected outflow in the next 6 and 18 months (sum of the chances), the
clients with a positive-return instrument and their total potential return,
and the clients in a running instrument.

Headers are Dutch, for managers. Numbers are rounded for reading (chances to
6 decimals, euros and months to 2); the CSV files and the workbook hold exactly
the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from rendement.model.kind_words import model_kind_words
from rendement.plan.price import PlacePrices
from rendement.plan.problem import ScoreLike
from rendement.plan.verdict import judge

ListBy = Literal["district", "caseworker"]

#: ``--by`` value -> ranking column and the Dutch word for one part.
BY_COLUMNS: dict[str, tuple[str, str]] = {
    "district": ("district", "wijk"),
    "caseworker": ("caseworker_id", "klantmanager"),
}

#: Name of a part whose district or caseworker is not filled in.
UNKNOWN_PART = "(onbekend)"
TOTAL = "totaal"


@dataclass(frozen=True)
class ListColumn:
    """One column of a list: where it comes from, its Dutch header, how to show it."""

    source: str
    header: str
    kind: Literal["text", "int", "pct", "eur", "decimal"]


#: The columns of every list, in order (``district``/``caseworker_id`` when present).
LIST_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("rank", "rang", "int"),
    ListColumn("client_id", "klant", "text"),
    ListColumn("months_on_benefit", "maanden in uitkering", "int"),
    ListColumn("p_outflow_6m", "kans uitstroom binnen 6 maanden", "pct"),
    ListColumn("p_outflow_18m", "kans uitstroom binnen 18 maanden", "pct"),
    ListColumn("expected_remaining_months", "verwachte maanden nog in uitkering", "decimal"),
    ListColumn("outflow_group", "uitstroomgroep", "int"),
    ListColumn("best_instrument_label", "beste instrument", "text"),
    ListColumn("best_net_return_eur", "netto rendement beste instrument", "eur"),
    ListColumn("current_instrument_label", "lopend instrument", "text"),
    ListColumn("district", "wijk", "text"),
    ListColumn("caseworker_id", "klantmanager", "text"),
    ListColumn("best_instrument", "code beste instrument", "text"),
    ListColumn("current_instrument", "code lopend instrument", "text"),
)

#: With the plan's price of a place: two columns after the best instrument's return.
PLACE_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("place_threshold_eur", "grens voor een plaats (plan)", "eur"),
    ListColumn("place_in_plan", "binnen de grens van het plan", "text"),
)

#: The instrument "none" in words.
NO_INSTRUMENT = "geen instrument"

#: Columns of the summary table and how to show them.
SUMMARY_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("list", "lijst", "text"),
    ListColumn("outflow_group", "uitstroomgroep", "text"),
    ListColumn("clients", "klanten", "int"),
    ListColumn("expected_outflow_6m", "verwachte uitstroom binnen 6 maanden", "decimal"),
    ListColumn("expected_outflow_18m", "verwachte uitstroom binnen 18 maanden", "decimal"),
    ListColumn("positive", "klanten met positief rendement", "int"),
    ListColumn("potential_eur", "totaal potentieel rendement", "eur"),
    ListColumn("running", "klanten in lopend instrument", "int"),
)

#: Decimals kept per kind of number (for reading; the CSV and the workbook hold the same values).
DECIMALS = {"pct": 6, "eur": 2, "decimal": 2}

#: Outflow groups in words (seed 001).
GROUP_WORDS = {
    1: "uitstroom binnen 6 maanden verwacht",
    2: "uitstroom binnen 6-18 maanden verwacht",
    3: "geen uitstroom binnen 18 maanden verwacht",
}

#: Which net return ranks (``returns_basis``), in the managers' words.
RETURNS_BASIS_WORDS = {"spell": "huidige uitkering", "total": "totaal (met terugkeer)"}

#: How each kind of model is named in every output; expert and borrowed stand out.
MODEL_KIND_WORDS = {
    "estimated": "geschat model, op de eigen gegevens van de gemeente",
    "expert": "LET OP: expertmodel - effecten vastgesteld door deskundigen, niet geschat op "
    "gegevens; behandel de uitkomsten als indicatie",
    "borrowed": "LET OP: geleend model - schattingen van een andere gemeente, niet op de eigen "
    "gegevens; behandel de uitkomsten als indicatie",
}


@dataclass(frozen=True)
class Lists:
    """The lists of one month: the whole caseload, the parts, the summary, and what made them.

    ``total`` and every frame in ``parts`` have the Dutch headers of
    :data:`LIST_COLUMNS`; ``parts`` is ordered by name (empty without ``by``).
    ``kinds`` (lists) and ``summary_kinds`` (summary) map each header to how it
    is shown (``text``, ``int``, ``pct``, ``eur``, ``decimal``); other columns are text.
    """

    total: pd.DataFrame
    parts: dict[str, pd.DataFrame]
    summary: pd.DataFrame
    by: ListBy | None
    as_of: pd.Timestamp | None
    model_version: str
    model_kind: str
    kinds: dict[str, str]
    summary_kinds: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    #: Places per year of the meter's instruments (catalogue ``capacity``), when known.
    places_per_year: int | None = None

    @property
    def part_word(self) -> str:
        """``wijk`` or ``klantmanager`` (``lijst`` without ``by``)."""
        return BY_COLUMNS[self.by][1] if self.by else "lijst"

    @property
    def model_kind_words(self) -> str:
        return MODEL_KIND_WORDS.get(self.model_kind, self.model_kind)


def build_lists(
    score: ScoreLike,
    *,
    by: ListBy | None = None,
    labels: Mapping[str, str] | None = None,
    places_per_year: int | None = None,
    prices: PlacePrices | None = None,
) -> Lists:
    """The ranked lists of ``score``'s caseload, split by district or caseworker (or not).

    With ``prices`` (the latest plan's price of a place, :mod:`rendement.plan.price`) every
    row shows the return its best instrument needs for a place and whether it has it.

    ``labels`` maps instrument codes to the names managers know (the catalogue's
    ``label``); the lists show the name and keep the code in its own column.
    A client already in an instrument has no net return of a new one: empty, not 0.
    """
    if by is not None and by not in BY_COLUMNS:
        raise ValueError(f"by must be 'district', 'caseworker' or None, got {by!r}")
    ranking = _with_labels(
        score.ranking.sort_values("rank", kind="stable").reset_index(drop=True), labels or {}
    )
    if prices is not None:
        ranking = _with_place(ranking, prices)
    columns = [c for c in _columns(prices is not None) if c.source in ranking.columns]
    total = _list_frame(ranking, columns)
    parts: dict[str, pd.DataFrame] = {}
    part_of: pd.Series | None = None
    if by is not None:
        source = BY_COLUMNS[by][0]
        if source in ranking.columns:
            part_of = _part_names(ranking[source])
        else:
            part_of = pd.Series(UNKNOWN_PART, index=ranking.index)
        for name in sorted(part_of.unique(), key=_sort_key):
            rows = ranking[part_of.to_numpy() == name]
            parts[name] = _list_frame(rows.reset_index(drop=True), columns)
    as_of = getattr(score, "as_of", None)
    kind = _model_kind(score)
    version = str(getattr(score, "model_version", ""))
    as_of_ts = None if as_of is None else pd.Timestamp(as_of)
    summary = _summary(ranking, part_of, as_of_ts, version, kind)
    return Lists(
        total=total,
        parts=parts,
        summary=summary,
        by=by,
        as_of=as_of_ts,
        model_version=version,
        model_kind=kind,
        kinds={c.header: c.kind for c in columns},
        summary_kinds={c.header: c.kind for c in SUMMARY_COLUMNS},
        warnings=list(getattr(score, "warnings", []) or []),
        places_per_year=places_per_year,
    )


def _with_labels(ranking: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Instrument names beside the codes; no return shown for clients in a running instrument."""
    out = ranking.copy()

    def name(code: Any) -> str:
        text = "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code)
        if text == "geen":
            return NO_INSTRUMENT
        return labels.get(text, text)

    for source in ("best_instrument", "current_instrument"):
        if source in out.columns:
            out[f"{source}_label"] = [name(v) for v in out[source].tolist()]
    if "current_instrument" in out.columns and "best_net_return_eur" in out.columns:
        running = out["current_instrument"].astype(object).fillna("").astype(str).str.strip() != ""
        out["best_net_return_eur"] = (
            pd.to_numeric(out["best_net_return_eur"]).astype(float).mask(running.to_numpy())
        )
    return out


def _columns(with_place: bool) -> tuple[ListColumn, ...]:
    """:data:`LIST_COLUMNS`, with :data:`PLACE_COLUMNS` after the best return when asked."""
    if not with_place:
        return LIST_COLUMNS
    at = next(k for k, c in enumerate(LIST_COLUMNS) if c.source == "best_net_return_eur") + 1
    return (*LIST_COLUMNS[:at], *PLACE_COLUMNS, *LIST_COLUMNS[at:])


#: ``place_in_plan`` in words, per verdict of :func:`rendement.plan.price.judge`.
PLACE_WORDS = {"within": "ja", "below": "nee", "no_places": "nee (geen plaatsen)"}


def _with_place(ranking: pd.DataFrame, prices: PlacePrices) -> pd.DataFrame:
    """The plan's threshold of each row's best instrument and whether its return reaches it."""
    out = ranking.copy()
    threshold, within = [], []
    running = out["current_instrument"].astype(object).fillna("").astype(str).str.strip() != ""
    for best, value, busy in zip(
        out["best_instrument"].tolist(), out["best_net_return_eur"].tolist(), running, strict=True
    ):
        code = None if best is None or (isinstance(best, float) and np.isnan(best)) else str(best)
        verdict = judge(prices, code, None if busy else float(value), running=bool(busy))
        threshold.append(np.nan if verdict.threshold_eur is None else verdict.threshold_eur)
        within.append(PLACE_WORDS.get(verdict.status, ""))
    out["place_threshold_eur"] = threshold
    out["place_in_plan"] = within
    return out


def _list_frame(ranking: pd.DataFrame, columns: list[ListColumn]) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(len(ranking)))
    for c in columns:
        if c.kind == "text":
            values = ranking[c.source].astype(object)
            out[c.header] = values.where(values.notna(), "").astype(str).to_numpy()
        elif c.kind == "int":
            out[c.header] = pd.to_numeric(ranking[c.source]).astype(np.int64).to_numpy()
        else:
            values = pd.to_numeric(ranking[c.source]).astype(float)
            out[c.header] = values.round(DECIMALS[c.kind]).to_numpy()
    return out


def _part_names(values: pd.Series) -> pd.Series:
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return text.where(text != "", UNKNOWN_PART)


def _sort_key(name: str) -> tuple[int, str, str]:
    return (1 if name == UNKNOWN_PART else 0, name.lower(), name)


def _summary(
    ranking: pd.DataFrame,
    part_of: pd.Series | None,
    as_of: pd.Timestamp | None,
    version: str,
    kind: str,
) -> pd.DataFrame:
    scopes: list[tuple[str, np.ndarray]] = [(TOTAL, np.ones(len(ranking), dtype=bool))]
    if part_of is not None:
        for name in sorted(part_of.unique(), key=_sort_key):
            scopes.append((name, part_of.to_numpy() == name))
    group = pd.to_numeric(ranking["outflow_group"]).to_numpy()
    p6 = pd.to_numeric(ranking["p_outflow_6m"]).to_numpy(dtype=float)
    p18 = pd.to_numeric(ranking["p_outflow_18m"]).to_numpy(dtype=float)
    best = np.nan_to_num(pd.to_numeric(ranking["best_net_return_eur"]).to_numpy(dtype=float))
    positive = best > 0
    current = ranking["current_instrument"].astype(object)
    running = current.where(current.notna(), "").astype(str).str.strip().ne("").to_numpy()
    rows: list[dict[str, Any]] = []
    for name, in_scope in scopes:
        for g in (1, 2, 3, None):
            m = in_scope & (group == g) if g is not None else in_scope
            rows.append(
                {
                    "lijst": name,
                    "uitstroomgroep": str(g) if g is not None else "alle",
                    "klanten": int(m.sum()),
                    "verwachte uitstroom binnen 6 maanden": round(float(p6[m].sum()), 2),
                    "verwachte uitstroom binnen 18 maanden": round(float(p18[m].sum()), 2),
                    "klanten met positief rendement": int((m & positive).sum()),
                    "totaal potentieel rendement": round(float(best[m & positive].sum()), 2),
                    "klanten in lopend instrument": int((m & running).sum()),
                }
            )
    out = pd.DataFrame(rows)
    out["peildatum"] = "" if as_of is None else as_of.date().isoformat()
    out["modelversie"] = version
    out["soort model"] = model_kind_words(kind)  # Dutch words for managers, not the code
    basis = ranking["returns_basis"].iloc[0] if "returns_basis" in ranking and len(ranking) else ""
    out["rendement over"] = RETURNS_BASIS_WORDS.get(str(basis), RETURNS_BASIS_WORDS["spell"])
    return out


def _model_kind(score: Any) -> str:
    kind = getattr(score, "model_kind", None)
    if kind is None and "model_kind" in score.ranking.columns and len(score.ranking):
        kind = score.ranking["model_kind"].iloc[0]
    return str(kind or "estimated")


def instrument_labels(catalogue: pd.DataFrame) -> dict[str, str]:
    """Code -> the name managers know, from a catalogue with ``instrument`` and ``label``."""
    if "label" not in catalogue.columns:
        return {}
    out = {}
    for code, label in zip(catalogue["instrument"], catalogue["label"], strict=True):
        text = "" if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
        out[str(code)] = text.strip() or str(code)
    return out


def places_per_year(catalogue: pd.DataFrame) -> int | None:
    """The yearly places of a meter's instruments (``capacity``), or None when not given."""
    if "capacity" not in catalogue.columns:
        return None
    values = pd.to_numeric(catalogue["capacity"], errors="coerce")
    return None if values.isna().all() else int(values.fillna(0).sum())
