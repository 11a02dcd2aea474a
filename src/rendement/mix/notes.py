"""What the mix assumed, in words: which interactions it used, and what it did not test.

:func:`mix_notes` gives the notes printed by ``rendement mix`` (English, for the
analyst's terminal) and shown in ``mix.xlsx`` (Dutch, for managers): the interactions
the combinations were computed with, interactions the specification names that the
data could not estimate, the timing-of-events model that keeps additive effects, and
the scope of the check (after x after only: lock-in overlaps are assumed to add).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rendement.formatting import number
from rendement.mix.additivity import AdditivityCheck
from rendement.model.hazard_model import HazardModel
from rendement.model.interactions import split_pair


@dataclass(frozen=True)
class Note:
    """One note in two languages."""

    english: str
    dutch: str


def spec_interactions(model: HazardModel, meters: Sequence[str]) -> list[str]:
    """The specification's interactions whose two instruments both belong to ``meters``."""
    catalogue = model.instruments
    meter_of = dict(
        zip(catalogue["instrument"].astype(str), catalogue["meter"].astype(str), strict=True)
    )
    return [
        name
        for name in model.spec.interactions
        if all(meter_of.get(code) in meters for code in split_pair(name))
    ]


def unique_pairs(names: Sequence[str]) -> list[str]:
    """``names`` without repeats (``b&a`` repeats ``a&b``), first spelling kept."""
    seen: set[frozenset[str]] = set()
    out = []
    for name in names:
        key = frozenset(split_pair(name))
        if key not in seen:
            seen.add(key)
            out.append(str(name))
    return out


def names_of(model: HazardModel) -> dict[str, str]:
    """Instrument names (the catalogue's ``label``) by code."""
    catalogue = model.instruments
    if "label" not in catalogue.columns:
        return {}
    return dict(
        zip(catalogue["instrument"].astype(str), catalogue["label"].astype(str), strict=True)
    )


def pair_words(pair: str, names: Mapping[str, str]) -> str:
    """``jobhunt&werkdirect`` -> ``Jobhunt en Werk Direct`` (catalogue names)."""
    return " en ".join(names.get(code, code) for code in split_pair(pair))


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + number(abs(value), 3)


def mix_notes(
    check: AdditivityCheck | None,
    interactions: Mapping[str, float],
    from_spec: Sequence[str],
    *,
    toe: bool,
    names: Mapping[str, str] | None = None,
    searched: bool = False,
) -> list[Note]:
    """The notes of the module docstring, in the order a reader needs them (the Dutch ones
    with the instruments' ``names`` by code, where given). ``toe``: the model has mass
    points; ``searched``: its fit looked for them (``heterogeneity: npmle``), found or not."""
    notes: list[Note] = []
    if interactions:
        terms = ", ".join(f"{k} {v:+.3f}" for k, v in interactions.items())
        dutch = "; ".join(
            f"{pair_words(k, names or {})} ({_signed(v)})" for k, v in interactions.items()
        )
        notes.append(
            Note(
                f"The combinations were computed with the estimated interaction(s) {terms} "
                "and the main effects refitted beside them (no intervals).",
                f"De combinaties zijn berekend met de geschatte interactie van {dutch} "
                "(op de log-hazard, in de maanden na beide instrumenten; negatief: samen "
                "minder dan de som) en de hoofdeffecten opnieuw geschat ernaast; daarom "
                "zonder onzekerheidsmarges.",
            )
        )
    if check is not None:
        estimable = set(check.table.loc[check.table["verdict"] != "too_few", "pair"])
        for name in from_spec:
            if not any(frozenset(split_pair(name)) == frozenset(split_pair(p)) for p in estimable):
                notes.append(
                    Note(
                        f"The specification names the interaction {name}, but too few clients "
                        "received both instruments to estimate it: their effects add.",
                        f"De specificatie noemt de interactie van {pair_words(name, names or {})}, maar te weinig klanten "
                        "kregen beide instrumenten om haar te schatten: de effecten worden "
                        "opgeteld.",
                    )
                )
    notes.append(_model_note(toe=toe, searched=searched))
    if check is not None:
        notes.append(
            Note(
                "The check tests the after x after interaction only (months after both "
                "instruments); overlapping lock-in months (in x in, in x after) are assumed "
                "to add, untested.",
                "De toets kijkt alleen naar de maanden ná beide instrumenten (na x na). Dat "
                "de effecten tijdens de instrumenten (in x in, in x na) optellen, is "
                "aangenomen en niet getoetst.",
            )
        )
    else:
        notes.append(
            Note(
                "Additivity was not checked (--no-check): the effects add on the log-hazard scale.",
                "Of de effecten optellen is niet getoetst: de combinaties tellen ze op.",
            )
        )
    return notes


def _model_note(*, toe: bool, searched: bool) -> Note:
    """What the kind of model means for the combinations (see :func:`mix_notes`)."""
    if toe:
        return Note(
            "Timing-of-events model (mass points): every client is scored with the "
            "posterior weights of the types given the history of the current spell. The "
            "combinations ADD the instruments' effects on the log-hazard scale; the check's "
            "interactions are not used (the refit has no mass points). Only the start of "
            "the model's own meter's instruments is modelled with the type; the other "
            "meters' instruments are taken as assigned on what the data show.",
            "Dit is een timing-of-events-model (met onbekende klanttypen): elke klant "
            "krijgt de kansen op de typen die passen bij het verloop van de huidige "
            "uitkering. De combinaties tellen de effecten van de instrumenten op (additief "
            "model). Interacties uit de toets of de specificatie worden bij dit model niet "
            "gebruikt. Alleen de start van de instrumenten van de eigen meter van het model "
            "hangt in het model af van het type; van de andere meters is aangenomen dat ze "
            "worden ingezet op wat de gegevens laten zien.",
        )
    if searched:
        return Note(
            "The timing-of-events fit found no unobserved heterogeneity (one type): the "
            "combinations use the default model's effects.",
            "Het timing-of-events-model vond geen onbekende klanttypen (één type): de "
            "combinaties gebruiken de effecten van het standaardmodel.",
        )
    return Note(
        "Default model (no unobserved heterogeneity): where caseworkers assign "
        "instruments on what the data do not show, its effects are biased and so are "
        "the combinations and the plan. Fit the model with `rendement fit "
        "--heterogeneity npmle` and plan the mix with it; where the data show no such "
        "heterogeneity it gives the default model back.",
        "Dit is het standaardmodel (zonder onbekende klanttypen). Zetten klantmanagers "
        "instrumenten in op wat de gegevens niet laten zien, dan zijn de effecten "
        "vertekend en daarmee ook de combinaties en het plan. Laat de analist het model "
        "schatten met onbekende klanttypen (rendement fit --heterogeneity npmle) en de "
        "mix daarmee plannen; blijken er geen zulke verschillen te zijn, dan geeft dat "
        "het standaardmodel terug.",
    )
