"""One submission of the public form: every field bounded, links checked, nothing trusted.

``validate`` takes the raw text fields and returns a ``Submission`` or the list
of problems (field, code, params). Limits come from ``[tips]``; the short fields
have fixed bounds. Control characters are dropped (newlines kept where text may
span lines), so nothing a stranger types can steer a terminal or a spreadsheet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

NAME_MAX = 200
UNIT_MAX = 200
CONTACT_MAX = 200
LINK_MAX = 2000
WHAT_MIN = 10
HONEYPOT = "website"          # a field people never see; bots fill it
FIELDS = ("links", "person_name", "person_nip", "person_unit", "what", "contact")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class Submission:
    links: list[str]
    what: str
    person_name: str | None = None
    person_nip: str | None = None
    person_unit: str | None = None
    contact: str | None = None


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Text with control and format characters removed (line breaks kept when ``multiline``)."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n\t" if multiline else ""
    out = "".join(ch for ch in value
                  if ch in keep or unicodedata.category(ch)[0] != "C")
    if not multiline:
        out = " ".join(out.split())
    return out.strip()


def check_link(text: str) -> str | None:
    """Why ``text`` is not an acceptable link, or None."""
    if len(text) > LINK_MAX:
        return "link.too_long"
    try:
        u = urlsplit(text)
        host = u.hostname
        u.port                                  # raises on a malformed port
    except ValueError:
        return "link.malformed"
    if u.scheme.lower() not in ("http", "https"):
        return "link.scheme"
    if not host or "." not in host and host != "localhost":
        return "link.malformed"
    if u.username or u.password:
        return "link.credentials"
    if any(ch.isspace() for ch in text):
        return "link.malformed"
    return None


def split_links(raw: str) -> list[str]:
    return [line.strip() for line in clean_text(raw, multiline=True).split("\n") if line.strip()]


def validate(form: dict[str, str], *, max_links: int, max_text: int) -> tuple[Submission | None, list[Problem]]:
    """The submission in ``form`` (field name -> text), checked; problems name their field."""
    problems: list[Problem] = []
    raw_links = form.get("links") or ""
    if len(raw_links) > max_links * (LINK_MAX + 2):
        problems.append(Problem("links", "link.too_many", {"max": max_links}))
        links: list[str] = []
    else:
        links = list(dict.fromkeys(split_links(raw_links)))        # repeated lines count once
        if not links:
            problems.append(Problem("links", "link.required"))
        elif len(links) > max_links:
            problems.append(Problem("links", "link.too_many", {"max": max_links}))
        for n, link in enumerate(links[:max_links], 1):
            if code := check_link(link):
                problems.append(Problem("links", code, {"line": n}))
    what = clean_text(form.get("what"), multiline=True)
    if len(what) < WHAT_MIN:
        problems.append(Problem("what", "what.short", {"min": WHAT_MIN}))
    elif len(what) > max_text:
        problems.append(Problem("what", "text.too_long", {"max": max_text}))
    short = {}
    for name, limit in (("person_name", NAME_MAX), ("person_unit", UNIT_MAX), ("contact", CONTACT_MAX)):
        v = clean_text(form.get(name))
        if len(v) > limit:
            problems.append(Problem(name, "text.too_long", {"max": limit}))
        short[name] = v or None
    nip = re.sub(r"[\s.-]", "", clean_text(form.get("person_nip")))[:64]
    if nip and not re.fullmatch(r"\d{18}", nip):
        problems.append(Problem("person_nip", "nip.format"))
    if problems:
        return None, problems
    return Submission(links=links, what=what, person_nip=nip or None, **short), []


def is_bot(form: dict[str, str]) -> bool:
    """The honeypot was filled: a person cannot see that field."""
    return bool((form.get(HONEYPOT) or "").strip())
