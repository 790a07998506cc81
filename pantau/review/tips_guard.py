"""The public form's outer wall: rate limits and a body-size cap, before a byte of the body is read.

An ASGI middleware (inside the session middleware, so refusals are rendered
pages in the reader's language): a POST to ``/lapor`` or ``/lapor/status`` is
counted against the client's and the form's limits first; a refused request
gets 429 with ``Retry-After`` without its body being read or parsed. A declared
``Content-Length`` above the cap is refused with 413 the same way; a body that
runs past the cap without declaring its length is cut off while it streams.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


REPORT_PATH = "/lapor"
STATUS_PATH = "/lapor/status"
FIELDS_ALLOWANCE = 512 * 1024          # the text fields and multipart framing


class ReporterAddressFilter(logging.Filter):
    """uvicorn's access log without the client address of the public form's requests.

    The reporter's address is kept nowhere (the rate limiter holds a salted hash, briefly);
    an access log line would keep it for as long as the log. Other lines are untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and str(args[2]).startswith(REPORT_PATH):
            record.args = ("-", *args[1:])
        return True


def hide_reporter_addresses() -> None:
    log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, ReporterAddressFilter) for f in log.filters):
        log.addFilter(ReporterAddressFilter())


class BodyTooLarge(Exception):
    """A streamed body went past the cap (handled as 413 by the app)."""


def declared_over(scope: Scope, cap: int) -> bool:
    """Does the request declare a body larger than ``cap``? (an unreadable length counts as larger)"""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value) > cap
            except ValueError:
                return True
    return False


def body_cap(tips) -> int:
    return int(tips.max_images * tips.max_image_mb * 1_048_576) + FIELDS_ALLOWANCE


class TipsGuard:
    def __init__(self, app: ASGIApp, review) -> None:
        self.app = app
        self.review = review

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope.get("method") != "POST"
                or path not in (REPORT_PATH, STATUS_PATH) or not self.review.settings.tips.enabled):
            await self.app(scope, receive, send)
            return
        limiter = self.review.tip_limiter if path == REPORT_PATH else self.review.status_limiter
        from pantau.review.auth import client_ip
        verdict = limiter.hit(client_ip(Request(scope)))     # the proxy's X-Forwarded-For only if trusted
        if not verdict.allowed:
            why = "limited" if path == REPORT_PATH else "lookups"
            await self._refuse(scope, receive, send, 429, why, retry_after=verdict.retry_after)
            return
        cap = body_cap(self.review.settings.tips) if path == REPORT_PATH else FIELDS_ALLOWANCE
        if declared_over(scope, cap):
            await self._refuse(scope, receive, send, 413, "size")
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge()
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope, receive, send, status: int, why: str, retry_after: int = 0) -> None:
        from pantau.review.web import render
        response = render(Request(scope, receive), "lapor_refused.html", status, why=why,
                          minutes=max(1, -(-retry_after // 60)), max_mb=self.review.settings.tips.max_image_mb,
                          max_images=self.review.settings.tips.max_images)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        response.headers["Connection"] = "close"      # the unread body is not waited for
        await response(scope, receive, send)

