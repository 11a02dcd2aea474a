"""The model the service serves, loaded once at startup and checked (*actief model*)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rendement.errors import ModelFolderError
from rendement.model.hazard_model import HazardModel
from rendement_api.settings import Settings

KIND_TEXT = {
    "estimated": "geschat op de eigen gegevens van de gemeente",
    "expert": "vastgesteld op basis van expertoordeel, niet geschat op gegevens",
    "borrowed": "overgenomen van een andere gemeente (geleend model)",
}


@dataclass(frozen=True)
class InstrumentDescription:
    code: str
    label: str
    category: str | None
    price: float
    waiting_months: int
    duration_months: int
    success_share: float
    scored: bool


@dataclass(frozen=True)
class ServedModel:
    """A loaded model with what the service shows about it."""

    model: HazardModel
    version: str
    path: Path | None
    instruments: tuple[InstrumentDescription, ...] = field(default=())

    @property
    def kind(self) -> str:
        return str(self.model.kind)

    @property
    def meter(self) -> str:
        return self.model.spec.meter

    @property
    def horizon(self) -> int:
        return int(self.model.spec.horizon)

    @property
    def scored_codes(self) -> list[str]:
        return [i.code for i in self.instruments if i.scored]

    @property
    def state_codes(self) -> list[str]:
        """Every instrument with states in the model (any meter): may appear in a client's history."""
        return list(self.model.spec.instruments)

    def describe(self, code: str) -> InstrumentDescription | None:
        for i in self.instruments:
            if i.code == code:
                return i
        return None

    def label(self, code: str) -> str:
        if code == "geen":
            return "geen instrument"
        d = self.describe(code)
        if d is not None:
            return d.label
        try:
            return str(self.model.catalogue_row(code)["label"])
        except KeyError:
            return code

    def ref(self) -> dict[str, Any]:
        return {
            "meter": self.meter,
            "version": self.version,
            "kind": self.kind,
            "kind_text": KIND_TEXT.get(self.kind, self.kind),
            "warning": model_warning(self.model),
            "signed_by": self.model.metadata.get("signed_by"),
        }


def model_warning(model: HazardModel) -> str | None:
    """The model's own warning for a person (a fallback it made), if any."""
    fallback = model.metadata.get("fallback")
    return str(fallback["text"]) if isinstance(fallback, Mapping) and fallback.get("text") else None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    s = str(value).strip()
    return s or None


def serve_model(model: HazardModel, path: Path | None = None) -> ServedModel:
    """Wrap a loaded model; the version is ``metadata['version']`` or the folder's name."""
    version = str(model.metadata.get("version") or (path.name if path else "") or "onbekend")
    scored = set(model.scorable_instruments())
    rows = []
    for r in model.meter_instruments.to_dict("records"):
        share = r.get("success_share")
        rows.append(
            InstrumentDescription(
                code=str(r["instrument"]),
                label=_text(r.get("label")) or str(r["instrument"]),
                category=_text(r.get("category")),
                price=float(r["price"]),
                waiting_months=int(r["waiting_months"]),
                duration_months=int(r["duration_months"]),
                success_share=0.0 if share is None or pd.isna(share) else float(share),
                scored=str(r["instrument"]) in scored,
            )
        )
    return ServedModel(model=model, version=version, path=path, instruments=tuple(rows))


def model_path(settings: Settings) -> Path:
    """The folder to serve: ``model_dir``, or the registry's active model of ``meter``."""
    if settings.model_dir is not None:
        return Path(settings.model_dir)
    from rendement.model.registry import Registry, RegistryError

    registry = Registry.at(settings.models_root)
    try:
        return registry.active_path(settings.meter)
    except RegistryError as exc:
        raise ModelFolderError(
            f"no model to serve: give --model MODEL_DIR (or set RENDEMENT_MODEL_DIR), or "
            f"activate a model in the registry ({exc})"
        ) from exc


def load_served_model(settings: Settings) -> ServedModel:
    """Load and check the model; raises :class:`ModelFolderError` saying what is wrong."""
    from rendement.model.folder import load_model

    path = model_path(settings)
    return serve_model(load_model(path), path)
