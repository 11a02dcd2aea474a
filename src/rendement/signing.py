"""Signed model folders: an HMAC-SHA256 over the manifest, with a key kept outside the folder.

The manifest holds a SHA-256 checksum of every file, so anyone who edits
``parameters.csv`` can also recompute the checksums. A signature made with a
secret key that is *not* in the folder cannot be recomputed that way.

Configuration (environment of ``rendement`` and of the service):

* ``RENDEMENT_SIGNING_KEY_FILE`` -- a file holding the secret (at least 32
  characters, e.g. ``openssl rand -hex 32``), readable only by those who may
  sign and serve; or ``RENDEMENT_SIGNING_KEY`` -- the secret itself;
* ``RENDEMENT_SIGNER`` -- who signs with that key (a name such as
  ``team-analyse``); stored in the manifest and shown with every advice.

With a key configured, ``rendement fit`` signs the folder it writes and
``rendement models activate`` signs an unsigned folder it activates; ``score``,
``plan``, ``lists``, ``report`` and ``serve`` refuse a folder that is unsigned
or whose signature does not match (:func:`check_signature`). Without a key
nothing is signed or checked (as before).

The signature block in ``manifest.json``::

    "signature": {"algorithm": "HMAC-SHA256", "signer": "team-analyse",
                  "key_id": "<first 16 hex of SHA-256 of the key>",
                  "signed_at": "2026-01-05T10:00:00+00:00", "value": "<hex>"}

``value`` is the HMAC of the manifest without its ``signature`` and
``manifest_checksum`` entries, as JSON with sorted keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rendement.errors import ModelFolderError, RendementError

ALGORITHM = "HMAC-SHA256"
KEY_ENV = "RENDEMENT_SIGNING_KEY"
KEY_FILE_ENV = "RENDEMENT_SIGNING_KEY_FILE"
SIGNER_ENV = "RENDEMENT_SIGNER"
MIN_KEY_LENGTH = 32


class SigningKeyError(RendementError):
    """The signing key or signer is configured but cannot be used."""

    code = "invalid_signing_key"


@dataclass(frozen=True)
class SigningKey:
    """The secret and the name of who signs with it."""

    secret: bytes
    signer: str

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.secret).hexdigest()[:16]


def configured_key(environ: dict[str, str] | None = None) -> SigningKey | None:
    """The signing key from the environment, or ``None`` when none is configured."""
    env = os.environ if environ is None else environ
    secret = env.get(KEY_ENV, "")
    path = env.get(KEY_FILE_ENV, "")
    if path:
        try:
            secret = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SigningKeyError(
                f"the signing key file {path} ({KEY_FILE_ENV}) cannot be read: {exc.strerror} "
                f"(de sleutel om modellen te ondertekenen is niet leesbaar)"
            ) from exc
    secret = secret.strip()
    if not secret:
        return None
    if len(secret) < MIN_KEY_LENGTH:
        raise SigningKeyError(
            f"the signing key is too short: use at least {MIN_KEY_LENGTH} characters, e.g. "
            "`openssl rand -hex 32` (de ondertekensleutel is te kort)"
        )
    signer = env.get(SIGNER_ENV, "").strip()
    if not signer:
        raise SigningKeyError(
            f"a signing key is configured but no signer: set {SIGNER_ENV} to who signs with it, "
            "e.g. team-analyse (zet in RENDEMENT_SIGNER wie met deze sleutel ondertekent)"
        )
    return SigningKey(secret.encode("utf-8"), signer)


def _signed_body(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k not in ("signature", "manifest_checksum")}
    return json.dumps(body, sort_keys=True, default=str).encode("utf-8")


def signature_block(manifest: dict[str, Any], key: SigningKey) -> dict[str, str]:
    """The ``signature`` entry for ``manifest`` made with ``key``."""
    value = hmac.new(key.secret, _signed_body(manifest), hashlib.sha256).hexdigest()
    return {
        "algorithm": ALGORITHM,
        "signer": key.signer,
        "key_id": key.key_id,
        "signed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "value": value,
    }


def signature_matches(manifest: dict[str, Any], key: SigningKey) -> bool:
    """The manifest carries a signature made with ``key`` over its present content."""
    block = manifest.get("signature")
    if not isinstance(block, dict) or block.get("algorithm") != ALGORITHM:
        return False
    expected = hmac.new(key.secret, _signed_body(manifest), hashlib.sha256).hexdigest()
    return hmac.compare_digest(str(block.get("value", "")), expected)


def check_signature(folder: Path, manifest: dict[str, Any], key: SigningKey) -> str:
    """The signer of a correctly signed manifest; raises :class:`ModelFolderError` otherwise."""
    block = manifest.get("signature")
    if not isinstance(block, dict):
        raise ModelFolderError(
            f"{folder}: the model folder is not signed, and a signing key is configured "
            f"({KEY_FILE_ENV}/{KEY_ENV}): only signed models are used. Activate it to sign it "
            "(`rendement models activate METER VERSION`) or re-fit it. "
            "(Het model is niet ondertekend; alleen ondertekende modellen worden gebruikt.)"
        )
    if not signature_matches(manifest, key):
        raise ModelFolderError(
            f"{folder}: the signature of the model folder does not match (signed by "
            f"{block.get('signer', '?')!r} with key {block.get('key_id', '?')}, the configured "
            f"key is {key.key_id}): the folder was altered after signing, or signed with another "
            "key. Re-fit the model, or restore it. "
            "(De handtekening van het model klopt niet: het model is na ondertekening gewijzigd "
            "of met een andere sleutel ondertekend.)"
        )
    return str(block.get("signer", ""))
