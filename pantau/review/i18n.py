"""Languages of the review app: gettext catalogues, one Jinja environment per language.

Catalogues are the ``.po`` files under ``locales/``; they are compiled in memory
at start-up (no ``.mo`` file to go stale, nothing to build after a fresh
install). Message ids are English; the ``id`` catalogue translates them, the
``en`` one may override wording. Python code marks its messages with ``N_`` and
templates translate them at render time, so a message follows the reader's
language, not the language of whoever caused it.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import babel.dates
import babel.numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
HERE = Path(__file__).resolve().parent
LOCALES = HERE / "locales"
TEMPLATES = HERE / "templates"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (built from its .po file once per process)."""
    po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain="messages")


def parse_time(value) -> datetime | None:
    """Stored times are ISO 8601 (UTC with Z); platform times may be any ISO form."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def format_datetime(value, lang: str, tz: ZoneInfo, fmt: str = "medium") -> str:
    dt = parse_time(value)
    if dt is None:
        return "" if value in (None, "") else str(value)
    return babel.dates.format_datetime(dt, fmt, tzinfo=tz, locale=lang)


def format_date(value, lang: str, fmt: str = "medium") -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return babel.dates.format_date(value, fmt, locale=lang)
    dt = parse_time(value)
    if dt is None:
        return "" if value in (None, "") else str(value)
    return babel.dates.format_date(dt.date(), fmt, locale=lang)


def safe_url(value) -> str | None:
    """A link target written by strangers: only http(s) URLs become links."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    try:
        parts = urlsplit(v)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return v


def pretty_json(value) -> str:
    """Raw records as stored, indented for reading (escaped by the template)."""
    if value is None:
        return ""
    try:
        return json.dumps(json.loads(value), ensure_ascii=False, indent=2, sort_keys=True)
    except (TypeError, ValueError):
        return str(value)


def make_environment(lang: str, tz: ZoneInfo) -> Environment:
    """The template environment of one language: autoescape always on, i18n installed."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, lang, tz, fmt)
    env.filters["date"] = lambda v, fmt="medium": format_date(v, lang, fmt)
    env.filters["number"] = lambda v, fmt=None: (
        "" if v is None else babel.numbers.format_decimal(v, format=fmt, locale=lang))
    # a message's parameters: fractions written the reader's way (5,5 MB in Indonesian), counts as they are
    env.filters["local_numbers"] = lambda params: {
        k: babel.numbers.format_decimal(v, locale=lang) if isinstance(v, float) else v for k, v in params.items()}
    env.filters["safe_url"] = safe_url
    env.filters["pretty_json"] = pretty_json
    env.globals["lang"] = lang
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["Markup"] = Markup
    env.globals["urlencode"] = urlencode
    from pantau.review import labels
    env.globals["labels"] = labels

    def platform_title(name: str) -> str:
        """A platform's name as the reader knows it (the registry's title; words translated)."""
        if name in labels.PLATFORM_TITLE:
            return translations(lang).gettext(labels.PLATFORM_TITLE[name])
        from storage import platforms as registry
        p = registry.PLATFORMS.get(name)
        return p.title if p else name
    env.globals["platform_title"] = platform_title
    return env


def extract():
    """Every message of the app's code and templates (a babel Catalog), for the catalogues and their test."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_python

    catalog = Catalog(project="Pantau", charset="utf-8")
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(HERE), method_map, options_map=options, keywords={"_": None, "gettext": None,
                                                                   "ngettext": (1, 2), "N_": None}):
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    # the matcher's evidence sentences (pantau.matching.evidence) are read by reviewers too
    evidence = HERE.parent / "matching" / "evidence.py"
    with evidence.open("rb") as fh:
        for lineno, _func, message, comments in extract_python(fh, {"N_": None}, [], {}):
            catalog.add(message, locations=[("../matching/evidence.py", lineno)], auto_comments=comments)
    return catalog


def update_catalogues() -> None:
    """Bring both .po files in line with the code: new messages added untranslated, gone ones dropped.

    Run ``python -m pantau.review.i18n`` after changing messages, then translate the new entries.
    """
    from babel.messages.pofile import write_po

    template = extract()
    for lang in LANGUAGES:
        po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{po}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    update_catalogues()
