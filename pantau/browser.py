"""Where Pantau's own browser comes from: Debian's Chromium, launched by Playwright.

Playwright cannot download its bundled browsers on the machines Pantau runs on,
so the system Chromium is launched by path. The path and the flags live here
only; ``PANTAU_CHROMIUM`` overrides the path (another distribution, a test).
The crawler package cannot import ``pantau`` and keeps its own copy of the same
values for scrapy-playwright.
"""

from __future__ import annotations

import os
import shutil

ENV_CHROMIUM = "PANTAU_CHROMIUM"

#: Flags that let Chromium run headless as root on a server without internet access
#: to Google's services (no sync, no component updates, no background traffic).
CHROMIUM_ARGS: list[str] = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    """The Chromium executable: ``PANTAU_CHROMIUM``, else ``chromium`` on PATH, else Debian's path."""
    return os.environ.get(ENV_CHROMIUM) or shutil.which("chromium") or "/usr/bin/chromium"


def launch_options() -> dict:
    """Keyword arguments for ``playwright.chromium.launch``."""
    return {"executable_path": chromium_path(), "args": list(CHROMIUM_ARGS), "headless": True}
