"""How Pantau shows itself on the web and which browser it drives: one place for both.

The user agent and Debian's Chromium (path and flags) are needed by the crawler
(scrapy-playwright, every request) and by the application (evidence
screenshots, ``pantau.toml`` defaults). The crawler cannot import ``pantau``, so
the facts live here, in a module that imports nothing heavy, and ``pantau``
reads them from it.
"""

from __future__ import annotations

import os
import re
import shutil

#: The product token (RFC 9309 §2.2.1): the name robots.txt groups are matched against.
PRODUCT_TOKEN = "Pantau"

#: The honest user agent: who we are, what we do, where to read more.
USER_AGENT = (
    f"{PRODUCT_TOKEN}/0.1 (civil-service neutrality monitor; collects public interactions only; "
    "+https://github.com/pantau-asn/pantau)"
)

_TOKEN = re.compile(r"[A-Za-z_-]+")


def product_token(user_agent: str) -> str:
    """The product token a user agent starts with (``Pantau`` of ``Pantau/0.1 (...)``).

    robots.txt groups name crawlers by this token, and RFC 9309 §2.2.1 says a crawler matches
    them against it, not against its whole User-Agent line (whose comment words would match
    groups meant for others). A ``[crawl] user_agent`` of one's own brings its own token."""
    m = _TOKEN.match(user_agent.strip())
    return m.group(0) if m else PRODUCT_TOKEN


ENV_CHROMIUM = "PANTAU_CHROMIUM"
#: Debian's Chromium, launched by path: Playwright cannot download its own browsers here.
DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: Flags that let Chromium run headless as root on a server without internet access
#: to Google's services (no sync, no component updates, no background traffic).
CHROMIUM_ARGS: list[str] = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    """The Chromium executable: ``PANTAU_CHROMIUM``, else ``chromium`` on PATH, else Debian's path."""
    return os.environ.get(ENV_CHROMIUM) or shutil.which("chromium") or DEFAULT_CHROMIUM
