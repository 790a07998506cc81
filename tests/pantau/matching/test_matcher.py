"""The matcher end to end on plain records: blocking, bands, known handles, birth-date digits, explanations."""

import ast
import sys
from pathlib import Path

from pantau.matching import blocking, build_index, default_model, match
from pantau.matching.actors import prepare_actors

from .helpers import actor, emp

ROSTER = [
    emp("198803122010011001", "Drs. Budi Santoso, M.Si.", "Dinas Pendidikan Kabupaten Sleman", "Guru"),
    emp("199001012015032002", "SRI WAHYUNI, S.Pd.", "SD Negeri 1 Bantul", "Guru"),
    emp("198505052012122003", "Sri Wahyuni", "Puskesmas Depok", "Perawat"),
    emp("197001011995031004", "Moch. Rizky Ramadhan", "Badan Kepegawaian Daerah", "Analis"),
    emp("196512121990031005", "Soeharto Wiryo", "Dinas Pertanian", "Penyuluh", handles=["@harto_tani"]),
    emp("198202022010011006", "Heryanto Prasetyo Nugroho", "Bappeda", "Perencana"),
    emp("197707072005012007", "Wahjudi Kartasasmita", "Inspektorat", "Auditor"),
]


def by_actor(cands):
    out = {}
    for c in cands:
        out.setdefault(c.actor_id, []).append(c)
    return out


def test_exact_name_with_birth_digits_is_strong_and_explained():
    cands = by_actor(match([actor("budisantoso_120388", "Budi Santoso")], ROSTER))
    [c] = cands[0]
    assert c.nip == "198803122010011001"
    assert c.band == "strong" and c.score >= 80
    feats = {f.feature for f in c.features}
    assert "birth_date" in feats
    text = c.explanation
    assert "full birth date" in text and "Display name equals the roster name" in text
    assert "19880312" not in text and c.nip not in text        # the NIP never appears in an explanation


def test_namesakes_are_banded_and_both_proposed():
    cands = by_actor(match([actor("sriw", "Sri Wahyuni")], ROSTER))
    got = cands[0]
    assert {c.nip for c in got} == {"199001012015032002", "198505052012122003"}
    assert all(c.band == "namesake" for c in got)
    assert any(f.feature == "shared_name" for f in got[0].features)


def test_birth_digits_single_out_one_namesake():
    cands = by_actor(match([actor("sri.wahyuni0505", "Sri Wahyuni")], ROSTER))
    best = max(cands[0], key=lambda c: c.score)
    assert best.nip == "198505052012122003"
    assert best.score > min(c.score for c in cands[0]) or len(cands[0]) == 1


def test_a_birth_day_and_month_tells_namesakes_apart_and_lifts_the_shared_name_penalty():
    """Two Sri Wahyunis: 0505 is one's birth day and month, so she is no longer one of two
    interchangeable namesakes. The other keeps the penalty; the year alone (85) would not do."""
    import dataclasses
    both = dataclasses.replace(default_model(), margin=100.0, threshold=0.0)     # show the other one too
    [told, other] = sorted(by_actor(match([actor("sri.wahyuni0505", "Sri Wahyuni")], ROSTER, both))[0],
                           key=lambda c: -c.score)
    assert told.nip == "198505052012122003"
    codes = {f.code: f for f in told.features}
    assert "shared_name.told_apart" in codes and "shared_name" not in codes
    assert codes["shared_name.told_apart"].weight == 0 and "tells this one apart" in told.explanation
    assert "shared_name" in {f.code for f in other.features}
    penalty = -next(f.weight for f in other.features if f.code == "shared_name")
    assert penalty > 0 and told.score - other.score > 15 + penalty - 0.5   # the birth points and no penalty
    [y1, y2] = by_actor(match([actor("sri.wahyuni85", "Sri Wahyuni")], ROSTER, both))[0]
    assert {f.code for f in y1.features} >= {"shared_name"} or {f.code for f in y2.features} >= {"shared_name"}
    assert not any(f.code == "shared_name.told_apart" for c in (y1, y2) for f in c.features)


