"""The rendement scoring service: FastAPI app and caseworker page (see :func:`create_app`)."""

from rendement_api.app import create_app
from rendement_api.settings import Settings, get_settings

__all__ = ["Settings", "create_app", "get_settings"]
