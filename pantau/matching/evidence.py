"""Evidence codes: every sentence the matcher can say about a pair, as a code with parameters.

The matcher stores each piece of evidence as ``(feature, code, params, weight)``
beside an English ``detail`` (for the CLI and old readers). Readers render the
code in their own language: ``render(feature, gettext)`` looks the code up here,
translates its English template through the reader's gettext (the review app's
catalogues carry an Indonesian and an English entry for every template below) and
fills in the parameters. Parameters that strangers wrote (handles, digits, words
from a bio, titles) are inserted as plain text: escaping for HTML, PDF, terminal
or spreadsheet is the renderer's job, as for any other stranger-written text.

How the score is formed: the weights of a candidate's features add up to its score.
The last feature, ``score`` with code ``score.formed``, says so and carries the parts
(``params["parts"]``: ``[[code, points], ...]``, ``params["total"]``); when the sum
leaves 0..100 the score is held within it and a ``score.capped`` feature carries the
difference as its weight, so the sum still equals the score.

To add a sentence: add its code and ``N_("English template")`` here, use the code in
``pantau.matching``, run ``python -m pantau.review.i18n`` and translate the new
entries in ``pantau/review/locales/id/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storage.records import Feature


def N_(message: str) -> str:
    """Mark a template for the catalogues (``pantau.review.i18n.extract`` reads this module)."""
    return message


#: code -> English template (the msgid); {name} placeholders are filled from params
TEMPLATES: dict[str, str] = {
    # known handles (roster ``akun``)
    "known_handle.certain": N_("The handle is listed for this employee in the roster as their {platform} "
                               "account (certain)"),
    "known_handle.bare": N_("The handle matches a known handle of this employee, but the roster gives no "
                            "platform to confirm it: strong evidence, not certain (a namesake may use the "
                            "same handle)"),
    "known_handle.no_server": N_("The handle matches this employee's known Mastodon handle, but the roster "
                                 "gives no server to confirm it: strong evidence, not certain"),
    "known_handle.other_server": N_("The user name matches this employee's known handle '{listed}' "
                                    "({listed_platform}), but on another server: weak evidence, another "
                                    "person may hold that name there"),
    "known_handle.other_platform": N_("The handle matches this employee's known handle '{listed}' "
                                      "({listed_platform}), but this account is on {platform}: weak evidence "
                                      "(people reuse handles, and so do namesakes)"),
    # display-name comparison levels
    "display_name.typo": N_("Display name equals the roster name but for a typo"),
    "display_name.exact": N_("Display name equals the roster name"),
    "display_name.old_spelling": N_("Display name equals the roster name in another spelling "
                                    "(old j = y, ty = ti, iy = i, f = p, final h, Javanese o = a, ao = au, "
                                    "Arabic ts = s, Latin c = k or s, x = ks)"),
    "display_name.core": N_("Display name equals the roster name without its regional parts (I, Ni, Wayan, Ida "
                            "Bagus, br.)"),
    "display_name.near": N_("Display name nearly equals the roster name (similarity >= 92)"),
    "display_name.reversed": N_("Display name has the roster name's parts in another order"),
    "display_name.all_tokens": N_("Display name contains every roster name token"),
    "display_name.initials": N_("Display name matches the roster name with initials"),
    "display_name.call_name": N_("Display name is a call name of the roster name ('{call}' for '{given}')"),
    "display_name.call_name_alone": N_("Display name is only a call name of the roster name ('{call}' for "
                                       "'{given}'), which several given names share"),
    "display_name.call_name_place": N_("Display name is a call name of the roster name ('{call}' for '{given}') "
                                       "with the place of the employee's unit"),
    "display_name.similar": N_("Display name resembles the roster name (similarity >= 85)"),
    "display_name.shortened": N_("Display name is a shortened form of the roster name"),
    "display_name.other_name_one_token": N_("Display name shares one token but is another name"),
    "display_name.one_token": N_("Display name shares one name token"),
    "display_name.other_name": N_("Display name is another person's name"),
    "display_name.differs": N_("Display name differs from the roster name"),
    # handle comparison levels
    "handle.exact": N_("Handle '{handle}' spells the roster name"),
    "handle.old_spelling": N_("Handle '{handle}' spells the roster name in another spelling "
                              "(old j = y, ty = ti, iy = i, f = p, final h, Javanese o = a, ao = au, "
                              "Arabic ts = s, Latin c = k or s, x = ks)"),
    "handle.core": N_("Handle '{handle}' spells the roster name without its regional parts (I, Ni, Wayan, Ida "
                      "Bagus, br.)"),
    "handle.near": N_("Handle '{handle}' nearly spells the roster name (similarity >= 92)"),
    "handle.all_tokens": N_("Handle '{handle}' contains every roster name token"),
    "handle.abbreviation": N_("Handle '{handle}' spells the roster name with one of its names cut short"),
    "handle.initials": N_("Handle '{handle}' spells the roster name with initials"),
    "handle.call_name": N_("Handle '{handle}' contains a call name of the roster name ('{call}' for "
                           "'{given}')"),
    "handle.call_name_alone": N_("Handle '{handle}' is only a call name of the roster name ('{call}' for "
                                 "'{given}'), which several given names share"),
    "handle.call_name_dated": N_("Handle '{handle}' is only a call name of the roster name ('{call}' for "
                                 "'{given}'), beside the birth year: no other employee so called was born "
                                 "that year"),
    "handle.typo_tokens": N_("Handle '{handle}' spells the roster name with a typo"),
    "handle.similar": N_("Handle '{handle}' resembles the roster name (similarity >= 85)"),
    "handle.shortened": N_("Handle '{handle}' is a shortened form of the roster name"),
    "handle.one_token_dated": N_("Handle '{handle}' shares one name token, beside the full birth date"),
    "handle.one_token": N_("Handle '{handle}' shares one name token"),
    "handle.differs": N_("Handle '{handle}' differs from the roster name"),
    # name information
    "name.base": N_("The name fits: base points of a name match"),
    "frequency.common": N_("The matched name is common in the roster ({bits} bits), so it weighs less"),
    "frequency.rare": N_("The matched name is rare in the roster ({bits} bits)"),
    "shared_name": N_("{count} active employees share this exact name"),
    "shared_name.told_apart": N_("{count} active employees share this exact name, but the birth date in the "
                                 "handle tells this one apart: no points are taken off"),
    # corroboration
    "birth_date.year": N_("Handle digits '{digits}' match the birth year in the NIP"),
    "birth_date.day_month": N_("Handle digits '{digits}' match the birth day and month in the NIP"),
    "birth_date.full": N_("Handle digits '{digits}' match the full birth date in the NIP"),
    "birth_date.contradicts": N_("Handle digits '{digits}' state a birth year that differs from the one in "
                                 "the NIP"),
    "unit": N_("Profile mentions {words} from the employee's unit or position"),
    "title": N_("Title {titles} appears in both"),
    # bands
    "band.namesake.shared": N_("Namesake: {count} employees share this name; needs corroboration before any "
                               "conclusion"),
    "band.namesake.common": N_("Namesake: the name is common; needs corroboration before any conclusion"),
    "band.possible.known_bare": N_("Possible: the handle matches a known handle of this employee without a "
                                   "platform to confirm it, and nothing else agrees (no birth date, unit word "
                                   "or title; the display name does not fit a name only this employee has)"),
    "band.possible.known_other": N_("Possible: a known handle of this employee, but listed for another "
                                    "platform or server, and nothing independent confirms it"),
    "band.possible": N_("Possible: the name fits but nothing independent confirms it"),
    "band.handle_only": N_("Kept below the threshold: the handle is the only name the account shows and the "
                           "name is neither common nor shared"),
    "band.strong.known": N_("Strong: a known handle of this employee on the platform the roster names"),
    "band.strong.known_bare": N_("Strong: a known handle of this employee (no platform given) and a display "
                                 "name that fits a name only this employee has"),
    "band.strong": N_("Strong: the name fits and independent evidence agrees"),
    # how the score is formed
    "score.formed": N_("Score {score}: the sum of the points above (the weaker of display name and handle "
                       "counts {share} of its level's points when both fit; weights from {origin})"),
    "score.capped": N_("The points add up to {total}; a score is held within 0 to 100"),
    # model origins (the {origin} of score.formed and of ``pantau match --explain-model``)
    "origin.prior": N_("the built-in model"),
    "origin.em": N_("this workspace's actors and roster (EM)"),
    "origin.decisions": N_("this workspace's actors and roster (EM) and reviewers' decisions"),
}

#: feature family (the part of ``feature`` before ``:``) -> short label for a table column
FAMILIES: dict[str, str] = {
    "known_handle": N_("Known handle"),
    "display_name": N_("Display name"),
    "handle": N_("Handle"),
    "name_base": N_("Name fits"),
    "frequency": N_("Name frequency"),
    "shared_name": N_("Shared name"),
    "birth_date": N_("Birth date"),
    "unit": N_("Unit or position"),
    "title": N_("Title"),
    "band": N_("Band"),
    "handle_only": N_("Handle only"),
    "score": N_("Score"),
    "score_capped": N_("Score limit"),
}

#: params whose value is a number shown with one decimal
_DECIMAL = {"score", "total", "bits"}


def make(feature: str, code: str, weight: float, **params: Any) -> Feature:
    """A Feature with its code, params and the English detail (for the CLI and old readers)."""
    template = TEMPLATES.get(code)
    if template is None:
        raise KeyError(f"unknown evidence code {code!r}")
    # ``render`` with the English template, without its checks for stored rows and translations:
    # every kept pair of a match makes about six of these
    if code == "score.formed" and "origin" in params:
        return Feature(feature=feature, detail=render({"code": code, "params": params}, _identity), weight=weight,
                       code=code, params=params)
    return Feature(feature=feature, detail=template.format_map(_Missing({k: _value(k, v) for k, v in params.items()})),
                   weight=weight, code=code, params=params)


def _identity(message: str) -> str:
    return message


def _value(key: str, value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        return ", ".join(f"'{v}'" for v in value)
    if key in _DECIMAL and isinstance(value, (int, float)):
        return f"{float(value):.0f}" if key == "bits" else f"{float(value):.1f}"
    if key == "share" and isinstance(value, float):
        return f"{value:.0%}"
    return str(value)


def _get(feature: Mapping | Feature, key: str, default=None):
    if isinstance(feature, Mapping):
        return feature.get(key, default)
    return getattr(feature, key, default)


def render(feature: Mapping | Feature, gettext: Callable[[str], str]) -> str:
    """The sentence of one stored feature in the reader's language.

    ``feature`` is a ``Feature`` or a stored dict (``matches.features``). A row stored
    before codes existed (no ``code``) or with an unknown code falls back to its
    English ``detail``. Parameters are plain, unescaped values.
    """
    code = _get(feature, "code") or ""
    template = TEMPLATES.get(code)
    if template is None:
        return str(_get(feature, "detail") or "")
    params = _get(feature, "params") or {}
    if code == "score.formed" and "origin" in params:
        params = dict(params, origin=gettext(TEMPLATES.get(f"origin.{params['origin']}", params["origin"])))
    values = {k: _value(k, v) for k, v in params.items()} if isinstance(params, Mapping) else {}
    text = gettext(template)
    try:
        return text.format_map(_Missing(values))
    except (ValueError, IndexError):          # a damaged translation: the English template still works
        return template.format_map(_Missing(values))


def family_label(feature: Mapping | Feature, gettext: Callable[[str], str]) -> str:
    """The short label of a feature's family ("Display name", "Birth date"), translated."""
    name = str(_get(feature, "feature") or "").split(":")[0]
    label = FAMILIES.get(name)
    return gettext(label) if label else name


class _Missing(dict):
    """A placeholder without a param stays visible as ``{name}`` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
