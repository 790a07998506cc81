"""Cross-site request forgery protection: one token per session, checked on every unsafe request.

Every form carries the session's token in a hidden ``csrf_token`` field (the
``csrf_input()`` template global writes it). ``protect`` runs before every
route: a POST whose token is missing or wrong, or whose ``Origin`` (or, without
one, ``Referer``) is another site, is refused with 403 before any route code
runs. The session cookie is also ``SameSite=Lax``; the token does not rely on it.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from starlette.requests import Request

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CSRFError(Exception):
    """The request was refused for lack of a valid CSRF token (403)."""

    def __init__(self, reason: str, cross_site: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.cross_site = cross_site       # sent by another site, not merely stale


def token(request: Request) -> str:
    """The session's token, created on first use."""
    tok = request.session.get("csrf")
    if not tok:
        tok = secrets.token_urlsafe(32)
        request.session["csrf"] = tok
    return tok


def rotate(request: Request) -> str:
    """A new token (on sign-in and sign-out) so a token seen before cannot be replayed."""
    request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def hidden_input(request: Request) -> Markup:
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, escape(token(request)))


def _same_origin(request: Request, origin: str) -> bool:
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def _origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL; an unreadable one is nobody's origin."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


async def protect(request: Request) -> None:
    """App-wide dependency: unsafe methods need the session's token."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and not _same_origin(request, origin):
        raise CSRFError("cross-origin request", cross_site=True)
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CSRFError("cross-site request", cross_site=True)
    referer = request.headers.get("referer")
    if not origin and referer and not _same_origin(request, _origin_of(referer)):
        # browsers that send no Origin still name the page that posted (our pages send no Referer at all)
        raise CSRFError("cross-site referer", cross_site=True)
    expected = request.session.get("csrf")
    sent = request.headers.get(HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise CSRFError("missing or invalid CSRF token")
