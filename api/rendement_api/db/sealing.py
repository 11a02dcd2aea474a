"""Encryption at rest of the advice log's ``outputs`` column (AES-256-GCM, ``cryptography``).

An advice's outputs hold what the caseworker was shown: months on benefit, the
client's terms (``education[hoog]``, ...) and figures from which the benefit can
be recomputed. The input is kept only as a keyed hash; storing these outputs in
clear would undo that. So they are stored as ``aesgcm1:`` + base64(nonce +
ciphertext), with the advice id as associated data (an encrypted output cannot
be moved to another advice unnoticed).

The key is kept outside the database: ``RENDEMENT_LOG_ENCRYPTION_KEY`` (any
secret of at least 16 characters), or, when that is not set, derived from
``RENDEMENT_LOG_HASH_KEY`` with HKDF-SHA256 (one secret to keep). Without
either, outputs are stored in clear and the service warns at startup. Reading
accepts both forms (rows written before encryption are in clear).
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rendement_api.errors import AdviceLogError
from rendement_api.jsonutil import dumps, loads

PREFIX = "aesgcm1:"
_INFO = b"rendement advice log outputs v1"


def _derive(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode("utf-8")
    )


class OutputsCipher:
    """Seals and opens the outputs of advices; ``OutputsCipher(None)`` stores them in clear."""

    def __init__(self, secret: str | None):
        self._aead = AESGCM(_derive(secret)) if secret else None

    @classmethod
    def from_settings(cls, encryption_key: str | None, log_hash_key: str | None) -> OutputsCipher:
        return cls(encryption_key or log_hash_key)

    @property
    def encrypts(self) -> bool:
        return self._aead is not None

    def seal(self, advice_id: str, outputs: dict[str, Any]) -> str:
        data = dumps(outputs)
        if self._aead is None:
            return data.decode("utf-8")
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, data, advice_id.encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, advice_id: str, stored: str) -> dict[str, Any]:
        if not is_sealed(stored):
            out: dict[str, Any] = loads(stored)
            return out
        if self._aead is None:
            raise AdviceLogError(
                f"the outputs of advice {advice_id} are encrypted; set RENDEMENT_LOG_ENCRYPTION_KEY "
                "(or RENDEMENT_LOG_HASH_KEY) to the key the service used"
            )
        raw = base64.b64decode(stored[len(PREFIX) :])
        try:
            data = self._aead.decrypt(raw[:12], raw[12:], advice_id.encode("utf-8"))
        except InvalidTag as exc:
            raise AdviceLogError(
                f"the outputs of advice {advice_id} cannot be decrypted with this key (another "
                "RENDEMENT_LOG_ENCRYPTION_KEY / RENDEMENT_LOG_HASH_KEY, or the row was altered)"
            ) from exc
        opened: dict[str, Any] = loads(data)
        return opened


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)
