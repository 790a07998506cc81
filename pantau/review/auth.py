"""Passwords, sign-in with back-off, the signed-in user and role checks.

Passwords are hashed with Argon2id (argon2-cffi defaults). Failed sign-ins are
slowed down twice over: per name (whether or not such a user exists) and per
client address, both counted in the database, each doubling the wait after a few
failures. While a wait runs, attempts are refused without checking the password,
which makes guessing slow without locking the owner out for long.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request

from pantau.review.i18n import N_
from storage.queries import signin as signin_q
from storage.queries import users as users_q

MIN_PASSWORD_LENGTH = 10
FREE_FAILURES = 3          # failures of one name allowed before waits start
IP_FREE_FAILURES = 10      # failures from one address (across names) allowed before waits start
MAX_WAIT = 300.0           # seconds
ROLE_RANK = {"viewer": 0, "reviewer": 1, "admin": 2}

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("pantau-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return "the password must not start or end with spaces"
    return None


def check_user_name(name: str) -> str | None:
    """Why a new sign-in name is refused, or None."""
    if not name or name != name.strip() or len(name) > 64 or any(c.isspace() for c in name):
        return "a user name is 1-64 characters without spaces"
    return None


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def fingerprint(password_hash: str) -> str:
    """Stored in the session: a changed password invalidates existing sessions."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def wait_after(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures: 0, 0, 0, 1, 2, 4, ... up to 5 minutes."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - FREE_FAILURES), MAX_WAIT)


def ip_wait_after(failures: int) -> float:
    """The same doubling for one client address, after ``IP_FREE_FAILURES`` free failures."""
    if failures < IP_FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - IP_FREE_FAILURES), MAX_WAIT)


class Throttle:
    """Failed sign-ins per name (whether or not it exists) and per client address, in the database.

    Every attempt is counted before its password is checked, in the transaction that decides
    whether it may be checked (``storage.queries.signin.claim_attempt``), so parallel attempts
    cannot skip the back-off, and an unknown name is slowed down exactly like a real one
    (the answer does not tell which names exist). An address gets more free failures than a
    name (``IP_FREE_FAILURES``): several people may sign in at once from one office network,
    while guessing one account's password is stopped after ``FREE_FAILURES``.
    """

    def __init__(self, clock=time.time):
        self.clock = clock

    def claim(self, db, name: str, ip: str) -> float:
        return signin_q.claim_attempt(db, {signin_q.name_key(name): wait_after,
                                           signin_q.ip_key(ip): ip_wait_after}, self.clock())

    def succeeded(self, db, name: str, ip: str) -> None:
        signin_q.clear(db, [signin_q.name_key(name)])
        signin_q.release(db, [signin_q.ip_key(ip)])


@dataclass
class SignInResult:
    user: dict | None = None
    error: str | None = None          # a message id (translated by the template)
    wait: int = 0                     # seconds to wait before the next attempt


def sign_in(db, throttle: Throttle, name: str, password: str, ip: str) -> SignInResult:
    """Check a name and password, honouring the back-off, and write the audit row."""
    name = name.strip()
    wait = throttle.claim(db, name, ip)
    if wait > 0:
        return SignInResult(error=N_("Too many failed sign-ins. Try again in %(seconds)s seconds."),
                            wait=int(wait + 0.999))
    user = users_q.by_name(db, name) if name else None
    detail = {"ip": ip}
    if user is None or not user["active"]:
        verify_password(_DUMMY_HASH, password)   # same time whether or not the name exists
        if user is None:
            users_q.record_unknown(db, name, detail=detail)
        else:
            users_q.record_failure(db, user["id"], name=user["name"], detail={**detail, "reason": "inactive"})
        return SignInResult(error=N_("Wrong name or password."))
    if not verify_password(user["password_hash"], password):
        users_q.record_failure(db, user["id"], name=user["name"], detail={**detail, "reason": "password"})
        return SignInResult(error=N_("Wrong name or password."))
    throttle.succeeded(db, name, ip)
    if _hasher.check_needs_rehash(user["password_hash"]):
        users_q.set_password_hash(db, user["id"], hash_password(password))
        user = users_q.get(db, user["id"])
    users_q.record_success(db, user["id"], name=user["name"], detail=detail)
    return SignInResult(user=user)


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this (403)."""


def client_ip(request: Request) -> str:
    """The address the back-off counts: the peer, or what a configured proxy says it forwarded for.

    ``X-Forwarded-For`` is read only when the peer is one of ``[review] trusted_proxies``
    (anyone else could rotate it to escape the back-off); the right-most address that is not
    itself a trusted proxy is the client.
    """
    peer = request.client.host if request.client else "-"
    trusted = request.app.state.review.trusted_proxies
    if not trusted or not _in(peer, trusted):
        return peer
    forwarded = [a.strip() for h in request.headers.getlist("x-forwarded-for") for a in h.split(",")]
    for addr in reversed([a for a in forwarded if a]):
        if not _in(addr, trusted):
            return addr[:64]
    return peer


def _in(addr: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def load_user(request: Request) -> dict | None:
    """The signed-in user of this request, or None (inactive users and stale sessions count as none)."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    uid = request.session.get("uid")
    if uid is not None:
        user = users_q.get(request.app.state.review.db(), uid)
        if (user is None or not user["active"]
                or request.session.get("pwf") != fingerprint(user["password_hash"])
                or request.app.state.review.is_revoked(request.session.get("sid"))):
            user = None
            request.session.pop("uid", None)
            request.session.pop("pwf", None)
            request.session.pop("sid", None)
    request.state.user = user
    return user


def signed_in(request: Request) -> dict:
    """Dependency of every page except sign-in: the user, or a redirect to sign in."""
    user = load_user(request)
    if user is None:
        raise SignInRequired()
    return user


def can(user: dict | None, role: str) -> bool:
    return bool(user) and ROLE_RANK.get(user["role"], -1) >= ROLE_RANK[role]


def reviewer(request: Request) -> dict:
    """Dependency: reviewers and admins (viewers may look, not decide or export)."""
    user = signed_in(request)
    if not can(user, "reviewer"):
        raise Forbidden()
    return user


def admin(request: Request) -> dict:
    user = signed_in(request)
    if not can(user, "admin"):
        raise Forbidden()
    return user
