"""The caseworker page: log in once, enter a client, read the advice, record the decision.

* ``GET /`` - the form; ``POST /advies`` - check every field at once, score, log, show the advice;
* ``GET /advies/{advice_id}`` - the advice as logged, with the chart and the decision buttons;
* ``POST /advies/{advice_id}/besluit`` - record the decision (reason required when deviating,
  checked here as well as in the browser);
* ``GET/POST /inloggen``, ``POST /uitloggen`` (a manager key lands on ``/overzicht``).

The values a caseworker typed are never stored: they are shown on the advice
right after it was given (the dossier print holds them) and travel with the
decision form in the browser, but the log keeps only their keyed hash. Cookie,
form token and the origin check: :mod:`rendement_api.page.common`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from rendement_api.db.keys import Principal
from rendement_api.errors import (
    AdviceNotFoundError,
    DecisionExistsError,
    NotOwnAdviceError,
    ServiceError,
)
from rendement_api.page.chart import survival_chart_svg
from rendement_api.page.common import (
    HOME,
    SESSION_COOKIE,
    foreign_form,
    form_is_ours,
    logged_in,
    login_redirect,
    message_page,
    sessions,
    templates,
    token_of,
    wrong_role,
)
from rendement_api.page.dutch import code_text, duration_text, service_message
from rendement_api.page.forms import (
    EDUCATION_OPTIONS,
    FIELDS,
    HOUSEHOLD_OPTIONS,
    REQUIRED,
    YES_NO_OPTIONS,
    entered_values,
    parse_form,
    service_errors,
    validate_form,
)
from rendement_api.page.session import client_address, same_origin
from rendement_api.page.time import dutch_date, local_time
from rendement_api.schemas.decisions import DecisionRequest
from rendement_api.services.advice import AdviceService, today
from rendement_api.services.decisions import record_decision

router = APIRouter(include_in_schema=False)

templates.env.filters["local"] = local_time
templates.env.filters["dutch_date"] = dutch_date
templates.env.globals["duration_text"] = duration_text


def _worker(request: Request) -> tuple[Principal | None, Response | None]:
    """The logged-in caseworker, or the response for anyone else (login or 'not for you')."""
    who = logged_in(request)
    if who is None:
        return None, login_redirect()
    if who.role != "caseworker":
        return None, wrong_role(request, who)
    return who, None


def _service(request: Request) -> AdviceService:
    service: AdviceService = request.app.state.advice
    return service


def _form_page(
    request: Request,
    who: Principal,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    completed: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    served = _service(request).served
    return templates.TemplateResponse(
        request,
        "form.html",
        {
            "who": who,
            "fields": dict(FIELDS),
            "required": REQUIRED,
            "values": values or {},
            "errors": errors or {},
            "completed": completed or [],
            "household_options": HOUSEHOLD_OPTIONS,
            "education_options": EDUCATION_OPTIONS,
            "yes_no_options": YES_NO_OPTIONS,
            "instruments": [i for i in served.instruments if i.scored],
            "model": served.ref(),
            "token": token_of(request),
        },
        status_code=status,
    )


@router.get("/", response_class=HTMLResponse)
def form(request: Request) -> Response:
    who, refused = _worker(request)
    if who is None:
        assert refused is not None
        return refused
    return _form_page(request, who)


@router.get("/inloggen", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/inloggen", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    limiter = request.app.state.login_limiter
    address = client_address(request)
    wait = limiter.retry_after(address)
    if wait:
        minutes = max(1, round(wait / 60))
        return templates.TemplateResponse(
            request,
            "login.html",
            {
                "error": "Te veel mislukte pogingen om in te loggen. Probeer het over "
                f"{minutes} minuut{'en' if minutes != 1 else ''} opnieuw."
            },
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    if not same_origin(request):
        return foreign_form(request, None)
    form = await request.form()
    key = str(form.get("key", "") or "").strip()
    who = await run_in_threadpool(request.app.state.keys.authenticate, key) if key else None
    error = None
    if who is None:
        limiter.failed(address)
        error = "Deze sleutel is onbekend of ingetrokken."
    elif who.role not in HOME:
        error = (
            "Deze sleutel hoort bij een analist; de schermen zijn voor klantmanagers en managers."
        )
    if error:
        return templates.TemplateResponse(request, "login.html", {"error": error}, status_code=401)
    assert who is not None
    session_id = await run_in_threadpool(sessions(request).start, who)
    response = RedirectResponse(HOME[who.role], status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=sessions(request).seconds,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    form = await request.form()
    who = await run_in_threadpool(logged_in, request)
    if who is not None and not form_is_ours(request, form):
        return foreign_form(request, who)
    await run_in_threadpool(sessions(request).end, request.cookies.get(SESSION_COOKIE, ""))
    response = login_redirect()
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/advies", response_class=HTMLResponse)
async def create_advice(request: Request) -> Response:
    who, refused = await run_in_threadpool(_worker, request)
    if who is None:
        assert refused is not None
        return refused
    form = await request.form()
    if not form_is_ours(request, form):
        return foreign_form(request, who)
    values = {name: str(form.get(name, "") or "") for name, _ in FIELDS}
    completed = [str(v) for v in form.getlist("completed_instruments")]
    request_doc = parse_form(values, completed)
    advice_request, errors = validate_form(request_doc, values, today())
    if advice_request is None:
        return _form_page(request, who, values, errors, completed, status=422)
    try:
        doc = await _service(request).advise_async(advice_request, who, survival=True)
    except ServiceError as exc:
        return _form_page(
            request, who, values, service_errors(exc), completed, status=exc.status_code
        )
    entered = entered_values(values, completed, _service(request).served.label)
    return await run_in_threadpool(
        _result_page, request, who, str(doc["advice_id"]), entered=entered, fresh=True
    )


def _read_entered(form: Any) -> dict[str, str]:
    """The typed values the decision form carries back (shown again, never stored)."""
    try:
        doc = json.loads(str(form.get("entered", "") or "{}"))
    except ValueError:
        return {}
    if not isinstance(doc, dict):
        return {}
    labels = set(dict(FIELDS).values()) | {"Eerder gevolgd"}
    return {
        str(k): str(v)[:200]
        for k, v in list(doc.items())[:20]
        if str(k) in labels and isinstance(v, str | int | float)
    }


def _result_page(
    request: Request,
    who: Principal,
    advice_id: str,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
    fresh: bool = False,
    status: int = 200,
) -> Response:
    service = _service(request)
    try:
        rec = service.stored(advice_id, who)
    except (AdviceNotFoundError, NotOwnAdviceError) as exc:
        return message_page(
            request, who, "Advies niet gevonden", code_text(exc.code), exc.status_code
        )
    out = rec.outputs
    chart = None
    chart_months = request.app.state.settings.chart_months
    surv = out.get("survival")
    if surv:
        labels = {i["instrument"]: i["label"] for i in out.get("instruments", [])}
        chart = survival_chart_svg(
            surv["without"],
            surv["with_instrument"],
            labels,
            months=chart_months,
            highlight=out.get("best_instrument"),
        )
        chart_months = min(chart_months, len(surv["without"]))
    ctx: dict[str, Any] = {
        "who": who,
        "a": out,
        "advised_at": rec.created_at,
        "chart": chart,
        "chart_months": chart_months,
        "decision": service.log.decision_for(advice_id),
        "error": error,
        "form": form or {},
        "entered": entered or {},
        "entered_json": json.dumps(entered or {}, ensure_ascii=False),
        "fresh": fresh,
        "labels": {i["instrument"]: i["label"] for i in out.get("instruments", [])},
        "token": token_of(request),
    }
    return templates.TemplateResponse(request, "result.html", ctx, status_code=status)


@router.get("/advies/{advice_id}", response_class=HTMLResponse)
def show_advice(request: Request, advice_id: str) -> Response:
    who, refused = _worker(request)
    if who is None:
        assert refused is not None
        return refused
    return _result_page(request, who, advice_id)


@router.post("/advies/{advice_id}/besluit", response_class=HTMLResponse)
async def decide(request: Request, advice_id: str) -> Response:
    who, refused = await run_in_threadpool(_worker, request)
    if who is None:
        assert refused is not None
        return refused
    form = await request.form()
    if not form_is_ours(request, form):
        return foreign_form(request, who)
    entered = _read_entered(form)
    values = {
        k: str(form.get(k, "") or "").strip() for k in ("decision", "chosen_instrument", "reason")
    }

    def again(message: str, status: int, keep: bool = True) -> Response:
        return _result_page(
            request,
            who,
            advice_id,
            error=message,
            form=values if keep else None,
            entered=entered,
            status=status,
        )

    if values["decision"] not in ("gevolgd", "afgeweken"):
        return await run_in_threadpool(again, "Kies: advies gevolgd of afgeweken.", 422)
    try:
        req = DecisionRequest(
            decision=values["decision"],  # type: ignore[arg-type]
            chosen_instrument=values["chosen_instrument"] or None,
            reason=values["reason"][:2000] or None,
        )
        await run_in_threadpool(record_decision, _service(request), advice_id, req, who)
    except ValidationError:
        return await run_in_threadpool(again, "Kies een instrument uit de lijst.", 422)
    except DecisionExistsError as exc:
        return await run_in_threadpool(again, code_text(exc.code), 409, False)
    except ServiceError as exc:
        message = service_message(exc.errors[0]) if exc.errors else code_text(exc.code)
        return await run_in_threadpool(again, message, exc.status_code)
    if entered:
        # the typed values are not stored: show the recorded decision with them, for the print
        return await run_in_threadpool(
            _result_page, request, who, advice_id, entered=entered, fresh=True
        )
    return RedirectResponse(f"/advies/{advice_id}#besluit", status_code=303)
