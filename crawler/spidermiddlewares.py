"""The spider middleware that turns errors into account status: one place decides what a failure means.

Spiders do not catch their own failures: a callback raises
(``StopAccount``, ``RequestFailed``, or anything a payload we cannot read
throws), a download fails (retries spent, a refused host, the budget spent,
robots.txt), or the pipeline drops an invalid record. :func:`describe` maps
each to a status (``failed`` or ``budget``), a message that names the cause,
and whether it counts as an error; :class:`AccountStatusMiddleware` records it
in ``crawler.stats`` when the ``account_failed`` signal says so, and handles
the exceptions of callbacks itself (``process_spider_exception``). Download
failures never reach a spider middleware in Scrapy (they go to the request's
errback), so ``PlatformSpider``'s errback sends the same signal with the same
:func:`describe`.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import accountstats, signals
from crawler.exceptions import Refused, RequestFailed, StopAccount

log = logging.getLogger(__name__)


def describe(exc: BaseException, request, stats) -> tuple[str, str, bool]:
    """(status, message, counts as an error) of a failure of ``request``."""
    url = getattr(request, "url", "")
    aid = request.meta.get("account_id") if request is not None else None
    last = accountstats.last_error(stats, aid) if aid is not None else None
    if isinstance(exc, StopAccount):
        return exc.status, str(exc), False
    if isinstance(exc, Refused):
        return exc.status, str(exc), exc.status == "failed"
    if isinstance(exc, RequestFailed):
        return "failed", str(exc), True
    if isinstance(exc, HttpError):
        return "failed", last or f"HTTP {exc.response.status} from {url}", True
    if isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
        return "failed", f"forbidden by robots.txt: {url}", True
    return "failed", last or f"{type(exc).__name__}: {exc} ({url})", True


class AccountStatusMiddleware:
    """Records account failures in ``crawler.stats`` and maps the exceptions of callbacks to them."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.account_failed, signal=signals.account_failed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def account_failed(self, account_id: int, status: str, message: str) -> None:
        accountstats.set_status(self.stats, account_id, status, message)

    def process_spider_exception(self, response, exception, spider=None):
        if isinstance(exception, CloseSpider):
            return None
        request = response.request
        aid = request.meta.get("account_id") if request is not None else None
        if aid is None:
            return None
        status, message, error = describe(exception, request, self.stats)
        if error:
            accountstats.inc(self.stats, aid, "errors")
        if not isinstance(exception, (StopAccount, RequestFailed, HttpError, IgnoreRequest)):
            # a payload we cannot read: worth its traceback in the log
            log.error("error in %s", response.url, exc_info=exception)
        self.crawler.signals.send_catch_log(signals.account_failed, account_id=aid, status=status,
                                            message=message)
        return []
