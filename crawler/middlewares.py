"""Downloader middlewares: the allowed-hosts guard, the per-account budget, retries with waits.

Each reads its settings once in ``from_crawler`` and counts per account in
``crawler.stats`` (``crawler.accountstats``). Retries are Scrapy's own
(``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``get_retry_request``)
plus what Scrapy's ``RetryMiddleware`` does not do: it waits as the server asks
(``Retry-After``, ``X-RateLimit-Reset`` as ISO 8601, ``RateLimit-Reset`` as epoch
seconds, plus a second's margin for clocks that differ), pauses what the limit covers
meanwhile (the host, or one endpoint where the spider says limits are per endpoint),
caps each wait at ``[crawl] max_retry_wait``, and retries a JSON body that does not
parse (cut short). A 4xx that the spider's ``rate_limited`` calls a rate limit (YouTube's
403 ``rateLimitExceeded``) is retried like a 429. A 429 that says a quota is spent (the
spider's ``quota_spent``) is never retried; once a spider says the platform's quota is spent for the run
(:func:`crawler.accountstats.stop_all`), the budget middleware sends nothing more.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware as ScrapyRetryMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.utils.python import global_object_name
from scrapy.utils.response import response_status_message

from crawler import accountstats
from crawler.exceptions import Refused
from crawler.hosts import host_allowed

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


class AllowedHostsMiddleware:
    """When ``[crawl] allowed_hosts`` is set, every request to another host is refused."""

    def __init__(self, allowed: list[str]):
        self.allowed = [h.lower() for h in allowed]

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

    def __init__(self, budget: int, stats):
        self.budget = budget
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("PANTAU_BUDGET", 2000), crawler.stats)

    def process_request(self, request, spider=None):
        aid = request.meta.get("account_id")
        if aid is None:
            return None
        stopped = accountstats.stopped(self.stats)
        if stopped is not None:
            # the platform's own quota is spent (X: usage-capped): no request of the run may go out
            raise Refused(stopped[1], status=stopped[0])
        if accountstats.get(self.stats, aid, "requests") >= self.budget:
            raise Refused(f"request budget of {self.budget} spent", status="budget")
        accountstats.inc(self.stats, aid, "requests")
        return None


#: seconds added to a wait until a reset time: the server's clock and ours differ, and a retry
#: sent on the reset second may still count in the old window (tweepy adds 1 s, twarc 10 s)
RESET_MARGIN = 1.0


def parse_wait(headers, now: float, resets: bool = True) -> float | None:
    """Seconds to wait according to ``Retry-After`` or (``resets``) the rate-limit reset headers.

    A wait until a reset time gets :data:`RESET_MARGIN` on top; ``Retry-After`` is taken as
    given (it is a duration the server chose)."""
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
    if not resets:
        return None
    wait = _reset_wait(h, now)
    return None if wait is None else wait + RESET_MARGIN


def _reset_wait(h, now: float) -> float | None:
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
    reset = h("x-rate-limit-reset")         # X: epoch seconds (X sends no Retry-After)
    if reset:
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
    for name in ("X-RateLimit-Remaining", "RateLimit-Remaining", "x-rate-limit-remaining"):
        v = headers.get(name)
        if v is not None:
            try:
                return int(float(v.decode("latin-1")))
            except ValueError:
                return None
    return None


class RetryMiddleware(ScrapyRetryMiddleware):
    """Scrapy's retries, waiting as the server asks, counted per account; JSON checked.

    Retried: the statuses of ``RETRY_HTTP_CODES`` (429 and 5xx), every exception
    of ``RETRY_EXCEPTIONS`` (Scrapy's list: timeouts, refused and lost
    connections, a body cut off mid-way, ``ResponseDataLossError``), and a body
    that a request marked ``meta['json']`` cannot parse. The wait before a retry
    is the server's (``Retry-After`` or a reset header) or exponential backoff
    (``PANTAU_RETRY_BACKOFF`` × 2^n); what the limit covers is paused meanwhile
    (:meth:`scope`). A wait over ``PANTAU_MAX_RETRY_WAIT`` gives up at once.

    Not every 429 is the window's limit: one whose body says a quota is spent
    (the spider's ``quota_spent(response)``, X's monthly ``usage-capped``) is handed
    to the spider at once, and one that says requests remain
    (``x-rate-limit-remaining`` > 0, no ``Retry-After``: too many at once) is retried
    after a short backoff of that request alone, not after the reset. A status Scrapy does not
    retry is retried like a 429 when the spider's ``rate_limited(response)`` says it is a rate
    limit (Google answers "too fast" with 403 ``rateLimitExceeded``, no Retry-After: backoff).
    A spider with
    ``PATIENT_SERVER_ERRORS`` (X: "503 overloaded, wait and retry") gets
    ``PANTAU_SERVER_ERROR_RETRIES`` retries of a 5xx at ``PANTAU_SERVER_ERROR_BACKOFF``
    × 2^n; a 5xx waits for ``Retry-After`` only, never for a rate-limit reset.

    A parsed body rides in ``meta['_json']`` (the spider does not parse twice);
    one that still does not parse after the last retry sets ``meta['_json_error']``.
    """

    def __init__(self, settings, stats):
        super().__init__(settings)
        self.stats = stats
        self.max_wait = settings.getfloat("PANTAU_MAX_RETRY_WAIT", 900.0)
        self.backoff = settings.getfloat("PANTAU_RETRY_BACKOFF", 0.5)
        self.server_error_retries = settings.getint("PANTAU_SERVER_ERROR_RETRIES", 6)
        self.server_error_backoff = settings.getfloat("PANTAU_SERVER_ERROR_BACKOFF", 2.0)
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        o = cls(crawler.settings, crawler.stats)
        o.crawler = crawler
        return o

    @property
    def spider(self):
        return getattr(self.crawler, "spider", None)

    def scope(self, request) -> str:
        """What one rate limit covers: the host, unless the spider names a narrower scope
        (``rate_limit_scope(url)``; X limits each endpoint on its own)."""
        scope = getattr(self.spider, "rate_limit_scope", None)
        return scope(request.url) if scope is not None else urlsplit(request.url).netloc

    async def process_request(self, request, spider=None):
        until = max(self.paused_until.get(self.scope(request), 0.0), request.meta.get("_not_before", 0.0))
        if until:
            delay = until - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
        return None

    def _pause(self, request, wait: float) -> None:
        key = self.scope(request)
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), time.time() + wait)

    def retry_after(self, request, reason: str | Exception, wait: float | None, *, pause: bool = True,
                    max_times: int | None = None, backoff: float | None = None):
        """The retry of ``request`` after ``wait`` seconds (None: backoff), or None to give up.

        ``pause``: hold everything the limit covers (:meth:`scope`) meanwhile, else only this
        request; ``max_times`` and ``backoff``: the patience for this kind of failure."""
        aid = request.meta.get("account_id")
        label = reason if isinstance(reason, str) else global_object_name(type(reason)) + (
            f": {reason}" if str(reason) else "")
        if wait is None:
            wait = (self.backoff if backoff is None else backoff) * 2 ** request.meta.get("retry_times", 0)
        times = request.meta.get("max_retry_times", self.max_retry_times)
        if max_times is not None:
            times = max(times, max_times)
        if wait > self.max_wait:
            if aid is not None:
                accountstats.last_error(self.stats, aid, (
                    f"{label}: the server asks to wait {wait:.0f} s, more than [crawl] max_retry_wait "
                    f"({self.max_wait:.0f} s)"))
            return None
        new = get_retry_request(request, spider=self.spider, reason=reason, max_retry_times=times,
                                give_up_log_level=self.give_up_log_level)
        if new is None:
            if aid is not None:
                accountstats.last_error(self.stats, aid, f"gave up after {times} retries: {label}")
            return None
        if aid is not None:
            accountstats.inc(self.stats, aid, "retries")
        log.info("retry %d/%d of %s in %.1f s (%s)", new.meta["retry_times"], times, request.url, wait, label)
        if pause:
            self._pause(request, wait)
        else:
            new.meta["_not_before"] = time.time() + wait
        new.meta.pop("_json", None)
        new.meta.pop("_json_error", None)
        return new

    def quota_spent(self, response) -> bool:
        check = getattr(self.spider, "quota_spent", None)
        return bool(check is not None and check(response))

    def rate_limited(self, response) -> bool:
        check = getattr(self.spider, "rate_limited", None)
        return bool(check is not None and check(response))

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False):
            return response
        status = response.status
        remaining = _remaining(response.headers)
        if 400 <= status < 500 and status not in self.retry_http_codes and self.rate_limited(response):
            wait = parse_wait(response.headers, time.time())
            return self.retry_after(request, f"{response_status_message(status)} (rate limit)", wait) or response
        if status in self.retry_http_codes:
            reason = response_status_message(status)
            if status == 429 and self.quota_spent(response):
                return response         # the month's quota: no retry, no wait; the spider says what waits
            if status == 429 and remaining and not response.headers.get("Retry-After"):
                # requests remain in the window: not its limit (too many at once); twarc sleeps a
                # little, so does this request, and nothing else is held up until the reset
                return self.retry_after(request, reason, None, pause=False) or response
            if status >= 500:
                patient = getattr(self.spider, "PATIENT_SERVER_ERRORS", False)
                wait = parse_wait(response.headers, time.time(), resets=False)
                return self.retry_after(request, reason, wait,
                                        max_times=self.server_error_retries if patient else None,
                                        backoff=self.server_error_backoff if patient else None) or response
            wait = parse_wait(response.headers, time.time())
            return self.retry_after(request, reason, wait) or response
        if remaining is not None and remaining <= 0:
            wait = parse_wait(response.headers, time.time())
            if wait and wait <= self.max_wait:     # a longer wait: the next 429 says so, the account is deferred
                self._pause(request, wait)
        if request.meta.get("json") and status < 300:
            try:
                request.meta["_json"] = loads(response.body)
            except (ValueError, UnicodeDecodeError):
                r = self.retry_after(request, "bad JSON: truncated or malformed body", None)
                if r is not None:
                    return r
                request.meta["_json_error"] = "the body is not valid JSON (truncated?)"
        return response

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            return self.retry_after(request, exception, None)
        return None
