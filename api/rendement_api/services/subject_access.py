"""What the advice log holds about one client, for a subject access request (AVG art. 15).

``rendement log export --client ID`` writes it: every advice about the client
(single advices and rows of batch scores) with the outputs decrypted, who asked,
with which model, and the caseworker's decision. The input values themselves are
not in the log (only a keyed hash), and the export says so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rendement_api.db.advice_log import AdviceLog

INPUT_NOTE = (
    "De invoer (geboortedatum, uitkering, opleiding, ...) is niet bewaard; het logboek "
    "bewaart alleen een sleutel-hash (HMAC-SHA256) ervan, waaruit de invoer niet terug te "
    "rekenen is."
)

ROLE_TEXT = {"caseworker": "klantmanager", "manager": "manager", "analyst": "analist"}


def client_export(
    log: AdviceLog, client_id: str, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything the log holds about ``client_id``, as one JSON-ready document."""
    advices = []
    for rec in log.advices_of_client(client_id):
        dec = log.decision_for(rec.advice_id)
        advices.append(
            {
                "advice_id": rec.advice_id,
                "created_at": rec.created_at.isoformat(),
                "kind": rec.kind,
                "batch_id": rec.batch_id,
                "user_id": rec.user_id,
                "role": rec.role,
                "team": rec.team,
                "meter": rec.meter,
                "model_version": rec.model_version,
                "model_kind": rec.model_kind,
                "best_instrument": rec.best_instrument,
                "input_sha256": rec.input_sha256,
                "outputs": rec.outputs,
                "decision": None
                if dec is None
                else {
                    "created_at": dec.created_at.isoformat(),
                    "user_id": dec.user_id,
                    "team": dec.team,
                    "decision": dec.decision,
                    "advised_instrument": dec.advised_instrument,
                    "chosen_instrument": dec.chosen_instrument,
                    "reason": dec.reason,
                },
            }
        )
    return {
        "client_id": client_id,
        "exported_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "legal_basis": "AVG artikel 15 (recht op inzage)",
        "input_note": INPUT_NOTE,
        "advices": advices,
    }


def _when(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    return moment.astimezone(dt.UTC).strftime("%d-%m-%Y %H:%M UTC")


def _pct(x: Any) -> str:
    return "onbekend" if x is None else f"{100 * float(x):.0f}%".replace(".", ",")


def _eur(x: Any) -> str:
    if x is None:
        return "onbekend"
    return "€ " + f"{float(x):,.0f}".replace(",", ".")


def export_text(doc: dict[str, Any]) -> str:
    """The export as plain Dutch text: a summary per advice, then everything stored (JSON)."""
    adv = doc["advices"]
    decided = sum(1 for a in adv if a["decision"] is not None)
    lines = [
        f"Inzage in het adviezenlogboek (AVG art. 15): klant {doc['client_id']}",
        f"Opgesteld op {_when(doc['exported_at'])}.",
        f"Het logboek bevat {len(adv)} {'advies' if len(adv) == 1 else 'adviezen'} over deze klant "
        f"en {decided} besluit{'' if decided == 1 else 'en'} van een klantmanager.",
        doc["input_note"],
        "",
    ]
    for k, a in enumerate(adv, start=1):
        out = a["outputs"]
        role = ROLE_TEXT.get(a["role"], a["role"])
        who = f"{a['user_id']} ({role}{', team ' + a['team'] if a['team'] else ''})"
        lines += [
            f"Advies {k} van {len(adv)} (nummer {a['advice_id']})",
            f"  Gegeven op: {_when(a['created_at'])}"
            + (" als deel van een lijst (batch)" if a["kind"] == "batch" else ""),
            f"  Gevraagd door: {who}",
            f"  Model: {a['meter']} {a['model_version']} ({a['model_kind']})",
            f"  Maanden in de uitkering: {out.get('months_on_benefit', 'onbekend')}",
            f"  Kans op uitstroom binnen 6 / 18 maanden: {_pct(out.get('p_outflow_6m'))} / "
            f"{_pct(out.get('p_outflow_18m'))}",
            f"  Uitstroomgroep: {out.get('outflow_group', 'onbekend')}",
            f"  Geadviseerd instrument: {a['best_instrument'] or 'geen'} (verwacht netto "
            f"rendement {_eur(out.get('best_net_return_eur'))})",
        ]
        for r in out.get("reasons", []):
            lines.append(f"  Reden: {r.get('text', r.get('label', ''))}")
        d = a["decision"]
        if d is None:
            lines.append("  Besluit: niet vastgelegd")
        else:
            lines.append(
                f"  Besluit: {d['decision']} op {_when(d['created_at'])} door {d['user_id']}; "
                f"gekozen: {d['chosen_instrument']}"
                + (f"; reden: {d['reason']}" if d["reason"] else "")
            )
        lines.append("")
    lines += [
        "Alles wat over deze klant is bewaard (JSON):",
        json.dumps(doc, ensure_ascii=False, indent=2),
        "",
    ]
    return "\n".join(lines)