def test_known_handle_on_its_platform_and_server_is_certain_even_without_a_name():
    roster = ROSTER[:4] + [emp("196512121990031005", "Soeharto Wiryo", "Dinas Pertanian", "Penyuluh",
                               handles=["@harto_tani@mastodon.example"])] + ROSTER[5:]
    cands = by_actor(match([actor("harto_tani@mastodon.example", "Pak Tani")], roster))
    [c] = cands[0]
    assert c.nip == "196512121990031005" and c.score == 100 and c.band == "strong"
    assert c.features[0].feature == "known_handle" and "certain" in c.features[0].detail


KNOWN = [
    emp("198803122010011001", "Budi Santoso", "Dinas Pendidikan Kabupaten Sleman", "Guru", handles=["budisantoso"]),
    emp("198803122010011002", "Budi Santoso", "Dinas Kesehatan", "Perawat"),
    emp("197101012000011003", "Ratna Samori Halim", "Bappeda", "Perencana", handles=["@rinahalim"]),
    emp("196512121990031005", "Soeharto Wiryo", "Dinas Pertanian", "Penyuluh",
        handles=["instagram:harto_tani", "@wiryo@mastodon.example"]),
]


def test_bare_known_handle_without_agreement_is_possible_and_says_why():
    # a namesake of two employees uses the handle the roster lists without a platform
    [c] = match([actor("budisantoso", "Budi Santoso", platform="x")], KNOWN)
    assert c.nip == "198803122010011001" and c.band == "possible" and c.score < 100
    feats = {f.feature: f for f in c.features}
    assert "without a platform to confirm it" in feats["band"].detail
    assert feats["known_handle:bare"].weight > 0 and "no platform" in feats["known_handle:bare"].detail
    # nothing fits the name either: still a lead, not certain
    [c] = match([actor("rinahalim", "🌺🌺", platform="tiktok")], KNOWN)
    assert c.nip == "197101012000011003" and c.band == "possible" and 55 <= c.score < 100


def test_bare_known_handle_is_strong_when_something_else_agrees():
    # the display name fits a name only this employee has
    [c] = match([actor("rinahalim", "Ratna Samori Halim", platform="instagram")], KNOWN)
    assert c.band == "strong" and c.score < 100 and "known_handle:bare" in {f.feature for f in c.features}
    # a shared name, but the unit words of the bio agree
    cands = match([actor("budisantoso", "Budi Santoso", bio="Guru di Dinas Pendidikan Sleman", platform="x")],
                  KNOWN)
    best = max(cands, key=lambda c: c.score)
    assert best.nip == "198803122010011001" and best.band == "strong"


def test_platform_handle_elsewhere_is_weak_and_not_certain():
    [c] = match([actor("harto_tani", None, platform="x")], KNOWN)
    assert c.nip == "196512121990031005" and c.band == "possible" and c.score < 80
    f = next(f for f in c.features if f.feature == "known_handle:other")
    assert "'harto_tani' (Instagram)" in f.detail and "on X" in f.detail
    [c] = match([actor("harto_tani", None, platform="instagram")], KNOWN)
    assert c.band == "strong" and c.score == 100
    # Mastodon: the same user name on another server is another account
    [c] = match([actor("wiryo@other.example", None, platform="mastodon")], KNOWN)
    assert c.band == "possible" and c.score < 80
    assert "another server" in next(f.detail for f in c.features if f.feature == "known_handle:other")
    [c] = match([actor("wiryo@mastodon.example", None, platform="mastodon")], KNOWN)
    assert c.band == "strong" and c.score == 100


def test_handle_only_initials_old_spelling_and_abbreviation():
    actors = [actor("heryanto.pn", None), actor("mrizkiramadan", None), actor("wahyudi.k", "Wahyudi Kartasasmita"),
              actor("budisoeharto", None)]
    cands = by_actor(match(actors, ROSTER))
    assert cands[0][0].nip == "198202022010011006"
    assert cands[1][0].nip == "197001011995031004"
    assert cands[2][0].nip == "197707072005012007"      # Wahjudi (old j) = Wahyudi
    assert 3 not in cands                                 # Budi + Suharto is nobody on this roster


def test_common_given_name_alone_is_not_a_candidate():
    cands = by_actor(match([actor("budi", "Budi"), actor("sri123", "Sri")], ROSTER))
    assert cands == {}


