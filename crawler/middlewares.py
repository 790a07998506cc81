"""Downloader middlewares: the allowed-hosts guard, the per-account budget, rate limits and retries.

Scrapy's own RetryMiddleware retries at once and ignores ``Retry-After``; this
one waits as the server asks (``Retry-After``, ``X-RateLimit-Reset`` as ISO 8601,
``RateLimit-Reset`` as epoch seconds), pauses the whole host meanwhile, caps each
wait at ``[crawl] max_retry_wait`` and counts every retry per account.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from twisted.internet.error import (ConnectError, ConnectionLost, DNSLookupError, TCPTimedOutError,
                                    TimeoutError)
from twisted.web._newclient import ResponseFailed

try:
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; json works the same, slower
    _fast_loads = json.loads

log = logging.getLogger(__name__)


def loads(body: bytes):
    """Parse a JSON body: orjson (three times faster; the pages of a listing are most of a
    no-change crawl's work), json for what orjson refuses (NaN, UTF-16 bodies). Integers past
    64 bits would come back as floats: no platform sends those (JavaScript cannot read them)."""
    try:
        return _fast_loads(body)
    except ValueError:
        return json.loads(body)


#: set by crawler.process before the crawl starts; read by the browser's request filter
ALLOWED_HOSTS: list[str] = []


def host_allowed(url: str, allowed: list[str]) -> bool:
    if not allowed:
        return True
    host = (urlsplit(url).hostname or "").lower()
    return host in allowed


def abort_browser_request(request) -> bool:
    """Playwright's own sub-requests (scripts, XHR) obey the allowed-hosts guard too.

    Images, fonts and media are not needed to read comments, so they are skipped.
    """
    if request.resource_type in ("image", "media", "font"):
        return True
    if request.url.startswith(("data:", "blob:", "about:")):
        return False
    return not host_allowed(request.url, ALLOWED_HOSTS)


class Refused(IgnoreRequest):
    """A request Pantau will not send (other host, budget spent); the reason names why."""


def _stats(spider, request):
    """The per-account figures of the request's account (see PlatformSpider.stats_for)."""
    aid = request.meta.get("account_id")
    if aid is None or not hasattr(spider, "stats_for"):
        return None
    return spider.stats_for(aid)


class AllowedHostsMiddleware:
    """When ``[crawl] allowed_hosts`` is set, every request to another host is refused."""

    def __init__(self, allowed: list[str]):
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler):
        allowed = crawler.settings.getlist("PANTAU_ALLOWED_HOSTS")
        if not allowed:
            raise NotConfigured
        return cls(allowed)

    def process_request(self, request, spider=None):
        if not host_allowed(request.url, self.allowed):
            host = urlsplit(request.url).hostname
            raise Refused(f"refused request to {host}: not in [crawl] allowed_hosts "
                          f"({', '.join(self.allowed)})")
        return None


class BudgetMiddleware:
    """Each account may send at most ``[crawl] budget`` requests a run (retries included)."""

    def __init__(self, budget: int, crawler):
        self.budget = budget
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("PANTAU_BUDGET", 2000), crawler)

    def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        st = _stats(spider, request)
        if st is None:
            return None
        if st["requests"] >= self.budget:
            st["budget_spent"] = True
            raise Refused(f"request budget of {self.budget} spent")
        st["requests"] += 1
        self.crawler.stats.inc_value("pantau/requests")
        return None


def _parse_wait(headers, now: float) -> float | None:
    """Seconds to wait according to ``Retry-After`` or the rate-limit reset headers."""
    def h(name):
        v = headers.get(name)
        return v.decode("latin-1").strip() if v else None

    ra = h("Retry-After")
    if ra:
        try:
            return max(0.0, float(ra))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(ra).timestamp() - now)
            except (TypeError, ValueError):
                pass
    reset = h("X-RateLimit-Reset")          # Mastodon: ISO 8601
    if reset:
        try:
            dt = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
            return max(0.0, dt.timestamp() - now)
        except ValueError:
            try:
                return _epoch_or_delta(float(reset), now)
            except ValueError:
                pass
    reset = h("RateLimit-Reset")            # Bluesky: epoch seconds
    if reset:
        try:
            return _epoch_or_delta(float(reset), now)
        except ValueError:
            pass
    return None


