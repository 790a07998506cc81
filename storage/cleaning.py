"""Text written by strangers, cleaned at the door: no control characters get stored.

A NUL or an escape character in a name, a handle or a URL breaks spreadsheet writers
(openpyxl refuses them), re-colours or rewrites a terminal (``pantau status``), and is
never meaningful. Every way in (spiders, ``pantau import``, the roster, watchlists)
uses these functions, so what is stored, shown and exported is the same clean text.

- one-line fields (names, units, handles, URLs): tabs and line breaks become spaces,
  every other control character (C0, DEL, C1) is removed;
- free text (comments, bios): line breaks and tabs are kept (``\\r\\n`` and a lone
  ``\\r`` become ``\\n``), every other control character is removed.

A value that needed cleaning is also stripped (None when nothing is left), so that what is
stored comes back the same through an export and an import.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar

#: C0 controls, DEL and C1 controls
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_SPACE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85]")
_TEXT_DROP = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CR = re.compile(r"\r\n?")

T = TypeVar("T")


def has_control(value: str | None) -> bool:
    """True when ``value`` holds a control character (identifiers with one are refused by importers)."""
    return bool(value) and CONTROL.search(value) is not None


def one_line(value: str | None) -> str | None:
    """A name, unit, handle or URL without control characters (None stays None)."""
    if not value or value.isprintable():
        return value
    return CONTROL.sub("", _LINE_SPACE.sub(" ", value)).strip() or None


def free_text(value: str | None) -> str | None:
    """A comment or bio: line breaks and tabs kept, every other control character removed."""
    if not value or value.isprintable():
        return value
    return _TEXT_DROP.sub("", _CR.sub("\n", value)).strip() or None


def terminal_safe(value: object) -> str:
    """Text for a terminal: control characters shown as ``\\x1b`` etc., never sent raw."""
    s = "" if value is None else str(value)
    if s.isprintable():
        return s
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def clean_actor(actor: T) -> T:
    """An ``Actor`` whose strings carry no control characters."""
    a = actor
    fields = {"handle": one_line(a.handle), "display_name": one_line(a.display_name), "bio": free_text(a.bio),
              "profile_url": one_line(a.profile_url), "actor_key": one_line(a.actor_key)}
    if all(getattr(a, k) == v for k, v in fields.items()):
        return a
    return replace(a, **fields)


def clean_interaction(it: T) -> T:
    """An ``Interaction`` (and its actor) whose strings carry no control characters."""
    fields = {k: one_line(getattr(it, k)) for k in
              ("target_account", "post_id", "post_url", "interaction_id", "parent_id", "url")}
    fields["text"] = free_text(it.text)
    actor = clean_actor(it.actor) if it.actor is not None else None
    if actor is it.actor and all(getattr(it, k) == v for k, v in fields.items()):
        return it
    return replace(it, actor=actor, **fields)