def test_another_full_name_in_the_display_contradicts_the_handle():
    cands = by_actor(match([actor("budisantoso", "Budi Santoso Wijayakusuma Hartono")], ROSTER))
    assert all(c.score < 80 for c in cands.get(0, []))


def test_unit_words_in_the_bio_are_evidence():
    plain = match([actor("hprasetyo", None)], ROSTER)
    with_bio = match([actor("hprasetyo", None, bio="Perencana di Bappeda")], ROSTER)
    assert with_bio and (not plain or with_bio[0].score > plain[0].score)
    assert any(f.feature == "unit" for f in with_bio[0].features)


def test_top_k_and_threshold_from_the_model():
    model = default_model(threshold=99, top_k=1)
    assert match([actor("sriw", "Sri Wahyuni")], ROSTER, model) == []
    model = default_model(threshold=1, top_k=1)
    assert len(match([actor("sriw", "Sri Wahyuni")], ROSTER, model)) == 1


def test_blocking_never_produces_all_pairs():
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks" / "matching"))
    from generate import generate
    ds = generate(1500, 4000, seed=5)
    model = default_model()
    index = build_index(ds.employees, model)
    batch = prepare_actors(ds.actors, list(range(len(ds.actors))), index)
    pa, pe, stats = blocking.candidate_pairs(batch, index, model)
    all_pairs = len(ds.actors) * len(ds.employees)
    assert 0 < len(pa) < all_pairs / 50
    assert len(set(zip(pa.tolist(), pe.tolist()))) == len(pa)          # no duplicate pairs
    # every true pair whose actor shows the full roster name is among the candidates
    found = set(zip(pa.tolist(), pe.tolist()))
    nip_pos = {e.nip: i for i, e in enumerate(ds.employees)}
    exact = [(a, nip_pos[n]) for a, n in ds.truth.items()
             if ds.actors[a].display_name and ds.actors[a].display_name.lower() == ds.employees[nip_pos[n]].name.lower()]
    assert all(p in found for p in exact)
    rep = index.block_report
    assert rep["keys"] > 0 and set(rep["by_key"]) >= {"token_pair", "space_free", "initial_token"}


def test_hot_blocks_are_refined_by_birth_year_not_scored_whole():
    roster = [emp(f"19{80 + i % 10:02d}0101201001{i % 2 + 1}{i:03d}", "Sri Wahyuni") for i in range(60)]
    model = default_model()
    model.max_block = 20
    index = build_index(roster, model)
    assert index.block_report["hot_blocks_skipped"] >= 1
    cands = match([actor("sriwahyuni84", "Sri Wahyuni")], None, model, index=index)
    assert cands and all(c.nip.startswith("1984") for c in cands)


def test_a_common_name_costs_at_most_the_pair_budget_and_birth_digits_find_the_employee():
    # 400 employees share "Budi Santoso" (a national roster has thousands): scoring them all
    # for every actor so named is what made national scale slow, and picks a namesake at random
    roster = [emp(f"19{60 + i % 40:02d}{i % 12 + 1:02d}{i % 28 + 1:02d}2010011{i:03d}", "Budi Santoso")
              for i in range(400)]
    roster.append(emp("199105052015011999", "Budi Santoso Wirakusuma", "Bappeda", "Perencana"))
    model = default_model()
    index = build_index(roster, model)
    actors = [actor("budisantoso", "Budi Santoso"), actor("budi_santoso75", "Budi Santoso"),
              actor("bsantoso", "Budi Santoso Wirakusuma")]
    batch = prepare_actors(actors, [0, 1, 2], index)
    pa, pe, stats = blocking.candidate_pairs(batch, index, model)
    assert len(pa) <= 3 * model.max_pairs_per_actor and stats["pairs_capped"] >= 400
    nips = {r: {roster[e].nip for a, e in zip(pa.tolist(), pe.tolist()) if a == r} for r in range(3)}
    assert not nips[0]                                     # no year, no lead: 400 namesakes are not one
    assert len(nips[1]) == 10 and all(n.startswith("1975") for n in nips[1])    # the year narrows the crowd
    assert "199105052015011999" in nips[2]                 # a rare full name is found
    cands = match(actors, None, model, index=index)
    assert [c.nip for c in cands if c.actor_id == 2][:1] == ["199105052015011999"]


