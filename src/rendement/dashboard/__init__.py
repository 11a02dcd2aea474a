"""The monthly steering report (*maandrapportage*, seed 001 sections 2.1-2.5 and appendix 2).

::

    from rendement.dashboard import build_report, write_report
    report = build_report(data, model, "2026-07-01", budget={2026: 9_000_000}, by="district")
    write_report(report, "out/")   # maandrapportage-2026-07.html and .xlsx

Modules, one idea each: :mod:`.months` (calendar months, payments),
:mod:`.indicators` (monthly caseload and flows), :mod:`.cbs` (CBS indicators),
:mod:`.targets` (targets and traffic lights), :mod:`.inputs` (targets, budget
and reference files), :mod:`.paths` (survival paths from the scoring engine),
:mod:`.inflow_model` (SARIMAX of monthly inflow), :mod:`.forecast` (expenditure
to the end of the year), :mod:`.backtest` (the forecast against what happened),
:mod:`.reference` (reference municipalities, reductiepotentieel),
:mod:`.build` (the report object), :mod:`.html`, :mod:`.plots`,
:mod:`.workbook` and :mod:`.write` (the two files, all or nothing).
"""

from rendement.dashboard.build import ReportPart, SteeringReport, build_report
from rendement.dashboard.forecast import ExpenditureForecast, forecast_expenditure
from rendement.dashboard.write import latest_report, report_names, write_report

__all__ = [
    "ExpenditureForecast",
    "ReportPart",
    "SteeringReport",
    "build_report",
    "forecast_expenditure",
    "latest_report",
    "report_names",
    "write_report",
]
