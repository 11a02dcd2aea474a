"""Spells and trajectories as months: the person-month panel and the caseload's state.

* :func:`instrument_episodes` - trajectories in spell months (first, last, planned last month);
* :func:`build_panel` - one record per client-month on benefit (:class:`PersonMonthPanel`),
  with outflow and the instrument states ``in:CODE`` / ``after:CODE``;
* :func:`caseload_state` - the caseload at an as-of date with each client's current state.

Time and state conventions: ``docs/architecture.md`` ("Time", "Instrument states").
"""

from rendement.panel.caseload import caseload_state
from rendement.panel.episodes import instrument_episodes
from rendement.panel.person_months import PersonMonthPanel, build_panel

__all__ = ["PersonMonthPanel", "build_panel", "caseload_state", "instrument_episodes"]
