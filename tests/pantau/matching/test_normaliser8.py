"""Normaliser 8: words people write around their name that are no one's name (helper probes of
real display names and handles: agencies written short, a family's or a parent's account, a
partner after a heart, degrees written apart)."""

from __future__ import annotations

from pantau.matching import build_index, default_model, match
from pantau.matching.actors import prepare_actors
from pantau.matching.display_names import without_affixes
from pantau.matching.normalize import display_segments

from .helpers import actor, emp

ROSTER = [
    emp("198203022010011001", "Sulastri Sasmito", "Dinas Kesehatan", "Perawat"),
    emp("198505052012122002", "Budi Hermawan, S.Pd.", "SD Negeri 1", "Guru"),
    emp("197707072005012003", "Rina Marlina", "BKPSDM Kabupaten Sleman", "Analis"),
    emp("196901012000011004", "Rina Susanti", "Dinas Pertanian", "Penyuluh"),
    emp("198001012005011005", "Siti Nur Umi Kalsum", "Bappeda", "Perencana"),
]


def score(a, nip: str) -> float:
    got = [c for c in match([a], ROSTER, default_model(threshold=0)) if c.nip == nip]
    return got[0].score if got else 0.0


def test_a_heart_or_an_ampersand_parts_two_people():
    assert display_segments("Sulastri Sasmito ❤️ Budi Santoso") == ["Sulastri Sasmito", "Budi Santoso"]
    assert display_segments("Rina & Budi") == ["Rina", "Budi"]
    assert display_segments("♡ Sulastri ♡") == ["Sulastri"]
    assert display_segments("Rina&Co") == ["Rina&Co"]          # no spaces: no separator


def test_a_childs_name_after_a_parents_word_is_not_the_name():
    assert without_affixes(["sulastri", "sasmito", "mama", "kenzo"]) == ["sulastri", "sasmito"]
    assert without_affixes(["sulastri", "sasmito", "mamanya", "kenzo"]) == ["sulastri", "sasmito"]
    assert without_affixes(["siti", "nur", "umi", "kalsum"]) == ["siti", "nur", "umi", "kalsum"]   # Umi: a name
    assert without_affixes(["rina", "mama", "kenzo"]) == ["rina"]
    assert without_affixes(["mama", "kenzo"]) == ["kenzo"]            # no name of hers: the front word goes


def test_words_around_the_name_read_away_score_as_the_name():
    plain = score(actor(None, "Sulastri Sasmito"), "198203022010011001")
    for shown in ("Sulastri Sasmito Dinkes", "Keluarga Sulastri Sasmito", "Sulastri Sasmito Sekeluarga",
                  "Sulastri Sasmito Mama Kenzo", "Sulastri Sasmito ❤️ Budi Santoso", "Mbakyu Sulastri Sasmito",
                  "Sulastri Sasmito S Pd"):
        assert score(actor(None, shown), "198203022010011001") == plain, shown
    assert score(actor(None, "Siti Nur Umi Kalsum"), "198001012005011005") >= plain


def test_an_agency_written_short_in_a_handle_is_no_initials():
    idx = build_index(ROSTER, default_model())
    b = prepare_actors([actor("budihermawan_bkd", None), actor("sulastrisasmito_pkm", None), actor("rina_bkd", None),
                        actor("rina_sleman", None)], [0, 1, 2, 3], idx)
    assert b.h_tokens[:3] == [["budi", "hermawan"], ["sulastri", "sasmito"], ["rina"]]
    assert b.h_tokens[3] == ["rina", "sleman"]        # one name and a place stay as written
    plain = score(actor("budihermawan", None), "198505052012122002")
    assert score(actor("budihermawan_bkd", None), "198505052012122002") == plain


