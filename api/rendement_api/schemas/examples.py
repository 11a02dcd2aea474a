"""Examples for the OpenAPI documentation (taken from a run on a declared test model;
the interval bounds are illustrative)."""

from __future__ import annotations

from typing import Any

ADVICE_RESPONSE: dict[str, Any] = {
    "advice_id": "6e03512300f34dd38096b71c51e02439",
    "created_at": "2026-11-23T20:37:23.765720Z",
    "as_of": "2026-01-15",
    "client_id": "K-000123",
    "model": {
        "meter": "reintegratie",
        "version": "2026-01",
        "kind": "estimated",
        "kind_text": "geschat op de eigen gegevens van de gemeente",
    },
    "months_on_benefit": 14,
    "p_outflow_6m": 0.0534,
    "p_outflow_18m": 0.1134,
    "expected_remaining_months": 51.42,
    "horizon_months": 60,
    "outflow_group": 3,
    "outflow_group_text": "Groep 3: stroomt naar verwachting niet binnen 18 maanden uit",
    "current_instrument": None,
    "instruments": [
        {
            "instrument": "jobhunt",
            "label": "Sollicitatietraining",
            "category": "1",
            "waiting_months": 1,
            "duration_months": 3,
            "expected_remaining_months_with": 47.9,
            "months_saved": 3.51,
            "expected_cost_eur": 1500.0,
            "net_return_eur": 3308.86,
            "net_return_low_eur": 1150.0,
            "net_return_high_eur": 5420.0,
        },
        {
            "instrument": "taal",
            "label": "Taaltraject",
            "category": "3",
            "waiting_months": 2,
            "duration_months": 9,
            "expected_remaining_months_with": 51.76,
            "months_saved": -0.35,
            "expected_cost_eur": 2178.78,
            "net_return_eur": -2652.49,
            "net_return_low_eur": -3480.0,
            "net_return_high_eur": -1710.0,
        },
    ],
    "best_instrument": "jobhunt",
    "best_net_return_eur": 3308.86,
    "recommendation": "Advies: Sollicitatietraining. Verwacht netto rendement € 3.309 (interval € 1.150 tot € 5.420); de klant is naar verwachting 3,5 maanden korter in de uitkering.",
    "place": {
        "status": "within",
        "within": True,
        "instrument": "jobhunt",
        "net_return_eur": 3308.86,
        "threshold_eur": 1850.0,
        "dual_eur": 1712.4,
        "places_left": 0,
        "plan_as_of": "2026-01-01",
        "plan_model_version": "2026-01",
        "text": "rendement € 3.309; in het plan van januari 2026 krijgt Sollicitatietraining "
        "wie minstens € 1.850 oplevert: dit advies valt erbinnen.",
    },
    "reasons": [
        {
            "term": "age_band[55+]",
            "label": "Leeftijd 55+ bij instroom",
            "text": "Leeftijd 55+ bij instroom: veel kleinere kans op uitstroom (per maand 50% kleiner dan bij de referentieklant)",
            "direction": "kleiner",
            "log_hazard_ratio": -0.6931471805599453,
            "hazard_ratio": 0.5,
        },
        {
            "term": "education[laag]",
            "label": "Opleiding laag",
            "text": "Opleiding laag: kleinere kans op uitstroom (per maand 25% kleiner dan bij de referentieklant)",
            "direction": "kleiner",
            "log_hazard_ratio": -0.2876820724517809,
            "hazard_ratio": 0.75,
        },
    ],
    "duration_reason": {
        "term": "duration",
        "label": "Duur in de uitkering",
        "text": "Duur: na 14 maanden in de uitkering is de kans op uitstroom per maand kleiner dan in de eerste maand (3,0% tegen 8,0% voor de referentieklant)",
        "direction": "kleiner",
        "log_hazard_ratio": -0.9808292530117251,
        "hazard_ratio": 0.37500000000000044,
    },
    "interval": 0.9,
    "notice": "Dit is een advies, geen besluit. De klantmanager beslist; wie afwijkt, legt de reden vast.",
    "survival": None,
}

DECISION_RESPONSE: dict[str, Any] = {
    "advice_id": "6e03512300f34dd38096b71c51e02439",
    "decision": "afgeweken",
    "advised_instrument": "jobhunt",
    "chosen_instrument": "taal",
    "reason": "Klant kan pas beginnen als de kinderopvang geregeld is.",
    "recorded_at": "2026-11-23T20:37:23.786967Z",
    "user_id": "km01",
}

SUMMARY_RESPONSE: dict[str, Any] = {
    "from": "2026-01-01",
    "to": "2026-12-31",
    "team": None,
    "advices": 1,
    "totals": {"decisions": 1, "followed": 0, "deviated": 1, "deviation_rate": 1.0},
    "caseworkers": [
        {
            "decisions": 1,
            "followed": 0,
            "deviated": 1,
            "deviation_rate": 1.0,
            "user_id": "km01",
            "team": "noord",
            "advices": 1,
            "top_reasons": [
                {"reason": "Klant kan pas beginnen als de kinderopvang geregeld is.", "count": 1}
            ],
        }
    ],
    "teams": [
        {
            "decisions": 1,
            "followed": 0,
            "deviated": 1,
            "deviation_rate": 1.0,
            "team": "noord",
            "advices": 1,
        }
    ],
    "instruments": [
        {
            "decisions": 1,
            "followed": 0,
            "deviated": 1,
            "deviation_rate": 1.0,
            "instrument": "jobhunt",
            "chosen_instead": [{"instrument": "taal", "count": 1}],
        }
    ],
    "reasons": [{"reason": "Klant kan pas beginnen als de kinderopvang geregeld is.", "count": 1}],
}
