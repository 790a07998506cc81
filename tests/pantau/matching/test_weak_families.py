"""The weak families of issue 15: call names, regional parts, affixes, typos, old spelling in either order."""

from __future__ import annotations

from pantau.matching import default_model, match
from pantau.matching.callnames import call_forms, syllables
from pantau.matching.handles import Vocabulary, analyse

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
    # a call name and the family name: a lead once something independent agrees (the unit)
    assert best(actor("yanto_siregar", "Yanto Siregar")) is None
    c = best(actor("yanto_siregar", "Yanto Siregar", bio="Penyuluh di Dinas Pertanian"))
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


def test_words_around_the_name_in_a_handle_are_dropped():
    v = Vocabulary({"budi": 10, "santoso": 5, "sisdirno": 1})
    assert analyse("pak_sisdirno140", v, "x").tokens == ["sisdirno"]
    assert analyse("budisantoso_official", v, "x").tokens == ["budi", "santoso"]
    assert analyse("itsbudisantoso", v, "x").tokens == ["budi", "santoso"]
    assert analyse("hbudi", v, "x").tokens[0] == "h"      # an initial is not an affix
    c = best(actor("official.agussalim", None))
    assert c is not None and c.nip == "199001012015011008"


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
    from pantau.matching.index import prepare_actors
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
