"""Stored codes and times as a reader sees them, in one language and one time zone.

The review app, the case report (HTML and PDF) and the XLSX/CSV exports all
show statuses, bands, kinds, times and the matcher's evidence; they take the
words from here, so a value reads the same everywhere and every word comes from
the catalogues (``pantau/review/locales``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, Callable
from zoneinfo import ZoneInfo

import babel.dates
import babel.numbers

from pantau.review import labels
from pantau.review.i18n import parse_time, translations
from pantau.times import local_iso


def iso_local(value: Any, tz: ZoneInfo) -> str:
    """A stored time as ISO 8601 in ``tz`` with its offset (``2028-12-01T16:00:00+07:00``); '' if none."""
    return local_iso(value, tz.key) or ""


def features_of(value: Any) -> list[dict]:
    """The stored evidence of a match (``matches.features`` JSON) as a list of dicts."""
    if isinstance(value, list):
        items = value
    else:
        try:
            items = json.loads(value or "[]")
        except (TypeError, ValueError):
            return []
    return [f for f in items if isinstance(f, dict)] if isinstance(items, list) else []


#: evidence parameters that are decimals, as babel patterns (``pantau.matching.evidence`` writes 66.6)
_NUMBER_PARAMS = {"score": "0.0", "total": "0.0", "bits": "0"}


def number(value: Any, lang: str, fmt: str = "0.0") -> str:
    """A decimal written the reader's way: ``66,6`` in Indonesian, ``66.6`` in English (Babel)."""
    if value is None or value == "":
        return ""
    try:
        return babel.numbers.format_decimal(float(value), format=fmt, locale=lang)
    except (TypeError, ValueError):
        return str(value)


def _local_numbers(feature: dict, lang: str) -> dict:
    params = feature.get("params")
    if not isinstance(params, dict):
        return feature
    local = {k: number(v, lang, _NUMBER_PARAMS[k])
             if k in _NUMBER_PARAMS and isinstance(v, (int, float)) and not isinstance(v, bool) else v
             for k, v in params.items()}
    return {**feature, "params": local}


def render_feature(feature: dict, gettext: Callable[[str], str], lang: str | None = None) -> str:
    """One piece of evidence as a sentence in the reader's language (``pantau.matching.evidence``).

    With ``lang``, its decimals are written that language's way (the matcher writes ``66.6``).
    A row stored before evidence had codes keeps its stored (English) sentence.
    """
    from pantau.matching.evidence import render
    return render(_local_numbers(feature, lang) if lang and isinstance(feature, dict) else feature, gettext)


@dataclass
class Wording:
    """Words and times of one language (``id`` or ``en``) in one time zone."""

    lang: str
    tz: ZoneInfo

    @cached_property
    def gettext(self) -> Callable[[str], str]:
        return translations(self.lang).gettext

    def _(self, message: str) -> str:
        return self.gettext(message)

    def status(self, code: str | None) -> str:
        return self.gettext(labels.STATUS[code]) if code in labels.STATUS else (code or "")

    def band(self, code: str | None) -> str:
        return self.gettext(labels.BAND[code]) if code in labels.BAND else (code or "")

    def kind(self, code: str | None) -> str:
        return self.gettext(labels.KIND[code]) if code in labels.KIND else (code or "")

    def evidence_kind(self, code: str | None) -> str:
        return self.gettext(labels.EVIDENCE[code]) if code in labels.EVIDENCE else (code or "")

    def number(self, value: Any, fmt: str = "0.0") -> str:
        return number(value, self.lang, fmt)

    def time(self, value: Any) -> str:
        return iso_local(value, self.tz)

    @cached_property
    def _months(self) -> dict[int, str]:
        return dict(babel.dates.get_month_names("abbreviated", locale=self.lang))

    def report_time(self, value: Any) -> str:
        """A time for a printed report: local date and clock, zone name and offset (``1 Des 2028 16:00 WIB (+07:00)``).

        Written from babel's month names rather than a babel pattern per call: a report
        prints thousands of times.
        """
        dt = parse_time(value)
        if dt is None:
            return "" if value in (None, "") else str(value)
        local = dt.astimezone(self.tz)
        offset = local.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
        text = f"{local.day} {self._months[local.month]} {local.year} {local:%H:%M}"
        name = local.tzname() or ""
        return f"{text} {name} ({offset})" if name and not name.startswith(("+", "-")) else f"{text} ({offset})"

    def evidence(self, features: Any) -> list[str]:
        """Every piece of a match's stored evidence, one sentence each, in this language."""
        return [s for s in (render_feature(f, self.gettext, self.lang) for f in features_of(features)) if s]

    def explanation(self, features: Any, fallback: str | None = None) -> str:
        """The evidence as the one cell of an export (sentences one per line)."""
        lines = self.evidence(features)
        return "\n".join(lines) if lines else (fallback or "")


def for_settings(settings, lang: str | None = None) -> Wording:
    """The wording of a workspace: ``[review] language`` (or ``lang``) in ``[schedule] timezone``."""
    return Wording(lang or settings.review.language, ZoneInfo(settings.schedule.timezone))


def now_iso(tz: ZoneInfo) -> str:
    return datetime.now(timezone.utc).astimezone(tz).isoformat(timespec="seconds")
