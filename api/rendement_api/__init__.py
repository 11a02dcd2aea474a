"""The rendement scoring service: FastAPI app and caseworker page (see create_app)."""
