"""Query parameters of the queue -> a ``QueueFilter``; a value that does not parse is a 400.

Parsing HTTP parameters is the web layer's job: ``storage.queries.review`` only
turns a filter into SQL. A wrong value is refused with a page naming the
parameter (status 400), never silently dropped (the reader would believe the
filter is on) and never an error 500.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Mapping

from pantau.review.i18n import N_
from storage.queries.review import QueueFilter
from storage.records import BANDS, KINDS, MATCH_STATUSES, PLATFORMS

VIEWS = ("pairs", "cases")
TEXT_MAX = 200


class BadFilter(ValueError):
    """A query parameter with a value the queue does not accept.

    ``is_filter`` is False for a value that is not a filter (a form field, a number in the
    path): the page then says "invalid value" rather than "invalid filter".
    """

    def __init__(self, name: str, value: str, *, is_filter: bool = True):
        super().__init__(f"{name}={value!r}")
        self.name = name
        self.value = str(value)[:100]
        self.is_filter = is_filter


def bad_value(name: str, value) -> BadFilter:
    """The 400 of a form field or path part with a value no route accepts, naming it."""
    return BadFilter(name, str(value), is_filter=False)


def _choice(params: Mapping[str, str], name: str, allowed) -> str | None:
    v = params.get(name)
    if v in (None, ""):
        return None
    if v not in allowed:
        raise BadFilter(name, v)
    return v


def _text(params: Mapping[str, str], name: str) -> str | None:
    v = params.get(name)
    if v is None:
        return None
    v = v.strip()
    if len(v) > TEXT_MAX or "\x00" in v:
        raise BadFilter(name, v)
    return v or None


def _int(params: Mapping[str, str], name: str) -> int | None:
    v = params.get(name)
    if v in (None, ""):
        return None
    try:
        n = int(v)
    except ValueError:
        raise BadFilter(name, v) from None
    if not 0 <= n < 2 ** 63:
        raise BadFilter(name, v)
    return n


def _score(params: Mapping[str, str], name: str) -> float | None:
    v = params.get(name)
    if v in (None, ""):
        return None
    try:
        x = float(v)
    except ValueError:
        raise BadFilter(name, v) from None
    if not math.isfinite(x) or not 0 <= x <= 100:
        raise BadFilter(name, v)
    return x


def _date(params: Mapping[str, str], name: str) -> date | None:
    v = params.get(name)
    if v in (None, ""):
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise BadFilter(name, v) from None


def queue_filter(params: Mapping[str, str]) -> QueueFilter:
    """The filter a request asks for.

    Status defaults to pending, ``status=`` means all; a search (``q``) without a status
    looks through every status: whoever is searched for is wanted whatever was decided.
    """
    f = QueueFilter()
    f.q = _text(params, "q")
    if "status" in params:
        f.status = _choice(params, "status", MATCH_STATUSES)
    elif f.q:
        f.status = None
    f.unit = _text(params, "unit")
    f.platform = _choice(params, "platform", PLATFORMS)
    f.account = _int(params, "account")
    f.candidate = _text(params, "candidate")
    f.kind = _choice(params, "kind", KINDS)
    f.band = _choice(params, "band", BANDS)
    f.score_min = _score(params, "score_min")
    f.score_max = _score(params, "score_max")
    f.date_from = _date(params, "date_from")
    f.date_to = _date(params, "date_to")
    f.interaction_from = _date(params, "interaction_from")
    f.interaction_to = _date(params, "interaction_to")
    f.reviewer = _text(params, "reviewer")
    f.decided_from = _date(params, "decided_from")
    f.decided_to = _date(params, "decided_to")
    return f


def view(params: Mapping[str, str]) -> str:
    """``pairs`` (one row per account and employee) or ``cases`` (one row per employee)."""
    return _choice(params, "view", VIEWS) or "pairs"


def page_number(params: Mapping[str, str], name: str = "page") -> int:
    v = params.get(name)
    if v in (None, ""):
        return 1
    try:
        n = int(v)
    except ValueError:
        raise BadFilter(name, v) from None
    if not 1 <= n < 10 ** 9:
        raise BadFilter(name, v)
    return n


def one_of(params: Mapping[str, str], name: str, allowed, default: str | None = None) -> str | None:
    """A parameter that must be one of ``allowed``; absent or empty is ``default``."""
    v = _choice(params, name, allowed)
    return default if v is None else v


def given_text(params: Mapping[str, str], name: str) -> str | None:
    """A text parameter that, when given, must say something (``unit=`` alone is a mistake, not a filter)."""
    if name not in params:
        return None
    v = _text(params, name)
    if v is None:
        raise BadFilter(name, params.get(name, ""))
    return v


def day(params: Mapping[str, str], name: str) -> date | None:
    """A date parameter (YYYY-MM-DD); absent or empty is None."""
    return _date(params, name)


BAD_FILTER_TITLE = N_("Invalid filter")
BAD_VALUE_TITLE = N_("Invalid value")
BAD_FILTER_MESSAGE = N_("The value of “%(name)s” is not valid: %(value)s")