def test_matching_imports_no_database_scrapy_or_web_code():
    root = Path(__file__).resolve().parents[3] / "pantau" / "matching"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] if node.module != "storage" else [f"storage.{a.name}" for a in node.names]
            for n in names:
                top = n.split(".")[0]
                assert top not in {"sqlite_utils", "sqlite3", "scrapy", "fastapi", "starlette", "crawler"}, path
                if top == "storage":     # plain records and the platform facts only
                    assert n in ("storage.records", "storage.platforms"), f"{path.name} imports {n}"


def test_forked_processes_give_the_same_candidates(monkeypatch):
    import pantau.matching as pm
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks" / "matching"))
    from generate import generate
    ds = generate(500, 1500, seed=9)
    model = default_model()
    model.batch_actors = 400
    index = build_index(ds.employees, model)
    serial = match(ds.actors, None, model, index=index)
    monkeypatch.setattr(pm, "PARALLEL_MIN_ACTORS", 10)
    stats = {}
    forked = match(ds.actors, None, model, index=index, processes=2, stats=stats)
    key = lambda c: (c.actor_id, c.nip, c.score, c.band)
    assert sorted(map(key, forked)) == sorted(map(key, serial)) and serial
    assert stats["actors"] == len(ds.actors)


TIED = [
    emp("198001012005011001", "Agus Salim Harjono", "Dinas Sosial", "Pekerja Sosial"),
    emp("198502022010011002", "Agus Salim Harjono", "Inspektorat", "Auditor"),
    emp("199003032015011003", "Agus Salim Harjono", "Bappeda", "Perencana"),
]


def test_a_third_candidate_tied_on_the_name_alone_needs_corroboration():
    model = default_model(threshold=1, top_k=3)
    assert len(match([actor("agus_salim_h", "Agus Salim Harjono")], TIED, model)) == 2
    model.uncorroborated_top_k = 3
    assert len(match([actor("agus_salim_h", "Agus Salim Harjono")], TIED, model)) == 3
    # corroboration (the birth date of the third employee in the handle) keeps it
    model = default_model(threshold=1, top_k=3)
    cands = match([actor("agussalimharjono030390", "Agus Salim Harjono")], TIED, model)
    assert "199003032015011003" in {c.nip for c in cands}


def test_a_handle_only_name_gets_the_allowance_below_the_threshold():
    lone = actor("hprasetyo", "Hamba Allah")           # the display name names nobody
    [c] = match([lone], ROSTER, default_model(threshold=1, top_k=1))
    assert c.band == "possible"
    model = default_model(threshold=c.score + 5, top_k=1)
    [kept] = match([lone], ROSTER, model)
    assert kept.nip == c.nip and any(f.feature == "handle_only" for f in kept.features)
    model.handle_only_allowance = 0
    assert match([lone], ROSTER, model) == []
    # a display name that carries the name gets no allowance
    named = actor("hpn", "Heryanto Nugroho")
    [d] = match([named], ROSTER, default_model(threshold=1, top_k=1))
    assert match([named], ROSTER, default_model(threshold=d.score + 5, top_k=1)) == []


def test_roster_strings_are_shared_byte_arrays_of_bounded_width():
    # forked workers share NumPy buffers; Python strings would be copied page by page
    odd = emp("198001012005011077", "Budi " + "Sentosa" * 40)
    index = build_index(ROSTER + [odd])
    assert index.names.sorted.dtype.kind == "S" and index.names.sorted.itemsize <= 80
    assert index.nips.dtype.kind == "S"
    cands = match([actor("budi.sentosa", "Budi " + "Sentosa" * 40)], None, index=index)
    assert cands and cands[0].nip == "198001012005011077"



def test_three_letters_of_a_name_weigh_at_least_its_initial():
    """``suhartowir`` (three letters of Wiryo) says more than ``suhartow`` (one): a chance
    agreement of a three-letter start is rarer than of one letter."""
    model = default_model(threshold=1)
    [abbr] = match([actor("suhartowir", None)], ROSTER, model)
    [init] = match([actor("suhartow", None)], ROSTER, model)
    assert abbr.nip == init.nip == "196512121990031005"
    assert "cut short" in next(f.detail for f in abbr.features if f.feature.startswith("handle"))
    assert abbr.score >= init.score


