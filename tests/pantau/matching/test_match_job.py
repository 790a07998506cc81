"""The match job through the real database: incremental runs, sticky decisions, no duplicates, cached index."""

import json
import time

from pantau.jobs.match import run_match
from pantau.workspace import open_settings
from storage.queries import employees as employees_q
from storage.queries import matches as matches_q
from storage.queries.interactions import InteractionWriter
from storage.records import Interaction

from .helpers import actor, emp

ROSTER = [
    emp("198803122010011001", "Drs. Budi Santoso, M.Si.", "Dinas Pendidikan Kabupaten Sleman", "Guru"),
    emp("199001012015032002", "SRI WAHYUNI, S.Pd.", "SD Negeri 1 Bantul", "Guru"),
    emp("198505052012122003", "Sri Wahyuni", "Puskesmas Depok", "Perawat"),
    emp("198202022010011006", "Heryanto Prasetyo Nugroho", "Bappeda", "Perencana"),
]


def add_actors(db, *actors):
    items = [Interaction(platform=a.platform, kind="follow", target_account="@calon@example.org", actor=a)
             for a in actors]
    InteractionWriter(db, source="import").write(items)


def actor_id(db, key):
    return db.execute("SELECT id FROM actors WHERE actor_key=?", [key]).fetchone()[0]


def rows(db):
    return [dict(r) for r in db.query("SELECT actor_id, nip, status, band, score FROM matches ORDER BY actor_id, nip")]


def test_incremental_runs_and_sticky_decisions(workspace, db):
    settings = open_settings(workspace)
    employees_q.replace_source(db, ROSTER, "roster.csv")
    add_actors(db, actor("budisantoso88", "Budi Santoso", key="budi"), actor("sriw", "Sri Wahyuni", key="sri"),
               actor("randomguy", "Joko Anwar", key="joko"))
    time.sleep(1.1)     # timestamps have one-second resolution: a change in the second a run
    r1 = run_match(settings, db)    # starts is scored again by the next run (harmless, not tested here)
    assert r1.actors_scored == 3 and r1.reason == "first match"
    assert r1.new_matches == r1.candidates == 3          # budi -> 1, sri -> 2 namesakes, joko -> none
    run = db.execute("SELECT kind, status, summary FROM runs WHERE id=?", [r1.run_id]).fetchone()
    assert run[0] == "match" and run[1] == "ok" and json.loads(run[2])["candidates"] == 3
    before = rows(db)

    # nothing changed: nothing re-scored, nothing duplicated
    r2 = run_match(settings, db)
    assert r2.actors_scored == 0, r2.reason
    assert r2.new_matches == 0 and r2.index_cached
    assert rows(db) == before

    # a reviewer rejects one namesake pair; a full re-run keeps the decision and raises nothing again
    sri = actor_id(db, "sri")
    mid = db.execute("SELECT id FROM matches WHERE actor_id=? AND nip=?", [sri, "198505052012122003"]).fetchone()[0]
    matches_q.record_decision(db, mid, "rejected", reviewer="tester")
    r3 = run_match(settings, db, full=True)
    assert r3.actors_scored == 3 and r3.new_matches == 0
    after = rows(db)
    assert len(after) == len(before)
    assert [r for r in after if r["actor_id"] == sri and r["nip"] == "198505052012122003"][0]["status"] == "rejected"
    assert db.execute("SELECT count(*) FROM matches").fetchone()[0] == 3

    # an actor changes its profile: only it is re-scored; its stale pending candidates are withdrawn
    time.sleep(1.1)
    add_actors(db, actor("sriw", "Heryanto Prasetyo Nugroho", key="sri"))
    time.sleep(1.1)
    r4 = run_match(settings, db)
    assert r4.actors_scored == 1
    mine = [r for r in rows(db) if r["actor_id"] == sri]
    assert {(r["nip"], r["status"]) for r in mine} == {("198505052012122003", "rejected"),
                                                        ("198202022010011006", "pending")}
    assert r4.withdrawn == 1

    # the roster changes: everyone is re-scored against the new roster, index rebuilt
    time.sleep(1.1)
    employees_q.replace_source(db, ROSTER + [emp("197001011995031004", "Joko Anwar")], "roster.csv")
    r5 = run_match(settings, db)
    assert r5.reason == "roster changed" and r5.actors_scored == 3 and not r5.index_cached
    assert r5.new_matches == 1
    assert db.execute("SELECT count(*) FROM matches").fetchone()[0] == len(set(
        (r["actor_id"], r["nip"]) for r in rows(db)))


def test_old_normaliser_rows_are_renormalised_and_cache_is_private(workspace, db):
    from pantau.matching.normalize import VERSION as NORM_VERSION
    settings = open_settings(workspace)
    old = emp("198803122010011001", "Drs. H. Moch. Djoko Soeharto, M.Si.")
    old.name_norm, old.norm_version = "drs h moch djoko soeharto", "1"
    employees_q.replace_source(db, [old], "roster.csv")
    add_actors(db, actor("mjokosuharto", "Muhammad Joko Suharto", key="joko"))
    r = run_match(settings, db)
    assert r.candidates == 1
    assert db.execute("SELECT name_norm, norm_version FROM employees").fetchone()[:] == (
        "muhamad joko suharto", NORM_VERSION)
    cache = list((workspace / "data" / "cache").glob("roster-*.pkl"))
    assert len(cache) == 1 and (cache[0].stat().st_mode & 0o077) == 0


