"""Where Pantau may send requests: ``[crawl] allowed_hosts``, for Scrapy's and the browser's requests."""

from __future__ import annotations

from urllib.parse import urlsplit


def host_allowed(url: str, allowed: list[str] | tuple[str, ...]) -> bool:
    if not allowed:
        return True
    host = (urlsplit(url).hostname or "").lower()
    return host in allowed


class BrowserRequestFilter:
    """``PLAYWRIGHT_ABORT_REQUEST`` of one crawl: Playwright's own sub-requests (scripts, XHR)
    obey the allowed-hosts guard too. Built from that crawl's settings (a value, not a module
    global), so two crawls in one process cannot see each other's hosts.

    Images, fonts and media are not needed to read comments, so they are skipped.
    """

    def __init__(self, allowed: list[str] | tuple[str, ...]):
        self.allowed = tuple(h.lower() for h in allowed)

    def __call__(self, request) -> bool:
        if request.resource_type in ("image", "media", "font"):
            return True
        if request.url.startswith(("data:", "blob:", "about:")):
            return False
        return not host_allowed(request.url, self.allowed)

    def __eq__(self, other) -> bool:
        return isinstance(other, BrowserRequestFilter) and other.allowed == self.allowed

    def __repr__(self) -> str:
        return f"BrowserRequestFilter({list(self.allowed)!r})"
