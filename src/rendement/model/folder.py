"""A model as a self-describing folder: readable data, safe to load, checked on load.

Layout of a model folder (no pickles; every file can be opened in a text editor
or a spreadsheet)::

    manifest.json          meter, kind (estimated/expert/borrowed), version, specification,
                           horizon, training window, data fingerprint, library versions,
                           metrics, heterogeneity, and a SHA-256 checksum of every file
    parameters.csv         term, estimate, std_error (log hazard-ratio scale)
    covariance.csv         the (clustered) covariance matrix, terms as row and column labels
    instruments.csv        the instrument catalogue the model was built with
    entry_parameters.csv   instrument-entry hazard (timing-of-events models only)
    model_card.md          the model card for the Algoritmeregister (rendement.model.card)

With a signing key configured, ``manifest.json`` also holds a ``signature``
(HMAC-SHA256 with a key kept outside the folder, and who signed;
:mod:`rendement.signing`), and unsigned or wrongly signed folders are refused.

:func:`load_model` refuses a folder whose files do not match the checksums in
the manifest (an altered model), whose format version is unknown, or whose
parameters do not fit its specification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rendement import __version__
from rendement.contract.schema import INSTRUMENTS
from rendement.errors import ModelFolderError
from rendement.model.hazard_model import HazardModel, Heterogeneity
from rendement.model.metadata import ModelMetadata
from rendement.model.spec import ModelSpec, SpecificationError
from rendement.output import atomic_folder_files
from rendement.signing import check_signature, configured_key, signature_block

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_CATALOGUE_COLUMNS = tuple(c.name for c in INSTRUMENTS.columns)  # the contract's order


def library_versions() -> dict[str, str]:
    import scipy
    import statsmodels

    return {
        "rendement": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest_digest(manifest: dict[str, Any]) -> str:
    # the signature is added after the checksum (by fit, or later by `models activate`)
    body = {k: v for k, v in manifest.items() if k not in ("manifest_checksum", "signature")}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def model_version(model: HazardModel) -> str:
    meta = model.metadata
    return meta.version or (meta.created or "")[:7] or "onbekend"


def save_model(
    model: HazardModel, path: Path | str, *, extra_files: Mapping[str, str] | None = None
) -> Path:
    """Write ``model`` as a model folder at ``path`` (whole or not at all).

    ``extra_files`` (name -> text) are written and checksummed too; without a
    ``model_card.md`` among them the card is rendered from the model.
    """
    out = Path(path)
    meta = model.metadata.to_dict()
    meta.setdefault("created", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
    meta.setdefault("version", meta["created"][:7])
    with atomic_folder_files(out) as stage:
        files: dict[str, str] = {}
        se = (
            np.sqrt(
                np.diag(
                    model.cov.reindex(
                        index=model.params.index, columns=model.params.index
                    ).to_numpy()
                )
            )
            if model.cov is not None
            else np.full(len(model.params), np.nan)
        )
        params = pd.DataFrame(
            {"term": model.params.index, "estimate": model.params.to_numpy(), "std_error": se}
        )
        params.to_csv(stage / "parameters.csv", index=False, float_format="%.17g")
        files["parameters.csv"] = ""
        if model.cov is not None:
            model.cov.to_csv(stage / "covariance.csv", index_label="term", float_format="%.17g")
            files["covariance.csv"] = ""
        cat = model.instruments.copy()
        cat = cat[[c for c in _CATALOGUE_COLUMNS if c in cat.columns]]
        cat.to_csv(stage / "instruments.csv", index=False)
        files["instruments.csv"] = ""
        if model.entry_params is not None:
            pd.DataFrame(
                {"term": model.entry_params.index, "estimate": model.entry_params.to_numpy()}
            ).to_csv(stage / "entry_parameters.csv", index=False, float_format="%.17g")
            files["entry_parameters.csv"] = ""
        extra = {**_reinflow_files(model), **dict(extra_files or {})}
        if "spec.yaml" not in extra:  # the specification as the analyst writes it (spec init)
            from rendement.specfile import spec_yaml

            het = "npmle" if model.heterogeneity is not None else "none"
            extra["spec.yaml"] = spec_yaml(model.spec, het)
        if "model_card.md" not in extra:  # every model folder carries its model card
            from rendement.model.card import render_model_card

            extra["model_card.md"] = render_model_card(replace(model, metadata=ModelMetadata(meta)))
        for extra_name, text in extra.items():
            (stage / extra_name).write_text(text, encoding="utf-8")
            files[extra_name] = ""
        for name in files:
            files[name] = _sha256(stage / name)
        manifest: dict[str, Any] = {
            "format": "rendement-model",
            "format_version": FORMAT_VERSION,
            "meter": model.spec.meter,
            "kind": model.kind,
            "version": meta.get("version"),
            "created": meta.get("created"),
            "specification": model.spec.to_dict(),
            "horizon": model.spec.horizon,
            "heterogeneity": model.heterogeneity.to_dict() if model.heterogeneity else None,
            "libraries": library_versions(),
            "metadata": meta,
            "files": files,
        }
        manifest["manifest_checksum"] = _manifest_digest(manifest)
        key = configured_key()
        if key is not None:  # signed with the key kept outside the folder (rendement.signing)
            manifest["signature"] = signature_block(manifest, key)
        (stage / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n"
        )
    return out


def _reinflow_files(model: HazardModel) -> dict[str, str]:
    """The re-inflow model's readable tables (:mod:`rendement.reinflow.store`), if any."""
    if model.reinflow is None:
        return {}
    from rendement.reinflow.store import reinflow_files

    return reinflow_files(model.reinflow)


