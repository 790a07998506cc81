"""Reading a Zeeschuimer export (NDJSON, one captured item a line).

Zeeschuimer (digitalmethodsinitiative/zeeschuimer) is a browser extension that keeps
the items a person's browsing received, already cut out of the platform's responses by
its per-platform modules. Each line is an envelope: ``id, nav_index, item_id,
timestamp_collected (ms), last_updated, source_platform (tiktok.com, tiktok-comments,
instagram.com, twitter.com, ...), source_platform_url (the page), source_url (the request),
user_agent, data (the platform's raw object)``.

Upstream Zeeschuimer emits, of what Pantau reads, ``tiktok.com``, ``tiktok-comments``,
``instagram.com`` and ``twitter.com`` (``x.com`` was an older module's name). The
``instagram-comments`` and ``twitter-comments`` items come from a fork's modules, and
``facebook-comments`` from none we could find upstream; they are read when a file has
them, in the shapes the platform parsers name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import orjson

from pantau.capture import redact
from pantau.errors import InputError

ENVELOPE = ("item_id", "source_platform", "data")

#: Zeeschuimer's ``source_platform`` -> (Pantau platform, item family)
SOURCES: dict[str, tuple[str, str]] = {
    "tiktok.com": ("tiktok", "posts"),
    "tiktok-comments": ("tiktok", "comments"),
    "tiktok-users": ("tiktok", "users"),
    "instagram.com": ("instagram", "posts"),
    "instagram-comments": ("instagram", "comments"),
    "twitter.com": ("x", "posts"),
    "x.com": ("x", "posts"),
    "twitter-comments": ("x", "comments"),
    "facebook.com": ("facebook", "posts"),
    "facebook-comments": ("facebook", "comments"),
}


@dataclass(slots=True)
class Item:
    line: int
    platform: str | None           # None: a platform Pantau does not read
    family: str                    # posts | comments | users | the source_platform itself
    source_platform: str
    data: dict
    page_url: str | None
    source_url: str | None
    collected_at: str | None


BOM = b"\xef\xbb\xbf"


def looks_like(first_line: str) -> bool:
    """Whether a JSON line is a Zeeschuimer envelope (rather than a Pantau import line)."""
    try:
        obj = orjson.loads(first_line)
    except ValueError:
        return False
    return isinstance(obj, dict) and all(k in obj for k in ENVELOPE)


def _when(ms) -> str | None:
    if isinstance(ms, (int, float)) and ms > 0:
        secs = ms / 1000 if ms > 1e11 else ms
        return datetime.fromtimestamp(secs, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return None


def items(path: Path) -> Iterator[Item]:
    """Every envelope of the file; a malformed line raises ``InputError`` naming it."""
    name = str(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror}", file=name) from None
    n = 0
    with fh:
        for n, line in enumerate(fh, 1):
            s = line.strip()
            if n == 1 and s.startswith(BOM):     # saved by an editor that marks UTF-8
                s = s[len(BOM):].strip()
            if not s:
                continue
            try:
                obj = orjson.loads(s)
            except ValueError as exc:
                cut = "" if line.endswith(b"\n") else " (the file looks truncated)"
                raise InputError(f"malformed JSON ({str(exc).split(':')[0]}){cut}", file=name, line=n) from None
            if not isinstance(obj, dict) or any(k not in obj for k in ENVELOPE):
                raise InputError("not a Zeeschuimer item (needs item_id, source_platform and data)",
                                 file=name, line=n)
            data = obj.get("data")
            if not isinstance(data, dict):
                raise InputError("data is not an object", file=name, line=n)
            source = str(obj.get("source_platform") or "").lower()
            platform, family = SOURCES.get(source, (None, source))
            page = obj.get("source_platform_url")
            src = obj.get("source_url")
            yield Item(n, platform, family, source, data,
                       redact.url(page) if isinstance(page, str) and page else None,
                       redact.url(src) if isinstance(src, str) and src else None,
                       _when(obj.get("timestamp_collected")))
