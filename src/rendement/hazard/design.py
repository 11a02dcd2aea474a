"""From the person-month panel to collapsed cells of the hazard model's design.

Every person-month (*persoonsmaand*) is described by four small integer codes:

* the baseline piece of its elapsed spell month;
* the client pattern: the distinct row of client terms at inflow of its spell;
* the instrument state: which ``in:X`` / ``after:X`` flags are on (bit-packed);
* the calendar year (only with ``spec.calendar``).

One mixed-radix key of these codes identifies the cell; outflows and
person-months are counted per cell with ``bincount``, and the design row of
each cell is assembled from the codes. The row-level design (millions of rows
times dozens of terms) is never formed, and there is no Python loop per row.

Data-dependent resolution of the specification happens here: levels of text
extra columns, the instruments, the calendar years, and the baseline pieces
(pieces beyond the longest observed duration are cut off, so the last
observed piece is open-ended; a piece without any outflow is merged with its
neighbour, with a :class:`SparseBaselineWarning`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from rendement.hazard.cells import CellDesign, distinct_rows
from rendement.hazard.covariance import cluster_counts
from rendement.hazard.identification import DroppedTerm
from rendement.hazard.warnings import FewObservationsWarning, HazardFitError, SparseBaselineWarning
from rendement.model.spec import ModelSpec, client_design

ClusterBy = Literal["client", "spell", "none"]

#: Fewer entries (spells that started the instrument) than this give a FewObservationsWarning.
MIN_ENTRIES = 30
#: Fewer outflows while in (or after) an instrument than this give a FewObservationsWarning.
MIN_EVENTS = 10

_BITS_PER_WORD = 62


class PanelLike(Protocol):
    """What estimation reads from :class:`rendement.panel.PersonMonthPanel`."""

    @property
    def months(self) -> pd.DataFrame: ...

    @property
    def spells(self) -> pd.DataFrame: ...

    @property
    def instruments(self) -> Sequence[str]: ...

    @property
    def client_codes(self) -> np.ndarray: ...


@dataclass(frozen=True)
class PanelDesign:
    """The collapsed design of a panel under a resolved specification."""

    cells: CellDesign
    spec: ModelSpec
    instrument_counts: pd.DataFrame
    merged_baseline: tuple[DroppedTerm, ...]
    n_person_months: int
    n_spells: int
    n_clients: int
    n_events: int


def panel_design(
    panel: PanelLike, spec: ModelSpec, *, cluster: ClusterBy = "client"
) -> PanelDesign:
    """Collapse ``panel`` into the cells of ``spec``'s design (see module docstring).

    Long: the steps of the collapse (states, baseline pieces, calendar, cells, clusters) work on the same row arrays; split, a dozen arrays would be passed around.
    """
    months = panel.months
    codes = (
        tuple(spec.instruments) if spec.instruments else tuple(str(c) for c in panel.instruments)
    )
    _check_columns(months, codes, spec)
    n_rows = len(months)
    if n_rows == 0:
        raise HazardFitError(
            "the person-month panel is empty: there are no months on benefit to learn from"
        )
    month = months["month"].to_numpy().astype(np.int64)
    outflow = months["outflow"].to_numpy().astype(np.float64)
    if month.min() < 1:
        raise HazardFitError("the panel has spell months below 1; elapsed spell months start at 1")
    if not np.isin(outflow, (0.0, 1.0)).all():
        raise HazardFitError("the panel's outflow column must be 0 or 1 in every month")
    n_events = int(outflow.sum())
    if n_events == 0:
        raise HazardFitError(
            "nobody left benefit in the panel, so outflow hazards cannot be estimated. "
            "Fix: check the spells' end dates, or use a longer period of data."
        )

    spells = panel.spells
    spell_pos = spell_positions(spells.index, months["spell_idx"].to_numpy())
    years = None
    if spec.calendar:
        years = pd.DatetimeIndex(months["calendar_month"]).year.to_numpy()
    resolved = spec.resolve(
        spells,
        instruments=codes,
        calendar_years=np.unique(years).tolist() if years is not None else None,
    )
    cuts, merged = _baseline_cuts(resolved, month, outflow)
    resolved = replace(resolved, baseline_cuts=cuts)

    # client patterns at inflow
    cdesign = client_design(resolved, spells).to_numpy(dtype=np.float64)
    if cdesign.shape[1]:
        pattern_of_spell, first = distinct_rows(cdesign)
        patterns = cdesign[first]
    else:
        patterns = np.zeros((1, 0))
        pattern_of_spell = np.zeros(len(spells), dtype=np.int64)
    pattern = pattern_of_spell[spell_pos]

    piece = np.asarray(resolved.baseline_piece(month), dtype=np.int64)
    flag_cols = [f"in:{c}" for c in codes] + [f"after:{c}" for c in codes]
    state, state_flags = _instrument_states(months, flag_cols)
    year_idx = (
        np.asarray(resolved.calendar_index(years), dtype=np.int64)
        if years is not None
        else np.zeros(n_rows, dtype=np.int64)
    )

    radix = (len(cuts), len(patterns), len(state_flags), max(len(resolved.calendar_years), 1))
    if float(np.prod(np.asarray(radix, dtype=np.float64))) >= 2.0**62:
        raise HazardFitError(
            "the design has too many distinct cells to collapse; reduce extra features"
        )
    key = ((piece * radix[1] + pattern) * radix[2] + state) * radix[3] + year_idx
    cell, cell_keys = pd.factorize(key, sort=True)
    cell_keys = np.asarray(cell_keys, dtype=np.int64)
    n_cells = len(cell_keys)
    events = np.bincount(cell, weights=outflow, minlength=n_cells)
    trials = np.bincount(cell, minlength=n_cells).astype(np.float64)

    c_year = cell_keys % radix[3]
    rest = cell_keys // radix[3]
    c_state = rest % radix[2]
    rest //= radix[2]
    c_pattern = rest % radix[1]
    c_piece = rest // radix[1]
    exog = _cell_exog(resolved, codes, patterns, state_flags, c_piece, c_pattern, c_state, c_year)

    clusters = None
    if cluster == "client":
        clusters = cluster_counts(np.asarray(panel.client_codes), cell, outflow, n_cells)
    elif cluster == "spell":
        clusters = cluster_counts(spell_pos, cell, outflow, n_cells)
    elif cluster != "none":
        raise ValueError(f"cluster must be 'client', 'spell' or 'none', got {cluster!r}")

    counts = instrument_counts(months, codes, spell_pos, outflow)
    _warn_few(counts)
    cells = CellDesign(exog, tuple(resolved.terms()), events, trials, clusters)
    return PanelDesign(
        cells=cells,
        spec=resolved,
        instrument_counts=counts,
        merged_baseline=tuple(merged),
        n_person_months=n_rows,
        n_spells=int(np.count_nonzero(np.bincount(spell_pos))),
        n_clients=_n_distinct(np.asarray(panel.client_codes)),
        n_events=n_events,
    )


def instrument_counts(
    months: pd.DataFrame, codes: Sequence[str], spell_pos: np.ndarray, outflow: np.ndarray
) -> pd.DataFrame:
    """Per instrument: person-months in / after, entries (spells that started it), outflows in / after."""
    rows = []
    n_spells = int(spell_pos.max()) + 1 if len(spell_pos) else 0
    for code in codes:
        fin = months[f"in:{code}"].to_numpy() != 0
        fafter = months[f"after:{code}"].to_numpy() != 0
        seen = np.zeros(n_spells, dtype=bool)
        seen[spell_pos[fin | fafter]] = True
        rows.append(
            {
                "instrument": code,
                "person_months_in": int(fin.sum()),
                "person_months_after": int(fafter.sum()),
                "entries": int(seen.sum()),
                "events_in": int(outflow[fin].sum()),
                "events_after": int(outflow[fafter].sum()),
            }
        )
    cols = ["person_months_in", "person_months_after", "entries", "events_in", "events_after"]
    frame = pd.DataFrame(rows, columns=["instrument", *cols])
    return frame.set_index("instrument").astype(np.int64)


def _n_distinct(codes: np.ndarray) -> int:
    if (
        codes.dtype.kind in "iu"
        and codes.size
        and codes.min() >= 0
        and codes.max() < 4 * codes.size
    ):
        return int(np.count_nonzero(np.bincount(codes)))
    return len(pd.unique(codes))


def _check_columns(months: pd.DataFrame, codes: Sequence[str], spec: ModelSpec) -> None:
    needed = ["spell_idx", "month", "outflow"]
    if spec.calendar:
        needed.append("calendar_month")
    needed += [f"{s}:{c}" for c in codes for s in ("in", "after")]
    missing = [c for c in needed if c not in months.columns]
    if missing:
        raise HazardFitError(
            f"the person-month panel lacks column(s) {missing}. Fix: build the panel with every "
            "instrument the specification names (rendement.panel.build_panel(data, instruments=...))."
        )


def spell_positions(index: pd.Index, spell_idx: np.ndarray) -> np.ndarray:
    """Position in ``panel.spells`` of each person-month's spell."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        pos = spell_idx.astype(np.int64)
        if len(pos) and (pos.min() < 0 or pos.max() >= len(index)):
            raise HazardFitError(
                "the panel has person-months of spells that are not in panel.spells"
            )
        return pos
    pos = index.get_indexer(pd.Index(spell_idx))
    if (pos < 0).any():
        raise HazardFitError("the panel has person-months of spells that are not in panel.spells")
    return pos.astype(np.int64)


