"""PlatformSpider: what every spider needs, and nothing more.

Its accounts, where their requests go (base_url), the since-date and look-back
window, the completion bookkeeping that decides when a post or an account is
*completely* fetched (so its cursor may advance), and the records it yields.
Spiders only yield requests and ``Batch`` items: the pipeline writes, the
downloader middlewares retry and count, the spider middleware turns failures
into account status, ``crawler.extensions.RunStats`` reports. Spiders of JSON
APIs extend :class:`crawler.spiders.api.ApiSpider` (counts-based planning).
"""

from __future__ import annotations

import html
import logging
import re
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable
from urllib.parse import urlsplit

import scrapy

from crawler import accountstats, signals
from crawler.completion import Completion
from crawler.exceptions import RequestFailed, StopAccount
from crawler.items import Batch
from storage.records import Actor, Interaction

log = logging.getLogger(__name__)


def origin_of(url: str | None) -> str | None:
    if not url:
        return None
    u = urlsplit(url.strip())
    if u.scheme in ("http", "https") and u.netloc:
        return f"{u.scheme}://{u.netloc}"
    return None


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 (``Z`` or offset) -> aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)


def html_to_text(value: str | None) -> str | None:
    """Mastodon and YouTube send HTML; people are matched on what was written, not markup."""
    if value is None:
        return None
    text = _BREAK.sub("\n", value)
    text = _TAG.sub("", text)
    return html.unescape(text).strip()


_ID_SEGMENT = re.compile(r"/\d{3,}(?=/|$)")


def endpoint_pattern(path: str) -> str:
    """A path with its ids (numeric segments of 3 digits or more; not a version such as X's
    ``/2/``) as ``:id``: the endpoint a rate limit counts."""
    return _ID_SEGMENT.sub("/:id", path)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")



