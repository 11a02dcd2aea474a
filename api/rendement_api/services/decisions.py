"""Decisions on advices (*gevolgd* / *afgeweken*) and the managers' summary of deviations."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from rendement_api.db.advice_log import AdviceLog, DecisionRecord
from rendement_api.db.keys import Principal
from rendement_api.errors import (
    FieldError,
    ForbiddenRoleError,
    InconsistentDecisionError,
    InvalidInputError,
    ReasonRequiredError,
    UnknownInstrumentError,
)
from rendement_api.privacy import text_contains_bsn
from rendement_api.schemas.decisions import DecisionRequest
from rendement_api.services.advice import AdviceService

TIMEZONE = ZoneInfo("Europe/Amsterdam")
MIN_REASON_CHARS = 5
TOP_REASONS = 10


def normalise_reason(text: str) -> str:
    return " ".join(text.split())


def record_decision(
    service: AdviceService,
    advice_id: str,
    request: DecisionRequest,
    who: Principal,
    *,
    now: dt.datetime | None = None,
) -> DecisionRecord:
    """Check a decision against its advice and append it to the log.

    Long: every check of a decision against its advice before the one append, so that nothing is written when one fails.
    """
    rec = service.stored(advice_id, who)
    advised = rec.best_instrument or "geen"
    options = ["geen"] + [i["instrument"] for i in rec.outputs.get("instruments", [])]
    chosen = request.chosen_instrument
    reason = normalise_reason(request.reason) if request.reason else None
    if request.decision == "gevolgd":
        if chosen is None:
            chosen = advised
        if chosen != advised:
            raise InconsistentDecisionError(
                f"the advice was {advised!r}; choosing {chosen!r} is a deviation: "
                "record it as 'afgeweken' with the reason",
                [FieldError("chosen_instrument", "differs from the advice", f"{advised} or empty")],
            )
    else:
        if chosen is None:
            raise InvalidInputError(
                "say which instrument was chosen instead ('geen' for none)",
                [
                    FieldError(
                        "chosen_instrument",
                        "required when deviating",
                        "one of " + ", ".join(options),
                    )
                ],
            )
        if chosen not in options:
            raise UnknownInstrumentError(
                f"unknown instrument {chosen!r} for this advice",
                [
                    FieldError(
                        "chosen_instrument", "unknown instrument", "one of " + ", ".join(options)
                    )
                ],
            )
        if chosen == advised:
            raise InconsistentDecisionError(
                f"{chosen!r} is what was advised: record the decision as 'gevolgd'",
                [
                    FieldError(
                        "chosen_instrument",
                        "equals the advice",
                        "an instrument other than " + advised,
                    )
                ],
            )
        if reason is None or len(reason) < MIN_REASON_CHARS:
            raise ReasonRequiredError(
                "a deviation from the advice needs the reason (at least "
                f"{MIN_REASON_CHARS} characters)",
                [
                    FieldError(
                        "reason",
                        "required when deviating",
                        f"a text of at least {MIN_REASON_CHARS} characters",
                    )
                ],
            )
    if reason is not None and text_contains_bsn(reason):
        raise InvalidInputError(
            "the reason contains a number that looks like a BSN; leave personal numbers out",
            [FieldError("reason", "contains a BSN-like number", "a text without BSN")],
        )
    decision = DecisionRecord(
        advice_id=advice_id,
        created_at=now or dt.datetime.now(dt.UTC),
        user_id=who.user_id,
        role=who.role,
        team=who.team,
        decision=request.decision,
        advised_instrument=advised,
        chosen_instrument=chosen,
        reason=reason,
    )
    service.log.append_decision(decision)
    return decision


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start 00:00, end + 1 day 00:00)`` in Amsterdam time, as UTC moments."""
    lo = dt.datetime.combine(start, dt.time(), TIMEZONE).astimezone(dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), TIMEZONE).astimezone(dt.UTC)
    return lo, hi


def _rates(frame: pd.DataFrame) -> dict[str, Any]:
    n = int(len(frame))
    dev = int((frame["decision"] == "afgeweken").sum()) if n else 0
    return {
        "decisions": n,
        "followed": n - dev,
        "deviated": dev,
        "deviation_rate": round(dev / n, 4) if n else None,
    }


def _top_reasons(frame: pd.DataFrame, top: int = TOP_REASONS) -> list[dict[str, Any]]:
    reasons = frame.loc[frame["decision"] == "afgeweken", "reason"].dropna()
    if reasons.empty:
        return []
    keyed = reasons.map(lambda s: normalise_reason(str(s)).lower().rstrip(".!"))
    counts = keyed.value_counts()
    first: dict[str, str] = {}
    for k, v in zip(keyed, reasons, strict=True):
        first.setdefault(str(k), normalise_reason(str(v)))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"reason": first[str(k)], "count": int(c)} for k, c in ordered]


def decisions_summary(
    log: AdviceLog,
    start: dt.date,
    end: dt.date,
    who: Principal,
    *,
    team: str | None = None,
) -> dict[str, Any]:
    """Deviation rates per caseworker, team and advised instrument; the most frequent reasons.

    A manager whose key has a team sees that team only.

    Long: one query and the three tables built from its rows (caseworker, team, instrument) with the reasons.
    """
    if end < start:
        raise InvalidInputError(
            "the period ends before it starts",
            [FieldError("to", "before 'from'", f"a date on or after {start.isoformat()}")],
        )
    if who.team is not None:
        if team is not None and team != who.team:
            raise ForbiddenRoleError(
                f"this key belongs to team {who.team!r}; it cannot see team {team!r}"
            )
        team = who.team
    lo, hi = period_bounds(start, end)
    dec = log.decisions(lo, hi, team=team)
    adv = log.advice_counts(lo, hi, team=team)
    dec["team_key"] = dec["team"].fillna("")
    adv["team_key"] = adv["team"].fillna("")

    caseworkers = []
    users = sorted(set(dec["user_id"]) | set(adv["user_id"]))
    for user in users:
        d = dec[dec["user_id"] == user]
        a = adv[adv["user_id"] == user]
        teams = sorted(set(d["team_key"]) | set(a["team_key"]))
        for t in teams:
            dd, aa = d[d["team_key"] == t], a[a["team_key"] == t]
            caseworkers.append(
                {
                    "user_id": user,
                    "team": t or None,
                    "advices": int(aa["advices"].sum()),
                    **_rates(dd),
                    "top_reasons": _top_reasons(dd, 3),
                }
            )
    teams_out = []
    for t in sorted(set(dec["team_key"]) | set(adv["team_key"])):
        dd = dec[dec["team_key"] == t]
        teams_out.append(
            {
                "team": t or None,
                "advices": int(adv.loc[adv["team_key"] == t, "advices"].sum()),
                **_rates(dd),
            }
        )
    instruments = []
    for code in sorted(set(dec["advised_instrument"])):
        dd = dec[dec["advised_instrument"] == code]
        chosen = dd.loc[dd["decision"] == "afgeweken", "chosen_instrument"].value_counts()
        instruments.append(
            {
                "instrument": code,
                **_rates(dd),
                "chosen_instead": [
                    {"instrument": str(k), "count": int(v)}
                    for k, v in sorted(chosen.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            }
        )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "advices": int(adv["advices"].sum()),
        "totals": _rates(dec),
        "caseworkers": caseworkers,
        "teams": teams_out,
        "instruments": instruments,
        "reasons": _top_reasons(dec),
    }
