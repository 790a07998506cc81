"""The first schema, as one DDL block applied by the first migration.

Every table of DESIGN.md is here, including columns that later stages fill, so
that no feature needs a migration just to exist. Natural keys are UNIQUE
constraints: every writer inserts with ``ON CONFLICT`` and a re-run adds nothing.
"""

SCHEMA_V1 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,               -- normalised handle (see storage.records.normalise_handle)
    display_handle TEXT,                -- as written in the watchlist
    candidate TEXT,
    role TEXT,
    party TEXT,
    election TEXT,
    url TEXT,
    profile TEXT,                       -- selector profile (web only)
    collect TEXT NOT NULL DEFAULT '[]', -- JSON list of kinds to collect; [] = all
    since TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    origin TEXT NOT NULL DEFAULT 'watchlist',   -- watchlist | import
    source_file TEXT,
    platform_id TEXT,                   -- id resolved on the platform (DID, channel id, ...)
    cursors TEXT NOT NULL DEFAULT '{}', -- JSON: incremental crawl state of the account
    last_crawled_at TEXT,
    last_full_pass_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (platform, handle)
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    post_id TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    url TEXT,
    created_at TEXT,
    text TEXT,
    reply_count INTEGER,
    like_count INTEGER,
    repost_count INTEGER,
    quote_count INTEGER,
    cursors TEXT NOT NULL DEFAULT '{}',
    first_seen TEXT NOT NULL,
    last_crawled_at TEXT,
    UNIQUE (platform, post_id)
);
CREATE INDEX posts_account ON posts(account_id);

CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    actor_key TEXT NOT NULL,
    platform_id TEXT,
    handle TEXT,
    display_name TEXT,
    bio TEXT,
    profile_url TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    changed_at TEXT NOT NULL,           -- last change of a matched field (incremental matching)
    UNIQUE (platform, actor_key)
);
CREATE INDEX actors_changed ON actors(changed_at);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    natural_key TEXT NOT NULL,          -- see storage.records.Interaction.natural_key
    kind TEXT NOT NULL CHECK (kind IN ('comment','reply','like','repost','quote','follow')),
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    post_id TEXT,                       -- platform id of the post interacted with
    post_url TEXT,
    interaction_id TEXT,                -- platform id of the comment / reply / quote / event
    parent_id TEXT,                     -- platform id of the comment replied to
    url TEXT,                           -- link to the interaction itself, when known
    text TEXT,
    created_at TEXT,
    observed_at TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    source TEXT NOT NULL DEFAULT 'crawl',   -- crawl | import
    raw TEXT,                           -- the raw record as received (JSON)
    UNIQUE (platform, natural_key)
);
CREATE INDEX interactions_actor ON interactions(actor_id, observed_at);
CREATE INDEX interactions_account ON interactions(account_id);
CREATE INDEX interactions_observed ON interactions(observed_at);

CREATE TABLE employees (
    nip TEXT PRIMARY KEY CHECK (length(nip) = 18),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    norm_version TEXT NOT NULL,
    titles TEXT NOT NULL DEFAULT '[]',  -- JSON list of titles extracted from the name
    unit TEXT,
    position TEXT,
    handles TEXT NOT NULL DEFAULT '[]', -- JSON list of known handles
    birth_date TEXT,                    -- from the NIP
    active INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX employees_source ON employees(source, active);

CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    nip TEXT NOT NULL REFERENCES employees(nip),
    score REAL NOT NULL,
    band TEXT NOT NULL DEFAULT 'possible' CHECK (band IN ('strong','possible','namesake')),
    explanation TEXT NOT NULL DEFAULT '',   -- readable sentences, one per line
    features TEXT NOT NULL DEFAULT '[]',    -- JSON [{feature, detail, weight}]
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending','confirmed','rejected','escalated')),
    reviewer TEXT,
    decided_at TEXT,
    note TEXT,
    model_version TEXT,
    run_id INTEGER REFERENCES runs(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (actor_id, nip)
);
CREATE INDEX matches_queue ON matches(status, score DESC);
CREATE INDEX matches_nip ON matches(nip);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    sha256 TEXT,
    path TEXT,                          -- relative to the evidence folder
    kind TEXT NOT NULL DEFAULT 'screenshot',    -- screenshot | raw
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    source_url TEXT,
    captured_at TEXT NOT NULL,
    bytes INTEGER,
    error TEXT,                         -- capture failure, if any
    run_id INTEGER REFERENCES runs(id),
    UNIQUE (interaction_id, kind, sha256)
);
CREATE INDEX evidence_interaction ON evidence(interaction_id);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                 -- crawl | match | nightly | import | purge
    trigger TEXT NOT NULL DEFAULT 'cli',    -- cli | schedule | cron | demo | test
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'running', -- running | ok | partial | failed | interrupted
    pid INTEGER,
    stats TEXT NOT NULL DEFAULT '{}',   -- JSON: per-spider figures and totals
    summary TEXT NOT NULL DEFAULT '{}', -- JSON: what the run did, for people
    error TEXT
);

CREATE TABLE account_runs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    spider TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0,
    new_items INTEGER NOT NULL DEFAULT 0,
    retries INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'ok',  -- ok | failed | budget | skipped
    message TEXT,
    finished_at TEXT,
    PRIMARY KEY (run_id, account_id)
);
CREATE INDEX account_runs_account ON account_runs(account_id, run_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,                 -- review-app user, or 'cli:<os user>'
    action TEXT NOT NULL,               -- import.roster, watchlist.sync, match.decide, export, signin, ...
    object_type TEXT,
    object_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin','reviewer','viewer')),
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    last_failed_at TEXT,
    last_login_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""
