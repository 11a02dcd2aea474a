"""What the caseworker page and the manager page share: templates, who is logged in, form guards.

The cookie (``rendement_sessie``, ``HttpOnly``, ``SameSite=Strict``) holds a
page session id (:mod:`rendement_api.page.session`), never the API key. Every
page post must come from this host (``Origin``) and carry the form token
derived from the session id (:func:`form_token`), which another site can
neither read nor compute.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from rendement.formatting import money, months, percent
from rendement_api.db.keys import Principal
from rendement_api.page.session import SessionStore, same_origin

SESSION_COOKIE = "rendement_sessie"

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
templates.env.filters["pct"] = lambda x, d=0: "" if x is None else percent(float(x), d)
templates.env.filters["euro"] = lambda x: "" if x is None else nbsp_euro(money(float(x)))
templates.env.filters["months"] = lambda x: "" if x is None else months(float(x))


def nbsp_euro(text: str) -> str:
    """Keep "€" with its amount on one line (a no-break space after the sign)."""
    return str(text).replace("€ ", "€\u00a0").replace("-€", "-\u2060€")


templates.env.filters["nbsp_euro"] = nbsp_euro

#: Where each role lands after logging in.
HOME = {"caseworker": "/", "manager": "/overzicht"}


def form_token(session_id: str) -> str:
    """The token every page form carries: derived from the session id in the cookie."""
    return hashlib.sha256(b"rendement-page-form\x00" + session_id.encode("utf-8")).hexdigest()[:32]


def token_of(request: Request) -> str:
    return form_token(request.cookies.get(SESSION_COOKIE, ""))


def form_is_ours(request: Request, form: Any) -> bool:
    """The post comes from this host and carries the token of this session."""
    if not same_origin(request):
        return False
    sent = str(form.get("token", "") or "")
    return hmac.compare_digest(sent.encode(), token_of(request).encode())


def sessions(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.sessions
    return store


def logged_in(request: Request) -> Principal | None:
    """Who holds this session (any role); ``None`` without a valid session."""
    return sessions(request).principal(request.cookies.get(SESSION_COOKIE, ""))


def login_redirect() -> RedirectResponse:
    return RedirectResponse("/inloggen", status_code=303)


def message_page(
    request: Request, who: Principal | None, title: str, message: str, status: int
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "message.html",
        {"who": who, "token": token_of(request), "title": title, "message": message},
        status_code=status,
    )


def foreign_form(request: Request, who: Principal | None) -> HTMLResponse:
    return message_page(
        request,
        who,
        "Formulier niet aanvaard",
        "Dit formulier is niet vanaf dit scherm verstuurd of is verlopen. "
        "Open het scherm opnieuw en probeer het nog eens.",
        403,
    )


def wrong_role(request: Request, who: Principal) -> HTMLResponse:
    where = HOME.get(who.role)
    tail = f" Ga naar uw eigen scherm: {where}" if where else ""
    return message_page(
        request,
        who,
        "Geen toegang",
        f"Dit scherm is niet voor uw rol ({ROLE_WORDS.get(who.role, who.role)}).{tail}",
        403,
    )


ROLE_WORDS = {"caseworker": "klantmanager", "manager": "manager", "analyst": "analist"}
