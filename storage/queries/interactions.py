"""Interactions, the actors behind them, and the posts they are about."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.queries import chunks, dumps, transaction, utcnow
from storage.queries import accounts as accounts_q
from storage.records import Actor, Interaction, Post, normalise_handle

_ACTOR_UPSERT = """
INSERT INTO actors (platform, actor_key, platform_id, handle, display_name, bio, profile_url,
                    first_seen, last_seen, changed_at)
VALUES (?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (platform, actor_key) DO UPDATE SET
    last_seen = excluded.last_seen,
    changed_at = CASE WHEN
            COALESCE(excluded.handle, actors.handle) IS NOT actors.handle OR
            COALESCE(excluded.display_name, actors.display_name) IS NOT actors.display_name OR
            COALESCE(excluded.bio, actors.bio) IS NOT actors.bio
        THEN excluded.changed_at ELSE actors.changed_at END,
    platform_id = COALESCE(excluded.platform_id, actors.platform_id),
    handle = COALESCE(excluded.handle, actors.handle),
    display_name = COALESCE(excluded.display_name, actors.display_name),
    bio = COALESCE(excluded.bio, actors.bio),
    profile_url = COALESCE(excluded.profile_url, actors.profile_url)
"""

_INTERACTION_INSERT = """
INSERT INTO interactions (platform, natural_key, kind, actor_id, account_id, post_id, post_url,
    interaction_id, parent_id, url, text, created_at, observed_at, run_id, source, raw)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (platform, natural_key) DO NOTHING
"""

_POST_UPSERT = """
INSERT INTO posts (platform, post_id, account_id, url, created_at, text, reply_count, like_count,
                   repost_count, quote_count, first_seen, last_crawled_at)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (platform, post_id) DO UPDATE SET
    url = COALESCE(excluded.url, posts.url),
    text = COALESCE(excluded.text, posts.text),
    created_at = COALESCE(excluded.created_at, posts.created_at),
    reply_count = COALESCE(excluded.reply_count, posts.reply_count),
    like_count = COALESCE(excluded.like_count, posts.like_count),
    repost_count = COALESCE(excluded.repost_count, posts.repost_count),
    quote_count = COALESCE(excluded.quote_count, posts.quote_count),
    last_crawled_at = excluded.last_crawled_at
"""


@dataclass
class WriteResult:
    interactions: int = 0
    new_interactions: int = 0
    actors: int = 0
    new_actors: int = 0
    new_by_account: dict[int, int] = field(default_factory=dict)


def _merge(a: Actor, b: Actor) -> Actor:
    """Two sightings of one actor in a batch: later non-empty values win."""
    for f in ("handle", "display_name", "bio", "profile_url", "platform_id"):
        v = getattr(b, f)
        if v:
            setattr(a, f, v)
    return a


class InteractionWriter:
    """Writes batches of interactions with their actors, one transaction per batch.

    Keeps the ids of accounts and actors it has seen, so a long import does not
    look them up again for every line.
    """

    def __init__(self, db: Database, *, run_id: int | None = None, source: str = "crawl",
                 create_accounts: bool = True):
        self.db = db
        self.run_id = run_id
        self.source = source
        self.create_accounts = create_accounts
        self._accounts: dict[tuple[str, str], int] = {}
        self._actors: dict[tuple[str, str], int] = {}

    def account_id(self, platform: str, handle: str) -> int:
        key = (platform, normalise_handle(platform, handle))
        aid = self._accounts.get(key)
        if aid is None:
            row = self.db.execute("SELECT id FROM accounts WHERE platform=? AND handle=?", list(key)).fetchone()
            if row:
                aid = row[0]
            elif self.create_accounts:
                aid = accounts_q.ensure_imported(self.db, platform, handle)
            else:
                raise KeyError(f"unknown account {platform}/{handle}")
            self._accounts[key] = aid
        return aid

    def write(self, items: list[Interaction], posts: list[Post] | None = None,
              observed_at: str | None = None) -> WriteResult:
        now = observed_at or utcnow()
        res = WriteResult(interactions=len(items))
        if not items and not posts:
            return res
        conn = self.db.conn
        with transaction(self.db):
            if posts:
                conn.executemany(_POST_UPSERT, [
                    (p.platform, p.post_id, self.account_id(p.platform, p.account), p.url, p.created_at,
                     p.text, p.reply_count, p.like_count, p.repost_count, p.quote_count, now, now)
                    for p in posts])
            actors: dict[tuple[str, str], Actor] = {}
            for it in items:
                k = (it.platform, it.actor.actor_key)
                if k in actors:
                    _merge(actors[k], it.actor)
                else:
                    actors[k] = Actor(**{f: getattr(it.actor, f) for f in Actor.__slots__})
            res.actors = len(actors)
            before = conn.total_changes
            missing = [k for k in actors if k not in self._actors]
            known = {}
            if missing:
                by_platform: dict[str, list[str]] = {}
                for p, key in missing:
                    by_platform.setdefault(p, []).append(key)
                for p, keys in by_platform.items():
                    for part in chunks(keys, 500):
                        q = ",".join("?" * len(part))
                        for rid, key in conn.execute(
                                f"SELECT id, actor_key FROM actors WHERE platform=? AND actor_key IN ({q})",
                                [p, *part]):
                            known[(p, key)] = rid
            res.new_actors = len([k for k in missing if k not in known])
            conn.executemany(_ACTOR_UPSERT, [
                (a.platform, a.actor_key, a.platform_id, a.handle, a.display_name, a.bio,
                 a.profile_url, now, now, now) for a in actors.values()])
            unresolved = [k for k in missing if k not in known]
            if unresolved:
                by_platform = {}
                for p, key in unresolved:
                    by_platform.setdefault(p, []).append(key)
                for p, keys in by_platform.items():
                    for part in chunks(keys, 500):
                        q = ",".join("?" * len(part))
                        for rid, key in conn.execute(
                                f"SELECT id, actor_key FROM actors WHERE platform=? AND actor_key IN ({q})",
                                [p, *part]):
                            known[(p, key)] = rid
            self._actors.update(known)
            if len(self._actors) > 2_000_000:   # bound memory on national-scale imports
                self._actors.clear()
            rows = []
            acc_of_row = []
            for it in items:
                acc = self.account_id(it.platform, it.target_account)
                acc_of_row.append(acc)
                raw = it.raw if it.raw is None or isinstance(it.raw, str) else dumps(it.raw)
                rows.append((
                    it.platform, it.natural_key, it.kind, self._actors[(it.platform, it.actor.actor_key)],
                    acc, it.post_id, it.post_url, it.interaction_id, it.parent_id, it.url, it.text,
                    it.created_at, now, self.run_id, it.source or self.source, raw))
            before = conn.total_changes
            if len(set(acc_of_row)) == 1:
                conn.executemany(_INTERACTION_INSERT, rows)
                new = conn.total_changes - before
                res.new_by_account[acc_of_row[0]] = new
            else:
                new = 0
                for row, acc in zip(rows, acc_of_row):
                    c0 = conn.total_changes
                    conn.execute(_INTERACTION_INSERT, row)
                    d = conn.total_changes - c0
                    if d:
                        res.new_by_account[acc] = res.new_by_account.get(acc, 0) + d
                    new += d
            res.new_interactions = new
        return res


def store(db: Database, items: list[Interaction], *, run_id: int | None = None,
          posts: list[Post] | None = None, source: str = "crawl") -> WriteResult:
    """Write one batch; the convenience form of ``InteractionWriter``."""
    return InteractionWriter(db, run_id=run_id, source=source).write(items, posts)


def posts_of(db: Database, account_id: int, since: str | None = None) -> list[dict]:
    sql = "SELECT * FROM posts WHERE account_id=?"
    params: list = [account_id]
    if since:
        sql += " AND (created_at IS NULL OR created_at >= ?)"
        params.append(since)
    return list(db.query(sql + " ORDER BY created_at DESC", params))


def save_post_cursors(db: Database, platform: str, post_id: str, cursors: dict) -> None:
    db.execute("UPDATE posts SET cursors=? WHERE platform=? AND post_id=?",
               [dumps(cursors), platform, post_id])


EXPORT_COLUMNS = ("platform", "kind", "target_account", "actor_handle", "actor_id", "actor_name",
                  "actor_bio", "actor_url", "post_url", "post_id", "text", "created_at",
                  "interaction_id", "observed_at", "run_id")


def for_export(db: Database):
    """Rows in the import format (so an export imports again unchanged)."""
    sql = """
    SELECT i.platform, i.kind, COALESCE(acc.display_handle, acc.handle) AS target_account,
           a.handle AS actor_handle,
           CASE WHEN a.actor_key IS NOT lower(ltrim(a.handle, '@')) THEN a.actor_key END AS actor_id,
           a.display_name AS actor_name, a.bio AS actor_bio, a.profile_url AS actor_url,
           i.post_url, i.post_id, i.text, i.created_at, i.interaction_id, i.observed_at, i.run_id
    FROM interactions i JOIN actors a ON a.id = i.actor_id JOIN accounts acc ON acc.id = i.account_id
    ORDER BY i.id
    """
    yield from db.query(sql)
