"""What every route shares: the app's state, the per-thread database, rendering, flash messages."""

from __future__ import annotations

import ipaddress
import threading
import time
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

import storage
from pantau.review import auth, csrf
from pantau.review.i18n import LANGUAGES, make_environment
from pantau.review.session import load_secret
from storage.queries import signin as signin_q

LANG_COOKIE = "pantau_lang"


class Review:
    """Everything the routes need, built once by ``create_app``."""

    def __init__(self, settings):
        self.settings = settings
        self.db_path = settings.db_path
        storage.open_db(self.db_path).close()      # migrate once, before serving
        self.secret = load_secret(settings)
        self.throttle = auth.Throttle()
        self.tz = ZoneInfo(settings.schedule.timezone)
        self.default_language = settings.review.language
        self.page_size = max(1, settings.review.page_size)
        self.envs = {lang: make_environment(lang, self.tz) for lang in LANGUAGES}
        self._local = threading.local()
        self._printer = None
        self.session_seconds = int(settings.review.session_hours * 3600)
        self.trusted_proxies = [ipaddress.ip_network(p, strict=False) for p in settings.review.trusted_proxies]
        from pantau.tips import RateLimiter
        from pantau.tips.known import RosterCache
        self.tip_limiter = RateLimiter.from_settings(settings.tips, bucket="report")
        self.status_limiter = RateLimiter.from_settings(settings.tips, bucket="status")
        self.roster_cache = RosterCache()

    def revoke(self, sid: str | None) -> None:
        """A signed-out session stays dead even if a copy of its cookie survives, across restarts too."""
        if sid:
            now = time.time()
            signin_q.revoke_session(self.db(), sid, now + self.session_seconds, now)

    def is_revoked(self, sid: str | None) -> bool:
        return bool(sid) and signin_q.is_revoked(self.db(), sid)

    @property
    def printer(self):
        """The app's PDF printer (one Chromium, started at the first case-report PDF)."""
        if self._printer is None:
            from pantau.case_report import PdfPrinter
            self._printer = PdfPrinter()
        return self._printer

    def close(self) -> None:
        """Stop what the app started besides its threads' connections (the PDF printer's Chromium)."""
        if self._printer is not None:
            self._printer.close()

    def db(self):
        """This thread's connection (sync routes run in a thread pool; SQLite connections are per thread)."""
        d = getattr(self._local, "db", None)
        if d is None:
            d = storage.open_db(self.db_path, migrate=False)
            self._local.db = d
        return d


def review_of(request: Request) -> Review:
    return request.app.state.review


def language(request: Request) -> str:
    """The session's language, else the reader's saved choice, else ``[review] language``."""
    lang = request.session.get("lang") or request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGUAGES else review_of(request).default_language


def flash(request: Request, message: str, level: str = "info", **params) -> None:
    """Queue a message (a message id, translated when shown) for the next page."""
    request.session.setdefault("flash", []).append({"m": message, "l": level, "p": params})


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    review = review_of(request)
    lang = language(request)
    user = auth.load_user(request)
    flashes = request.session.pop("flash", []) if request.session.get("flash") else []
    ctx = {
        "request": request,
        "user": user,
        "can_decide": auth.can(user, "reviewer"),
        "is_admin": auth.can(user, "admin"),
        "csrf_input": csrf.hidden_input(request),
        "flashes": flashes,
        "current_path": request.url.path + (("?" + request.url.query) if request.url.query else ""),
        **context,
    }
    html = review.envs[lang].get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths are followed after sign-in or a language change (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
