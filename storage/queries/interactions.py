"""Interactions, the actors behind them, and the posts they are about."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.queries import chunks, dumps, transaction, utcnow
from storage.queries import accounts as accounts_q
from storage.records import Interaction, Post, normalise_handle

#: what a sighting of a known actor changes (shared with the staged bulk import)
ACTOR_CONFLICT = """
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

_ACTOR_UPSERT = """
INSERT INTO actors (platform, actor_key, platform_id, handle, display_name, bio, profile_url,
                    first_seen, last_seen, changed_at)
VALUES (?,?,?,?,?,?,?,?,?,?)
""" + ACTOR_CONFLICT

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


class InteractionWriter:
    """Writes batches of interactions with their actors, one transaction per batch.

    Keeps the ids of accounts and actors it has seen, so a long import does not
    look them up again for every line, and skips re-writing an actor whose fields
    it already wrote with the same ``observed_at`` (a no-op upsert). If a batch
    fails, the caches are dropped: ids created in a rolled-back transaction are void.
    """

    #: bound on cached actor ids (national-scale imports)
    MAX_CACHED_ACTORS = 2_000_000

    def __init__(self, db: Database, *, run_id: int | None = None, source: str = "crawl",
                 create_accounts: bool = True):
        self.db = db
        self.run_id = run_id
        self.source = source
        self.create_accounts = create_accounts
        self._accounts: dict[tuple[str, str], int] = {}
        self._accounts_raw: dict[tuple[str, str], int] = {}
        self._actors: dict[tuple[str, str], int] = {}
        self._written: dict[tuple[str, str], int] = {}

    def _forget(self) -> None:
        self._accounts.clear()
        self._accounts_raw.clear()
        self._actors.clear()
        self._written.clear()

    def account_id(self, platform: str, handle: str) -> int:
        raw_key = (platform, handle)
        aid = self._accounts_raw.get(raw_key)
        if aid is not None:
            return aid
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
        self._accounts_raw[raw_key] = aid
        return aid

    def write(self, items: list[Interaction], posts: list[Post] | None = None,
              observed_at: str | None = None) -> WriteResult:
        try:
            return self._write(items, posts, observed_at)
        except BaseException:
            self._forget()
            raise

    def _lookup_actor_ids(self, keys: list[tuple[str, str]], into: dict) -> None:
        conn = self.db.conn
        by_platform: dict[str, list[str]] = {}
        for p, key in keys:
            by_platform.setdefault(p, []).append(key)
        for p, pkeys in by_platform.items():
            for part in chunks(pkeys, 500):
                q = ",".join("?" * len(part))
                for rid, key in conn.execute(
                        f"SELECT id, actor_key FROM actors WHERE platform=? AND actor_key IN ({q})", [p, *part]):
                    into[(p, key)] = rid

    def _write(self, items: list[Interaction], posts: list[Post] | None,
               observed_at: str | None) -> WriteResult:
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
            # the batch's actors, merged: two sightings of one actor, later non-empty values win
            actors: dict[tuple[str, str], list] = {}
            get = actors.get
            for it in items:
                a = it.actor
                k = (it.platform, a.actor_key)
                cur = get(k)
                if cur is None:
                    actors[k] = [a.platform_id, a.handle, a.display_name, a.bio, a.profile_url]
                else:
                    vals = (a.platform_id, a.handle, a.display_name, a.bio, a.profile_url)
                    if tuple(cur) != vals:
                        for i, v in enumerate(vals):
                            if v:
                                cur[i] = v
            res.actors = len(actors)
            missing = [k for k in actors if k not in self._actors]
            known: dict[tuple[str, str], int] = {}
            if missing:
                self._lookup_actor_ids(missing, known)
            unresolved = [k for k in missing if k not in known]
            res.new_actors = len(unresolved)
            written = self._written
            upserts = []
            for k, v in actors.items():
                sig = hash((*v, now))          # a hash, not the values: memory stays small
                if written.get(k) != sig:
                    upserts.append((k[0], k[1], v[0], v[1], v[2], v[3], v[4], now, now, now))
                    written[k] = sig
            if upserts:
                conn.executemany(_ACTOR_UPSERT, upserts)
            if unresolved:
                self._lookup_actor_ids(unresolved, known)
            actor_ids = self._actors
            actor_ids.update(known)
            rows = []
            accs = set()
            account_id, accounts_raw = self.account_id, self._accounts_raw
            run_id, source = self.run_id, self.source
            for it in items:
                platform = it.platform
                acc = accounts_raw.get((platform, it.target_account)) or account_id(platform, it.target_account)
                accs.add(acc)
                raw = it.raw
                if raw is not None and type(raw) is not str:
                    raw = dumps(raw)
                rows.append((
                    platform, it.natural_key, it.kind, actor_ids[(platform, it.actor.actor_key)],
                    acc, it.post_id, it.post_url, it.interaction_id, it.parent_id, it.url, it.text,
                    it.created_at, now, run_id, it.source or source, raw))
            max_before = conn.execute("SELECT max(id) FROM interactions").fetchone()[0] or 0
            c0 = conn.total_changes
            conn.executemany(_INTERACTION_INSERT, rows)
            new = conn.total_changes - c0
            if new and len(accs) == 1:
                res.new_by_account[next(iter(accs))] = new
            elif new:
                # new rows get ids above the old maximum (we hold the write lock)
                for acc, n in conn.execute(
                        "SELECT account_id, count(*) FROM interactions WHERE id > ? GROUP BY account_id",
                        [max_before]):
                    res.new_by_account[acc] = n
            res.new_interactions = new
        if len(self._actors) > self.MAX_CACHED_ACTORS:   # bound memory on national-scale imports
            self._actors.clear()
            self._written.clear()
        return res


