"""Evidence as codes with parameters: every code has a template in both catalogues, weights add up to the score."""

from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

import pytest

import storage
from pantau.matching import evidence, match
from pantau.review.i18n import translations
from storage.queries import matches as mq
from storage.records import Feature, MatchCandidate

from .helpers import actor, emp

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "matching"

ROSTER = [
    emp("198803122010011001", "Drs. Budi Santoso, M.Si.", "Dinas Pendidikan Kabupaten Sleman", "Guru"),
    emp("199001012015032002", "SRI WAHYUNI, S.Pd.", "SD Negeri 1 Bantul", "Guru"),
    emp("198505052012122003", "Sri Wahyuni", "Puskesmas Depok", "Perawat"),
    emp("196512121990031005", "Soeharto Wiryo", "Dinas Pertanian", "Penyuluh", handles=["@harto_tani"]),
    emp("197707072005012007", "Wahjudi Kartasasmita", "Inspektorat", "Auditor"),
]
ACTORS = [
    actor("budisantoso_120388", "Budi Santoso"),
    actor("sriwahyuni", "Sri Wahyuni", bio="Perawat di Puskesmas Depok"),
    actor("harto_tani", None, platform="x"),
    actor("harto_tani", "Pak Harto"),
    actor("wahyudi_k", "Wahyudi Kartasasmita S.Pd"),
    actor("dr_budi", "Drs. Budi Santoso"),
]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_template_is_translated_with_the_same_placeholders():
    t = translations("id")
    for code, template in evidence.TEMPLATES.items():
        indonesian = t.gettext(template)
        assert indonesian != template, code
        assert _placeholders(indonesian) == _placeholders(template), code


def test_explain_emits_known_codes_and_weights_add_up_to_the_score():
    cands = match(ACTORS, ROSTER)
    assert len(cands) >= 5
    for c in cands:
        for f in c.features:
            assert f.code in evidence.TEMPLATES, f
            assert set(f.params) >= _placeholders(evidence.TEMPLATES[f.code]) - {"origin"}, f
        formed = c.features[-1]
        assert formed.code == "score.formed"
        assert sum(f.weight for f in c.features) == pytest.approx(c.score, abs=0.051)
        assert formed.params["score"] == c.score
        assert sum(p for _, p in formed.params["parts"]) == pytest.approx(c.score, abs=0.051)


def test_weights_add_up_on_a_generated_set_including_capped_scores():
    sys.path.insert(0, str(BENCH))
    from generate import generate

    ds = generate(600, 3000)
    cands = match(ds.actors, ds.employees)
    assert len(cands) > 200
    capped = 0
    for c in cands:
        assert sum(f.weight for f in c.features) == pytest.approx(c.score, abs=0.051), c.features
        capped += any(f.code == "score.capped" for f in c.features)
    assert capped >= 1                      # a known handle or a long list of agreements passes 100


def test_indonesian_rendering_carries_no_english_sentence():
    t = translations("id")
    english_words = re.compile(r"\b(the|roster|matches|employee|handle digits|display name)\b", re.I)
    for c in match(ACTORS, ROSTER):
        for f in c.features:
            text = evidence.render(f, t.gettext)
            assert "{" not in text, text
            stripped = text
            for v in f.params.values():            # stranger-written values stay as written
                for part in (v if isinstance(v, list) else [v]):
                    stripped = stripped.replace(str(part), "")
            assert not english_words.search(stripped.replace("Handle", "")), (f.code, text)


def test_stranger_text_is_a_plain_value_and_old_rows_fall_back_to_detail():
    f = evidence.make("handle:0", "handle.exact", 62.0, handle="<b>x</b>{0}")
    assert evidence.render(f, translations("id").gettext) == "Handle '<b>x</b>{0}' mengeja nama di daftar pegawai"
    old = {"feature": "display_name:0", "detail": "Display name equals the roster name", "weight": 62}
    assert evidence.render(old, translations("id").gettext) == "Display name equals the roster name"
    assert evidence.family_label(old, translations("id").gettext) == "Nama tampilan"
    with pytest.raises(KeyError):
        evidence.make("x", "no.such.code", 1.0)


def test_codes_and_params_are_stored_and_old_rows_still_load(tmp_path):
    db = storage.open_db(tmp_path / "p.db")
    try:
        db.execute("INSERT INTO actors (platform, actor_key, handle, first_seen, last_seen, changed_at) "
                   "VALUES ('x','a','a','t','t','t')")
        db.execute("INSERT INTO employees (nip, name, name_norm, norm_version, active, source, imported_at, "
                   "updated_at) VALUES ('198803122010011001','Budi','budi','1',1,'t','t','t')")
        aid = db.execute("SELECT id FROM actors").fetchone()[0]
        [c] = [c for c in match(ACTORS[:1], ROSTER)]
        mq.upsert_candidates(db, [MatchCandidate(aid, c.nip, c.score, c.band, c.features)])
        stored = json.loads(db.execute("SELECT features FROM matches").fetchone()[0])
        assert [Feature.from_json(d) for d in stored] == c.features
        assert stored[0]["code"] and "params" in stored[0]
        old = Feature.from_json({"feature": "name", "detail": "same name", "weight": 60})
        assert old.code == "" and old.params == {} and old.to_json() == {"feature": "name", "detail": "same name",
                                                                        "weight": 60.0}
    finally:
        db.close()
