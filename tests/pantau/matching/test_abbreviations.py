"""Handles that cut the family name short (``tiurmasir`` for Tiurma Siregar): read, blocked and scored."""

from __future__ import annotations

from pantau.matching import default_model, match
from pantau.matching.handles import Vocabulary, analyse

from .helpers import actor, emp

_GIVEN_WORDS = ["Abadi", "Basuki", "Cahyono", "Darmawan", "Effendi", "Firmansyah", "Gunawan", "Hidayat", "Irawan",
                "Kurniawan", "Lesmana", "Mulyadi", "Nugroho", "Pratama", "Ramadhan", "Saputra", "Setiawan",
                "Susanto", "Tanjung", "Utomo", "Wibowo", "Wijaya", "Yulianto", "Zulkarnain", "Hartono", "Kusuma",
                "Permana", "Santoso", "Sinaga", "Purba", "Lubis", "Nasution", "Harahap", "Simanjuntak", "Panjaitan",
                "Hutapea", "Manurung", "Sitorus", "Pardede", "Tambunan"]


def _roster() -> list:
    """Forty Tiurmas (more than the rare-token limit: the name alone blocks nobody) and the two
    employees the handles below stand for; Tan is a name of its own here too."""
    rows = [emp(f"1980010120050120{i:02d}", f"Tiurma {w}") for i, w in enumerate(_GIVEN_WORDS)]
    return rows + [emp("197001012000012001", "Tiurma Siregar"),
                   emp("197001012000012002", "Fediraliam Tanuwijaya"),
                   emp("197001012000011003", "Budi Tan"),
                   emp("197001012000011004", "Agus Tanoto")]


def _best(a, roster=None, **model):
    got = match([a], roster or _roster(), default_model(**model))
    return max(got, key=lambda c: c.score) if got else None


def test_a_final_i_written_y_is_a_word_inside_a_run_together_handle():
    v = Vocabulary({"junadi": 1, "tanoto": 2, "tan": 3})
    assert analyse("junadytan", v).tokens == ["junadi", "tan"]


def test_a_name_and_the_first_letters_of_another_explain_every_letter():
    # the likeliest split explains more letters with ti + tuaman, leaving "ti" unexplained
    v = Vocabulary({"titua": 1, "tuaman": 1, "manullang": 5, "ronald": 3})
    assert analyse("tituaman", v).tokens == ["titua", "man"]
    assert analyse("tituamanu", v).tokens == ["titua", "manu"]        # four letters
    assert analyse("tituamanx", v).tokens != ["titua", "manx"]        # Manullang does not begin so
    # no roster word begins with the letters left over: they stay what they were
    assert analyse("tituazzq", v).tokens != ["titua", "zzq"]


def test_a_letter_squeezed_away_by_the_spelling_rules_is_no_letter_explained():
    # sy -> s at the seam would read masrinis + us; the handle wrote masrinis + yus
    v = Vocabulary({"masrinis": 1, "yusnaini": 1})
    assert analyse("masrinisyus", v).tokens == ["masrinis", "yus"]


def test_a_family_name_cut_short_is_blocked_though_the_given_name_is_common():
    c = _best(actor("tiurmasir159", None), threshold=0)
    assert c is not None and c.nip == "197001012000012001"
    assert any(f.code == "handle.abbreviation" for f in c.features)


def test_a_short_roster_name_in_a_handle_may_be_the_family_name_cut_short():
    # counted as an initial: a whole name too, it says less than a run no roster name explains
    c = _best(actor("fediraliamtan", None))
    assert c is not None and c.nip == "197001012000012002", c
    assert any(f.code == "handle.initials" for f in c.features)
    # for Budi Tan the same token is his whole name: spelled, not cut short
    b = _best(actor("buditan", None))
    assert b is not None and b.nip == "197001012000011003"
    assert any(f.code == "handle.exact" for f in b.features)


def test_a_whole_short_name_is_first_the_name_it_spells():
    roster = _roster() + [emp("197001012000012008", "Sri Budi"), emp("197001012000012009", "Sri Budiyanti"),
                          emp("197001012000012010", "Fransiska Agustina")]
    got = match([actor("sribudi", None)], roster, default_model())
    assert [c.nip for c in got] == ["197001012000012008"]        # Sri Budiyanti is far behind
    # "agus" for Agustina is one letter run: not an initial and a call name at once
    c = _best(actor("fransiskaagus", None), roster, threshold=0)
    assert c.nip == "197001012000012010"
    assert not any(f.code == "handle.call_name" for f in c.features)
    assert c.score < default_model().threshold + 10


def test_a_short_name_in_a_display_name_is_not_read_as_cut_short():
    got = match([actor(None, "Fediraliam Tan")], _roster(), default_model(threshold=0))
    assert not any(f.code in ("display_name.initials", "display_name.abbreviation")
                   for c in got if c.nip == "197001012000012002" for f in c.features)


