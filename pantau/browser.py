"""Where Pantau's own browser comes from: Debian's Chromium, launched by Playwright.

Playwright cannot download its bundled browsers on the machines Pantau runs on,
so the system Chromium is launched by path. The path and the flags live in
``crawler.identity`` (the crawler hands them to scrapy-playwright and cannot
import ``pantau``); ``PANTAU_CHROMIUM`` overrides the path (another
distribution, a test).
"""

from __future__ import annotations

from crawler.identity import CHROMIUM_ARGS, ENV_CHROMIUM, chromium_path

__all__ = ["CHROMIUM_ARGS", "ENV_CHROMIUM", "chromium_path", "launch_options"]


def launch_options() -> dict:
    """Keyword arguments for ``playwright.chromium.launch``."""
    return {"executable_path": chromium_path(), "args": list(CHROMIUM_ARGS), "headless": True}
