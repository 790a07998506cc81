"""`pantau match` through the real CLI in a child process, on a small workspace."""

import time

from storage.queries import employees as employees_q
from storage.queries.interactions import InteractionWriter
from storage.records import Interaction

from .helpers import actor, emp


def test_pantau_match_cli(workspace, db, pantau):
    (workspace / "pantau.toml").write_text(
        (workspace / "pantau.toml").read_text() + "\n[matching]\nthreshold = 50\ntop_k = 2\n")
    employees_q.replace_source(db, [
        emp("198803122010011001", "Drs. Budi Santoso, M.Si.", "Dinas Pendidikan", "Guru"),
        emp("199001012015032002", "Sri Wahyuni"), emp("198505052012122003", "Sri Wahyuni"),
        emp("197501012000031004", "Sri Wahyuni")], "roster.csv")
    InteractionWriter(db, source="import").write([
        Interaction(platform="mastodon", kind="like", target_account="@calon@example.org", post_id="1", actor=a)
        for a in (actor("budisantoso88", "Budi Santoso", key="b"), actor("sriw", "Sri Wahyuni", key="s"))])
    time.sleep(1.1)     # see test_match_job: one-second timestamps
    p = pantau("match")
    assert p.returncode == 0, p.stderr
    assert "scored 2 actors against 4 employees" in p.stdout
    assert "3 candidates (3 new" in p.stdout                 # top_k = 2 from pantau.toml caps the namesakes
    assert "match: scoring 2 actors" in p.stderr               # progress on stderr
    assert db.execute("SELECT count(*) FROM matches").fetchone()[0] == 3
    p = pantau("match")
    assert p.returncode == 0 and "scored 0 actors" in p.stdout
    p = pantau("match", "--full")
    assert p.returncode == 0 and "scored 2 actors" in p.stdout and "0 new" in p.stdout
    assert db.execute("SELECT count(*) FROM matches").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM runs WHERE kind='match' AND status='ok'").fetchone()[0] == 3
    # a workspace this small has too few pairs to learn from: the declared weights stay, and say so
    p = pantau("match", "--explain-model")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("model n") and "declared weights (no learned weights yet)" in lines[0]
    assert "display_name (name):" in p.stdout and "equals the roster name" in p.stdout
    assert "known_handle (known):" in p.stdout and "at least 100" in p.stdout
    assert db.execute("SELECT count(*) FROM runs WHERE kind='match'").fetchone()[0] == 3   # matched nothing
    p = pantau("match", "--learn")
    assert p.returncode == 0 and "EM skipped" not in p.stdout        # notes go to the run summary, not stdout
    # learning switched off: the built-in weights, said so; --learn is then a usage error
    (workspace / "pantau.toml").write_text((workspace / "pantau.toml").read_text() + "learn_weights = false\n")
    p = pantau("match", "--explain-model")
    assert p.returncode == 0 and "declared weights ([matching] learn_weights = false)" in p.stdout
    p = pantau("match", "--learn")
    assert p.returncode == 2 and "learn_weights = false" in p.stderr
    assert pantau("match").returncode == 0


def test_pantau_match_refuses_while_another_job_runs(workspace, pantau):
    from pantau.lock import job_lock
    from pantau.workspace import open_settings
    with job_lock(open_settings(workspace).lock_path, job="crawl"):
        p = pantau("match")
    assert p.returncode == 1 and "another Pantau job is running" in p.stderr
