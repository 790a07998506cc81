"""Control-flow exceptions of the crawler (as ``scrapy.exceptions`` is Scrapy's).

Spiders raise :class:`StopAccount` and :class:`RequestFailed` from callbacks;
the downloader middlewares raise :class:`Refused`. None of them is handled
where it is raised: ``crawler.spidermiddlewares.AccountStatusMiddleware`` turns
each into the account's status, so that one place decides what a failure means.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class RequestFailed(Exception):
    """One request could not be used; its account is reported failed, the others carry on."""


class StopAccount(Exception):
    """Stop collecting one account (e.g. not found); others carry on."""

    def __init__(self, message: str, status: str = "failed"):
        super().__init__(message)
        self.status = status


class Refused(IgnoreRequest):
    """A request Pantau will not send (another host, the budget spent); the reason names why."""

    def __init__(self, message: str, status: str = "failed"):
        super().__init__(message)
        self.status = status
