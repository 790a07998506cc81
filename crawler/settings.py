"""Plain values from ``pantau.toml`` (as the JSON config the parent builds) -> Scrapy settings.

Everything polite is on by default: per-domain concurrency, AutoThrottle, a
delay, bounded retries with backoff that honour 429 and rate-limit headers, an
honest user agent. Benchmarks lift these through their own workspace's
``pantau.toml``, never through code.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings as _scrapy_defaults

from crawler.hosts import BrowserRequestFilter
from crawler.identity import CHROMIUM_ARGS, USER_AGENT, chromium_path

#: Defaults of the [crawl] section, so the crawler runs from a partial config (tests).
CRAWL_DEFAULTS: dict[str, Any] = {
    "since": None, "lookback_days": 30, "concurrency": 4, "budget": 2000,
    "user_agent": USER_AGENT,
    "allowed_hosts": [], "autothrottle": True, "download_delay": 0.25, "timeout": 30.0,
    "retries": 3, "max_retry_wait": 900.0, "server_error_retries": 6, "server_error_backoff": 2.0, "full_pass_days": 7, "live_thread_days": 2.0, "live_threads": 5,
    "obey_robots": True,
}


#: Scrapy components a crawl child never uses. Scrapy imports every listed component to ask
#: whether it is configured, so they are left out of the ``*_BASE`` lists instead of switched
#: off: the remote-control extension would import aiohttp and serve code execution over HTTP
#: on 127.0.0.1 from every crawl; the cookie middleware (cookies are off) imports tldextract and
#: requests; the telnet console, feed exports, memory debugger and spider state are not used.
UNUSED_EXTENSIONS = frozenset({
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.feedexport.FeedExporter",
    "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.extensions.spiderstate.SpiderState",
})
UNUSED_DOWNLOADER_MIDDLEWARES = frozenset({
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    "scrapy.downloadermiddlewares.retry.RetryMiddleware",       # crawler.middlewares.RetryMiddleware extends it
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
})


def crawl_options(config: dict) -> dict[str, Any]:
    return {**CRAWL_DEFAULTS, **(config.get("crawl") or {})}


def scrapy_settings(config: dict) -> dict[str, Any]:
    """The Scrapy settings of one crawl child process."""
    c = crawl_options(config)
    storage_state = (config.get("platforms", {}).get("web") or {}).get("storage_state")
    context: dict[str, Any] = {"java_script_enabled": True, "user_agent": c["user_agent"]}
    if storage_state:
        context["storage_state"] = storage_state
    s: dict[str, Any] = {
        "BOT_NAME": "pantau",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": c["user_agent"],
        "ROBOTSTXT_OBEY": False,            # the web spider turns it on for itself
        "CONCURRENT_REQUESTS": max(16, c["concurrency"] * 4),
        "CONCURRENT_REQUESTS_PER_DOMAIN": c["concurrency"],
        "DOWNLOAD_DELAY": c["download_delay"],
        "DOWNLOAD_DELAY_JITTER": 0.5 if c["download_delay"] else 0.0,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "AUTOTHROTTLE_ENABLED": c["autothrottle"],
        "AUTOTHROTTLE_START_DELAY": max(c["download_delay"], 0.5),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(c["concurrency"]),
        "DOWNLOAD_TIMEOUT": c["timeout"],
        "COOKIES_ENABLED": False,
        # one item at a time, in the order yielded: a cursor batch never overtakes its records
        "CONCURRENT_ITEMS": 1,
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "EXTENSIONS_BASE": {k: v for k, v in _scrapy_defaults.EXTENSIONS_BASE.items() if k not in UNUSED_EXTENSIONS},
        "DOWNLOADER_MIDDLEWARES_BASE": {k: v for k, v in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
                                        if k not in UNUSED_DOWNLOADER_MIDDLEWARES},
        "LOG_LEVEL": config.get("log_level", "INFO"),
        # the platform string is read from `uname -p` (a subprocess per crawl); the rest stays logged
        "LOG_VERSIONS": [v for v in _scrapy_defaults.LOG_VERSIONS if v.lower() != "platform"],
        "LOGSTATS_INTERVAL": 0,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "DUPEFILTER_CLASS": "scrapy.dupefilters.RFPDupeFilter",
        # Scrapy's retries (RETRY_EXCEPTIONS and RETRY_HTTP_CODES as Scrapy lists them, 429 included),
        # through crawler.middlewares.RetryMiddleware, which adds the waits the server asks for
        "RETRY_ENABLED": True,
        "RETRY_TIMES": c["retries"],
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "PANTAU_MAX_RETRY_WAIT": c["max_retry_wait"],
        "PANTAU_RETRY_BACKOFF": float(config.get("retry_backoff", 0.5)),
        # spiders with PATIENT_SERVER_ERRORS (X: "503 overloaded, wait and retry")
        "PANTAU_SERVER_ERROR_RETRIES": int(c["server_error_retries"]),
        "PANTAU_SERVER_ERROR_BACKOFF": float(c["server_error_backoff"]),
        "PANTAU_BUDGET": c["budget"],
        "PANTAU_ALLOWED_HOSTS": [h.lower() for h in c["allowed_hosts"]],
        "PANTAU_OBEY_ROBOTS": c["obey_robots"],
        "PANTAU_DB_PATH": config.get("db_path"),
        "PANTAU_RUN_ID": config.get("run_id"),
        "PANTAU_BATCH_SIZE": int(config.get("batch_size", 5000)),
        # what spiders read in from_crawler (PlatformSpider.configure)
        "PANTAU_LOOKBACK_DAYS": int(c["lookback_days"]),
        "PANTAU_FULL_PASS_DAYS": int(c["full_pass_days"]),
        "PANTAU_LIVE_THREAD_DAYS": float(c["live_thread_days"]),
        "PANTAU_LIVE_THREADS": int(c["live_threads"]),
        "PANTAU_SINCE": c["since"],
        "PANTAU_TODAY": config.get("today"),
        "PANTAU_PLATFORMS": config.get("platforms") or {},
        "PANTAU_PROFILE_DIRS": list(config.get("profile_dirs") or []),
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.AllowedHostsMiddleware": 50,
            "crawler.middlewares.BudgetMiddleware": 60,
            "crawler.middlewares.RetryMiddleware": 550,
        },
        "SPIDER_MIDDLEWARES": {"crawler.spidermiddlewares.AccountStatusMiddleware": 100},
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "EXTENSIONS": {"crawler.extensions.RunStats": 500},
        # the browser download handler is switched on by the web spider only (WebSpider.update_settings)
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": config.get("chromium") or chromium_path(),
                                      "args": CHROMIUM_ARGS, "headless": True},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_CONTEXTS": {"default": context},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": c["timeout"] * 1000,
        "PLAYWRIGHT_ABORT_REQUEST": BrowserRequestFilter(c["allowed_hosts"]),
    }
    return s
