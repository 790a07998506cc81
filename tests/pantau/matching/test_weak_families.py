"""The weak families of issue 15: call names, regional parts, affixes, typos, old spelling in either order."""

from __future__ import annotations

from pantau.matching import default_model, match
from pantau.matching.callnames import call_forms, syllables
from pantau.matching.handles import Vocabulary, analyse
from pantau.matching.normalize import display_segments, normalise, variant_key

from .helpers import actor, emp

ROSTER = [
    emp("198203022010011001", "Heryanto Siregar", "Dinas Pertanian", "Penyuluh"),
    emp("198505052012122002", "Drs. Kartini Wulandari", "SD Negeri 1", "Guru"),
    emp("197707072005012003", "I Nyoman Wirawan, S.Pd.", "Dinas Pariwisata", "Pemandu"),
    emp("196901012000011004", "I Made Suarjana", "Dinas Pariwisata", "Pemandu"),
    emp("198001012005011005", "Setyo Purnomo", "Bappeda", "Perencana"),
    emp("197501012000012006", "Nofni Jusrizal", "Biro Umum", "Protokol"),
    emp("197201012000011007", "Tumini", "Puskesmas Sleman", "Bidan"),
    emp("199001012015011008", "Agus Salim", "Inspektorat", "Auditor"),
]


def best(a, **kw):
    got = match([a], ROSTER, default_model(**kw))
    return max(got, key=lambda c: c.score) if got else None


def test_call_names_come_from_syllables_not_from_a_list():
    assert syllables("heryanto") == ["her", "yan", "to"]
    assert "yanto" in call_forms("heryanto") and "tini" in call_forms("kartini")
    assert "parman" in call_forms("suparman")
    assert call_forms("budi") == []                       # too short to call by a part


def test_a_call_name_with_the_family_name_is_found_and_explained():
    # a call name that only one employee answers to, with the family name: a lead
    c = best(actor("yanto_siregar", "Yanto Siregar"))
    assert c is not None and c.nip == "198203022010011001"
    f = next(f for f in c.features if f.code == "display_name.call_name")
    assert f.params["call"] == "yanto" and f.params["given"] == "heryanto"
    assert "'yanto' for 'heryanto'" in f.detail


def test_a_call_name_alone_is_weaker_than_the_name():
    alone = best(actor("mini88", "Bu Mini"), threshold=0)        # Tumini, a one-name employee
    assert alone.nip == "197201012000011007"
    assert any(f.code == "display_name.call_name_alone" for f in alone.features)
    full = best(actor("tumini88", "Bu Tumini"), threshold=0)
    assert full.score > alone.score


def test_regional_parts_dropped_by_the_account_but_not_other_ones():
    c = best(actor("wirawan_bali", "Wirawan"), threshold=0)
    assert c.nip == "197707072005012003" and any(f.code == "display_name.core" for f in c.features)
    # I Made Wirawan is not I Nyoman Wirawan: another birth-order name is another person
    other = match([actor("x1", "I Made Wirawan")], ROSTER, default_model(threshold=0))
    assert not any(f.code == "display_name.core" for c in other for f in c.features)


def test_regional_parts_written_short_on_one_side_equal_the_whole_words():
    roster = [emp("196901011990031001", "I KT ARSANA, S.Pd"), emp("196901011990031002", "I Gusti Ngurah Made Oka"),
              emp("196901011990031003", "A.A. GDE RAI SUKADANA"), emp("196901011990031004", "Rosmawati Boru Tambunan")]
    for shown, nip in (("I Ketut Arsana", "1001"), ("I Gst. Ngr. Md. Oka", "1002"),
                       ("Anak Agung Gede Rai Sukadana", "1003"), ("Rosmawati Br. Tambunan", "1004")):
        got = match([actor(None, shown)], roster, default_model(threshold=0))
        top = max(got, key=lambda c: c.score)
        assert top.nip.endswith(nip) and any(f.code == "display_name.exact" for f in top.features), shown


