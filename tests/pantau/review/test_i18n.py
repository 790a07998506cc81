"""Every word the reader sees comes from the catalogues, in both languages."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from zoneinfo import ZoneInfo

from pantau.review.i18n import LANGUAGES, LOCALES, TEMPLATES, extract, make_environment, translations

#: words that are the same in every language (names, formats)
UNTRANSLATED = {"Pantau", "CSV", "XLSX", "Enter"}


def catalogue(lang):
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_catalogues_match_the_code():
    wanted = {m.id for m in extract() if m.id}
    for lang in LANGUAGES:
        have = {m.id for m in catalogue(lang) if m.id}
        assert wanted - have == set(), f"{lang}: run python -m pantau.review.i18n"
        assert have - wanted == set(), f"{lang}: obsolete messages"


def test_indonesian_catalogue_is_complete():
    missing = [m.id for m in catalogue("id") if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                             else m.string)]
    assert missing == []


def test_placeholders_survive_translation():
    for m in catalogue("id"):
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(re.findall(r"%\(\w+\)s", ids[0]))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)s", s)) == want, m.id


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_text_outside_gettext(template):
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    make_environment("en", ZoneInfo("UTC")).parse(source)            # the template is valid Jinja
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " x ", source, flags=re.S)   # code, not text
    text = re.sub(r"<[^>]*>", " ", text)                              # tags and their attributes
    text = re.sub(r"&\w+;", " ", text)
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - UNTRANSLATED
    assert not words, f"{template}: literal text {sorted(words)}"
    # attribute values shown to people (title, alt, aria-label, placeholder) are translated too
    for attr in re.findall(r'(?:title|alt|aria-label|placeholder)="([^"]*)"', source):
        assert "{{" in attr or not re.search(r"[A-Za-z]{2,}", attr), f"{template}: {attr!r}"


def test_translations_are_compiled_from_po_at_start_up():
    t = translations("id")
    assert t.gettext("Sign in") == "Masuk"
    assert t.ngettext("%(num)s match", "%(num)s matches", 2) == "%(num)s kecocokan"
    assert translations("en").gettext("Sign in") == "Sign in"


def test_catalogues_parse_cleanly():
    """A merge that drops an entry's msgstr line makes babel swallow the next entry: refuse it."""
    for lang in LANGUAGES:
        with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            read_po(fh, locale=lang, abort_invalid=True)