def _baseline_cuts(
    spec: ModelSpec, month: np.ndarray, outflow: np.ndarray
) -> tuple[tuple[int, ...], list[DroppedTerm]]:
    """Baseline cuts supported by the data, and what was merged."""
    names = dict(zip(spec.baseline_cuts, spec.baseline_terms(), strict=True))
    max_month = int(month.max())
    cuts = [c for c in spec.baseline_cuts if c <= max_month]
    merged: list[DroppedTerm] = []
    events_by_month = np.bincount(month, weights=outflow, minlength=max_month + 1)
    while len(cuts) > 1:
        per_piece = np.add.reduceat(events_by_month, cuts)
        empty = np.flatnonzero(per_piece == 0)
        if not len(empty):
            break
        i = int(empty[0])
        gone = cuts[i + 1] if i == 0 else cuts[i]
        merged.append(
            DroppedTerm(names[cuts[i]], "baseline piece without outflow: merged with its neighbour")
        )
        cuts.remove(gone)
    trailing = [c for c in spec.baseline_cuts if c > max_month]
    if merged:
        warnings.warn(
            f"baseline piece(s) {', '.join(d.term for d in merged)} have no outflow and were merged "
            "with a neighbouring piece. Fix: choose coarser baseline_cuts.",
            SparseBaselineWarning,
            stacklevel=3,
        )
    last = replace(spec, baseline_cuts=tuple(cuts)).baseline_terms()[-1]
    merged += [
        DroppedTerm(
            names[c], f"beyond the longest observed spell month ({max_month}): {last} is open-ended"
        )
        for c in trailing
    ]
    return tuple(cuts), merged


