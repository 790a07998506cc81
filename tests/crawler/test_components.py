"""The crawler's components on real Scrapy objects (settings, stats, signals), without a network.

A whole crawl runs in a child process (the other tests here); these build each
component the way Scrapy does, ``from_crawler`` on a ``Crawler`` with the
settings ``crawler.settings.scrapy_settings`` makes, and check what it counts
in ``crawler.stats`` and what it decides.
"""

from __future__ import annotations

import time

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (DownloadConnectionRefusedError, DownloadFailedError, DownloadTimeoutError,
                               ResponseDataLossError)
from scrapy.http import Headers, TextResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import build_from_crawler
from twisted.internet.error import ConnectionLost

from crawler import accountstats, signals
from crawler.exceptions import Refused, StopAccount
from crawler.middlewares import AllowedHostsMiddleware, BudgetMiddleware, RetryMiddleware
from crawler.settings import scrapy_settings
from crawler.spidermiddlewares import AccountStatusMiddleware
from crawler.spiders.mastodon import MastodonSpider


def make_crawler(**crawl) -> Crawler:
    settings = Settings(scrapy_settings({"crawl": {"retries": 2, **crawl}, "retry_backoff": 0.01}))
    crawler = Crawler(MastodonSpider, settings)
    crawler.stats = MemoryStatsCollector(crawler)
    crawler.spider = MastodonSpider.from_crawler(crawler, accounts=[{"id": 7, "platform": "mastodon",
                                                                      "handle": "@a@warga.example"}])
    return crawler


def req(url="http://127.0.0.1:9/api/v1/x", **meta) -> Request:
    return Request(url, meta={"account_id": 7, **meta})


@pytest.mark.parametrize("exc", [ResponseDataLossError(), DownloadFailedError("cut"), DownloadTimeoutError("t"),
                                 DownloadConnectionRefusedError("no"), ConnectionLost()])
def test_every_transient_network_error_is_retried_then_given_up_by_name(exc):
    crawler = make_crawler()
    mw = build_from_crawler(RetryMiddleware, crawler)
    r = req()
    for n in (1, 2):
        r = mw.process_exception(r, exc)
        assert isinstance(r, Request) and r.meta["retry_times"] == n
    assert mw.process_exception(r, exc) is None
    assert accountstats.get(crawler.stats, 7, "retries") == 2
    assert crawler.stats.get_value("retry/count") == 2          # Scrapy's own figures, from get_retry_request
    assert accountstats.last_error(crawler.stats, 7).startswith("gave up after 2 retries: ")
    assert type(exc).__name__ in accountstats.last_error(crawler.stats, 7)


def test_a_programming_error_is_not_retried():
    crawler = make_crawler()
    mw = build_from_crawler(RetryMiddleware, crawler)
    assert mw.process_exception(req(), ValueError("bug")) is None
    assert accountstats.get(crawler.stats, 7, "retries") == 0


def test_429_waits_until_the_reset_header_and_pauses_the_host():
    crawler = make_crawler()
    mw = build_from_crawler(RetryMiddleware, crawler)
    reset = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 4))
    resp = TextResponse("http://127.0.0.1:9/api/v1/x", status=429,
                        headers=Headers({"X-RateLimit-Reset": reset, "X-RateLimit-Remaining": "0"}))
    r = mw.process_response(req(), resp)
    assert isinstance(r, Request)
    # until the reset, plus a second's margin for clocks that differ (crawler.middlewares.RESET_MARGIN)
    assert 3.0 < mw.paused_until["127.0.0.1:9"] - time.time() <= 5.5
    # a wait longer than max_retry_wait gives up at once and says why
    resp = TextResponse("http://127.0.0.1:9/api/v1/x", status=503, headers=Headers({"Retry-After": "3600"}))
    assert mw.process_response(req(), resp) is resp
    assert "max_retry_wait" in accountstats.last_error(crawler.stats, 7)


def test_a_cut_json_body_is_retried_and_then_marked():
    crawler = make_crawler()
    mw = build_from_crawler(RetryMiddleware, crawler)
    r = req(json=True)
    for _ in range(2):
        r = mw.process_response(r, TextResponse(r.url, body=b'{"id": "1', request=r))
        assert isinstance(r, Request)
    resp = TextResponse(r.url, body=b'{"id": "1', request=r)
    assert mw.process_response(r, resp) is resp and r.meta["_json_error"]
    ok = req(json=True)
    mw.process_response(ok, TextResponse(ok.url, body=b'{"id": "1"}', request=ok))
    assert ok.meta["_json"] == {"id": "1"}