def store(db: Database, items: list[Interaction], *, run_id: int | None = None,
          posts: list[Post] | None = None, source: str = "crawl") -> WriteResult:
    """Write one batch; the convenience form of ``InteractionWriter``."""
    return InteractionWriter(db, run_id=run_id, source=source).write(items, posts)


EXPORT_COLUMNS = ("platform", "kind", "target_account", "actor_handle", "actor_id", "actor_name",
                  "actor_bio", "actor_url", "post_url", "post_id", "text", "created_at",
                  "interaction_id", "observed_at", "run_id")


def id_of(db: Database, platform: str, natural_key: str) -> int | None:
    """The stored interaction with this natural key (what ``store`` keys on), if any."""
    row = db.execute("SELECT id FROM interactions WHERE platform = ? AND natural_key = ?",
                     [platform, natural_key]).fetchone()
    return row[0] if row else None


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


def merge_post_cursors(db: Database, platform: str, post_id: str, patch: dict) -> None:
    """Apply a JSON merge patch to a post's crawl state (inside the caller's transaction)."""
    db.execute("UPDATE posts SET cursors=json_patch(COALESCE(cursors, '{}'), ?) "
               "WHERE platform=? AND post_id=?", [dumps(patch), platform, post_id])


def post_cursors_of(db: Database, account_id: int) -> dict[str, dict]:
    """post id -> crawl state of every post of an account (what a spider compares counts with)."""
    import json
    return {r[0]: json.loads(r[1] or "{}") for r in db.execute(
        "SELECT post_id, cursors FROM posts WHERE account_id=?", [account_id])}


def known_actor_keys(db: Database, account_id: int, kind: str, post_id: str | None = None) -> set[str]:
    """Actor keys already stored for one kind on an account (or one of its posts)."""
    sql = ("SELECT a.actor_key FROM interactions i JOIN actors a ON a.id = i.actor_id "
           "WHERE i.account_id=? AND i.kind=?")
    params: list = [account_id, kind]
    if post_id is not None:
        sql += " AND i.post_id=?"
        params.append(post_id)
    return {r[0] for r in db.execute(sql, params)}



def thread_activity(db: Database, account_id: int) -> dict[str, tuple[str | None, str | None]]:
    """post id -> (the post's time, its newest stored comment or reply's time or None), ISO 8601
    as the platform wrote them. Spiders re-read live threads every night, because a reply deep
    in a thread moves no count of the post."""
    return {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT p.post_id, p.created_at, t.latest FROM posts p LEFT JOIN ("
        " SELECT post_id, max(created_at) AS latest FROM interactions"
        " WHERE account_id = ? AND kind IN ('comment', 'reply') GROUP BY post_id"
        ") t ON t.post_id = p.post_id WHERE p.account_id = ?", [account_id, account_id])}