def test_a_service_word_the_roster_writes_in_a_unit_says_where_per_employee():
    # BKPSDM is in Rina Marlina's unit: "Rina BKPSDM" is Rina there, not every Rina
    here = score(actor(None, "Rina BKPSDM"), "197707072005012003")
    elsewhere = score(actor(None, "Rina BKPSDM"), "196901012000011004")
    assert here > elsewhere
    assert elsewhere < score(actor(None, "Rina"), "196901012000011004")      # not read as "Rina" there
    # Dinkes is no roster word: it goes wherever a name remains
    assert score(actor(None, "Rina Dinkes"), "197707072005012003") == score(actor(None, "Rina Dinkes"),
                                                                           "196901012000011004")


def test_a_balinese_name_without_only_its_i_or_ni_is_the_name_without_regional_parts():
    roster = [emp("198203022010011001", "I Putu Sukadana", "Dinas Pariwisata", "Pemandu"),
              emp("198505052012122002", "I Made Sukadana", "Dinas Pariwisata", "Pemandu"),
              emp("197707072005012003", "Ni Ketut Sudiarta", "Bappeda", "Perencana")]
    got = {c.nip: c for c in match([actor(None, "Putu Sukadana")], roster, default_model(threshold=0))}
    putu = got["198203022010011001"]
    assert any(f.code == "display_name.core" for f in putu.features)
    assert "198505052012122002" not in got or got["198505052012122002"].score < putu.score   # Made is another
    ketut = match([actor("ketutsudiarta", None)], roster, default_model(threshold=0))
    assert any(f.code == "handle.core" for c in ketut for f in c.features if c.nip == "197707072005012003")


def test_latin_names_in_indonesian_letters_are_another_spelling_not_another_name():
    roster = [emp("198203022010011001", "Marcus Kolo", "Dinas Pariwisata", "Pemandu"),
              emp("198505052012122002", "Cinta Lestari", "Bappeda", "Perencana")]
    for a in (actor(None, "Markus Kolo"), actor("markuskolo", None)):
        got = match([a], roster, default_model(threshold=0))
        assert got and got[0].nip == "198203022010011001"
        assert any(f.code.endswith(".old_spelling") for f in got[0].features), [f.code for f in got[0].features]
    # a native c stays: Sinta is not Cinta
    assert not any(c.nip == "198505052012122002" and any(f.code.endswith(".old_spelling") for f in c.features)
                   for c in match([actor(None, "Sinta Lestari")], roster, default_model(threshold=0)))


def test_a_second_accounts_number_in_a_handle_is_no_initial():
    idx = build_index(ROSTER, default_model())
    b = prepare_actors([actor("budihermawan_ii", None), actor("budi.hermawan.iii", None), actor("ii_budihermawan", None)],
                       [0, 1, 2], idx)
    assert b.h_tokens[:2] == [["budi", "hermawan"], ["budi", "hermawan"]]
    assert "i" in b.h_tokens[2]                  # not after the name: read as before


def test_one_name_beside_the_full_birth_date_is_a_lead():
    # model 15: Elis born 13 January 1982 writes elis_130182; the other Elis are not she
    roster = [emp("198201132010012001", "Elis Mulyanawati", "Dinas Pertanian", "Penyuluh"),
              emp("198506202010012002", "Elis Suryani", "Dinas Pertanian", "Penyuluh"),
              emp("197903032005012003", "Elis Rahmawati", "Bappeda", "Perencana")]
    model = default_model()
    for handle in ("elis_130182", "elis13011982"):
        got = match([actor(handle, None)], roster, model)
        assert [c.nip for c in got] == ["198201132010012001"], handle
        assert any(f.code == "handle.one_token_dated" for f in got[0].features)
    # the year alone, or no date: one shared name says nothing about which Elis
    assert match([actor("elis_1982", None)], roster, model) == []
    assert match([actor("elis_130190", None)], roster, model) == []


