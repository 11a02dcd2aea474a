"""Warnings of the fit and the scoring in Dutch, for the report and the model card.

The engine writes its warnings in English (logs, the API); where a person reads them (the
model report in Dutch, the model card) their known wordings are given in Dutch here. An
unknown wording stays as it is.

    >>> dutch_message("one-off instrument (duration 0): no months in it, only after it")
    'eenmalig instrument (duur 0): geen maanden erin, alleen erna'
"""

from __future__ import annotations

import re


def dutch_problems(text: str) -> str:
    """``8 entries, 3 outflows while in it`` in Dutch."""
    return (
        text.replace(" entries", " instromers")
        .replace(" outflows while in it", " keer uitstroom tijdens het instrument")
        .replace(" outflows after it", " keer uitstroom erna")
    )


_MESSAGES = (
    (
        re.compile(
            r"^instrument '(?P<code>[^']+)' has only (?P<what>.+) \(at least (?P<e>\d+) entries "
            r"and (?P<o>\d+) outflows in and after are advised\); its effects are imprecise\. "
            r"Fix: .*$",
            re.S,
        ),
        lambda m: (
            f"instrument '{m['code']}' heeft maar {dutch_problems(m['what'])} (geadviseerd zijn "
            f"minstens {m['e']} instromers en {m['o']} keer uitstroom in en na het instrument); "
            "de effecten zijn onnauwkeurig. Oplossing: voeg het samen met een vergelijkbaar "
            "instrument, gebruik meer jaren gegevens, of leg de effecten vast (expert- of "
            "geleend model)."
        ),
    ),
    (
        re.compile(r"^one-off instrument \(duration 0\): no months in it, only after it$"),
        lambda m: "eenmalig instrument (duur 0): geen maanden erin, alleen erna",
    ),
    (
        re.compile(r"^baseline piece without outflow: merged with its neighbour$"),
        lambda m: "stuk van het basisniveau zonder uitstroom: samengevoegd met zijn buur",
    ),
    (
        re.compile(r"^beyond the longest observed spell month \((\d+)\): (\S+) is open-ended$"),
        lambda m: (
            f"voorbij de langste waargenomen maand in de uitkering ({m[1]}): {m[2]} loopt door"
        ),
    ),
    (
        re.compile(
            r"^baseline piece\(s\) (.+) have no outflow and were merged with a neighbouring "
            r"piece\. Fix: choose coarser baseline_cuts\.$"
        ),
        lambda m: (
            f"stuk(ken) van het basisniveau {m[1]} zonder uitstroom zijn samengevoegd met een "
            "buur. Oplossing: kies grovere baseline_cuts."
        ),
    ),
    (
        re.compile(r"^follow-up of (\d+) months is too short for (\d+) months$"),
        lambda m: f"een volgperiode van {m[1]} maanden is te kort voor {m[2]} maanden",
    ),
)


def dutch_message(text: str) -> str:
    """A warning of the fit or the scoring in Dutch where its wording is known (else as it is)."""
    for pattern, words in _MESSAGES:
        m = pattern.match(text)
        if m:
            return words(m)
    return text
