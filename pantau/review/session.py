"""Signed session cookies, and the secret key that signs them.

The session lives in the cookie (signed with itsdangerous, not encrypted), so it
holds only ids and tokens: the user id, a fingerprint of the password hash (a
changed password ends old sessions), the CSRF token, the language and pending
flash messages. Starlette's own SessionMiddleware fixes the ``Secure`` flag at
start-up; this one sets it per request, because the same app may be reached
directly on loopback and through an HTTPS proxy.
"""

from __future__ import annotations

import json
import os
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import storage

COOKIE = "pantau_session"
SECRET_FILE = "review-secret.key"
MIN_SECRET_LENGTH = 32


def load_secret(settings) -> str:
    """The key from the environment variable ``[review] secret_key_env``, else a random key kept in data/.

    A persisted key keeps people signed in across restarts; the file is private (0600).
    """
    env_name = settings.review.secret_key_env
    value = os.environ.get(env_name, "") if env_name else ""
    if value:
        if len(value) < MIN_SECRET_LENGTH:
            from pantau.errors import ConfigError
            raise ConfigError(f"environment variable {env_name}: the review secret key must be at least "
                              f"{MIN_SECRET_LENGTH} characters")
        return value
    path = settings.data_dir / SECRET_FILE
    storage.private_dir(path.parent)
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= MIN_SECRET_LENGTH:
            storage.private_path(path)
            return key
    key = secrets.token_hex(32)
    old = os.umask(0o077)
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(key + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        os.umask(old)
    storage.private_path(path)
    return key


def is_https(scope: Scope) -> bool:
    """HTTPS directly, or a proxy in front saying so (X-Forwarded-Proto / Forwarded)."""
    if scope.get("scheme") == "https":
        return True
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-proto" and value.split(b",")[0].strip().lower() == b"https":
            return True
        if name == b"forwarded" and b"proto=https" in value.lower():
            return True
    return False


class SessionMiddleware:
    def __init__(self, app: ASGIApp, secret: str, *, max_age: int, same_site: str = "lax") -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret, salt="pantau.review.session")
        self.max_age = max_age
        self.same_site = same_site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        data: dict = {}
        raw = conn.cookies.get(COOKIE)
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=self.max_age)
                if not isinstance(data, dict):
                    data = {}
            except BadSignature:   # includes SignatureExpired
                data = {}
        scope["session"] = data
        before = json.dumps(data, sort_keys=True)
        had_cookie = bool(raw)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = scope["session"]
                now = json.dumps(session, sort_keys=True)
                if now != before or (had_cookie and not session):
                    headers = MutableHeaders(scope=message)
                    flags = f"Path=/; HttpOnly; SameSite={self.same_site}"
                    if is_https(scope):
                        flags += "; Secure"
                    if session:
                        value = self.serializer.dumps(session)
                        headers.append("Set-Cookie", f"{COOKIE}={value}; Max-Age={self.max_age}; {flags}")
                    else:
                        headers.append("Set-Cookie", f"{COOKIE}=; Max-Age=0; {flags}")
            await send(message)

        await self.app(scope, receive, send_wrapper)
