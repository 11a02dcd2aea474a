"""rendement: a rendementmeter for Dutch municipal social services.

Estimates per client how long they will still be on benefit (bijstand) without
and with each instrument, turns that into a net return in euros, ranks the
caseload into outflow groups and plans where scarce trajectories return most.
"""

__version__ = "0.1.0"