def _instrument_states(months: pd.DataFrame, flag_cols: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """State code per person-month and the 0/1 flags of each state (``n_states x n_flags``)."""
    n = len(months)
    n_words = max(1, -(-len(flag_cols) // _BITS_PER_WORD))
    words = np.zeros((n, n_words), dtype=np.int64)
    for j, col in enumerate(flag_cols):
        on = months[col].to_numpy() != 0
        words[:, j // _BITS_PER_WORD] |= on.astype(np.int64) << (j % _BITS_PER_WORD)
    if n_words == 1:
        state, uniq = pd.factorize(words[:, 0], sort=True)
        uniq_words = np.asarray(uniq, dtype=np.int64)[:, None]
    else:
        uniq_words, state = np.unique(words, axis=0, return_inverse=True)
        state = state.ravel()
    flags = np.zeros((len(uniq_words), len(flag_cols)), dtype=np.float64)
    for j in range(len(flag_cols)):
        flags[:, j] = (uniq_words[:, j // _BITS_PER_WORD] >> (j % _BITS_PER_WORD)) & 1
    return np.asarray(state, dtype=np.int64), flags


def _cell_exog(
    spec: ModelSpec,
    codes: Sequence[str],
    patterns: np.ndarray,
    state_flags: np.ndarray,
    piece: np.ndarray,
    pattern: np.ndarray,
    state: np.ndarray,
    year: np.ndarray,
) -> np.ndarray:
    """Design row of every cell, columns in ``spec.terms()`` order."""
    n = len(piece)
    n_pieces = len(spec.baseline_cuts)
    blocks = [np.eye(n_pieces)[piece], patterns[pattern]]
    client_terms = spec.client_terms()
    mod_idx = [client_terms.index(m) for m in spec.effect_modifiers]
    k = len(codes)
    flags = state_flags[state]
    for j in range(k):
        after = flags[:, k + j]
        cols = [flags[:, j], after] + [after * patterns[pattern, m] for m in mod_idx]
        blocks.append(np.column_stack(cols))
    if spec.calendar:
        n_years = len(spec.calendar_years)
        blocks.append(np.eye(n_years)[year][:, 1:])
    exog = np.hstack([b.reshape(n, -1) for b in blocks])
    return np.ascontiguousarray(exog, dtype=np.float64)


def thin_instrument_problems(row: pd.Series) -> list[str]:
    """Why an instrument's effects are imprecise (too few entries or outflows), in words.

    ``row`` is a row of :func:`instrument_counts`; an empty list means enough data.
    """
    problems = []
    if row["entries"] < MIN_ENTRIES:
        problems.append(f"{int(row['entries'])} entries")
    if row["person_months_in"] > 0 and row["events_in"] < MIN_EVENTS:
        problems.append(f"{int(row['events_in'])} outflows while in it")
    if row["events_after"] < MIN_EVENTS:
        problems.append(f"{int(row['events_after'])} outflows after it")
    return problems


def _warn_few(counts: pd.DataFrame) -> None:
    for code, row in counts.iterrows():
        if row["entries"] == 0:
            continue
        problems = thin_instrument_problems(row)
        if problems:
            warnings.warn(
                f"instrument '{code}' has only {', '.join(problems)} (at least {MIN_ENTRIES} entries "
                f"and {MIN_EVENTS} outflows in and after are advised); its effects are imprecise. "
                "Fix: pool it with a similar instrument, use more years of data, or declare its "
                "effects (expert or borrowed model).",
                FewObservationsWarning,
                stacklevel=3,
            )


def person_month_design(
    panel: PanelLike, spec: ModelSpec, rows: np.ndarray | None = None
) -> pd.DataFrame:
    """The uncollapsed design: one row per person-month (or per ``rows``), columns ``spec.terms()``.

    For comparisons with reference software (statsmodels, lifelines) and checks on
    small data only: the fit itself never forms it. ``spec`` should be resolved
    (``results.spec``).
    """
    months = panel.months if rows is None else panel.months.iloc[rows]
    spell_pos = spell_positions(panel.spells.index, months["spell_idx"].to_numpy())
    client = client_design(spec, panel.spells).to_numpy(dtype=np.float64)[spell_pos]
    cols: dict[str, np.ndarray] = {}
    piece = spec.baseline_piece(months["month"].to_numpy())
    for i, term in enumerate(spec.baseline_terms()):
        cols[term] = (piece == i).astype(np.float64)
    client_terms = spec.client_terms()
    for j, term in enumerate(client_terms):
        cols[term] = client[:, j]
    for code in spec.instruments:
        after = months[f"after:{code}"].to_numpy(dtype=np.float64)
        cols[f"in:{code}"] = months[f"in:{code}"].to_numpy(dtype=np.float64)
        cols[f"after:{code}"] = after
        for mod in spec.effect_modifiers:
            cols[f"after:{code}*{mod}"] = after * client[:, client_terms.index(mod)]
    if spec.calendar:
        idx = spec.calendar_index(pd.DatetimeIndex(months["calendar_month"]).year.to_numpy())
        for i, term in enumerate(spec.calendar_terms(), start=1):
            cols[term] = (idx == i).astype(np.float64)
    return pd.DataFrame(cols, index=months.index)[spec.terms()]