def test_a_roster_name_ending_in_an_old_j_is_found_by_its_current_spelling():
    roster = [emp("197805062005012001", "Lilj Tanoto", "Dinas Perdagangan", "Analis")]
    [c] = match([actor("lily_tanoto", "Lily Tanoto")], roster, default_model(threshold=1))
    assert "old j = y" in next(f.detail for f in c.features if f.feature.startswith("display_name"))


def test_a_balinese_name_shown_without_ni_luh_putu_but_with_ayu_is_the_core():
    """Ayu after Putu is read as a regional part (Gusti Ayu); an account "Ayu Kartika" keeps it as
    a given name: both readings of the roster name are its core."""
    roster = [emp("199001012015032006", "Ni Luh Putu Ayu Kartika", "Dinas Pariwisata", "Staf")]
    model = default_model(threshold=1)
    [c] = match([actor("x1", "Ayu Kartika")], roster, model)
    assert "without its regional parts" in next(f.detail for f in c.features if f.feature.startswith("display"))
    assert c.score >= default_model().threshold


def test_a_name_in_the_rosters_order_has_no_namesake_in_the_reverse_order():
    roster = [emp("198001012005011001", "Hj. Hendro Ridwan, S.E.", "Dinas A", "Staf"),
              emp("198101012005011002", "H. Ridwan Hendro, S.Sos.", "Dinas B", "Staf"),
              emp("198201012005011003", "Ridwan Hendro", "Dinas C", "Staf")]
    cands = sorted(match([actor("hendro256", "Hendro Ridwan")], roster, default_model(threshold=1)),
                   key=lambda c: -c.score)
    assert cands[0].nip == "198001012005011001" and cands[0].score >= default_model().threshold
    assert not any(f.feature == "shared_name" for f in cands[0].features)


def test_a_roster_whose_names_hold_no_name_token_matches_nothing_and_does_not_fail():
    # back titles, punctuation, an emoji: the vocabulary is empty, so nothing can be keyed
    odd = [emp("197001012000010001", " , S.Pd x"), emp("197001012000010002", "\U0001F600")]
    assert match([actor("budicha", "Budi"), actor(None, "Daeng")], odd, default_model(threshold=0)) == []
    # beside a real name the odd one changes nothing
    got = match([actor("budi.santoso", "Budi Santoso")], odd + [emp("197001012000010003", "Budi Santoso")],
                default_model())
    assert [c.nip for c in got] == ["197001012000010003"]


def test_match_parts_hand_over_every_actor_once_in_order(monkeypatch):
    """The match job writes each part while the workers score the next: the parts must
    partition the actors, in order, and carry exactly ``match``'s candidates."""
    import pantau.matching as pm
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks" / "matching"))
    from generate import generate
    ds = generate(300, 900, seed=4)
    model = default_model()
    model.batch_actors = 200
    index = build_index(ds.employees, model)
    ids = [1000 + k for k in range(len(ds.actors))]
    whole = match(ds.actors, None, model, index=index, actor_ids=ids)
    key = lambda c: (c.actor_id, c.nip, c.score, c.band)
    monkeypatch.setattr(pm, "PARALLEL_MIN_ACTORS", 10)
    # the pool is run to its end, closed and joined: terminating busy workers once hung a national run
    import multiprocessing.pool
    joined = []
    join = multiprocessing.pool.Pool.join
    monkeypatch.setattr(multiprocessing.pool.Pool, "join", lambda self: (joined.append(1), join(self))[1])
    for processes in (1, 2):
        parts = list(pm.match_parts(ds.actors, None, model, index=index, actor_ids=ids, processes=processes))
        assert len(joined) == (processes > 1)
        assert len(parts) > 2
        assert [i for part_ids, _ in parts for i in part_ids] == ids
        for part_ids, cands in parts:
            assert {c.actor_id for c in cands} <= set(part_ids)
        assert sorted(key(c) for _, cands in parts for c in cands) == sorted(map(key, whole)) and whole
