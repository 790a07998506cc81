"""Receipt codes: what a reporter keeps to ask about their report later.

Twelve characters of Crockford's base32 (no I, L, O or U to misread), 60 random
bits, shown as ``ABCD-EFGH-JKMN``. Typing is forgiving: case, spaces, dashes and
the letters people confuse with digits are normalised before lookup.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_CONFUSED = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalise_code(text: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one."""
    s = "".join(ch for ch in (text or "")[:64].upper() if ch.isalnum()).translate(_CONFUSED)
    if len(s) != LENGTH or any(ch not in ALPHABET for ch in s):
        return None
    return "-".join(s[i:i + 4] for i in range(0, LENGTH, 4))