def _epoch_or_delta(value: float, now: float) -> float:
    # the IETF draft uses delta-seconds; Bluesky sends an epoch: tell them apart by size
    if value > 1_000_000_000:
        return max(0.0, value - now)
    return max(0.0, value)


def _remaining(headers) -> int | None:
    for name in ("X-RateLimit-Remaining", "RateLimit-Remaining"):
        v = headers.get(name)
        if v is not None:
            try:
                return int(float(v.decode("latin-1")))
            except ValueError:
                return None
    return None


RETRY_EXCEPTIONS = (TimeoutError, TCPTimedOutError, ConnectError, ConnectionLost, DNSLookupError,
                    ResponseFailed, IOError)


class RateLimitMiddleware:
    """429 and 5xx with waits the server asks for; transient errors with backoff; JSON checked.

    A response whose request says ``meta['json']`` is parsed here once (the
    result rides in ``meta['_json']``), so a truncated body is retried like a
    network error instead of failing in the spider.
    """

    RETRY_STATUSES = {500, 502, 503, 504, 522, 524, 408}

    def __init__(self, crawler):
        s = crawler.settings
        self.crawler = crawler
        self.retries = s.getint("PANTAU_RETRIES", 3)
        self.max_wait = s.getfloat("PANTAU_MAX_RETRY_WAIT", 900.0)
        self.backoff = s.getfloat("PANTAU_RETRY_BACKOFF", 0.5)
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        host = urlsplit(request.url).netloc
        until = self.paused_until.get(host)
        if until:
            delay = until - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
        return None

    def _pause(self, request, wait: float) -> None:
        host = urlsplit(request.url).netloc
        self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.time() + wait)

    def _retry(self, request, reason: str, wait: float, spider):
        n = request.meta.get("pantau_retries", 0) + 1
        st = _stats(spider, request)
        if n > self.retries:
            if st is not None:
                st["last_error"] = f"gave up after {self.retries} retries: {reason}"
            return None
        if wait > self.max_wait:
            if st is not None:
                st["last_error"] = (f"{reason}: the server asks to wait {wait:.0f} s, "
                                    f"more than [crawl] max_retry_wait ({self.max_wait:.0f} s)")
            return None
        if st is not None:
            st["retries"] += 1
        self.crawler.stats.inc_value("pantau/retries")
        self.crawler.stats.inc_value(f"pantau/retries/{reason.split(':')[0]}")
        log.info("retry %d/%d of %s in %.1f s (%s)", n, self.retries, request.url, wait, reason)
        self._pause(request, wait)
        r = request.replace(dont_filter=True)
        r.meta["pantau_retries"] = n
        r.meta.pop("_json", None)
        return r

    def process_response(self, request, response, spider=None):
        spider = spider or self.crawler.spider
        now = time.time()
        status = response.status
        if status == 429:
            wait = _parse_wait(response.headers, now)
            if wait is None:
                wait = self.backoff * 2 ** request.meta.get("pantau_retries", 0)
            r = self._retry(request, "429: rate limited", wait, spider)
            return r or response
        if status in self.RETRY_STATUSES:
            wait = _parse_wait(response.headers, now)
            if wait is None:
                wait = self.backoff * 2 ** request.meta.get("pantau_retries", 0)
            r = self._retry(request, f"{status}: server error", wait, spider)
            return r or response
        remaining = _remaining(response.headers)
        if remaining is not None and remaining <= 0:
            wait = _parse_wait(response.headers, now)
            if wait:
                self._pause(request, min(wait, self.max_wait))
        if request.meta.get("json") and status < 300:
            try:
                request.meta["_json"] = loads(response.body)
            except (ValueError, UnicodeDecodeError):
                wait = self.backoff * 2 ** request.meta.get("pantau_retries", 0)
                r = self._retry(request, "bad JSON: truncated or malformed body", wait, spider)
                if r is not None:
                    return r
                request.meta["_json_error"] = "the body is not valid JSON (truncated?)"
        return response

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, IgnoreRequest):
            return None
        if isinstance(exception, RETRY_EXCEPTIONS) or "timeout" in type(exception).__name__.lower():
            spider = spider or self.crawler.spider
            wait = self.backoff * 2 ** request.meta.get("pantau_retries", 0)
            return self._retry(request, f"network: {type(exception).__name__}", wait, spider)
        return None
