"""Bulk imports through staging files: one process prepares a batch, another moves it in.

A million-line import is two kinds of work: Python turning lines into rows, and SQLite
putting rows into indexed tables. In one process they share one core (the GIL). Here
the parsing side writes each batch into a small SQLite file of its own (no indexes, no
journal: scratch), and the storing side moves it into the database with two
``INSERT … SELECT`` statements. SQLite then looks up every actor and account id itself,
and the storing process creates no Python object per row: it does only the indexed
inserts, which is what bounds an import's speed.

Staging files hold collected text, so they live in a private folder next to the
database and are removed as soon as they are stored (or by the next import, if a
killed one left them behind).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from storage import pid_alive, private_dir
from storage.queries import dumps, transaction
from storage.queries import accounts as accounts_q
from storage.queries.interactions import ACTOR_CONFLICT, WriteResult
from storage.cleaning import clean_interaction
from storage.records import Interaction, normalise_handle

_STAGE_DDL = (
    "CREATE TABLE accounts (platform TEXT, handle TEXT)",
    "CREATE TABLE actors (platform TEXT, actor_key TEXT, platform_id TEXT, handle TEXT, "
    "display_name TEXT, bio TEXT, profile_url TEXT)",
    "CREATE TABLE rows (platform TEXT, natural_key TEXT, kind TEXT, actor_key TEXT, account TEXT, "
    "post_id TEXT, post_url TEXT, interaction_id TEXT, parent_id TEXT, url TEXT, text TEXT, "
    "created_at TEXT, source TEXT, raw TEXT)",
)

_MOVE_ACTORS = """
INSERT INTO main.actors (platform, actor_key, platform_id, handle, display_name, bio, profile_url,
                         first_seen, last_seen, changed_at)
SELECT platform, actor_key, platform_id, handle, display_name, bio, profile_url, ?1, ?1, ?1
FROM stage.actors WHERE true
""" + ACTOR_CONFLICT

_MOVE_INTERACTIONS = """
INSERT INTO main.interactions (platform, natural_key, kind, actor_id, account_id, post_id, post_url,
    interaction_id, parent_id, url, text, created_at, observed_at, run_id, source, raw)
SELECT r.platform, r.natural_key, r.kind,
       (SELECT a.id FROM main.actors a WHERE a.platform = r.platform AND a.actor_key = r.actor_key),
       (SELECT c.id FROM main.accounts c WHERE c.platform = r.platform AND c.handle = r.account),
       r.post_id, r.post_url, r.interaction_id, r.parent_id, r.url, r.text, r.created_at, ?1, ?2,
       r.source, r.raw
