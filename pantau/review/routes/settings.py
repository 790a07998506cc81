"""The reader's language (kept in the session and in a year-long cookie)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request

from pantau.review.filters import bad_value
from pantau.review.i18n import LANGUAGES
from pantau.review.session import is_https
from pantau.review.web import LANG_COOKIE, local_path, redirect

router = APIRouter()


@router.post("/language")
def set_language(request: Request, lang: str = Form(...), next: str = Form("/")):
    if lang not in LANGUAGES:
        raise bad_value("lang", lang)            # refused and named, never a silent redirect
    response = redirect(local_path(next))
    request.session["lang"] = lang
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax",
                        secure=is_https(request.scope))
    return response
