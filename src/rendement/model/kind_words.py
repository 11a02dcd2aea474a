"""A model's kind and heterogeneity in Dutch words, for everything a person reads.

The codes stay English for machines (``manifest.json``, the API, ``--heterogeneity``):
``estimated``/``expert``/``borrowed`` (``HazardModel.kind``) and ``none``/``default``/``npmle``
(with or without unobserved heterogeneity).

    >>> model_kind_words("npmle")
    'timing-of-events-model (met onwaarneembare heterogeniteit)'
"""

from __future__ import annotations

#: Kind and heterogeneity codes in Dutch.
DUTCH_MODEL_KINDS = {
    "estimated": "geschat model",
    "expert": "expertmodel",
    "borrowed": "geleend model",
    "default": "standaardmodel (zonder heterogeniteit)",
    "none": "standaardmodel (zonder heterogeniteit)",
    "npmle": "timing-of-events-model (met onwaarneembare heterogeniteit)",
}


def model_kind_words(kind: str) -> str:
    """A model kind code in Dutch words (unknown codes stay as they are)."""
    return DUTCH_MODEL_KINDS.get(str(kind), str(kind))