def test_a_common_given_name_with_the_full_birth_date_is_blocked_and_scored_as_one_person():
    # forty employees called Sri: "sri" has no block of its own (not rare), no second token pairs
    # with it; the date the NIP carries finds the one born on 13 January 1982
    surnames = ["Wahyuni", "Rahayu", "Lestari", "Handayani", "Mulyani", "Astuti", "Utami", "Suryani"]
    roster = [emp(f"19{70 + k % 20:02d}0{1 + k % 9}1{k % 9}2010012{k:03d}", f"Sri {surnames[k % 8]} {chr(65 + k)}ono",
                  "Dinas Pertanian", "Penyuluh") for k in range(40)]
    roster.append(emp("198201132010012999", "Sri Mulyanawati", "Bappeda", "Perencana"))
    model = default_model()
    got = match([actor("sri_130182", None)], roster, model)
    assert [c.nip for c in got] == ["198201132010012999"]
    assert got[0].band == "possible"
    assert not any(f.code.startswith("frequency.") for f in got[0].features)     # the date, not the name
    from pantau.matching.blocking import DATED_NAME
    without = default_model()
    without.blocking_keys = [k for k in without.blocking_keys if k is not DATED_NAME]
    assert match([actor("sri_130182", None)], roster, without) == []


def test_the_dated_level_needs_the_handles_names_to_be_the_employees_and_one_such_employee():
    # review of model 15: another first name, a regional part, or several employees sharing the
    # first name and the date are no lead
    born = "198201132010012"
    roster = [emp(born + "001", "Siti Aminah", "Bappeda", "Perencana"),
              emp(born + "002", "I Made Wirawan", "Dinas Pariwisata", "Pemandu")]
    model = default_model()
    assert match([actor("rina_aminah_130182", None)], roster, model) == []
    assert match([actor("made_130182", None)], roster, model) == []
    sitis = [emp(born + f"{k:03d}", f"Siti {n}", "Bappeda", "Perencana")
             for k, n in enumerate(("Rahma", "Nurhaliza", "Fatimah", "Aisyah", "Zubaidah"), start=10)]
    assert [c.nip for c in match([actor("siti_130182", None)], roster, model)] == [born + "001"]
    assert match([actor("siti_130182", None)], roster + sitis, model) == []


def test_two_letters_after_a_name_in_a_handle_stay_initials():
    # review of normaliser 8: bp, rw, sd, rt are unit words of two letters, jr may be Joko Riyanto
    idx = build_index(ROSTER, default_model())
    b = prepare_actors([actor(h, None) for h in ("agus_bp", "dewi_rw", "budi_jr")], [0, 1, 2], idx)
    assert b.h_tokens == [["agus", "b", "p"], ["dewi", "r", "w"], ["budi", "j", "r"]]


def test_the_dated_level_counts_a_word_the_roster_does_not_know_as_another_name():
    # "dewi" is no roster token but begins Dewinta: letters of another name, not the employee's
    roster = [emp("199602042010012001", "I Gusti Ayu Sayatini", "Dinas Pariwisata", "Pemandu"),
              emp("198001012005011005", "Dewinta Sari", "Bappeda", "Perencana")]
    assert match([actor("dewi_sayatini_040296", None)], roster, default_model()) == []
    got = match([actor("sayatini_040296", None)], roster, default_model())
    assert [c.nip for c in got] == ["199602042010012001"]


def test_a_heart_names_the_owner_first_however_short_their_name():
    roster = [emp("198203022010011001", "Tumini", "Puskesmas Sleman", "Bidan"),
              emp("198505052012122002", "Budi Santoso", "SD Negeri 1", "Guru")]
    model = default_model(threshold=0)
    assert [c.nip for c in match([actor(None, "Tumini ❤️ Budi Santoso")], roster, model)] == ["198203022010011001"]
    assert [c.nip for c in match([actor(None, "Tumini & Budi Santoso")], roster, model)] == ["198203022010011001"]
    # a bar is no couple: the full name is the name, as before
    assert [c.nip for c in match([actor(None, "Tumini | Budi Santoso")], roster, model)] == ["198505052012122002"]
