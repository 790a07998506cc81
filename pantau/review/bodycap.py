"""Every POST's body is capped before it is read, by who is asking.

FastAPI parses a form (and spools uploaded files to disk) before any route code,
the CSRF check or the role check runs. Without a cap, anyone could make the app
write gigabytes to its temporary folder with one signed-out POST. So: a signed-out
request may send a sign-in form's worth; a signed-in one up to the largest upload
a screen accepts (a roster). The public report form has its own wall
(``tips_guard``). A declared ``Content-Length`` above the cap is refused with 413
before a byte is read; an undeclared body is cut off as it streams.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pantau.review.tips_guard import REPORT_PATH, STATUS_PATH, declared_over

SIGNED_OUT_BYTES = 64 * 1024
#: the roster upload's own limit (admin_roster.MAX_BYTES) plus the form's framing
SIGNED_IN_BYTES = 200 * 1024 * 1024 + 1024 * 1024


def cap_for(scope: Scope) -> int:
    session = scope.get("session") or {}
    return SIGNED_IN_BYTES if session.get("uid") else SIGNED_OUT_BYTES


class BodyCap:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH")
                or scope.get("path") in (REPORT_PATH, STATUS_PATH)):
            await self.app(scope, receive, send)
            return
        cap = cap_for(scope)
        if declared_over(scope, cap):
            await too_large(Request(scope))(scope, receive, send)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            # past the cap: answer 413 ourselves and tell the app the client went away
            # (an exception here would reach FastAPI's body parser, which turns it into a 400)
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    refused = True
                    await too_large(Request(scope))(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            if not refused:
                raise


def too_large(request: Request):
    from pantau.review.i18n import N_
    from pantau.review.web import render
    response = render(request, "error.html", 413, title=N_("Too large"),
                      message=N_("The request is larger than this page accepts."))
    response.headers["Connection"] = "close"      # the unread body is not waited for
    return response
