"""The shared records that travel between stages.

Spiders, the file importer, the roster reader and the matcher all speak these
plain dataclasses, so each stage can be tested without the others and storage
has one function per record family to write them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from storage import platforms as _registry

#: platform names, from the registry (storage/platforms.py), in its order
PLATFORMS: tuple[str, ...] = _registry.NAMES
#: platforms a spider collects (``pantau crawl``)
PLATFORMS_CRAWLED: tuple[str, ...] = _registry.CRAWLED
#: platforms that reach Pantau only through capture or ``pantau import``
PLATFORMS_IMPORT_ONLY: tuple[str, ...] = tuple(n for n in PLATFORMS if n not in PLATFORMS_CRAWLED)

KINDS = _registry.ALL_KINDS
KINDS_WITH_ID = ("comment", "reply", "quote")

#: watchlist ``collect`` values -> interaction kinds
COLLECT_KINDS: dict[str, tuple[str, ...]] = {
    "comments": ("comment", "reply"),
    "likes": ("like",),
    "reposts": ("repost",),
    "quotes": ("quote",),
    "follows": ("follow",),
}

MATCH_STATUSES = ("pending", "confirmed", "rejected", "escalated")
BANDS = ("strong", "possible", "namesake")


def normalise_handle(platform: str, handle: str) -> str:
    """The comparable form of a handle: no leading ``@``, lower case.

    Handles on every listed platform are case-insensitive; Mastodon handles keep
    their ``user@domain`` form. Ids (DIDs, YouTube channel ids) are *not* handles
    and never pass through here, because channel ids are case-sensitive.
    """
    h = handle.strip()
    if h.startswith("@"):
        h = h[1:]
    return h.lower()


def actor_key_for(platform: str, handle: str | None, actor_id: str | None) -> str:
    """Key of an actor: the platform's stable id when known, else the handle."""
    if actor_id:
        return actor_id.strip()
    if not handle:
        raise ValueError("an actor needs a handle or an id")
    return normalise_handle(platform, handle)


@dataclass(slots=True)
class Account:
    """A watched candidate account, as a watchlist file describes it."""

    platform: str
    handle: str
    candidate: str | None = None
    role: str | None = None
    party: str | None = None
    election: str | None = None
    url: str | None = None
    profile: str | None = None
    collect: list[str] = field(default_factory=list)
    since: str | None = None
    enabled: bool = True
    source_file: str | None = None
    line: int | None = None

    @property
    def key(self) -> str:
        return normalise_handle(self.platform, self.handle)

    def kinds(self) -> set[str]:
        """Interaction kinds to collect; all of them when ``collect`` is empty."""
        if not self.collect:
            return set(KINDS)
        return {k for c in self.collect for k in COLLECT_KINDS.get(c, ())}


@dataclass(slots=True)
class Actor:
    """Someone who interacted with a watched account."""

    platform: str
    actor_key: str
    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    profile_url: str | None = None
    platform_id: str | None = None


@dataclass(slots=True)
class Post:
    """A post of a watched account, with the counts seen at the last crawl."""

    platform: str
    post_id: str
    account: str                      # the watched account's handle
    url: str | None = None
    created_at: str | None = None
    text: str | None = None
    reply_count: int | None = None
    like_count: int | None = None
    repost_count: int | None = None
    quote_count: int | None = None


@dataclass(slots=True)
class Interaction:
    """One actor's comment, reply, like, repost, quote or follow on a watched account."""

    platform: str
    kind: str
    target_account: str               # the watched account's handle
    actor: Actor
    post_id: str | None = None
    post_url: str | None = None
    interaction_id: str | None = None
    parent_id: str | None = None
    url: str | None = None
    text: str | None = None
    created_at: str | None = None
    raw: Any = None
    source: str = "crawl"

    @property
    def natural_key(self) -> str:
        """The identity DESIGN.md gives each kind; equal keys are the same event."""
        if self.kind in KINDS_WITH_ID:
            if self.interaction_id:
                return f"id:{self.interaction_id}"
            digest = hashlib.sha256(
                json.dumps(
                    [self.kind, self.actor.actor_key, self.post_id or self.post_url,
                     self.created_at, self.text],
                    ensure_ascii=False,
                ).encode()
            ).hexdigest()[:32]
            return f"h:{digest}"
        if self.kind == "follow":
            return f"follow:{self.actor.actor_key}:{normalise_handle(self.platform, self.target_account)}"
        return f"{self.kind}:{self.actor.actor_key}:{self.post_id or self.post_url}"


@dataclass(slots=True)
class Employee:
    """A civil servant from the roster. ``nip`` is the 18-digit normalised form."""

    nip: str
    name: str
    name_norm: str = ""
    norm_version: str = ""
    titles: list[str] = field(default_factory=list)
    unit: str | None = None
    position: str | None = None
    handles: list[str] = field(default_factory=list)
    birth_date: str | None = None
    active: bool = True
    source: str = ""
    rank: str | None = None             # pangkat, e.g. "Penata Muda"
    grade: str | None = None            # golongan/ruang, e.g. "III/a"
    agency: str | None = None           # instansi


@dataclass(slots=True)
class Feature:
    """One piece of evidence behind a match score.

    ``code`` and ``params`` say it in a way any language can render
    (``pantau.matching.evidence.render``); ``detail`` is the same in English, for the
    CLI and for readers of rows stored before codes existed (their ``code`` is "").
    """

    feature: str
    detail: str
    weight: float
    code: str = ""
    params: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The stored form (one element of ``matches.features``)."""
        out = {"feature": self.feature, "detail": self.detail, "weight": self.weight}
        if self.code:
            out["code"] = self.code
            out["params"] = self.params
        return out

    @classmethod
    def from_json(cls, d: dict) -> "Feature":
        """A stored feature; old rows (no code, no params) load with empty ones."""
        return cls(feature=str(d.get("feature") or ""), detail=str(d.get("detail") or ""),
                   weight=float(d.get("weight") or 0), code=str(d.get("code") or ""),
                   params=dict(d.get("params") or {}))


@dataclass(slots=True)
class MatchCandidate:
    """What the matcher proposes: this actor may be this employee."""

    actor_id: int
    nip: str
    score: float
    band: str
    features: list[Feature] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return "\n".join(f"{f.detail} ({f.weight:+.0f})" for f in self.features)


def mask_nip(nip: str | None) -> str:
    """NIPs never reach logs whole: all but the last four digits are hidden."""
    if not nip:
        return ""
    return "*" * max(len(nip) - 4, 0) + nip[-4:]


_DIGIT_RUN = re.compile(r"\d{6,}")


def mask_digit_runs(text: str) -> str:
    """Text echoed in a message with its long runs of digits masked: it may hold a NIP."""
    return _DIGIT_RUN.sub(lambda m: mask_nip(m.group()), text)