def test_batak_margas_written_short_acehnese_titles_and_forms_of_address():
    roster = [emp("196901011990031010", "Ahmad Faisal Harahap"), emp("196901011990031011", "Rizky Ananda Nasution"),
              emp("196901011990031012", "Teuku Muhammad Nasrani"), emp("196901011990031013", "Siti Aminahwati")]
    for shown, nip, code in (("Ahmad Faisal Hrp", "1010", "display_name.initials"),
                             ("Rizky Ananda Nst", "1011", "display_name.initials"),
                             ("T. Muhammad Nasrani", "1012", "display_name.core"),
                             ("Muhammad Nasrani", "1012", "display_name.core"),
                             ("Ny. Siti Aminahwati", "1013", "display_name.exact"),
                             ("Bpk. Ahmad Faisal Harahap", "1010", "display_name.exact")):
        top = max(match([actor(None, shown)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith(nip) and any(f.code == code for f in top.features), shown


def test_a_patronymic_the_roster_writes_may_be_left_out():
    roster = [emp("196901011990031014", "Muhammad Yusrandi bin Abdullah"), emp("196901011990031015", "Syahrial bin Umar"),
              emp("196901011990031016", "Binsar Yusrandi")]
    top = max(match([actor(None, "Muhammad Yusrandi")], roster, default_model(threshold=0)), key=lambda c: c.score)
    assert top.nip.endswith("1014") and any(f.code == "display_name.core" for f in top.features)
    top = max(match([actor(None, "Muhammad Yusrandi bin Abdullah")], roster, default_model(threshold=0)),
              key=lambda c: c.score)
    assert top.nip.endswith("1014") and any(f.code == "display_name.exact" for f in top.features)
    # a display name that writes one shows the name before it, for a roster that does not
    roster.append(emp("196901011990031026", "Siti Aminarta"))
    top = max(match([actor(None, "Siti Aminarta binti Ahmad")], roster, default_model(threshold=0)),
              key=lambda c: c.score)
    assert top.nip.endswith("1026") and any(f.code == "display_name.exact" for f in top.features)
    # ... but not down to one word: every Syahrial would equal Syahrial bin Umar
    got = match([actor("syahrial", "Syahrial")], roster, default_model())
    assert not any(c.nip.endswith("1015") for c in got)


def test_short_forms_are_read_in_handles_and_not_taken_for_a_marga():
    roster = [emp("196901011990031017", "NI WYN SUDIARTI"), emp("196901011990031018", "I KT ARSANA"),
              emp("196901011990031019", "Sutrisno Wiryawan"), emp("196901011990031020", "Sutrisno Wiryawan Saputra"),
              emp("196901011990031021", "Teuku Muhammad Nasir"), emp("196901011990031022", "Teuku Mahdi Nasir")]
    for handle, nip in (("niwynsudiarti", "1017"), ("iktarsana", "1018")):
        top = max(match([actor(handle)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith(nip) and any(f.code == "handle.exact" for f in top.features), handle
    # SDN is a school, not Saputra's initial
    top = max(match([actor(None, "Sutrisno Wiryawan SDN")], roster, default_model(threshold=0)), key=lambda c: c.score)
    assert top.nip.endswith("1019") and any(f.code == "display_name.exact" for f in top.features)
    # Md after Teuku is Muhammad, not the Balinese Made
    top = max(match([actor(None, "Teuku Md Nasir")], roster, default_model(threshold=0)), key=lambda c: c.score)
    assert top.nip.endswith("1021") and any(f.code == "display_name.exact" for f in top.features)
    assert normalise("I Md Sudana").text == "i made sudana"
    assert normalise("Bagus Md Ali").text == "bagus muhamad ali"      # Bagus alone is a given name


def test_account_words_are_dropped_around_a_display_name_not_inside_it():
    roster = [emp("196901011990031005", "I Gusti Ngurah Made Rai Sukadana"),
              emp("196901011990031006", "I Gusti Ngurah Made Sukadana"), emp("196901011990031007", "Budi Sutrisnadi")]
    # Rai inside a Balinese name is a name, not the title R.Ay.
    got = match([actor(None, "I Gusti Ngurah Made Rai Sukadana")], roster, default_model(threshold=0))
    top = max(got, key=lambda c: c.score)
    assert top.nip.endswith("1005") and any(f.code == "display_name.exact" for f in top.features)
    assert not any(c.nip.endswith("1006") and c.score >= top.score for c in got)
    # ... while the words around a name still go
    for shown in ("Budi Sutrisnadi Official", "Kak Budi Sutrisnadi (akun pribadi)"):
        top = max(match([actor(None, shown)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith("1007") and any(f.code == "display_name.exact" for f in top.features), shown


def test_a_display_name_is_read_apart_from_what_its_owner_says_about_their_work():
    roster = [emp("196901011990031008", "Sutrisno Wiryawan", "SD Negeri 2 Sleman", "Guru"),
              emp("196901011990031009", "Sutrisno Wiryono", "Dinas Pertanian Kabupaten Bantul", "Penyuluh")]
    for shown in ("Sutrisno Wiryawan | ASN Pemkab Sleman", "Sutrisno Wiryawan - Guru SD", "Sutrisno Wiryawan (Pak Tris)",
                  "Guru SD | Sutrisno Wiryawan", "Sutrisno Wiryawan ASN Pemkab", "Sutrisno Wiryawan PNS",
                  "Sutrisno Wiryawan • Sleman", "Sutrisno (Tris) Wiryawan", 'Sutrisno "Tris" Wiryawan',
                  "Sutrisno Wiryawan #AMIN", "Sutrisno Wiryawan @tris_w",
                  # offices and religious or family forms of address people are called by
                  "Pak Camat Sutrisno Wiryawan", "Kades Sutrisno Wiryawan", "Pak RT Sutrisno Wiryawan",
                  "Kyai Sutrisno Wiryawan", "TGH. Sutrisno Wiryawan", "Romo Sutrisno Wiryawan",
                  "Pakde Sutrisno Wiryawan"):
        top = max(match([actor(None, shown)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith("1008") and any(f.code == "display_name.exact" for f in top.features), shown
    # the name is the first part that reads as one, not the first with a roster name, nor a place
    # made of name words
    roster += [emp("196901011990031023", "Abdi Kurniawan"), emp("196901011990031027", "Sari Mulya Jaya")]
    for shown in ("Abdi Negara | Sutrisno Wiryawan", "Sutrisno Wiryawan | Desa Sari Mulya Jaya",
                  '"Sutrisno" Wiryawan', "#Sutrisno Wiryawan", 'Sutrisno "Wiryawan'):
        top = max(match([actor(None, shown)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith("1008") and any(f.code == "display_name.exact" for f in top.features), shown
    # the other part is still evidence of where its owner works
    top = max(match([actor(None, "Sutrisno Wiryawan | Sleman")], roster, default_model(threshold=0)),
              key=lambda c: c.score)
    assert any(f.code.startswith("unit") and f.weight > 0 for f in top.features)


def test_a_handle_is_read_apart_from_the_words_of_its_owners_unit_and_service():
    roster = [emp("196901011990031008", "Sutrisno Wiryawan", "SD Negeri 2 Sleman", "Guru"),
              emp("196901011990031009", "Sutrisno Wiryono", "Dinas Pertanian Kabupaten Bantul", "Penyuluh")]
    for handle in ("sutrisno_wiryawan_asn", "sutrisnowiryawanpns", "sutrisno.wiryawan.sleman", "sutrisnowiryawansleman",
                   "sutrisnowiryawan_guru"):
        top = max(match([actor(handle)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith("1008") and any(f.code == "handle.exact" for f in top.features), handle
    # ... and the place is evidence of the unit
    top = max(match([actor("sutrisno.wiryawan.sleman")], roster, default_model(threshold=0)), key=lambda c: c.score)
    assert any(f.code.startswith("unit") and f.weight > 0 for f in top.features)


def test_titles_in_another_part_of_a_display_name_are_the_accounts():
    roster = [emp("196901011990031024", "Budi Santosari, S.Pd"), emp("196901011990031025", "Budi Santosari, S.T.")]
    for shown in ("Budi Santosari | S.Pd", "Budi Santosari (S.Pd)"):
        got = match([actor(None, shown)], roster, default_model(threshold=0))
        top = max(got, key=lambda c: c.score)
        assert top.nip.endswith("1024") and any(f.code.startswith("title") for f in top.features), shown
        assert not any(c.nip.endswith("1025") and c.score >= top.score for c in got)
    # ... written with a dot: a bare ST or SH there is as often something else (SH Terate)
    got = match([actor(None, "Budi Santosari | Warga ST Terate")], roster, default_model(threshold=0))
    assert not any(f.code.startswith("title") for c in got for f in c.features)


def test_display_segments_split_at_separators_not_inside_names():
    assert display_segments("Budi Santoso | Guru SDN 2") == ["Budi Santoso", "Guru SDN 2"]
    # asides come after the parts, then the whole without their marks
    assert display_segments("Budi Santoso - ASN (Pak Bud)")[:3] == ["Budi Santoso", "ASN", "Pak Bud"]
    # an aside inside the name leaves the name whole
    assert display_segments("Budi (Ucok) Santoso")[1] == "Ucok"
    assert normalise(display_segments("Budi (Ucok) Santoso")[0]).text == "budi santoso"
    assert normalise(display_segments('"Siti" Aminah')[-1]).text == "siti aminah"
    assert display_segments("Siti-Aminah Lubis, S.Pd") == ["Siti-Aminah Lubis, S.Pd"]
    for sep in ("∙", "➖", "丨", "ǀ", "/", "::", ";", "→"):
        assert display_segments(f"Budi Santoso {sep} Guru SD") == ["Budi Santoso", "Guru SD"], sep
    assert display_segments("Budi Santoso ★") == ["Budi Santoso ★"]         # a decoration, no separator
    assert display_segments("[Budi]") == ["Budi"]
    assert display_segments("Budi Santoso #AMIN @budi_s")[:3] == ["Budi Santoso", "AMIN", "budi_s"]
    assert display_segments("#Budi Santoso") == ["#Budi Santoso"]         # a tag in front is no aside
    # a nickname in single quotes is an aside too; an apostrophe inside a word is part of the name
    for quoted in ("Budi 'Bewok' Santoso", "Budi ‘Bewok’ Santoso"):
        assert normalise(display_segments(quoted)[0]).text == "budi santoso", quoted
        assert "Bewok" in display_segments(quoted)
    assert display_segments("Ma'ruf Nur'aini") == ["Ma'ruf Nur'aini"]


def test_words_around_the_name_in_a_handle_are_dropped():
    v = Vocabulary({"budi": 10, "santoso": 5, "sisdirno": 1})
    assert analyse("pak_sisdirno140", v, "x").tokens == ["sisdirno"]
    assert analyse("budisantoso_official", v, "x").tokens == ["budi", "santoso"]
    assert analyse("budisantoso_official", v, "x").compact == "budisantoso"       # the name's letters only
    assert analyse("itsbudisantoso", v, "x").tokens == ["budi", "santoso"]
    for h in ("budisantoso.ori", "budi.santoso.backup", "itsme.budisantoso", "budisantoso.reborn"):
        assert analyse(h, v, "x").tokens == ["budi", "santoso"], h        # a second account's words
    assert analyse("hbudi", v, "x").tokens[0] == "h"      # an initial is not an affix
    # account words without a vowel are words too, not initials t + v
    for h in ("sisdirno_tv", "sisdirno.yt", "sisdirnofb", "mrsisdirno", "drs_sisdirno"):
        info = analyse(h, v, "x")
        assert info.tokens == ["sisdirno"] and (info.affixes or info.titles == ["drs"]), (h, info.tokens)
    assert analyse("budisantoso.pn", v, "x").tokens == ["budi", "santoso", "p", "n"]   # initials still
    c = best(actor("official.agussalim", None))
    assert c is not None and c.nip == "199001012015011008"
    # what Indonesian accounts add: praise, "just", a shop, a family, a hobby, a parent
    for h in ("budisantoso_aja", "budisantoso.ganteng", "budisantoso_cans", "budisantoso_family",
              "mama_budisantoso", "budisantosogaming", "budi.santoso.kece"):
        info = analyse(h, v, "x")
        assert info.tokens == ["budi", "santoso"] and info.affixes, (h, info.tokens)
    assert analyse("budisantoso_olshop", v, "x").tokens != ["budi", "santoso"]     # a shop, not its owner
    # ... unless the roster has the word as a name
    named = Vocabulary({"budi": 10, "santoso": 5, "manis": 1})
    assert analyse("manis_santoso", named, "x").tokens == ["manis", "santoso"]
    assert analyse("manis_santoso", v, "x").tokens == ["santoso"]
    # ... which holds for those words only: a roster with a Mas in a name (Siti Mas Ayu) still reads
    # mas in front of a handle as the form of address
    assert analyse("masbudisantoso", Vocabulary({"budi": 10, "santoso": 5, "mas": 1}), "x").tokens == [
        "budi", "santoso"]
    # ... and a word that begins a roster name is no word inside a run-together handle: a slip
    # of Cantika Putri is not "cantik" + putri
    slip = Vocabulary({"cantika": 2, "putri": 9, "budi": 5})
    assert "cantik" not in slip.cost and "cantik" in Vocabulary({"putri": 9}).cost
    c = best_of(actor("cantikputri", None), ROSTER + [emp("199201012019032011", "Cantika Putri")], threshold=0)
    assert c is not None and c.nip == "199201012019032011"


def test_handle_only_account_words_stay_names_in_a_display_name():
    roster = ROSTER + [emp("199201012019032009", "Sri Manis"), emp("199201012019032010", "Yuli Keren")]
    for display, nip in (("Sri Manis", "199201012019032009"), ("Yuli Keren", "199201012019032010")):
        c = best_of(actor(None, display), roster, threshold=0)
        assert c is not None and c.nip == nip, display


def test_a_marga_written_short_at_the_end_of_a_handle_is_its_initial():
    v = Vocabulary({"ahmad": 10, "fauzi": 5, "hasibuan": 2})
    for h, initial in (("ahmadfauzihsb", "h"), ("ahmad_fauzi_hsb", "h"), ("ahmad.fauzi.hsb", "h"),
                       ("ahmadfauzi_smjtk", "s")):
        assert analyse(h, v, "x").tokens == ["ahmad", "fauzi", initial], h
    assert analyse("ahmadfauzi.hsw", v, "x").tokens == ["ahmad", "fauzi", "h", "s", "w"]   # initials H. S. W.
    assert analyse("ahmadfauzi.pn", v, "x").tokens == ["ahmad", "fauzi", "p", "n"]    # two letters: initials
    assert analyse("hsb", v, "x").tokens == ["h", "s", "b"]                           # no name before it
    assert analyse("hsb_ahmadfauzi", v, "x").tokens == ["h", "s", "b", "ahmad", "fauzi"]   # not the last word


def test_a_degree_in_a_handle_is_a_title_not_initials():
    v = Vocabulary({"budi": 10, "santoso": 5, "wirawan": 1})
    for h, titles in (("budisantoso_spd", ["spd"]), ("budi.santoso.amdkeb", ["amdkeb"]),
                      ("budisantoso_spd_mpd", ["spd", "mpd"]), ("skm.budisantoso", ["skm"])):
        info = analyse(h, v, "x")
        assert info.tokens == ["budi", "santoso"] and info.titles == titles, (h, info)
    assert analyse("budisantoso_st", v, "x").titles == []       # S.T. or the initials S. T.
    # ... also written with its dots (normaliser 7)
    for h, titles in (("budisantoso_s.pd", ["spd"]), ("budi.santoso_a.md.keb", ["amdkeb"])):
        info = analyse(h, v, "x")
        assert info.tokens == ["budi", "santoso"] and info.titles == titles, (h, info)
    assert analyse("budi.s.wirawan", v, "x").tokens == ["budi", "s", "wirawan"]
    # ... run together after a name that roster words explain letter by letter
    info = analyse("budisantosospd", v, "x")
    assert (info.tokens, info.titles, info.compact) == (["budi", "santoso"], ["spd"], "budisantoso")
    assert analyse("budispd", v, "x").titles == []               # too short a name to be sure
    assert analyse("budisantososx", v, "x").titles == []
    assert analyse("spd", v, "x").titles == []                  # the only word of a handle is its name
    assert analyse("budi_se", Vocabulary({"budi": 3, "se": 1}), "x").titles == []   # a roster name
    assert analyse("mesy.andriani", Vocabulary({"mesi": 3, "andriani": 1}), "x").titles == []   # Mesy: a name
    # ... and it counts as the title the employee has
    c = best(actor("wirawan_spd", None), threshold=0)
    assert c.nip == "197707072005012003"
    assert any(f.code == "title" and f.params["titles"] == ["spd"] for f in c.features)
    plain = best(actor("wirawan", None), threshold=0)
    assert c.score > plain.score


def test_a_typo_in_the_handle_is_read_as_the_roster_token():
    c = best(actor("setyoprnomo405", None), threshold=0)
    assert c.nip == "198001012005011005"
    assert any(f.code == "handle.typo_tokens" for f in c.features)
    t = best(actor("tumnii372", None), threshold=0)
    assert t is not None and t.nip == "197201012000011007"


def test_old_spelling_on_the_roster_side_in_any_token_order():
    # "jusrizal nofni" sorts before the j -> y change, "nofni yusrizal" after it
    c = best(actor("nyusrizal716", "Pak Nofni Yusrizal"))
    assert c is not None and c.nip == "197501012000012006"
    assert any(f.code == "display_name.old_spelling" for f in c.features)


def _city(extra: list) -> list:
    """A roster where Heryanto, Sudarmaji and Rahayu are common tokens (more than ``rare_max``
    employees each), so only a pair of tokens or a rare old spelling can block them."""
    rows = [emp(f"1980010120050110{i:02d}", f"Heryanto {w}") for i, w in enumerate(_WORDS)]
    rows += [emp(f"1981010120050110{i:02d}", f"{w} Sudarmaji") for i, w in enumerate(_WORDS)]
    rows += [emp(f"1982010120050120{i:02d}", f"Rahayu {w}") for i, w in enumerate(_WORDS)]
    return rows + extra


_WORDS = ["Abadi", "Basuki", "Cahyono", "Darmawan", "Effendi", "Firmansyah", "Gunawan", "Hidayat", "Irawan",
          "Kurniawan", "Lesmana", "Mulyadi", "Nugroho", "Pratama", "Ramadhan", "Saputra", "Setiawan", "Susanto",
          "Tanjung", "Utomo", "Wibowo", "Wijaya", "Yulianto", "Zulkarnain", "Hartono", "Kusuma", "Permana",
          "Santoso", "Sinaga", "Purba", "Lubis", "Nasution", "Harahap", "Siregar", "Simanjuntak"]


def _nips(actors, roster):
    return {c.nip for c in match(actors, roster, default_model(threshold=0))}


def test_old_spelling_is_blocked_from_either_side_when_the_tokens_are_common():
    old = emp("197001012000011999", "HERJANTO SOEDARMAJI")
    assert "197001012000011999" in _nips([actor(None, "Heryanto Sudarmaji")], _city([old]))
    new = emp("197001012000011998", "Heryanto Sudarmaji")
    assert "197001012000011998" in _nips([actor(None, "Herjanto Soedarmaji")], _city([new]))
    # a common Rahayu still finds the one employee written Rahaju
    rahaju = emp("197001012000012997", "RAHAJU")
    assert "197001012000012997" in _nips([actor("rahayu.real", "Rahayu")], _city([rahaju]))


def test_a_handle_in_the_other_spelling_is_old_spelling_not_a_typo():
    c = best_of(actor("heryanto_sudarmaji", None), ROSTER + [emp("197001012000011999", "HERJANTO SOEDARMAJI")],
                threshold=0)
    assert c.nip == "197001012000011999"
    assert "handle.old_spelling" in codes(c) and "handle.typo_tokens" not in codes(c)


def test_a_shortened_name_in_the_other_spelling_is_the_shortened_name():
    # the account both spells a name today's way and leaves a name out: before, it shared
    # one token and read as another person's name (-15)
    sujono = emp("197001012000011997", "SUJONO HADI PRANOTO")
    roster = _city([sujono, emp("197001012000011996", "Budi Pranoto")])
    for written, old in ((actor(None, "Suyono Pranoto"), actor(None, "Sujono Pranoto")),
                         (actor("suyono.pranoto", None), actor("sujono.pranoto", None))):
        c = best_of(written, roster, threshold=0)
        assert c is not None and c.nip == "197001012000011997", c
        assert codes(c) & {"display_name.shortened", "handle.shortened"}, codes(c)
        # as much a lead as the roster's own spelling (the tokens count in both spellings)
        assert abs(c.score - best_of(old, roster, threshold=0).score) < 3
    # the other way round too, and the spelling the account writes wins a tie of spellings
    suyono = emp("197001012000011995", "Suyono Hadi Pranoto")
    scores = {c.nip: c.score for c in match([actor(None, "Sujono Pranoto")], roster + [suyono],
                                            default_model(threshold=0))}
    assert scores["197001012000011997"] > scores["197001012000011995"] > 0


def test_only_the_old_j_for_y_makes_one_token_of_two_spellings():
    # the whole-name key also reads Javanese a for o: Yutono and Jutanah are one whole-name key's
    # tokens, but beside a token the pair shares they are two names
    roster = [emp("197001012000011994", "Jutanah Santoso"), emp("197001012000011993", "Budi Hartono")]
    c = best_of(actor("yutono.santoso", "Yutono Santoso"), roster, threshold=0)
    assert c is None or codes(c).isdisjoint({"display_name.shortened", "display_name.all_tokens"}), codes(c)


def test_a_roster_initial_stands_for_the_word_the_account_writes_in_full():
    # M. for Muhammad, as rosters write it: before, "Muhammad Rizki Pratama" shared two tokens and
    # read as another person's name (-15, score 0)
    roster = _city([emp("197001012000011992", "M. Rizki Pratama"), emp("197001012000011991", "Budi Pratama")])
    for a in (actor(None, "Muhammad Rizki Pratama"), actor(None, "Moh Rizki Pratama")):
        c = best_of(a, roster)
        assert c is not None and c.nip == "197001012000011992", c
        assert "display_name.initials" in codes(c), codes(c)
    # one word for one initial: "Pratama" is not both P. and Pratama
    c = best_of(actor(None, "Pratama"), [emp("197001012000011990", "P. Pratama")], threshold=0)
    assert "display_name.initials" not in codes(c)


def test_one_actor_token_is_one_reading_of_the_roster_name():
    # a token spelled as a roster name (yuni for Juni) is not also that name's neighbour cut
    # short (Yunita); a short name cut from one roster word does not also stand for its initial
    juni = best_of(actor("yuni", None), [emp("197001012000011989", "Juni Yunita")], threshold=0)
    assert "handle.initials" not in codes(juni)
    roster = [emp("197001012000011988", "Fediraliam T. Tanuwijaya"), emp("197001012000011987", "Budi Tan")]
    c = [x for x in match([actor("fediraliamtan.budi", None)], roster, default_model(threshold=0))
         if x.nip == "197001012000011988"]
    assert not c or "handle.initials" not in codes(c[0])


def test_a_name_cut_short_in_the_display_is_not_another_persons_name():
    # "Dwi Rahma" beside the handle dwirahmawati: the display counted -15 as another person's
    # name and pulled a true handle under the threshold; a name cut short is not one
    roster = _city([emp("197001012000011982", "Dwi Rahmawati"), emp("197001012000011981", "Rahma Lestari"),
                    emp("197001012000011980", "Eko Prasetyo"), emp("197001012000011979", "Dwi Santoso")])
    for a, nip in ((actor("dwirahmawati", "Dwi Rahma"), "197001012000011982"),
                   (actor("ekoprasetyo", "Eko Pras"), "197001012000011980")):
        c = best_of(a, roster)
        assert c is not None and c.nip == nip, (a, c)
        assert "display_name.other_name_one_token" not in codes(c)
    # a display with another whole name still contradicts the handle
    c = best_of(actor("dwirahmawati", "Dwi Santoso"), roster, threshold=0)
    assert c.nip == "197001012000011979"


def test_an_arabic_family_name_written_with_its_article_apart_is_the_glued_one():
    roster = _city([emp("197001012000011978", "SYARIFAH AISYAH ALHABSYI"), emp("197001012000011977", "Salim Assegaf")])
    for a, nip in ((actor(None, "Aisyah Al Habsyi"), "197001012000011978"),
                   (actor(None, "Salim As-Segaf"), "197001012000011977")):
        c = best_of(a, roster, threshold=0)
        assert c is not None and c.nip == nip and c.score > 45, (a, c)     # was 0: another person's name


def test_an_e_spoken_into_the_first_cluster_is_another_spelling():
    roster = _city([emp("197001012000011976", "SRI RAHAYU LESTARI"), emp("197001012000011975", "Selamet Widodo")])
    for a, nip in ((actor(None, "Seri Rahayu Lestari"), "197001012000011976"),
                   (actor(None, "Slamet Widodo"), "197001012000011975")):
        c = best_of(a, roster)
        assert c is not None and c.nip == nip and "display_name.old_spelling" in codes(c), (a, c)
    assert variant_key("sela") != variant_key("sila")


def test_a_name_without_its_vowels_in_a_handle_is_an_abbreviation():
    roster = _city([emp("197001012000011974", "Fajar Nugroho"), emp("197001012000011973", "Fajar Ramadhan")])
    for h in ("fajar_ngrh", "fajarngrh"):
        c = best_of(actor(h, None), roster)
        assert c is not None and c.nip == "197001012000011974" and "handle.abbreviation" in codes(c), (h, c)
    v = Vocabulary({"budi": 10, "santoso": 5, "gunawan": 3})
    assert analyse("budi.gnwn", v, "x").tokens == ["budi", "gnwn"]
    assert analyse("budisantoso", v, "x").tokens == ["budi", "santoso"]     # words before their consonants


def test_regional_parts_in_old_spelling_are_dropped_like_current_ones():
    roster = ROSTER + [emp("197001012000012999", "NI LOEH WAJAN PATISARI")]
    c = best_of(actor("patisari", None), roster)
    assert c is not None and c.nip == "197001012000012999"
    assert any(f.code == "handle.core" for f in c.features)


def test_a_one_token_core_is_the_personal_name():
    # I Gede Aryarisa shown as "aryarisa": the name itself, as a mononym's would be, kept
    roster = ROSTER + [emp("197001012000011997", "I GEDE ARYARISA")]
    c = best_of(actor("aryarisa", None), roster)
    assert c is not None and c.nip == "197001012000011997"
    # ... and another Balinese name with that core is a namesake, counted as one
    roster.append(emp("197101012000011996", "I Made Aryarisa"))
    got = match([actor("aryarisa", "Aryarisa")], roster, default_model())
    assert {c.nip for c in got} == {"197001012000011997", "197101012000011996"}
    assert all(c.band == "namesake" for c in got)
    assert any(f.code == "shared_name" and f.params["count"] == 2 for c in got for f in c.features)


def best_of(a, roster, **model):
    got = match([a], roster, default_model(**model))
    return max(got, key=lambda c: c.score) if got else None


def test_a_handle_in_old_spelling_for_a_roster_name_in_current_spelling_is_not_a_typo():
    v = Vocabulary({"wahyudi": 3, "santoso": 5})
    info = analyse("wahjudi_santoso", v, "x", fix=lambda run: ("wahyudi",))
    assert info.tokens == ["wahjudi", "santoso"] and info.typos == 0
    c = best_of(actor("wahjudi_santoso", None), ROSTER + [emp("197001012000011995", "Wahyudi Santoso")],
                threshold=0)
    assert c.nip == "197001012000011995"
    assert "handle.old_spelling" in codes(c) and "handle.typo_tokens" not in codes(c)


def test_an_old_tj_that_stood_for_t_and_j_is_read_as_ty_when_the_roster_knows_that_name():
    # Prasetjo: the rules read tj as c (Soetjipto = Sucipto), which gives "praseco"; the roster's
    # many Prasetyo say that here it was t + j (= y)
    old = emp("197001012000011994", "PRASETJO HADIWIDJOJO")
    roster = _city([old] + [emp(f"1983010120050110{i:02d}", f"Prasetyo {w}") for i, w in enumerate(_WORDS)])
    got = match([actor(None, "Prasetyo Hadiwijoyo")], roster, default_model(threshold=0))
    c = next((c for c in got if c.nip == "197001012000011994"), None)
    assert c is not None and any(f.code == "display_name.old_spelling" for f in c.features)
    # ... and Sucipto stays Sucipto
    assert normalise("Soetjipto").text == "sucipto"


# --- call names (nama panggilan): segmentation, given names, regional parts, usual forms ---

CALL_ROSTER = [
    emp("198001012005011101", "Yorani Fransiska Wijaya", "Dinas Kesehatan", "Perawat"),
    emp("198001012005011102", "Ni Luh Wayan Adtamawati", "Dinas Pariwisata", "Pemandu"),
    emp("198001012005011103", "I Gede Aryarisa", "Dinas Pariwisata", "Pemandu"),
    emp("198001012005011104", "Ni Komang Addarjadi", "Dinas Pariwisata", "Pemandu"),
    emp("198001012005011105", "Anisa Dwi Wibowo", "Bappeda", "Perencana"),
    emp("198001012005011106", "Rustrayani Indah Janijaya", "Bappeda", "Perencana"),
    emp("198001012005011107", "Sarjawagito Kuncoro Purnomo", "Inspektorat", "Auditor"),
    emp("198001012005011108", "Gitoni", "Inspektorat", "Auditor"),
    emp("198001012005011109", "Ni Made Ayu", "Bappeda", "Perencana"),
    emp("198001012005011110", "Ani Lestari", "Bappeda", "Perencana"),
    emp("198001012005011111", "Wijarti Kartini Sasmito", "Bappeda", "Perencana"),
    emp("198001012005011112", "Dalinman Hutapea", "Bappeda", "Perencana"),
]


def call_best(a, **kw):
    got = [c for c in match([a], CALL_ROSTER, default_model(threshold=0, **kw))]
    return max(got, key=lambda c: c.score) if got else None


def codes(c) -> set[str]:
    return {f.code for f in c.features} if c is not None else set()


def test_handles_segment_call_forms_of_roster_names_whole():
    # "rani" is no roster token and "ni" is one (Balinese): without the call forms the handle
    # read ra + ni and never reached the call-name levels
    v = Vocabulary({"yorani": 1, "ni": 40, "wijaya": 5, "siregar": 5, "heryanto": 3},
                   [f for w in ("yorani", "heryanto") for f in call_forms(w)])
    assert analyse("rani.wijaya681", v, "x").tokens == ["rani", "wijaya"]
    assert analyse("raniwijaya", v, "x").tokens == ["rani", "wijaya"]
    assert analyse("yantosiregar", v, "x").tokens == ["yanto", "siregar"]
    assert analyse("kangyanto", v, "x").tokens == ["yanto"]        # a form of address before it
    assert analyse("pak_yanto", v, "x").tokens == ["yanto"]
    # a roster word still wins over a call form and stray letters
    assert analyse("heryantowijaya", v, "x").tokens == ["heryanto", "wijaya"]
    c = call_best(actor("rani.wijaya681", "Rani Kediri"))
    assert c.nip == "198001012005011101" and "handle.call_name" in codes(c)


def test_baptismal_names_are_called_by_their_short_forms():
    # Latin names follow no Indonesian syllable rule: Frans, Goris and Piter were "another
    # person's name" (score 0) beside the family name
    roster = [emp("197001012000011986", "FRANSISKUS XAVERIUS SERAN"), emp("197001012000011985", "GREGORIUS LAKA"),
              emp("197001012000011984", "PETRUS NAHAK"), emp("197001012000011983", "Budi Seran")]
    for a, nip in ((actor("frans.seran", "Frans Seran"), "197001012000011986"),
                   (actor(None, "Goris Laka"), "197001012000011985"), (actor("piternahak", None), "197001012000011984")):
        c = best_of(a, roster, threshold=0)
        assert c is not None and c.nip == nip and c.score > 40, (a, c)
        assert codes(c) & {"display_name.call_name", "handle.call_name"}, codes(c)


def test_call_names_come_from_the_name_itself_not_its_regional_parts():
    # the given name sits after Ni Luh Wayan / I Gede: it is indexed, and alone it is the one name
    wati = call_best(actor("wati_", "Bu Wati"))
    assert wati is not None and wati.nip == "198001012005011102"
    assert "display_name.call_name_alone" in codes(wati)
    risa = call_best(actor("risa.88", None))
    assert risa is not None and risa.nip == "198001012005011103"
    # "Ni Komang" and a call name is still only a call name: regional parts are nobody's name
    jadi = call_best(actor("IKomangJadi7173", "Ni Komang Jadi"))
    assert jadi.nip == "198001012005011104"
    assert "display_name.call_name" not in codes(jadi) and "handle.call_name" not in codes(jadi)


def test_a_call_name_and_another_token_needs_a_usual_form_of_a_given_name():
    # Ani is the first two syllables of Anisa and a roster name of its own: mostly someone named Ani
    ani = call_best(actor("ani.wibowo", "Ani Wibowo"))
    assert "display_name.call_name" not in codes(ani)
    # Wijar (Wijarti) is no one's name: a usual call name of a three-syllable name
    wijar = call_best(actor("wijarsasmito", "Bu Wijar Sasmito"))
    assert wijar.nip == "198001012005011111" and "display_name.call_name" in codes(wijar)
    # Jaya is a form of the family name Janijaya, not of a given name
    jaya = call_best(actor("indahjaya", "Indah Jaya"))
    assert "display_name.call_name" not in codes(jaya) and "handle.call_name" not in codes(jaya)


def test_a_call_name_and_the_family_name_is_read_before_a_resemblance():
    # "Dalin Hutapea" resembles "Dalinman Hutapea" too; the call name is the closer reading
    c = call_best(actor("dalin.", "Dalin Hutapea"))
    assert c.nip == "198001012005011112" and "display_name.call_name" in codes(c)


def test_a_call_form_that_also_begins_a_roster_token_is_still_a_call_name():
    # "gito" begins Gitoni (an abbreviation reading) and is a call name of Sarjawagito
    c = call_best(actor("gito.purnomo", "Mas Gito"))
    assert c.nip == "198001012005011107" and "handle.call_name" in codes(c)


def test_a_call_form_many_employees_answer_to_says_less():
    roster = [emp(f"19800101200501120{i}", f"{g} Siregar", "Dinas Pertanian", "Penyuluh")
              for i, g in enumerate(["Heryanto", "Suryanto", "Mulyanto", "Haryanto"])]
    roster.append(emp("198001012005011209", "Kusmawarni Siregar", "Dinas Pertanian", "Penyuluh"))
    model = default_model(threshold=0)
    model.max_name_ties = 99             # the four-way tie is a lottery (next test): scores only here
    common = match([actor("yanto_siregar", "Yanto Siregar")], roster, model)
    rare = match([actor("warni_siregar", "Warni Siregar")], roster, model)
    assert common and rare
    assert max(c.score for c in rare) > max(c.score for c in common)


def test_a_tie_of_many_employees_on_the_name_alone_is_no_lead():
    roster = [emp(f"19800101200501120{i}", f"{g} Siregar", u, "Penyuluh")
              for i, (g, u) in enumerate([("Heryanto", "Dinas Pertanian"), ("Suryanto", "Dinas Pertanian"),
                                          ("Mulyanto", "Dinas Pertanian"), ("Haryanto", "Dinas Perikanan")])]
    # four employees answer to "Yanto Siregar" equally: any two of them would be an arbitrary pick
    assert match([actor("yanto_siregar", "Yanto Siregar")], roster, default_model(threshold=0)) == []
    # three are still shown (the usual two at most), and one that something singles out always is
    three = match([actor("yanto_siregar", "Yanto Siregar")], roster[:3], default_model(threshold=0))
    assert len(three) == 2
    got = match([actor("yanto_siregar", "Yanto Siregar", bio="Dinas Perikanan")], roster, default_model(threshold=0))
    assert max(got, key=lambda c: c.score).nip == "198001012005011203"


TYPO_ROSTER = [
    emp("198101012006012001", "Rosmaini", "Dinas Kesehatan", "Bidan"),
    emp("198201012007012002", "Rosma Dewi", "Dinas Sosial", "Pekerja Sosial"),
    emp("198301012008011003", "H. Yayacep Sumpena", "Dinas Pendidikan", "Pengawas"),
    emp("198401012009012004", "Mena Lestari", "Bappeda", "Perencana"),
    emp("198501012010012005", "Katosih", "Puskesmas Depok", "Perawat"),
    emp("198601012011012006", "Sakilah", "Biro Umum", "Arsiparis"),
]


def typo_tokens(handle: str, name: str | None = None) -> tuple[list[str], bool]:
    from pantau.matching import build_index
    from pantau.matching.actors import prepare_actors
    b = prepare_actors([actor(handle, name)], [0], build_index(TYPO_ROSTER, default_model()))
    return b.h_tokens[0], bool(b.h_typo[0])


def test_a_mistyped_name_the_segmenter_splits_into_words_is_read_whole():
    # rosma + "iin": a roster word and letters no word explains; one slip from Rosmaini
    assert typo_tokens("rosmaiin") == (["rosmaini"], True)
    c = max(match([actor("rosmaiin", None)], TYPO_ROSTER, default_model(threshold=0)), key=lambda c: c.score)
    assert c.nip == "198101012006012001" and any(f.code == "handle.typo_tokens" for f in c.features)
    # the end of a handle next to a word the segmenter found: yayacep + su + mena
    assert typo_tokens("yayacepsumena88") == (["yayacep", "sumpena"], True)


def test_words_that_explain_a_handle_are_not_read_as_a_typo():
    assert typo_tokens("rosmadewi") == (["rosma", "dewi"], False)
    assert typo_tokens("menalestari") == (["mena", "lestari"], False)


def test_a_handle_spelled_as_the_display_name_is_not_a_typo():
    # alone, "kartosih" is read as Katosih one letter away; with the display name Kartosih
    # two typings agree, so it is the owner's own name, not a slip
    assert typo_tokens("kartosih") == (["katosih"], True)
    toks, typo = typo_tokens("kartosih", "Kartosih")
    assert not typo and toks == ["kartosih"]


def test_only_slips_of_the_fingers_are_typos():
    # k is next to l on the keyboard; n is not; and the first letter is seldom the slip
    assert typo_tokens("sakikah") == (["sakilah"], True)
    assert typo_tokens("sakinah")[1] is False
    assert typo_tokens("dakilah")[1] is False


def _large_roster() -> list:
    """Employees whose names share common words, so that only the rare word of a name blocks."""
    import random
    rng = random.Random(3)
    given, family = ["Slamet", "Rudi", "Sri", "Eko", "Joko", "Siti", "Ahmad", "Dewi"], \
        ["Riyadi", "Hartono", "Wahyuni", "Susilo", "Aminah", "Fauzi", "Lestari", "Purnomo"]
    out = [emp(f"1975{j:06d}20001001"[:18], f"{rng.choice(given)} {rng.choice(family)} "
               f"{rng.choice(['Budi', 'Arif', 'Agus', 'Saputra', 'Wibowo', 'Kurniawan'])}")
           for j in range(3000)]
    out += [emp("198001012010011001", "Budi Setyawan", "Dinas A"), emp("198001022010011002", "Arif Hidayat", "Dinas A"),
            emp("198001032010012003", "Ulfa Rahmawati", "Dinas A"),
            emp("198001042010011004", "Agus Santosa", "Dinas A"),
            emp("198001052010011005", "Taufik Hidayat", "Dinas A"), emp("198001062010011006", "Maulana Ishak", "Dinas A")]
    return out


def test_other_spellings_of_a_name_are_blocked_and_scored_on_a_large_roster():
    roster = _large_roster()
    cases = [(actor("budisetiawan88", "Budi Setiawan"), "198001012010011001"),   # ty = ti
             (actor("budisetiawan88", None, key="b2"), "198001012010011001"),     # the handle alone
             (actor("arip_hidayat", "Arip Hidayat"), "198001022010011002"),      # Sundanese p = f
             (actor("ulpa.rahmawati", "Ulpa Rahmawati"), "198001032010012003"),
             (actor("agussantoso", "Agus Santoso"), "198001042010011004"),       # Javanese final o = a
             (actor("taofik.hidayat", "Taofik Hidayat"), "198001052010011005"),   # ao = au
             (actor("taofikhidayat", None, key="t2"), "198001052010011005"),
             (actor("maolana_ishak", "Maolana Ishak"), "198001062010011006")]
    model = default_model()
    for a, nip in cases:
        got = match([a], roster, model)
        assert got, a.handle
        c = max(got, key=lambda c: c.score)
        assert c.nip == nip and c.score >= model.threshold, (a.handle, c.nip, c.score)
        assert any(f.code.endswith(".old_spelling") for f in c.features), (a.handle, [f.code for f in c.features])


def test_a_run_together_handle_in_another_spelling_reads_as_the_roster_words():
    # the handle holds what people write (sunaryo, santosa), not the variant key (sunaria, santasa)
    roster = [emp("198001012010010001", "Sunarjo Hidayat"), emp("198001012010010002", "Budi Hartono"),
              emp("198001012010010003", "Budi Santoso"), emp("198001012010010004", "Yuli Prasetyo")]
    model = default_model()
    for handle, nip in (("sunaryohidayat", "198001012010010001"), ("budisantosa", "198001012010010003"),
                        ("yuliprasetio", "198001012010010004")):
        got = match([actor(handle)], roster, model)
        assert got and max(got, key=lambda c: c.score).nip == nip, handle
        c = max(got, key=lambda c: c.score)
        assert c.score >= model.threshold and any(f.code == "handle.old_spelling" for f in c.features), \
            (handle, c.score, [f.code for f in c.features])


def test_a_place_or_office_after_the_name_is_not_read_as_a_name_token():
    # "Heryanto Siregar Pertanian": the name and where its owner works; the word is the unit
    # comparison's evidence, not a third name token that no roster name has
    placed = best(actor("hsiregar", "Heryanto Siregar Pertanian"), threshold=0)
    assert placed.nip == "198203022010011001"
    codes = {f.code for f in placed.features}
    assert "display_name.exact" in codes and "unit" in codes
    plain = best(actor("hsiregar", "Heryanto Siregar Petani"), threshold=0)     # no unit word
    assert "display_name.exact" not in {f.code for f in plain.features}
    assert placed.score > plain.score


def _display_read(names: list[str], roster=ROSTER) -> list[list[str]]:
    from pantau.matching.actors import prepare_actors
    from pantau.matching.index import build_roster
    index = build_roster(roster)
    return prepare_actors([actor(None, n, key=str(i)) for i, n in enumerate(names)], list(range(len(names))),
                          index).d_tokens


def test_unit_words_leave_a_display_name_only_when_two_name_tokens_remain():
    assert _display_read(["Heryanto Siregar Pertanian", "Agus Salim Inspektorat Bappeda",
                          "Bappeda Inspektorat Pertanian", "Tumini Sleman", "Tumini Bidan Sleman"]) == [
        ["heryanto", "siregar"], ["agus", "salim"],
        ["bapeda", "inspektorat", "pertanian"],      # an office's own account: no name would remain
        ["tumini"],                                  # one name and a place: per employee (next test)
        ["tumini"]]


def test_one_name_and_a_place_is_the_name_only_for_the_employees_of_that_place():
    roster = [emp("198801012010012020", "Tumini", "Puskesmas Sleman", "Bidan"),
              emp("198801012010012021", "Tumini", "Puskesmas Bantul", "Bidan"),
              emp("198801012010012022", "Tumini", "SD Negeri 2 Sleman", "Guru")]
    model = default_model(threshold=0)
    model.margin, model.top_k, model.uncorroborated_top_k, model.max_name_ties = 100, 9, 9, 99   # score all
    got = {c.nip: c for c in match([actor("tumini.bidan", "Tumini Bidan Sleman")], roster, model)}
    sleman = got["198801012010012020"]
    assert {"display_name.exact", "unit"} <= {f.code for f in sleman.features}
    assert not any(f.code == "display_name.exact" for f in got["198801012010012021"].features)
    # "bidan" is not in the school's unit or position: not every word read away is hers
    assert not any(f.code == "display_name.exact" for f in got["198801012010012022"].features)
    assert sleman.score > max(got[n].score for n in ("198801012010012021", "198801012010012022"))


def test_a_one_name_display_with_a_unit_word_is_no_exact_match_of_a_one_name_employee():
    # "Dewi Melati": a Puskesmas Melati in the roster and nobody named Melati; read as "Dewi" it
    # would equal every employee called just Dewi
    roster = [emp("198801012010012010", "Dewi", "Dinas Sosial", "Staf"),
              emp("198801012010012011", "Rina Wati", "Puskesmas Melati", "Bidan")]
    got = match([actor("dewimelati", "Dewi Melati")], roster, default_model(threshold=0))
    assert not any(f.code == "display_name.exact" for c in got for f in c.features)


def test_a_handle_that_spells_a_dropped_unit_word_is_not_corrected_into_a_roster_name():
    # the display name spells "sukabumi" too: two typings agree, so the handle's sukabumi is no
    # slip for the roster name Sukabumu, although the display name's reading leaves the word out
    from pantau.matching.actors import prepare_actors
    from pantau.matching.index import build_roster
    roster = [emp("198801012010011012", "Budi Santoso Sukabumu", "Dinas Sosial", "Staf"),
              emp("198801012010011013", "Rudi Hartono", "Dinas Pendidikan Kabupaten Sukabumi", "Guru")]
    batch = prepare_actors([actor("budisantososukabumi", "Budi Santoso Sukabumi")], [0], build_roster(roster))
    assert batch.d_tokens[0] == ["budi", "santoso"]
    assert "sukabumu" not in batch.h_tokens[0] and not batch.h_typo[0]


def _places_roster(places: list[str]) -> list:
    """Narahaman Hermawan of Sumedang and Suhaman Pratama of Garut, who both answer to Haman,
    among employees of several regencies (so that a regency's name says where)."""
    import itertools
    names = ["Budi Santoso", "Sri Wahyuni", "Agus Salim", "Dewi Lestari", "Eko Prasetyo", "Rina Wati"]
    out = [emp(f"1980010120100{j:05d}", f"{n} {k}", f"MAN {j % 7 + 1} {p}", "Guru")
           for j, (n, k, p) in enumerate(itertools.product(names, ("Putra", "Putri", "Jaya"), places))]
    return out + [emp("198501012010011101", "Narahaman Hermawan", f"MAN 9 {places[0]}", "Guru"),
                  emp("198601012010011102", "Suhaman Pratama", f"Puskesmas {places[-1]}", "Perawat")]


def test_a_call_name_with_the_place_of_the_unit_is_found_for_an_employee_with_several_names():
    roster = _places_roster(["Sumedang", "Garut", "Ciamis", "Kuningan", "Majalengka", "Subang", "Bogor", "Bekasi",
                             "Karawang", "Cianjur"])
    model = default_model()
    got = match([actor("haman1985", "Haman Sumedang")], roster, model)
    top = max(got, key=lambda c: c.score)
    assert top.nip == "198501012010011101" and top.score >= model.threshold, [(c.nip, c.score) for c in got]
    f = next(f for f in top.features if f.code == "display_name.call_name_place")
    assert (f.params["call"], f.params["given"]) == ("haman", "narahaman")
    assert "198601012010011102" not in {c.nip for c in got}          # Haman of Garut is not named
    # without the place the call name alone is a lottery between the two: no lead
    assert not [c for c in match([actor("haman", "Haman")], roster, model) if c.score >= model.threshold]
    # the birth year in the handle tells the two apart (model 16: call_name_dated)
    dated = [c for c in match([actor("haman1985", "Haman")], roster, model) if c.score >= model.threshold]
    assert [c.nip for c in dated] == ["198501012010011101"]


def test_the_regency_of_a_regency_roster_is_no_place_that_narrows():
    # every employee of a Sumedang roster works in Sumedang: the word says nothing about who
    roster = _places_roster(["Sumedang"]) + [emp("198701012010011103", "Sishaman", "SDN 1 Sumedang", "Guru")]
    got = match([actor("haman1985", "Haman Sumedang")], roster, default_model(threshold=0))
    codes = {f.code for c in got for f in c.features}
    assert "display_name.call_name_alone" in codes and "display_name.call_name_place" not in codes


def test_two_words_that_say_little_are_no_place():
    # "Guru" and "Pendidikan" are each in a third of the units: 1.5 bits each, together 3, and
    # still they say nothing of where
    roster = [emp(f"1990010120200{j:05d}", f"Pegawai {_WORDS[j % 35]} {j}", unit, pos)
              for j, (unit, pos) in enumerate([("Dinas Pendidikan", "Staf")] * 34 + [("Dinas Sosial", "Guru")] * 34
                                              + [("Dinas Kesehatan", "Perawat")] * 31)]
    roster.append(emp("198701012010011104", "Suyanto", "Dinas Pendidikan", "Guru"))
    got = match([actor("yanto77", "Yanto Guru Pendidikan"), actor("yanto78", "Yanto Guru Guru", key="a2")],
                roster, default_model(threshold=0))
    assert {c.nip for c in got} == {"198701012010011104"}
    assert not any(f.code == "display_name.call_name_place" for c in got for f in c.features)


def test_the_regency_of_a_long_unit_name_is_a_place_too():
    # the village and school words are rarer than the regency, which is what people write
    roster = _places_roster(["Sumedang", "Garut", "Ciamis", "Kuningan", "Majalengka", "Subang", "Bogor", "Bekasi",
                             "Karawang", "Cianjur"])
    roster[-2] = emp("198501012010011101", "Narahaman Hermawan", "SDN Cibeureum Cimalaka Sumedang", "Guru")
    top = max(match([actor("haman1985", "Haman Sumedang")], roster, default_model()), key=lambda c: c.score)
    assert top.nip == "198501012010011101"
    assert any(f.code == "display_name.call_name_place" for f in top.features)


def test_a_call_name_many_one_name_employees_answer_to_is_found_with_the_place():
    # 150 one-name Suyantos elsewhere: the call name's own block is too large to score, the
    # place's is not
    roster = [emp(f"1970010120000{j:05d}", "Suyanto", f"MAN {k + 1} {w}", "Guru")
              for j, (w, k) in enumerate((w, k) for w in _WORDS for k in range(5))][:150]
    roster += [emp("198801012010011105", "Suyanto", "MAN 9 Sumedang", "Guru")]
    got = match([actor("yanto_", "Yanto Sumedang")], roster, default_model(threshold=0))     # no birth year
    top = max(got, key=lambda c: c.score)
    assert top.nip == "198801012010011105", [(c.nip, c.score) for c in got][:5]
    assert any(f.code == "display_name.call_name_place" for f in top.features)


def test_the_index_sorted_tag_by_tag_is_a_plain_sort_of_all_keys():
    import numpy as np

    from pantau.matching.blocking import _sorted_by_tag
    from pantau.matching.blocking.base import TAG_SHIFT
    rng = np.random.default_rng(5)
    arrays = []
    for tag in (8, 1, 3, 1, 9, 3):
        k = (np.int64(tag) << np.int64(TAG_SHIFT)) | rng.integers(0, 50, 400, dtype=np.int64)   # many ties
        arrays.append((k, rng.integers(0, 10_000, 400).astype(np.int32)))
    K = np.concatenate([k for k, _ in arrays])
    R = np.concatenate([r for _, r in arrays])
    order = np.argsort(K, kind="stable")
    parts: dict = {}
    for k, r in arrays:
        parts.setdefault(int(k[0] >> np.int64(TAG_SHIFT)), []).append((k, r))
    k2, r2 = _sorted_by_tag(parts)
    assert (k2 == K[order]).all() and (r2 == R[order]).all()


def test_daeng_before_a_name_is_a_form_of_address():
    roster = ROSTER + [emp("197301012000011009", "Nasalis, A.Ma.Pd"), emp("197401012000011010", "La Rusasawan"),
                       emp("197501012000011011", "Andi Assadi Daeng")]
    c = best_of(actor("itsnasalis", "Daeng Nasalis"), roster)
    assert c.nip == "197301012000011009" and any(f.code == "display_name.exact" for f in c.features)
    c = best_of(actor("rusa.sawan", "Daeng Rusasawan"), roster)
    assert c.nip == "197401012000011010" and any(f.code == "display_name.core" for f in c.features)
    # a Daeng inside the name is the name's
    c = best_of(actor("assadi", "Andi Assadi Daeng"), roster)
    assert c.nip == "197501012000011011" and any(f.code == "display_name.exact" for f in c.features)


def test_a_display_name_with_daeng_still_spells_an_employee_written_so():
    roster = ROSTER + [emp("197301012000011018", "Daeng Mattiro"), emp("197301012000011019", "Mattiro")]
    got = match([actor("mattiro88", "Daeng Mattiro")], roster, default_model())
    assert "197301012000011018" in {c.nip for c in got}
    c = next(c for c in got if c.nip == "197301012000011018")
    assert any(f.code == "display_name.exact" for f in c.features)


def test_latin_and_arabic_spellings_of_one_name_meet():
    roster = [emp("196901011990031028", "Christina Sihombingo"), emp("196901011990031029", "Shinta Dewantari")]
    for shown, nip in (("Kristina Sihombingo", "1028"), ("Sinta Dewantari", "1029")):
        got = match([actor(None, shown)], roster, default_model())
        assert any(c.nip.endswith(nip) for c in got), shown


def test_a_name_written_across_a_separator_is_read_whole():
    roster = [emp("196901011990031031", "Hendra Gunawan Saputra", "Dinas Sosial", "Staf"),
              emp("196901011990031032", "Gunawan Saputra", "Dinas Pertanian", "Staf"),
              emp("196901011990031033", "Siti Aminah", "Kelurahan Tanjung Sari", "Staf")]
    for shown in ("Hendra - Gunawan Saputra", "Hendra · Gunawan Saputra", "Hendra | Gunawan | Saputra"):
        top = max(match([actor(None, shown)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith("1031") and any(f.code == "display_name.exact" for f in top.features), shown
    # ... but a repeat, a nickname, a second person or a place made of name words is no part of
    # it: together they are nobody's name (found by the review)
    roster += [emp("196901011990031034", "Sari Jaya Putra"), emp("196901011990031035", "Budi Gunawan")]
    for shown in ("Gunawan Saputra | ASN Sleman", "Gunawan Saputra | Siti Aminah", "Gunawan Saputra • Gunawan",
                  "Gunawan | Gunawan Saputra", "Gunawan Saputra | Sari Jaya", "Gunawan Saputra - Budi"):
        top = max(match([actor(None, shown)], roster, default_model(threshold=0)), key=lambda c: c.score)
        assert top.nip.endswith("1032") and any(f.code == "display_name.exact" for f in top.features), shown
