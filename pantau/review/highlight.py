"""Why a match was proposed, with the matching parts of the names marked.

The matcher stores its evidence as ``matches.features`` (feature, code, params,
weight); each is rendered in the reader's language (``pantau.matching.evidence``)
and the weights add up to the score, which the page shows as a sum. The reviewer
sees it next to the two names, with the words they share marked in both: equal
after normalisation (titles, old spellings and case removed), close (fuzzy ratio
>= 85), or, in names only, an initial that fits. All text is escaped before
marking: it was written by strangers.
"""

from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup, escape
from rapidfuzz import fuzz

from pantau.matching.evidence import family_label
from pantau.matching.normalize import normalise

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
FUZZY = 85


def _norm_word(word: str) -> str:
    return normalise(word).text.replace(" ", "")


def _tokens(text: str | None) -> list[str]:
    return normalise(text or "").text.split() if text else []


def _fits(word: str, targets: list[str], initials: bool = True) -> bool:
    if not word:
        return False
    for t in targets:
        if word == t:
            return True
        if len(word) == 1:
            if initials and t.startswith(word):
                return True                              # an initial
            continue
        if len(word) >= 3 and len(t) >= 3 and fuzz.ratio(word, t) >= FUZZY:
            return True
    return False


def mark_words(text: str | None, targets: list[str], *, initials: bool = True) -> Markup:
    """``text`` escaped, with each word that fits one of ``targets`` in <mark>.

    ``initials``: a single letter fits a name part it begins (``S.`` for Slamet). True
    for names; false for sentences, where "a" or "I" are words, not initials.
    """
    if not text:
        return Markup("")
    out = []
    pos = 0
    for m in _WORD.finditer(text):
        out.append(escape(text[pos:m.start()]))
        word = m.group(0)
        if _fits(_norm_word(word), targets, initials):
            out.append(Markup("<mark>%s</mark>") % word)
        else:
            out.append(escape(word))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def mark_substrings(text: str | None, targets: list[str], min_len: int = 3) -> Markup:
    """For handles, where names run together (``budisantoso85``): mark targets found inside."""
    if not text:
        return Markup("")
    low = text.lower()
    spans: list[tuple[int, int]] = []
    for t in sorted({t for t in targets if len(t) >= min_len}, key=len, reverse=True):
        start = 0
        while (i := low.find(t, start)) >= 0:
            if not any(a < i + len(t) and i < b for a, b in spans):
                spans.append((i, i + len(t)))
            start = i + 1
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(Markup("<mark>%s</mark>") % text[a:b])
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _mark_name(name: str | None, targets: list[str]) -> Markup:
    """A roster name: academic titles after the first comma are never marked."""
    if not name:
        return Markup("")
    main, comma, rest = name.partition(",")
    return mark_words(main, targets) + escape(comma + rest)


def explain(m: dict, gettext: Callable[[str], str] = lambda s: s, lang: str | None = None) -> dict:
    """Marked names and the stored features of one match (a row of ``storage.queries.review.match``).

    ``lang`` writes the sentences' decimals that language's way (``66,6`` in Indonesian).
    """
    from pantau.wording import render_feature
    emp = _tokens(m.get("employee_name"))
    actor_words = _tokens(m.get("display_name"))
    handle = (m.get("handle") or "").lstrip("@")
    low_handle = handle.lower()
    handle_words = [w for w in re.split(r"[^a-z]+", low_handle) if w]
    # employee name parts found in the account: inside the handle, or fitting a display-name word
    shared = [t for t in emp if (len(t) >= 3 and t in low_handle) or any(
        _fits(w, [t]) for w in actor_words + handle_words if len(w) > 1)]
    targets_for_employee = actor_words + handle_words + shared
    features = []
    total = 0.0
    formed = None
    for f in m.get("features_list") or []:
        if not isinstance(f, dict):
            continue
        try:
            weight = float(f.get("weight") or 0)
        except (TypeError, ValueError):
            weight = 0.0
        sentence = render_feature(f, gettext, lang)
        if f.get("code") == "score.formed":
            formed = sentence                    # the footer: how the points make the score
            continue
        total += weight
        features.append({
            "feature": str(f.get("feature") or ""),
            "label": family_label(f, gettext),
            "detail": mark_words(sentence, emp, initials=False),
            "weight": weight,
            "coded": bool(f.get("code")),
        })
    score = float(m.get("score") or 0)
    return {
        "display_name": mark_words(m.get("display_name"), emp),
        "handle": mark_substrings(m.get("handle"), emp) if handle else Markup(""),
        "employee_name": _mark_name(m.get("employee_name"), targets_for_employee),
        "shared": list(dict.fromkeys(shared)),
        "features": features,
        "points": round(total, 1),
        "adds_up": abs(round(total, 1) - score) < 0.06,
        "formed": formed,
        "explanation": m.get("explanation") or "",
    }