def test_two_crawls_in_one_process_share_nothing():
    a = make_crawler(allowed_hosts=["127.0.0.1"], budget=1)
    b = make_crawler(allowed_hosts=["localhost"], budget=5)
    ma, mb = AllowedHostsMiddleware.from_crawler(a), AllowedHostsMiddleware.from_crawler(b)
    with pytest.raises(Refused):
        ma.process_request(req("http://localhost:9/x"))
    with pytest.raises(Refused):
        mb.process_request(req("http://127.0.0.1:9/x"))
    # the browser's request filter is a value of each crawl's settings, not a module global
    fa, fb = a.settings["PLAYWRIGHT_ABORT_REQUEST"], b.settings["PLAYWRIGHT_ABORT_REQUEST"]

    class BrowserRequest:
        resource_type = "script"
        url = "http://localhost:9/app.js"
    assert fa(BrowserRequest()) is True and fb(BrowserRequest()) is False
    # budgets count in each crawler's own stats
    ba, bb = BudgetMiddleware.from_crawler(a), BudgetMiddleware.from_crawler(b)
    ba.process_request(req())
    with pytest.raises(Refused) as spent:
        ba.process_request(req())
    assert spent.value.status == "budget"
    bb.process_request(req())
    bb.process_request(req())
    assert accountstats.get(a.stats, 7, "requests") == 1 and accountstats.get(b.stats, 7, "requests") == 2


def test_failures_become_account_status_worst_first_first_message_kept():
    crawler = make_crawler()
    mw = AccountStatusMiddleware.from_crawler(crawler)
    r = req()
    resp = TextResponse(r.url, body=b"{}", request=r)
    assert mw.process_spider_exception(resp, StopAccount("not found"), None) == []
    assert accountstats.status(crawler.stats, 7) == "failed"
    crawler.signals.send_catch_log(signals.account_failed, account_id=7, status="budget", message="later")
    fig = accountstats.report(crawler.stats, 7)
    assert fig["status"] == "failed" and fig["message"] == "not found" and fig["errors"] == 0
    mw.process_spider_exception(resp, KeyError("id"), None)       # a payload we cannot read: an error
    assert accountstats.get(crawler.stats, 7, "errors") == 1
    # the spider heard it too: the account's cursors will not advance
    assert crawler.spider.completion.account_failed(7)


def x_crawler(**crawl) -> Crawler:
    from crawler.spiders.x import XSpider
    settings = Settings(scrapy_settings({"crawl": {"retries": 2, **crawl}, "retry_backoff": 0.01}))
    crawler = Crawler(XSpider, settings)
    crawler.stats = MemoryStatsCollector(crawler)
    crawler.spider = XSpider.from_crawler(crawler, accounts=[{"id": 7, "platform": "x", "handle": "a"}])
    return crawler


def test_x_pauses_one_endpoint_and_never_retries_the_usage_cap():
    crawler = x_crawler()
    mw = build_from_crawler(RetryMiddleware, crawler)
    likes = "http://127.0.0.1:9/2/tweets/2128581478441852988/liking_users?max_results=100"
    reset = str(int(time.time()) + 3)
    spent = TextResponse(likes, status=200, body=b"{}", headers=Headers({
        "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}))
    mw.process_response(req(likes), spent)
    assert mw.paused_until == {"127.0.0.1:9/2/tweets/:id/liking_users": pytest.approx(int(reset) + 1.0, abs=0.1)}
    assert mw.scope(req("http://127.0.0.1:9/2/users/by/username/calonsatu")) == \
        "127.0.0.1:9/2/users/by/username/:username"
    # a 429 with requests left: a short backoff of that request, nothing paused until the reset
    busy = TextResponse(likes, status=429, body=b'{"title": "Too Many Requests"}', headers=Headers({
        "x-rate-limit-remaining": "12", "x-rate-limit-reset": str(int(time.time()) + 600)}))
    r = mw.process_response(req(likes), busy)
    assert isinstance(r, Request) and r.meta["_not_before"] - time.time() < 1.0
    assert len(mw.paused_until) == 1
    capped = TextResponse(likes, status=429, body=(
        b'{"title": "UsageCapExceeded", "type": "https://api.twitter.com/2/problems/usage-capped"}'),
        headers=Headers({"x-rate-limit-remaining": "39999", "x-rate-limit-reset": str(int(time.time()) + 600)}))
    assert mw.process_response(req(likes), capped) is capped
    assert accountstats.get(crawler.stats, 7, "retries") == 1
    # once the spider stops the platform, the budget middleware sends nothing more
    accountstats.stop_all(crawler.stats, "usage cap spent")
    with pytest.raises(Refused, match="usage cap spent"):
        BudgetMiddleware.from_crawler(crawler).process_request(req(likes))
