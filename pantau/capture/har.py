"""Reading a HAR 1.2 file as a stream of platform responses.

A browser's HAR of an hour of scrolling is hundreds of megabytes, mostly images and
scripts as base64. ``ijson`` (its C backend) builds one entry at a time, so memory stays
at the size of the largest entry, and only entries from a captured platform's hosts with
a text body are decoded at all. Chromium and Firefox differ in details this reader
tolerates: base64 or plain bodies, entries without a ``text`` (Firefox keeps no body for
some), ``postData`` as ``params`` or ``text``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

import ijson

from pantau.capture import redact
from pantau.capture.hosts import HostMap
from pantau.capture.model import Response
from pantau.errors import InputError

#: bodies of these types never hold platform data
_SKIP_MIME = ("image/", "video/", "audio/", "font/", "text/css", "application/javascript", "text/javascript",
              "application/x-javascript", "application/wasm", "application/octet-stream", "application/font")
READ_CHUNK = 1 << 20


@dataclass
class HarStats:
    entries: int = 0
    platform_entries: int = 0
    no_body: int = 0          # platform entries saved without their body (Firefox does this)
    damaged: int = 0          # platform entries whose base64 body does not decode (the file was damaged)
    failed: int = 0           # platform entries whose request failed (status 0 or >= 400)
    bytes: int = 0
    by_platform: dict[str, int] = field(default_factory=dict)
    position: int = 0         # bytes of the file read so far (for progress)
    tick: object = None       # called now and then with the stats (progress)


class _Damaged(ValueError):
    """A body marked base64 that is not: that entry of the file was damaged."""


def _decode(content: dict) -> str | None:
    text = content.get("text")
    if text is None:
        return None
    if content.get("encoding") == "base64":
        try:
            # validated: a damaged body must not decode into noise (line breaks some tools add are fine)
            raw = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise _Damaged from None
        return raw.decode("utf-8", errors="replace")
    return text


def _variables(request: dict, url: str) -> dict | None:
    """GraphQL ``variables`` of the request: in the query string (X, Instagram GET) or the POST form."""
    raw = None
    for k, v in parse_qsl(urlsplit(url).query):
        if k == "variables":
            raw = v
    post = request.get("postData") or {}
    if raw is None and isinstance(post, dict):
        for p in post.get("params") or ():
            if isinstance(p, dict) and p.get("name") == "variables":
                raw = p.get("value")
        text = post.get("text")
        if raw is None and isinstance(text, str) and text:
            if text.lstrip().startswith("{"):
                try:
                    obj = json.loads(text)
                    v = obj.get("variables") if isinstance(obj, dict) else None
                    return v if isinstance(v, dict) else None
                except ValueError:
                    return None
            for k, v in parse_qsl(text):
                if k == "variables":
                    raw = v
    if not raw:
        return None
    try:
        v = json.loads(raw)
    except ValueError:
        return None
    return v if isinstance(v, dict) else None


def _header(headers, name: str) -> str | None:
    for h in headers or ():
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name:
            return h.get("value")
    return None


def pages(path: Path) -> dict[str, str]:
    """``page id -> URL`` from ``log.pages`` (Chromium titles its pages with their URL).

    Both browsers write ``pages`` before ``entries``: the scan stops at the entries, so it
    costs nothing on a large file. A HAR with its pages after the entries has none here.
    """
    out: dict[str, str] = {}
    try:
        with open(path, "rb") as fh:
            builder = None
            for prefix, event, value in ijson.parse(fh, buf_size=64 * 1024):
                if prefix == "log.entries":
                    break
                if prefix == "log.pages" and event == "start_array":
                    continue
                if prefix == "log.pages.item" and event == "start_map":
                    builder = ijson.ObjectBuilder()
                if builder is not None:
                    builder.event(event, value)
                    if prefix == "log.pages.item" and event == "end_map":
                        page = builder.value
                        builder = None
                        title = page.get("title") if isinstance(page, dict) else None
                        if isinstance(title, str) and title.startswith(("http://", "https://")):
                            out[str(page.get("id"))] = title
    except (ijson.common.JSONError, UnicodeDecodeError, OSError):
        pass                     # the entries' pass reports what is wrong with the file
    return out


def responses(path: Path, hosts: HostMap, stats: HarStats) -> Iterator[Response]:
    """Every platform response of the HAR with a body; raises ``InputError`` when the file is not
    a whole HAR (the caller has stored nothing yet)."""
    name = str(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror}", file=name) from None
    with fh:
        head = fh.read(64)
        start = 3 if head.startswith(b"\xef\xbb\xbf") else 0      # a byte-order mark some tools write
        if not head[start:].lstrip().startswith(b"{"):
            raise InputError("not a HAR file (it does not start with a JSON object)", file=name)
        fh.seek(start)
        page_urls = pages(path) if start == 0 else {}
        try:
            for entry in ijson.items(fh, "log.entries.item", use_float=True, buf_size=READ_CHUNK):
                stats.entries += 1
                if stats.tick is not None and stats.entries % 64 == 0:
                    stats.position = fh.tell()
                    stats.tick(stats)
                if not isinstance(entry, dict):
                    raise InputError(f"entry {stats.entries} is not an object", file=name)
                request = _part(entry, "request", dict, stats.entries, name)
                url = _part(request, "url", str, stats.entries, name, "request.") or ""
                platform = hosts.platform(url) if url else None
                if platform is None:
                    continue
                stats.platform_entries += 1
                stats.by_platform[platform] = stats.by_platform.get(platform, 0) + 1
                response = _part(entry, "response", dict, stats.entries, name)
                content = _part(response, "content", dict, stats.entries, name, "response.")
                _part(content, "text", str, stats.entries, name, "response.content.")
                mime = str(content.get("mimeType") or "").lower()
                if mime.startswith(_SKIP_MIME):
                    continue
                status = response.get("status")
                if not isinstance(status, int) or status <= 0 or status >= 400:
                    stats.failed += 1
                    continue
                try:
                    body = _decode(content)
                except _Damaged:
                    stats.damaged += 1
                    continue
                if body is None:
                    stats.no_body += 1
                    continue
                stats.bytes += len(body)
                referer = _header(request.get("headers"), "referer") or page_urls.get(str(entry.get("pageref")))
                yield Response(platform=platform, url=redact.url(url), method=str(request.get("method") or "GET"),
                               status=status, started=entry.get("startedDateTime"),
                               page_url=redact.url(referer) if referer else None, mime=mime, body=body,
                               variables=_variables(request, url), origin="har")
        except ijson.common.IncompleteJSONError as exc:
            raise InputError(f"truncated or corrupt HAR after {stats.entries} entries ({_reason(exc)})",
                             file=name) from None
        except ijson.common.JSONError as exc:
            raise InputError(f"corrupt HAR after {stats.entries} entries ({_reason(exc)})", file=name) from None
        except UnicodeDecodeError:
            raise InputError(f"not UTF-8 text after {stats.entries} entries", file=name) from None
    if stats.entries == 0:
        raise InputError("no HAR entries (log.entries is missing or empty)", file=name)


def _part(obj: dict, key: str, kind: type, entry: int, name: str, where: str = ""):
    """``obj[key]`` when it is absent or of the HAR's type (an empty one of that type when
    absent); a field of another type makes the file corrupt, refused whole as a cut one is."""
    value = obj.get(key)
    if value is None:
        return None if kind is str else kind()
    if not isinstance(value, kind):
        what = "an object" if kind is dict else "text"
        raise InputError(f"corrupt HAR: entry {entry}: {where}{key} is not {what}", file=name)
    return value


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
