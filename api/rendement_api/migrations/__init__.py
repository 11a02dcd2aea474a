"""Alembic migrations of the advice log (run by ``rendement_api.db.migrate``)."""
