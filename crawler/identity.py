"""How Pantau shows itself on the web and which browser it drives: one place for both.

The user agent and Debian's Chromium (path and flags) are needed by the crawler
(scrapy-playwright, every request) and by the application (evidence
screenshots, ``pantau.toml`` defaults). The crawler cannot import ``pantau``, so
the facts live here, in a module that imports nothing heavy, and ``pantau``
reads them from it.
"""

from __future__ import annotations

import os
import shutil

#: The honest user agent: who we are, what we do, where to read more.
USER_AGENT = (
    "Pantau/0.1 (civil-service neutrality monitor; collects public interactions only; "
    "+https://github.com/pantau-asn/pantau)"
)

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
