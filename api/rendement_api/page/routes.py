"""The caseworker page: log in with a key once (kept in a cookie), enter a client, read the advice.

* ``GET /`` - the form; ``POST /advies`` - score, log, and go to the advice;
* ``GET /advies/{advice_id}`` - the advice as logged, with the chart and the decision buttons;
* ``POST /advies/{advice_id}/besluit`` - record the decision (reason required when deviating,
  checked here as well as in the browser);
* ``GET/POST /inloggen``, ``POST /uitloggen``.

Only caseworker keys may use the page. The cookie is ``HttpOnly`` and
``SameSite=Strict`` (browsers do not send it with another site's requests), and
every form carries a token derived from the key in the cookie (:func:`form_token`),
which another site can neither read nor compute: a post without it is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from rendement.formatting import money, months, percent
from rendement_api.auth import COOKIE
from rendement_api.db.keys import Principal
from rendement_api.errors import (
    AdviceNotFoundError,
    DecisionExistsError,
    NotOwnAdviceError,
    ServiceError,
)
from rendement_api.page.chart import survival_chart_svg
from rendement_api.page.forms import (
    EDUCATION_OPTIONS,
    FIELDS,
    HOUSEHOLD_OPTIONS,
    YES_NO_OPTIONS,
    parse_form,
    service_errors,
    validate_form,
)
from rendement_api.schemas.decisions import DecisionRequest
from rendement_api.services.advice import AdviceService
from rendement_api.services.decisions import record_decision

router = APIRouter(include_in_schema=False)

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
templates.env.filters["pct"] = lambda x, d=0: "" if x is None else percent(float(x), d)
templates.env.filters["euro"] = lambda x: "" if x is None else money(float(x))
templates.env.filters["months"] = lambda x: "" if x is None else months(float(x))

COOKIE_SECONDS = 12 * 3600


def form_token(key: str) -> str:
    """The token every page form carries: derived from the key in the login cookie."""
    return hashlib.sha256(b"rendement-page-form\x00" + key.encode("utf-8")).hexdigest()[:32]


def _token_of(request: Request) -> str:
    return form_token(request.cookies.get(COOKIE, ""))


def _form_is_ours(request: Request, form: Any) -> bool:
    sent = str(form.get("token", "") or "")
    return hmac.compare_digest(sent.encode(), _token_of(request).encode())


def _foreign_form(request: Request, who: Principal) -> Response:
    return templates.TemplateResponse(
        request,
        "message.html",
        {
            "who": who,
            "token": _token_of(request),
            "title": "Formulier niet aanvaard",
            "message": "Dit formulier is niet vanaf dit scherm verstuurd of is verlopen. "
            "Open het scherm opnieuw en probeer het nog eens.",
        },
        status_code=403,
    )


def _who(request: Request) -> Principal | None:
    key = request.cookies.get(COOKIE)
    if not key:
        return None
    who = request.app.state.keys.authenticate(key)
    if who is None or who.role != "caseworker":
        return None
    return who


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/inloggen", status_code=303)


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
            "values": values or {},
            "errors": errors or {},
            "completed": completed or [],
            "household_options": HOUSEHOLD_OPTIONS,
            "education_options": EDUCATION_OPTIONS,
            "yes_no_options": YES_NO_OPTIONS,
            "instruments": [i for i in served.instruments if i.scored],
            "model": served.ref(),
            "token": _token_of(request),
        },
        status_code=status,
    )


@router.get("/", response_class=HTMLResponse)
def form(request: Request) -> Response:
    who = _who(request)
    if who is None:
        return _login_redirect()
    return _form_page(request, who)


@router.get("/inloggen", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/inloggen", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    key = str(form.get("key", "") or "").strip()
    who = await run_in_threadpool(request.app.state.keys.authenticate, key) if key else None
    error = None
    if who is None:
        error = "Deze sleutel is onbekend of ingetrokken."
    elif who.role != "caseworker":
        error = "Deze sleutel hoort niet bij een klantmanager; het scherm is voor klantmanagers."
    if error:
        return templates.TemplateResponse(request, "login.html", {"error": error}, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        key,
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    form = await request.form()
    who = await run_in_threadpool(_who, request)
    if who is not None and not _form_is_ours(request, form):
        return _foreign_form(request, who)
    response = _login_redirect()
    response.delete_cookie(COOKIE)
    return response


@router.post("/advies", response_class=HTMLResponse)
async def create_advice(request: Request) -> Response:
    who = await run_in_threadpool(_who, request)
    if who is None:
        return _login_redirect()
    form = await request.form()
    if not _form_is_ours(request, form):
        return _foreign_form(request, who)
    values = {name: str(form.get(name, "") or "") for name, _ in FIELDS}
    completed = [str(v) for v in form.getlist("completed_instruments")]
    request_doc = parse_form(values, completed)
    advice_request, errors = validate_form(request_doc)
    if advice_request is None:
        return _form_page(request, who, values, errors, completed, status=422)
    try:
        doc = await _service(request).advise_async(advice_request, who, survival=True)
    except ServiceError as exc:
        return _form_page(
            request, who, values, service_errors(exc), completed, status=exc.status_code
        )
    return RedirectResponse(f"/advies/{doc['advice_id']}", status_code=303)


def _result_page(
    request: Request,
    who: Principal,
    advice_id: str,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    service = _service(request)
    try:
        rec = service.stored(advice_id, who)
    except (AdviceNotFoundError, NotOwnAdviceError) as exc:
        return templates.TemplateResponse(
            request,
            "message.html",
            {
                "who": who,
                "token": _token_of(request),
                "title": "Advies niet gevonden",
                "message": str(exc),
            },
            status_code=exc.status_code,
        )
    out = rec.outputs
    chart = None
    surv = out.get("survival")
    if surv:
        labels = {i["instrument"]: i["label"] for i in out.get("instruments", [])}
        chart = survival_chart_svg(
            surv["without"],
            surv["with_instrument"],
            labels,
            months=request.app.state.settings.chart_months,
            highlight=out.get("best_instrument"),
        )
    ctx: dict[str, Any] = {
        "who": who,
        "a": out,
        "chart": chart,
        "decision": service.log.decision_for(advice_id),
        "error": error,
        "form": form or {},
        "labels": {i["instrument"]: i["label"] for i in out.get("instruments", [])},
        "token": _token_of(request),
    }
    return templates.TemplateResponse(request, "result.html", ctx, status_code=status)


@router.get("/advies/{advice_id}", response_class=HTMLResponse)
def show_advice(request: Request, advice_id: str) -> Response:
    who = _who(request)
    if who is None:
        return _login_redirect()
    return _result_page(request, who, advice_id)


@router.post("/advies/{advice_id}/besluit", response_class=HTMLResponse)
async def decide(request: Request, advice_id: str) -> Response:
    who = await run_in_threadpool(_who, request)
    if who is None:
        return _login_redirect()
    form = await request.form()
    if not _form_is_ours(request, form):
        return _foreign_form(request, who)
    values = {
        k: str(form.get(k, "") or "").strip() for k in ("decision", "chosen_instrument", "reason")
    }
    if values["decision"] not in ("gevolgd", "afgeweken"):
        return await run_in_threadpool(
            _result_page,
            request,
            who,
            advice_id,
            error="Kies: advies gevolgd of afgeweken.",
            form=values,
            status=422,
        )
    try:
        req = DecisionRequest(
            decision=values["decision"],  # type: ignore[arg-type]
            chosen_instrument=values["chosen_instrument"] or None,
            reason=values["reason"][:2000] or None,
        )
        await run_in_threadpool(record_decision, _service(request), advice_id, req, who)
    except ValidationError:
        return await run_in_threadpool(
            _result_page,
            request,
            who,
            advice_id,
            error="Kies een instrument uit de lijst.",
            form=values,
            status=422,
        )
    except DecisionExistsError:
        return await run_in_threadpool(
            _result_page,
            request,
            who,
            advice_id,
            error="Er is al een besluit vastgelegd.",
            status=409,
        )
    except ServiceError as exc:
        message = str(exc)
        if exc.code == "reason_required":
            message = "Geef de reden waarom u van het advies afwijkt (minstens 5 tekens)."
        return await run_in_threadpool(
            _result_page,
            request,
            who,
            advice_id,
            error=message,
            form=values,
            status=exc.status_code,
        )
    return RedirectResponse(f"/advies/{advice_id}#besluit", status_code=303)
