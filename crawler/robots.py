"""robots.txt as RFC 9309 reads it, for the web spider (the only one that obeys robots.txt).

Scrapy's ``RobotsTxtMiddleware`` with Protego gets two things wrong for Pantau:

* which group applies: Protego looks for each group's name anywhere at a word start of the
  agent it is given, and picks the longest; given Pantau's whole User-Agent line, groups named
  ``monitor``, ``github`` or ``collects`` applied to Pantau, and even given the product token a
  group ``pan`` would. RFC 9309 §2.2.1: the group whose name *is* the product token
  (case-insensitive), else ``*``. :class:`ProductTokenRobotParser` does that.
* what an unavailable robots.txt means: Scrapy parses whatever answer came (a 503 page is an
  empty rule set) and allows everything on a network error. RFC 9309 §2.3.1.3-4: a 4xx means
  there are no rules; a 5xx or no answer means "complete disallow". :class:`RobotsTxtMiddleware`
  refuses every request to such a site, saying why.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.robotstxt import ProtegoRobotParser

from crawler.exceptions import Refused
from crawler.identity import product_token


class ProductTokenRobotParser(ProtegoRobotParser):
    """Protego's rules, with the group chosen by the exact product token (RFC 9309 §2.2.1)."""

    def _group(self, user_agent: str | bytes):
        ua = user_agent.decode("latin-1") if isinstance(user_agent, bytes) else user_agent
        groups = self.rp._user_agents        # Protego keys its groups by their lower-cased names
        return groups.get(product_token(ua).lower()) or groups.get("*")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        url = url.decode() if isinstance(url, bytes) else url
        if urlsplit(url).path == "/robots.txt":
            return True
        group = self._group(user_agent)
        return True if group is None else group.can_fetch(url)

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        group = self._group(user_agent)
        return None if group is None else group.crawl_delay


class Unreachable:
    """The "parser" of a site whose robots.txt answered 5xx or not at all: nothing may be fetched."""

    def __init__(self, reason: str):
        self.reason = reason

    def allowed(self, url, user_agent) -> bool:
        return False

    def crawl_delay(self, user_agent) -> float | None:
        return None


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's middleware, reading a robots.txt's status as RFC 9309 §2.3.1 says.

    2xx: its rules; 4xx: no rules (may crawl); 5xx after the retries, or a network error: the
    site is not crawled (:class:`Unreachable`), and the refusal names the cause, e.g.
    "robots.txt unreachable (HTTP 503): not crawled".
    """

    async def _parse_robots(self, response, netloc, request) -> None:
        if response.status >= 500:
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._settle(netloc, Unreachable(f"HTTP {response.status}"))
            return
        if 400 <= response.status < 500:
            response = response.replace(body=b"")      # "unavailable": no rules, whatever the page says
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, Refused):
            key = f"robotstxt/exception_count/{type(exc)}"
            self._stats.inc_value(key)
        self._settle(netloc, Unreachable(type(exc).__name__))

    def _settle(self, netloc: str, parser) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        waiting.callback(parser)

    def process_request_2(self, rp, request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/unreachable")
            raise Refused(f"robots.txt unreachable ({rp.reason}): not crawled")
        super().process_request_2(rp, request)
