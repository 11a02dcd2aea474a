"""Signing a model folder that is already written: ``rendement models activate``.

A folder fitted without a key (or before keys were configured) is signed when
it is activated: activation is the moment a person vouches for a model. A
folder whose signature does not match is refused, never re-signed: it was
altered after signing (or signed with another key).
"""

from __future__ import annotations

import json
from pathlib import Path

from rendement.model.folder import MANIFEST, read_manifest
from rendement.output import atomic_write
from rendement.signing import check_signature, configured_key, signature_block


def sign_on_activation(folder: Path) -> str | None:
    """Sign ``folder`` with the configured key when it is unsigned; returns the signer then.

    ``None`` when no key is configured or the folder is already correctly signed;
    raises :class:`~rendement.errors.ModelFolderError` for a signature that does not match.
    """
    key = configured_key()
    if key is None:
        return None
    manifest = read_manifest(folder)
    if "signature" in manifest:
        check_signature(folder, manifest, key)
        return None
    manifest["signature"] = signature_block(manifest, key)
    text = json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n"

    def write(p: Path) -> None:
        p.write_text(text)

    atomic_write(folder / MANIFEST, write)
    return key.signer