def test_empty_roster_scores_nothing(workspace, db):
    settings = open_settings(workspace)
    add_actors(db, actor("budi", "Budi Santoso"))
    r = run_match(settings, db)
    assert r.candidates == 0 and r.employees == 0


def test_akun_column_forms_decide_certain_or_not(workspace, db, tmp_path):
    """Roster imported from a CSV with the akun forms offices write; the stored bands follow the platform."""
    from pantau.roster import import_roster
    csv = tmp_path / "pegawai.csv"
    csv.write_text(
        "nip,nama,unit_kerja,jabatan,akun\n"
        "198803122010011001,Budi Santoso,Dinas Pendidikan,Guru,https://www.instagram.com/budisantoso/\n"
        "198803122010011002,Budi Santoso,Dinas Kesehatan,Perawat,\n"
        "197101012000011003,Ratna Samori Halim,Bappeda,Perencana,rina_h; @rina@mastodon.example\n",
        encoding="utf-8")
    import_roster(db, csv)
    settings = open_settings(workspace)
    add_actors(db, actor("budisantoso", "Budi Santoso", platform="instagram", key="ig-budi"),
               actor("budisantoso", "Budi Santoso", platform="x", key="x-budi"),
               actor("rina_h", "Kucing Oren", platform="tiktok", key="tt-rina"),
               actor("rina@mastodon.example", None, platform="mastodon", key="m-rina"),
               actor("rina@other.example", None, platform="mastodon", key="m-other"))
    time.sleep(1.1)
    run_match(settings, db)
    got = {(k, r["nip"]): r for k in ("ig-budi", "x-budi", "tt-rina", "m-rina", "m-other")
           for r in db.query("SELECT nip, band, score, features FROM matches WHERE actor_id=?", [actor_id(db, k)])}
    certain = got[("ig-budi", "198803122010011001")]
    assert certain["band"] == "strong" and certain["score"] == 100
    elsewhere = got[("x-budi", "198803122010011001")]               # the Instagram handle seen on X
    assert elsewhere["band"] != "strong" and elsewhere["score"] < 100
    assert "known_handle:other" in elsewhere["features"]
    bare = got[("tt-rina", "197101012000011003")]                   # a bare roster handle, nothing else agrees
    assert bare["band"] == "possible" and "known_handle:bare" in bare["features"]
    assert got[("m-rina", "197101012000011003")]["score"] == 100
    other = got[("m-other", "197101012000011003")]                  # same user, another Mastodon server
    assert other["band"] != "strong" and other["score"] < 100


def test_a_changed_threshold_rescores_the_actors_already_scored(workspace, db):
    employees_q.replace_source(db, ROSTER, "roster.csv")
    add_actors(db, actor("budisantoso88", "Budi Santoso", key="budi"), actor("x9", "Heryanto Prasetyo", key="her"))
    time.sleep(1.1)
    assert run_match(open_settings(workspace), db).reason == "first match"
    before = len(rows(db))
    toml = workspace / "pantau.toml"
    toml.write_text(toml.read_text() + "\n[matching]\nthreshold = 5.0\n")
    r = run_match(open_settings(workspace), db)
    assert r.reason == "[matching] threshold or top_k changed" and r.actors_scored == 2
    assert len(rows(db)) > before                    # pairs the lower threshold admits among old actors
    assert run_match(open_settings(workspace), db).actors_scored == 0


def test_a_run_stopped_after_its_first_part_is_finished_by_the_next(workspace, db, monkeypatch):
    """Parts are stored as they are scored: a run that dies after storing one leaves that
    part's candidates, the next run scores everyone again and ends with one row per pair."""
    import pantau.jobs.match as job
    import pantau.matching as pm
    settings = open_settings(workspace)
    employees_q.replace_source(db, ROSTER, "roster.csv")
    add_actors(db, *[actor(f"budisantoso{k}", "Budi Santoso", key=f"b{k}") for k in range(30)],
               *[actor(f"sriw{k}", "Sri Wahyuni", key=f"s{k}") for k in range(30)])
    real = pm.match_parts

    def small_parts(*a, **kw):
        a[2].batch_actors = 25
        return real(*a, **kw)

    monkeypatch.setattr(job, "match_parts", small_parts)
    calls = []
    store = matches_q.upsert_candidates

    def dies_on_the_second_part(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return store(*a, **kw)

    monkeypatch.setattr(matches_q, "upsert_candidates", dies_on_the_second_part)
    try:
        run_match(settings, db)
    except KeyboardInterrupt:
        pass
    first = rows(db)
    assert 0 < len(first) < 90              # the first part (25 actors) was kept, the rest not yet
    assert db.execute("SELECT value FROM meta WHERE key='match_last_at'").fetchone() is None
    monkeypatch.setattr(matches_q, "upsert_candidates", store)
    r = run_match(settings, db)
    assert r.actors_scored == 60 and r.reason == "first match"
    done = rows(db)
    assert len(done) == 90 == len({(x["actor_id"], x["nip"]) for x in done})   # budi 1 each, sri 2 each
    assert all(x in done for x in first)
