"""Which platforms the sandbox serves, and where: one path prefix per platform's API.

The registry (storage/platforms.py) says which platforms are crawled; each needs
an API here for tests, benchmarks and ``pantau demo`` (tests/test_platforms.py
fails otherwise). Fault injection and rate limits key on these prefixes.
"""

from __future__ import annotations

#: platform -> path prefix of its API on the sandbox server
API_PREFIX: dict[str, str] = {
    "mastodon": "/api/",
    "bluesky": "/xrpc/",
    "youtube": "/youtube/",
    "web": "/mikroblog/api/",
    "x": "/2/",
}


def family_of(path: str) -> str | None:
    """The platform whose API serves ``path``, or None (pages, control)."""
    for platform, prefix in API_PREFIX.items():
        if path.startswith(prefix):
            return platform
    return None