def test_initials_and_abbreviations_leave_out_the_regional_parts_people_drop():
    roster = _roster() + [emp("197001012000012005", "Drs. Saurma br. Pardede, S.T."),
                          emp("197001012000011006", "I Wayan Budi Santoso")]
    c = _best(actor("saurmapar", None), roster, threshold=0)
    assert c.nip == "197001012000012005" and any(f.code == "handle.abbreviation" for f in c.features)
    c = _best(actor("budis", None), roster, threshold=0)
    assert c.nip == "197001012000011006" and any(f.code == "handle.initials" for f in c.features)
    # a name token left out is no regional part: still only a shortened form
    got = match([actor("tiurmap", None)], roster + [emp("197001012000012007", "Tiurma Rosdiana Pardede")],
                default_model(threshold=0))
    assert not any(f.code == "handle.initials" for c in got if c.nip == "197001012000012007" for f in c.features)


def test_a_short_roster_name_alone_in_a_handle_stays_a_call_name():
    # Kaja is a name of its own here; alone in the handle it is still Kajatun's call name
    roster = _roster() + [emp("197001012000012011", "Kaja Wibowo"),
                          emp("197001012000012012", "Kajatun Ngatiyem")]
    c = _best(actor("kaja86", "Kaja Ngatiyem"), roster, threshold=0)
    assert c.nip == "197001012000012012"
    assert any(f.code == "handle.call_name_alone" for f in c.features), [f.code for f in c.features]


def test_a_name_cut_short_is_read_before_a_near_spelling():
    # zulkiflipan is 92% alike Zulkifli Panai too; the cut name is the closer reading
    roster = _roster() + [emp("197001012000011013", "ZULKIFLI PANAI")]
    c = _best(actor("zulkiflipan746", None), roster, threshold=0)
    assert c.nip == "197001012000011013"
    assert any(f.code == "handle.abbreviation" for f in c.features), [f.code for f in c.features]


def test_a_name_cut_short_as_the_roster_writes_it_not_as_it_is_spelled_now():
    # Chaniago is haniago, Assegaf asegaf and Syadihendri sadihendri once spelled: the handle
    # keeps the written letters, which the canonical form turns into two
    roster = _roster() + [emp("197001012000011014", "Elrihendri Chaniago"),
                          emp("197001012000012015", "Hj. Fakidar Assegaf"),
                          emp("197001012000012016", "Ns. Elril Syadihendri, Lc"),
                          emp("197001012000011017", "Elrihendri Hartono")]
    for handle, nip in (("elrihendricha1977", "197001012000011014"), ("fakidarass", "197001012000012015"),
                        ("elrilsya87", "197001012000012016")):
        c = _best(actor(handle, None), roster)
        assert c is not None and c.nip == nip, handle
        assert any(f.code == "handle.abbreviation" for f in c.features), handle
    # "cha" does not begin Hartono, though both are "ha" once spelled
    got = match([actor("elrihendricha", None)], roster, default_model(threshold=0))
    assert not any(f.code == "handle.abbreviation" for c in got if c.nip == "197001012000011017" for f in c.features)


def _abbreviated(handle: str, roster: list, nip: str) -> bool:
    got = match([actor(handle, None)], roster, default_model(threshold=0))
    return any(f.code == "handle.abbreviation" for c in got if c.nip == nip for f in c.features)


def test_the_written_first_letters_are_each_employees_own():
    # someone written Chandra does not make Budiarto Handra a "cha"; nor does the order of the roster
    roster = _roster() + [emp("197001012000011020", "Chandra Wijaya"), emp("197001012000011021", "Budiarto Handra")]
    assert not _abbreviated("budiartocha", roster, "197001012000011021")
    a, b = emp("197001012000011022", "Khairul Anwar"), emp("197001012000011023", "Budiarto Chairul")
    for order in ([a, b], [b, a]):
        assert _abbreviated("budiartocha", _roster() + order, "197001012000011023")
    # a spelling rule across the third and fourth letters (Rachmat is rahmat once spelled)
    assert _abbreviated("budirac", _roster() + [emp("197001012000011024", "Budi Rachmat")], "197001012000011024")


def test_a_name_cut_as_written_is_blocked_when_the_given_name_is_common():
    # forty Elrihendris: only the written first letters of Chaniago block the pair
    roster = _roster() + [emp(f"1980020120050110{i:02d}", f"Elrihendri {w}") for i, w in enumerate(_GIVEN_WORDS)]
    roster.append(emp("197001012000011025", "Elrihendri Chaniago"))
    assert _abbreviated("elrihendricha", roster, "197001012000011025")