class PlatformSpider(scrapy.Spider):
    """Base of every Pantau spider. Subclasses set ``name``, ``platform`` and ``DEFAULT_BASE_URL``.

    Built with ``accounts`` (rows of ``storage.queries.accounts.crawl_targets``);
    everything else comes from the crawl's settings, read once in
    :meth:`from_crawler`. Completion: every request made through :meth:`request`
    is pending for its account and (if any) its post; when the last pending
    piece of a post ends without failure, :meth:`post_complete` yields the cursor
    that records it as fetched; when an account's last one ends, the account is
    stamped as crawled. A failure anywhere keeps the old cursors.
    """

    name = "platform"
    platform = ""
    DEFAULT_BASE_URL: str | None = None
    #: hosts of the platform's web pages, which are not where its API lives
    WEB_HOSTS: tuple[str, ...] = ()
    #: statuses the callbacks handle themselves (others fail the request)
    HANDLED_STATUSES: tuple[int, ...] = (400, 401, 403, 404, 410)
    #: what one of the platform's rate limits covers, so the retry middleware pauses no more than
    #: that: "host" (Mastodon, Bluesky: a limit per server and token) or "endpoint" (X: "each
    #: endpoint has its own limit")
    RATE_LIMIT_SCOPE = "host"
    #: a 5xx means "overloaded, wait and retry" (X): [crawl] server_error_retries and
    #: server_error_backoff apply instead of retries and the short backoff
    PATIENT_SERVER_ERRORS = False

    def __init__(self, *args, accounts: list[dict] | None = None, **kw):
        super().__init__(*args, **kw)
        self.accounts = {a["id"]: a for a in (accounts or [])}
        self.completion = Completion()
        self.post_done_state: dict[tuple[int, str], dict] = {}
        self.account_done_patch: dict[int, dict] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kw):
        spider = super().from_crawler(crawler, *args, **kw)
        spider.configure(crawler.settings)
        crawler.signals.connect(spider._account_failed, signal=signals.account_failed)
        return spider

    def configure(self, settings) -> None:
        """Read the crawl's settings (once, when the crawler builds the spider)."""
        self.lookback_days = settings.getint("PANTAU_LOOKBACK_DAYS", 30)
        self.full_pass_days = settings.getint("PANTAU_FULL_PASS_DAYS", 7)
        self.default_since = settings.get("PANTAU_SINCE")
        self.db_path = settings.get("PANTAU_DB_PATH")
        today = settings.get("PANTAU_TODAY")
        self.now = utcnow() if not today else datetime.fromisoformat(today).replace(tzinfo=timezone.utc)
        #: this platform's ``[platforms.NAME]`` values (base_url, page_size, api_key_env, ...)
        self.pconf = dict((settings.getdict("PANTAU_PLATFORMS") or {}).get(self.platform) or {})

    # ---- per-account figures and failures (kept in crawler.stats) -----------------------
    def fail_account(self, account_id: int, message: str, status: str = "failed") -> None:
        """The account could not be (fully) collected; its summary names why."""
        self.crawler.signals.send_catch_log(signals.account_failed, account_id=account_id, status=status,
                                            message=message)

    def _account_failed(self, account_id: int, status: str, message: str) -> None:
        if account_id in self.accounts:
            self.completion.fail_account(account_id)
            self.logger.warning("%s %s: %s", self.platform, self.accounts[account_id].get("handle"), message)

    def note(self, account_id: int, what: str, n: int = 1) -> None:
        """Expected conditions worth counting (comments disabled, followers hidden)."""
        accountstats.note(self.crawler.stats, account_id, what, n)

    def count(self, account_id: int, figure: str, n: int = 1) -> None:
        """Add to one of the account's figures (``crawler.accountstats.COUNTERS``)."""
        accountstats.inc(self.crawler.stats, account_id, figure, n)

    def is_finished(self, account_id: int) -> bool:
        return accountstats.finished(self.crawler.stats, account_id)

    # ---- where requests go --------------------------------------------------------------
    def base_url(self, account: dict) -> str | None:
        """The API origin: the account's url, then [platforms.NAME] base_url, then the default."""
        own = origin_of(account.get("url"))
        if own and urlsplit(own).hostname not in self.WEB_HOSTS:
            return own
        if self.pconf.get("base_url"):
            return self.pconf["base_url"].rstrip("/")
        fallback = self.handle_origin(account)
        if fallback:
            return fallback
        return self.DEFAULT_BASE_URL

    def handle_origin(self, account: dict) -> str | None:
        return None

    def rate_limit_scope(self, url: str) -> str:
        """The key of the rate limit ``url`` counts against (``RATE_LIMIT_SCOPE``): the host, or
        the host and the endpoint's path with its ids left out (``/2/tweets/:id/liking_users``)."""
        u = urlsplit(url)
        if self.RATE_LIMIT_SCOPE != "endpoint":
            return u.netloc
        return u.netloc + endpoint_pattern(u.path)

    def web_origin(self, account: dict, default: str) -> str:
        """Where people see the posts: the account's own url's origin, else the platform's site."""
        return origin_of(account.get("url")) or default

    # ---- time window --------------------------------------------------------------------
    def since(self, account: dict) -> datetime:
        """The campaign start: the account's ``since``, else [crawl] since, else the look-back."""
        value = account.get("since") or self.default_since
        if value:
            d = date.fromisoformat(str(value)[:10])
            return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
        return self.now - timedelta(days=self.lookback_days)

    def cutoff(self, account: dict) -> datetime:
        """How far back posts are listed in this run.

        The first run (no completed listing yet) goes back to the since-date;
        later runs only as far as the look-back window, posts older than that
        are settled.
        """
        since = self.since(account)
        if not account.get("cursors", {}).get("listed"):
            return since
        return max(since, self.now - timedelta(days=self.lookback_days))

    def full_pass(self, account: dict) -> bool:
        """A full pass re-fetches every post in the window, whatever its counts say."""
        last = parse_time(account.get("last_full_pass_at"))
        return last is None or self.now - last >= timedelta(days=self.full_pass_days)

    def kinds(self, account: dict) -> set[str]:
        from storage.records import COLLECT_KINDS, KINDS
        collect = account.get("collect") or []
        if not collect:
            return set(KINDS)
        return {k for c in collect for k in COLLECT_KINDS.get(c, ())}

    # ---- requests and completion ----------------------------------------------------------
    def request(self, url: str, callback: Callable, account: dict, *, post: str | None = None,
                meta: dict | None = None, json: bool = True, **kw) -> scrapy.Request:
        aid = account["id"]
        self.completion.add(aid, post)
        m = {"account_id": aid, "post_key": post, "json": json,
             "handle_httpstatus_list": list(self.HANDLED_STATUSES), **(meta or {})}
        return scrapy.Request(url, callback=self._wrap(callback), errback=self._errback, meta=m,
                              dont_filter=kw.pop("dont_filter", True), **kw)

    def _wrap(self, cb: Callable) -> Callable:
        key = getattr(cb, "__func__", cb)
        cache = self.__dict__.setdefault("_wrapped", {})
        if key not in cache:
            cache[key] = self._make_wrapper(cb)
        return cache[key]

    def _make_wrapper(self, cb: Callable) -> Callable:
        def callback(response):
            meta = response.meta
            try:
                if response.status >= 400:
                    out = list(self.on_error_response(response) or ())
                else:
                    if meta.get("_json_error"):
                        raise RequestFailed(f"{response.url}: {meta['_json_error']}")
                    out = list(cb(response) or ())
            except Exception:
                # the part is not complete; AccountStatusMiddleware says why (CloseSpider passes)
                yield from self._release(meta, False)
                raise
            yield from out
            yield from self._release(meta, True)
        callback.__name__ = getattr(cb, "__name__", "callback")
        return callback

    def _errback(self, failure):
        """A download failed for good (retries spent, refused, robots.txt): the account says why."""
        from crawler.spidermiddlewares import describe
        request = failure.request
        aid = request.meta["account_id"]
        status, message, error = describe(failure.value, request, self.crawler.stats)
        if error:
            self.count(aid, "errors")
        self.fail_account(aid, message, status)
        yield from self._release(request.meta, False)

    def _release(self, meta: dict, ok: bool) -> Iterable:
        aid = meta["account_id"]
        post = meta.get("post_key")
        post_done, account_done = self.completion.release(aid, post, ok)
        if post_done:
            yield from self.post_complete(self.accounts[aid], post)
        if account_done:
            yield from self.account_complete(self.accounts[aid])

    def hold(self, account: dict, post: str | None = None) -> None:
        """Count work that is not a request (e.g. a post waiting for its listing) as pending."""
        self.completion.add(account["id"], post)

    def release(self, account: dict, post: str | None = None, ok: bool = True) -> Iterable:
        return self._release({"account_id": account["id"], "post_key": post}, ok)

    def on_error_response(self, response) -> Iterable:
        """A 4xx the spider receives (platforms override to read their error bodies)."""
        raise RequestFailed(f"HTTP {response.status} from {response.url}: {response.text[:200]!r}")

    def post_complete(self, account: dict, post: str) -> Iterable:
        """Yield the Batch that records ``post`` as completely fetched."""
        state = self.post_done_state.pop((account["id"], post), None)
        if state is not None:
            yield Batch(account_id=account["id"], platform=self.platform, post_cursors={post: state})

    def listed_fully(self, account: dict) -> bool:
        """Whether this run read the account's window to its end, so later runs may look back
        only ``lookback_days`` (``cursors.listed``); a spider that stopped at a limit says no."""
        return True

    def account_complete(self, account: dict) -> Iterable:
        patch = dict(self.account_done_patch.pop(account["id"], {}))
        if self.listed_fully(account):
            patch["listed"] = True
        accountstats.mark_finished(self.crawler.stats, account["id"])
        yield Batch(account_id=account["id"], platform=self.platform, account_cursors=patch,
                    done=True, full_pass=self.full_pass(account))

    # ---- records ---------------------------------------------------------------------------
    def interaction(self, account: dict, kind: str, actor: Actor, **kw) -> Interaction:
        return Interaction(platform=self.platform, kind=kind,
                           target_account=account.get("display_handle") or account["handle"],
                           actor=actor, **kw)

    def batch(self, account: dict, interactions=(), posts=(), **kw) -> Batch:
        # posts count too: a quiet night still reads the account's posts, a broken source reads nothing
        self.count(account["id"], "items", len(interactions) + len(posts))
        return Batch(account_id=account["id"], platform=self.platform,
                     interactions=list(interactions), posts=list(posts), **kw)


__all__ = ["PlatformSpider", "RequestFailed", "StopAccount", "html_to_text", "iso", "origin_of",
           "parse_time", "utcnow"]
