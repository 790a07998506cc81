"""Faults on request and rate limits, so crawlers are tested against bad days too.

Injected faults are served first-come to requests whose path starts with the
given prefix; ``--faults`` adds a low, seeded random rate on API paths.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from pantau.sandbox.families import API_PREFIX
from pantau.sandbox.http import Response, json_response
from pantau.sandbox.youtube import QUOTA_EXCEEDED, RATE_LIMIT_EXCEEDED, error_body

#: 429 with Retry-After: 1 (X: never a Retry-After; YouTube: neither Retry-After nor rate headers,
#: Google documents none); 429 without Retry-After but with a reset one second ahead; a 500 (X: 503); a 503; a slow answer; a complete answer whose JSON body is cut
#: short; an answer cut off mid-body (the full Content-Length announced, half sent, the connection
#: closed: a client's data-loss error); the connection closed before any answer; the platform's
#: quota spent (YouTube: 403 quotaExceeded for the day; X: 429 usage-capped for the month, with
#: the rate headers X sends, requests left in the window); a 403 for the client (X: Client
#: Forbidden, client-not-enrolled, as to an App outside a Project); a rate limit told as the
#: platform tells it (YouTube: 403 rateLimitExceeded, Google's "slow down, retry with backoff";
#: elsewhere the platform's 429 with a reset a second ahead, as "429-reset").
KINDS = ("429", "429-reset", "500", "503", "slow", "truncated", "cut", "drop", "quota", "forbidden", "rate-limit")
#: the kinds :func:`error_response` answers (the others are served by the platform's handler)
ERROR_KINDS = ("429", "429-reset", "500", "503", "quota", "forbidden", "rate-limit")
RANDOM_KINDS = ("429", "429-reset", "500", "slow", "truncated", "cut", "drop")
API_PREFIXES = tuple(API_PREFIX.values())


@dataclass
class Fault:
    kind: str
    remaining: int
    prefix: str


class Faults:
    def __init__(self, seed: int = 1, rate: float = 0.0):
        self.rate = rate
        self._rng = random.Random(f"pantau-sandbox:{seed}:faults")
        self._queue: list[Fault] = []
        self._lock = threading.Lock()
        self.served: dict[str, int] = {}

    def inject(self, kind: str, count: int = 1, path_prefix: str = "") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r} (known: {', '.join(KINDS)})")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._queue.append(Fault(kind, count, path_prefix or ""))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [{"kind": f.kind, "count": f.remaining, "path_prefix": f.prefix} for f in self._queue]

    def take(self, path: str) -> str | None:
        """The fault to serve to this request, if any."""
        with self._lock:
            for f in self._queue:
                if path.startswith(f.prefix):
                    f.remaining -= 1
                    if f.remaining <= 0:
                        self._queue.remove(f)
                    self.served[f.kind] = self.served.get(f.kind, 0) + 1
                    return f.kind
            if self.rate > 0 and path.startswith(API_PREFIXES) and self._rng.random() < self.rate:
                kind = self._rng.choice(RANDOM_KINDS)
                self.served[kind] = self.served.get(kind, 0) + 1
                return kind
        return None


class RateLimiter:
    """A fixed-window counter per key, reported the way each platform reports it.

    The key is a platform family, or for X an endpoint (docs.x.com: "Each endpoint
    has its own limit"); ``limits`` sets some keys' own limit (``{"x.liking_users": 75}``).
    A window starts with the first request after the last one ended and ends at a whole
    second (the reset X and Bluesky announce in epoch seconds). ``skew``: seconds the
    server's clock lags the client's, so a request sent on the announced reset still
    counts in the old window (what a client's margin is for).
    """

    def __init__(self, limit: int = 100_000, window: float = 300.0, limits: dict[str, int] | None = None,
                 skew: float = 0.0):
        self.limit = limit
        self.window = window
        self.limits = dict(limits or {})
        self.skew = skew
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def limit_of(self, key: str) -> int:
        return self.limits.get(key, self.limit)

    def hit(self, key: str) -> tuple[int, float, bool]:
        """(remaining, reset epoch, exceeded) after counting one request."""
        now = time.time()
        limit = self.limit_of(key)
        with self._lock:
            reset, n = self._counts.get(key, (0.0, 0))
            if now >= reset + self.skew:
                reset, n = float(math.ceil(now + self.window)), 0
            n += 1
            self._counts[key] = (reset, n)
        return max(limit - n, 0), reset, n > limit


def iso_reset(t: float) -> str:
    dt = datetime.fromtimestamp(t, timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond:06d}Z"


#: X's answers (docs.x.com: rate limits, usage caps; problem JSON)
X_TOO_MANY = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
X_UNAVAILABLE = {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": 503}
X_USAGE_CAPPED = {"title": "UsageCapExceeded", "detail": "Usage cap exceeded: Monthly product cap",
                  "type": "https://api.twitter.com/2/problems/usage-capped", "period": "Monthly", "scope": "Product"}


def rate_headers(family: str, limit: int, remaining: int, reset: float, window: float) -> list[tuple[str, str]]:
    if family == "x":       # epoch seconds, no Retry-After ever
        return [("x-rate-limit-limit", str(limit)), ("x-rate-limit-remaining", str(remaining)),
                ("x-rate-limit-reset", str(math.ceil(reset)))]
    if family == "mastodon":
        return [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", iso_reset(reset))]
    if family == "bluesky":
        return [("RateLimit-Limit", str(limit)), ("RateLimit-Remaining", str(remaining)),
                ("RateLimit-Reset", str(math.ceil(reset))), ("RateLimit-Policy", f"{limit};w={int(window)}")]
    return []


def error_response(kind: str, family: str, *, limit: int, window: float, remaining: int | None = None,
                   reset: float | None = None) -> Response:
    """The response a platform sends for a fault of ``kind`` (not for slow or truncated).

    ``remaining`` and ``reset``: the rate-limit window the request counted in (X sends its
    headers with every answer, the usage cap's 429 too)."""
    now = time.time()
    if family == "x":
        if kind in ("429", "429-reset", "rate-limit"):
            r = json_response(X_TOO_MANY, 429, family=family)
            r.headers += rate_headers("x", limit, 0, now + 1.0, window)
            return r
        if kind == "quota":
            # the month's cap, not the window's: X still says how much of the window is left
            r = json_response(X_USAGE_CAPPED, 429, family=family)
            r.headers += rate_headers("x", limit, limit - 1 if remaining is None else remaining,
                                      now + window if reset is None else reset, window)
            return r
        if kind == "forbidden":
            from pantau.sandbox.x import CLIENT_NOT_ENROLLED
            return json_response(CLIENT_NOT_ENROLLED, 403, family=family, content_type="application/problem+json")
        return json_response(X_UNAVAILABLE, 503, family=family)
    if kind == "forbidden":
        return json_response({"error": "Forbidden"}, 403, family=family)
    if kind == "rate-limit" and family == "youtube":
        return json_response(RATE_LIMIT_EXCEEDED, 403, family=family, content_type="application/json; charset=UTF-8")
    if kind in ("429", "429-reset", "rate-limit"):
        reset = now + 1.0
        if family == "mastodon":
            r = json_response({"error": "Too many requests"}, 429, family=family, content_type="application/json")
        elif family == "bluesky":
            r = json_response({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429, family=family)
        elif family == "youtube":
            r = json_response(error_body(429, "Resource has been exhausted (e.g. check quota).", "rateLimitExceeded",
                                         status="RESOURCE_EXHAUSTED"), 429, family=family,
                              content_type="application/json; charset=UTF-8")
        else:
            r = json_response({"error": "Too many requests"}, 429, family=family)
        if family == "youtube":
            return r            # Google documents no Retry-After and no rate-limit headers: backoff only
        if family in ("mastodon", "bluesky"):
            r.headers += rate_headers(family, limit, 0, reset, window)
        else:   # sites without a documented scheme: both common spellings
            r.headers += [("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", iso_reset(reset)),
                          ("RateLimit-Remaining", "0"), ("RateLimit-Reset", str(math.ceil(reset)))]
        if kind == "429":
            r.headers.append(("Retry-After", "1"))
        return r
    if kind == "quota":
        return json_response(QUOTA_EXCEEDED, 403, family=family, content_type="application/json; charset=UTF-8")
    if kind == "503":
        return json_response({"error": "Service Unavailable"}, 503, family=family)
    # 500
    if family == "mastodon":
        return json_response({"error": "Internal Server Error"}, 500, family=family)
    if family == "bluesky":
        return json_response({"error": "InternalServerError", "message": "Internal Server Error"}, 500, family=family)
    if family == "youtube":
        return json_response(error_body(500, "Internal error encountered.", "backendError", status="INTERNAL"), 500,
                             family=family, content_type="application/json; charset=UTF-8")
    return json_response({"error": "Internal Server Error"}, 500, family=family)


def rate_limited(family: str, *, limit: int, reset: float, window: float) -> Response:
    """A platform's own throttle answer: no Retry-After, wait until the reset."""
    if family == "bluesky":
        r = json_response({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429, family=family)
    elif family == "x":
        r = json_response(X_TOO_MANY, 429, family=family)
    else:
        r = json_response({"error": "Too many requests"}, 429, family=family, content_type="application/json")
    r.headers += rate_headers(family, limit, 0, reset, window)
    return r
