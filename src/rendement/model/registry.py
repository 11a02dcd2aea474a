"""The model registry: versions per meter, one of them active.

Layout (default root ``models/``, or ``$RENDEMENT_MODELS``)::

    models/
      active.json                  {"reintegratie": "2026-01", "handhaving": "2025-01"}
      reintegratie/2025-01/        a model folder (see rendement.model.folder)
      reintegratie/2026-01/
      handhaving/2025-01/

``rendement score`` and the service use the active version of a meter unless
they are given a model folder explicitly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rendement.contract.schema import METERS
from rendement.errors import ModelFolderError, RendementError
from rendement.model.folder import load_model, read_manifest, save_model
from rendement.model.hazard_model import HazardModel
from rendement.output import atomic_write
from rendement.signing_folder import sign_on_activation

ACTIVE = "active.json"
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class RegistryError(RendementError):
    code = "registry_error"


def default_root() -> Path:
    return Path(os.environ.get("RENDEMENT_MODELS", "models"))


@dataclass(frozen=True)
class Registry:
    """Model versions per meter under ``root``."""

    root: Path

    @classmethod
    def at(cls, root: Path | str | None = None) -> Registry:
        return cls(Path(root) if root is not None else default_root())

    # ---- reading -------------------------------------------------------------
    def path(self, meter: str, version: str) -> Path:
        _check_meter(meter)
        if not _VERSION.match(version):
            raise RegistryError(
                f"invalid version name {version!r}: use letters, digits, '.', '_' or '-'"
            )
        return self.root / meter / version

    def versions(self, meter: str) -> list[str]:
        folder = self.root / meter
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / "manifest.json").exists())

    def active_versions(self) -> dict[str, str]:
        f = self.root / ACTIVE
        if not f.exists():
            return {}
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{f} is not valid JSON: {exc}") from exc
        return {str(k): str(v) for k, v in doc.items()}

    def active(self, meter: str) -> str | None:
        return self.active_versions().get(meter)

    def active_path(self, meter: str) -> Path:
        version = self.active(meter)
        if version is None:
            raise RegistryError(
                f"no active {meter} model in {self.root}; fit one with "
                f"`rendement fit DATA_DIR --registry {self.root}` and activate it with "
                f"`rendement models activate {meter} VERSION`"
            )
        return self.path(meter, version)

    def load_active(self, meter: str) -> HazardModel:
        return load_model(self.active_path(meter))

    def listing(self) -> pd.DataFrame:
        """One row per registered model: meter, version, kind, created, events, active."""
        rows = []
        active = self.active_versions()
        for meter in METERS:
            for v in self.versions(meter):
                try:
                    mf = read_manifest(self.path(meter, v))
                except ModelFolderError as exc:
                    rows.append(
                        {"meter": meter, "version": v, "kind": "?", "created": "", "note": str(exc)}
                    )
                    continue
                metrics = (mf.get("metadata") or {}).get("metrics") or {}
                window = (mf.get("metadata") or {}).get("training_window") or {}
                rows.append(
                    {
                        "meter": meter,
                        "version": v,
                        "kind": mf.get("kind", ""),
                        "created": mf.get("created", ""),
                        "trained_until": window.get("until", ""),
                        "spells": metrics.get("spells", ""),
                        "events": metrics.get("events", ""),
                        "heterogeneity": (mf.get("metadata") or {}).get("heterogeneity", "none"),
                        "active": "*" if active.get(meter) == v else "",
                    }
                )
        return pd.DataFrame(
            rows,
            columns=[
                "meter",
                "version",
                "kind",
                "created",
                "trained_until",
                "spells",
                "events",
                "heterogeneity",
                "active",
            ],
        )

    # ---- writing -------------------------------------------------------------
    def register(
        self, model: HazardModel, version: str | None = None, *, overwrite: bool = False
    ) -> Path:
        v = version or model.metadata.version or ""
        target = self.path(model.spec.meter, v)
        if target.exists() and not overwrite:
            raise RegistryError(
                f"{model.spec.meter} version {v} already exists in {self.root}; choose another --version"
            )
        if target.exists():
            import shutil

            shutil.rmtree(target)  # overwrite: no stale files of the old version stay behind
        from dataclasses import replace

        save_model(replace(model, metadata=model.metadata.merged({"version": v})), target)
        return target

    def activate(self, meter: str, version: str) -> str | None:
        """Make ``version`` the active one; returns the signer when it was signed just now."""
        target = self.path(meter, version)
        # refuses a missing or altered model before it becomes active; signs an unsigned one
        load_model(target, verify_signature=False)
        signed_now = sign_on_activation(target)
        active = self.active_versions()
        active[meter] = version
        self.root.mkdir(parents=True, exist_ok=True)
        text = json.dumps(active, indent=2, sort_keys=True) + "\n"

        def write(p: Path) -> None:
            p.write_text(text)

        atomic_write(self.root / ACTIVE, write)
        return signed_now

    def resolve(self, model_arg: str | Path | None, meter: str = "reintegratie") -> Path:
        """A model folder from ``--model``: a folder path, ``METER/VERSION`` in the registry, or the active one."""
        if model_arg is None or str(model_arg) in ("", "active"):
            return self.active_path(meter)
        p = Path(model_arg)
        if p.is_dir():
            return p
        parts = str(model_arg).split("/")
        if len(parts) == 2 and parts[0] in METERS and (self.root / parts[0] / parts[1]).is_dir():
            return self.path(parts[0], parts[1])
        raise ModelFolderError(
            f"model {model_arg!r} is neither a model folder nor METER/VERSION in {self.root}"
        )


def _check_meter(meter: str) -> None:
    if meter not in METERS:
        raise RegistryError(f"unknown meter {meter!r}; choose one of {', '.join(METERS)}")


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """``--model`` (folder or METER/VERSION; default: the active version), ``--meter``, ``--registry``."""
    parser.add_argument(
        "--model",
        default=None,
        help="model folder (from `rendement fit`) or METER/VERSION in the registry; "
        "default: the active version of --meter",
    )
    parser.add_argument(
        "--meter",
        default="reintegratie",
        choices=METERS,
        help="meter whose active model is used when --model is not given",
    )
    parser.add_argument(
        "--registry", default=None, help="registry folder (default: models/ or $RENDEMENT_MODELS)"
    )


def load_model_argument(args: argparse.Namespace) -> HazardModel:
    """The model a command was pointed at (see :func:`add_model_arguments`)."""
    reg = Registry.at(getattr(args, "registry", None))
    return load_model(reg.resolve(args.model, getattr(args, "meter", "reintegratie")))
