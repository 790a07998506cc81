"""Handles -> name tokens: separators, digits as evidence, DP segmentation over the roster vocabulary, initials."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# The segmenter's split as it was chosen before the word automaton (a forward DP probing each
# position's beginnings in a dict): the automaton must choose the same split, ties included,
# for the labelled sets and every stored reading depend on it.
def _reference_split(vocab: Vocabulary, chunk: str, calls: bool) -> tuple[list[tuple[int, str, float]], float]:
    import math
    from pantau.matching.handles import _MAX_WORD
    chunk = chunk[:40]
    n, inf = len(chunk), math.inf
    best = [0.0] + [inf] * n
    back = [(0, "?")] * (n + 1)
    skip = vocab.calls if not calls else ()
    for j in range(n):
        bj = best[j]
        for v, kind in ((bj + vocab.initial_cost, "i"), (bj + vocab.unknown_cost, "?")):
            if v < best[j + 1]:
                best[j + 1], back[j + 1] = v, (j, kind)
        for i in range(j + 2, min(j + _MAX_WORD, n) + 1):
            c = vocab.prefixes.get(chunk[j:i])
            if c is None:
                break
            if c != inf and chunk[j:i] not in skip and bj + c < best[i]:
                best[i], back[i] = bj + c, (j, "w")
    path, i = [], n
    while i > 0:
        j, kind = back[i]
        path.append((i, kind, best[i]))
        i = j
    return path[::-1], best[n]


SEG_VOCAB = Vocabulary({"budi": 50, "santoso": 30, "sri": 80, "wahyuni": 20, "wahyuningsih": 10, "ani": 40,
                        "nur": 30, "haliza": 3, "rahman": 12, "rahma": 12, "man": 5, "an": 5, "ah": 5,
                        "ayu": 10, "yuni": 9, "ni": 3, "sih": 2, "santo": 8, "so": 1},
                       call_forms=["yanto", "ndut", "nunik", "sant"])


# every word seen equally often: splits tie exactly (ra + hman and rah + man cost the same)
TIED_VOCAB = Vocabulary(dict.fromkeys(["ra", "rah", "hman", "man", "sa", "san", "to", "nto", "so", "ant", "santo",
                                       "tos", "os", "ni", "nis", "is", "ah", "ma", "rahma", "an"], 7),
                        call_forms=["rahm", "anto"])


# runs of letters made of the vocabularies' words, call forms and stray letters
PIECES = sorted(set(SEG_VOCAB.cost) | set(TIED_VOCAB.cost) | set("abdhiklmnorstuwy"))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.booleans(), st.booleans())
def test_the_word_automaton_splits_as_the_reference_does(chunk, calls, tied):
    vocab = TIED_VOCAB if tied else SEG_VOCAB
    vocab._memo.clear()
    _, _, cost, path = vocab.reading(chunk, calls)
    ref_path, ref_cost = _reference_split(vocab, chunk, calls)
    assert tuple(ref_path) == path and ref_cost == cost
