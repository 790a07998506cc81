"""The one item every spider yields: records of one account plus the crawl state they complete.

A ``Batch`` carries the cursor changes that become true once its records are
stored, so the pipeline writes both in one transaction: a killed crawl never
leaves a cursor pointing past data that was not stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.records import Interaction, Post


@dataclass
class Batch:
    account_id: int
    platform: str
    interactions: list[Interaction] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    #: JSON merge patch applied to ``accounts.cursors``
    account_cursors: dict | None = None
    #: post id -> JSON merge patch applied to ``posts.cursors``
    post_cursors: dict[str, dict] = field(default_factory=dict)
    platform_id: str | None = None
    #: the account's crawl finished cleanly: stamp ``last_crawled_at`` (and the full pass)
    done: bool = False
    full_pass: bool = False
    #: (month YYYY-MM, posts read) that count against a platform's monthly read cap (X)
    reads: tuple[str, int] | None = None
