"""Times in and out: one stored form (UTC, ISO 8601 with ``Z``), one exported form (the office's zone with offset).

Tools and people write times in many ways; a time without a zone is the office's local
time (``[schedule] timezone``), never UTC. Everything Pantau writes out for people carries
its offset, so a reader in Jakarta, Makassar or Jayapura sees what moment it was.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pantau.config import ScheduleConfig
from pantau.errors import PantauError

DEFAULT_TIMEZONE: str = ScheduleConfig.model_fields["timezone"].default
#: what Indonesian-locale Excel and many tools write: 10/01/2029 08:15 or 10/01/2029 08:15:30
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_UTC = timezone.utc
_fromiso = datetime.fromisoformat


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PantauError(f"unknown time zone {name!r}") from None


class Times:
    """Turns ``created_at`` values into the one stored form, an ISO 8601 UTC time with ``Z``.

    A time without a zone is a local time of ``[schedule] timezone`` (the office's clock, which
    is what a person or a tool in the office wrote), never UTC; those are counted so the import
    summary can say so. One stored form also keeps natural keys stable: the same moment written
    as ``+07:00`` or ``Z`` (an export re-imported) is the same interaction.
    """

    def __init__(self, tz: str):
        self.zone = zone(tz)
        self.name = tz
        self.naive = 0

    def __call__(self, value: str) -> str:
        try:
            # the extended form only (2029-01-10...): Python also reads the basic one, which would
            # take any long run of digits (a NIP in the wrong column) for a time
            if value[4:5] != "-" or value[7:8] != "-":
                raise ValueError(value)
            dt = _fromiso(value)
        except ValueError:
            m = _DMY.fullmatch(value)
            if m is None:
                raise
            d, mo, y, h, mi, sec = m.groups()
            dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
        if dt.tzinfo is None:
            self.naive += 1
            dt = dt.replace(tzinfo=self.zone)
        return dt.astimezone(_UTC).isoformat().replace("+00:00", "Z")


def local_iso(value, tz: str) -> str | None:
    """A stored time as ISO 8601 in ``tz`` with its offset (``2029-01-10T08:15:00+07:00``).

    Stored times without a zone are UTC (that is how Pantau stores them); a value that is
    not a time (a web page's "2 jam lalu") is returned as it is.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = _fromiso(str(value))
        except ValueError:
            return str(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_UTC)
    return dt.astimezone(zone(tz)).isoformat()
