"""Handles -> name tokens: separators, digits as evidence, DP segmentation over the roster vocabulary, initials."""

import pytest

from pantau.matching.handles import Vocabulary, analyse, strip_domain

VOCAB = Vocabulary({"budi": 50, "santoso": 30, "sri": 80, "wahyuni": 20, "wahyuningsih": 10, "rizki": 15,
                    "muhamad": 60, "suharto": 5, "nur": 30, "haliza": 3, "ayu": 10, "sihombing": 4,
                    "sahputra": 3, "rahman": 12, "abdul": 25, "fatur": 4, "siti": 70, "hadijah": 6, "hidayat": 9})


@pytest.mark.parametrize("handle,tokens,digits", [
    ("budisantoso88", ["budi", "santoso"], ["88"]),
    ("budi.santoso", ["budi", "santoso"], []),
    ("budi_santoso_1985", ["budi", "santoso"], ["1985"]),
    ("BudiSantoso", ["budi", "santoso"], []),
    ("santoso.budi", ["santoso", "budi"], []),
    ("bsantoso", ["b", "santoso"], []),                      # an initial
    ("budi.s", ["budi", "s"], []),
    ("ssihombing", ["s", "sihombing"], []),                  # the doubled letter is an initial, not a typo
    ("ssyahputra190282", ["s", "sahputra"], ["190282"]),     # old spelling inside a run-together handle
    ("budisoeharto", ["budi", "suharto"], []),
    ("sitikhadijah", ["siti", "hadijah"], []),                # kh as the roster wrote it: no initial k
    ("muhammadhidayat", ["muhamad", "hidayat"], []),          # a doubled consonant: not muh + ammad
    ("budihsantoso", ["budi", "h", "santoso"], []),           # an initial in the middle stays one
    ("budissantoso", ["budi", "s", "santoso"], []),           # ... also before a word it begins
    ("mochrizki", ["muhamad", "rizki"], []),                 # an abbreviation the vocabulary knows
    ("sriwahyuningsih", ["sri", "wahyuningsih"], []),        # the likelier split wins over sri+wahyuni+ngsih
    ("nurhaliza", ["nur", "haliza"], []),
    ("abdurrahman", ["abdul", "rahman"], []),
    ("fathurrahman", ["fatur", "rahman"], []),
    ("𝓫𝓾𝓭𝓲𝓼𝓪𝓷𝓽𝓸𝓼𝓸", ["budi", "santoso"], []),            # styled Unicode
    ("@budisantoso@mastodon.example", ["budi", "santoso"], []),
    ("xyzq123", ["xyzk"], ["123"]),                          # nothing known: one unexplained token, not initials
])
def test_segmentation(handle, tokens, digits):
    info = analyse(handle, VOCAB, "mastodon")
    assert info.tokens == tokens
    assert info.digits == digits


def test_unexplained_letters_stay_in_the_name():
    info = analyse("ratnarohawijaya", Vocabulary({"ratna": 5, "wijaya": 5}), "x")
    assert "ratna" in info.tokens and "wijaya" in info.tokens
    assert len(info.tokens) == 3                                # "roha" is kept, so it is not "ratna wijaya"


def test_a_doubled_letter_at_the_seam_keeps_the_shortened_part():
    """dusacep + per(mana): squeezing "pp" would leave "er", which says nothing; a real doubled
    letter inside one word (bammbang) is still squeezed."""
    vocab = Vocabulary({"dusacep": 3, "permana": 40, "malalacih": 1, "hidayat": 60, "bambang": 90})
    assert analyse("dusacepper395", vocab, "x").tokens == ["dusacep", "per"]
    info = analyse("malalacihhid", vocab, "x")
    assert info.tokens == ["malalacih", "hid"]        # not "id", which reads as a country suffix
    assert analyse("bammbang", vocab, "x").tokens == ["bambang"]


def test_bluesky_domains_are_not_name_tokens():
    assert strip_domain("bluesky", "budisantoso.bsky.social") == "budisantoso"
    assert strip_domain("bluesky", "budi.santoso.id") == "budi.santoso"
    assert analyse("budisantoso.bsky.social", VOCAB, "bluesky").tokens == ["budi", "santoso"]


def test_segmentation_costs_follow_roster_frequency():
    # "sriwahyuni" could be sri+wahyuni; with no "sriwahyuni" token the split is the cheapest
    assert analyse("sriwahyuni", VOCAB, "x").tokens == ["sri", "wahyuni"]


def _fix_for(vocab: Vocabulary):
    """The one-slip lookup over a vocabulary, as the matcher builds it over the roster."""
    import numpy as np

    from pantau.matching import typos
    words = list(vocab.counts)
    counts = np.array([vocab.counts[w] for w in words], dtype=np.int32)
    h, ids = typos.build({w: i for i, w in enumerate(words)}, counts)
    return lambda run: () if run in vocab.counts else typos.candidates(run, h, ids, counts, words.__getitem__)


def test_a_typo_the_segmenter_hides_in_words_is_read_as_the_roster_token():
    fix = _fix_for(VOCAB)
    # wahyuni + "ngsh": too short an unexplained run for the old lookup; one slip from wahyuningsih
    info = analyse("wahyuningsh", VOCAB, "x", fix)
    assert info.tokens == ["wahyuningsih"] and info.typos == 1
    assert analyse("budiwahyuningsh88", VOCAB, "x", fix).tokens == ["budi", "wahyuningsih"]
    # words that explain the whole handle, and an initial next to a word, are no typo
    assert analyse("sriwahyuni", VOCAB, "x", fix).typos == 0
    assert analyse("bsantoso", VOCAB, "x", fix).tokens == ["b", "santoso"]
    # the display name spells it so: the owner's own spelling
    assert analyse("wahyuningsh", VOCAB, "x", fix, shown="wahyuningsh").typos == 0


def test_a_handle_at_the_platforms_limit_may_cut_its_last_name_short():
    # X allows 15 characters: nurhayatisimanj is Nurhayati Simanjuntak, not nur + hayati + sima + ni
    v = Vocabulary({"nur": 30, "hayati": 10, "nurhayati": 8, "sima": 2, "ni": 40, "simanyuntak": 3, "siregar": 5})
    assert analyse("nurhayatisimanj", v, "x").tokens[-1] == "simanyuntak"
    assert analyse("nurhayatisimanj", v, "instagram").tokens[-1] != "simanyuntak"     # 30 allowed there
    # a cut that several roster words begin is not read as any of them
    v2 = Vocabulary({"yuliana": 3, "kusuma": 5, "kusumawati": 4, "kusumawardani": 2, "wa": 9})
    assert "kusumawati" not in analyse("yulianakusumawa", v2, "x").tokens