def read_manifest(path: Path | str) -> dict[str, Any]:
    folder = Path(path)
    mf = folder / MANIFEST
    if not folder.is_dir():
        raise ModelFolderError(
            f"model folder {folder} does not exist; fit one with `rendement fit DATA_DIR --out {folder}`"
        )
    if not mf.exists():
        raise ModelFolderError(f"{folder} is not a model folder: {MANIFEST} is missing")
    try:
        manifest: dict[str, Any] = json.loads(mf.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFolderError(
            f"{mf} is not readable JSON ({exc}); the model folder was altered or damaged"
        ) from exc
    return manifest


def load_model(path: Path | str, *, verify_signature: bool = True) -> HazardModel:
    """Load and check a model folder; raises :class:`ModelFolderError` saying what is wrong.

    With a signing key configured (:mod:`rendement.signing`) an unsigned or wrongly
    signed folder is refused too (``verify_signature=False``: only while activating).

    Long: every file of the folder is read and checked in turn, with the error that names it.
    """
    folder = Path(path)
    manifest = read_manifest(folder)
    if (
        manifest.get("format") != "rendement-model"
        or manifest.get("format_version") != FORMAT_VERSION
    ):
        raise ModelFolderError(
            f"{folder}: incompatible model format {manifest.get('format')!r} version "
            f"{manifest.get('format_version')!r}; this rendement reads format version {FORMAT_VERSION}. "
            "Re-fit the model with this version of rendement."
        )
    if manifest.get("manifest_checksum") != _manifest_digest(manifest):
        raise ModelFolderError(
            f"{folder}: {MANIFEST} was altered (its checksum does not match); re-fit or restore the model"
        )
    for name, digest in manifest.get("files", {}).items():
        f = folder / name
        if not f.exists():
            raise ModelFolderError(f"{folder}: {name} is missing from the model folder")
        if _sha256(f) != digest:
            raise ModelFolderError(
                f"{folder}: {name} was altered (checksum mismatch); a model may not be edited by hand. "
                "Re-fit it, or declare parameters with `rendement fit --from-spec`."
            )
    key = configured_key() if verify_signature else None
    signed_by = check_signature(folder, manifest, key) if key is not None else None
    try:
        spec = ModelSpec.from_dict(manifest["specification"])
    except (SpecificationError, TypeError, KeyError) as exc:
        raise ModelFolderError(
            f"{folder}: the specification in {MANIFEST} is invalid: {exc}"
        ) from exc
    params_df = pd.read_csv(folder / "parameters.csv", float_precision="round_trip")
    params = pd.Series(
        params_df["estimate"].to_numpy(dtype=float),
        index=params_df["term"].astype(str),
        name="estimate",
    )
    unknown = sorted(set(params.index) - set(spec.terms()))
    if unknown:
        raise ModelFolderError(
            f"{folder}: parameters.csv has terms the specification does not know: {unknown[:10]}"
        )
    cov = None
    if (folder / "covariance.csv").exists():
        cov = pd.read_csv(folder / "covariance.csv", index_col="term", float_precision="round_trip")
        cov.index = cov.index.astype(str)
        cov.columns = cov.columns.astype(str)
    instruments = pd.read_csv(
        folder / "instruments.csv", dtype={"category": "string", "instrument": "string"}
    )
    instruments["category"] = (
        instruments["category"].astype(object).where(instruments["category"].notna(), None)
    )
    if "success_share" in instruments:
        instruments["success_share"] = instruments["success_share"].fillna(0.0)
    entry = None
    if (folder / "entry_parameters.csv").exists():
        e = pd.read_csv(folder / "entry_parameters.csv", float_precision="round_trip")
        entry = pd.Series(
            e["estimate"].to_numpy(dtype=float), index=e["term"].astype(str), name="estimate"
        )
    het = (
        Heterogeneity.from_dict(manifest["heterogeneity"])
        if manifest.get("heterogeneity")
        else None
    )
    meta = ModelMetadata(manifest.get("metadata") or {}).merged(
        {
            "version": manifest.get("version") or folder.name,
            "path": str(folder),
            "signed_by": signed_by,  # verified signer; None when no signing key is configured
        }
    )
    from rendement.reinflow.store import read_reinflow

    return HazardModel(
        spec=spec,
        params=params,
        cov=cov,
        instruments=instruments,
        kind=manifest.get("kind", "estimated"),
        heterogeneity=het,
        entry_params=entry,
        metadata=meta,
        reinflow=read_reinflow(folder, spec),  # None in a folder without one
    )
