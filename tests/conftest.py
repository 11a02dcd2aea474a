"""Test-wide settings: the hypothesis profiles.

``CI=true`` (set by ``.ci/run``) selects the ``ci`` profile: derandomised (the
same examples on every run, so a red build is reproducible and never flaky),
no example database, no deadline on a shared machine. ``HYPOTHESIS_PROFILE``
chooses a profile explicitly (``dev`` is the default: random examples, which
find new cases).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)

_ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _ci else "dev"))
