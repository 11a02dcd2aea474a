"""The OpenAPI examples speak of the served model: its instruments, labels, version and extra columns.

The static examples (:mod:`rendement_api.schemas.examples`) were taken from a
declared test model with instruments ``jobhunt`` and ``taal``. A municipality's
model has other codes, and an example naming an instrument the served model
does not know is refused when a reader tries it (``unknown_instrument``). So the
served ``/openapi.json`` replaces, inside every example, those codes and labels
by the first two scored instruments of the served catalogue (``geen`` when there
is only one), sets each example instrument's waiting and duration months from
the catalogue, the model reference to the served model, and gives the client
example the extra columns the model asks for.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from rendement_api.services.served_model import ServedModel

#: The codes and labels of the static examples, in the order they stand for served instruments.
STATIC_CODES = ("jobhunt", "taal")
STATIC_LABELS = (
    ("Sollicitatietraining en vacaturebemiddeling", "Sollicitatietraining"),
    ("Taaltraject",),
)


def _replacements(served: ServedModel) -> tuple[dict[str, str], list[tuple[str, str]]]:
    codes = served.scored_codes[:2]
    while len(codes) < 2:
        codes.append("geen")
    exact: dict[str, str] = {}
    text: list[tuple[str, str]] = []
    for static, code, labels in zip(STATIC_CODES, codes, STATIC_LABELS, strict=True):
        exact[static] = code
        label = served.label(code)
        for old in labels:
            exact[old] = label
            text.append((old, label))
    return exact, text


class _Swap:
    def __init__(self, served: ServedModel):
        self.served = served
        self.exact, self.text = _replacements(served)

    def value(self, v: Any) -> Any:
        if isinstance(v, dict):
            return self.mapping(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, str):
            if v in self.exact:
                return self.exact[v]
            for old, new in self.text:
                v = v.replace(old, new)
            return v
        return v

    def mapping(self, d: dict[str, Any]) -> dict[str, Any]:
        out = {k: self.value(v) for k, v in d.items()}
        if {"meter", "version", "kind", "kind_text"} <= set(out):
            out.update(self.served.ref())
        if "model_version" in out and "model_kind" in out:
            out.update(model_version=self.served.version, model_kind=self.served.kind)
        described = self.served.describe(str(out.get("instrument")))
        if described is not None and "waiting_months" in out:
            out.update(
                label=described.label,
                category=described.category,
                waiting_months=described.waiting_months,
                duration_months=described.duration_months,
            )
        if "household_type" in out and "monthly_benefit" in out:
            extra = _extra_example(self.served)
            if extra:
                out["extra"] = extra
        return out


def _extra_example(served: ServedModel) -> dict[str, str | float]:
    extra: dict[str, str | float] = {}
    for name in served.model.spec.extra_features:
        levels = served.model.spec.extra_levels.get(name)
        extra[name] = levels[0] if levels else 0.0
    return extra


def _walk(node: Any, swap: _Swap) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("examples", "example"):
                node[k] = swap.value(v)
            else:
                _walk(v, swap)
    elif isinstance(node, list):
        for x in node:
            _walk(x, swap)


def served_openapi(schema: dict[str, Any], served: ServedModel) -> dict[str, Any]:
    """``schema`` with every example rewritten for ``served`` (in place; returned)."""
    _walk(schema, _Swap(served))
    return schema


def install(app: FastAPI) -> None:
    """Serve ``/openapi.json`` with examples from the model the app serves."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        served = getattr(app.state, "served", None)
        if served is None:  # before startup: the static examples
            return plain()
        cached = getattr(app.state, "openapi_served", None)
        if cached is None:
            cached = app.state.openapi_served = served_openapi(plain(), served)
        return dict(cached)

    app.openapi = openapi  # type: ignore[method-assign]