FROM stage.rows r WHERE true ORDER BY r.rowid
ON CONFLICT (platform, natural_key) DO NOTHING
"""

#: the folder, next to the database, that holds the staging folders of running imports
STAGING_DIR = "import-staging"


@dataclass
class StagedBatch:
    path: Path
    interactions: int = 0
    actors: int = 0                    # distinct actors in the batch
    accounts: list[tuple[str, str]] = field(default_factory=list)


class Stager:
    """The parsing side: writes batches of ``Interaction`` s into staging files.

    It remembers a hash of every actor it has staged, so an actor seen in many batches
    of one import is upserted once (all batches share one observation time), unless a
    later line changes one of its fields.
    """

    MAX_REMEMBERED = 2_000_000

    def __init__(self, directory: Path, *, source: str = "import", cleaned: bool = False):
        self.directory = directory
        self.source = source
        #: the caller has already taken control characters out (``storage.cleaning``); every
        #: other way in (captures, future formats) is cleaned here, at the last door
        self.cleaned = cleaned
        self._count = 0
        self._sent: dict[tuple[str, str], int] = {}
        self._targets: dict[tuple[str, str], str] = {}

    def stage(self, items: list[Interaction]) -> StagedBatch:
        if not self.cleaned:
            items = [clean_interaction(it) for it in items]
        actors: dict[tuple[str, str], list] = {}
        get = actors.get
        targets = self._targets
        accounts: set[tuple[str, str]] = set()
        rows = []
        append = rows.append
        source = self.source
        for it in items:
            a = it.actor
            platform = it.platform
            k = (platform, a.actor_key)
            cur = get(k)
            if cur is None:
                actors[k] = [a.platform_id, a.handle, a.display_name, a.bio, a.profile_url]
            else:    # two sightings of one actor: later non-empty values win
                vals = (a.platform_id, a.handle, a.display_name, a.bio, a.profile_url)
                if cur[0] != vals[0] or cur[1] != vals[1] or cur[2] != vals[2] or cur[3] != vals[3] \
                        or cur[4] != vals[4]:
                    for i, v in enumerate(vals):
                        if v:
                            cur[i] = v
            tk = (platform, it.target_account)
            accounts.add(tk)
            account = targets.get(tk)
            if account is None:
                account = targets[tk] = normalise_handle(platform, it.target_account)
            raw = it.raw
            if raw is not None and type(raw) is not str:
                raw = dumps(raw)
            append((platform, it.natural_key, it.kind, a.actor_key, account, it.post_id, it.post_url,
                    it.interaction_id, it.parent_id, it.url, it.text, it.created_at, it.source or source, raw))
        sent = self._sent
        if len(sent) > self.MAX_REMEMBERED:
            sent.clear()
        upserts = []
        for k, v in actors.items():
            sig = hash((v[0], v[1], v[2], v[3], v[4]))    # a hash, not the values: memory stays small
            if sent.get(k) != sig:
                upserts.append((k[0], k[1], v[0], v[1], v[2], v[3], v[4]))
                sent[k] = sig
        self._count += 1
        path = self.directory / f"batch-{self._count:06d}.db"
        targets_of_batch = sorted(accounts)
        _write_stage(path, targets_of_batch, upserts, rows)
        return StagedBatch(path, len(rows), len(actors), targets_of_batch)


def _write_stage(path: Path, accounts: list, actors: list, rows: list) -> None:
    old_umask = os.umask(0o077)
    try:
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
    finally:
        os.umask(old_umask)
    try:
        conn.execute("PRAGMA journal_mode = OFF")     # scratch: a crash means the batch is parsed again
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA page_size = 65536")      # append-only rows: fewer, larger pages
        conn.execute("PRAGMA cache_size = -131072")
        conn.execute("BEGIN")
        for ddl in _STAGE_DDL:
            conn.execute(ddl)
        conn.executemany("INSERT INTO accounts VALUES (?,?)", accounts)
        conn.executemany("INSERT INTO actors VALUES (?,?,?,?,?,?,?)", actors)
        conn.executemany("INSERT INTO rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


def store_staged(db: Database, batch: StagedBatch, *, observed_at: str, run_id: int | None,
                 accounts_cache: dict | None = None) -> WriteResult:
    """The storing side: move one staged batch into the database in one transaction.

    ``accounts_cache`` (kept by the caller across batches) saves looking up target
    accounts already known to exist. The staging file is removed once stored.
    """
    res = WriteResult(interactions=batch.interactions, actors=batch.actors)
    conn = db.conn
    cache = accounts_cache if accounts_cache is not None else {}
    if conn.in_transaction:
        raise RuntimeError("store_staged runs its own transaction (ATTACH cannot run inside one)")
    # Every reference a row carries is checked by construction: actor and account ids come
    # from sub-selects of existing rows (a miss is NULL, which NOT NULL rejects) and the run
    # id is checked below, so the per-row foreign-key checks (a tenth of the insert's cost)
    # are off for this transaction; the pragma cannot change inside one.
    fk = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("ATTACH DATABASE ? AS stage", [str(batch.path)])
    try:
        if fk:
            conn.execute("PRAGMA foreign_keys = OFF")
        with transaction(db):
            if run_id is not None and conn.execute("SELECT 1 FROM runs WHERE id=?", [run_id]).fetchone() is None:
                raise ValueError(f"no run {run_id}")
            for platform, handle in batch.accounts:
                if (platform, handle) not in cache:
                    cache[(platform, handle)] = accounts_q.ensure_imported(db, platform, handle)
            max_actor = conn.execute("SELECT max(id) FROM main.actors").fetchone()[0] or 0
            conn.execute(_MOVE_ACTORS, [observed_at])
            # new actors get ids above the old maximum (we hold the write lock)
            res.new_actors = conn.execute("SELECT count(*) FROM main.actors WHERE id > ?",
                                          [max_actor]).fetchone()[0]
            c0 = conn.total_changes
            conn.execute(_MOVE_INTERACTIONS, [observed_at, run_id])
            res.new_interactions = conn.total_changes - c0
    except BaseException:
        cache.clear()           # accounts created by a rolled-back transaction are gone
        raise
    finally:
        if fk:
            conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DETACH DATABASE stage")
    batch.path.unlink(missing_ok=True)
    return res


def staging_folder(db: Database) -> Path:
    """A fresh private folder for this process's staging files, next to the database.

    Folders left by imports that were killed (their process is gone) are removed.
    """
    row = db.execute("PRAGMA database_list").fetchone()
    base = Path(row[2]).parent if row and row[2] else Path(os.environ.get("TMPDIR", "/tmp"))
    root = private_dir(base / STAGING_DIR)
    for old in root.iterdir():
        pid = old.name.split("-")[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    n = 0
    while True:
        folder = root / f"{os.getpid()}-{n}"
        try:
            folder.mkdir(mode=0o700)
            return folder
        except FileExistsError:
            n += 1

