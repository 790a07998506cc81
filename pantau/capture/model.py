"""The records capture passes between its readers, parsers and the import job."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Response:
    """One platform response as the browser received it, with secrets already removed."""

    platform: str
    url: str                      # redacted (no token-looking query parameters)
    method: str = "GET"
    status: int | None = None
    started: str | None = None    # when it was received (ISO 8601)
    page_url: str | None = None   # the page the person was on (Referer / Zeeschuimer's page url)
    mime: str = ""
    body: str | None = None       # decoded text of the body
    variables: dict | None = None  # GraphQL variables of the request (query string or POST form)
    origin: str = "har"           # har | zeeschuimer


@dataclass(slots=True)
class Found:
    """One interaction a parser saw; its post owner may still be unknown.

    ``owner`` is the handle of the account whose post (or, for follows, whose profile)
    this is, when the response itself says so. Otherwise ``owner_refs`` name the post
    or user ids whose owner another response of the same capture may reveal, and the
    page the person was on is the last resort.
    """

    platform: str
    kind: str
    actor_key: str
    actor_handle: str | None
    actor_name: str | None = None
    actor_url: str | None = None
    actor_id: str | None = None
    owner: str | None = None
    owner_id: str | None = None
    owner_refs: tuple[str, ...] = ()
    post_id: str | None = None
    post_url: str | None = None
    interaction_id: str | None = None
    parent_id: str | None = None
    url: str | None = None
    text: str | None = None
    created_at: str | None = None
    raw: Any = None


@dataclass
class Owners:
    """Who owns which post, and which handle an id has, as learnt from one capture."""

    posts: dict[str, str] = field(default_factory=dict)    # "platform:post id or shortcode" -> owner handle
    users: dict[str, str] = field(default_factory=dict)    # "platform:user id" -> handle
    ids: dict[str, str] = field(default_factory=dict)      # "platform:shortcode" -> the post's id

    def alias(self, platform: str, code: str | None, post_id: str | None) -> None:
        """A post known by two names (Instagram's shortcode and media id): one post id for both."""
        if code and post_id:
            self.ids[f"{platform}:{code}"] = post_id

    def post_id(self, platform: str, refs) -> str | None:
        for ref in refs:
            pid = self.ids.get(f"{platform}:{ref}")
            if pid:
                return pid
        return None

    def post(self, platform: str, ref: str | None, owner: str | None) -> None:
        if ref and owner:
            self.posts[f"{platform}:{ref}"] = owner

    def user(self, platform: str, uid: str | None, handle: str | None) -> None:
        if uid and handle:
            self.users[f"{platform}:{uid}"] = handle

    def owner_of(self, platform: str, ref: str) -> str | None:
        return self.posts.get(f"{platform}:{ref}") or self.users.get(f"{platform}:{ref}")


@dataclass
class Parsed:
    """What one response gave: interactions found (possibly none: a recognised empty page)."""

    shape: str                    # the name of the recognised shape, for the report
    found: list[Found] = field(default_factory=list)
    evidence: Any = None          # what to keep as evidence when not the whole body (embedded JSON)
