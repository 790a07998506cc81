"""Builds the review app: middleware, security headers, error pages and the routes of every screen."""

from __future__ import annotations

import errno
import logging
import re
from urllib.parse import quote

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pantau.review import auth, csrf, filters
from pantau.review.i18n import HERE, N_
from pantau.review.session import SessionMiddleware
from pantau.review.web import Review, redirect, render

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds the headers above to every response; pages with personal data are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    headers.setdefault(k, v)          # a route may tighten its own (evidence files)
                if not scope["path"].startswith("/static/"):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_wrapper)


class HeadAsGet:
    """``HEAD`` answers exactly like ``GET`` without the body (FastAPI's GET routes refuse HEAD with 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_wrapper)


def _with_headers(response):
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    response.headers["Cache-Control"] = "no-store"
    return response


def create_app(settings) -> FastAPI:
    """The review app for ``settings``' workspace (its database is migrated here, once)."""
    from pantau.review.routes import activity, audit, cases, evidence, login, match, queue, reports, tips
    from pantau.review.bodycap import BodyCap
    from pantau.review.tips_guard import BodyTooLarge, TipsGuard
    from pantau.review.routes import settings as settings_routes
    from pantau.review.routes import admin_roster, admin_runs, admin_settings, admin_users, admin_watchlists

    review = Review(settings)
    app = FastAPI(title="Pantau", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf.protect)])
    app.state.review = review
    for module in (login, queue, match, cases, evidence, activity, audit, reports, settings_routes, tips,
                   admin_runs, admin_users, admin_watchlists, admin_roster, admin_settings):
        app.include_router(module.router)
    if settings.tips.enabled:
        app.include_router(tips.public)
    for env in review.envs.values():
        env.globals["tips_enabled"] = settings.tips.enabled
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(auth.SignInRequired)
    async def _sign_in(request: Request, exc: auth.SignInRequired):
        target = request.url.path + (("?" + request.url.query) if request.url.query else "")
        return redirect("/login?next=" + quote(target, safe="/"))

    @app.exception_handler(auth.Forbidden)
    async def _forbidden(request: Request, exc: auth.Forbidden):
        return render(request, "error.html", 403, title=N_("Not allowed"),
                      message=N_("Your role does not allow this."))

    @app.exception_handler(csrf.CSRFError)
    async def _csrf(request: Request, exc: csrf.CSRFError):
        if settings.tips.enabled and request.url.path in ("/lapor", "/lapor/status"):
            return await tips.refused(request, cross_site=exc.cross_site)     # the public page, text kept
        return render(request, "error.html", 403, title=N_("Request refused"),
                      message=N_("The form was stale or did not come from this site. Reload the page and try again."))

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge):
        tips_config = settings.tips
        response = render(request, "lapor_refused.html", 413, why="size", minutes=1,
                          max_mb=tips_config.max_image_mb, max_images=tips_config.max_images)
        response.headers["Connection"] = "close"
        return response
    @app.exception_handler(filters.BadFilter)
    async def _bad_filter(request: Request, exc: filters.BadFilter):
        return render(request, "error.html", 400,
                      title=filters.BAD_FILTER_TITLE if exc.is_filter else filters.BAD_VALUE_TITLE,
                      message=filters.BAD_FILTER_MESSAGE, params={"name": exc.name, "value": exc.value})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            response = render(request, "error.html", 404, title=N_("Not found"),
                              message=N_("There is nothing at this address."))
        elif exc.status_code == 405:
            response = render(request, "error.html", 405, title=N_("Not allowed"),
                              message=N_("This address does not accept that kind of request."))
        else:
            response = render(request, "error.html", exc.status_code, title=N_("Error"),
                              message=N_("The request could not be handled."))
        for k, v in (exc.headers or {}).items():        # Allow on a 405 names the methods the address takes
            response.headers[k] = v
        return response

    def _bad_value(request: Request, name: str | None, value) -> Response:
        if name is None:
            return render(request, "error.html", 400, title=N_("Error"),
                          message=N_("The request could not be handled."))
        return render(request, "error.html", 400, title=filters.BAD_VALUE_TITLE, message=filters.BAD_FILTER_MESSAGE,
                      params={"name": name, "value": str(value)[:100]})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        # a path part or form field that is not what the route takes (/matches/abc): named, as the queue does
        for error in exc.errors():
            loc = [str(x) for x in error.get("loc", ()) if not isinstance(x, int)]
            if loc:
                value = error.get("input")
                return _bad_value(request, loc[-1], "" if value is None or isinstance(value, dict) else value)
        return _bad_value(request, None, None)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError):
        # a number SQLite cannot hold (an id beyond 2**63, a date past 9999-12-31): the path part if it is one
        for name, value in request.path_params.items():
            try:
                number = int(value)
            except (TypeError, ValueError):
                continue
            if not -2 ** 63 <= number < 2 ** 63:
                return _bad_value(request, name, value)
        return _bad_value(request, None, None)

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        # runs outside every middleware (Starlette's ServerErrorMiddleware): add the headers here
        return _with_headers(PlainTextResponse("Internal Server Error", status_code=500))

    app.add_middleware(TipsGuard, review=review)       # inside the session: refusals are rendered pages
    app.add_middleware(BodyCap)                        # inside the session: the cap depends on who asks
    app.add_middleware(SessionMiddleware, secret=review.secret,
                       max_age=int(settings.review.session_hours * 3600))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app


def listen(host: str, port: int):
    """A listening socket on ``host:port``, or a one-line error (a busy port, an unknown address).

    Binding here, before uvicorn starts, lets ``pantau review`` report a busy port in one
    line instead of printing a success line and then uvicorn's own log and exit status.
    """
    import socket

    from pantau.errors import PantauError

    try:
        # as uvicorn does: IPv6 only for an IPv6 address ("localhost" is 127.0.0.1, not ::1)
        family, kind, proto, _, addr = socket.getaddrinfo(
            host, port, socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise PantauError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = "the port is already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise PantauError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


class MaskNips(logging.Filter):
    """Access-log lines never hold a whole NIP: case pages (``/cases/NIP``) and searches carry one."""

    _NIP = re.compile(r"(?<!\d)\d{14}(\d{4})(?!\d)")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(self._NIP.sub(r"**************\1", a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def serve(settings, sock) -> None:
    """Run the app with uvicorn on the socket of ``listen`` until interrupted (``pantau review``)."""
    import uvicorn

    from pantau.review.tips_guard import hide_reporter_addresses

    app = create_app(settings)
    hide_reporter_addresses()          # no reporter's address in the access log
    host, port = sock.getsockname()[:2]
    # forwarded headers are read by auth.client_ip, from [review] trusted_proxies only
    config = uvicorn.Config(app, host=host, port=port, proxy_headers=False, log_level="info",
                            server_header=False)
    server = uvicorn.Server(config)           # the Config sets up uvicorn's loggers; then the filter
    logging.getLogger("uvicorn.access").addFilter(MaskNips())
    try:
        server.run(sockets=[sock])
    finally:
        app.state.review.close()
