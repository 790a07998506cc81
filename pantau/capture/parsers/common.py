"""Helpers every platform parser uses: JSON bodies, times, paths."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import orjson

_PREFIXES = ("for (;;);", "for(;;);", ")]}'")
_SCRIPT_JSON = re.compile(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', re.S | re.I)


def json_documents(body: str) -> list[Any]:
    """The JSON document(s) of a body: one object, or one a line (Facebook streams several)."""
    s = body.lstrip()
    for p in _PREFIXES:
        if s.startswith(p):
            s = s[len(p):]
    if not s or s[0] not in "{[":
        return []
    try:
        return [orjson.loads(s)]
    except ValueError:
        pass
    docs = []
    for line in s.splitlines():
        line = line.strip()
        for p in _PREFIXES:
            if line.startswith(p):
                line = line[len(p):]
        if line.startswith("{"):
            try:
                docs.append(orjson.loads(line))
            except ValueError:
                continue
    return docs


def embedded_json(html: str) -> list[Any]:
    """JSON a page embeds in ``<script type="application/json">`` (Instagram, TikTok post pages)."""
    out = []
    for m in _SCRIPT_JSON.finditer(html):
        text = m.group(1).strip()
        if text.startswith(("{", "[")):
            try:
                out.append(orjson.loads(text))
            except ValueError:
                continue
    return out


def documents(body: str | None, mime: str = "") -> tuple[list[Any], bool]:
    """``(documents, from_html)``: JSON of the body, else JSON embedded in an HTML page."""
    if not body:
        return [], False
    docs = json_documents(body)
    if docs:
        return docs, False
    if "<script" in body[:2_000_000]:
        return embedded_json(body), True
    return [], False


def iso_epoch(value: Any) -> str | None:
    """Seconds (or milliseconds) since 1970 -> ISO 8601 UTC."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if v <= 0:
        return None
    if v > 1e11:
        v /= 1000
    return datetime.fromtimestamp(v, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def s(value: Any) -> str | None:
    """A non-empty string form of an id or text, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str):
        v = value.strip()
        return v or None
    return None


def path_parts(url: str | None) -> list[str]:
    if not url:
        return []
    try:
        return [p for p in urlsplit(url).path.split("/") if p]
    except ValueError:
        return []


def query(url: str | None) -> dict[str, str]:
    if not url:
        return {}
    try:
        return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    except ValueError:
        return {}


def walk(obj: Any, path: tuple = ()) -> Iterator[tuple[dict, tuple]]:
    """Every dict in ``obj`` with the keys leading to it (list positions left out)."""
    stack = [(obj, path)]
    while stack:
        cur, p = stack.pop()
        if isinstance(cur, dict):
            yield cur, p
            for k, v in cur.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, p + (k,)))
        elif isinstance(cur, list):
            for v in reversed(cur):
                if isinstance(v, (dict, list)):
                    stack.append((v, p))
